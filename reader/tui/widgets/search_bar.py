"""SearchBar: the query line; results follow each keystroke, Enter keeps the query, Escape restores the last one."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class OrderedInput(Input):
    """An Input that applies keys in the order they were typed.

    Textual types a printable key at once, but runs a bound key (backspace, arrows, ctrl+w…) only
    after the key event has bubbled up to the app, behind the keys already queued here. Keys that
    arrive in one read (a fast typist over SSH, a script) then land out of order: "abc", backspace
    twice and "xy" gave "abc" instead of "axy" (Textual issue #6605). Bound keys run here, inline.
    """

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                # App.run_action, not Widget.run_action: only the app's says whether the action ran.
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)


class SearchBar(OrderedInput):
    """An Input that also says when the user gave up (Escape); Changed and Submitted come from Input."""

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
