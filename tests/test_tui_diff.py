"""Pilot tests of the diff screen: chooser, side by side and unified layouts, change navigation.

The alignments come from EnrichedLibrary.diff (a difflib stand-in with the real Segment shapes)
until Library.diff exists; see tests/test_tui_support.py.
"""

from __future__ import annotations

import pytest

from reader.tui import make_app
from reader.tui.screens.diff import CopyChooser, DiffScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets import ArticleList
from reader.tui.widgets.wire_diff import WireDiffView
from tests.test_tui_support import CORPUS, EnrichedLibrary, pilot_test, settle


@pytest.fixture
def lib(home):
    library = EnrichedLibrary.on(CORPUS, home)
    yield library
    library.close()


@pilot_test
async def test_several_copies_open_a_chooser_then_a_side_by_side_diff(lib):
    app = make_app(lib)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(ArticleList).move_to("002_wire_terminal.md")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, CopyChooser)
        options = app.screen.query_one("OptionList")
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            "003_valley_terminal.md", "001_herald_terminal.md"]  # most reused first
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen) and app.screen.b == "003_valley_terminal.md"
        view = app.screen.query_one(WireDiffView)
        assert not view.unified and all(r.right is not None for r in view.rows)
        header = str(app.screen.query_one("#diff-header").render())
        assert "62% reused" in header and "71% reused" in header and "partially derived" in header
        marks = {r.mark for r in view.rows}
        # Changes carry symbols, not colour alone: ~ changed, - only in A, + only in B.
        assert "~" in marks and "-" in marks and marks <= {" ", "~", "-", "+"}
        assert len(view.changes) >= 2
        await pilot.press("right_square_bracket")
        assert view.current_change == 0
        await pilot.press("right_square_bracket")
        assert view.current_change == 1
        assert view.scroll_offset.y == min(view.max_scroll_y, max(0, view.changes[1] - 1))
        await pilot.press("left_square_bracket")
        assert view.current_change == 0
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)


@pilot_test
async def test_one_copy_opens_the_diff_directly_unified_when_narrow(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(ArticleList).move_to("003_valley_terminal.md")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen) and app.screen.b == "002_wire_terminal.md"
        view = app.screen.query_one(WireDiffView)
        assert view.unified and all(r.right is None for r in view.rows)
        changed = [r for r in view.rows if r.mark in "-+" and r.left.plain.strip()]
        assert any("claimed" in r.left.plain for r in changed if r.mark == "-")
        assert any("said" in r.left.plain for r in changed if r.mark == "+")
        # Jumping to the last change scrolls it into view (one line of context above it).
        await pilot.press("G", "g", *["right_square_bracket"] * len(view.changes))
        assert view.current_change == len(view.changes) - 1
        top = int(view.scroll_offset.y)
        assert top == min(view.max_scroll_y, view.changes[-1] - 1) and top > 0
        # Widening the terminal switches to side by side.
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not view.unified and all(r.right is not None for r in view.rows)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pilot_test
async def test_d_without_copies_says_so_and_stays(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(ArticleList).move_to("004_herald_library.md")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("no wire copies" in str(n.message) for n in app._notifications)
