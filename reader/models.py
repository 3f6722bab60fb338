"""Frozen dataclasses shared by every layer: articles, hits, entities, overlaps, diff segments."""

from __future__ import annotations

from dataclasses import dataclass, field

PARAGRAPH_SEP = "\n\n"
"""Paragraphs are joined with a blank line; character offsets (mentions, highlights) count it."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of an article's clean text."""

    text: str
    boilerplate: bool = False
    """True for text that is not the article (donation appeals, sign-ups, captions): shown dimmed, never searched."""

    def __reduce__(self):
        # Pickled as a constructor call: dataclasses' own __setstate__ for slots calls fields() per object,
        # most of the main process's cost of taking a first build's parsed articles from its readers.
        return Paragraph, (self.text, self.boilerplate)


def version_label(version: int | None, story: str | None) -> str | None:
    """"version 2 (update) of story KEY" for agency copy that says its version, else None."""
    if version is None and not story:
        return None
    kind = "update" if (version or 1) > 1 else "first version"
    number = f"version {version} ({kind})" if version is not None else "version unknown"
    return f"{number} of story {story}" if story else number


@dataclass(frozen=True, slots=True)
class Article:
    """A parsed article. Raw bytes on disk are never altered; this is the cleaned view of them."""

    id: str
    """Corpus-relative path, or `path#record` for JSONL: stable and typable."""
    path: str
    """Corpus-relative path of the file the article came from."""
    title: str
    paragraphs: tuple[Paragraph, ...]
    sha256: str
    """sha256 of the article's raw bytes (the file, or the JSONL line)."""
    outlet: str | None = None
    byline: str | None = None
    date: str | None = None
    """ISO 8601 date (YYYY-MM-DD) or None when unknown."""
    url: str | None = None
    tags: tuple[str, ...] = ()
    version: int | None = None
    """The story's version number when the file says (NewsML-G2 `version`, NITF `du-key`): 2 and up is an
    update of an earlier article with the same `story`."""
    story: str | None = None
    """The key a story's versions share (NewsML-G2 guid, NITF du-key or doc-id), or None."""

    def __reduce__(self):  # as Paragraph's
        return Article, (self.id, self.path, self.title, self.paragraphs, self.sha256, self.outlet, self.byline,
                         self.date, self.url, self.tags, self.version, self.story)

    @property
    def text(self) -> str:
        """Every paragraph, boilerplate included: the text that offsets refer to."""
        return PARAGRAPH_SEP.join(p.text for p in self.paragraphs)

    @property
    def body(self) -> str:
        """The reporting only (no boilerplate): what is searched, compared and sent to NER."""
        return PARAGRAPH_SEP.join(p.text for p in self.paragraphs if not p.boilerplate)

    @property
    def version_label(self) -> str | None:
        """"version 2 (update) of story KEY" for agency copy that says its version, else None."""
        return version_label(self.version, self.story)

    @property
    def words(self) -> int:
        return len(self.body.split())

    def paragraph_starts(self) -> list[int]:
        """Offset of each paragraph in `text`."""
        starts, pos = [], 0
        for p in self.paragraphs:
            starts.append(pos)
            pos += len(p.text) + len(PARAGRAPH_SEP)
        return starts

    def to_dict(self) -> dict:
        """The article part of `wire show --json` (entities are added by the library)."""
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "outlet": self.outlet,
            "byline": self.byline,
            "date": self.date,
            "url": self.url,
            "version": self.version,
            "story": self.story,
            "text": self.text,
            "paragraphs": [{"text": p.text, "boilerplate": p.boilerplate} for p in self.paragraphs],
        }


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One line of an article list: what a list shows, without the text."""

    id: str
    title: str
    outlet: str | None
    date: str | None


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result, detached from Whoosh."""

    id: str
    title: str
    outlet: str | None
    date: str | None
    score: float
    snippet: str
    """Plain text around the best matching passage."""
    marks: tuple[tuple[int, int], ...] = ()
    """(start, end) of each matched term inside `snippet`, for front ends to emphasise."""

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "date": self.date,
            "score": round(self.score, 4),
            "snippet": self.snippet,
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits for one query."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    notice: str | None = None
    """Set when the query could not be parsed as written and was searched as plain words."""

    def to_dict(self) -> dict:
        return {"query": self.query, "total": self.total, "hits": [h.to_dict() for h in self.hits]}


@dataclass(frozen=True, slots=True)
class Matches:
    """Every article a query matches, in order (best or newest first), as ids: a list view's rows."""

    query: str
    ids: list[str]
    notice: str | None = None
    """As SearchResult.notice."""


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention: character offsets into `Article.text`."""

    start: int
    end: int
    text: str
    type: str
    """person | organization | place"""

    def __reduce__(self):
        # A constructor call, as Paragraph: a merged entity table on disk holds a corpus's every mention.
        return Mention, (self.start, self.end, self.text, self.type)


@dataclass(frozen=True, slots=True)
class Entity:
    """A merged entity: a canonical name and every spelling found for it."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    articles: int = 0
    mentions: int = 0

    def __reduce__(self):
        return Entity, (self.name, self.type, self.aliases, self.articles, self.mentions)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "articles": self.articles,
            "mentions": self.mentions,
        }


@dataclass(frozen=True, slots=True)
class Segment:
    """One aligned piece of a pair diff: kind is same | changed | a_only | b_only."""

    kind: str
    a: str
    b: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "a": self.a, "b": self.b}


@dataclass(frozen=True, slots=True)
class Overlap:
    """Two articles that share wire copy, with the reused share of each side."""

    a: str
    b: str
    share_a: float
    share_b: float
    shared_words: int
    label: str
    """wholly | partially | non (derived), decided on the `derived` side: see reader.overlap.label."""
    derived: str | None = None
    """"a" or "b": the side taken as the copy (the later dated; else the one that reuses more)."""

    def other(self, article_id: str) -> str:
        """The pair's other article, seen from `article_id`."""
        return self.b if self.a == article_id else self.a

    def share_of(self, article_id: str) -> float:
        """The reused share of `article_id`'s side."""
        return self.share_a if self.a == article_id else self.share_b

    @property
    def derived_share(self) -> float:
        """The share of the copy's words reused: the one the label speaks of."""
        return self.share_a if self.derived == "a" else self.share_b if self.derived == "b" else \
            max(self.share_a, self.share_b)

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "share_a": round(self.share_a, 4),
            "share_b": round(self.share_b, 4),
            "shared_words": self.shared_words,
            "label": self.label,
            "derived": self.derived,
        }


@dataclass(frozen=True, slots=True)
class Family:
    """A connected group of overlapping articles; `original` is the earliest dated one, if dates decide."""

    articles: tuple[str, ...]
    original: str | None
    versions: dict[str, tuple[int | None, str | None]] = field(default_factory=dict, hash=False)
    """(version, story) of the members whose files say (agency copy: NewsML-G2, NITF), so that a family
    shows which of its articles are a story's updates."""

    def to_dict(self) -> dict:
        return {"articles": list(self.articles), "original": self.original,
                "versions": {i: {"version": v, "story": s} for i, (v, s) in self.versions.items()}}


@dataclass(slots=True)
class SyncReport:
    """What a sync did: the `wire index --json` object."""

    articles: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    synced_at: float | None = None
    """When the store was last brought up to date with the folder (Unix time), for `--no-sync`'s note."""

    def to_dict(self) -> dict:
        return {
            "articles": self.articles,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
        }
