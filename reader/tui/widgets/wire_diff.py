"""WireDiffView: two copies aligned passage by passage (side by side, or unified when narrow), one scroll for both."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment as RichSegment
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.models import Segment
from reader.textsafe import inert

COMPONENT_OF = {
    "header": "wire-diff--header", "gutter": "wire-diff--gutter", "same": "wire-diff--same",
    "changed": "wire-diff--changed", "a_only": "wire-diff--a-only", "b_only": "wire-diff--b-only",
    "del": "wire-diff--del", "ins": "wire-diff--ins", "flag": "wire-diff--flag",
}
"""Run kinds of reader/overlap/render.py (the lines `wire diff` prints) to component classes: the app's one
mapping, as cli_text._STYLE is the CLI's. "pad" takes the widget's own style."""


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One screen line: render.py's (kind, text) runs and the passage it belongs to (-1: the notes above)."""

    runs: tuple[tuple[str, str], ...]
    segment: int

    @property
    def mark(self) -> str:
        """The gutter symbol (= ~ < >), "" on notes and the blank line after each passage."""
        return next((text.strip() for kind, text in self.runs if kind == "gutter"), "")

    @property
    def text(self) -> str:
        return "".join(text for _, text in self.runs)


class WireDiffView(ScrollView, can_focus=True):
    """Draws an alignment it is given, laid out once per width; `]`/`[` jump between changes."""

    # The symbols are render.py's (SYMBOL, DEL_OPEN…, flags.FLAG_SYMBOL), written out so the help screen can
    # show them without loading the overlap module; tests/test_tui_diff.py checks they agree.
    HELP_TITLE = "Wire diff"
    HELP = ("Gutter: = same, ~ changed, < only in A, > only in B; inside a change [-A's words-] {+B's words+}; "
            "!# !\" !@ before an edit that changes a number, a quote or an attribution verb.")
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
    COMPONENT_CLASSES = {*COMPONENT_OF.values(), "wire-diff--current"}
    # Colour only adds to what the symbols and marks say; the text styles (strike, underline, reverse)
    # still tell del from ins and the current change when `--color never` makes the app monochrome.
    DEFAULT_CSS = """
    WireDiffView {
        background: $surface;
        & > .wire-diff--header { text-style: bold; }
        & > .wire-diff--gutter { color: $accent; text-style: bold; }
        & > .wire-diff--current { color: $accent; text-style: bold reverse; }
        & > .wire-diff--same { color: $text-muted; }
        & > .wire-diff--changed { color: $foreground; }
        & > .wire-diff--a-only { color: $error; }
        & > .wire-diff--b-only { color: $success; }
        & > .wire-diff--del { color: $error; text-style: bold strike; }
        & > .wire-diff--ins { color: $success; text-style: bold underline; }
        & > .wire-diff--flag { color: $warning; text-style: bold; }
    }
    """

    current_change: reactive[int] = reactive(-1, repaint=False)
    """Index into `changes` of the change the user jumped to (-1: none yet)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.segments: list[Segment] = []
        self.ops: list[Sequence] = []
        """Per segment: the overlap module's word ops (empty: render.py diffs a changed pair itself)."""
        self.notes: list[str] = []
        self.rows: list[DiffRow] = []
        self.changes: list[int] = []
        """First row of each segment that is not `same`."""
        self._laid_out_for = -1
        self._side_by_side = False

    @property
    def unified(self) -> bool:
        """Whether the rows are laid out in one column (narrower than render.SIDE_BY_SIDE_MIN)."""
        return not self._side_by_side

    def set_alignment(self, segments: Sequence[Segment], ops: Sequence[Sequence] | None = None,
                      notes: Sequence[str] | None = None) -> None:
        """`ops`: word ops per segment; `notes`: lines shown above the first passage (which names only one
        side has), scrolled with it, before the legend."""
        self.segments, self.ops, self.notes = list(segments), list(ops or []), list(notes or [])
        self._laid_out_for = -1
        self._layout()

    def on_resize(self) -> None:
        self._layout()

    def _layout(self) -> None:
        """All rows for the current width: once per alignment and width, never per key or scroll."""
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._laid_out_for or not (self.segments or self.notes):
            return
        # Imported here: the overlap package brings numpy, which the app's first screen never needs (the
        # worker that aligned the pair has loaded it by now).
        from reader.overlap.render import legend, segment_lines, side_by_side, wrap

        self._laid_out_for = width
        self._side_by_side = side_by_side(width)
        rows: list[DiffRow] = []
        for note in [*self.notes, *legend("A", "B")]:
            rows.extend(DiffRow(tuple(line), -1) for line in wrap([("header", inert(note))], width, cell_len))
        rows.append(DiffRow((), -1))
        changes: list[int] = []
        for n, segment in enumerate(self.segments):
            if segment.kind != "same":
                changes.append(len(rows))
            ops = self.ops[n] if n < len(self.ops) else ()
            rows.extend(DiffRow(tuple(line), n) for line in segment_lines(segment, ops, width, cell_len))
            rows.append(DiffRow((), n))  # a blank line between passages
        self.rows, self.changes = rows, changes
        self.virtual_size = Size(width, len(rows))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        current = (0 <= self.current_change < len(self.changes)
                   and self.rows[self.changes[self.current_change]].segment == row.segment)
        style = self.get_component_rich_style
        # Text() never parses markup; a Segment does not either: the runs' text (made inert by render.py)
        # is drawn as it is.
        segments = [RichSegment(text, style("wire-diff--current" if current and kind == "gutter"
                                            else COMPONENT_OF[kind]) if kind in COMPONENT_OF else base)
                    for kind, text in row.runs]
        return Strip(segments).adjust_cell_length(width, base)

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
