"""Build stages run again and again on fresh homes with this checkout's code: time, rate and peak memory per run.

For comparisons in one hour, which the VM's pace (up to twice as slow from one hour to the next) makes the only
fair ones: run it from two checkouts in turns, or with `--repeat`, and compare the runs beside each other.

Usage:
    .venv/bin/python -m bench.stage_runs CORPUS --homes DIR                       # text, then entities, once
    .venv/bin/python -m bench.stage_runs CORPUS --homes DIR --stages text --repeat 3
    (cd ../old && .venv/bin/python -m bench.stage_runs CORPUS --homes DIR) ; (.venv/bin/python -m bench.stage_runs …)

CORPUS is a folder (bench/make_corpus.py writes them). Each repeat starts from an empty home, `DIR/stage-runs-<pid>`,
removed at the end; the stages are `wire index --text-only` and then `wire index` (NER and the entity fields),
each timed as bench/scale_bench.py times it (its run_stage: a session of its own, the group's summed RSS and PSS
polled, GNU time's peak of the largest single process: `wire` or a child it waited for). Prints a line a stage;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script too

from bench.scale_bench import machine, mb, run_stage  # noqa: E402

ARGV = {"text": ["index", "--text-only"], "entities": ["index"]}


def _articles(corpus: Path, home: Path) -> int:
    from reader.library import Library

    lib = Library.open(corpus, home)
    try:
        return lib.store.count()
    finally:
        lib.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--homes", type=Path, required=True, help="folder for the fresh homes (removed after)")
    parser.add_argument("--stages", default="text,entities", help="text, or text,entities (default)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    stages = [s for s in args.stages.split(",") if s]
    if not args.corpus.is_dir():
        sys.exit(f"stage_runs: no corpus folder at {args.corpus} (bench/make_corpus.py writes one)")
    if any(s not in ARGV for s in stages) or stages[:1] != ["text"]:
        sys.exit("stage_runs: --stages is text or text,entities")
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "?"
    print(f"{machine()}; code {commit} ({ROOT}); corpus {args.corpus}", flush=True)
    home = args.homes / f"stage-runs-{os.getpid()}"
    try:
        for run in range(1, args.repeat + 1):
            shutil.rmtree(home, ignore_errors=True)
            home.mkdir(parents=True)
            articles = None
            for stage in stages:
                fig = run_stage(ARGV[stage], args.corpus, home)
                if articles is None:  # what the text stage indexed; the entity stage adds none
                    articles = _articles(args.corpus, home)
                rate = f"{articles / fig['seconds']:,.0f} docs/s" if fig["seconds"] else "?"
                main_rss = mb(fig["main_kib"]) if fig["main_kib"] else "?"
                print(f"run {run} {stage}: {fig['seconds']:.1f} s, {rate} ({articles:,} articles), exit {fig['code']}, "
                      f"peak {mb(fig['peak_kib'])} (PSS {mb(fig['pss_kib'])}) / largest process {main_rss}", flush=True)
                if fig["code"] != 0:
                    print(f"  failed: {' | '.join(fig['stderr'])}", flush=True)
                    break
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
