"""Text inputs that apply keys in the order they were typed, however fast they arrive (over SSH, pasted)."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea


class InlineBindings:
    """Mixed into a text widget: its own bound keys run as they arrive, in order with the typed ones.

    Textual types a printable key at once, but runs a bound key (backspace, arrows, ctrl+w…) only
    after the key event has bubbled up to the app, behind the keys already queued here. Keys that
    arrive in one read (a fast typist over SSH, a script) then land out of order: "abc", backspace
    twice and "xy" gave "abc" instead of "axy" (Textual issue #6605).
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


class OrderedInput(InlineBindings, Input):
    """A one-line Input with its keys in order (the search bar, the dialogs' fields)."""


class OrderedTextArea(InlineBindings, TextArea):
    """A TextArea with its keys in order (the note editor)."""
