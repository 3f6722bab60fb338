"""Write a seeded, deterministic scale-benchmark corpus of N news articles grown from Reuters, BBC and ECB+ texts."""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from itertools import accumulate
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import reuters  # noqa: E402 — after the sys.path line, to run as a script
from reader.corpus.formats import split_paragraphs  # noqa: E402
from reader.corpus.metadata import derive_title  # noqa: E402

DEFAULTS = {"reuters": reuters.DEFAULT, "bbc": reuters.DEFAULT.parent / "bbc-news",
            "ecb": reuters.DEFAULT.parent / "ecbplus"}
MANIFEST = "MANIFEST.json"
# yaml.safe_dump is yaml.dump with SafeDumper; libyaml's CSafeDumper is that safe representer in C, 5x faster.
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
AGENCIES = ("Reuters", "AP", "AFP", "BBC News")
# In Zipf order (rank 1 carries the most): made-up local titles, and the agencies whose copy they run.
OUTLETS = ["Reuters", "AP", "Harbour Gazette", "Northern Ledger", "BBC News", "Valley Courier", "Capital Dispatch",
           "AFP", "Lakeside Chronicle", "Eastfield Herald", "Riverside Post", "Summit Observer", "Coastline Record",
           "Midland Examiner", "Granite City Journal", "Prairie Sentinel", "Westbrook Tribune", "Old Quay Mercury",
           "Fenland Echo", "Highland Bulletin", "Metro Evening Star", "Southport Clarion", "Ironbridge Advertiser",
           "Bayview Monitor", "Thornfield Times", "Cedar Hill Register", "Marsh End Reporter", "Upland Enquirer",
           "Kingsgate Standard", "Redwater Argus", "Lowmoor Gleaner", "Stonebridge Review", "Willow Creek Press",
           "Ashford Daily Signal", "Port Ellis Packet", "Greystone Courant", "Morningside Voice", "Oakridge Leader",
           "Silverlake Beacon", "Hartwell Citizen", "Dunmore Pilot", "Falcon Ridge News", "Crossways Daily",
           "Brightwater Globe", "Elmstead Journal", "Harrow Vale Times", "Northgate Wire Weekly", "Sandbank Observer"]
FIRST = "Anna Ben Chloe David Elena Farid Grace Hugo Ines James Kavya Liam Maria Noah Olga Pedro Rosa Samir".split()
LAST = "Abbott Brennan Castillo Dube Ekwueme Fischer Garcia Haddad Ivanova Jensen Kowalski Lindqvist Moreau " \
       "Nakamura Okafor Patel Quinn Rossi Sato Tanaka Usman Varga Whitaker Zhou".split()
SYNONYMS = {"said": "told reporters", "says": "tells reporters", "however": "but", "because": "as",
            "about": "around", "also": "additionally", "rose": "climbed", "fell": "dropped", "company": "firm",
            "expected": "forecast", "announced": "unveiled", "began": "started", "plans": "intends",
            "officials": "authorities", "big": "large", "buy": "purchase", "help": "assist", "shares": "stock"}
_SYN = {word: re.compile(rf"\b{word}\b") for word in SYNONYMS}
SUFFIXES = [": what we know", ": the background", " – analysis", ": five things to know", " – explainer",
            ": reaction", ", sources say", ": what happens next", " – the view from the markets", ": a closer look",
            " – latest", ": questions remain", ", officials say", " – week in review", ": the key numbers"]
START, DAYS = dt.date(2024, 1, 1), 731  # 2024-01-01 .. 2025-12-31
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()  # not strftime's, which follow the locale
UNDATED_NS = calendar.timegm((2026, 1, 1, 0, 0, 0)) * 10**9
_OURS = re.compile(r"[a-z0-9-]+/(\d{4}/\d{2}|undated)/[a-z0-9-]+-\d+\.(md|txt)|feeds/feed-\d+\.jsonl")


class Refused(Exception):
    """The run cannot go ahead; the message is the one line to print, `code` the exit status."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def _source(title: str, paragraphs: list[str], family: str, cls: str, city: str = "") -> list[dict]:
    paragraphs = [p for p in paragraphs if p.strip() and p.strip().upper() != "REUTER"]
    if sum(len(p.split()) for p in paragraphs) < 15:
        return []  # BRIEF stories (a headline only) cannot stand as an article
    return [{"title": title or derive_title(paragraphs[0], 90), "paragraphs": paragraphs, "family": family,
             "cls": cls, "city": city}]


def _reuters(path: Path) -> list[dict]:
    out = []
    for story in reuters.read(path):
        city = story["dateline"].split(",")[0].strip()
        city = city if re.fullmatch(r"[A-Z][A-Z .'-]{1,39}", city) else ""
        # The dateline city stands in for a topic: stories from one place recombine more plausibly.
        out += _source(story["title"], split_paragraphs(story["body"]), "reuters", city or "-", city)
    return out


def _bbc(path: Path) -> list[dict]:
    out = []
    for file in sorted((path / "bbc" if (path / "bbc").is_dir() else path).glob("*/*.txt")):
        data = file.read_bytes()
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:  # sport/199.txt is latin-1
            raw = data.decode("latin-1")
        title, _, body = raw.partition("\n")
        out += _source(title.strip(), split_paragraphs(body), "bbc", file.parent.name)
    return out


def _ecb(path: Path) -> list[dict]:
    from bench.entities_eval import _ecb_doc  # imports the entity layer: only when ECB+ is read

    base = next((p for p in (path / "ECB+_LREC2014" / "ECB+", path / "ECB+") if p.is_dir()), path)
    out = []
    for file in sorted(base.glob("*/*.xml"), key=lambda p: (p.parent.name.zfill(4), p.name)):
        sentences = [p.text.replace("``", '"').replace("''", '"') for p in _ecb_doc(file, None)[0].paragraphs]
        title = sentences.pop(0) if file.name.endswith("ecbplus.xml") and sentences else ""
        # The lines after an ECB+ headline are often its date ("May 03, 2013"): not reporting.
        sentences = [s for i, s in enumerate(sentences) if i > 2 or len(s.split()) > 8 or not re.search(r"\d{4}", s)]
        paragraphs, current = [], []
        for sentence in sentences:  # one sentence a paragraph is not how news reads: ~40 words, 3 at most
            current.append(sentence)
            if len(current) == 3 or sum(len(s.split()) for s in current) >= 40:
                paragraphs, current = paragraphs + [" ".join(current)], []
        out += _source(title, paragraphs + [" ".join(current)], "ecb", file.parent.name)
    return out


def load_sources(sources: dict) -> list[dict]:
    """The texts of every data set found, in a fixed order; a missing one is said in one line on stderr."""
    readers = {"reuters": (_reuters, lambda p: (p / "reut2-000.sgm").is_file(), "Reuters-21578"),
               "bbc": (_bbc, Path.is_dir, "BBC News"), "ecb": (_ecb, Path.is_dir, "ECB+")}
    texts = []
    for key, path in sources.items():
        read, present, name = readers[key]
        if present(path):
            texts += read(path)
        else:
            print(f"make_corpus: {name} not found at {path}; going on without it", file=sys.stderr)
    if not texts:
        raise Refused("no source texts found: give --reuters, --bbc or --ecb (see ../shared/data)", 1)
    return texts


def slugify(text: str, limit: int = 48) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (slug if len(slug) <= limit else slug[:limit + 1].rsplit("-", 1)[0][:limit]) or "article"


def reword(paragraphs: list[str], rng: random.Random, count: int) -> list[str]:
    """`count` word substitutions at most (a copy editor's touch), each in one paragraph; numbers stay as they are."""
    paragraphs = list(paragraphs)
    for word in rng.sample(sorted(SYNONYMS), count):
        having = [i for i, p in enumerate(paragraphs) if word in p and _SYN[word].search(p)]
        if having:
            i = rng.choice(having)
            paragraphs[i] = _SYN[word].sub(SYNONYMS[word], paragraphs[i], count=1)
    return paragraphs


class Generator:
    """Draws the articles' texts and metadata from the sources; every choice comes from one seeded Random."""

    def __init__(self, texts: list[dict], rng: random.Random):
        self.texts, self.rng, self.titles = texts, rng, set()
        self.by_class, self.by_family = defaultdict(list), defaultdict(list)
        for i, text in enumerate(texts):
            self.by_class[text["family"], text["cls"]].append(i)
            self.by_family[text["family"]].append(i)
        self.families = sorted(self.by_family)
        # Reuters stories are short (median ~90 words) and most of the texts: drawn less, so lengths run like news.
        self.family_weights = [{"reuters": 0.4, "bbc": 0.38, "ecb": 0.22}[f] for f in self.families]
        self.unused = list(range(len(texts)))
        rng.shuffle(self.unused)
        self.outlet_cum = list(accumulate(1 / rank ** 1.1 for rank in range(1, len(OUTLETS) + 1)))
        self.day_cum = list(accumulate(1 if (START + dt.timedelta(d)).weekday() < 5 else 0.4 for d in range(DAYS)))

    def date(self, undated: float = 0.03) -> dt.date | None:
        if self.rng.random() < undated:
            return None
        return START + dt.timedelta(self.rng.choices(range(DAYS), cum_weights=self.day_cum)[0])

    def outlet(self) -> str:
        return self.rng.choices(OUTLETS, cum_weights=self.outlet_cum)[0]

    def byline(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def original(self) -> dict | None:
        """A whole source text not used before, or None when every one has been."""
        return dict(self.texts[self.unused.pop()]) if self.unused else None

    def recombined(self) -> dict:
        """Paragraphs of 2–3 texts of one source and class, cut at a news-like length, under a fresh title."""
        rng = self.rng
        first = rng.choice(self.by_family[rng.choices(self.families, weights=self.family_weights)[0]])
        base = self.texts[first]
        pool = self.by_class[base["family"], base["cls"]]
        pool = pool if len(pool) >= 3 else self.by_family[base["family"]]
        picks = [first] + [i for i in rng.sample(pool, min(len(pool), 3)) if i != first][:rng.randint(1, 2)]
        target = min(2000, max(120, int(rng.lognormvariate(5.9, 0.45))))  # median e^5.9 ≈ 365 words
        paragraphs, words = [], 0
        for n, i in enumerate(picks):
            for p in self.texts[i]["paragraphs"][1 if n else 0:]:  # the others' ledes would read as a restart
                if words >= target and len(paragraphs) >= 2:
                    break
                paragraphs.append(p)
                words += len(p.split())
        suffix = next((s for s in rng.sample(SUFFIXES, len(SUFFIXES)) if base["title"] + s not in self.titles),
                      f" (update {len(self.titles) + 2})")  # every suffix taken: a number no title has
        self.titles.add(base["title"] + suffix)
        return {**base, "paragraphs": reword(paragraphs, rng, rng.randint(0, 3)), "title": base["title"] + suffix}

    def dress(self, art: dict, outlet: str, date: dt.date | None) -> dict:
        """Metadata for one article: outlet and date as given; a dateline, byline, url and tags only sometimes."""
        rng = self.rng
        if outlet in AGENCIES[:3] and art["city"] and date and rng.random() < 0.7:
            art["paragraphs"] = [f"{art['city']}, {MONTHS[date.month - 1]} {date.day} ({outlet}) - "
                                 + art["paragraphs"][0], *art["paragraphs"][1:]]
        tags = [{"bbc": art["cls"], "ecb": "world", "reuters": "business"}[art["family"]]]
        tags += [rng.choice(("analysis", "local", "economy", "politics"))] if rng.random() < 0.3 else []
        return {**art, "outlet": outlet, "date": date, "byline": self.byline() if rng.random() < 0.6 else None,
                "url": rng.random() < 0.5, "tags": tags if rng.random() < 0.35 else None}

    def family(self, size: int) -> list[dict]:
        """An agency story and size-1 copies: trimmed, sometimes reordered, reworded, with a trailer."""
        rng, story = self.rng, self.original() or self.recombined()
        agency = {"reuters": "Reuters", "bbc": "BBC News"}.get(story["family"]) or rng.choice(("AP", "AFP"))
        story = self.dress(story, agency, self.date(undated=0))
        members = [story]
        for outlet in rng.sample(OUTLETS[len(AGENCIES):], size - 1):
            paragraphs = story["paragraphs"][:len(story["paragraphs"]) - rng.randint(0, len(story["paragraphs"]) // 3)]
            if len(paragraphs) >= 4 and rng.random() < 0.3:
                i = rng.randrange(1, len(paragraphs) - 1)
                paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
            paragraphs = reword(paragraphs, rng, rng.randint(3, 6)) + [f"Reporting by {self.byline()} for the {outlet}"]
            date = min(story["date"] + dt.timedelta(rng.choice((0, 0, 1, 1, 2))), START + dt.timedelta(DAYS - 1))
            members.append({**story, "paragraphs": paragraphs, "outlet": outlet, "date": date,
                            "byline": self.byline() if rng.random() < 0.5 else None})
        return members


def _noon_ns(date: dt.date | None) -> int:
    return UNDATED_NS if date is None else (calendar.timegm(date.timetuple()) + 12 * 3600) * 10**9


class Writer:
    """Writes articles as .md, .txt or lines of .jsonl feeds, streaming; each file's mtime is its date's noon."""

    def __init__(self, out: Path, rng: random.Random):
        self.out, self.rng, self.files, self.dirs = out, rng, [], set()
        self.count = self.bytes = self.feeds = 0
        self.formats, self.outlets, self.dates, self.words = Counter(), set(), [], []
        self.feed, self.feed_dates, self.feed_size = [], [], rng.randint(50, 500)

    def add(self, art: dict) -> str:
        """Write one article (or queue it for the current feed); returns its article id."""
        self.count += 1
        date, outlet, roll = art["date"], art["outlet"], self.rng.random()
        name = f"{slugify(art['title'])}-{self.count}"
        fmt = "md" if date is None else "jsonl" if roll < 0.03 else "txt" if roll < 0.18 else "md"
        self.formats[fmt] += 1
        self.outlets.add(outlet)
        self.dates.append(date)
        self.words.append(sum(len(p.split()) for p in art["paragraphs"]))
        body = "\n\n".join(art["paragraphs"])
        if fmt == "jsonl":
            record = {"id": name, "title": art["title"], "date": date.isoformat(), "outlet": outlet,
                      "byline": art["byline"], "text": body}
            self.feed.append(json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False))
            self.feed_dates.append(date)
            rel = f"feeds/feed-{self.feeds + 1:04d}.jsonl#{name}"
            if len(self.feed) >= self.feed_size:
                self.flush()
            return rel
        folder = f"{slugify(outlet)}/{date:%Y/%m}" if date else f"{slugify(outlet)}/undated"
        if fmt == "txt":  # the metadata line carries date, byline and outlet; the title is the first paragraph
            head = f" date {date.isoformat()} By {art['byline'] or 'Staff Reporter'}, {outlet}\n\n{art['title']}"
        else:
            url = f"https://www.{slugify(outlet).replace('-', '')}.example/{folder.split('/', 1)[1]}/{name}"
            front = {"title": art["title"], "date": date, "outlet": outlet, "byline": art["byline"],
                     "url": url if art["url"] else None, "tags": art["tags"]}
            head = "---\n" + yaml.dump({k: v for k, v in front.items() if v}, Dumper=SAFE_DUMPER, allow_unicode=True,
                                       sort_keys=False, width=1000) + "---"
        return self._write(f"{folder}/{name}.{fmt}", f"{head}\n\n{body}\n", _noon_ns(date))

    def flush(self) -> None:
        if self.feed:
            self.feeds += 1
            rel, mtime = f"feeds/feed-{self.feeds:04d}.jsonl", _noon_ns(max(self.feed_dates))
            self._write(rel, "\n".join(self.feed) + "\n", mtime)
            self.feed, self.feed_dates, self.feed_size = [], [], self.rng.randint(50, 500)

    def _write(self, rel: str, text: str, mtime_ns: int) -> str:
        path = self.out / rel
        if path.parent not in self.dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.dirs.update(p for p in path.parents if p.is_relative_to(self.out) and p != self.out)
        data = text.encode("utf-8")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:  # raw calls, and the mtime set on the open file: 100,000 files are mostly system-call time
            os.write(fd, data)
            os.utime(fd, ns=(mtime_ns, mtime_ns))
        finally:
            os.close(fd)
        self.files.append(rel)
        self.bytes += len(data)
        return rel

    def finish(self, manifest: dict) -> None:
        """The manifest, now listing every file; folders get one fixed mtime, so that a re-run stats the same."""
        self.flush()
        data = json.dumps({**manifest, "complete": True, "files": self.files}, indent=1).encode()
        (self.out / MANIFEST).write_bytes(data)
        self.bytes += len(data)
        for path in [*self.dirs, self.out / MANIFEST, self.out]:
            os.utime(path, ns=(UNDATED_NS, UNDATED_NS))


def _check(out: Path, force: bool) -> tuple[Path, bool]:
    """The output folder and whether it holds a previous output to replace; never the repo, never a folder
    with other content (not even with --force)."""
    out = out.resolve()
    if out.is_relative_to(REPO):
        raise Refused(f"{out} is inside the repo: these corpora are research-only and never written there")
    if out.exists() and not out.is_dir():
        raise Refused(f"{out} exists and is not a folder")
    if not out.exists() or not any(out.iterdir()):
        return out, False
    if not force:
        raise Refused(f"{out} is not empty (--force replaces a corpus this script wrote there)")
    if not (out / MANIFEST).is_file():
        raise Refused(f"{out} is not empty and has no {MANIFEST}: not written by this script, left alone")
    return out, True


def _remove_previous(out: Path) -> None:
    """Delete the files a previous run listed (one cut short listed none: those named as it names them)."""
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        listed = None
    if not isinstance(listed, list):
        listed = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    for rel in (r for r in listed if isinstance(r, str) and _OURS.fullmatch(r)):
        path = out / rel
        if path.is_file() and not path.is_symlink():
            path.unlink()
            for parent in path.parents:  # prune the folders left empty, never past OUT
                if parent == out or any(parent.iterdir()):
                    break
                parent.rmdir()
    (out / MANIFEST).unlink()


def _plan(n: int, rng: random.Random) -> list[int]:
    """Group sizes in writing order: 1 for a lone article, 2–8 for a wire-copy family (about 10% of n)."""
    sizes = []
    while sum(sizes) < 0.1 * n - 1 and n - sum(sizes) >= 2:
        sizes.append(min(rng.choices(range(2, 9), weights=(30, 24, 16, 10, 8, 6, 6))[0], n - sum(sizes)))
    sizes += [1] * (n - sum(sizes))
    rng.shuffle(sizes)
    return sizes


def make(out: Path, n: int = 100_000, seed: int = 0, sources: dict | None = None, force: bool = False) -> dict:
    """Write the corpus into `out` and return its summary. `sources` maps reuters/bbc/ecb to folders (None: the
    default); only those named are read. Raises Refused, whose message is the line to print."""
    started = time.perf_counter()
    if n < 1:
        raise Refused("--n must be at least 1")
    out, previous = _check(Path(out), force)
    sources = {k: Path(v or DEFAULTS[k]) for k, v in (dict.fromkeys(DEFAULTS) if sources is None else sources).items()}
    texts = load_sources(sources)  # before anything is removed or written: a run without sources changes nothing
    if previous:
        _remove_previous(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"generator": "bench.make_corpus", "n": n, "seed": seed,
                "sources": {k: str(v) for k, v in sources.items()}}
    (out / MANIFEST).write_text(json.dumps({**manifest, "complete": False}, indent=1))
    rng = random.Random(seed)
    gen = Generator(texts, rng)
    writer, families, p_original = Writer(out, rng), [], min(0.15, len(gen.texts) / n)
    for size in _plan(n, rng):
        if size > 1:
            families.append([writer.add(member) for member in gen.family(size)])
        else:
            story = (rng.random() < p_original and gen.original()) or gen.recombined()
            writer.add(gen.dress(story, gen.outlet(), gen.date()))
    writer.finish({**manifest, "articles": writer.count, "families": families})
    dated = sorted(d for d in writer.dates if d)
    return {"out": str(out), "articles": writer.count, "files": len(writer.files) + 1, "families": len(families),
            "family_articles": sum(map(len, families)), "outlets": len(writer.outlets),
            "first_date": str(dated[0]) if dated else None, "last_date": str(dated[-1]) if dated else None,
            "undated": writer.count - len(dated), "formats": dict(sorted(writer.formats.items())),
            "median_words": statistics.median(writer.words), "bytes": writer.bytes,
            "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write (outside the repo; new or empty)")
    parser.add_argument("--n", type=int, default=100_000, help="articles to write (default 100,000)")
    parser.add_argument("--seed", type=int, default=0)
    for key, name in (("reuters", "Reuters-21578"), ("bbc", "BBC News"), ("ecb", "ECB+")):
        parser.add_argument(f"--{key}", type=Path, default=DEFAULTS[key], help=f"{name} folder ({DEFAULTS[key]})")
    parser.add_argument("--force", action="store_true", help="replace a corpus this script wrote into OUT before")
    args = parser.parse_args(argv)
    try:
        s = make(args.out, args.n, args.seed, {"reuters": args.reuters, "bbc": args.bbc, "ecb": args.ecb}, args.force)
    except Refused as exc:
        print(f"make_corpus: {exc}", file=sys.stderr)
        return exc.code
    formats = ", ".join(f"{count:,} as .{fmt}" for fmt, count in s["formats"].items())
    print(f"Wrote {s['articles']:,} articles ({formats}) in {s['files']:,} files with {MANIFEST} to {s['out']}: "
          f"{s['families']:,} wire-copy families holding {s['family_articles']:,} articles; {s['outlets']} outlets; "
          f"dated {s['first_date']} to {s['last_date']} ({s['undated']:,} undated); median {s['median_words']:g} "
          f"words; {s['bytes'] / 1e6:,.1f} MB in {s['seconds']} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
