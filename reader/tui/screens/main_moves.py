"""MainMoves: the reading moves on the main screen: the view (l), mark all listed read (A), the sort (O),
next/previous article (J/K), an article's URL (o opens, y copies), dropping one filter (Backspace) and the
timeline narrowing the list to a day, week or month (Enter on it)."""

from __future__ import annotations

import os
import shlex
import subprocess
import time

from reader.library import Library
from reader.session import Session
from reader.state import State
from reader.textsafe import inert, openable_url
from reader.tui.keys import key_shown
from reader.tui.widgets import ArticleList, ReadingView, StatusBar

CONFIRM_WINDOW = 3.0
"""Seconds in which a second A confirms marking many articles read."""
BROWSER_TIMEOUT = 600
"""A browser run from the app (the terminal handed to it) gets this long before the app takes it back."""


class MainMoves:
    """Mixed into MainScreen, which provides the panes, the `session`, `refilter`, `open_article`, `_target`
    (MainActions) and `recount_searches_soon` (MainSearches)."""

    library: Library
    state: State
    session: Session
    current_article_id: str | None
    reading: bool
    _confirm_all: float = 0.0
    """When A last asked to be pressed again (monotonic seconds)."""

    def action_next_view(self) -> None:
        """`l`: every article, then the unread ones, then the starred ones (`is:unread` in the query)."""
        view = self.session.next_view()
        self.refilter(debounce=False)
        self.notify({"all": "Every article", "unread": "Unread articles only",
                     "starred": "Starred articles only"}[view], timeout=2)

    def action_toggle_sort(self) -> None:
        """`O`: a search's hits by relevance or newest first; the full list is always newest first."""
        if not self.session.searching:
            self.notify("Every article is listed newest first; the order applies to a search.", timeout=3)
            return
        sort = self.session.toggle_sort()
        self.refilter(debounce=False)
        self.notify("Newest first" if sort == "date" else "Best matches first", timeout=2)

    def action_mark_all_read(self) -> None:
        """`A`: mark every listed article read (more than one: press A again to confirm)."""
        if self.session.current_rows_stale:
            self.notify("Still searching: mark once the list is shown.", timeout=3)
            return
        unread = self.session.unread_listed()
        if not unread:
            self.notify("Every article listed is read.", timeout=2)
            return
        now = time.monotonic()
        if len(unread) > 1 and now - self._confirm_all > CONFIRM_WINDOW:
            self._confirm_all = now
            self.notify(f"Press {key_shown(self, 'main.mark_all_read')} again to mark {len(unread):,} articles read.",
                        timeout=CONFIRM_WINDOW)
            return
        self._confirm_all = 0.0
        self.state.mark_all_read(unread)  # one transaction: all of them or none
        for article_id in unread:
            self.session.set_read(article_id, True)
        articles = self.query_one(ArticleList)
        articles.set_marks(self.session.read, self.session.starred)
        self.query_one(StatusBar).unread = self.session.unread_count()
        self.recount_searches_soon()
        self.notify(f"Marked {len(unread):,} article{'s' if len(unread) != 1 else ''} read.", timeout=3)

    def action_next_article(self, direction: int) -> None:
        """`J`/`K`: open the next (previous) article of the list, from the reading view or the list."""
        articles = self.query_one(ArticleList)
        reading = self.reading or self.query_one(ReadingView).has_focus_within
        here = self.current_article_id if reading and self.current_article_id else articles.current_id
        there = self.session.neighbour(here, direction)
        if there is None:
            self.notify("No more articles" + (" below." if direction > 0 else " above."), timeout=2)
            return
        articles.move_to(there)
        self.open_article(there)

    def _url(self) -> str | None:
        """The URL of the article keys act on, if it has one that may be opened; else says why (None)."""
        target = self._target()
        if target is None:
            return None
        url = self.library.article(target).url
        if not url:
            self.notify("This article has no URL (front matter `url:`, a JSON `url`).", timeout=3)
            return None
        if openable_url(url) is None:
            self.notify(f"Not an http(s) address: {inert(url)[:200]}", severity="warning", timeout=5, markup=False)
            return None
        return url

    def action_copy_url(self) -> None:
        """`y`: copy the URL to the clipboard of the terminal in front of the user (OSC 52: works over SSH)."""
        if (url := self._url()) is not None:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url} (if your terminal allows OSC 52 clipboard writes)", timeout=4, markup=False)

    def action_open_url(self) -> None:
        """`o`: open the URL in $BROWSER (the terminal handed over while it runs: a text browser works too);
        without $BROWSER (usual over SSH) copy it instead, as `y` does."""
        if (url := self._url()) is None:
            return
        browser = os.environ.get("BROWSER", "").strip()
        if not browser:
            self.app.copy_to_clipboard(url)
            self.notify(f"No $BROWSER set: copied {url} instead (OSC 52)", timeout=5, markup=False)
            return
        try:
            command = [*shlex.split(browser), url]  # no shell: the URL is one argument, never parsed
        except ValueError:
            self.notify("$BROWSER is not a command line wire can read.", severity="warning", timeout=4)
            return
        try:
            with self.app.suspend():
                subprocess.run(command, stdin=None, timeout=BROWSER_TIMEOUT, check=False)
        except Exception as exc:  # noqa: BLE001 — a missing browser, a terminal that cannot be handed over
            self.app.copy_to_clipboard(url)
            self.notify(f"Could not run $BROWSER ({' '.join(str(exc).split())}): copied {url} instead",
                        severity="warning", timeout=6, markup=False)

    def action_drop_filter(self) -> None:
        """Backspace: take back the entity filter or timeline range chosen last (Esc on the list drops the query
        and all of them)."""
        dropped = self.session.drop_last()
        if dropped is None:
            return
        self.refilter(debounce=False)
        self.notify(f"Dropped {inert(dropped)}", timeout=2, markup=False)
