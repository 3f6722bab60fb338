"""Index benchmark on Reuters-21578: full build vs a naive single-writer loop, no-change re-sync, search latency."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index  # the baseline is plain Whoosh, on purpose

from bench.reuters import DEFAULT, require, write_corpus
from reader.corpus import load_file, scan
from reader.index import article_fields, make_schema
from reader.library import Library


def naive_build(corpus: Path, dest: Path) -> tuple[int, float]:
    """What one would write first with Whoosh: the same files, parser, fields and documents, but
    Whoosh's defaults — its StemmingAnalyzer (with its own stem cache), one writer, one commit."""
    started = time.perf_counter()
    files, _ = scan(corpus)
    dest.mkdir(parents=True, exist_ok=True)
    writer = whoosh_index.create_in(str(dest), make_schema(fused=False)).writer()
    count = 0
    for rel, st in files.items():
        articles, _ = load_file(rel, (corpus / rel).read_bytes(), st.mtime_ns)
        for article in articles:
            writer.add_document(**article_fields(article))
            count += 1
    writer.commit()
    return count, time.perf_counter() - started


def queries(seed: int = 7) -> list[str]:
    """≥ 100 mixed queries: words, AND pairs, phrases, OR, NOT, fields, ranges, prefixes."""
    words = ["oil", "bank", "dollar", "wheat", "trade", "profit", "shares", "coffee", "gold", "tax",
             "japan", "opec", "merger", "strike", "export", "loan", "yen", "sugar", "rate", "crude"]
    rng = random.Random(seed)
    out = []
    for w in words:
        a, b = rng.sample(words, 2)
        out += [w, f"{w} {a}", f"{w} OR {b}", f"{w} NOT {a}", f"title:{w}"]
    out += ['"interest rates"', '"trade deficit"', '"crude oil"', '"net profit"', '"central bank"',
            "date:[1987-03-01 to 1987-03-15] oil", "outlet:reuters wheat", "comp*", "export* japan",
            "(oil OR gas) AND price", "tokyo stock exchange", "federal reserve chairman volcker"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reuters", type=Path, default=DEFAULT, help=f"Reuters-21578 folder (default {DEFAULT})")
    parser.add_argument("--limit", type=int, help="use only the first N stories (quick runs)")
    parser.add_argument("--keep", type=Path, help="write the corpus and index here and keep them")
    args = parser.parse_args()
    require(args.reuters)
    work = args.keep or Path(tempfile.mkdtemp(prefix="wire-bench-"))
    corpus = work / "corpus"
    if not corpus.is_dir():
        print(f"writing Reuters-21578 as a corpus folder in {corpus} …", flush=True)
        write_corpus(corpus, args.reuters, args.limit)
    try:
        home = work / "home"
        shutil.rmtree(home, ignore_errors=True)
        lib = Library.open(corpus, home)
        report = lib.sync()
        build_rate = report.articles / report.seconds
        lib.close()

        naive_dir = work / "naive-index"
        shutil.rmtree(naive_dir, ignore_errors=True)
        naive_n, naive_s = naive_build(corpus, naive_dir)
        naive_rate = naive_n / naive_s

        started = time.perf_counter()
        lib = Library.open(corpus, home)  # as a new `wire` run would: open, scan, compare
        again = lib.sync()
        resync = time.perf_counter() - started
        assert again.added == again.updated == again.removed == 0

        qs = queries()
        for q in qs[:10]:
            lib.search(q)  # warm the OS cache and Whoosh's readers, as a running app has them
        times, totals = [], 0
        for q in qs:
            t = time.perf_counter()
            result = lib.search(q, limit=20)
            times.append((time.perf_counter() - t) * 1000)
            totals += result.total
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]

        print(f"\nReuters-21578: {report.articles} articles, {os.cpu_count()} cores")
        print(f"full build (wire index)      : {report.seconds:6.1f} s  {build_rate:7.0f} docs/s")
        print(f"naive single-writer loop     : {naive_s:6.1f} s  {naive_rate:7.0f} docs/s  ({naive_n} docs)")
        print(f"ratio build / naive          : {build_rate / naive_rate:6.2f}x  (target >= 2x)")
        print(f"no-change re-sync            : {resync:6.2f} s  (open + scan + compare; target < 2 s)")
        print(f"search, {len(qs)} queries, limit 20, snippets: median {statistics.median(times):.1f} ms, "
              f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms  (target p95 < 50 ms; {totals} hits in all)")
        lib.close()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
