"""TimelineBar: two lines above the list, how many of the articles listed fall on each day, week or month,
with a scale and an axis; a cursor on it narrows the list to one cell's days."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from reader.timeline import Cell, Timeline, cells, merge_size, sparkline


class TimelineBar(Widget, can_focus=True):
    """Draws the timeline it is given:

        `  40┤▁▂▅█▇▃ ▁  weeks · 12 undated`
        `    └2026-01-05     2026-03-30`

    the scale (the fullest cell's count) on the left, the first and last day under the ends. With the keys
    in it, a cursor picks a cell and the axis line says its days and count; Enter lists only those days.
    """

    HELP_TITLE = "Timeline"
    HELP = "h/l (←/→) pick a day, week or month; Enter lists only those articles; Backspace widens again."
    BINDINGS = [
        Binding("h,left", "move(-1)", "Earlier", id="timeline.earlier", show=False),
        Binding("l,right", "move(1)", "Later", id="timeline.later", show=False),
        Binding("g,home", "move(-100000)", "First", id="timeline.first", show=False),
        Binding("G,end", "move(100000)", "Last", id="timeline.last", show=False),
        Binding("enter", "choose", "List these days", id="timeline.choose"),
        Binding("escape,j,down", "leave", "Back to the list", id="timeline.leave", show=False),
    ]
    COMPONENT_CLASSES = {"timeline-bar--spark", "timeline-bar--dim", "timeline-bar--cursor"}
    DEFAULT_CSS = """
    TimelineBar {
        height: 2;
        padding: 0 1;
        background: $panel;
        & > .timeline-bar--spark { color: $accent; }
        & > .timeline-bar--dim { color: $text-muted; }
        & > .timeline-bar--cursor { text-style: reverse; }
    }
    """

    @dataclass
    class Chosen(Message):
        """Enter on a cell: list only the articles of these days (both included, ISO)."""

        bar: TimelineBar
        first: str
        last: str

        @property
        def control(self) -> TimelineBar:
            return self.bar

    @dataclass
    class Left(Message):
        """The keys are to go back to the list."""

        bar: TimelineBar

    timeline: reactive[Timeline | None] = reactive(None)
    """The counts for the rows listed (set by the screen; None before the first list)."""
    cursor: reactive[int] = reactive(-1)
    """The cell the keys point at (-1: the last one, until moved)."""

    def watch_timeline(self) -> None:
        self.cursor = -1

    def _cells(self) -> tuple[list[Cell], str, int]:
        """The cells drawn, the unit line (`weeks`, `3 weeks a bar`, the undated) and the scale's width."""
        timeline = self.timeline
        assert timeline is not None
        undated = f" · {timeline.undated} undated" if timeline.undated else ""
        room = self.content_size.width or self.size.width
        top = max(b.count for b in timeline.buckets)
        scale = len(f"{top:,}") + 1
        # The scale and unit stay whole; the sparkline takes what is left (at least a few cells). When buckets
        # must share cells the unit says so, which takes room: settle the two together.
        size = merge_size(len(timeline.buckets), room)
        while True:
            unit = f"{timeline.by}s" if size == 1 else f"{size} {timeline.by}s a bar"
            width = max(4, room - scale - 2 - len(unit) - len(undated))
            fitted = merge_size(len(timeline.buckets), width)
            if fitted == size:
                break
            size = fitted  # only grows (a longer unit leaves fewer cells), so this ends
        return cells(timeline, width), unit + undated, scale

    def render(self) -> Text:
        part = self.get_component_rich_style
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        timeline = self.timeline
        if timeline is None:
            return text
        if not timeline.buckets:
            text.append(f"no dated articles · {timeline.undated} undated" if timeline.undated else "no articles",
                        part("timeline-bar--dim"))
            return text
        shown, unit, scale = self._cells()
        cursor = self._at(len(shown)) if self.has_focus else None
        spark = sparkline(timeline, len(shown))
        top = max(c.count for c in shown)
        text.append(f"{top:>{scale - 1},}┤", part("timeline-bar--dim"))
        spark_style, cursor_style = part("timeline-bar--spark"), part("timeline-bar--cursor")
        for n, block in enumerate(spark):
            text.append(block, spark_style + cursor_style if n == cursor else spark_style)
        text.append(f"  {unit}\n", part("timeline-bar--dim"))
        text.append(" " * (scale - 1) + "└", part("timeline-bar--dim"))
        if cursor is not None:
            cell = shown[cursor]
            days = cell.start if cell.start == cell.end else f"{cell.start}..{cell.end}"
            about = f"{days}: {cell.count:,} article{'s' if cell.count != 1 else ''} · Enter lists them"
            # A caret under the cell, the words after it, or before it when only that side has room.
            room = (self.content_size.width or self.size.width) - scale
            if cursor + 2 + len(about) > room and cursor >= len(about) + 1:
                text.append(" " * (cursor - len(about) - 1) + about + " ▲")
            else:
                text.append(" " * cursor + "▲ " + about)
        else:
            first, last = timeline.first or shown[0].start, timeline.last or shown[-1].end
            gap = max(1, len(shown) - len(first) - len(last))
            text.append(first + " " * gap + last, part("timeline-bar--dim"))
        return text

    def _at(self, count: int) -> int:
        return count - 1 if self.cursor < 0 else min(self.cursor, count - 1)

    def action_move(self, step: int) -> None:
        if self.timeline is None or not self.timeline.buckets:
            return
        count = len(self._cells()[0])
        self.cursor = max(0, min(count - 1, self._at(count) + step))

    def action_choose(self) -> None:
        if self.timeline is None or not self.timeline.buckets:
            return
        shown = self._cells()[0]
        cell = shown[self._at(len(shown))]
        self.post_message(self.Chosen(self, cell.start, cell.end))

    def action_leave(self) -> None:
        self.post_message(self.Left(self))

    def watch_cursor(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
