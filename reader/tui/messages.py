"""Messages that workers post to the UI: plain dataclasses, one per kind of finished (or progressing) work."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from reader.listing import Rows
from reader.models import Article, Entity, Mention, Overlap, SyncReport
from reader.searches import SavedSearch
from reader.tui.source import Alignment


@dataclass
class ListingLoaded(Message):
    """Every article, as a list read a page at a time, and the user's marks (from the state file)."""

    rows: Rows
    read: set[str]
    starred: set[str]
    outlets: int = 2
    """How many outlets the corpus names, counted up to 2: with one, the list has no outlet column."""
    generation: str = ""
    """The store's generation the rows were read at: a sync by anyone that changes it calls for a reload."""
    arrived: int = 0
    """Articles listed now that the previous listing did not have (0 for the first one)."""
    removed: int = 0
    """Articles the previous listing had that are gone."""


@dataclass
class SyncProgressed(Message):
    """A sync stage advanced (`reading`, `indexing`, `committing`)."""

    stage: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        # A flood of progress ticks collapses into the newest one.
        return isinstance(message, SyncProgressed)


@dataclass
class CorpusChanged(Message):
    """The watched corpus folder changed (`files` added, changed or removed, quiet since): a sync is due."""

    files: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CorpusChanged)  # one sync answers any number of them


@dataclass
class WatchChanged(Message):
    """The watch of the corpus folder started (`watching`), or stopped for `error` (one line)."""

    watching: bool
    error: str | None = None


@dataclass
class SyncFinished(Message):
    """A background stage ended: `report` for the text sync, `error` (one line) on failure."""

    report: SyncReport | None
    error: str | None = None
    stage: str = "sync"
    """sync (text indexed), entities (NER done) or enrich (entities/copies failed)."""


@dataclass
class SearchFinished(Message):
    """Results of one search, ids best first (`query` is the full query, entity filters included)."""

    query: str
    ids: list[str]
    total: int
    notice: str | None = None
    sort: str = "relevance"


@dataclass
class MentionsLoaded(Message):
    """The entity mentions of an article already shown (the merged entities took longer to load)."""

    article_id: str
    mentions: list[Mention]


@dataclass
class ArticleLoaded(Message):
    """An article and what the reading view highlights in it."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    matches: list[tuple[int, int]] = field(default_factory=list)
    """(start, end) in `article.text` of the words the current search matches."""
    tags: list[str] = field(default_factory=list)
    """The user's tags of the article."""
    note: str | None = None
    """The user's note on the article."""


@dataclass
class EntitiesCounted(Message):
    """Sidebar counts (type → entities) over the current results."""

    counts: dict[str, list[Entity]]
    query: str
    available: bool = True
    """False while NER has not run yet (the sidebar says so instead of showing empty lists)."""


@dataclass
class CopiesFound(Message):
    """Ids of the articles that share wire copy with another."""

    ids: set[str]


@dataclass
class CopiesListed(Message):
    """The wire copies of one article (for `d`: one opens the diff, several open a chooser; with `shown`,
    for the reading view's list of them)."""

    article_id: str
    overlaps: list[Overlap]
    shown: bool = False


@dataclass
class DiffReady(Message):
    """An aligned pair for the diff screen, or why there is none."""

    alignment: Alignment | None
    titles: tuple[str, str] = ("", "")
    names: tuple[list[str], list[str]] = ([], [])
    """Entity names only A mentions, and only B."""
    error: str | None = None


@dataclass
class ExportFinished(Message):
    """The list written to a file (`count` articles to `path`, resolved), or why not (`error`, one line)."""

    path: str
    count: int = 0
    error: str | None = None


@dataclass
class SearchesCounted(Message):
    """Every saved search with its counts as of now, by name; or why they could not be counted (`error`)."""

    searches: list[SavedSearch]
    error: str | None = None


@dataclass
class FeedsFetched(Message):
    """A fetch of the corpus's feeds finished: `new` items written from `feeds` feeds, `failed` of them failed
    (`first_error`: "name: reason" of one); or it could not start (`error`: no feeds, a read-only corpus)."""

    new: int = 0
    feeds: int = 0
    failed: int = 0
    first_error: str | None = None
    error: str | None = None
