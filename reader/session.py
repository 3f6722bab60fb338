"""Session: what one reading session shows (query, entity filters, sort, view, rows, the user's
marks), in plain Python: the app's screen binds to it, and its rules are tested without a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from reader.listing import Rows

ENTITY_FIELDS = {"person": "person", "organization": "org", "place": "place"}
"""Entity type → the search field that filters by it (anything else: `entity`)."""
VIEWS = ("all", "unread", "starred")
"""What the list keeps, in the order a key steps through them (newsboat's `l`, notmuch's tag:unread)."""
SORTS = ("relevance", "date")
"""A search's order: the best first (then the rest newest first), or newest first."""


def filter_term(kind: str, name: str) -> str:
    """An entity filter as a query part: `person:"Casey Wasserman"` (a quote inside the name dropped)."""
    return f'{ENTITY_FIELDS.get(kind, "entity")}:"{name.replace(chr(34), "")}"'


class Session:
    """The state of one reading session. Front ends change it through these methods, which say whether
    anything changed, run the searches it names (`query`) and give it the rows that came back (`show`).

    The rows are kept as they came until the next `show`: an article read in the unread view stays listed
    (and the cursor with it) until the query, the filters or the view change, as in newsboat.
    """

    def __init__(self, read: Sequence[str] = (), starred: Sequence[str] = ()) -> None:
        self.typed = ""
        """The query as typed, live."""
        self.kept = ""
        """The query as of the last Enter (Escape goes back to it)."""
        self.filters: list[tuple[str, str]] = []
        """Entity filters, (type, name), in the order chosen."""
        self.spans: list[tuple[str, str]] = []
        """Date ranges (first and last day, ISO) narrowed to on the timeline, each inside the one before."""
        self._chosen: list[str] = []
        """"filter" or "span" for each of those, in the order chosen: what `drop_last` takes back."""
        self.sort = "relevance"
        self.view = "all"
        self.all_rows: Rows = Rows.of([])
        """Every article, newest first."""
        self.rows: Rows = Rows.of([])
        """What the list shows."""
        self.rows_query: str | None = None
        """The query `rows` answer ("" for every article); None before the first rows came."""
        self.read: set[str] = set(read)
        self.starred: set[str] = set(starred)
        self.copies: set[str] = set()
        """Articles with wire copies (once the copy stage has run)."""

    # --- what the list is ------------------------------------------------------------------------------
    @property
    def query(self) -> str:
        """The full query the list answers: the typed words, every entity filter, the view (`is:unread`)."""
        parts = [self.typed] if self.typed else []
        parts += [filter_term(kind, name) for kind, name in self.filters]
        if self.spans:
            parts.append("date:[{} to {}]".format(*self.spans[-1]))
        if self.view != "all":
            parts.append(f"is:{self.view}")
        return " ".join(parts)

    @property
    def searching(self) -> bool:
        """True when the list needs the index (words, filters, a date range); a view alone filters here."""
        return bool(self.typed or self.filters or self.spans)

    def describe_filters(self) -> tuple[str, ...]:
        """The entity filters as the status line writes them: `person:Casey Wasserman`."""
        spans = ("date:{}..{}".format(*self.spans[-1]),) if self.spans else ()
        return tuple(f"{ENTITY_FIELDS.get(kind, 'entity')}:{name}" for kind, name in self.filters) + spans

    def describe(self) -> str:
        """The list in words for the export dialog: `ferry person:Jones is:unread`; "" for every article."""
        parts = [self.typed] if self.typed else []
        parts += self.describe_filters()
        if self.view != "all":
            parts.append(f"is:{self.view}")
        return " ".join(parts)

    @property
    def current_rows_stale(self) -> bool:
        """The rows still answer an older query (a search is on its way)."""
        return self.rows_query != self.query

    # --- changes -----------------------------------------------------------------------------------------
    def type(self, text: str) -> bool:
        text = text.strip()
        changed, self.typed = text != self.typed, text
        return changed

    def keep(self) -> None:
        self.kept = self.typed

    def add_filter(self, kind: str, name: str) -> bool:
        if (kind, name) in self.filters:
            return False
        self.filters.append((kind, name))
        self._chosen.append("filter")
        return True

    def narrow_to(self, first: str, last: str) -> bool:
        """List only the days from `first` to `last` (a timeline cell), inside any range chosen before."""
        if self.spans and self.spans[-1] == (first, last):
            return False
        self.spans.append((first, last))
        self._chosen.append("span")
        return True

    def remove_filter(self, index: int = -1) -> tuple[str, str] | None:
        """Drop one entity filter (the last chosen by default); the one dropped, or None."""
        if not self.filters or not -len(self.filters) <= index < len(self.filters):
            return None
        self._chosen.reverse()
        self._chosen.remove("filter")  # which one does not matter: only the kinds' order is kept
        self._chosen.reverse()
        return self.filters.pop(index)

    def drop_last(self) -> str | None:
        """Take back the entity filter or date range chosen last; what it was, in words, or None."""
        if not self._chosen:
            return None
        if self._chosen.pop() == "span":
            return "date:{}..{}".format(*self.spans.pop())
        kind, name = self.filters.pop()
        return f"{ENTITY_FIELDS.get(kind, 'entity')}:{name}"

    def clear(self) -> bool:
        """Drop the query, every filter and date range (the view and the sort stay: they are how one reads)."""
        changed = bool(self.typed or self.kept or self.filters or self.spans)
        self.typed = self.kept = ""
        self.filters.clear()
        self.spans.clear()
        self._chosen.clear()
        return changed

    def clear_filters(self) -> bool:
        """Drop every entity filter (the sidebar's Escape)."""
        if not self.filters:
            return False
        self.filters.clear()
        self._chosen = [kind for kind in self._chosen if kind != "filter"]
        return True

    def run_saved(self, query: str) -> None:
        """A saved search replaces the typed query, the filters and any date range, as if typed and kept."""
        self.clear()
        self.typed = self.kept = query.strip()

    def next_view(self) -> str:
        self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        return self.view

    def toggle_sort(self) -> str:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        return self.sort

    # --- rows ----------------------------------------------------------------------------------------
    def listed_without_search(self, keep_listed: bool = False) -> Rows:
        """The rows when nothing needs the index: every article, kept to the view.

        Args:
            keep_listed: the same list read again (new articles came): those listed now stay in it, as
                they would have until the view changed (an article just read stays in the unread view).
        """
        if self.view == "all":
            return self.all_rows
        marked = self.read if self.view == "unread" else self.starred
        keep = self.view == "starred"
        listed = self.rows if keep_listed and self.rows_query == self.query else Rows.of([])
        return self.all_rows.subset(lambda article_id: (article_id in marked) == keep or article_id in listed)

    def show(self, rows: Rows, query: str) -> None:
        self.rows, self.rows_query = rows, query

    def unread_count(self) -> int:
        read = self.read
        return sum(1 for i in self.rows.ids if i not in read)

    def unread_listed(self) -> list[str]:
        """The listed articles not marked read, in list order (what "mark all listed read" marks)."""
        read = self.read
        return [i for i in self.rows.ids if i not in read]

    # --- marks ---------------------------------------------------------------------------------------
    def set_read(self, article_id: str, flag: bool) -> bool:
        """Mark one article read or unread here; True when that changed it."""
        changed = (article_id in self.read) != flag
        (self.read.add if flag else self.read.discard)(article_id)
        return changed

    def toggle_star(self, article_id: str) -> bool:
        """Star or unstar; the new flag."""
        flag = article_id not in self.starred
        (self.starred.add if flag else self.starred.discard)(article_id)
        return flag

    # --- moving --------------------------------------------------------------------------------------
    def neighbour(self, article_id: str | None, direction: int) -> str | None:
        """The article listed after (1) or before (-1) `article_id`, or None at either end or off the list."""
        index = self.rows.index_of(article_id) if article_id is not None else None
        if index is None:
            return None
        index += direction
        return self.rows.ids[index] if 0 <= index < len(self.rows.ids) else None

    def next_unread(self, start: int, direction: int) -> int | None:
        """The line of the first unread article from `start` on (inclusive) in `direction`, or None."""
        ids, read = self.rows.ids, self.read
        index = start
        while 0 <= index < len(ids):
            if ids[index] not in read:
                return index
            index += direction
        return None
