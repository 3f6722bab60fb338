"""Issue 10's figures, each measured in this run: hostile files, kill -9 trials, state kept, full disk, two sessions.

Usage:
    python -m bench.robustness_report            # every hostile kind alone (NER included), 24 kill -9 trials
    python -m bench.robustness_report --quick    # hostile kinds text-only, 6 trials

Everything happens under a fresh folder in /tmp (mkdtemp, removed at the end); the corpus is generated
(the seeds, generated articles, tests/hostile.py's files), so no data set is needed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/hostile.py and bench/ are imported from the checkout

from bench import crash_trials as ct  # noqa: E402

try:
    from bench import robust_kill  # noqa: E402
except ImportError:  # written by another engineer; the report counts processes itself without it
    robust_kill = None

TRACEBACKS = [0]
"""'Traceback' seen in the stderr of every command this report ran."""


def _wire(home: Path, corpus: Path, *args: str, limit: int | None = None, timeout: float = 300):
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), not the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    try:
        done = subprocess.run([sys.executable, "-m", "reader", "--home", str(home), "--corpus", str(corpus), *args],
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                              preexec_fn=preexec if limit else None)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, -1, "", f"timed out after {timeout} s")
    TRACEBACKS[0] += done.stderr.count("Traceback")
    return done


def _found(home: Path, corpus: Path, words: dict[str, str]) -> int:
    """How many of the good articles (id -> its own word) a search finds."""
    from reader.library import Library

    lib = Library.open(corpus, home)  # reading only: the sync was the subprocess's
    try:
        return sum(1 for article, word in words.items() if article in {h.id for h in lib.search(word).hits})
    finally:
        lib.close()


def hostile(root: Path, quick: bool) -> dict:
    """Every kind of hostile file alone beside the good articles, then all together (with NER unless quick:
    alone, the long texts' NER, minutes each, is left to the run with all of them together)."""
    from tests import hostile as h

    lost_alone, failed, kinds = 0, [], list(h.KINDS)
    for n, kind in enumerate(kinds):
        corpus, home = root / f"h{n}", root / f"h{n}-home"
        words = h.make_good(corpus)
        if not h.make(corpus, [kind]):
            continue
        text_only = quick or kind in h.LONG_TEXT_KINDS
        done = _wire(home, corpus, "index", *(("--text-only",) if text_only else ()))
        lost = len(words) - _found(home, corpus, words)  # the text stage commits before NER starts
        lost_alone += lost
        if done.returncode != 0 or lost:
            failed.append(f"{kind}: exit {done.returncode}, {lost} lost, {done.stderr.strip()[-120:]}")
    corpus, home = root / "all", root / "all-home"
    words = h.make_good(corpus)
    written = h.make(corpus)
    started = time.monotonic()
    done = _wire(home, corpus, "index", *(("--text-only",) if quick else ()), timeout=1500)
    seconds = time.monotonic() - started
    together = len(words) - _found(home, corpus, words)
    if done.returncode != 0:
        failed.append(f"all together: exit {done.returncode}: {done.stderr.strip()[-200:]}")
    return {"kinds": len(kinds), "together": len(written), "lost_alone": lost_alone, "lost_together": together,
            "good": len(words), "failed": failed, "seconds": seconds, "ner": not quick}


def crashes(root: Path, trials: int) -> dict:
    """kill -9 at random moments of `wire index` (new and edited files, text only and with NER) and of
    `--rebuild`, until `trials` kills landed while the command ran (at most twice as many tries)."""
    corpus, home = root / "crash", root / "crash-home"
    expected = ct.Expected(set(ct.make_corpus(corpus, 300, seed=11)))
    _wire(home, corpus, "index")
    ct.seed_state(home, corpus, expected, sorted(expected.generated))
    kinds = [("index", "--text-only"), ("index", "--rebuild", "--text-only"), ("index",)]
    rng = random.Random(20)
    delays = ct.Delays(rng)
    out = {"trials": 0, "killed": 0, "survived": 0, "lost": 0, "left": 0, "problems": []}
    while out["killed"] < trials and out["trials"] < 2 * trials:
        args = kinds[out["trials"] % len(kinds)]
        delay = delays.pick(args)
        result = ct.trial(home, corpus, expected, rng, out["trials"], args, delay)
        delays.outcome(args, delay, result.killed)
        TRACEBACKS[0] += result.tracebacks
        out["trials"] += 1
        out["killed"] += result.killed
        out["survived"] += result.killed and not result.problems and not result.left
        out["lost"] += result.lost
        out["left"] += result.left
        out["problems"] += [f"trial {out['trials']} ({result.command}): {p}" for p in result.problems]
    out["items"] = expected.items()
    out["articles"] = len(expected.generated) + 4
    return out


def ner_kills(root: Path, count: int) -> dict:
    """kill -9 while NER workers run (bench/robust_kill.kill_trial), then `wire index` again."""
    if robust_kill is None:
        return {"trials": 0, "left": 0, "after": 0}
    corpus, home = root / "ner", root / "ner-home"
    robust_kill.ner_corpus(corpus)
    _wire(home, corpus, "index", "--text-only")
    left = after = 0
    for _ in range(count):
        shutil.rmtree(home / "cache" / "corpora", ignore_errors=True)  # NER owed again, whole
        _wire(home, corpus, "index", "--text-only")
        result = robust_kill.kill_trial(["index"], corpus, home, children=2)
        left += result["left"]
        done = _wire(home, corpus, "index")
        after += done.returncode != 0 or "error" in done.stderr
    return {"trials": count, "left": left, "after": after}


def full_disk(root: Path) -> dict:
    """A 20 MB tmpfs as home, filled up after the first build, if this process may mount one (root);
    else a file size limit on the child (a write past it fails with EFBIG, as one past a full disk)."""
    corpus, home = root / "full", root / "full-home"
    old = set(ct.make_corpus(corpus, 150, seed=4))
    home.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(home)],
                             capture_output=True).returncode == 0
    try:
        limit = None if mounted else 64 * 1024
        _wire(home, corpus, "index", "--text-only")
        if mounted:  # all but 64 KB taken by another file, as on a disk that filled up since
            st = os.statvfs(home)
            with (home / "filler").open("wb") as fh:
                fh.truncate(0)
                fh.write(b"\0" * max(0, st.f_bavail * st.f_frsize - 64 * 1024))
        new = set(ct.write_articles(corpus, range(500, 1500), random.Random(3), prefix="new"))
        done = _wire(home, corpus, "index", "--text-only", limit=limit)
        search = _wire(home, corpus, "search", ct.MARKER, "--limit", "5000", "--json", limit=limit)
        hits = {h["id"] for h in json.loads(search.stdout)["hits"]} if search.returncode == 0 else set()
        return {"how": "20 MB tmpfs, filled" if mounted else "RLIMIT_FSIZE 64 KB", "line": done.stderr.strip(),
                "exit": done.returncode, "search": f"old index answered ({len(hits)} hits)"
                if old <= hits <= old | new else f"search failed: {search.stderr.strip()[-150:]}"}
    finally:
        if mounted:
            subprocess.run(["umount", str(home)], capture_output=True)


def sessions(root: Path) -> dict:
    """One process rebuilding again and again, another searching and tagging: errors shown, tags lost."""
    corpus, home = root / "two", root / "two-home"
    ids = ct.make_corpus(corpus, 300, seed=6)
    _wire(home, corpus, "index", "--text-only")
    errors, lost, short = 0, 0, 0
    rebuild = ct.start(home, corpus, "index", "--rebuild", "--text-only")
    for n in range(8):
        if rebuild.poll() is not None:
            errors += "error" in rebuild.communicate()[1]
            rebuild = ct.start(home, corpus, "index", "--rebuild", "--text-only")
        found = _wire(home, corpus, "search", ct.MARKER, "--limit", "1000", "--json")
        errors += "error" in found.stderr
        short += found.returncode != 0 or json.loads(found.stdout)["total"] != len(ids)
        errors += "error" in _wire(home, corpus, "tag", ids[n], f"+t{n}").stderr
    errors += "error" in rebuild.communicate(timeout=300)[1]
    for n in range(8):
        done = _wire(home, corpus, "tag", ids[n], "--json")
        lost += done.returncode != 0 or f"t{n}" not in json.loads(done.stdout)["tags"]
    first, second = (ct.start(home, corpus, "index", "--rebuild", "--text-only") for _ in range(2))
    outs = [p.communicate(timeout=300)[1] for p in (first, second)]
    errors += sum("error" in e for e in outs)
    return {"errors": errors, "lost": lost, "short": short, "waited": sum("waiting for another" in e for e in outs)}


def stops(root: Path) -> dict:
    """Ctrl-C (SIGINT to the process group) during the sync, NER and the wire-copy pass: seconds to exit."""
    if robust_kill is None:
        return {}
    corpus, home = root / "stop", root / "stop-home"
    robust_kill.ner_corpus(corpus)
    out = {}
    for stage, args, children in (("sync", ["index", "--rebuild", "--text-only"], 0), ("NER", ["index"], 2),
                                  ("wire copies", ["overlaps"], 0)):
        result = robust_kill.interrupt_trial(args, corpus, home, delay=None if children else 0.5, children=children)
        out[stage] = (result["seconds"], result["code"], result["stderr"].count("\n"), result["left"],
                      result["finished"])
        TRACEBACKS[0] += result["stderr"].count("Traceback")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer trials, hostile kinds without NER")
    parser.add_argument("--trials", type=int, help="kill -9 trials (default 24, 6 with --quick)")
    args = parser.parse_args()
    trials = args.trials or (6 if args.quick else 24)
    root = Path(tempfile.mkdtemp(prefix="wire-robustness-"))
    started = time.monotonic()
    try:
        rows = []
        h = hostile(root, args.quick)
        rows += [("hostile kinds tried alone / together", f"{h['kinds']} / {h['together']}", ""),
                 ("good articles lost, kinds alone (sum over runs)", str(h["lost_alone"]), "0"),
                 (f"good articles lost, all kinds together (of {h['good']}; "
                  f"`wire index`{'' if h['ner'] else ' --text-only'} {h['seconds']:.0f} s)", str(h["lost_together"]), "0")]
        c = crashes(root, trials)
        rows += [(f"kill -9 mid-run survived (of {c['trials']} tries; {c['articles']} articles at the end)",
                  f"{c['survived']} of {c['killed']}", "≥ 20 of 20"),
                 (f"state items lost (of {c['items']} kept through the trials)", str(c["lost"]), "0"),
                 ("processes left 1 s after a kill -9 (sync trials)", str(c["left"]), "0")]
        k = ner_kills(root, 2 if args.quick else 4)
        if k["trials"]:
            rows += [(f"processes left after kill -9 during NER ({k['trials']} trials)", str(k["left"]), "0"),
                     ("failed `wire index` after those kills", str(k["after"]), "0")]
        f = full_disk(root)
        rows += [(f"full disk ({f['how']}): exit, message", f"{f['exit']}: {f['line']}", "1, one line"),
                 ("full disk: a search in a second command", f["search"], "old index")]
        s = sessions(root)
        rows += [("two sessions: errors shown (rebuilds beside search+tag, 2 rebuilds at once)", str(s["errors"]), "0"),
                 ("two sessions: tags lost / searches short of articles", f"{s['lost']} / {s['short']}", "0 / 0"),
                 ("two rebuilds at once: the second said it waited", str(s["waited"]), "≤ 1")]
        for stage, (seconds, code, lines, left, finished) in stops(root).items():
            rows.append((f"Ctrl-C during {stage}: seconds, exit, stderr lines, left",
                         "it ended before the Ctrl-C" if finished else f"{seconds:.2f} s, {code}, {lines}, {left}",
                         "< 2 s, 130, 1, 0"))
        rows.append(("tracebacks in every stderr of this run", str(TRACEBACKS[0]), "0"))
        width = max(len(r[0]) for r in rows)
        print(f"{'figure':<{width}}  {'measured':<40}  target")
        for name, value, target in rows:
            print(f"{name:<{width}}  {value:<40}  {target}")
        for problem in h["failed"] + c["problems"]:
            print(f"  - {problem}")
        print(f"({time.monotonic() - started:.0f} s)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
