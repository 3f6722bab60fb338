"""WireApp and `make_app`: wiring only (themes, keymap, global keys, the first screen)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from reader.library import Library
from reader.locations import bundled
from reader.state import State
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.themes import DEFAULT_THEME, THEMES

STYLES = bundled("styles")


class WireApp(App[None]):
    """The reader. Build it with `make_app`; everything it shows comes from the Library it is given."""

    TITLE = "wire"
    CSS_PATH = [STYLES / "global.tcss", STYLES / "app.tcss"]
    HELP = "Global keys work everywhere. Keys can be changed in config.yaml under `keymap:` by binding id."
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
    ]

    def __init__(self, library: Library, state: State, theme: str | None = None) -> None:
        super().__init__()
        self.library = library
        self.state = state
        # `tags:` in the app's searches (worker threads) reads user tags through this one connection,
        # shared with the UI thread as the read marks are (State opens it with check_same_thread=False).
        library.tag_ids = state.tagged
        self.requested_theme = theme or library.config.theme or DEFAULT_THEME
        self.keymap: dict[str, str] = dict(library.config.keymap)
        """The user's binding id → keys overrides (from config), also read by the help screen."""

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        if self.requested_theme in self.available_themes:
            self.theme = self.requested_theme
        else:
            self.theme = DEFAULT_THEME
            self.notify(f"Unknown theme {self.requested_theme!r}; using {DEFAULT_THEME}. "
                        f"Themes: {', '.join(sorted(self.available_themes))}", severity="warning")
        if self.keymap:
            self.set_keymap(self.keymap)
        self.push_screen(MainScreen(self.library, self.state))

    async def action_quit(self) -> None:
        """Quit, unless a note being written would be lost: then the note dialog asks first."""
        from reader.tui.screens.note import NoteDialog  # a pushed screen: imported when used

        screen = self.screen
        if isinstance(screen, NoteDialog):
            key = self.keymap.get("app.quit", "ctrl+q").split(",")[0].strip()
            if not screen.may_close(self.get_key_display(Binding(key, "")), "quits without saving them"):
                return
        self.exit()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.keymap))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: keys", "Every key of this screen, from its live bindings", self.action_help)
        if isinstance(screen, MainScreen):
            yield SystemCommand("Toggle entity sidebar", "People, organisations, places", screen.action_toggle_sidebar)
            yield SystemCommand("Search", "Focus the search bar", screen.action_search)
            yield SystemCommand("Export the list", "Write the articles listed to a .md, .csv or .jsonl file",
                                screen.action_export)
            yield SystemCommand("Save this search", "Name the search shown; the sidebar lists it with its counts",
                                screen.action_save_search)
            yield SystemCommand("Tag the article", "Add or remove your tags: +tag -tag", screen.action_tag)
            yield SystemCommand("Annotate the article", "Write your note on it", screen.action_note)

    async def on_unmount(self) -> None:
        # Worker threads may be mid-query on the state or the library's databases: stop them and
        # wait (sync and NER check for cancellation often) before anything is closed under them.
        self.workers.cancel_all()
        await self.workers.wait_for_complete()
        self.state.close()


def make_app(library: Library, theme: str | None = None) -> WireApp:
    """The app on an opened Library (not yet synced: the app syncs in a worker, showing progress).

    Args:
        library: the corpus to read; the app does not close it.
        theme: a Textual theme name; default: the config's, else `wire-256` (256-colour safe).
    """
    return WireApp(library, State.open(library.locations.data_dir), theme)
