"""Snapshot tests (pytest-textual-snapshot) of the main, diff and help screens at 80x24 and 120x40.

Deterministic: the fixed corpus in tests/data/tui, a temporary WIRE_HOME, the real Library (so
the sidebar, the copy marks and the diff show what spaCy and the overlap detector found), every
worker settled before the screenshot, and no focused Input (so no blinking cursor). Update the SVG
baselines with `pytest tests/test_tui_snapshots.py --snapshot-update` and review them before committing.
"""

from __future__ import annotations

import pytest

from reader.config import Config
from reader.library import Library
from reader.locations import Locations
from reader.tui import make_app
from reader.tui.widgets import ArticleList
from tests.test_tui_support import CORPUS, ready, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def app(home):
    # Not watched: the status line's `live` comes once the watch is set up, a moment the screenshot must not race.
    # (A Config, not a file: the help screen names the config file, whose temporary path would differ each run.)
    library = Library(CORPUS.resolve(), Locations.resolve(home), Config(watch=False))
    yield make_app(library)
    library.close()


async def _on(pilot, article_id: str) -> None:
    await ready(pilot)
    pilot.app.screen.query_one(ArticleList).move_to(article_id)
    await settle(pilot)


class TestMainScreen:
    @pytest.mark.parametrize("size", SIZES)
    def test_list(self, app, snap_compare, size):
        async def run_before(pilot):
            await _on(pilot, "002_wire_terminal.md")

        assert snap_compare(app, terminal_size=size, run_before=run_before)

    @pytest.mark.parametrize("size", SIZES)
    def test_reading(self, app, snap_compare, size):
        async def run_before(pilot):
            await _on(pilot, "003_valley_terminal.md")
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(app, terminal_size=size, run_before=run_before)


class TestDiffScreen:
    @pytest.mark.parametrize("size", SIZES)
    def test_diff(self, app, snap_compare, size):
        async def run_before(pilot):
            await _on(pilot, "003_valley_terminal.md")
            await pilot.press("d")
            await settle(pilot)
            await pilot.press("right_square_bracket")

        assert snap_compare(app, terminal_size=size, run_before=run_before)


class TestHelpScreen:
    @pytest.mark.parametrize("size", SIZES)
    def test_help(self, app, snap_compare, size):
        async def run_before(pilot):
            await ready(pilot)
            await settle(pilot)  # the sidebar's last counts drawn: the help is drawn over it
            await pilot.press("question_mark")
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=run_before)
