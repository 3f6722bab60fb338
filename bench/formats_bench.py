"""HTML extraction speed: generated ~200 KB news pages (nav, ads, scripts, comments, a 600–1,500-word story), read by
the parser alone in one process and by `wire index --text-only` (the real sync path), in pages per second.

    .venv/bin/python bench/formats_bench.py [--pages 400] [--sync-pages 1000] [--kb 200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_WORDS = ("harbour council ferry budget mayor residents timetable port engineers bridge vote plan tram market "
          "workers union strike minister inquiry report figures rise fall quarter season coast storm repairs "
          "contract bidders tender hospital school funding province district police court ruling appeal").split()
_NAMES = ("Dana Ruiz", "Alice Brennan", "Tomas Berg", "Mira Okafor", "Jon Lindqvist", "Priya Natarajan")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + rng.choice((".", ".", ".", "?"))


def _story(rng: random.Random, n_words: int) -> list[str]:
    paragraphs, count = [], 0
    while count < n_words:
        para = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
        paragraphs.append(para)
        count += len(para.split())
    return paragraphs


def page(seed: int, kb: int = 200) -> str:
    """One page as a news site serves it: head with metadata and scripts, a navigation bar, ad slots, the
    story (600–1,500 words), related links, a comments section and a footer, padded to about `kb` KB with
    inline scripts and tracking markup as real pages are."""
    rng = random.Random(seed)
    title = " ".join(rng.choice(_WORDS) for _ in range(7)).capitalize()
    author = rng.choice(_NAMES)
    body = _story(rng, rng.randint(600, 1500))
    nav = "".join(f'<li><a href="/section/{w}">{w.title()}</a></li>' for w in rng.sample(_WORDS, 14))
    ads = [f'<div class="ad ad-slot" id="ad-{i}"><iframe src="https://ads.example/{seed}/{i}"></iframe>'
           f'<p>Advertisement: {" ".join(rng.sample(_WORDS, 6))} now on sale.</p></div>' for i in range(4)]
    story = []
    for i, para in enumerate(body):
        story.append(f"<p>{para}</p>")
        if i == 3:
            story.append(ads[0])
        if i and i % 9 == 0:
            story.append(f"<h2>{' '.join(rng.sample(_WORDS, 4)).capitalize()}</h2>")
    related = "".join(f'<li><a href="/story/{seed}-{i}">{_sentence(rng)}</a></li>' for i in range(12))
    comments = "".join(f'<div class="comment"><span class="user">reader{i}</span><p>{_sentence(rng)}</p></div>'
                       for i in range(25))
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Harbour Herald</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Harbour Herald">
<meta name="author" content="{author}">
<meta property="article:published_time" content="2026-11-{1 + seed % 28:02d}T08:30:00Z">
<link rel="canonical" href="https://herald.example/story/{seed}">
<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", "headline": title, "author": author})}</script>
<style>{"body{margin:0} .ad{display:block} " * 40}</style>
<script>window.dataLayer=[];function track(e){{dataLayer.push(e)}}</script>
</head><body>
<header><nav class="menu"><ul>{nav}</ul></nav><div class="search"><form><input name="q"></form></div></header>
{ads[1]}
<main><article><h1>{title}</h1><div class="byline">By {author}</div>
<time datetime="2026-11-{1 + seed % 28:02d}">Nov</time>
{''.join(story)}
</article>
<aside class="related"><h3>Related stories</h3><ul>{related}</ul></aside>{ads[2]}
<section id="comments"><h3>Comments</h3>{comments}</section></main>
<footer><p>Copyright 2026 Harbour Herald. All rights reserved.</p><ul>{nav}</ul>{ads[3]}</footer>
"""
    # Real pages carry far more script than text: bundles inline, tracking pixels, consent banners.
    pad = []
    size = len(html)
    while size < kb * 1024:
        chunk = (f'<script>/* bundle {len(pad)} */ var m{len(pad)} = {json.dumps(rng.sample(_WORDS, 20))};'
                 f' function f{len(pad)}(a){{return a.map(function(x){{return x.length}})}};</script>\n'
                 f'<div class="consent" hidden><span>{" ".join(rng.sample(_WORDS, 10))}</span></div>\n')
        pad.append(chunk)
        size += len(chunk)
    return html + "".join(pad) + "</body></html>\n"


def write_pages(folder: Path, n: int, kb: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        data = page(i, kb).encode()
        (folder / f"page-{i:05d}.html").write_bytes(data)
        total += len(data)
    return total


def bench_parser(folder: Path) -> dict:
    """The HTML parser alone, in this one process, over every page (after one warm-up page)."""
    from reader.corpus.formats import parse_file

    paths = sorted(folder.glob("*.html"))
    parse_file(paths[0].name, paths[0].read_bytes())  # imports trafilatura and warms its caches
    started = time.perf_counter()
    for path in paths:
        records, _ = parse_file(path.name, path.read_bytes())
        assert records and records[0].paragraphs, path
    seconds = time.perf_counter() - started
    return {"pages": len(paths), "seconds": round(seconds, 2), "pages_per_s": round(len(paths) / seconds, 1)}


def bench_sync(folder: Path, home: Path) -> dict:
    """`wire index --text-only --json` on the folder: scan, read, parse (in two processes from PARALLEL_READ
    files or PARALLEL_READ_BYTES bytes), store and index; the whole command's wall time, start-up included."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "reader", "--corpus", str(folder), "--home", str(home), "index",
                             "--text-only", "--json"], capture_output=True, text=True, cwd=ROOT, check=False)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    report = json.loads(result.stdout)
    return {"pages": report["articles"], "skipped": len(report["skipped"]), "seconds": round(seconds, 2),
            "pages_per_s": round(report["articles"] / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400, help="pages for the parser-alone run")
    parser.add_argument("--sync-pages", type=int, default=1000, help="pages for the wire index run")
    parser.add_argument("--kb", type=int, default=200, help="size of each page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        size = write_pages(tmp_path / "alone", args.pages, args.kb)
        alone = bench_parser(tmp_path / "alone")
        print(f"parser alone, 1 process: {alone['pages']} pages of {size / args.pages / 1024:.0f} KB in "
              f"{alone['seconds']} s = {alone['pages_per_s']} pages/s", flush=True)
        write_pages(tmp_path / "corpus", args.sync_pages, args.kb)
        synced = bench_sync(tmp_path / "corpus", tmp_path / "home")
        print(f"wire index --text-only: {synced['pages']} pages ({synced['skipped']} skipped) in "
              f"{synced['seconds']} s = {synced['pages_per_s']} pages/s on {os.cpu_count()} cores")
        print(json.dumps({"alone": alone, "sync": synced}))


if __name__ == "__main__":
    main()
