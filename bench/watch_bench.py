"""Live arrival figures: a file dropped into the corpus, until its title is on the open app's screen (and until
`wire watch` prints it); a burst of files; the quit with the watch running.

Usage:
    python bench/watch_bench.py                          # writes a 3,000-article corpus (bench/make_corpus.py)
    python bench/watch_bench.py --corpus DIR --home H    # an indexed corpus of your own
    python bench/watch_bench.py --drops 10 --burst 500

The app runs under a real pty (bench/tui_bench.py's Child). Each drop writes one new article (dated after every
other, so it is listed first) into `arrivals/` of the corpus and times from just before the write to its title
in what the app writes to the terminal. Drops are made once the app is idle (the entity and copy stages that
each arrival starts have finished), and again 1 s apart with those stages still running. The dropped files are
removed at the end. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.robust_kill import cleanup, wire_command  # noqa: E402 — after the sys.path line, to run as a script
from bench.tui_bench import _LISTED, Child  # noqa: E402

ARTICLE = "---\ntitle: '{title}'\ndate: 2031-01-{day:02}\noutlet: Bench Wire\n---\n\n{title}: the ferry crews \
went back to work on Monday after the union and the operator agreed terms overnight, the port said.\n"


def _drop(folder: Path, name: str, title: str, day: int = 1) -> float:
    """Write one article; the time just before the write."""
    started = time.perf_counter()
    (folder / name).write_text(ARTICLE.format(title=title, day=day), encoding="utf-8")
    return started


def _seen(child: Child, title: str, since: int, timeout: float = 60) -> float:
    """Seconds until `title` is in what the app wrote after byte `since` (measured from the launch)."""
    return child.wait_for(re.compile(re.escape(title.encode())), timeout=timeout, since=since)


def app_drops(corpus: Path, home: Path, drops: int, settled: bool) -> list[float]:
    """Seconds from each write to the title on screen."""
    folder = corpus / "arrivals"
    folder.mkdir(exist_ok=True)
    child = Child(corpus, home, (120, 40))
    took = []
    try:
        child.wait_for(_LISTED, timeout=1800)
        child.settle_cpu()
        for n in range(drops):
            if settled:
                child.settle_cpu(timeout=300)
            else:
                time.sleep(1.0)
            title = f"Arrival {'s' if settled else 'b'}{n} zq"
            mark = child.written()
            started = _drop(folder, f"{title.replace(' ', '_')}.md", title, day=1 + n % 28)
            took.append(_seen(child, title, mark) + child.started - started)
        child.settle_cpu(timeout=300)
        idle = child.idle_cpu(10.0)
        print(f"    idle CPU of the app with the watch running: {idle * 100:.1f} ms a second")
        quit_s = child.quit_time()
        print(f"    quit (ctrl+q) with the watch running: {quit_s * 1000:.0f} ms (target < 300 ms)")
    finally:
        if child.proc.poll() is None:
            child.close()
    return took


def app_burst(corpus: Path, home: Path, count: int) -> tuple[float, int]:
    """Seconds from the first write of `count` files (written as fast as Python can) to the new total in the
    status line; and how many distinct totals the status line showed on the way (1: one sync, one reload)."""
    folder = corpus / "burst"
    folder.mkdir(exist_ok=True)
    child = Child(corpus, home, (120, 40))
    try:
        child.wait_for(_LISTED, timeout=1800)
        child.settle_cpu()
        before = int(re.findall(rb"(\d+) articles", bytes(child.output))[-1])
        mark = child.written()
        started = time.perf_counter()
        for n in range(count):
            (folder / f"burst_{n:04}.md").write_text(ARTICLE.format(title=f"Burst {n}", day=2), encoding="utf-8")
        took = child.wait_for(re.compile(rf"\b{before + count} articles".encode()), since=mark, timeout=300)
        totals = {int(t) for t in re.findall(rb"(\d+) articles", bytes(child.output[mark:]))} - {before}
        child.settle_cpu(timeout=600)
    finally:
        child.close()
    return took + child.started - started, len(totals)


def cli_drops(corpus: Path, home: Path, drops: int) -> list[float]:
    """Seconds from each write to `wire watch --json` printing it."""
    folder = corpus / "arrivals"
    folder.mkdir(exist_ok=True)
    proc = subprocess.Popen(wire_command(["watch", "--json"], corpus, home), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    took = []
    try:
        assert proc.stderr is not None and proc.stdout is not None
        while not proc.stderr.readline().startswith("wire: watching"):
            pass
        for n in range(drops):
            time.sleep(0.5)
            title = f"Watched {n} zq"
            started = _drop(folder, f"{title.replace(' ', '_')}.md", title)
            line = json.loads(proc.stdout.readline())
            took.append(time.perf_counter() - started)
            assert line["title"] == title, line
    finally:
        cleanup(proc.pid)
        proc.wait()
    return took


def _figures(label: str, took: list[float]) -> None:
    print(f"{label}: median {statistics.median(took):.2f} s, worst {max(took):.2f} s over {len(took)} "
          f"(target < 3 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="an indexed corpus (default: 3,000 articles written now)")
    parser.add_argument("--home", type=Path, help="its WIRE_HOME (default: a temporary one, indexed now)")
    parser.add_argument("--n", type=int, default=3000, help="articles of the corpus written (default 3,000)")
    parser.add_argument("--drops", type=int, default=10)
    parser.add_argument("--burst", type=int, default=500)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="wire-watch-bench-"))
    corpus, home = args.corpus, args.home or scratch / "home"
    if corpus is None:
        corpus = scratch / "corpus"
        subprocess.run([sys.executable, str(REPO / "bench" / "make_corpus.py"), str(corpus), "--n", str(args.n)],
                       check=True, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    subprocess.run(wire_command(["index"], corpus, home), check=True, stdout=subprocess.DEVNULL)
    articles = sum(1 for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    print(f"corpus: {corpus} ({articles} files), indexed with entities in {time.perf_counter() - started:.0f} s; "
          f"load average {Path('/proc/loadavg').read_text().split()[0]}")
    try:
        print("app, a file dropped once the app is idle:")
        _figures("    write to title on screen", app_drops(corpus, home, args.drops, settled=True))
        print("app, a file dropped every second, the entity and copy stages of the last still running:")
        _figures("    write to title on screen", app_drops(corpus, home, args.drops, settled=False))
        took, totals = app_burst(corpus, home, args.burst)
        print(f"app, {args.burst} files written at once: all listed {took:.2f} s after the first write, "
              f"through {totals} reload(s) of the list")
        _figures("wire watch --json, write to the line printed", cli_drops(corpus, home, args.drops))
    finally:
        for name in ("arrivals", "burst"):
            shutil.rmtree(corpus / name, ignore_errors=True)


if __name__ == "__main__":
    main()
