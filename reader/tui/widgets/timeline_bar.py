"""TimelineBar: one line above the list, how many of the articles listed fall on each day, week or month."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from reader.timeline import Timeline, merge_size, sparkline


class TimelineBar(Widget):
    """Draws the timeline it is given, `first ▁▂▅█▇▃ last  weeks · 12 undated`, fitted to its width."""

    COMPONENT_CLASSES = {"timeline-bar--spark", "timeline-bar--dim"}
    DEFAULT_CSS = """
    TimelineBar {
        height: 1;
        padding: 0 1;
        background: $panel;
        & > .timeline-bar--spark { color: $accent; }
        & > .timeline-bar--dim { color: $text-muted; }
    }
    """

    timeline: reactive[Timeline | None] = reactive(None)
    """The counts for the rows listed (set by the screen; None before the first list)."""

    def render(self) -> Text:
        part = self.get_component_rich_style
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        timeline = self.timeline
        if timeline is None:
            return text
        undated = f" · {timeline.undated} undated" if timeline.undated else ""
        if not timeline.buckets:
            text.append(f"no dated articles{undated}" if timeline.undated else "no articles", part("timeline-bar--dim"))
            return text
        first, last = timeline.first or timeline.buckets[0].start, timeline.last or timeline.buckets[-1].start
        room = self.content_size.width or self.size.width
        # Dates and unit stay whole; the sparkline takes what is left (at least a few cells). When
        # buckets must share cells the unit says so, which takes room: settle the two together.
        fixed = len(first) + len(last) + 4 + len(undated)
        size = merge_size(len(timeline.buckets), room)
        while True:
            spark_width = max(4, room - fixed - len(self._unit(timeline, size)))
            fitted = merge_size(len(timeline.buckets), spark_width)
            if fitted == size:
                break
            size = fitted  # only grows (a longer unit leaves fewer cells), so this ends
        text.append(f"{first} ", part("timeline-bar--dim"))
        text.append(sparkline(timeline, spark_width), part("timeline-bar--spark"))
        text.append(f" {last}  ", part("timeline-bar--dim"))
        text.append(self._unit(timeline, size))
        text.append(undated, part("timeline-bar--dim"))
        return text

    @staticmethod
    def _unit(timeline: Timeline, size: int) -> str:
        """What one cell is: `weeks`, or `3 weeks a bar` when neighbouring buckets share cells."""
        return f"{timeline.by}s" if size == 1 else f"{size} {timeline.by}s a bar"
