"""ExportDialog: the file the list on screen is written to (key `x`); its extension picks the format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from reader.textsafe import inert
from reader.tui.screens.dialog import Dialog
from reader.tui.widgets import OrderedInput

EXTENSIONS = {".md": "md", ".csv": "csv", ".jsonl": "jsonl"}
"""File extension (any case) → the format reader.export writes."""


def default_name(now: dt.datetime | None = None) -> str:
    """`wire-export-YYYYMMDD-HHMMSS.md`: a new name each second, in time order when sorted."""
    return f"wire-export-{now or dt.datetime.now():%Y%m%d-%H%M%S}.md"


def format_of(path: str) -> str | None:
    """The export format a file name asks for, or None for an extension wire does not write."""
    return EXTENSIONS.get(Path(path).suffix.lower())


class ExportDialog(Dialog[tuple[str, str] | None]):
    """Asks where to write; dismisses with (the path as typed, its format), or None when cancelled.

    Args:
        count: articles in the list.
        listed: the query and entity filters the list shows; empty when it shows every article.
        folder: where a bare file name goes (the working directory; None when it no longer exists).
        name: the file name offered.
    """

    HELP_TITLE = "Export dialog"
    HELP = "The file's extension picks the format: .md, .csv or .jsonl. Enter writes; Escape cancels."
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]
    def __init__(self, count: int, listed: str, folder: Path | None, name: str, error: str | None = None) -> None:
        super().__init__()
        self.count, self.listed, self.folder, self.offered = count, listed, folder, name
        self.error = error
        """Why the last try with this name failed (the dialog comes back with the name as typed)."""
        self._replace: Path | None = None
        """The existing file a first Enter was warned about: Enter again on the same name replaces it."""

    def compose(self) -> ComposeResult:
        # The query and the entity names come from the user and the corpus: inert Text, never markup.
        about = Text(end="")
        about.append(f"{self.count} article{'s' if self.count != 1 else ''}", style="bold")
        about.append(" will be written: ")
        if self.listed:
            about.append("the matches for ")
            about.append(inert(self.listed), style="bold")
        else:
            about.append("every article")
        if self.folder is not None:
            about.append(".\nA file name alone is saved in ")
            about.append(inert(str(self.folder)), style="bold")
            about.append(" (where wire was started).")
        else:
            about.append(".\nThe folder wire was started in no longer exists: give a full path.")
        with Vertical(id="export-box", classes="dialog-box") as box:
            box.border_title = "Export the list"
            yield Static(about, markup=False)
            yield OrderedInput(self.offered, id="export-path", select_on_focus=False)
            yield Static("The extension picks the format: .md a Markdown dossier, .csv a spreadsheet, "
                         ".jsonl JSON Lines. Enter writes; Esc cancels.", id="export-hint", classes="dialog-hint",
                         markup=False)
            yield Static(id="export-warning", classes="dialog-warning", markup=False)
            yield Static(id="export-error", classes="dialog-error", markup=False)

    def on_mount(self) -> None:
        path = self.query_one("#export-path", Input)
        path.focus()
        path.cursor_position = len(path.value)  # at the end: the extension is the likely edit
        if self.error:
            self.show_error(f"Not exported: {self.error}", capitalise=False)

    def _target(self, path: str) -> Path:
        """Where the typed name would be written (a bare name goes to `folder`)."""
        target = Path(path).expanduser()
        if not target.is_absolute() and self.folder is not None:
            target = self.folder / target
        return target

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        fmt = format_of(path)
        if fmt is not None:
            target = self._target(path)
            try:
                exists = target.is_file()
            except OSError:
                exists = False  # a name the file system refuses: the export says why
            if exists and self._replace != target:
                self._replace = target
                warning = self.query_one("#export-warning", Static)
                warning.update(Text(f"{inert(str(target))} exists: Enter again replaces it, or change the name."))
                warning.display = True
                return
            self.dismiss((path, fmt))
            return
        suffix = Path(path).suffix
        if not path:
            problem = "Give a file name, e.g. wire-export.md."
        elif not suffix:
            problem = "No extension: end the name with .md, .csv or .jsonl."
        else:
            problem = f"wire does not write {inert(suffix)} files: use .md, .csv or .jsonl."
        self.show_error(problem, capitalise=False)

    @on(Input.Changed, "#export-path")
    def _edited(self, event: Input.Changed) -> None:
        if self.error and event.value == self.offered:
            return  # the input setting its first value: the reason the last try failed stays until an edit
        self.error = None
        self.hide_error()
        self._replace = None
        self.query_one("#export-warning", Static).display = False

