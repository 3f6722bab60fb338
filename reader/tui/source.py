"""What the TUI asks of the Library, in one place: an adapter until the Library offers these itself.

Every function here is plain Python (no Textual, no Rich) and runs inside worker threads.
Each one that reaches past `Library`'s public API says so; the lead moves them into `Library`
(see the report of issue 5) and this module then shrinks to one-line calls.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from reader.library import Library
from reader.models import Article, Entity, Mention, Overlap, Segment

ENTITY_FIELDS = {"person": "person", "organization": "org", "place": "place"}
"""Entity type → the search field that filters on it."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the article list: what it shows, nothing more (the text stays in the store)."""

    id: str
    title: str
    outlet: str | None
    date: str | None


@dataclass(frozen=True, slots=True)
class Alignment:
    """A pair diff as the diff screen draws it."""

    a: str
    b: str
    segments: tuple[Segment, ...]
    share_a: float
    share_b: float
    label: str


def listing(library: Library) -> list[Row]:
    """Every article, newest first, without parsing article bodies.

    Wanted in Library as `Library.listing() -> list[Row]`. Until then this reads the store's
    table with SQLite's json_extract: json-decoding 21k full articles would cost the launch.
    """
    rows = library.store.db.execute(
        "SELECT id, json_extract(data, '$.title'), outlet, date FROM articles "
        "ORDER BY date IS NULL, date DESC, id").fetchall()
    return [Row(i, t or i, o, d) for i, t, o, d in rows]


def search_ids(library: Library, query: str, limit: int | None = None) -> tuple[list[str], int, str | None]:
    """Ids matching `query`, best first, with the total and any notice about the query.

    Wanted in Library as `Library.search(..., snippets=False, limit=None)`: the list needs every
    id and no snippets (snippets load each article's body, far too slow for thousands of hits).
    """
    result = library.index.search(query, limit=limit, text_for=None)
    return [h.id for h in result.hits], result.total, result.notice


_FIELD = re.compile(r"\b(\w+):(\"[^\"]*\"|\[[^\]]*\]|\S+)")
_WORD = re.compile(r"\w+")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "TO", "to"}
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s", "ly", "er")


def query_terms(query: str) -> list[str]:
    """The words of a query that a reader expects highlighted (body and title words, not fields like date:).

    Wanted in Library as `Library.highlights(article, query) -> list[(start, end)]` using the
    index's own analyzer; until then a light suffix-stripping stem approximates Porter's.
    """
    words: list[str] = []
    for field, value in _FIELD.findall(query):
        if field in ("title", "body", "person", "org", "place", "entity", "outlet", "byline"):
            words += _WORD.findall(value)
    plain = _FIELD.sub(" ", query)
    words += [w for w in _WORD.findall(plain) if w not in _OPERATORS]
    stems = []
    for word in words:
        word = word.lower()
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        if word not in stems:
            stems.append(word)
    return stems


def term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each word of `text` that begins with one of the stems."""
    if not terms:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text)]


def mentions(library: Library, article: Article) -> list[Mention]:
    """Entity mentions of one article, offsets into `article.text`; empty until entities exist."""
    method = getattr(library, "mentions", None)
    if method is None:
        return []
    return list(method(article.id))


def has_entities(library: Library) -> bool:
    return callable(getattr(library, "entities", None))


def entity_counts(library: Library, query: str, limit: int = 40) -> dict[str, list[Entity]]:
    """People, organisations and places with article counts over the articles `query` matches (all if empty)."""
    out: dict[str, list[Entity]] = {t: [] for t in ENTITY_FIELDS}
    if not has_entities(library):
        return out
    for entity in library.entities(query=query or None):  # type: ignore[attr-defined]
        if entity.type in out:
            out[entity.type].append(entity)
    for kind in out:
        out[kind] = sorted(out[kind], key=lambda e: (-e.articles, -e.mentions, e.name))[:limit]
    return out


def enrich(library: Library, progress, should_stop) -> bool:
    """Run the entity stage where the Library has one; False when it has none."""
    method = getattr(library, "enrich", None)
    if method is None:
        return False
    method(progress, should_stop)
    return True


def with_copies(library: Library, progress=None) -> set[str]:
    """Ids of articles that share wire copy with another; empty until overlaps exist."""
    method = getattr(library, "overlaps", None)
    if method is None:
        return set()
    pairs, _families = method(progress=progress) if progress else method()
    return {x for p in pairs for x in (p.a, p.b)}


def copies_of(library: Library, article_id: str) -> list[Overlap]:
    method = getattr(library, "copies_of", None)
    return list(method(article_id)) if method is not None else []


def diff(library: Library, a: str, b: str) -> Alignment:
    """The aligned pair; the Library's Comparison (overlap + alignment) becomes a plain Alignment."""
    found = library.diff(a, b)  # type: ignore[attr-defined]
    alignment = getattr(found, "alignment", found)
    overlap = getattr(found, "overlap", found)
    return Alignment(a, b, tuple(alignment.segments), float(getattr(overlap, "share_a", 0.0)),
                     float(getattr(overlap, "share_b", 0.0)), str(getattr(overlap, "label", "")))


def word_marks(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the words that differ between two matched passages (a side, b side).

    Wanted from the overlap module (the design puts the word diff there); until then difflib here.
    """
    words_a = [m.span() for m in re.finditer(r"\S+", a)]
    words_b = [m.span() for m in re.finditer(r"\S+", b)]
    matcher = difflib.SequenceMatcher(a=[a[i:j] for i, j in words_a], b=[b[i:j] for i, j in words_b],
                                      autojunk=False)
    out_a: list[tuple[int, int]] = []
    out_b: list[tuple[int, int]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if i2 > i1:
            out_a.append((words_a[i1][0], words_a[i2 - 1][1]))
        if j2 > j1:
            out_b.append((words_b[j1][0], words_b[j2 - 1][1]))
    return out_a, out_b
