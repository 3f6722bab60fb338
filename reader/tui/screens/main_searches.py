"""MainSearches: saved searches on the main screen (S saves the search; the sidebar lists, runs, deletes them)."""

from __future__ import annotations

import sqlite3

from textual.timer import Timer

from reader import searches
from reader.errors import WireError
from reader.library import Library
from reader.searches import SavedSearch
from reader.session import Session
from reader.state import State
from reader.textsafe import inert
from reader.tui.keys import key_shown
from reader.tui.messages import SearchesCounted
from reader.tui.widgets import ArticleList, EntitySidebar, SearchBar, StatusBar

RECOUNT_DELAY = 1.0
"""Seconds after the last read mark changed before the saved searches are counted again: a run of
r, n, Enter costs one count, not one per key."""


class MainSearches:
    """Mixed into MainScreen, which provides the panes, the `session`, `refilter`, `_layout` and the worker
    `count_searches`."""

    library: Library
    state: State
    session: Session
    _recount: Timer | None = None
    """The pending recount after read marks changed (a new change restarts it)."""
    _saved: tuple[SavedSearch, ...] = ()
    """The saved searches as last counted (what the sidebar lists)."""

    def action_save_search(self) -> None:
        """`S`: save the search shown (the typed query and the entity filters) under a name asked for."""
        from reader.tui.screens.save_search import SaveSearchDialog, offered_name  # a pushed screen

        query = self.session.query
        if not query:
            self.notify(f"Search first ({key_shown(self, 'main.search')}), then {key_shown(self, 'main.save_search')} "
                        "saves it", timeout=3, markup=False)
            return
        name = self.session.typed or " ".join(name for _kind, name in self.session.filters) or self.session.view

        def saved(stored: str | None) -> None:
            if stored:
                # markup=False: the name is the user's text, shown as typed ("[bold]x[/]" stays that).
                self.notify(f"Saved search '{inert(stored)}'", timeout=3, markup=False)
                self.count_searches()

        self.app.push_screen(SaveSearchDialog(self.state, query, offered_name(name)), saved)

    def on_searches_counted(self, message: SearchesCounted) -> None:
        if message.error:
            self.query_one(StatusBar).notice = message.error
            return
        self._saved = tuple(message.searches)
        self._show_saved()

    def _show_saved(self) -> None:
        hint = f"{key_shown(self, 'main.save_search')} saves one"  # after "Searches (0)": 25 columns, the pane's width
        self.query_one(EntitySidebar).show_searches(list(self._saved), hint)

    def recount_searches_soon(self) -> None:
        """Count the saved searches again once read marks stop changing for RECOUNT_DELAY seconds."""
        if self._recount is not None:
            self._recount.stop()
        self._recount = self.set_timer(RECOUNT_DELAY, lambda: self.count_searches())

    def on_entity_sidebar_search_chosen(self, message: EntitySidebar.SearchChosen) -> None:
        """Run a saved search: its query replaces the typed one and the entity filters, as if typed and kept."""
        self.session.run_saved(message.query)
        # Setting the bar posts Input.Changed, which runs the same query again: the search worker is
        # exclusive, so only one result comes back.
        self.query_one(SearchBar).value = message.query
        self.refilter()
        self.set_focus(self.query_one(ArticleList))
        self._layout()

    def on_entity_sidebar_search_deleted(self, message: EntitySidebar.SearchDeleted) -> None:
        try:
            searches.delete(self.state, message.name)
        except (WireError, sqlite3.Error) as exc:  # e.g. deleted meanwhile by another wire on this state
            self.notify(inert(" ".join(str(exc).split())), severity="warning", timeout=5, markup=False)
        else:
            self.notify(f"Deleted saved search '{inert(message.name)}'", timeout=3, markup=False)
            self._saved = tuple(s for s in self._saved if s.name != message.name)
            self._show_saved()  # gone at once; the recount below confirms it
        self.count_searches()
