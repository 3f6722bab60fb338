"""Rows: an article list of any length whose lines are read from the store a page at a time, as they are drawn."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence

from reader.models import ArticleRow

PAGE = 200
"""Lines read at once: a screen or two, so scrolling a page costs one small query."""
PAGES_KEPT = 64
"""Pages kept in memory (12,800 lines): jumping back and forth in a long list reads nothing again."""


class Rows(Sequence[ArticleRow]):
    """The articles `ids` names, in that order; `rows[i]` reads the page holding line i when first asked.

    A list of 100,000 articles is its ids (a few MB, loaded in a few tens of ms) and the pages drawn so
    far, not 100,000 row objects: the first screen does not wait for the whole list, and a search with
    10,000 hits costs its ids, not 10,000 stored-field reads.

    Args:
        ids: the article ids, in list order.
        fetch: ids → their ArticleRows (any order; an id the store no longer has is left out).
        dates: the articles' dates in list order, or ids → those dates (for a timeline of a long list
            without reading every line); None: from the lines themselves.
    """

    def __init__(self, ids: Sequence[str], fetch: Callable[[Sequence[str]], list[ArticleRow]],
                 dates: Callable[[Sequence[str]], list[str | None]] | Sequence[str | None] | None = None) -> None:
        self.ids = ids
        self._fetch = fetch
        self._dates = dates
        self._pages: OrderedDict[int, list[ArticleRow]] = OrderedDict()
        self._positions: dict[str, int] | None = None
        self._lock = threading.Lock()  # drawn on the UI thread, walked by workers (export, next unread)

    @classmethod
    def of(cls, rows: Sequence[ArticleRow]) -> Rows:
        """Rows already in memory (tests, a short list)."""
        by_id = {row.id: row for row in rows}
        return cls([row.id for row in rows], lambda ids: [by_id[i] for i in ids if i in by_id],
                   [row.date for row in rows])

    def subset(self, keep: Callable[[str], bool]) -> Rows:
        """The articles of this list `keep` accepts, in the same order, read from the same store."""
        kept = [keep(i) for i in self.ids]
        dates = self._dates
        if dates is not None and not callable(dates):
            dates = [d for d, k in zip(dates, kept, strict=True) if k]
        return Rows([i for i, k in zip(self.ids, kept, strict=True) if k], self._fetch, dates)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.ids)))]
        if index < 0:
            index += len(self.ids)
        if not 0 <= index < len(self.ids):
            raise IndexError(index)
        number = index // PAGE
        with self._lock:
            page = self._pages.get(number)
            if page is None:
                page = self._read(number)
            else:
                self._pages.move_to_end(number)
        return page[index - number * PAGE]

    def __iter__(self) -> Iterator[ArticleRow]:
        for i in range(len(self.ids)):
            yield self[i]

    def _read(self, number: int) -> list[ArticleRow]:
        wanted = self.ids[number * PAGE:(number + 1) * PAGE]
        found = {row.id: row for row in self._fetch(wanted)}
        # An id whose article went between the listing and the drawing (a sync removed its file) still
        # takes its line, marked so, until the list is reloaded: positions must not shift under the cursor.
        page = [found.get(i) or ArticleRow(i, "(no longer in the corpus)", None, None) for i in wanted]
        self._pages[number] = page
        if len(self._pages) > PAGES_KEPT:
            self._pages.popitem(last=False)
        return page

    def dates(self) -> list[str | None]:
        """Every listed article's date (ISO, or None), in list order."""
        if self._dates is None:
            return [row.date for row in self]
        if callable(self._dates):
            self._dates = self._dates(self.ids)
        return list(self._dates)

    def index_of(self, article_id: str) -> int | None:
        """The line of an article, or None (the positions are mapped once, on first use)."""
        if self._positions is None:
            self._positions = {i: n for n, i in enumerate(self.ids)}
        return self._positions.get(article_id)

    def __eq__(self, other) -> bool:
        if isinstance(other, Rows):
            return list(self.ids) == list(other.ids)
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment] — a list: compared by content, not hashable

    def __contains__(self, item) -> bool:
        return self.index_of(item.id if isinstance(item, ArticleRow) else item) is not None

    def nearest(self, index: int, other: Rows) -> int | None:
        """Where in `other` (this list read again) the cursor goes when the article on line `index` here has
        gone from it: to the nearest that has not, the next one down first (as mutt after a delete)."""
        ids = self.ids
        for distance in range(1, max(index + 1, len(ids) - index)):
            for line in (index + distance, index - distance):
                if 0 <= line < len(ids) and (found := other.index_of(ids[line])) is not None:
                    return found
        return None

    def get(self, article_id: str) -> ArticleRow | None:
        """The row of an article in this list, or None."""
        index = self.index_of(article_id)
        return self[index] if index is not None else None
