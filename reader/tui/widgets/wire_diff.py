"""WireDiffView: two copies aligned passage by passage (side by side, or unified when narrow), one scroll for both."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.models import Segment
from reader.textsafe import inert

UNIFIED_BELOW = 100
"""Under this many columns the two sides are stacked (unified) instead of side by side."""
GUTTER = {"same": " ", "changed": "~", "a_only": "-", "b_only": "+"}
"""Gutter symbols: a change reads as a change without colour (monochrome terminals, colour blindness)."""


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One screen line: gutter mark, left (or only) text, right text, and its segment."""

    mark: str
    left: Text
    right: Text | None
    segment: int


FLAG_NAMES = {"number": "a number", "quote": "a quotation", "verb": "an attribution verb"}


class WireDiffView(ScrollView, can_focus=True):
    """Draws an alignment it is given; `]`/`[` jump between changes."""

    HELP = "Gutter: ~ changed passage, - only in A, + only in B; changed words are emphasised."
    BINDINGS = [
        Binding("j,down", "scroll_lines(1)", "Down", id="diff.down", show=False),
        Binding("k,up", "scroll_lines(-1)", "Up", id="diff.up", show=False),
        Binding("g,home", "top", "Top", id="diff.top", show=False),
        Binding("G,end", "bottom", "Bottom", id="diff.bottom", show=False),
        Binding("ctrl+d,pagedown,space", "half_page(1)", "Page down", id="diff.page_down", show=False),
        Binding("ctrl+u,pageup", "half_page(-1)", "Page up", id="diff.page_up", show=False),
        Binding("right_square_bracket", "next_change(1)", "Next change", id="diff.next_change"),
        Binding("left_square_bracket", "next_change(-1)", "Previous change", id="diff.previous_change"),
    ]
    COMPONENT_CLASSES = {
        "wire-diff--gutter", "wire-diff--current", "wire-diff--removed", "wire-diff--added",
        "wire-diff--changed-a", "wire-diff--changed-b", "wire-diff--same", "wire-diff--flag",
    }
    DEFAULT_CSS = """
    WireDiffView {
        background: $surface;
        & > .wire-diff--gutter { color: $accent; text-style: bold; }
        & > .wire-diff--current { background: $accent; color: $background; text-style: bold; }
        & > .wire-diff--same { color: $text-muted; }
        & > .wire-diff--removed { color: $error; }
        & > .wire-diff--added { color: $success; }
        & > .wire-diff--changed-a { color: $error; text-style: bold strike; }
        & > .wire-diff--changed-b { color: $success; text-style: bold underline; }
        & > .wire-diff--flag { color: $warning; text-style: bold; }
    }
    """

    current_change: reactive[int] = reactive(-1, repaint=False)
    """Index into `changes` of the change the user jumped to (-1: none yet)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.segments: list[Segment] = []
        self.marks: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]] = []
        self.notes: list[str] = []
        self.flags: list[tuple[str, ...]] = []
        """Per segment: number / quote / verb when its edits touch them (shown as a `!` line)."""
        self.rows: list[DiffRow] = []
        self.changes: list[int] = []
        """First row of each segment that is not `same`."""
        self._laid_out_for = -1

    @property
    def unified(self) -> bool:
        return self.size.width < UNIFIED_BELOW

    def set_alignment(self, segments: list[Segment],
                      marks: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]],
                      flags: list[tuple[str, ...]] | None = None, notes: list[str] | None = None) -> None:
        """`notes`: lines shown above the first passage (which names only one side has), scrolled with it."""
        self.segments, self.marks, self.flags = list(segments), list(marks), list(flags or [])
        self.notes = list(notes or [])
        self._laid_out_for = -1
        self._layout()

    def on_resize(self) -> None:
        self._layout()

    def _layout(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._laid_out_for:
            return
        self._laid_out_for = width
        self.rows, self.changes = [], []
        for note in self.notes:
            for line in self._wrap(Text(inert(note), style=self.get_component_rich_style("wire-diff--flag")),
                                   width - 2):
                self.rows.append(DiffRow(" ", line, None, -1))
        if self.notes:
            self.rows.append(DiffRow(" ", Text(""), None, -1))
        for n, segment in enumerate(self.segments):
            marks = self.marks[n] if n < len(self.marks) else ([], [])
            if segment.kind != "same":
                self.changes.append(len(self.rows))
            flags = self.flags[n] if n < len(self.flags) else ()
            if flags:
                # Marked with a symbol as well as colour: what a journalist must check in this edit.
                note = "changed: " + ", ".join(FLAG_NAMES[f] for f in flags)
                self.rows.append(DiffRow("!", Text(note, style=self.get_component_rich_style("wire-diff--flag")),
                                         None if self.unified else Text(""), n))
            if self.unified:
                self._unified_rows(n, segment, marks, width)
            else:
                self._split_rows(n, segment, marks, width)
            self.rows.append(DiffRow(" ", Text(""), None if self.unified else Text(""), n))  # spacer
        self.virtual_size = Size(width, len(self.rows))
        self.refresh()

    def _side(self, text: str, spans: list[tuple[int, int]], base: str, emphasis: str) -> Text:
        part = self.get_component_rich_style
        out = Text(end="")
        edges = sorted({0, len(text), *(p for a, b in spans for p in (a, b))})
        for left, right in zip(edges, edges[1:], strict=False):
            inside = any(a <= left and right <= b for a, b in spans)
            out.append(inert(text[left:right]), part(emphasis) if inside else part(base))
        return out

    def _wrap(self, text: Text, width: int) -> list[Text]:
        lines = text.wrap(self.app.console, max(1, width), overflow="fold")
        return list(lines) or [Text("")]

    def _split_rows(self, n: int, seg: Segment, marks, width: int) -> None:
        half = (width - 3) // 2
        styles = {"same": ("wire-diff--same", "wire-diff--same"), "changed": ("wire-diff--removed", "wire-diff--added"),
                  "a_only": ("wire-diff--removed", "wire-diff--added"),
                  "b_only": ("wire-diff--removed", "wire-diff--added")}
        base_a, base_b = styles.get(seg.kind, styles["same"])
        left = self._wrap(self._side(seg.a, marks[0], base_a, "wire-diff--changed-a"), half) if seg.a else []
        right = self._wrap(self._side(seg.b, marks[1], base_b, "wire-diff--changed-b"), width - 3 - half) \
            if seg.b else []
        for i in range(max(len(left), len(right))):
            self.rows.append(DiffRow(GUTTER.get(seg.kind, "?"), left[i] if i < len(left) else Text(""),
                                     right[i] if i < len(right) else Text(""), n))

    def _unified_rows(self, n: int, seg: Segment, marks, width: int) -> None:
        if seg.kind == "same":
            for line in self._wrap(self._side(seg.a, [], "wire-diff--same", "wire-diff--same"), width - 2):
                self.rows.append(DiffRow(" ", line, None, n))
            return
        if seg.a:
            side_a = self._side(seg.a, marks[0], "wire-diff--removed", "wire-diff--changed-a")
            for line in self._wrap(side_a, width - 2):
                self.rows.append(DiffRow("-", line, None, n))
        if seg.b:
            for line in self._wrap(self._side(seg.b, marks[1], "wire-diff--added", "wire-diff--changed-b"), width - 2):
                self.rows.append(DiffRow("+", line, None, n))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        part = self.get_component_rich_style
        current = (0 <= self.current_change < len(self.changes)
                   and self.rows[self.changes[self.current_change]].segment == row.segment
                   and row.mark != " ")
        gutter_style = part("wire-diff--current" if current else "wire-diff--gutter")
        line = Text(end="", no_wrap=True)
        if row.right is None:
            line.append(f"{row.mark} ", gutter_style)
            line.append_text(row.left)
        else:
            half = (width - 3) // 2
            line.append_text(row.left)
            line.pad_right(half - line.cell_len)
            line.append(f" {row.mark} ", gutter_style)
            line.append_text(row.right)
        line.truncate(width, pad=True)
        return Strip(list(line.render(self.app.console))).adjust_cell_length(width, self.rich_style)

    # --- keys --------------------------------------------------------------------------------
    def action_scroll_lines(self, n: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + n, animate=False)

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False)

    def action_bottom(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def action_half_page(self, direction: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + direction * max(1, self.size.height // 2), animate=False)

    def action_next_change(self, direction: int) -> None:
        if not self.changes:
            self.notify("The two copies have no differences.", timeout=2)
            return
        top = int(self.scroll_offset.y)
        if self.current_change < 0:
            ahead = [i for i, row in enumerate(self.changes) if row >= top] if direction > 0 else []
            target = ahead[0] if ahead else (0 if direction > 0 else len(self.changes) - 1)
        else:
            target = self.current_change + direction
        if not 0 <= target < len(self.changes):
            self.notify("No more changes " + ("below." if direction > 0 else "above."), timeout=2)
            return
        self.current_change = target

    def watch_current_change(self) -> None:
        if 0 <= self.current_change < len(self.changes):
            # One line of context above the change, so the reader sees where it starts.
            self.scroll_to(y=max(0, self.changes[self.current_change] - 1), animate=False)
        self.refresh()
