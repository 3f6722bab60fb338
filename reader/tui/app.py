"""WireApp and `make_app`: wiring only (themes, keymap, global keys, the first screen)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.markup import escape
from textual.screen import Screen

from reader.library import Library
from reader.locations import bundled
from reader.state import State
from reader.tui.keys import binding_ids, grouped, keymap_warnings
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.themes import DEFAULT_THEME, THEMES

STYLES = bundled("styles")
QUIT_WAIT = 0.15
"""Seconds the closing app waits for its workers to stop before abandoning them (quit must take < 1 s)."""


class _Threads(ThreadPoolExecutor):
    """The thread pool behind the app's thread workers, counting the calls still running."""

    def __init__(self) -> None:
        super().__init__(thread_name_prefix="wire-worker")
        self._running: set[Future] = set()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future = super().submit(fn, *args, **kwargs)
        self._running.add(future)
        future.add_done_callback(self._running.discard)
        return future

    def busy(self) -> int:
        return sum(1 for f in list(self._running) if not f.done())


class WireApp(App[None]):
    """The reader. Build it with `make_app`; everything it shows comes from the Library it is given."""

    TITLE = "wire"
    CSS_PATH = [STYLES / "global.tcss", STYLES / "app.tcss"]
    HELP_TITLE = "Everywhere"
    HELP = "These work on every screen. Ctrl-p opens the command palette: every action of the screen by name."
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
        library.marked = state.marked  # `is:unread`, `is:starred`
        self.requested_theme = theme or library.config.theme or DEFAULT_THEME
        config = library.config
        self.keymap: dict[str, str]
        """The user's binding id → keys overrides (from config, those the app can apply), also read by
        the help screen."""
        # Knowing every binding id imports every screen's module, the pushed ones too (0.2 s of a launch on
        # the benchmark machine): only a keymap to check pays for it.
        known = binding_ids() if config.keymap else frozenset()
        self.keymap, unusable = keymap_warnings(config.keymap, config.keymap_where, known)
        self.config_warnings = sorted([*config.warnings, *unusable], key=_line)
        """The config's entries left out (a keymap id no binding has, a key that is no key), with file:line."""
        self._threads = _Threads()
        self.abandoned = 0
        """Worker threads still running when the app closed (see on_unmount): `run` must not wait for them."""

    def on_mount(self) -> None:
        # Before any worker starts: thread workers run in the loop's default executor, made ours here.
        asyncio.get_running_loop().set_default_executor(self._threads)
        for theme in THEMES:
            self.register_theme(theme)
        if self.requested_theme in self.available_themes:
            self.theme = self.requested_theme
        else:
            self.theme = DEFAULT_THEME
            self.notify(f"Unknown theme {self.requested_theme!r}; using {DEFAULT_THEME}. "
                        f"Themes: {', '.join(sorted(self.available_themes))}", severity="warning")
        for warning in self.config_warnings:
            self.notify(warning, title="config", severity="warning", timeout=20, markup=False)
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
        for screen in self.screen_stack:  # the last position, now rather than when its timer would have fired
            save = getattr(screen, "save_position", None)
            if save is not None:
                save()
        self.workers.cancel_all()  # now, not once Textual has taken the screens down: sync and NER stop at once
        deadline = time.monotonic() + QUIT_WAIT
        while self._threads.busy() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        if self._threads.busy() and not self.is_headless:  # (a test's app, under Pilot, must not end pytest)
            self._leave_now()
        self.exit()

    def _leave_now(self) -> None:
        """End the process at once, the terminal restored, when a worker thread is still busy in a pass that
        cannot stop (the entity merge, the copy scoring): Textual's orderly teardown of every widget took
        0.4-0.8 s more on the benchmark machine with such a thread holding the interpreter, and ends in the
        same os._exit (see on_unmount, run). As safe as a kill -9, which every stage survives: each mark is
        committed as it is made, and action_quit saved the last position first."""
        driver = self._driver
        if driver is not None:
            driver.stop_application_mode()  # the terminal as it was: main screen, cursor, line mode
            driver.close()  # its writer thread flushed
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(0)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.keymap, self.library.config.source))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands but its key panel (our help is the one help), then every action of the
        screen from its live bindings (the keymap applied), each once with its key: a binding added
        later is listed by itself."""
        for command in super().get_system_commands(screen):
            if command.callback not in (self.action_show_help_panel, self.action_hide_help_panel):
                yield command
        titles = {"Theme", "Quit", "Maximize", "Minimize", "Screenshot"}
        ours = binding_ids(ours_only=True)  # not Textual's focus or copy keys: they are no reader action
        for (_id, title), (node, binding, keys) in palette_bindings(screen).items():
            if title in titles or binding.action == "quit" or binding.id not in ours:
                continue  # Textual's Quit, from ctrl+q: one Quit
            titles.add(title)
            shown = ", ".join(self.get_key_display(Binding(key, binding.action)) for key in keys)
            about = "every key of this screen, and how to change them" if binding.action == "help" else _id
            yield SystemCommand(escape(title), escape(f"{shown} · {about}"),
                                partial(self.run_action, binding.action, node))

    async def on_unmount(self) -> None:
        # Worker threads may be mid-query on the state or the library's databases: stop them and wait
        # a moment (sync and NER see the cancellation within a tenth of a second) before anything is
        # closed under them. A worker in a pass that cannot stop (the wire-copy scoring, the entity
        # merge) is abandoned: `abandoned` tells the caller to end the process without waiting for it,
        # which is as safe as a kill -9 (every write is a transaction; see reader/sync.py).
        # Textual marks a cancelled thread worker finished at once, while its thread runs on: the
        # executor's own futures say when the threads are really done.
        self.workers.cancel_all()
        deadline = time.monotonic() + QUIT_WAIT
        while self._threads.busy() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        self.abandoned = self._threads.busy()
        if self.abandoned:
            # asyncio.run() joins the default executor's threads on the way out: give it an idle one.
            asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
        else:
            self.state.close()
            self._threads.shutdown(wait=False)  # idle now; asyncio's own shutdown joins them


def _line(warning: str) -> int:
    """The line a "file:line: ..." warning names (warnings are shown in the file's order)."""
    found = re.match(r".*?:(\d+): ", warning)
    return int(found.group(1)) if found else 0


def palette_bindings(screen: Screen) -> dict[tuple[str, str], tuple[DOMNode, Binding, list[str]]]:
    """(id, description) → (namespace, binding, keys) of the screen's live bindings worth a palette entry:
    the screen's and the app's with a description, and the focused widget's shown in the footer (its
    j/k moves are no command). From Textual's active bindings: the keymap applied, disabled ones out."""
    by_node: dict[DOMNode, list[tuple[str, Binding]]] = {}
    for key, (node, binding, _enabled, _tooltip) in screen.active_bindings.items():
        if binding.description and (node is screen or node is screen.app or binding.show):
            by_node.setdefault(node, []).append((key, binding))
    found: dict[tuple[str, str], tuple[DOMNode, Binding, list[str]]] = {}
    for node, pairs in by_node.items():
        for entry, (binding, keys) in grouped(pairs).items():
            found.setdefault(entry, (node, binding, keys))
    return found


def make_app(library: Library, theme: str | None = None) -> WireApp:
    """The app on an opened Library (not yet synced: the app syncs in a worker, showing progress).

    Args:
        library: the corpus to read; the app does not close it.
        theme: a Textual theme name; default: the config's, else `wire-256` (256-colour safe).

    Raises:
        StateUnusable: the state file is damaged or newer. The app refuses rather than opening read-only:
            it writes as you read (read marks, stars, the last position), and a read-only app would drop
            each of those; the one line names the backup and `wire state restore` (seconds to run), and
            `wire search`/`show`/`export` still work meanwhile.
    """
    notices: list[tuple[str, str]] = []  # what State did by itself (a moved corpus adopted): shown as toasts
    app = WireApp(library, State.open(library.locations.data_dir, library.corpus,
                                      notify=lambda text, severity: notices.append((text, severity))), theme)
    for text, severity in notices:
        app.notify(text, severity=severity, timeout=15, markup=False)  # queued until the app runs
    return app


def run(app: WireApp) -> None:
    """Run the app until it quits; if it left worker threads busy (see on_unmount), end the process
    right away (the terminal is restored by then), as a kill would: nothing waits on those threads."""
    app.run()
    if app.abandoned:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(app.return_code or 0)
