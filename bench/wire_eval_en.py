"""English wire-copy eval: labelled ECB+/Reuters/BBC pairs (reprints, made copies, non-copies); derived P/R/F1.

    .venv/bin/python bench/wire_eval_en.py                        # every kind, both modes
    .venv/bin/python bench/wire_eval_en.py --limit 30             # quick: at most 30 pairs per kind
    .venv/bin/python bench/wire_eval_en.py --json /tmp/wire.json --examples 3
    .venv/bin/python bench/wire_eval_en.py --rows-from /tmp/wire.json --try-rule "partially: run>=10"
    .venv/bin/python bench/wire_eval_en.py --rows-from /tmp/wire.json --grid

Gold: derived (a copy) or not. Pairs are built in memory from ../shared/data (never written anywhere);
the made copies and shared-quote pairs are seeded. Kinds: ecb_cross_event, ecb_same_event_independent,
quote_* (not copies); *_reprint, made_* (copies). made_partial (agency paragraphs inside an outlet's own
story) goes beyond the brief's list: the headline figures are also given without it.
Modes: "alone" compares each pair by itself; "corpus" through one OverlapIndex of every article, and also
says what `wire overlaps` would report (only LSH candidates are compared there).
Rules (--try-rule) re-label cached results: a clause "partially: run>=10 & share>=0.2" turns a pair
labelled partially into non unless every condition holds (see parse_rule).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import random
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date as day
from datetime import timedelta
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.models import Article, Paragraph  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SEED = 20241201
MIN_WORDS = 120
"""Least words of a real story used as the source of a made copy (the brief's floor)."""
REPRINT_RATIO = 0.9
"""Word-level difflib ratio from which two bodies are a near-exact reprint."""
INDEPENDENT_RUN = 8
"""Same-event pairs sharing a run of this many words are not "independent"."""
INDEPENDENT_C5 = 0.05
"""... nor pairs whose word 5-gram containment is this high either way."""
REPRINT_MIN_WORDS = 40
"""Reuters/BBC reprints shorter than this are left out: one-line briefs and tables say nothing of copy."""
LABELS = ("wholly", "partially", "non")
EXTRA_KINDS = frozenset({"made_partial"})
"""Kinds beyond the brief's list: headline figures are also given without them."""
MODES = ("alone", "corpus")

# Outlet trailers of the made copies (our own words): a real outlet appends one to every story,
# which the corpus mode must recognise as boilerplate rather than as a difference.
TRAILERS = {
    "Example Herald": "Copyright 2024 Example Herald. All rights reserved.",
    "Sample Gazette": "(c) 2024 The Sample Gazette Ltd. Reproduction without written permission is prohibited.",
    "Demo Courier": "This story was distributed by the Demo Courier news service; copyright 2024, all rights reserved.",
    "Placeholder Times": "Placeholder Times, all rights reserved 2024. Contact our newsroom to license this article.",
}

# Light rewording: an editor's substitutions. Words with an entry get it; other content words picked
# for a change get a neutral word from FILLERS (the eval measures verbatim reuse, not meaning).
SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "company": "firm", "firm": "company",
    "government": "administration", "increase": "rise", "increased": "rose", "rose": "climbed",
    "fell": "dropped", "dropped": "fell", "big": "large", "large": "big", "also": "additionally",
    "however": "but", "because": "as", "announced": "declared", "expected": "forecast", "about": "around",
    "million": "mln", "billion": "bln", "percent": "pct", "year": "twelve months", "week": "seven days",
    "official": "spokesman", "officials": "spokesmen", "plans": "intends", "major": "leading",
    "help": "assist", "show": "indicate", "shows": "indicates", "people": "individuals", "many": "numerous",
    "new": "fresh", "before": "prior to", "after": "following", "would": "will", "could": "might",
    "market": "marketplace", "country": "nation", "minister": "secretary", "report": "statement",
}
FILLERS = ("certain", "various", "key", "broad", "notable", "overall", "recent", "further")


# ---------------------------------------------------------------------------------------------- text

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENT_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


def words(text: str) -> list[str]:
    """Lower-case word tokens: our own tokeniser, so the gold criteria do not lean on the product's."""
    return [w.lower() for w in _WORD.findall(text)]


def ngrams(toks: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def containment(part: set, whole: set) -> float:
    """Share of `part`'s n-grams found in `whole` (0 for an empty side)."""
    return len(part & whole) / len(part) if part else 0.0


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph (a plain regex: good enough to place word substitutions and quotes)."""
    return [s for s in _SENT_END.split(paragraph.strip()) if s.strip()]


def reprint_ratio(a: Sequence[str], b: Sequence[str], floor: float = REPRINT_RATIO) -> float:
    """difflib ratio of two word lists, or 0.0 as soon as its cheap upper bounds fall below `floor`."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


@dataclass(frozen=True)
class Doc:
    """An article with the word views the gold criteria need (computed once per article)."""

    article: Article
    group: str
    """ECB+ topic, Reuters date, BBC category: what 'unrelated' and held-out splits are made on."""
    half: str = ""
    """ECB+ only: "ecb" or "ecbplus" (the two events of a topic)."""
    toks: tuple[str, ...] = ()

    @classmethod
    def of(cls, article: Article, group: str, half: str = "") -> Doc:
        return cls(article, group, half, tuple(words(article.body)))

    # Computed on first use: only ECB+ pairs need them, and 21,578 Reuters stories' sets would cost ~1 GB.
    @cached_property
    def grams5(self) -> set[tuple[str, ...]]:
        return ngrams(self.toks, 5)

    @cached_property
    def grams8(self) -> set[tuple[str, ...]]:
        return ngrams(self.toks, INDEPENDENT_RUN)


def figures_of(toks: Sequence[str]) -> Counter:
    return Counter(t for t in toks if any(c.isdigit() for c in t))


def is_reprint(a: Doc, b: Doc, same_figures: bool = False) -> bool:
    """Same words after case/punctuation normalisation, or word difflib ratio >= 0.9.

    `same_figures` (for Reuters): a near-exact pair must also carry the same numbers. Reuters' templates
    ("Fed adds reserves via ... repurchases", eurobond issues) give different stories a ratio above 0.9,
    and only their figures tell them apart. Not for ECB+: its web reprints differ in page timestamps.
    """
    if a.toks == b.toks:
        return True
    return reprint_ratio(a.toks, b.toks) >= REPRINT_RATIO and \
        (not same_figures or figures_of(a.toks) == figures_of(b.toks))


def same_event_class(a: Doc, b: Doc) -> str:
    """reprint | independent | ambiguous, by criteria of our own (not the product's features).

    reprint: see is_reprint;
    independent: no common run of INDEPENDENT_RUN words and 5-gram containment < 0.05 both ways.
    """
    if is_reprint(a, b):
        return "reprint"
    if not (a.grams8 & b.grams8) and containment(a.grams5, b.grams5) < INDEPENDENT_C5 \
            and containment(b.grams5, a.grams5) < INDEPENDENT_C5:
        return "independent"
    return "ambiguous"


# ---------------------------------------------------------------------------------------------- made copies

def trim(paras: Sequence[str], rng: random.Random) -> list[str]:
    """Cut the last 30-60% of the paragraphs (at least one cut, at least one kept)."""
    n = len(paras)
    cut = min(n - 1, max(1, round(n * rng.uniform(0.3, 0.6))))
    return list(paras[:n - cut])


def reorder(paras: Sequence[str], rng: random.Random, keep_lede: bool) -> list[str]:
    """Shuffle the paragraphs (all, or all but the first); the order always changes when it can."""
    head, tail = (list(paras[:1]), list(paras[1:])) if keep_lede else ([], list(paras))
    if len(set(tail)) < 2:
        return head + tail
    shuffled = tail[:]
    while shuffled == tail:
        rng.shuffle(shuffled)
    return head + shuffled


def _reword_sentence(sentence: str, rng: random.Random) -> str:
    tokens = sentence.split(" ")
    # Content words only (4+ letters), never the first word: a wire editor's changes, not a rewrite.
    slots = [i for i, t in enumerate(tokens) if i and len(re.sub(r"\W", "", t)) >= 4 and t.isascii()]
    if not slots:
        return sentence
    # Words with a synonym first: they read as an editor's changes; the rest only to reach the count.
    slots.sort(key=lambda i: (_bare(tokens[i]).lower() not in SYNONYMS, rng.random()))
    for i in slots[:rng.randint(1, 3)]:
        core = _bare(tokens[i])
        new = SYNONYMS.get(core.lower(), rng.choice([f for f in FILLERS if f != core.lower()]))
        if core[:1].isupper():
            new = new[:1].upper() + new[1:]
        tokens[i] = tokens[i].replace(core, new, 1)
    return " ".join(tokens)


def _bare(token: str) -> str:
    return re.sub(r"^\W+|\W+$", "", token)


def reword(paras: Sequence[str], rng: random.Random) -> list[str]:
    """1-3 word substitutions in every sentence; sentence and paragraph order kept."""
    return [" ".join(_reword_sentence(s, rng) for s in split_sentences(p)) for p in paras]


def with_trailer(paras: Sequence[str], trailer: str) -> list[str]:
    return [*paras, trailer]


MADE_KINDS: dict[str, tuple[str, ...]] = {
    "made_trim": ("trim",),
    "made_reorder_lede": ("reorder_lede",),
    "made_reorder_all": ("reorder_all",),
    "made_reword": ("reword",),
    "made_trim_reorder": ("trim", "reorder_lede"),
    "made_trim_reword": ("trim", "reword"),
    "made_reorder_reword": ("reorder_all", "reword"),
    "made_trim_reorder_reword": ("trim", "reorder_all", "reword"),
}
_STEPS: dict[str, Callable[[Sequence[str], random.Random], list[str]]] = {
    "trim": trim,
    "reorder_lede": lambda p, r: reorder(p, r, keep_lede=True),
    "reorder_all": lambda p, r: reorder(p, r, keep_lede=False),
    "reword": reword,
}


def make_copy(paras: Sequence[str], steps: Iterable[str], rng: random.Random, trailer: str) -> list[str]:
    """The source's paragraphs through each step in turn, then the outlet's trailer line."""
    out = list(paras)
    for step in steps:
        out = _STEPS[step](out, rng)
    return with_trailer(out, trailer)


def find_quote(paras: Sequence[str], rng: random.Random) -> str | None:
    """A sentence-long direct quote (10-45 words, with quotation marks) from a story, or None."""
    found = [s for p in paras for s in split_sentences(p)
             if re.search(r"[\"“”]", s) and 10 <= len(s.split()) <= 45]
    return rng.choice(found) if found else None


def insert_quote(paras: Sequence[str], quote: str, rng: random.Random) -> list[str]:
    """The quote as a paragraph of its own somewhere after the lede (where a reporter would put it)."""
    at = rng.randint(1, max(1, len(paras)))
    return [*paras[:at], quote, *paras[at:]]


# ---------------------------------------------------------------------------------------------- data

def _article(aid: str, title: str, paras: Sequence[str], outlet: str | None, date: str | None) -> Article:
    body = "\n\n".join(paras)
    return Article(id=aid, path=aid, title=title, paragraphs=tuple(Paragraph(p) for p in paras),
                   sha256=hashlib.sha256(body.encode()).hexdigest(), outlet=outlet, date=date)


def reuters_paragraphs(body: str) -> list[str]:
    """A Reuters body unwrapped: paragraphs start with an indented line; the closing "Reuter" is dropped.

    As the corpus reader joins a Markdown paragraph's lines, so do we: each 70-column line left as
    a line would make every line a "sentence" of its own.
    """
    lines = body.rstrip().split("\n")
    if lines and lines[-1].strip().lower() in ("reuter", "reuters"):
        lines.pop()
    paras = [" ".join(p.split()) for p in re.split(r"\n(?=[ \t]{2,}\S)", "\n".join(lines))]
    return [p for p in paras if p]


def load_reuters(folder: Path, limit: int | None = None) -> list[Doc]:
    from bench.reuters import read
    out = []
    for story in read(folder):
        paras = reuters_paragraphs(story["body"])
        if paras:
            out.append(Doc.of(_article(f"reuters/{story['id']}", story["title"], paras, "Reuters", story["date"]),
                              story["date"] or "?"))
        if limit and len(out) >= limit:
            break
    return out


def load_bbc(folder: Path) -> list[Doc]:
    out = []
    for path in sorted(folder.glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # sport/199.txt is latin-1 (see the data README)
            text = raw.decode("latin-1")
        title, _, body = text.partition("\n")
        paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
        if paras:
            cat = path.parent.name
            out.append(Doc.of(_article(f"bbc/{cat}/{path.name}", title.strip(), paras, "BBC", None), cat))
    return out


def _ecb_host(path: Path) -> str | None:
    """The host of an ECB+ file's URL (its sentence 0), as the outlet: ecb.xml files have none."""
    if not path.name.endswith("ecbplus.xml"):
        return None
    url = "".join(t.text or "" for t in ET.parse(path).getroot().iter("token") if t.get("sentence") == "0")
    match = re.match(r"(?:https?:/*)?(?:www\.)?([^/]+)", url)
    return match.group(1).lower() if match else None


def load_ecb(folder: Path, topics: int | None = None) -> list[Doc]:
    from bench.entities_eval import _ecb_doc  # imported here: it pulls in the entity layer
    files = sorted((folder / "ECB+_LREC2014" / "ECB+").glob("*/*.xml"), key=lambda p: (int(p.parent.name), p.name))
    if topics:
        keep = sorted({p.parent.name for p in files}, key=int)[:topics]
        files = [p for p in files if p.parent.name in keep]
    out = []
    for path in files:
        article = _ecb_doc(path, None)[0]
        half = "ecbplus" if path.name.endswith("ecbplus.xml") else "ecb"
        out.append(Doc.of(replace(article, id=f"ecb/{path.name}", path=f"ecb/{path.name}", outlet=_ecb_host(path)),
                          path.parent.name, half))
    return out


# ---------------------------------------------------------------------------------------------- pairs

@dataclass(frozen=True)
class Pair:
    kind: str
    a: Article
    b: Article
    gold: bool
    """True: derived (a copy); False: not."""
    group: str
    """What held-out splits are made on (ECB+ topic; otherwise the source story's id)."""


@dataclass
class PairSet:
    pairs: list[Pair] = field(default_factory=list)
    left_out: Counter = field(default_factory=Counter)
    """Pairs considered and left out, by reason (the ambiguous zone, reprint clusters' extra pairs...)."""
    notes: list[str] = field(default_factory=list)


def ecb_pairs(docs: list[Doc], out: PairSet) -> set[str]:
    """Cross-event negatives, same-event independent negatives and reprints; ids of reprint members."""
    by_topic = defaultdict(list)
    for d in docs:
        by_topic[d.group].append(d)
    members = set()
    for topic, group in sorted(by_topic.items(), key=lambda kv: int(kv[0])):
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                if x.half != y.half:
                    out.pairs.append(Pair("ecb_cross_event", x.article, y.article, False, topic))
                    if is_reprint(x, y):
                        out.notes.append(f"cross-event pair meets the reprint criterion: {x.article.id} {y.article.id}")
                    continue
                cls = same_event_class(x, y)
                if cls == "reprint":
                    out.pairs.append(Pair("ecb_reprint", x.article, y.article, True, topic))
                    members.update((x.article.id, y.article.id))
                elif cls == "independent":
                    out.pairs.append(Pair("ecb_same_event_independent", x.article, y.article, False, topic))
                else:
                    out.left_out["ecb same-event ambiguous (between the two criteria)"] += 1
    return members


def _clusters(docs: list[Doc], keys: Callable[[Doc], Iterable[str]], same_figures: bool) -> list[list[Doc]]:
    """Groups of reprints: candidates share a key (the same first or last 8 words), then the criterion."""
    buckets = defaultdict(list)
    for d in docs:
        for key in keys(d):
            buckets[key].append(d)
    parent = {d.article.id: d.article.id for d in docs}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for bucket in buckets.values():
        if len(bucket) > 60:  # a formula shared by dozens of stories ("Shr ... vs ..."): not a reprint key
            continue
        for i, x in enumerate(bucket):
            for y in bucket[i + 1:]:
                if root(x.article.id) != root(y.article.id) and is_reprint(x, y, same_figures):
                    parent[root(x.article.id)] = root(y.article.id)
    groups = defaultdict(list)
    for d in docs:
        groups[root(d.article.id)].append(d)
    return [g for g in groups.values() if len(g) > 1]


def reprint_pairs(docs: list[Doc], kind: str, rng: random.Random, out: PairSet,
                  same_figures: bool = False) -> set[str]:
    """One pair per reprint cluster (two members drawn); returns every cluster member's id.

    One pair per cluster so that no outlet has 3 copies of a story (its shingles would be that outlet's
    boilerplate in corpus mode) and no cluster outweighs the rest.
    """
    long_enough = [d for d in docs if len(d.toks) >= REPRINT_MIN_WORDS]

    def keys(d: Doc) -> list[str]:
        return ["h " + " ".join(d.toks[:8]), "t " + " ".join(d.toks[-8:])]

    members = set()
    for cluster in sorted(_clusters(long_enough, keys, same_figures), key=lambda g: min(d.article.id for d in g)):
        members.update(d.article.id for d in cluster)
        x, y = rng.sample(sorted(cluster, key=lambda d: d.article.id), 2)
        out.pairs.append(Pair(kind, x.article, y.article, True, x.article.id))
        extra = len(cluster) * (len(cluster) - 1) // 2 - 1
        if extra:
            out.left_out[f"{kind}: further pairs of clusters of 3+"] += extra
    return members


def _copy_date(date: str | None) -> str | None:
    """The day after: the copy is the later, derived side (as in a corpus)."""
    return (day.fromisoformat(date) + timedelta(days=1)).isoformat() if date else None


def made_pairs(pool: list[Doc], source: str, per_kind: int, rng: random.Random, out: PairSet) -> None:
    """`per_kind` made copies of each kind, each from its own real story."""
    outlets = sorted(TRAILERS)
    stories = iter(pool)
    for kind, steps in MADE_KINDS.items():
        for n in range(per_kind):
            src = next(stories, None)
            if src is None:
                out.notes.append(f"{kind}/{source}: only {n} source stories left")
                break
            outlet = rng.choice(outlets)
            paras = make_copy([p.text for p in src.article.paragraphs], steps, rng, TRAILERS[outlet])
            copy = _article(f"made/{kind}/{src.article.id}", src.article.title, paras, outlet,
                            _copy_date(src.article.date))
            out.pairs.append(Pair(kind, src.article, copy, True, src.article.id))


def partial_pairs(pool: list[Doc], source: str, n: int, rng: random.Random, out: PairSet) -> None:
    """A story of an outlet's own that takes 2-3 agency paragraphs (at least 40 words) after its lede.

    Not one of the brief's kinds: a partial copy (COUNTER's "partially derived"), the hard positive
    that a rule tightening "partially" must still find. Reported apart (EXTRA_KINDS).
    """
    stories = list(pool)
    outlets = sorted(TRAILERS)
    made = 0
    while made < n and len(stories) >= 2:
        src = stories.pop()
        host = next((d for d in reversed(stories) if d.group != src.group and not _titles_share(d, src)), None)
        if host is None:
            break
        stories.remove(host)
        agency = [p.text for p in src.article.paragraphs][:rng.randint(2, 3)]
        if sum(len(p.split()) for p in agency) < 40:
            continue
        own = [p.text for p in host.article.paragraphs][:rng.randint(3, 6)]
        outlet = rng.choice(outlets)
        paras = with_trailer([own[0], *agency, *own[1:]], TRAILERS[outlet])
        copy = _article(f"made/partial/{src.article.id}", host.article.title, paras, outlet,
                        _copy_date(src.article.date))
        out.pairs.append(Pair("made_partial", src.article, copy, True, src.article.id))
        made += 1


def quote_pairs(pool: list[Doc], source: str, n: int, rng: random.Random, out: PairSet) -> None:
    """Two unrelated stories (different groups: BBC category, Reuters date) given one third story's quote."""
    stories = list(pool)
    made = 0
    while made < n and len(stories) >= 3:
        donor = stories.pop()
        quote = find_quote([p.text for p in donor.article.paragraphs], rng)
        if quote is None:
            continue
        x = stories.pop()
        y = next((d for d in reversed(stories) if d.group != x.group and d.group != donor.group
                  and not _titles_share(d, x)), None)
        if y is None:
            break
        stories.remove(y)
        a, b = (_article(f"quote/{d.article.id}", d.article.title,
                         insert_quote([p.text for p in d.article.paragraphs], quote, rng), d.article.outlet,
                         d.article.date) for d in (x, y))
        out.pairs.append(Pair(f"quote_{source}", a, b, False, x.article.id))
        made += 1


def _titles_share(x: Doc, y: Doc) -> bool:
    """Whether two titles share a content word (then the stories may be related after all)."""
    def content(d: Doc) -> set[str]:
        return {w for w in words(d.article.title) if len(w) >= 4}
    return bool(content(x) & content(y))


def build(data: dict[str, Path], per_kind_made: int, quotes: int, topics: int | None, seed: int) -> PairSet:
    rng = random.Random(seed)
    out = PairSet()
    ecb = load_ecb(data["ecb"], topics)
    ecb_pairs(ecb, out)
    reuters, bbc = load_reuters(data["reuters"]), load_bbc(data["bbc"])
    taken = reprint_pairs(reuters, "reuters_reprint", rng, out, same_figures=True) | \
        reprint_pairs(bbc, "bbc_reprint", rng, out)
    for source, docs in (("reuters", reuters), ("bbc", bbc)):
        # Stories of a reprint cluster are kept out of the made copies and quotes: their twin would be a
        # copy that no label says is there.
        pool = [d for d in docs if d.article.id not in taken and len(d.toks) >= MIN_WORDS
                and len(d.article.paragraphs) >= 3]
        rng.shuffle(pool)
        cut = per_kind_made * len(MADE_KINDS)
        made_pairs(pool[:cut], source, per_kind_made, rng, out)
        quote_pairs(pool[cut:cut + 4 * quotes], source, quotes, rng, out)
        partial_pairs(pool[cut + 4 * quotes:], source, per_kind_made, rng, out)
    return out


def limited(pairs: list[Pair], limit: int | None, seed: int) -> list[Pair]:
    """At most `limit` pairs of each kind (a seeded sample), order kept."""
    if not limit:
        return pairs
    by_kind = defaultdict(list)
    for i, p in enumerate(pairs):
        by_kind[p.kind].append(i)
    rng = random.Random(seed)
    keep = {i for idx in by_kind.values() for i in (rng.sample(idx, limit) if len(idx) > limit else idx)}
    return [p for i, p in enumerate(pairs) if i in keep]


# ---------------------------------------------------------------------------------------------- scoring

def _row(comparison) -> dict:
    o, al, f = comparison.overlap, comparison.alignment, comparison.features
    return {"label": o.label, "share_a": round(o.share_a, 4), "share_b": round(o.share_b, 4),
            "shared_words": o.shared_words, "matched": al.matched, "longest_run": al.longest_run,
            "features": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in f.as_dict().items()}}


def score(pairs: list[Pair]) -> tuple[list[dict], dict]:
    """Each pair compared alone and through one OverlapIndex of every article; rows and timings."""
    from reader.overlap import OverlapIndex, compare
    rows = [{"kind": p.kind, "gold": p.gold, "a": p.a.id, "b": p.b.id, "group": p.group} for p in pairs]
    times = {}
    t0 = time.perf_counter()
    for row, p in zip(rows, pairs, strict=True):
        row["alone"] = _row(compare(p.a, p.b))
    times["alone_s"] = time.perf_counter() - t0
    articles = {}
    for p in pairs:
        articles.setdefault(p.a.id, p.a)
        articles.setdefault(p.b.id, p.b)
    t0 = time.perf_counter()
    index = OverlapIndex.rebuild(articles.values())
    found = {(c.a, c.b) for c in index.candidate_pairs()}
    times["index_candidates_s"] = time.perf_counter() - t0
    times["articles"] = len(articles)
    t0 = time.perf_counter()
    for row, p in zip(rows, pairs, strict=True):
        row["corpus"] = _row(compare(p.a, p.b, index))
        row["corpus"]["candidate"] = tuple(sorted((p.a.id, p.b.id))) in found
    times["corpus_s"] = time.perf_counter() - t0
    return rows, times


# ---------------------------------------------------------------------------------------------- metrics

def prf(gold: Sequence[bool], pred: Sequence[bool]) -> dict:
    """Precision, recall and F1 of the positive class, with the counts."""
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def confusion(rows: list[dict], mode: str, labeller: Callable[[dict], str] | None = None) -> dict[str, Counter]:
    """Per kind, how many pairs got each label."""
    get = labeller or (lambda r: r[mode]["label"])
    out: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        out[r["kind"]][get(r)] += 1
    return dict(out)


# ---------------------------------------------------------------------------------------------- rules

_COND = re.compile(r"^\s*(\w+)\s*(>=|<=|>|<)\s*([-\d.]+)\s*$")
_OPS = {">=": float.__ge__, "<=": float.__le__, ">": float.__gt__, "<": float.__lt__}


def rule_value(result: dict, name: str) -> float:
    """A feature of one mode's result by the short name rules use."""
    f = result["features"]
    special = {"run": result["longest_run"], "share": f["share"], "share_a": result["share_a"],
               "share_b": result["share_b"], "share_min": min(result["share_a"], result["share_b"]),
               "share_max": max(result["share_a"], result["share_b"]), "matched": result["matched"],
               "words": result["shared_words"], "ratio": f["length_ratio"]}
    return float(special[name] if name in special else f[name])


def parse_rule(text: str) -> list[tuple[str, list[list[tuple[str, str, float]]]]]:
    """'partially: run>=10 & share>=0.2; derived: run>=8 | share>=0.5' -> [(scope, [[(name, op, value)...]...])...].

    Scopes: wholly, partially, derived (both): such a label stands only if every condition holds
    (else non); non: a non pair becomes partially when every condition holds. A condition may be
    alternatives joined by "|" (it holds when one of them does); "&" joins conditions.
    """
    clauses = []
    for clause in filter(str.strip, text.split(";")):
        scope, _, conds = clause.partition(":")
        scope = scope.strip()
        if scope not in ("wholly", "partially", "derived", "non"):
            raise ValueError(f"unknown scope {scope!r} in rule {text!r}")
        parsed = []
        for cond in conds.split("&"):
            either = []
            for alt in cond.split("|"):
                match = _COND.match(alt)
                if not match:
                    raise ValueError(f"cannot read condition {alt!r} in rule {text!r}")
                either.append((match.group(1), match.group(2), float(match.group(3))))
            parsed.append(either)
        clauses.append((scope, parsed))
    return clauses


def apply_rule(rule, result: dict) -> str:
    """The label of one mode's result under a parsed rule."""
    label = result["label"]
    for scope, conds in rule:
        holds = all(any(_OPS[op](rule_value(result, name), value) for name, op, value in either)
                    for either in conds)
        if scope == "non" and label == "non" and holds:
            label = "partially"
        elif label != "non" and scope in (label, "derived") and not holds:
            label = "non"
    return label


def rule_figures(rows: list[dict], rule_text: str, mode: str) -> dict:
    rule = parse_rule(rule_text)
    labels = [apply_rule(rule, r[mode]) for r in rows]
    figs = prf([r["gold"] for r in rows], [x != "non" for x in labels])
    figs["cross_event_derived"] = sum(x != "non" for r, x in zip(rows, labels, strict=True)
                                      if r["kind"] == "ecb_cross_event")
    if mode == "corpus":
        shown = [r["corpus"]["candidate"] and x != "non" for r, x in zip(rows, labels, strict=True)]
        figs["reported"] = prf([r["gold"] for r in rows], shown)
        figs["reported"]["cross_event_derived"] = sum(s for r, s in zip(rows, shown, strict=True)
                                                      if r["kind"] == "ecb_cross_event")
    return figs


def grid_rules() -> list[str]:
    """The one family searched by --grid: a derived label needs a run of K words, partially also a
    derived-side share S."""
    return [f"derived: run>={k}; partially: share>={s}" for k in (0, 6, 8, 10, 12, 15, 20)
            for s in (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)]


def split_halves(rows: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    """Two halves by group (ECB+ topic, source story), so no topic is in both."""
    groups = sorted({r["group"] for r in rows})
    random.Random(seed).shuffle(groups)
    first = set(groups[: len(groups) // 2])
    return [r for r in rows if r["group"] in first], [r for r in rows if r["group"] not in first]


# ---------------------------------------------------------------------------------------------- report

def _fmt(f: dict) -> str:
    cross = f" cross-event {f['cross_event_derived']}" if "cross_event_derived" in f else ""
    return (f"P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}  "
            f"(tp {f['tp']}  fp {f['fp']}  fn {f['fn']}{cross})")


def figures(rows: list[dict]) -> dict:
    out = {"counts": dict(Counter(r["kind"] for r in rows))}
    for mode in MODES:
        gold = [r["gold"] for r in rows]
        m = {"derived": prf(gold, [r[mode]["label"] != "non" for r in rows]),
             "wholly_only": prf(gold, [r[mode]["label"] == "wholly" for r in rows]),
             "confusion": {k: dict(v) for k, v in confusion(rows, mode).items()},
             "cross_event_derived": sum(r[mode]["label"] != "non" for r in rows if r["kind"] == "ecb_cross_event")}
        if mode == "corpus":
            pos = [r for r in rows if r["gold"]]
            m["candidate_recall"] = sum(r["corpus"]["candidate"] for r in pos) / max(1, len(pos))
            # What `wire overlaps` would list: only candidates are compared there.
            m["reported"] = prf([r["gold"] for r in rows],
                                [r["corpus"]["candidate"] and r["corpus"]["label"] != "non" for r in rows])
            m["cross_event_reported"] = sum(r["corpus"]["candidate"] and r["corpus"]["label"] != "non"
                                            for r in rows if r["kind"] == "ecb_cross_event")
            m["candidate_recall_by_kind"] = {
                k: sum(r["corpus"]["candidate"] for r in pos if r["kind"] == k) / sum(r["kind"] == k for r in pos)
                for k in sorted({r["kind"] for r in pos})}
        brief = [r for r in rows if r["kind"] not in EXTRA_KINDS]
        m["derived_brief_kinds"] = prf([r["gold"] for r in brief], [r[mode]["label"] != "non" for r in brief])
        out[mode] = m
    return out


def print_report(rows: list[dict], figs: dict) -> None:
    print(f"\npairs: {len(rows)}  (positives {sum(r['gold'] for r in rows)}, "
          f"negatives {sum(not r['gold'] for r in rows)})")
    for kind, n in sorted(figs["counts"].items()):
        gold = "copy" if next(r["gold"] for r in rows if r["kind"] == kind) else "not a copy"
        print(f"  {kind:30s} {n:6d}  {gold}")
    for mode in MODES:
        m = figs[mode]
        print(f"\nmode {mode!r}: derived (label != non)  {_fmt(m['derived'])}")
        print(f"  the brief's kinds only (no {', '.join(sorted(EXTRA_KINDS))}): {_fmt(m['derived_brief_kinds'])}")
        print(f"  wholly alone as 'derived'      {_fmt(m['wholly_only'])}")
        print(f"  ECB+ cross-event pairs labelled derived: {m['cross_event_derived']} (target 0)")
        if mode == "corpus":
            print(f"  candidate stage (LSH + containment) finds {m['candidate_recall']:.3f} of positives")
            print(f"  as `wire overlaps` would report (candidate and derived): {_fmt(m['reported'])};"
                  f" ECB+ cross-event pairs reported: {m['cross_event_reported']}")
        print(f"  {'kind':30s} {'wholly':>7s} {'partly':>7s} {'non':>7s}  derived-rate" +
              ("  cand." if mode == "corpus" else ""))
        for kind in sorted(m["confusion"]):
            c = m["confusion"][kind]
            n = sum(c.values())
            extra = f"  {m['candidate_recall_by_kind'][kind]:.3f}" if kind in m.get("candidate_recall_by_kind", {}) \
                else ""
            print(f"  {kind:30s} {c.get('wholly', 0):7d} {c.get('partially', 0):7d} {c.get('non', 0):7d}"
                  f"  {(n - c.get('non', 0)) / n:.3f}{extra}")


def print_examples(rows: list[dict], n: int) -> None:
    for mode in MODES:
        print(f"\nwrongly labelled pairs, mode {mode!r} (up to {n} per kind):")
        for kind in sorted({r["kind"] for r in rows}):
            wrong = [r for r in rows if r["kind"] == kind and (r[mode]["label"] != "non") != r["gold"]]
            for r in wrong[:n]:
                x = r[mode]
                f = x["features"]
                print(f"  {kind}: {r['a']} | {r['b']}: {x['label']}  share_a {x['share_a']:.2f} share_b "
                      f"{x['share_b']:.2f} words {x['shared_words']} run {x['longest_run']} matched {x['matched']}"
                      f"  derived={f['derived']} c1 {f['c1']:.2f} c2 {f['c2']:.2f} c3 {f['c3']:.2f} "
                      f"c5 {f['c5']:.2f} share {f['share']:.2f} ratio {f['length_ratio']:.2f}")


def print_rules(rows: list[dict], rules: list[str]) -> None:
    print(f"\nrules on the cached results ({len(rules)} tried):")
    brief = [r for r in rows if r["kind"] not in EXTRA_KINDS]
    for text in rules:
        for mode in MODES:
            figs = rule_figures(rows, text, mode)
            print(f"  [{mode:6s}] {text:45s} {_fmt(figs)}")
            if "reported" in figs:
                print(f"  {'':8s} {'(as wire overlaps would report)':45s} {_fmt(figs['reported'])}")
            print(f"  {'':8s} {'(brief kinds only)':45s} {_fmt(rule_figures(brief, text, mode))}")
            rule = parse_rule(text)
            wrong = Counter(r["kind"] for r in rows if (apply_rule(rule, r[mode]) != "non") != r["gold"])
            print(f"  {'':8s} {'wrong by kind:':45s} " + ", ".join(f"{k} {n}" for k, n in sorted(wrong.items())))


def print_grid(rows: list[dict], seed: int) -> None:
    """Pick the best F1 rule of the grid on one half (by group), report it on the other: overfit check."""
    rules = grid_rules()
    first, second = split_halves(rows, seed)
    print(f"\ngrid: {len(rules)} rules; chosen on half A ({len(first)} pairs), checked on half B ({len(second)})")
    for mode in MODES:
        for name, fit_on, check_on in (("A->B", first, second), ("B->A", second, first)):
            best = max(rules, key=lambda t: (rule_figures(fit_on, t, mode)["f1"], -len(t)))
            print(f"  [{mode:6s}] {name}: {best:35s} fit {_fmt(rule_figures(fit_on, best, mode))}")
            print(f"  {'':8s} {'':4s}  {'':35s} held-out {_fmt(rule_figures(check_on, best, mode))}")
        best = max(rules, key=lambda t: rule_figures(rows, t, mode)["f1"])
        print(f"  [{mode:6s}] best on all: {best}  {_fmt(rule_figures(rows, best, mode))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ecb", type=Path, default=DATA / "ecbplus")
    parser.add_argument("--reuters", type=Path, default=DATA / "reuters21578")
    parser.add_argument("--bbc", type=Path, default=DATA / "bbc-news" / "bbc")
    parser.add_argument("--limit", type=int, help="at most N pairs of each kind (a seeded sample)")
    parser.add_argument("--topics", type=int, help="only the first N ECB+ topics")
    parser.add_argument("--made", type=int, default=30, help="made copies per kind and source (Reuters, BBC)")
    parser.add_argument("--quotes", type=int, default=100, help="shared-quote pairs per source")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the figures and every pair's result")
    parser.add_argument("--examples", type=int, default=0, metavar="N", help="print N wrong pairs per kind")
    parser.add_argument("--rows-from", type=Path, metavar="JSON", help="reuse a --json file's results (no scoring)")
    parser.add_argument("--try-rule", action="append", default=[], metavar="RULE", help="evaluate a label rule")
    parser.add_argument("--grid", action="store_true", help="search the rule grid, with a held-out half")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.rows_from:
        rows, times = json.loads(args.rows_from.read_text(encoding="utf-8"))["rows"], {}
    else:
        data = {"ecb": args.ecb, "reuters": args.reuters, "bbc": args.bbc}
        missing = [f"{k} ({p})" for k, p, probe in (
            ("ECB+", args.ecb, args.ecb / "ECB+_LREC2014" / "ECB+"),
            ("Reuters-21578", args.reuters, args.reuters / "reut2-000.sgm"),
            ("BBC News", args.bbc, args.bbc / "business")) if not probe.exists()]
        if missing:
            print(f"data not found: {', '.join(missing)}; pass --ecb/--reuters/--bbc")
            return 2
        t0 = time.perf_counter()
        built = build(data, args.made, args.quotes, args.topics, args.seed)
        pairs = limited(built.pairs, args.limit, args.seed)
        print(f"built {len(built.pairs)} pairs in {time.perf_counter() - t0:.1f} s"
              + (f"; kept {len(pairs)} (--limit {args.limit} per kind)" if args.limit else ""))
        for reason, n in sorted(built.left_out.items()):
            print(f"  left out: {reason}: {n}")
        for note in built.notes:
            print(f"  note: {note}")
        rows, times = score(pairs)
        print(f"scored: alone {times['alone_s']:.1f} s; index of {times['articles']} articles + candidates "
              f"{times['index_candidates_s']:.1f} s; corpus {times['corpus_s']:.1f} s")
        times["left_out"] = dict(built.left_out)
    figs = figures(rows)
    print_report(rows, figs)
    if args.examples:
        print_examples(rows, args.examples)
    if args.try_rule:
        print_rules(rows, args.try_rule)
        figs["rules"] = {t: {m: rule_figures(rows, t, m) for m in MODES} for t in args.try_rule}
    if args.grid:
        print_grid(rows, args.seed)
    figs["times"] = times | {"total_s": time.perf_counter() - started}
    print(f"\ntime: {figs['times']['total_s']:.1f} s")
    if args.json:
        args.json.write_text(json.dumps({"figures": figs, "rows": rows}, indent=1), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
