"""Prefix and wildcard queries matched by one pass over their terms' postings, not a tree of matchers.

Whoosh answers `comp*` with an Or of every term it expands to (hundreds in a news corpus), and on an
index of more than 5,000 documents that Or is a binary tree of union matchers walked document by
document in Python: 2.4 s for `comp*` on Reuters-21578. Here the expanded terms' postings are read
once into one sorted list of documents, which matches (and intersects with the rest of the query)
through a list matcher. Every document of every expanded term is kept, so totals stay exact; prefix
and wildcard matches score a constant, as Whoosh's own constant-score expansion does.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict

from whoosh.matching import FilterMatcher, ListMatcher, NullMatcher, ReadTooFar
from whoosh.query import NumericRange, Prefix, Wildcard


class _Documents(ListMatcher):
    """A sorted list of document numbers, each scoring the same; `skip_to` bisects (ListMatcher steps one
    by one), and the score is a quality Whoosh's collector can prune by: once it holds its top hits at
    this score, the rest of the list cannot beat them and is skipped rather than walked."""

    def skip_to(self, id):  # noqa: A002 — Whoosh's name
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)

    def supports_block_quality(self) -> bool:
        return True

    def max_quality(self) -> float:
        return self._all_weights

    block_quality = max_quality

    def skip_to_quality(self, minquality: float) -> int:
        if minquality >= self._all_weights:
            self._i = len(self._ids)  # nothing left here can score higher
        return 0

    def score(self) -> float:
        return self._all_weights


class _ReadOnce:
    """The matcher of a multi-term query, from the union of its terms' postings (segment by segment:
    Whoosh calls `matcher` with each segment's own searcher)."""

    def matcher(self, searcher, context=None):
        if not self.text or self.text == "*":
            return super().matcher(searcher, context)  # every document: Whoosh's Every already is fast
        found = self.docnums(searcher.reader())
        if not found:
            return NullMatcher()
        return _Documents(sorted(found), all_weights=self.boost)

    def docnums(self, reader) -> set[int]:
        """The live documents of one segment that hold any of the expanded terms."""
        return remembered(reader, (type(self).__name__, self.field(), self.text), lambda: self._read(reader))

    def _read(self, reader) -> set[int]:
        field = self.field()
        found: set[int] = set()
        deleted: set[int] = set()
        for btext in self._btexts(reader):
            if btext:
                found.update(posting_ids(reader.postings(field, btext), deleted))
        return found - deleted if deleted else found


_REMEMBERED: OrderedDict[tuple, frozenset[int]] = OrderedDict()
_REMEMBERED_LOCK = threading.Lock()
REMEMBER = 16
"""Expansions kept (a search asks twice, for its hits and its total; the app asks again for its counts)."""


def remembered(reader, key: tuple, read) -> set[int]:
    """`read()` for one segment, kept while the segment is unchanged: segments are immutable but for
    deletions, so the key holds the segment's id and its count of live documents."""
    segment = getattr(reader, "segment", None)
    if segment is None:
        return read()
    full = (segment().segment_id(), reader.doc_count(), *key)
    with _REMEMBERED_LOCK:
        found = _REMEMBERED.get(full)
        if found is not None:
            _REMEMBERED.move_to_end(full)
            return set(found)
    found = frozenset(read())
    with _REMEMBERED_LOCK:
        _REMEMBERED[full] = found
        while len(_REMEMBERED) > REMEMBER:
            _REMEMBERED.popitem(last=False)
    return set(found)


def posting_ids(matcher, deleted: set[int]) -> list[int]:
    """Every document of one term's postings, a block at a time (`_leaf_postings`); the segment's deleted
    documents are added to `deleted` for the caller to leave out."""
    if isinstance(matcher, FilterMatcher) and matcher._exclude:  # the segment's deletions
        deleted.update(matcher._ids)
        matcher = matcher.child
    return _leaf_postings(matcher, weights=False)[0]


def _leaf_postings(matcher, weights: bool) -> tuple[list[int], array]:
    """A leaf matcher's documents and, with `weights`, their weights (float32, as Whoosh-3 stores them).

    Whoosh's all_ids() steps through a posting list one document at a time in Python (three calls a
    document); its Whoosh-3 leaf matcher holds each block's ids (and weights) as one sequence, taken here
    whole. These are that matcher's private attributes (whoosh 2.7 codec/whoosh3.py W3LeafMatcher): any
    other matcher, or a Whoosh without them, goes the slow, public way.
    """
    ids: list[int] = []
    found = array("f")
    if not all(hasattr(matcher, name) for name in ("_read_ids", "_read_weights", "_next_block", "_ids", "_atend")):
        if not weights:
            return list(matcher.all_ids()), found
        while matcher.is_active():
            ids.append(matcher.id())
            found.append(matcher.weight())
            matcher.next()
        return ids, found
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i:])
        if weights:
            if matcher._weights is None:
                matcher._read_weights()
            found.extend(matcher._weights[matcher._i:])
        matcher._next_block()
    return ids, found


_POSTINGS: OrderedDict[tuple, tuple] = OrderedDict()
_POSTINGS_LOCK = threading.Lock()
POSTINGS_KEPT = 2_000_000
"""Postings kept by `term_postings` (about 16 bytes each): a search reads a term's postings for its matches
(docsets) and again for its ranking (ranking.py); the app's next search often asks for the same words."""


def term_postings(reader, fieldname: str, btext: bytes) -> tuple[list[int], array]:
    """A term's postings in one segment, deleted documents included: its document numbers and their weights
    (float32, as Whoosh-3 stores them), kept while the segment is unchanged (keyed as `remembered` keys),
    the oldest let go past POSTINGS_KEPT postings."""
    segment = getattr(reader, "segment", None)
    if segment is None:
        return _read_postings(reader, fieldname, btext)
    key = (segment().segment_id(), reader.doc_count(), fieldname, btext)
    with _POSTINGS_LOCK:
        found = _POSTINGS.get(key)
        if found is not None:
            _POSTINGS.move_to_end(key)
            return found
    found = _read_postings(reader, fieldname, btext)
    with _POSTINGS_LOCK:
        _POSTINGS[key] = found
        kept = sum(len(ids) for ids, _ in _POSTINGS.values())
        while kept > POSTINGS_KEPT and len(_POSTINGS) > 1:
            kept -= len(_POSTINGS.popitem(last=False)[1][0])
    return found


def _read_postings(reader, fieldname: str, btext: bytes) -> tuple[list[int], array]:
    matcher = reader.postings(fieldname, btext)
    if isinstance(matcher, FilterMatcher):  # the segment's deletions: the callers leave them out
        matcher = matcher.child
    return _leaf_postings(matcher, weights=True)


class ExpandedPrefix(_ReadOnce, Prefix):
    """`comp*`."""


class ExpandedWildcard(_ReadOnce, Wildcard):
    """`wh?at`, `*bank`."""


class ExpandedRange(NumericRange):
    """`date:[2024-03-01 to 2024-06-30]`: Whoosh compiles a numeric range to an Or of term ranges over its
    tiers and walks their union tree document by document; here the range's documents are one list."""

    def matcher(self, searcher, context=None):
        found = self.docnums(searcher)
        return _Documents(sorted(found), all_weights=self.boost) if found else NullMatcher()

    def docnums(self, searcher) -> set[int]:
        """The live documents of one segment (its leaf searcher) in the range."""
        from reader.index.docsets import segment_docs  # docsets builds on this module

        reader = searcher.reader()
        key = ("range", self.fieldname, self.start, self.end, self.startexcl, self.endexcl)
        return remembered(reader, key, lambda: segment_docs(searcher, self._compile_query(reader)))


def expanded(parsed):
    """The parsed query with its prefix, wildcard and numeric range parts matched from one list each."""

    def visit(node):
        if type(node) is Prefix:
            return ExpandedPrefix(node.fieldname, node.text, boost=node.boost)
        if type(node) is Wildcard:
            return ExpandedWildcard(node.fieldname, node.text, boost=node.boost)
        if type(node) is NumericRange:
            return ExpandedRange(node.fieldname, node.start, node.end, node.startexcl, node.endexcl,
                                 boost=node.boost)
        return node

    return parsed.accept(visit)
