"""Feed fetching end to end: a local server with 20 feeds of 50 real-sized items (400–1,200 words each, as
content:encoded), `wire feeds fetch` run twice on a fresh home (the first writes 1,000 files, the second finds
every feed unchanged), wall times against the targets (< 10 s, < 1 s).

    .venv/bin/python bench/feeds_bench.py [--feeds 20] [--items 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import email.utils
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feed_server import FeedServer  # noqa: E402 — after the path is set
from bench.formats_bench import _NAMES, _story  # noqa: E402


def feed(rng: random.Random, number: int, items: int) -> bytes:
    """An RSS 2.0 feed of `items` stories, newest first, each with its full text in content:encoded."""
    now = time.time()
    entries = []
    for i in range(items):
        paragraphs = _story(rng, rng.randint(400, 1200))
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        title = escape(" ".join(paragraphs[0].split()[:9]).rstrip(".?"))
        entries.append(
            f"<item><title>{title}</title><link>https://outlet{number}.example/story/{i}</link>"
            f"<guid isPermaLink=\"false\">outlet{number}-story-{i}</guid>"
            f"<pubDate>{email.utils.formatdate(now - i * 3600, usegmt=True)}</pubDate>"
            f"<dc:creator>{rng.choice(_NAMES)}</dc:creator><description>{escape(paragraphs[0])}</description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>")
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" "
            "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
            f"<channel><title>Outlet {number}</title><link>https://outlet{number}.example/</link>"
            f"<description>Generated feed {number}</description>{''.join(entries)}</channel></rss>").encode()


def _wire(home: Path, corpus: Path, *argv: str) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "WIRE_HOME": str(home), "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "reader", "--corpus", str(corpus), *argv], env=env,
                          capture_output=True, text=True, timeout=600)
    return time.perf_counter() - started, done


def run(feeds: int, items: int) -> tuple[float, float, int]:
    rng = random.Random(0)
    with FeedServer() as server, tempfile.TemporaryDirectory(prefix="wire-feeds-bench-") as tmp:
        size = 0
        for n in range(feeds):
            size += len(server.put(f"/feed{n}.rss", feed(rng, n, items), gzip=True).body)
        home, corpus = Path(tmp) / "home", Path(tmp) / "news"
        corpus.mkdir()
        for n in range(feeds):
            _, done = _wire(home, corpus, "feeds", "add", server.url(f"/feed{n}.rss"), "--name", f"Outlet {n}")
            assert done.returncode == 0, done.stderr
        first, done = _wire(home, corpus, "feeds", "fetch")
        assert done.returncode == 0, done.stderr
        written = len(list((corpus / "feeds").rglob("*.json")))
        second, done = _wire(home, corpus, "feeds", "fetch")
        assert done.returncode == 0 and "0 new articles" in done.stdout, done.stdout + done.stderr
        # Not part of the fetch (the next command, or the app's watch, indexes the files): said for the record.
        index, done = _wire(home, corpus, "index", "--text-only")
        assert done.returncode == 0 and f"{written} articles" in done.stdout, done.stdout + done.stderr
        print(f"  {feeds} feeds, {size / 1e6:.1f} MB of XML (gzip on the wire), {written} files written: "
              f"first {first:.2f} s, second {second:.2f} s; then wire index --text-only {index:.2f} s", flush=True)
        return first, second, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; python {sys.version.split()[0]}")
    runs = [run(args.feeds, args.items) for _ in range(args.runs)]
    firsts, seconds = sorted(r[0] for r in runs), sorted(r[1] for r in runs)
    print(f"first fetch ({runs[0][2]} new items): median {firsts[len(firsts) // 2]:.2f} s, worst {firsts[-1]:.2f} s"
          f" (target < 10 s)")
    print(f"second fetch (no change): median {seconds[len(seconds) // 2]:.2f} s, worst {seconds[-1]:.2f} s"
          f" (target < 1 s)")


if __name__ == "__main__":
    main()
