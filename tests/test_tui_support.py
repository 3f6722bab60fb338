"""Shared helpers for the TUI tests (no tests here): the fixture corpus, the real Library on it, and
waits for the app's workers (`settle` after a key, `ready` after start-up).

Every TUI test runs the real stages: Whoosh, spaCy with its real model (loaded once per process by
reader.entities.ner), the wire-copy detector, SQLite. The corpus in tests/data/tui/corpus is written
so that they find what the tests look for: see tests/data/tui/README.md.
"""

from __future__ import annotations

import asyncio
import functools
import shutil
from contextlib import asynccontextmanager
from pathlib import Path

from textual.worker import WorkerCancelled

from reader.config import load_config
from reader.library import Library
from reader.locations import Locations
from reader.tui.screens.main import MainScreen
from reader.tui.widgets import ArticleList, EntitySidebar, StatusBar

TUI_DATA = Path(__file__).resolve().parent / "data" / "tui"
CORPUS = TUI_DATA / "corpus"
HOSTILE = "005_hostile.md"
ARTICLES = 8
"""Articles in the fixture corpus."""
COPIES = {"001_herald_terminal.md", "002_wire_terminal.md", "003_valley_terminal.md"}
"""The articles the real overlap detector pairs: 002 with 003 (one agency story, trimmed and
reworded) and 002 with 001 (the agency reused the Herald's background paragraphs)."""

READY_ROUNDS = 400
"""Upper bound on settle rounds before `ready` gives up (a hang guard, not a timing assertion:
each round waits for the running workers, however long they take)."""


def open_library(home: Path, config_text: str | None = None) -> Library:
    """The real Library on the fixture corpus, its derived data and user state under `home`."""
    config = None
    if config_text is not None:
        path = home / "config.yaml"
        path.write_text(config_text, encoding="utf-8")
        config = load_config(path, path)
    return Library(CORPUS.resolve(), Locations.resolve(home), config)


def busy(app) -> list:
    """The workers running, but the watch of the corpus folder: it runs for as long as the screen does."""
    return [w for w in app.workers if w.is_running and w.group != "watch"]


async def settle(pilot, rounds: int = 30) -> None:
    """Wait until no worker runs and the messages they posted are handled (handlers start new workers)."""
    app = pilot.app
    for _ in range(rounds):
        try:
            if running := busy(app):  # (an empty list would mean every worker to Textual)
                await app.workers.wait_for_complete(running)
        except WorkerCancelled:
            pass  # an exclusive worker replaced by a newer one: expected, keep waiting for the rest
        await pilot.pause()
        if not busy(app):
            await pilot.pause()
            if not busy(app):
                return


def main_screen(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def started(app) -> bool:
    """The start-up chain is over: list shown, corpus synced, entities counted, wire copies marked.

    The chain is listing → sync → entities → copies, each stage started by the message of the one
    before, so "no worker runs" alone can be true between two stages. What only the last stage
    does is mark the copies (and the fixture corpus has some), after the entities are counted.
    """
    if not any(isinstance(s, MainScreen) for s in app.screen_stack):
        return False
    screen = main_screen(app)
    status = screen.query_one(StatusBar)
    options = screen.query_one(EntitySidebar).query_one("#entity-options")
    return (status.total == ARTICLES and status.busy == "" and bool(screen.query_one(ArticleList).copies)
            and any((options.get_option_at_index(i).id or "search").split("\t")[0] != "search"
                    for i in range(options.option_count))  # an entity listed, not just a saved search
            and status.watching == screen.library.config.watch  # the folder watched (or not, as configured)
            and not busy(app))


async def ready(pilot) -> None:
    """Wait (on the workers, no fixed sleep) until the app has listed, synced and enriched the corpus."""
    for _ in range(READY_ROUNDS):
        await settle(pilot)
        if started(pilot.app):
            return
    status = main_screen(pilot.app).query_one(StatusBar)
    raise AssertionError(f"the app never finished starting: busy={status.busy!r} notice={status.notice!r} "
                         f"total={status.total}")


async def until(pilot, condition, rounds: int = 200, what: str = "") -> None:
    """Wait for a condition the app reaches through a timer (e.g. the preview after the cursor rests).

    Polls between short pauses with workers settled; the bound only turns a hang into a failure.
    """
    for _ in range(rounds):
        await settle(pilot)
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never reached: {what or condition}")


def pilot_test(fn):
    """Run an async Pilot test with asyncio.run: no async plugin is a test dependency."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


def writable_copy(home: Path, tmp_path: Path, config=None) -> tuple[Library, Path]:
    """A Library on a copy of the fixture corpus in `tmp_path` (files may be written, changed, removed)."""
    folder = tmp_path / "news"
    shutil.copytree(CORPUS, folder)
    return Library(folder, Locations.resolve(home), config), folder


@asynccontextmanager
async def running_on_copy(home: Path, tmp_path: Path, config=None, size=(100, 30), prepare=None, **options):
    """The app started (listed, synced, enriched) on `writable_copy`: (pilot, folder). `prepare(library,
    folder)` runs before the app starts (feed subscriptions, say)."""
    from reader.tui import make_app

    library, folder = writable_copy(home, tmp_path, config)
    if prepare is not None:
        prepare(library, folder)
    app = make_app(library)
    try:
        async with app.run_test(size=size, **options) as pilot:
            await ready(pilot)
            yield pilot, folder
    finally:
        library.close()


def list_and_status(pilot) -> tuple[ArticleList, StatusBar]:
    return pilot.app.screen.query_one(ArticleList), pilot.app.screen.query_one(StatusBar)
