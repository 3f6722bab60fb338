"""Scoring of pairs: alignment plus features plus label, for one pair or for every candidate of an index."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Literal, overload

import numpy as np

from reader import children
from reader.models import Article, Overlap, Paragraph
from reader.overlap.align import Alignment, align, prepared_sentences
from reader.overlap.candidates import OutletBoilerplate, OverlapIndex
from reader.overlap.idf import GramDF
from reader.overlap.label import (Features, Thresholds, aligned, containments, corpus_thresholds, default_thresholds,
                                  label)
from reader.overlap.schedule import local_order, shares
from reader.overlap.text import NGRAM, shared_count, shingle_hashes, shingle_set, tokens

BOILERPLATE_COVER = 0.5
"""A sentence whose words are mostly inside outlet-boilerplate shingles is left out of the comparison."""
PARALLEL_PAIRS = 2_000
"""From this many candidate pairs, two processes score them (a fork and the articles' trip through a pipe
cost about a second; 2,000 pairs take ten)."""
CHUNK = 500
ARTICLES_KEPT = 8_192
"""Articles kept by the process that reads them for the workers' tasks (about 50 MB at wire-story length)."""
"""Pairs per task of a worker: consecutive candidates share articles (one article and each of its
candidates), so each task prepares most of its articles once."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything known about one pair: the JSON-ready overlap, the aligned diff and the features."""

    overlap: Overlap
    alignment: Alignment
    features: Features


def boilerplate_sentences(text: str, common: np.ndarray, n: int = NGRAM) -> set[int]:
    """Indices of `text`'s sentences that are mostly covered by the shingles in `common` (sorted)."""
    if not len(common):
        return set()
    _, norm = prepared_sentences(text)  # made once per text, and the alignment needs them next
    words = [joined.split() for joined in norm]
    lengths = [len(w) for w in words]
    hashes = shingle_hashes([t for w in words for t in w], n)
    covered = np.zeros(sum(lengths), dtype=bool)
    # `common` is sorted (np.unique): binary search instead of np.isin, which would re-sort it per call.
    pos = np.minimum(np.searchsorted(common, hashes), len(common) - 1)
    for start in np.flatnonzero(common[pos] == hashes):
        covered[start:start + n] = True
    # Each sentence's covered share at once, from a running count of covered words.
    counts = np.asarray(lengths)
    ends = np.cumsum(counts)
    running = np.concatenate(([0], np.cumsum(covered)))
    with np.errstate(invalid="ignore", divide="ignore"):  # a sentence of no words is never boilerplate
        share = (running[ends] - running[ends - counts]) / counts
    return {int(i) for i in np.flatnonzero((counts > 0) & (share >= BOILERPLATE_COVER))}


def _without(text: str, skip: set[int]) -> str:
    """`text` without the sentences numbered in `skip` (see boilerplate_sentences)."""
    if not skip:
        return text
    return "\n\n".join(s.text for i, s in enumerate(prepared_sentences(text)[0]) if i not in skip)


def derived_side(a: Article, b: Article) -> str | None:
    """"b" when b is dated later than a, "a" when earlier, None when dates are missing or equal."""
    if a.date and b.date and a.date != b.date:
        return "b" if b.date > a.date else "a"
    return None


def containment(a_text: str, b_text: str, n: int = NGRAM) -> float:
    """Word n-gram containment of two texts: shared shingles / shingles of the smaller side."""
    sa, sb = shingle_set(tokens(a_text), n), shingle_set(tokens(b_text), n)
    smaller = min(len(sa), len(sb))
    return shared_count(sa, sb) / smaller if smaller else 0.0


_Side = OverlapIndex | OutletBoilerplate | None


@overload
def compare(a: Article, b: Article, index: _Side = None, thresholds: Thresholds | None = None,
            df: GramDF | None = None, skips: dict[str, set[int]] | None = None, shown: bool = True,
            derived_only: Literal[False] = False) -> Comparison: ...
@overload
def compare(a: Article, b: Article, index: _Side = None, thresholds: Thresholds | None = None,
            df: GramDF | None = None, skips: dict[str, set[int]] | None = None, shown: bool = True, *,
            derived_only: bool) -> Comparison | None: ...
def compare(a: Article, b: Article, index: _Side = None, thresholds: Thresholds | None = None,
            df: GramDF | None = None, skips: dict[str, set[int]] | None = None, shown: bool = True,
            derived_only: bool = False) -> Comparison | None:
    """Align and label two articles (their bodies: boilerplate paragraphs are never compared).

    Args:
        a: The a side (shown on the left of a diff).
        b: The b side.
        index: When given (the index, or just its OutletBoilerplate) and holding both articles, each
            outlet's repeated shingles (trailers, sign-offs) are left out of the containment and the
            alignment.
        thresholds: Label thresholds; the shipped calibration when None (the corpus rule when `df`
            is given, which separates derived from non-derived better on COUNTER).
        df: Character 4-gram document frequencies of the corpus, for the IDF-weighted `ci4`.
        skips: A cache of each article's boilerplate sentences (by id) for many pairs against one
            unchanging index; filled as pairs are compared.
        shown: False when only the overlap is wanted: the alignment then has no segments (see `align`).
        derived_only: None instead of a pair the label rule calls non before any alignment (most of the
            non-derived candidates of a corpus), when only derived pairs are kept.
    """
    if thresholds is None and df is not None:
        thresholds = corpus_thresholds()
    a_skip: set[int] = set()
    b_skip: set[int] = set()
    in_corpus = index is not None and a.id in index and b.id in index
    if in_corpus:
        a_skip, b_skip = _skipped(a, index, skips), _skipped(b, index, skips)
    # The label is measured on what the alignment compares: an outlet's own repeated sentences (its
    # trailers, a recurring template such as a daily port report) are reuse nowhere, not even in the
    # containments. Measured on the whole text, two issues of one template were "wholly derived"
    # with nothing aligned (746 such pairs in Reuters-21578).
    a_text, b_text = _without(a.body, a_skip), _without(b.body, b_skip)
    side = derived_side(a, b)
    if side is None:  # dates do not tell: take the side that reuses more (usually the trimmed copy)
        fa, fb = (containments(a_text, b_text, s, df) for s in ("a", "b"))
        feats = fa if (fa.c2, fa.c1) > (fb.c2, fb.c1) else fb
    else:
        feats = containments(a_text, b_text, side, df)
    if derived_only and (thresholds or default_thresholds()).rules_out(feats):
        return None
    alignment = align(a.body, b.body, a_skip=a_skip, b_skip=b_skip, shown=shown)
    feats = aligned(feats, alignment)
    # In a corpus, a pair whose alignment shares no passage (not even one shingle's worth of words in
    # matched sentences) is not wire copy, whatever its word containments say: what it shares is the
    # outlet's repeated sentences (never reuse) or stray phrases and figures. Reuters had 212 pairs
    # "partially derived" with 0% reused, such as two companies' earnings tables or two stories
    # quoting one template sentence. COUNTER's pairs come without a corpus: its calibration stands.
    found = "non" if in_corpus and alignment.shared_words < NGRAM else label(feats, thresholds)
    overlap = Overlap(a.id, b.id, alignment.share_a, alignment.share_b, alignment.shared_words, found, feats.derived)
    return Comparison(overlap, alignment, feats)


def _skipped(article: Article, index: OverlapIndex | OutletBoilerplate, cache: dict[str, set[int]] | None
             ) -> set[int]:
    """`article`'s boilerplate sentences (see boilerplate_sentences), from `cache` when it has them."""
    found = cache.get(article.id) if cache is not None else None
    if found is None:
        found = boilerplate_sentences(article.body, index.common_shingles(article.outlet))
        if cache is not None:
            cache[article.id] = found
    return found


def overlaps(index: OverlapIndex, article: Callable[[str], Article] | Mapping[str, Article], *,
             ids: Iterable[str] | None = None, min_share: float = 0.0, include_non: bool = False,
             thresholds: Thresholds | None = None, df: GramDF | None = None, processes: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> list[Overlap]:
    """Scored overlaps of the index's verified candidate pairs (`candidate_keys`, then `score`).

    Args:
        index: The candidate index.
        article: Looks an article up by id (a mapping or a function such as `Library.article`).
        ids: Only pairs involving these articles (e.g. the ones just added); all pairs when None.
        min_share, include_non, thresholds, df, processes, progress: as for `score`.

    Returns:
        Overlaps sorted by decreasing larger share, then ids.
    """
    return score(candidate_keys(index, ids), index, article, min_share=min_share, include_non=include_non,
                 thresholds=thresholds, df=df, processes=processes, progress=progress)


def candidate_keys(index: OverlapIndex, ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """The (a, b) ids of every verified candidate pair, a < b; only those involving `ids` when given."""
    if ids is None:
        return index.candidate_keys()
    seen: set[tuple[str, str]] = set()
    for article_id in ids:
        for cand in index.candidates_for(article_id):
            seen.add((min(cand.a, cand.b), max(cand.a, cand.b)))
    return sorted(seen)


def score(keys: list[tuple[str, str]], index: OverlapIndex | OutletBoilerplate,
          article: Callable[[str], Article] | Mapping[str, Article], *, min_share: float = 0.0,
          include_non: bool = False, thresholds: Thresholds | None = None, df: GramDF | None = None,
          processes: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[Overlap]:
    """Every pair of `keys` aligned and labelled.

    Args:
        keys: The pairs (see `candidate_keys`).
        index: The candidate index, or only what comparisons read of it (`OverlapIndex.boilerplate()`),
            so that a caller can let the index go before the workers fork.
        article: Looks an article up by id (a mapping or a function such as `Library.article`).
        min_share: Keep pairs where max(share_a, share_b) is at least this.
        include_non: Also keep pairs labelled non (derived).
        thresholds: Label thresholds; the shipped calibration when None.
        df: Corpus document frequencies (see `compare`).
        processes: Worker processes that score the pairs; None: two from PARALLEL_PAIRS pairs on a
            machine with two cores. The articles are read here and sent with each task.
        progress: Called with (pairs scored, pairs) after each task.

    Returns:
        Overlaps sorted by decreasing larger share, then ids.
    """
    # The articles are read here, and a task's articles are mostly the last tasks' too: reading and decoding
    # them again was a third of this process's work at 20,000 articles, on the cores the workers need.
    # (Workers reading the store themselves fail: SQLite keeps each file's lock state in the process, and a
    # fork's copy of it is wrong; "locking protocol".)
    read = article.__getitem__ if isinstance(article, Mapping) else article
    get = lru_cache(maxsize=ARTICLES_KEPT)(lambda article_id: _for_scoring(read(article_id)))
    keys = local_order(sorted(keys))  # sorted: the same order (and the same work) however the keys came
    if processes is None:
        processes = children.processes_for(len(keys), PARALLEL_PAIRS)
    # A worker is given what `compare` reads of the index (its ids, each outlet's boilerplate), not the
    # index: the forked copy of the LSH is never touched, so it stays shared with this process.
    # The boilerplate sentences of an article are the same in each of its pairs: found once per process.
    common = index.boilerplate() if processes > 1 and isinstance(index, OverlapIndex) else index
    scorer = partial(_score, common, thresholds, df, include_non, {})
    tasks = ((_articles(get, part), part) for part in shares(keys, processes, CHUNK))
    out, done = [], 0
    with closing(children.spread(scorer, tasks, processes)) as results:  # the workers end on an error or a Ctrl-C
        for found in results:
            out.extend(o for o in found if (include_non or o.label != "non") and max(o.share_a, o.share_b) >= min_share)
            done = min(done + CHUNK, len(keys))
            if progress:
                progress(done, len(keys))
    return sorted(out, key=lambda o: (-max(o.share_a, o.share_b), o.a, o.b))


def _articles(get: Callable[[str], Article | None], keys: list[tuple[str, str]]) -> dict[str, Article | None]:
    return {article_id: get(article_id) for pair in keys for article_id in pair}


def _for_scoring(article: Article | None) -> Article | None:
    """What `compare` reads of an article (its id, outlet, date and body), as one paragraph: a task's articles
    cross a pipe, and unpickling them whole (every paragraph, title, byline, tags) was a seventh of a
    scoring worker's time at 100,000 articles."""
    if article is None:
        return None
    return Article(article.id, article.path, "", (Paragraph(article.body),), article.sha256, article.outlet,
                   date=article.date)


def _score(index: OverlapIndex | OutletBoilerplate, thresholds: Thresholds | None, df: GramDF | None,
           include_non: bool, skips: dict[str, set[int]],
           task: tuple[dict[str, Article | None], list[tuple[str, str]]]) -> list[Overlap]:
    """Every pair of one task, scored (in a worker or here); a pair that breaks alignment is left out, as is
    one whose article is gone (removed by a sync since the pairs were found) and, unless `include_non`,
    one the label rule calls non before alignment."""
    articles, keys = task
    out = []
    for a, b in keys:
        try:
            found = compare(articles[a], articles[b], index, thresholds, df, skips, shown=False,
                            derived_only=not include_non)
        except Exception:  # noqa: BLE001 — one pair that breaks alignment must not cost every other pair
            continue
        if found is not None:
            out.append(found.overlap)
    return out
