"""The Whoosh index: schema, writing, searching. The only module that imports whoosh."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import highlight, index, qparser
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import NullQuery

from reader.models import Article, Hit, SearchResult

SCHEMA_VERSION = "1"
"""Bump when the schema or what goes into it changes: an index of another version is rebuilt."""
ENTITY_FIELDS = ("person", "org", "place", "entity")
DEFAULT_FIELDS = ("title", "body")


def make_schema() -> Schema:
    """Title and body stemmed (English Porter; harmless on other scripts), names unstemmed."""
    stem = StemmingAnalyzer()
    names = StandardAnalyzer(stoplist=None)
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True, analyzer=stem, field_boost=2.0),
        body=TEXT(analyzer=stem),
        # Boilerplate is searchable only when asked for by name (`boilerplate:newsletter`).
        boilerplate=TEXT(analyzer=stem),
        outlet=TEXT(stored=True, analyzer=names),
        byline=TEXT(stored=True, analyzer=names),
        date=DATETIME(),
        # YYYYMMDD, 0 when undated, so a newest-first sort puts undated articles last.
        day=NUMERIC(stored=True, sortable=True, bits=32, signed=False),
        tags=KEYWORD(lowercase=True, commas=True, scorable=True),
        person=TEXT(analyzer=names),
        org=TEXT(analyzer=names),
        place=TEXT(analyzer=names),
        entity=TEXT(analyzer=names),
    )


def article_fields(article: Article, entity_terms: dict[str, list[str]] | None = None) -> dict:
    """The document Whoosh stores for one article. Entity fields hold canonical names and aliases."""
    doc = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "day": int(article.date.replace("-", "")) if article.date else 0,
    }
    junk = "\n\n".join(p.text for p in article.paragraphs if p.boilerplate)
    if junk:
        doc["boilerplate"] = junk
    for key in ("outlet", "byline"):
        if getattr(article, key):
            doc[key] = getattr(article, key)
    if article.date:
        doc["date"] = dt.datetime.fromisoformat(article.date)
    if article.tags:
        doc["tags"] = ",".join(article.tags)
    for key, names in (entity_terms or {}).items():
        if names:
            # A separator no name contains keeps phrase queries from matching across two names.
            doc[key] = " \u2029 ".join(names)
    return doc


class Index:
    """One corpus's index, on disk (or in memory when `path` is None, for tests)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._ix = self._open()

    def _open(self) -> index.Index:
        if self.path is None:
            return RamStorage().create_index(make_schema())
        marker = self.path / "wire-schema"
        try:
            if marker.is_file() and marker.read_text() == SCHEMA_VERSION and index.exists_in(str(self.path)):
                ix = index.open_dir(str(self.path))
                ix.doc_count()  # reads the TOC and segments: a torn index fails here, not later
                return ix
        except Exception:  # noqa: BLE001 — any damage to derived data means: rebuild it
            pass
        return self._create()

    def _create(self) -> index.Index:
        assert self.path is not None
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(self.path), make_schema())
        (self.path / "wire-schema").write_text(SCHEMA_VERSION)
        return ix

    def clear(self) -> None:
        """Drop everything (a rebuild)."""
        self._ix = RamStorage().create_index(make_schema()) if self.path is None else self._create()

    def doc_count(self) -> int:
        return self._ix.doc_count()

    @contextmanager
    def writer(self, bulk: bool = False) -> Iterator[_Writer]:
        """A writer that commits on success and cancels on any exception (Ctrl-C included).

        Args:
            bulk: many documents at once: two indexing processes, each writing its own
                segment, instead of one (no merge at commit; later small syncs merge them).
        """
        options = {"limitmb": 256}
        if bulk and self.path is not None:
            options.update(procs=2, multisegment=True)
        w = self._ix.writer(**options)
        try:
            yield _Writer(w, bulk)
        except BaseException:
            w.cancel()
            raise
        else:
            w.commit()

    def search(self, query: str, limit: int = 20, sort: str = "relevance",
               text_for: Callable[[str], str] | None = None, filter_query: str | None = None) -> SearchResult:
        """Search; Whoosh objects are turned into `Hit`s before the searcher closes.

        Args:
            query: the user's query, in Whoosh syntax; one that does not parse is searched as words.
            text_for: article id → body text, for the snippet (the index does not store bodies).
            filter_query: a second query (e.g. a date range) that restricts without scoring.
        """
        parsed, notice = self._parse(query)
        if parsed is None:
            return SearchResult(query, 0, (), notice)
        with self._ix.searcher() as searcher:
            options = {"limit": limit, "terms": True}
            if sort == "date":
                options.update(sortedby="day", reverse=True)
            if filter_query:
                filt, _ = self._parse(filter_query)
                if filt is not None:
                    options["filter"] = filt
            results = searcher.search(parsed, **options)
            results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
            results.formatter = _MarkFormatter()
            hits = []
            for hit in results:
                doc_id = hit["id"]
                snippet, marks = "", ()
                if text_for is not None:
                    text = text_for(doc_id)
                    snippet = hit.highlights("body", text=text, top=2) if text else ""
                    snippet, marks = _MarkFormatter.unpack(snippet) if snippet else (_lede(text), ())
                day = hit.get("day") or 0
                date = f"{day // 10000:04d}-{day // 100 % 100:02d}-{day % 100:02d}" if day else None
                hits.append(Hit(doc_id, hit.get("title", ""), hit.get("outlet"), date,
                                float(hit.score or 0.0), snippet, marks))
            return SearchResult(query, len(results), tuple(hits), notice)

    def _parse(self, query: str) -> tuple[object | None, str | None]:
        """Parse with Whoosh's syntax; fall back to plain words, with a notice, when that fails."""
        parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), self._ix.schema)
        problem = _syntax_problem(query)
        if problem is None:
            try:
                parsed = parser.parse(query)
            except Exception as exc:  # noqa: BLE001 — Whoosh raises assorted errors on odd input
                problem = f"could not read the query ({type(exc).__name__})"
            else:
                if parsed is not NullQuery:
                    return parsed, None
                problem = "the query holds no words, only operators or stop words"
        words = [w for w in re.findall(r"\w+", query) if w not in ("AND", "OR", "NOT", "ANDNOT")]
        plain = qparser.MultifieldParser(list(DEFAULT_FIELDS), self._ix.schema)
        plain.remove_plugin_class(qparser.FieldsPlugin)
        parsed = plain.parse(" ".join(words)) if words else NullQuery
        if parsed is NullQuery:
            return None, f"{problem}: nothing to search for"
        return parsed, f"{problem}: searched as plain words: {' '.join(words)}"


def _syntax_problem(query: str) -> str | None:
    """Whoosh silently guesses on unbalanced input; say what was wrong instead."""
    if query.count('"') % 2:
        return "unbalanced quote"
    depth = 0
    for ch in query:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        return "unbalanced parenthesis"
    if re.search(r"(?:^|\s)\w+:(?:\s|$)", query):
        return "a field name with nothing after it"
    return None


def _lede(text: str, size: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + "…"


class _MarkFormatter(highlight.Formatter):
    """Wraps matched terms in private-use characters so they can become (start, end) marks."""

    OPEN, CLOSE = "\ue000", "\ue001"
    between = " … "

    def format_token(self, text, token, replace=False):  # noqa: D102 — Whoosh's signature
        return f"{self.OPEN}{highlight.get_text(text, token, replace)}{self.CLOSE}"

    @classmethod
    def unpack(cls, marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
        plain: list[str] = []
        marks, start = [], 0
        for ch in marked.strip():
            if ch == cls.OPEN:
                start = len(plain)
            elif ch == cls.CLOSE:
                marks.append((start, len(plain)))
            elif ch.isspace():
                if plain and plain[-1] != " ":  # paragraph breaks and runs of spaces become one space
                    plain.append(" ")
            else:
                plain.append(ch)
        return "".join(plain), tuple(marks)


class _Writer:
    """Adds, replaces and deletes articles; hides whether this is a bulk build."""

    def __init__(self, writer, bulk: bool) -> None:
        self._w = writer
        self._bulk = bulk

    def add(self, article: Article, entity_terms: dict[str, list[str]] | None = None) -> None:
        """Add a new article (no delete-before-add: the id is known to be absent)."""
        self._w.add_document(**article_fields(article, entity_terms))

    def replace(self, article: Article, entity_terms: dict[str, list[str]] | None = None) -> None:
        self._w.update_document(**article_fields(article, entity_terms))

    def delete(self, article_id: str) -> None:
        self._w.delete_by_term("id", article_id)
