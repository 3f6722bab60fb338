"""StatusBar: one line saying what the list shows (corpus, counts, query, filters) and what runs (sync)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from reader.textsafe import fit, inert


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
        """The line as Rich Text (what `render_line` draws)."""
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for part, component in self._parts():
            text.append(part, self.get_component_rich_style(component) if component else None)
        return text

    def render_line(self, y: int) -> Strip:
        # Segments cut to the width here, not Text through Textual's Content: the line changes on every key
        # that moves the cursor ("row N"), and the Content path cost as much as drawing the list's new rows.
        width = self.size.width
        base = self.rich_style
        if y != 0:
            return Strip.blank(width, base)
        runs: list[list] = []  # [text, style], neighbours of one style joined: fewer codes for the terminal

        def add(text: str, style: Style) -> None:
            if runs and runs[-1][1] == style:
                runs[-1][0] += text
            else:
                runs.append([text, style])

        used = 0
        for part, component in self._parts():
            if used >= width:
                break
            cut = fit(part, width - used, cell_len)
            used += cell_len(cut)
            add(cut, base + self.get_component_rich_style(component) if component else base)
        if used < width:
            add(" " * (width - used), base)  # the rest of the line, in the bar's own style
        return Strip([Segment(text, style) for text, style in runs], width)

    def _parts(self) -> list[tuple[str, str | None]]:
        """The line's parts, each with its component class (None: the bar's own style)."""
        parts: list[tuple[str, str | None]] = [(" wire ", "status-bar--name"), (inert(self.corpus), None)]
        add = parts.append
        view = "" if self.view == "all" else f"[{self.view}]"
        if self.query or self.filters:
            add(("  ", None))
            add((inert(" ".join([self.query, *self.filters]).strip()), "status-bar--query"))
            add((f"{' ' + view if view else ''}{' by date' if self.sort == 'date' else ''}"
                 f"  {self.shown} of {self.total}", None))
        elif view:
            add((f"  {view} {self.shown} of {self.total}", None))
        else:
            add((f"  {self.total} articles", None))
        if self.shown:
            add((f", {self.unread} unread  row {self.position}", None))
        if self.watching or self.arrivals:
            live = " ".join(["live"] * self.watching + [self.arrivals] * bool(self.arrivals))
            add((f"  {live}", "status-bar--busy"))
        if self.busy:
            add((f"  {self.busy}", "status-bar--busy"))
        if self.notice:
            add((f"  {inert(self.notice)}", "status-bar--notice"))
        return parts
