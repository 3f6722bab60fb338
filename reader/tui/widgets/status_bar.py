"""StatusBar: one line saying what the list shows (corpus, counts, query, filters) and what runs (sync)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from reader.textsafe import inert


class StatusBar(Widget):
    """Draws the facts it is given; user-supplied parts (query, names) are inert Text, never markup."""

    COMPONENT_CLASSES = {"status-bar--name", "status-bar--query", "status-bar--busy", "status-bar--notice"}
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $text;
        & > .status-bar--name { text-style: bold; color: $secondary; }  /* $primary is under 4.5:1 on $panel */
        & > .status-bar--query { color: $accent; }
        & > .status-bar--busy { color: $warning; }
        & > .status-bar--notice { color: $error; }
    }
    """

    corpus: reactive[str] = reactive("")
    shown: reactive[int] = reactive(0)
    """Rows in the list now."""
    total: reactive[int] = reactive(0)
    """Articles in the corpus."""
    unread: reactive[int] = reactive(0)
    """Rows in the list not marked read."""
    position: reactive[int] = reactive(0)
    """1-based cursor position, 0 when the list is empty."""
    query: reactive[str] = reactive("")
    filters: reactive[tuple[str, ...]] = reactive(())
    busy: reactive[str] = reactive("")
    """What runs in the background, e.g. `indexing 400/21578`; empty when idle."""
    notice: reactive[str] = reactive("")
    watching: reactive[bool] = reactive(False)
    """The corpus folder is watched: new files come in by themselves (`live`)."""
    arrivals: reactive[str] = reactive("")
    """What the last reload brought, e.g. `+2 new 13:05`."""
    view: reactive[str] = reactive("all")
    """What the list keeps: all, unread or starred (bound to MainScreen.view)."""
    sort: reactive[str] = reactive("relevance")
    """A search's order (bound to MainScreen.sort): shown only when it is by date, and only for a search."""

    def render(self) -> Text:
        part = self.get_component_rich_style
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(" wire ", part("status-bar--name"))
        text.append(inert(self.corpus))
        view = "" if self.view == "all" else f"[{self.view}]"
        if self.query or self.filters:
            text.append("  ")
            text.append(inert(" ".join([self.query, *self.filters]).strip()), part("status-bar--query"))
            text.append(f"{' ' + view if view else ''}{' by date' if self.sort == 'date' else ''}"
                        f"  {self.shown} of {self.total}")
        elif view:
            text.append(f"  {view} {self.shown} of {self.total}")
        else:
            text.append(f"  {self.total} articles")
        if self.shown:
            text.append(f", {self.unread} unread  row {self.position}")
        if self.watching or self.arrivals:
            live = " ".join(["live"] * self.watching + [self.arrivals] * bool(self.arrivals))
            text.append(f"  {live}", part("status-bar--busy"))
        if self.busy:
            text.append(f"  {self.busy}", part("status-bar--busy"))
        if self.notice:
            text.append(f"  {inert(self.notice)}", part("status-bar--notice"))
        return text
