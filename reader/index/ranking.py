"""The top hits of a search whose matches are already known, scored for all of them at once with numpy.

Whoosh ranks by walking its matcher tree document by document in Python: `sales corp` (title or body, both
words) is four leaf matchers under three binary ones, and each match costs about 100 µs of `skip_to` and
`score` calls; a query of common words on 100,000 articles took 150 ms for its top 20. Here the same tree,
made by Whoosh for each segment, is evaluated over the known matches (`docsets.matching`) at once: each
node combines its children's score arrays the way its `score()` does, in the same order, so every score is
Whoosh's to the last bit (BM25F's formula, float64 throughout, as Python's floats are). A term's postings
come from `expand.term_postings`, which the matching has just filled. The order is Whoosh's too: higher
score first, then the lower document number (its top-N collector never lets a later document displace an
equal score).

A tree holding a matcher not known here (a phrase's, a coordination bonus, a maximum of disjuncts) is ranked
by Whoosh as before: `top` answers None.
"""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import (ArrayUnionMatcher, FilterMatcher, IntersectionMatcher, ListMatcher, NullMatcher,
                             UnionMatcher, WrappingMatcher)
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

from reader.index.expand import _Documents, term_postings
from reader.index.whoosh_fixes import length_column

_LENGTHS = np.array([0.0] + [float(byte_to_length(b)) for b in range(1, 256)])
"""Whoosh's field length of each length byte (0: none; a posting never has it)."""

_NULL = type(NullMatcher())


class _Unknown(Exception):
    """A matcher this module does not evaluate."""


def top(searcher, query, matched: set[int], limit: int) -> list[tuple[float, int]] | None:
    """(score, document number) of the best `limit` documents of `matched` that `query` matches, as
    `searcher.search(query, limit=limit, filter=matched)` ranks them; None when Whoosh must rank them."""
    docs = np.fromiter(sorted(matched), dtype=np.int64, count=len(matched))
    context = searcher.context()
    found_scores, found_docs = [], []
    for sub, offset in searcher.leaf_searchers():
        lo, hi = np.searchsorted(docs, [offset, offset + sub.doc_count_all()])
        if lo == hi:
            continue
        local = docs[lo:hi] - offset
        reader = sub.reader()
        if not isinstance(reader, SegmentReader):
            return None
        try:
            present, scores = _evaluate(query.matcher(sub, context), local, reader)
        except _Unknown:
            return None
        found_scores.append(scores[present])
        found_docs.append(local[present] + offset)
    if not found_docs:
        return []
    scores, numbers = np.concatenate(found_scores), np.concatenate(found_docs)
    best = np.lexsort((numbers, -scores))[:limit]
    return [(float(scores[i]), int(numbers[i])) for i in best]


def _evaluate(m, docs: np.ndarray, reader) -> tuple[np.ndarray, np.ndarray]:
    """Which of `docs` (sorted, local to the segment) matcher `m` matches, and the score of each, as `m.score()`
    gives it there (0 where it does not match)."""
    kind = type(m)
    if kind is UnionMatcher or kind is IntersectionMatcher:
        (pa, sa), (pb, sb) = _evaluate(m.a, docs, reader), _evaluate(m.b, docs, reader)
        both = sa + sb  # a.score() + b.score(), where both are on the document
        if kind is IntersectionMatcher:
            return pa & pb, np.where(pa & pb, both, 0.0)
        return pa | pb, np.where(pa & pb, both, np.where(pa, sa, sb))
    if kind is ArrayUnionMatcher and m._scored:  # Whoosh's union of many, or of any in a small segment
        # Made, it has already summed its first part (documents offset..limit) and moved its sub-matchers
        # past it: those documents are read from its array, the rest summed here the way it would, each
        # sub-matcher's score times the boost added in turn to 0.0.
        total = np.zeros(len(docs))
        head = docs < m._limit
        at = docs[head] - m._offset
        total[np.flatnonzero(head)[at >= 0]] = np.asarray(m._a)[at[at >= 0]]
        rest, rest_total = docs[~head], np.zeros(int((~head).sum()))
        for sub in m._submatchers:
            present, scores = _evaluate(sub, rest, reader)
            rest_total = np.where(present, rest_total + scores * m._boost, rest_total)
        total[~head] = rest_total
        return total > 0, total  # what it matches: a document whose sum is above 0
    if kind is FilterMatcher:  # the segment's deletions, or a filter: the child's score times its boost
        listed = np.isin(docs, np.fromiter(m._ids, dtype=np.int64))
        present, scores = _evaluate(m.child, docs, reader)
        present &= ~listed if m._exclude else listed
        return present, np.where(present, scores * m.boost, 0.0)
    if kind is WrappingMatcher:  # a query's boost
        present, scores = _evaluate(m.child, docs, reader)
        return present, np.where(present, scores * m.boost, 0.0)
    if kind is _NULL:
        return np.zeros(len(docs), dtype=bool), np.zeros(len(docs))
    if kind is _Documents:  # a prefix, wildcard or date range: one score for every document
        present = _found(np.asarray(m._ids, dtype=np.int64), docs)[0]
        return present, np.where(present, m._all_weights, 0.0)
    if kind is W3LeafMatcher:  # read afresh (or as docsets just read them): it may have moved on already
        ids, weights = term_postings(reader, *m.term())
        return _leaf(m, m.scorer, np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64), docs,
                     reader)
    if kind is ListMatcher:  # a rare term's postings, kept inline in the term index
        ids = np.asarray(m._ids[m._i:], dtype=np.int64)
        if m._all_weights:
            weights = np.full(len(ids), float(m._all_weights))
        elif m._weights:
            weights = np.asarray(m._weights[m._i:], dtype=np.float64)
        else:
            weights = np.ones(len(ids))
        if m._scorer is None:
            present, at = _found(ids, docs)
            return present, np.where(present, weights[at], 0.0)
        return _leaf(m, m._scorer, ids, weights, docs, reader)
    raise _Unknown(kind.__name__)


def _leaf(m, scorer, ids: np.ndarray, weights: np.ndarray, docs: np.ndarray, reader):
    """A term's scores at `docs`: BM25F of each posting's weight and its document's field length."""
    if type(scorer) is not BM25FScorer:
        raise _Unknown(type(scorer).__name__)
    present, at = _found(ids, docs)
    if not present.any():
        return present, np.zeros(len(docs))
    column = length_column(reader._perdoc, m.term()[0])
    if column is False:
        raise _Unknown("no lengths")
    lengths = np.frombuffer(column, dtype=np.uint8)
    here = docs[present]
    fl = np.zeros(len(docs))
    fl[present] = _LENGTHS[np.where(here < len(lengths), lengths[np.minimum(here, len(lengths) - 1)], 0)]
    if np.any(present & (fl == 0)):
        raise _Unknown("a posting without a length")  # Whoosh's own scorer would fail on it
    tf = np.where(present, weights[at], 0.0)
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    # whoosh.scoring.bm25, operation for operation: idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
    return present, np.where(present, scores, 0.0)


def _found(ids: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of `docs` are in `ids` (both sorted), and where in `ids`."""
    if not len(ids):
        return np.zeros(len(docs), dtype=bool), np.zeros(len(docs), dtype=np.int64)
    at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
    return ids[at] == docs, at
