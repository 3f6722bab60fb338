"""ArticleList: a virtualised list (Line API) that draws only the visible rows, so 100k articles open at once."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.listing import Rows
from reader.models import ArticleRow
from reader.textsafe import fit, inert, pad

UNREAD, STARRED, COPIES = "N", "*", "="
"""Marks in the first columns. ASCII on purpose: ambiguous-width symbols (●, ★) shift columns on some
CJK-locale terminals, and these read well in any font over SSH."""


class ArticleList(ScrollView, can_focus=True):
    """Article rows: marks, date, outlet, title. The screen hands rows and marks down; the list only draws."""

    HELP_TITLE = "Article list"
    HELP = "The article list. N unread, * starred, = has wire copies."
    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", id="list.down", show=False),
        Binding("k,up", "cursor_up", "Up", id="list.up", show=False),
        Binding("g,home", "first", "First", id="list.first", show=False),
        Binding("G,end", "last", "Last", id="list.last", show=False),
        Binding("ctrl+d,pagedown", "page(1)", "Page down", id="list.page_down", show=False),
        Binding("ctrl+u,pageup", "page(-1)", "Page up", id="list.page_up", show=False),
        Binding("enter", "select", "Open", id="list.open"),
    ]
    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--mark",
        "article-list--date",
        "article-list--outlet",
        "article-list--empty",
    }
    DEFAULT_CSS = """
    ArticleList {
        background: $surface;
        scrollbar-size-vertical: 1;
        & > .article-list--cursor { background: $boost; text-style: reverse; }
        &:focus > .article-list--cursor { background: $primary; color: $text; text-style: none; }
        & > .article-list--unread { text-style: bold; }
        & > .article-list--read { color: $text-muted; }
        & > .article-list--mark { color: $accent; text-style: bold; }
        & > .article-list--date { color: $text-muted; }
        & > .article-list--outlet { color: $secondary; }
        & > .article-list--empty { color: $text-muted; }
    }
    """

    @dataclass
    class Highlighted(Message):
        """The cursor moved onto an article."""

        article_list: ArticleList
        article_id: str

        @property
        def control(self) -> ArticleList:
            return self.article_list

    @dataclass
    class Selected(Message):
        """Enter was pressed on an article."""

        article_list: ArticleList
        article_id: str

        @property
        def control(self) -> ArticleList:
            return self.article_list

    cursor: reactive[int] = reactive(0, always_update=False, repaint=False)
    """Index of the highlighted row."""
    show_outlet: reactive[bool] = reactive(True, init=False)
    """The outlet column (the screen folds it away when the corpus names one outlet)."""

    def __init__(self, *, name: str | None = None, id: str | None = None,  # noqa: A002 — Textual's signature
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: Rows = Rows.of([])
        """The list (read a page at a time from the store as rows are drawn, see reader.listing)."""
        self.read: set[str] = set()
        self.starred: set[str] = set()
        self.copies: set[str] = set()
        self._lines: LRUCache[tuple, Strip] = LRUCache(512)
        self._styles: dict[tuple[bool, bool, bool], tuple[Style, Style, Style, Style]] = {}
        """A row's styles (marks, plain, date, outlet) by (unread, cursor, focus): `rich_style` walks the widget's
        ancestors on each call, a third of a row's drawing, and a page key draws a screenful of new rows."""
        self.empty_message = ""
        """Shown in place of rows when there are none (why the list is empty, and what to do)."""

    # --- data in ------------------------------------------------------------------------------
    def set_rows(self, rows: Rows, keep: str | None = None, near: bool = False) -> None:
        """Show `rows`; the cursor stays on `keep` (else on the current article) when it is among them.

        Args:
            near: `rows` is the list shown read again (a sync): if the current article has gone, the
                cursor goes to its nearest neighbour still listed, not to the top.
        """
        current = keep or self.current_id
        old, line = self.rows, self.cursor
        self.rows = rows
        self._lines.clear()
        self.virtual_size = Size(self.size.width, len(rows))
        self.set_reactive(ArticleList.cursor, -1)  # force the watcher: the row under the cursor changed
        found = rows.index_of(current) if current else None
        if found is None and near and current and 0 <= line < len(old):
            found = old.nearest(line, rows)
        self.cursor = found if found is not None else 0
        # The scroll just done clamps to the old height when the list grew in this call (the first
        # listing, restoring the last article deep in it): scroll again once the new size is laid out.
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()

    def set_empty_message(self, message: str) -> None:
        if message != self.empty_message:
            self.empty_message = message
            if not self.rows:
                self.refresh()

    def set_marks(self, read: set[str], starred: set[str], copies: set[str] | None = None) -> None:
        self.read, self.starred = read, starred
        if copies is not None:
            self.copies = copies
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()  # a theme or the focus changed: rows are drawn again in the new styles
        self._styles.clear()
        self._lines.clear()

    def watch_show_outlet(self) -> None:
        self._lines.clear()
        self.refresh()

    def marks_changed(self, article_id: str) -> None:
        """Redraw one row after its read/star mark changed (the sets are shared with the screen)."""
        index = self.rows.index_of(article_id)
        if index is not None:
            self._refresh_row(index)

    @property
    def current_id(self) -> str | None:
        return self.rows.ids[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def index_of(self, article_id: str) -> int | None:
        return self.rows.index_of(article_id)

    def move_to(self, article_id: str) -> bool:
        index = self.rows.index_of(article_id)
        if index is None:
            return False
        self.cursor = index
        return True

    # --- keys ---------------------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self.cursor = min(self.cursor + 1, len(self.rows) - 1)

    def action_cursor_up(self) -> None:
        self.cursor = max(self.cursor - 1, 0)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(0, len(self.rows) - 1)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height // 2)
        self.cursor = max(0, min(len(self.rows) - 1, self.cursor + direction * step))

    def action_select(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Selected(self, self.current_id))

    def watch_cursor(self, old: int, new: int) -> None:
        if new < 0 or not self.rows:
            return
        # Only the two rows whose cursor style changed are repainted, unless the view must scroll.
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, self.rows.ids[new]))

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        top = int(self.scroll_offset.y)
        if height <= 0:
            return
        # Off screen: put the cursor in the middle, as mutt and less do, so the next height/2 presses
        # of j (or k) repaint two rows each instead of the whole list.
        if top <= self.cursor < top + height:
            return
        y = self.cursor - height // 2
        self.scroll_to(y=max(0, y), animate=False, immediate=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))
        self._lines.clear()
        self.call_after_refresh(self._scroll_to_cursor)

    def _refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # --- drawing ------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if not self.rows:
            return self._render_empty(y, width)
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        article_id = self.rows.ids[index]
        flags = (article_id not in self.read, article_id in self.starred, article_id in self.copies)
        key = (index, width, index == self.cursor, self.has_focus, flags)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._render_row(self.rows[index], width, index == self.cursor, flags)
            self._lines[key] = strip
        return strip

    def _render_row(self, row: ArticleRow, width: int, is_cursor: bool, flags: tuple[bool, bool, bool]) -> Strip:
        # Segments built directly, not a rich Text rendered: a row is a few fixed columns and one fitted title,
        # and Text's span machinery cost about 0.4 ms a row, most of a page key's CPU on the benchmark machine.
        unread, starred, copies = flags
        mark, plain, date, outlet = self._row_styles(unread, is_cursor)
        marks = (UNREAD if unread else " ") + (STARRED if starred else " ") + (COPIES if copies else " ")
        segments = [Segment(marks, mark), Segment(" ", plain), Segment(f"{row.date or '—':<10} ", date)]
        used = 15
        if self.show_outlet:
            outlet_width = 16 if width >= 100 else 12
            segments.append(Segment(_fit(inert(row.outlet or "—"), outlet_width) + " ", outlet))
            used += outlet_width + 1
        segments.append(Segment(_fit(inert(row.title), max(0, width - used)), plain))
        return Strip(segments).adjust_cell_length(width, self.rich_style)

    def _row_styles(self, unread: bool, is_cursor: bool) -> tuple[Style, Style, Style, Style]:
        """The styles of a row's marks, plain parts, date and outlet."""
        key = (unread, is_cursor, self.has_focus)
        found = self._styles.get(key)
        if found is None:
            style = self.get_component_rich_style
            cursor = style("article-list--cursor") if is_cursor else None
            base = self.rich_style + style("article-list--unread" if unread else "article-list--read")

            def styled(extra: Style | None) -> Style:
                out = base + extra if extra is not None else base
                return out + cursor if cursor is not None else out

            found = (styled(style("article-list--mark")), styled(None), styled(style("article-list--date")),
                     styled(style("article-list--outlet")))
            self._styles[key] = found
        return found

    def _render_empty(self, y: int, width: int) -> Strip:
        """Line `y` of the empty-list message, word-wrapped to the width, one blank line above it."""
        key = ("empty", y, width, self.empty_message)
        strip = self._lines.get(key)
        if strip is None:
            text = Text(inert(self.empty_message), style=self.rich_style + self.get_component_rich_style(
                "article-list--empty"))
            lines = text.wrap(self.app.console, max(1, width - 2)) if self.empty_message else []
            if 1 <= y <= len(lines):
                line = Text(" ", style=self.rich_style) + lines[y - 1]
                strip = Strip(list(line.render(self.app.console))).adjust_cell_length(width, self.rich_style)
            else:
                strip = Strip.blank(width, self.rich_style)
            self._lines[key] = strip
        return strip


def _fit(text: str, width: int) -> str:
    """Cut or pad to `width` cells, measured as Rich draws them (wide CJK characters count two)."""
    return pad(fit(text, width, cell_len), width, cell_len)
