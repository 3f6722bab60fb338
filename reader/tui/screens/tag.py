"""TagDialog: edits the user's tags on one article (key `t`) with `+tag -tag tag`, as `wire tag` does."""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from reader import review
from reader.errors import WireError
from reader.state import State
from reader.textsafe import inert
from reader.tui.screens.dialog import Dialog
from reader.tui.widgets import OrderedInput

IN_USE_SHOWN = 8
"""How many of the tags in use the dialog lists (the most used first): reminders, not a full index."""


class TagDialog(Dialog[list[str] | None]):
    """Applies the edits typed to one article's tags; dismisses with its tags after, or None when cancelled.

    Args:
        state: where tags live (one short autocommitted write per edit, on the UI thread as the read marks are).
        article_id: the article tagged.
        title: its title, to say which article this is.
    """

    HELP_TITLE = "Tag dialog"
    HELP = "+tag adds a tag, -tag removes one, a bare tag adds it; several at once. Enter applies; Escape cancels."
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tag.cancel")]
    def __init__(self, state: State, article_id: str, title: str) -> None:
        super().__init__()
        self.state, self.article_id, self.article_title = state, article_id, title
        self.tags = state.tags_of(article_id)
        """The article's tags as the dialog opened (read once: a quick query)."""
        self.in_use = sorted(state.tag_counts(), key=lambda tc: (-tc[1], tc[0]))[:IN_USE_SHOWN]
        """The most used tags, offered as a reminder so one thing is not tagged two ways."""

    def compose(self) -> ComposeResult:
        # Titles and tags are corpus and user text: inert Text, never markup.
        about = Text(end="")
        about.append(inert(self.article_title or self.article_id), style="bold")
        current = Text(end="")
        current.append("Tags: ")
        current.append(", ".join(inert(t) for t in self.tags) if self.tags else "none yet",
                       style="bold" if self.tags else "italic")
        with Vertical(id="tag-box", classes="dialog-box") as box:
            box.border_title = "Tag this article"
            yield Static(about, id="tag-title", classes="dialog-title", markup=False)
            yield Static(current, id="tag-current", markup=False)
            yield OrderedInput(id="tag-edits", placeholder="+tag adds, -tag removes", select_on_focus=False)
            yield Static("+tag (or tag) adds, -tag removes, several at once: +urgent -draft; words after "
                         "+ or - make one tag (+follow up is follow-up). Enter applies; Esc cancels.", id="tag-hint", classes="dialog-hint", markup=False)
            if self.in_use:
                yield Static(Text("In use: " + ", ".join(f"{inert(t)} ({n})" for t, n in self.in_use)),
                             id="tag-in-use", classes="dialog-hint", markup=False)
            yield Static(id="tag-error", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#tag-edits", Input).focus()

    @on(Input.Submitted, "#tag-edits")
    def _submitted(self, event: Input.Submitted) -> None:
        words = review.split_edits(event.value)
        if not words:
            self.dismiss(None)  # nothing typed: Enter closes, as Esc would
            return
        try:
            tags = review.apply_edits(self.state, self.article_id, words)
        except (WireError, sqlite3.Error) as exc:
            self.show_error(str(exc))
            return
        self.dismiss(tags)

    @on(Input.Changed, "#tag-edits")
    def _edited(self) -> None:
        self.hide_error()

