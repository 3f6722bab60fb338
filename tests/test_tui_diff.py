"""Pilot tests of the diff screen: chooser, side by side and unified layouts, change navigation.

The pairs and alignments are the real overlap detector's (Library.copies_of / Library.diff) on the
fixture corpus: 002 (the agency story) has two copies, 003 (a trimmed, reworded version of it) and
001 (whose background paragraphs the agency reused); 003 has one; 004 has none.
"""

from __future__ import annotations

import pytest

from reader.tui import make_app
from reader.tui.screens.diff import CopyChooser, DiffScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets import ArticleList, ReadingView
from reader.tui.widgets.wire_diff import WireDiffView
from tests.test_tui_support import open_library, pilot_test, ready, settle

WIRE, VALLEY, HERALD = "002_wire_terminal.md", "003_valley_terminal.md", "001_herald_terminal.md"


@pytest.fixture
def lib(home):
    library = open_library(home)
    yield library
    library.close()


def shares(lib, a: str, b: str) -> tuple[str, str, str]:
    """The pair as the Library scored it, seen from `a`: (a's share, b's share, label), as the header words them."""
    pair = next(o for o in lib.copies_of(a) if {o.a, o.b} == {a, b})
    mine, theirs = (pair.share_a, pair.share_b) if pair.a == a else (pair.share_b, pair.share_a)
    return f"{mine:.0%} reused", f"{theirs:.0%} reused", f"{pair.label} derived"


@pilot_test
async def test_several_copies_open_a_chooser_then_a_side_by_side_diff(lib):
    app = make_app(lib)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.screen.query_one(ArticleList).move_to(WIRE)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, CopyChooser)
        options = app.screen.query_one("OptionList")
        # Most reused first: more of 003 than of 001 is the agency's text.
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [VALLEY, HERALD]
        await pilot.press("j", "k")  # the chooser takes the vim keys too
        assert options.highlighted == 0
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen) and app.screen.b == VALLEY
        view = app.screen.query_one(WireDiffView)
        # Side by side; the notes above the first passage (segment -1) span the width.
        assert not view.unified and all(r.right is not None for r in view.rows if r.segment >= 0)
        header = str(app.screen.query_one("#diff-header").render())
        a_share, b_share, label = shares(lib, WIRE, VALLEY)
        assert f"A {a_share}" in header and f"B {b_share}" in header and label in header
        assert len(header.splitlines()) == 3 and f"{len(view.changes)} changes, ] for the first" in header
        # Whom the copy dropped (the Coastal Trust passage is only in the agency's story): the diff's first lines.
        notes = " ".join(r.left.plain for r in view.rows if r.segment == -1)
        assert "names only in A:" in notes and "Coastal Trust" in notes.split("names only in A:")[1]
        marks = {r.mark for r in view.rows}
        # Changes carry symbols, not colour alone: ~ changed, - only in A, + only in B, and a "!"
        # line over an edit that touches a number, a quotation or an attribution verb.
        assert {"~", "-", "+", " ", "!"} == marks
        notes = [str(r.left) for r in view.rows if r.mark == "!"]
        assert any("an attribution verb" in n for n in notes)  # "said" became "claimed"
        assert any("a number" in n for n in notes)  # 300 became 350
        assert len(view.changes) >= 2
        await pilot.press("right_square_bracket")
        assert view.current_change == 0
        await pilot.press("right_square_bracket")
        assert view.current_change == 1
        await pilot.pause()
        assert f"change 2 of {len(view.changes)}" in str(app.screen.query_one("#diff-header").render())
        assert view.scroll_offset.y == min(view.max_scroll_y, max(0, view.changes[1] - 1))
        await pilot.press("left_square_bracket")
        assert view.current_change == 0
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)


@pilot_test
async def test_one_copy_opens_the_diff_directly_unified_when_narrow(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.screen.query_one(ArticleList).move_to(VALLEY)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen) and app.screen.b == WIRE
        view = app.screen.query_one(WireDiffView)
        assert view.unified and all(r.right is None for r in view.rows)
        header = app.screen.query_one("#diff-header")
        assert header.size.height == 3 and len(str(header.render()).splitlines()) == 3  # 3 of 24 rows
        lines = [(r.mark, r.left.plain) for r in view.rows]
        # The reworded quote: Valley's "claimed" against the agency's "said", each on its own side.
        assert any("claimed" in text for mark, text in lines if mark == "-")
        assert any("Park said" in text for mark, text in lines if mark == "+")
        # What only one side has: Valley's residents (A), the agency's vote count (B).
        assert any("Residents queued" in text for mark, text in lines if mark == "-")
        assert any("voted five to two" in text for mark, text in lines if mark == "+")
        # The changed words are emphasised inside the changed passages.
        changed_a = view.get_component_rich_style("wire-diff--changed-a")
        emphasised = {row.left.plain[s.start:s.end] for row in view.rows if row.mark == "-"
                      for s in row.left.spans if s.style == changed_a}
        assert "claimed" in emphasised and "350" in emphasised
        # Jumping to the last change scrolls it into view (one line of context above it).
        await pilot.press("G", "g", *["right_square_bracket"] * len(view.changes))
        assert view.current_change == len(view.changes) - 1
        top = int(view.scroll_offset.y)
        assert top == min(view.max_scroll_y, view.changes[-1] - 1) and top > 0
        # Widening the terminal switches to side by side.
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not view.unified and all(r.right is not None for r in view.rows if r.segment >= 0)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pilot_test
async def test_d_without_copies_says_so_and_stays(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        app.screen.query_one(ArticleList).move_to("004_herald_library.md")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("no wire copies" in str(n.message) for n in app._notifications)


@pilot_test
async def test_keys_held_down_scroll_the_reading_view_and_the_diff_a_line_each(lib):
    """j held down over SSH: keys arrive in one read, all queued before the first is handled. Each must
    scroll (in the reading view Textual's deferred scroll started every one from the same line: a burst
    moved one line; the diff view scrolled right already, and must stay so)."""
    from textual import events

    from reader.tui.widgets import ReadingView

    def burst(app, key: str, n: int) -> None:
        for _ in range(n):
            app.post_message(events.Key(key, key))

    app = make_app(lib)
    async with app.run_test(size=(60, 12)) as pilot:
        await ready(pilot)
        app.screen.query_one(ArticleList).move_to(WIRE)
        await pilot.press("enter")
        await settle(pilot)
        reading = app.screen.query_one(ReadingView)
        assert reading.max_scroll_y >= 4
        burst(app, "j", 4)
        await settle(pilot)
        assert reading.scroll_y == 4
        burst(app, "k", 3)
        await settle(pilot)
        assert reading.scroll_y == 1
        await pilot.press("d")
        await settle(pilot)
        if isinstance(app.screen, CopyChooser):
            await pilot.press("enter")
            await settle(pilot)
        view = app.screen.query_one(WireDiffView)
        assert view.max_scroll_y >= 4
        burst(app, "j", 4)
        await settle(pilot)
        assert view.scroll_offset.y == 4


@pilot_test
async def test_the_reading_view_lists_an_articles_copies(lib):
    app = make_app(lib)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.screen.query_one(ArticleList).move_to(WIRE)
        await pilot.press("enter")
        await settle(pilot)
        reading = app.screen.query_one(ReadingView)
        assert reading.article is not None and reading.article.id == WIRE
        # Most reused first, each with both shares, the label and the copy's outlet, date and title.
        a_share, b_share, label = shares(lib, WIRE, VALLEY)
        first = reading.copies[0]
        assert len(reading.copies) == 2 and a_share.split()[0] in first and b_share.split()[0] in first
        assert label.split()[0] in first and lib.article(VALLEY).title in first
        text = reading.render_article().plain
        assert "Wire copies (2; shares: this one, the copy; d compares)" in text
        # An article without copies lists none.
        await pilot.press("escape")
        await settle(pilot)
        app.screen.query_one(ArticleList).move_to("004_herald_library.md")
        await pilot.press("enter")
        await settle(pilot)
        assert reading.article.id == "004_herald_library.md" and reading.copies == []
