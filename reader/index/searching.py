"""Searching the index: a query parsed (the user's tags joined in), its matches kept and ranked, hits made."""

from __future__ import annotations

from collections.abc import Callable

from whoosh import qparser
from whoosh.query import Every, NullQuery, Or, Prefix, Term

from reader.index import docsets
from reader.index.expand import expanded
from reader.index.schema import cached_stem
from reader.models import Hit, SearchResult
from reader.querytext import dates_as_numbers, syntax_problem
from reader.snippets import TOKEN, make_snippet

DEFAULT_FIELDS = ("title", "body")
RANK_BY_ARRAYS = 1_000
"""From this many matches, the top hits are ranked with numpy (reader.index.ranking), not by Whoosh's walk of
its matchers (tens of µs a match: under this, less than loading numpy costs a `wire search`)."""


def parse(query: str, schema, tag_ids: Callable[[str, bool], list[str]] | None = None,
          every: bool = False) -> tuple[object | None, str | None]:
    """Parse with Whoosh's syntax; fall back to plain words, with a notice, when that fails.
    With `every`, an empty query is every article (a search by the user's marks alone)."""
    if every and not query.strip():
        return Every(), None
    query = dates_as_numbers(query)
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema)
    problem = syntax_problem(query)
    if problem is None:
        try:
            parsed = parser.parse(query)
        except Exception as exc:  # noqa: BLE001 — Whoosh raises assorted errors on odd input
            problem = f"could not read the query ({type(exc).__name__})"
        else:
            if parsed is not NullQuery:
                return expanded(with_user_tags(parsed, tag_ids)), None
            problem = "the query holds no words, only operators or stop words"
    words = [w for w in TOKEN.findall(query) if w not in ("AND", "OR", "NOT", "ANDNOT")]
    plain = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema)
    plain.remove_plugin_class(qparser.FieldsPlugin)
    parsed = plain.parse(" ".join(words)) if words else NullQuery
    if parsed is NullQuery:
        return None, f"{problem}: nothing to search for"
    return parsed, f"{problem}: searched as plain words: {' '.join(words)}"


def with_user_tags(parsed, lookup: Callable[[str, bool], list[str]] | None):
    """`tags:x` (and `tags:x*`) also matching, by id, the articles the user tagged x.

    The query is rewritten rather than the index: the index is derived data a rebuild throws away,
    the user's tags are precious state kept elsewhere, so they are read at query time instead of
    being copied in (and having to be restored after every rebuild). Under NOT the whole Or is
    negated, so `NOT tags:x` leaves out both kinds of x.
    """
    if lookup is None:
        return parsed

    def visit(node):
        if isinstance(node, Term | Prefix) and node.fieldname == "tags" and isinstance(node.text, str):
            ids = lookup(node.text, isinstance(node, Prefix))
            if ids:
                return Or([node, Or([Term("id", i) for i in ids])])
        return node

    return parsed.accept(visit)


def result(searcher, parsed, matched: set[int], query: str, notice: str | None, limit: int | None, sort: str,
           text_for: Callable[[str], str] | None) -> SearchResult:
    """The best `limit` of the matches (newest first for `sort="date"` or an every-article query) as Hits, with
    snippets when `text_for` gives an article's text; the total is the matches counted."""
    options = {"limit": limit}
    if sort == "date" or isinstance(parsed, Every):
        options.update(sortedby="date", reverse=True)
    if not matched:  # (an empty set is no filter at all to Whoosh)
        return SearchResult(query, 0, (), notice)
    options["filter"] = matched
    scoring = docsets.for_scoring(parsed)
    if "sortedby" in options:
        found = [(hit.score, hit.fields()) for hit in searcher.search(scoring, **options)]
    else:
        found = [(score, searcher.stored_fields(docnum)) for score, docnum in ranked(searcher, scoring, matched,
                                                                                       limit)]
    terms = body_terms(parsed, searcher) if text_for is not None else set()
    hits = []
    for score, hit in found:
        doc_id = hit["id"]
        snippet, marks = "", ()
        if text_for is not None:
            text = text_for(doc_id)
            snippet, marks = make_snippet(text, terms, cached_stem) if text else ("", ())
        day = hit.get("date") or 0
        date = f"{day // 10000:04d}-{day // 100 % 100:02d}-{day % 100:02d}" if day else None
        hits.append(Hit(doc_id, hit.get("title", ""), hit.get("outlet"), date, float(score or 0.0), snippet, marks))
    # The total is the matches counted, not len(results): that is wrong on multi-segment indexes
    # whenever the last segment's matcher cannot skip blocks (a date range, say).
    return SearchResult(query, len(matched), tuple(hits), notice)


def kept(searcher, docnums: set[int], keep: Callable[[str], bool] | None) -> set[int]:
    """The documents whose article ids pass `keep` (all of them when it is None)."""
    if keep is None or not docnums:
        return docnums
    ordered = sorted(docnums)
    return {docnum for docnum, article_id in zip(ordered, ids_of(searcher, ordered), strict=True) if keep(article_id)}


def newest_first(searcher, docnums) -> list[int]:
    """Document numbers by the date column, newest first (undated, day 0, last), then in index order."""
    dates = searcher.reader().column_reader("date")
    return sorted(docnums, key=lambda d: (-(dates[d] or 0), d))


def ranked(searcher, scoring, matched: set[int], limit: int) -> list[tuple[float, int]]:
    """The best `limit` of `matched` as (score, docnum), best first: with numpy (reader.index.ranking) from
    RANK_BY_ARRAYS matches, otherwise (or for a query it leaves to Whoosh) by Whoosh scoring every match.

    Not Whoosh's walk for a top N, which prunes as it goes (sub-matchers replaced, blocks skipped by their
    quality) and, on an index of several segments, misses better documents: in 19 of the 150 mixed queries
    of bench/scale_bench.py at 100,000 articles its top 20 left out hits that score higher than its 20th
    (`loss corp`, `debt bank`, `unit* OR stock`; tests/test_ranking.py has a small case)."""
    if len(matched) >= RANK_BY_ARRAYS:
        from reader.index import ranking  # imported here: numpy costs a `wire search` 0.1 s to load

        top = ranking.top(searcher, scoring, matched, limit)
        if top is not None:
            return top
    return [(hit.score, hit.docnum) for hit in searcher.search(scoring, limit=None, filter=matched)[:limit]]


def ids_of(searcher, docnums) -> list[str]:
    """The article ids of Whoosh document numbers, from the id column (no stored-fields read per hit)."""
    reader = searcher.reader()
    if reader.has_column("id"):
        column = reader.column_reader("id")
        return [column[docnum] for docnum in docnums]
    return [searcher.stored_fields(docnum)["id"] for docnum in docnums]


def body_terms(parsed, searcher, field: str = "body") -> set[str]:
    """The indexed body terms the query matches (wildcards expanded), as the analyzer wrote them."""
    # fieldname="body" is needed, not just a filter afterwards: Query.existing_terms reuses its
    # `fieldname` argument as a loop variable, so without it only the first field's terms come back.
    found = parsed.existing_terms(searcher.reader(), phrases=True, expand=True, fieldname=field)
    return {text.decode("utf-8") if isinstance(text, bytes) else text for name, text in found if name == field}
