"""SearchBar: the query line; results follow each keystroke, Enter keeps the query, Escape restores the last one."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message

from reader.tui.widgets.ordered import OrderedInput


class SearchBar(OrderedInput):
    """An Input that also says when the user gave up (Escape); Changed and Submitted come from Input."""

    HELP_TITLE = "Search bar"
    HELP = 'Search: words (AND), "phrases", OR, NOT, title:, outlet:, byline:, date:[2026-02-01 to 2026-02-10].'
    BINDINGS = [Binding("escape", "cancel", "Cancel search", id="search.cancel")]
    DEFAULT_CSS = """
    SearchBar {
        border: none;
        height: 1;
        padding: 0 1;
        background: $panel;
        &:focus { border: none; background: $boost; }
    }
    """

    @dataclass
    class Cancelled(Message):
        """Escape: the query typed since the last Enter is abandoned."""

        search_bar: SearchBar

        @property
        def control(self) -> SearchBar:
            return self.search_bar

    def __init__(self, **kwargs) -> None:
        # Not select-on-focus: `/` after a kept query goes on typing after it (narrowing), as in less/vim.
        super().__init__(placeholder='/ search: words, "phrases", title:, outlet:, person:…',
                         select_on_focus=False, **kwargs)

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self))
