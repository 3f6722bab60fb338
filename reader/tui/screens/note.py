"""NoteDialog: writes the user's note on one article (key `a`) in a multi-line editor; an empty note deletes it."""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from reader import review
from reader.errors import WireError
from reader.state import State
from reader.textsafe import inert
from reader.tui.keys import key_shown
from reader.tui.screens.dialog import Dialog
from reader.tui.widgets import OrderedTextArea


class NoteDialog(Dialog[str | None]):
    """Edits one article's note; dismisses with the note as stored ("" when deleted), or None when cancelled.

    Escape with unsaved changes asks once more instead of closing: a note is never dropped silently.

    Args:
        state: where notes live (one autocommitted write on save, on the UI thread as the read marks are).
        article_id: the article annotated.
        title: its title, to say which article this is.
    """

    HELP_TITLE = "Note editor"
    HELP = "Write the note; save it (an empty note is deleted). Escape cancels, twice when there are changes."
    BINDINGS = [
        Binding("ctrl+s", "save", "Save the note", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]
    DEFAULT_CSS = """
    NoteDialog {
        #note-box { height: 80%; }
        #note-text { height: 1fr; }
    }
    """

    def __init__(self, state: State, article_id: str, title: str) -> None:
        super().__init__()
        self.state, self.article_id, self.article_title = state, article_id, title
        self.original = state.note(article_id) or ""
        """The note as the dialog opened (read once: a quick query)."""
        self._discard_armed = False
        """True after one Escape with unsaved changes: the next Escape discards them."""

    def compose(self) -> ComposeResult:
        # The title is corpus text: inert Text, never markup. The note is edited as plain text (no
        # syntax highlighting, no markup) and the TextArea draws control characters as they are not run.
        about = Text(end="")
        about.append(inert(self.article_title or self.article_id), style="bold")
        with Vertical(id="note-box", classes="dialog-box") as box:
            box.border_title = "Note"
            yield Static(about, id="note-title", classes="dialog-title", markup=False)
            yield OrderedTextArea(self.original, id="note-text", soft_wrap=True, tab_behavior="focus")
            yield Static(id="note-warning", classes="dialog-warning", markup=False)
            yield Static(id="note-error", classes="dialog-error", markup=False)
            yield Static(f"{key_shown(self, 'note.save')} saves (an empty note is deleted); "
                         f"{key_shown(self, 'note.cancel')} cancels.", id="note-hint", classes="dialog-hint",
                         markup=False)

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)  # at the end: adding to a note is the likely edit

    @property
    def text(self) -> str:
        return self.query_one("#note-text", TextArea).text

    @on(TextArea.Changed, "#note-text")
    def _edited(self) -> None:
        self._discard_armed = False
        self.query_one("#note-warning", Static).display = False
        self.hide_error()

    def action_save(self) -> None:
        try:
            stored = review.set_note(self.state, self.article_id, self.text)
        except (WireError, sqlite3.Error) as exc:
            # Nothing is stored and the text stays in the editor, to be cut down or copied out.
            self.show_error(f"{exc}.")
            return
        self.dismiss(stored)

    def action_cancel(self) -> None:
        if self.may_close(key_shown(self, "note.cancel"), "discards them"):
            self.dismiss(None)

    def may_close(self, key: str, effect: str) -> bool:
        """True when nothing typed would be lost, or the user was told so by the last key; else says so.

        Args:
            key: the key that asked (shown in the warning: pressing it again goes ahead).
            effect: what pressing it again does ("discards them", "quits without saving them").
        """
        if self._discard_armed or self.text.strip() == self.original.strip():  # as check_note compares
            return True
        self._discard_armed = True
        warning = self.query_one("#note-warning", Static)
        warning.update(Text(f"Unsaved changes: {key} again {effect}, {key_shown(self, 'note.save')} saves."))
        warning.display = True
        return False
