"""VimOptionList: Textual's OptionList with the vim keys every other pane of the reader takes."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import OptionList


class VimOptionList(OptionList):
    """An OptionList that also moves with j/k, g/G and Ctrl-d/Ctrl-u (OptionList knows only arrows)."""

    HELP_TITLE = "Moving in a list (names, copies)"
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="options.down"),
        Binding("k", "cursor_up", "Up", show=False, id="options.up"),
        Binding("g", "first", "First", show=False, id="options.first"),
        Binding("G", "last", "Last", show=False, id="options.last"),
        Binding("ctrl+d", "page_down", "Page down", show=False, id="options.page_down"),
        Binding("ctrl+u", "page_up", "Page up", show=False, id="options.page_up"),
    ]
