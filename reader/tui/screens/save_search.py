"""SaveSearchDialog: names the search on screen (key `S`) and saves it, listed with counts atop the sidebar."""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from reader import searches
from reader.errors import WireError
from reader.state import State
from reader.textsafe import inert
from reader.tui.screens.dialog import Dialog
from reader.tui.widgets import OrderedInput


def offered_name(query: str) -> str:
    """The name the dialog offers: the query itself, spaces collapsed, cut to the longest name allowed."""
    return " ".join(query.split())[:searches.NAME_MAX].rstrip()


class SaveSearchDialog(Dialog[str | None]):
    """Asks for a name and saves `query` under it; dismisses with the name as stored, or None when cancelled.

    Args:
        state: where saved searches live (one short autocommitted write, on the UI thread as the read marks are).
        query: the full query to save: the typed query AND the entity filters.
        name: the name offered (editable).
    """

    HELP_TITLE = "Save-search dialog"
    HELP = "Enter saves under the name typed (an existing name is replaced); Escape cancels."
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_search.cancel")]
    def __init__(self, state: State, query: str, name: str) -> None:
        super().__init__()
        self.state, self.saved_query, self.offered = state, query, name
        self.existing = {n for n, _ in state.saved_searches()}
        """Names already saved (read once: a quick query), to say when Enter would replace one."""

    def compose(self) -> ComposeResult:
        # The query and the name are user text: inert Text, never markup.
        about = Text(end="")
        about.append("Saves the search ")
        about.append(inert(self.saved_query), style="bold")
        about.append(" under the name:")
        with Vertical(id="save-box", classes="dialog-box") as box:
            box.border_title = "Save this search"
            yield Static(about, markup=False)
            yield OrderedInput(self.offered, id="save-name", select_on_focus=False)
            yield Static(id="save-exists", classes="dialog-warning", markup=False)
            yield Static("Saved searches are listed, with their counts, at the top of the entity sidebar (e). "
                         "Enter saves; Esc cancels.", id="save-hint", classes="dialog-hint", markup=False)
            yield Static(id="save-error", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        name = self.query_one("#save-name", Input)
        name.focus()
        name.cursor_position = len(name.value)
        self._say_if_exists(name.value)

    @on(Input.Changed, "#save-name")
    def _edited(self, event: Input.Changed) -> None:
        self.hide_error()
        self._say_if_exists(event.value)

    def _say_if_exists(self, typed: str) -> None:
        name = " ".join(typed.split())  # as searches.check_name stores it
        exists = self.query_one("#save-exists", Static)
        exists.display = name in self.existing
        if exists.display:
            exists.update(Text(f"A saved search named '{inert(name)}' exists: Enter replaces it."))

    @on(Input.Submitted, "#save-name")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            name = searches.save(self.state, event.value, self.saved_query)
        except (WireError, sqlite3.Error) as exc:
            self.show_error(str(exc))
            return
        self.dismiss(name)

