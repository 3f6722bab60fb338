"""The set of documents a parsed query matches, by set algebra over posting lists: exact counts, fast.

A search needs two things from Whoosh: the top hits, scored, and how many documents match in all.
Whoosh counts by walking every match through its matcher tree in Python (about 10 µs a document):
`NOT x` or `bank* OR trade` on 100,000 articles takes a second just to count. Here terms become
sets of document numbers read a posting block at a time, combined with C set operations: And is an
intersection, Or a union, Not a difference. A node this module does not know (a phrase, which needs
positions) is answered by Whoosh's own matcher for that node alone, so the result is always exact.
"""

from __future__ import annotations

import copy

from whoosh.query import And, AndMaybe, AndNot, Every, NullQuery, Or, Ordered, Phrase, Require, Term
from whoosh.query.compound import DisjunctionMax
from whoosh.query.ranges import NumericRange, TermRange
from whoosh.query.wrappers import ConstantScoreQuery, Not, WeightingQuery

from reader.index.expand import ExpandedPrefix, ExpandedRange, ExpandedWildcard, posting_ids, term_postings


def matching(searcher, query) -> set[int]:
    """The (index-wide) numbers of the live documents `query` matches."""
    found: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        local = _Segment(sub).of(query)
        found.update(local if offset == 0 else (offset + d for d in local))
    return found


def for_scoring(q):
    """The part of a query that ranks its hits, once the exact matches are known (`matching`, given to
    Whoosh as the search's filter): without its Not parts, which score nothing and make Whoosh walk
    every match instead of skipping blocks that cannot reach the top; and a phrase as the And of its
    words (its matches are exact already; the words rank them, and And can skip blocks, the phrase
    matcher cannot)."""
    if isinstance(q, Not):
        return Every()
    if isinstance(q, Phrase):
        return And([Term(q.fieldname, w, boost=q.boost) for w in q.words]) if q.words else NullQuery
    if isinstance(q, AndNot):
        return for_scoring(q.a)
    if isinstance(q, And | Or | DisjunctionMax) and not isinstance(q, Ordered):
        subs = [for_scoring(s) for s in q.subqueries if not (isinstance(q, And) and isinstance(s, Not))]
        if not subs:
            return Every()
        rewritten = copy.copy(q)  # shallow: And, Or keep their options (boost, minmatch, scale)
        rewritten.subqueries = subs
        return rewritten
    return q


def segment_docs(searcher, query) -> set[int]:
    """The live documents of one segment (Whoosh's leaf searcher) that `query` matches."""
    return _Segment(searcher).of(query)


class _Segment:
    """Set evaluation against one segment (Whoosh's leaf searcher: document numbers local to it)."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self._live: set[int] | None = None

    def live(self) -> set[int]:
        """Every document of the segment that is not deleted."""
        if self._live is None:
            self._live = set(self.reader.all_doc_ids())
        return self._live

    def of(self, q) -> set[int]:
        if q is NullQuery:
            return set()
        if isinstance(q, Term):
            return self._term(q.fieldname, q.text)
        if isinstance(q, And | Require):
            return self._and(list(q.subqueries))
        if isinstance(q, Or | DisjunctionMax):
            found: set[int] = set()
            for sub in q.subqueries:
                found |= self.of(sub)
            return found
        if isinstance(q, AndNot):
            return self.of(q.a) - self.of(q.b)
        if isinstance(q, AndMaybe):
            return self.of(q.a)
        if isinstance(q, Not):
            return self.live() - self.of(q.query)
        if isinstance(q, ConstantScoreQuery | WeightingQuery):
            return self.of(q.child)
        if isinstance(q, Every) and not q.fieldname:
            return set(self.live())
        if isinstance(q, ExpandedPrefix | ExpandedWildcard) and q.text and q.text != "*":
            return q.docnums(self.reader)
        if isinstance(q, ExpandedRange):
            return q.docnums(self.searcher)
        if isinstance(q, NumericRange):
            return self.of(q._compile_query(self.reader))  # the tiered term ranges Whoosh would match
        if isinstance(q, TermRange):
            return self._range(q)
        # Anything else (a phrase, a fuzzy term): Whoosh's matcher for this node alone.
        matcher = q.matcher(self.searcher)
        return set(matcher.all_ids()) if matcher.is_active() else set()

    def _and(self, subs: list) -> set[int]:
        """An intersection, its Not parts taken away rather than turned into "every document but"."""
        negative = [s.query for s in subs if isinstance(s, Not)]
        positive = [s for s in subs if not isinstance(s, Not)]
        if not positive:
            found = set(self.live())
        else:
            found = self.of(positive[0])
            for sub in positive[1:]:
                if not found:
                    return found
                found &= self.of(sub)
        for sub in negative:
            if not found:
                break
            found -= self.of(sub)
        return found

    def _range(self, q: TermRange) -> set[int]:
        """Every document of every term in the range. The bounds of a numeric range's tiers are already
        encoded bytes, which TermRange's own expansion would encode again (and so find nothing)."""
        fieldname = q.fieldname
        if fieldname not in self.reader.schema:
            return set()
        field = self.reader.schema[fieldname]
        try:
            start = b"" if q.start is None else q.start if isinstance(q.start, bytes) else field.to_bytes(q.start)
            end = (b"\xff\xff\xff\xff" if q.end is None else q.end if isinstance(q.end, bytes)
                   else field.to_bytes(q.end))
        except ValueError:
            return set()
        found: set[int] = set()
        deleted: set[int] = set()
        for name, btext in self.reader.terms_from(fieldname, start):
            if name != fieldname or btext > end or (btext == end and q.endexcl):
                break
            if btext == start and q.startexcl:
                continue
            found.update(posting_ids(self.reader.postings(fieldname, btext), deleted))
        return found - deleted if deleted else found

    def _term(self, fieldname: str, text) -> set[int]:
        if fieldname not in self.reader.schema:
            return set()
        if isinstance(text, bytes):
            btext = text  # already encoded (the terms a numeric range expands to)
        else:
            try:
                btext = self.reader.schema[fieldname].to_bytes(text)
            except ValueError:
                return set()
        if (fieldname, btext) not in self.reader:
            return set()
        found = set(term_postings(self.reader, fieldname, btext)[0])  # kept: the ranking reads them next
        return found - self.reader.deleted_docs_set if self.reader.has_deletions() else found
