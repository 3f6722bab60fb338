"""Scale benchmark: build, search, app and diff figures for generated corpora of 20,000 and 100,000 articles, side by side.

Usage:
    .venv/bin/python -m bench.scale_bench                          # 20,000 and 100,000, every stage (~1 h)
    .venv/bin/python -m bench.scale_bench --sizes 20000 --quick    # text index only; a few minutes
    .venv/bin/python -m bench.scale_bench --corpora /tmp/scale --homes /tmp/scale-bench --reuse --json out.json

Corpora come from bench/make_corpus.py (`<corpora>/c<N>`, reused when its MANIFEST.json has the same n and
seed). Each build stage (`wire index --text-only`, `wire index`, `wire overlaps --json`) runs as a child in a
session of its own, its peak RSS the largest sum of its processes' VmRSS polled every 0.2 s (shared pages
count once per process) beside GNU time's %M: the largest single process, `wire` or a child it waited for (the
kernel's maxrss of a reaped process takes in its reaped children's). The rest runs in this process (search,
no-change sync, entity counts, diffs), as `wire search` subprocesses, or as the app on an 80x24 pty
(bench/tui_bench.py's Child). Prints a table with the issue's targets; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script too

from bench.reuters import DEFAULT as REUTERS  # noqa: E402
from bench.robust_kill import session_members, wire_command  # noqa: E402
from reader.library import Library  # noqa: E402

GNU_TIME = Path("/usr/bin/time")
MARKER = "scale_bench_build.json"
STAGES = ("text", "entities", "overlaps")
STOP = set("that this with from into over after what about more than their says said will have been when where "
           "which there they them then also year years first could would should week".split())
BYLINES = ("okafor", "garcia", "patel", "tanaka", "rossi")  # surnames bench/make_corpus.py gives reporters
ROWS = [  # (key, label, target at N=100,000)
    ("articles", "articles indexed", ""),
    ("text", "text: wire index --text-only, fresh home", ">= 1,000 docs/s"),
    ("text_rss", "text: peak RSS, group sum (PSS) / largest process", "< 1.5 GB"),
    ("entities", "entities: wire index after text", ">= 15,000 words/s"),
    ("entities_rss", "entities: peak RSS, group sum (PSS) / largest process", "< 1.5 GB"),
    ("overlaps", "overlaps: wire overlaps --json, all pairs", "< 5 min"),
    ("overlaps_rss", "overlaps: peak RSS, group sum (PSS) / largest process", "< 1.5 GB"),
    ("nochange", "no-change sync in-process, median of 5", "< 0.5 s"),
    ("cli_word", "wire search WORD end to end, median of 5", "< 0.8 s"),
    ("cli_prefix", "wire search PREFIX* end to end, median of 5", "< 0.8 s"),
    ("search", "search limit 20 + snippets: p50 / p95 / max", "p95 < 100 ms"),
    ("search_all", "the app's list of hits (Library.found): p50 / p95", ""),
    ("launch", "app launch to a drawn list: best / worst of 3", "< 1.0 s"),
    ("key_j", "app CPU per key: j", "< 10 ms"),
    ("key_ctrl_d", "app CPU per key: ctrl+d", "< 10 ms"),
    ("app_rss", "app VmRSS: list drawn / settled / 100 keys", "< 500 MB"),
    ("sidebar", "entity counts for a ~10% query, median of 3", "< 300 ms"),
    ("diff", "diff of 5 wire-copy pairs: median / max", "< 300 ms"),
]


def machine() -> str:
    mem = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line)
    gib = lambda key: int(mem[key].split()[0]) / 2**20  # noqa: E731
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, RAM {gib('MemTotal'):.1f} GiB ({gib('MemAvailable'):.1f} available), load {load}"


def mb(kib: float) -> str:
    return f"{kib / 1024:,.0f} MB"


def pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[int(q * (len(ordered) - 1))]


# --- processes ------------------------------------------------------------------------------------

def _field_kib(path: str, field: str) -> int:
    """A "Field:  N kB" line of a /proc file, in KiB (0 when the process is gone)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def vmrss(pid: int) -> int:
    """VmRSS of `pid` in KiB (0 when it is gone)."""
    return _field_kib(f"/proc/{pid}/status", "VmRSS:")


def pss(pid: int) -> int:
    """Proportional set size of `pid` in KiB: a page shared by n processes counts 1/n, so the sum over a
    group is the memory it really holds. VmRSS counts a forked worker's pages shared with its parent in
    full, once per process."""
    return _field_kib(f"/proc/{pid}/smaps_rollup", "Pss:")


def group_rss(sid: int, leave_out: int | None = None) -> tuple[int, int]:
    """The group's summed VmRSS and summed PSS, KiB."""
    members = [pid for pid in session_members(sid) if pid != leave_out]
    return sum(vmrss(pid) for pid in members), sum(pss(pid) for pid in members)


def end_session(sid: int) -> None:
    """SIGKILL what is left of a session we started (nothing, normally); only while it has members, so
    the id cannot be someone else's by then."""
    if session_members(sid):
        try:
            os.killpg(sid, signal.SIGKILL)
        except OSError:
            pass


def run_stage(argv: list[str], corpus: Path, home: Path, stdout: Path | None = None) -> dict:
    """`wire ARGV` as a child in its own session: wall time, peak summed VmRSS, GNU time's max RSS."""
    maxrss_file = home.parent / f".{home.name}.maxrss"
    wrap = ["/usr/bin/time", "-f", "%M", "-o", str(maxrss_file)] if GNU_TIME.exists() else []
    errors = home.parent / f".{home.name}.stderr"  # a file, not a pipe: a full pipe would stall the child
    started, peak, peak_pss = time.perf_counter(), 0, 0
    with open(stdout or os.devnull, "wb") as out, open(errors, "wb") as err:
        proc = subprocess.Popen(wrap + wire_command(argv, corpus, home), stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err, start_new_session=True, cwd=ROOT)
        try:
            while proc.poll() is None:  # GNU time itself (~2 MB) is left out of the sum
                rss, shared = group_rss(proc.pid, leave_out=proc.pid if wrap else None)
                peak, peak_pss = max(peak, rss), max(peak_pss, shared)
                time.sleep(0.2)
        finally:
            end_session(proc.pid)
            proc.wait()
    seconds = time.perf_counter() - started
    err = errors.read_text(encoding="utf-8", errors="replace")
    errors.unlink()
    main_rss = None
    if wrap and maxrss_file.exists():
        last = maxrss_file.read_text().split()
        main_rss = int(last[-1]) if last and last[-1].isdigit() else None
        maxrss_file.unlink()
    return {"seconds": seconds, "peak_kib": peak, "pss_kib": peak_pss, "main_kib": main_rss, "code": proc.returncode,
            "stderr": err.strip().splitlines()[-3:]}


# --- corpora and homes -----------------------------------------------------------------------------

def ensure_corpus(corpora: Path, n: int, seed: int) -> Path:
    """`<corpora>/c<N>` (or `c<N/1000>k`, as the issue's first corpora were named) when its MANIFEST.json
    says the same n and seed and that it is complete; else generated into `<corpora>/c<N>`."""
    names = [f"c{n}"] + ([f"c{n // 1000}k"] if n % 1000 == 0 else [])
    for folder in (corpora / name for name in names):
        try:
            meta = json.loads((folder / "MANIFEST.json").read_text())
        except (OSError, ValueError):
            continue
        if meta.get("n") == n and meta.get("seed") == seed and meta.get("complete"):
            print(f"  corpus: reusing {folder}", flush=True)
            return folder
    folder = corpora / names[0]
    from bench.make_corpus import Refused, make  # written alongside; imported only to generate

    print(f"  corpus: generating {n:,} articles (seed {seed}) in {folder} …", flush=True)
    try:
        summary = make(folder, n, seed, force=True)
    except Refused as exc:
        raise SystemExit(f"scale_bench: cannot make the corpus: {exc}") from None
    print(f"  corpus: {summary['articles']:,} articles, {summary['bytes'] / 1e6:,.0f} MB in {summary['seconds']} s")
    return folder


def count_words(lib: Library) -> int:
    """Words NER reads: the non-boilerplate body of every stored article, split on whitespace."""
    return sum(len(article.body.split()) for article in lib.store.iter_articles())


def build(corpus: Path, home: Path, stages: list[str], reuse: bool) -> dict:
    """Run the build stages on `home` (fresh unless reused); returns {stage: figures}, earlier ones included."""
    marker = home / MARKER
    done: dict = {}
    if reuse and marker.exists():
        saved = json.loads(marker.read_text())
        done = saved["stages"] if saved.get("corpus") == str(corpus) else {}
    if not done:
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
    for stage in STAGES:
        if stage in done:
            print(f"  {stage}: reused from the earlier run ({done[stage]['seconds']:.1f} s then)", flush=True)
            continue
        if stage != "text" and stage not in stages:
            continue
        print(f"  {stage}: running …", flush=True)
        if stage == "overlaps":
            out = home.parent / f".{home.name}.overlaps.json"
            fig = run_stage(["overlaps", "--json"], corpus, home, stdout=out)
            if fig["code"] == 0:
                pairs = json.loads(out.read_text())["pairs"]
                fig["pairs"] = len(pairs)
                fig["labels"] = dict(Counter(p.get("label") for p in pairs))
            out.unlink(missing_ok=True)
        else:
            fig = run_stage(["index", "--text-only"] if stage == "text" else ["index"], corpus, home)
        lib = Library.open(corpus, home)
        try:
            fig["articles"] = lib.store.count()
            if stage == "entities":
                fig["words"] = count_words(lib)
        finally:
            lib.close()
        print(f"  {stage}: {fig['seconds']:.1f} s, exit {fig['code']}, peak {mb(fig['peak_kib'])}", flush=True)
        if fig["code"] != 0:
            print(f"  {stage}: FAILED: {' | '.join(fig['stderr'])}", flush=True)
            done[stage] = fig
            break
        done[stage] = fig
        marker.write_text(json.dumps({"corpus": str(corpus), "stages": done}, indent=1))
    return done


# --- queries ---------------------------------------------------------------------------------------

def corpus_words(lib: Library) -> tuple[list[str], list[str], list[str]]:
    """The most frequent title words (and bigrams) and outlets, leaving out make_corpus's title suffixes."""
    try:
        from bench.make_corpus import SUFFIXES
    except Exception:  # noqa: BLE001 — being written by another hand: do without
        SUFFIXES = ()
    skip = STOP | {w for s in SUFFIXES for w in re.findall(r"[a-z]+", s.lower())}
    words, pairs, outlets = Counter(), Counter(), Counter()
    for row in lib.listing():
        tokens = [t for t in re.findall(r"[a-z]+", row.title.lower()) if len(t) >= 4 and t not in skip]
        words.update(set(tokens))
        pairs.update(f"{a} {b}" for a, b in zip(tokens, tokens[1:]))
        outlets[row.outlet or ""] += 1
    return ([w for w, _ in words.most_common(80)], [p for p, _ in pairs.most_common(8)],
            [o for o, _ in outlets.most_common(3) if o])


def mixed_queries(words: list[str], phrases: list[str], outlets: list[str], seed: int = 7) -> list[str]:
    """>= 100 queries of every kind the issue names, built from words the corpus has."""
    rng, top = random.Random(seed), words[:20]
    out = []
    for w in top:
        a, b = rng.sample([x for x in top if x != w], 2)
        out += [w, f"{w} {a}", f"{w} OR {b}", f"{w} NOT {a}", f"title:{w}", f"{w[:4]}* OR {b}"]
    out += [f'"{p}"' for p in phrases]
    out += [f'outlet:"{o}"' for o in outlets] + [f'outlet:"{outlets[0]}" {top[0]}' if outlets else top[0]]
    out += [f"byline:{name}" for name in BYLINES] + [f"byline:{BYLINES[0]} {top[1]}"]
    out += ["date:[2024-03-01 to 2024-06-30]", f"date:[2025-01-01 to 2025-01-31] {top[2]}",
            f"date:[2024-01-01 to 2025-12-31] {top[3]} OR {top[4]}"]
    out += ["comp*", "bank*", "sta*", "bank* OR trade", "sta* OR comp*", "wh?at", f"{top[5][:2]}?{top[5][3:]}",
            f"({top[0]} OR {top[1]}) AND {top[2]}", f"{top[3]} NOT ({top[4]} OR {top[5]})"]
    return out


def timed(fn, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


# --- figures ---------------------------------------------------------------------------------------

def reading_figures(corpus: Path, home: Path, built: dict) -> tuple[dict, list]:
    """No-change sync, searches, entity counts and diffs in this process; `wire search` as subprocesses."""
    fig: dict = {}

    def nochange() -> None:
        lib = Library.open(corpus, home)
        lib.sync()
        lib.close()
    fig["nochange"] = statistics.median(timed(nochange, 5))
    lib = Library.open(corpus, home)
    try:
        words, phrases, outlets = corpus_words(lib)
        for key, q in (("cli_word", words[0]), ("cli_prefix", "comp*")):  # comp*: the slowest prefix on Reuters
            fig[key] = (q, statistics.median(timed(lambda q=q: subprocess.run(
                wire_command(["search", q], corpus, home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL, cwd=ROOT, start_new_session=True, check=False), 5)))
        queries = mixed_queries(words, phrases, outlets)
        for q in queries[:10]:
            lib.search(q)  # warm the OS cache and the searcher, as a running app has them
        per_query = [(timed(lambda q=q: lib.search(q, limit=20))[0] * 1000, q) for q in queries]
        times = [t for t, _ in per_query]
        fig["search"] = (len(queries), statistics.median(times), pct(times, 0.95), max(times))
        worst = sorted(per_query, reverse=True)[:5]
        listing = [timed(lambda q=q: lib.found(q))[0] * 1000 for q in queries]  # the app's list of hits
        fig["search_all"] = (statistics.median(listing), pct(listing, 0.95))
        if "entities" in built:
            target = 0.1 * lib.store.count()
            hits = {w: len(lib.matching(w)) for w in words}
            word = min(hits, key=lambda w: abs(hits[w] - target))
            first = timed(lambda: lib.entities(query=word, limit=50))[0]
            fig["sidebar"] = (word, hits[word], statistics.median(timed(lambda: lib.entities(query=word, limit=50), 3)),
                              first)
        if "overlaps" in built:
            pairs = lib.overlaps()[0]
            picked = [pairs[i * len(pairs) // 5] for i in range(5)] if pairs else []
            times = [timed(lambda p=p: lib.diff(p.a, p.b))[0] for p in picked]
            fig["diff"] = (statistics.median(times), max(times), times[0]) if times else None
    finally:
        lib.close()
    return fig, worst


def app_figures(corpus: Path, home: Path, settled_home: bool) -> dict:
    """The app on an 80x24 pty: launches, CPU per key, VmRSS. Without entities and copies built, the app
    would run NER and the copy pass on the home: it gets a copy of it then, deleted afterwards."""
    from bench.tui_bench import _LISTED, Child

    target = home
    if not settled_home:
        target = home.parent / f"{home.name}-app"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(home, target)
    children: list[Child] = []

    def start() -> Child:
        child = Child(corpus, target, (80, 24))
        children.append(child)
        return child
    fig: dict = {}
    try:
        warm = start()  # checks the index and warms the page cache: not counted
        warm.wait_for(_LISTED, timeout=1800)
        warm.quiet()
        warm.close()
        launches = []
        for _ in range(3):
            child = start()
            launches.append(child.wait_for(_LISTED))
            child.close()
        fig["launch"] = (min(launches), max(launches))
        child = start()
        child.wait_for(_LISTED)
        launched = vmrss(child.proc.pid)
        fig["background"] = child.settle_cpu(timeout=600 if settled_home else 20)
        launched = (launched, vmrss(child.proc.pid))  # at the drawn list, and once background work is over
        idle = child.idle_cpu(3.0)  # 100 presses 0.03 s apart
        child.press(b"g", 1, 0.03)  # from the top, as tui_bench does
        for key, code in (("key_j", b"j"), ("key_ctrl_d", b"\x04")):
            cpu, _ = child.press(code, 100, 0.03)
            fig[key] = (max(0.0, cpu - idle) / 100 * 1000, cpu / 100 * 1000)
            if key == "key_j":
                fig["app_rss"] = (*launched, vmrss(child.proc.pid), group_rss(child.proc.pid)[0])
        child.close()
    except SystemExit as exc:  # Child.wait_for gives up so
        fig["app_error"] = str(exc)
    finally:
        for child in children:
            end_session(child.proc.pid)
            child.proc.wait()
        if target != home:
            shutil.rmtree(target, ignore_errors=True)
    return fig


def show(key: str, built: dict, fig: dict) -> str:
    """One cell of the table."""
    if key in ("text", "entities", "overlaps", "text_rss", "entities_rss", "overlaps_rss"):
        stage = built.get(key.removesuffix("_rss"))
        if stage is None:
            return "not run"
        if stage["code"] != 0:
            return f"failed (exit {stage['code']})"
        if key.endswith("_rss"):
            shared = f" (PSS {mb(stage['pss_kib'])})" if stage.get("pss_kib") else ""
            return f"{mb(stage['peak_kib'])}{shared} / {mb(stage['main_kib']) if stage['main_kib'] else '?'}"
        s = stage["seconds"]
        if key == "overlaps":
            return f"{s:,.1f} s, {stage.get('pairs', 0):,} pairs"
        rate = f"{s:,.1f} s, {stage['articles'] / s:,.0f} docs/s"
        return rate + (f", {stage['words'] / s:,.0f} words/s" if key == "entities" else "")
    if key == "articles":
        return f"{built['text']['articles']:,}" if "text" in built else "?"
    value = fig.get(key)
    if value is None:
        return "not run"
    if key == "nochange":
        return f"{value:.3f} s"
    if key in ("cli_word", "cli_prefix"):
        return f"{value[1]:.3f} s ({value[0]})"
    if key == "search":
        return f"{value[1]:.1f} / {value[2]:.1f} / {value[3]:.0f} ms ({value[0]} q)"
    if key == "search_all":
        return f"{value[0]:.1f} / {value[1]:.1f} ms"
    if key == "launch":
        return f"{value[0]:.2f} / {value[1]:.2f} s"
    if key.startswith("key_"):
        return f"{value[0]:.2f} ms (raw {value[1]:.2f})"
    if key == "app_rss":
        return f"{mb(value[0])} / {mb(value[1])} / {mb(value[2])} (group {mb(value[3])})"
    if key == "sidebar":
        return f"{value[2] * 1000:.0f} ms ({value[0]!r}, {value[1]:,} hits)"
    if key == "diff":
        return f"{value[0] * 1000:.0f} / {value[1] * 1000:.0f} ms"
    return str(value)


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000,100000", help="corpus sizes (default 20000,100000)")
    parser.add_argument("--seed", type=int, default=0, help="make_corpus seed (default 0)")
    parser.add_argument("--corpora", type=Path, help="folder of the corpora <DIR>/c<N> (default: a temporary one)")
    parser.add_argument("--homes", type=Path, help="keep the built homes here as <DIR>/h<N>")
    parser.add_argument("--reuse", action="store_true", help="skip the build stages a kept home already has")
    parser.add_argument("--stages", default=",".join(STAGES), help="build stages (text always runs)")
    parser.add_argument("--quick", action="store_true", help="no entities, no overlaps")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    # A SIGTERM (timeout, a job killed) unwinds like Ctrl-C, so every finally ends its children.
    signal.signal(signal.SIGTERM, _interrupted)
    sizes = [int(s) for s in args.sizes.split(",")]
    stages = [] if args.quick else [s.strip() for s in args.stages.split(",")]
    if args.reuse and not args.homes:
        parser.error("--reuse needs --homes")
    print(f"machine at the start: {machine()}", flush=True)
    if not REUTERS.parent.is_dir():
        print(f"scale_bench: the data sets folder {REUTERS.parent} (../shared/data) is missing: corpora can only be "
              "reused, not generated", flush=True)
    scratch = [Path(tempfile.mkdtemp(prefix="scale-bench-")) for d in (args.corpora, args.homes) if d is None]
    corpora = args.corpora or scratch[0]
    homes = args.homes or scratch[-1]
    results: dict = {}
    try:
        for n in sizes:
            print(f"\nN = {n:,}", flush=True)
            corpus = ensure_corpus(corpora, n, args.seed).resolve()
            home = homes / f"h{n}"
            built = build(corpus, home, stages, args.reuse)
            if built.get("text", {}).get("code") != 0:
                results[n] = {"built": built, "figures": {}, "slowest": [], "corpus": str(corpus)}
                continue  # nothing to read
            fig, worst = reading_figures(corpus, home, built)
            print("  slowest searches: " + "; ".join(f"{q} {t:.0f} ms" for t, q in worst), flush=True)
            fig.update(app_figures(corpus, home, settled_home="entities" in built and "overlaps" in built))
            if "background" in fig:
                print(f"  app: background work over {fig['background']:.1f} s after the list was drawn"
                      f"{'' if 'entities' in built and 'overlaps' in built else ' (NER and copies on a copy of the home: keys measured beside them)'}")
            if "app_error" in fig:
                print(f"  app: {fig['app_error']}")
            results[n] = {"built": built, "figures": fig, "slowest": worst, "corpus": str(corpus), "home": str(home)}
    finally:
        for folder in scratch:
            shutil.rmtree(folder, ignore_errors=True)
    cols = [f"{n:,}" for n in results]
    table = [[label] + [show(key, r["built"], r["figures"]) for r in results.values()] + [target]
             for key, label, target in ROWS]
    widths = [max(len(row[i]) for row in table + [["figure", *cols, "target (N=100,000)"]]) for i in range(len(cols) + 2)]
    print()
    for row in [["figure", *cols, "target (N=100,000)"], ["-" * w for w in widths], *table]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    print(f"\nmachine at the end: {machine()}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "sizes": results}, indent=1, default=str))


if __name__ == "__main__":
    main()
