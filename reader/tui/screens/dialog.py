"""Dialog: the small centred box the app asks in (export, save a search, tag, note): one look, one error line."""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.textsafe import inert

Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    """A ModalScreen with the house look. Subclasses put their widgets in a `Vertical(classes="dialog-box")`
    and mark parts with the classes below; the error line is a `Static(classes="dialog-error")`."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        .dialog-box { width: 90%; max-width: 90; height: auto; border: round $primary; background: $surface;
                      padding: 0 1; }
        .dialog-title { text-wrap: nowrap; text-overflow: ellipsis; }
        .dialog-hint { color: $text-muted; }
        .dialog-warning { color: $warning; text-style: bold; display: none; }
        .dialog-error { color: $error; text-style: bold; display: none; }
    }
    """

    def show_error(self, message: str, capitalise: bool = True) -> None:
        """One line in the error slot, made inert; a WireError's message (lower-case, as the CLI prints
        it after "wire: error:") gets a capital, unless `capitalise` is False ("wire does not…")."""
        message = " ".join(message.split())
        if capitalise:
            message = message[:1].upper() + message[1:]
        error = self.query_one(".dialog-error", Static)
        error.update(Text(inert(message)))
        error.display = True

    def hide_error(self) -> None:
        self.query_one(".dialog-error", Static).display = False

    def action_cancel(self) -> None:
        self.dismiss(None)
