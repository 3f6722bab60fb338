"""Pilot tests of the diff screen: chooser, side by side and unified layouts, change navigation.

The pairs and alignments are the real overlap detector's (Library.copies_of / Library.diff) on the
fixture corpus: 002 (the agency story) has two copies, 003 (a trimmed, reworded version of it) and
001 (whose background paragraphs the agency reused); 003 has one; 004 has none.
"""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.app import App

from reader.models import Segment
from reader.overlap.flags import FLAG_SYMBOL, flag_text
from reader.overlap.render import (DEL_CLOSE, DEL_OPEN, INS_CLOSE, INS_OPEN, SYMBOL, header_lines, legend, render,
                                   short_legend)
from reader.tui import make_app
from reader.tui.screens.diff import CopyChooser, DiffScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets import ArticleList, ReadingView
from reader.tui.widgets.wire_diff import COMPONENT_OF, WireDiffView
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


def passages(view: WireDiffView) -> list[list[tuple[str, str]]]:
    """The view's rows of the passages as (kind, text) runs, without the blank line after each passage."""
    return [list(r.runs) for r in view.rows if r.segment >= 0 and r.runs]


def cli_lines(lib, a: str, b: str, width: int) -> list[list[tuple[str, str]]]:
    """What `wire diff A B` prints for the pair at `width` columns, without its title lines."""
    return render(lib.diff(a, b).alignment, width)[len(header_lines(width, "a", "b")):]


def gutter_column(line: list[tuple[str, str]]) -> int:
    """Columns before the gutter run of a line."""
    return cell_len("".join(t for _, t in line[:[k for k, _ in line].index("gutter")]))


def drawn(view: WireDiffView, row: int) -> list[tuple[str, object]]:
    """(text, Rich style) of each segment the view draws for `row`, which must be on screen."""
    return [(seg.text, seg.style) for seg in view.render_line(row - int(view.scroll_offset.y))]


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
        width = view.scrollable_content_region.width
        # Side by side: every passage row has the gutter symbol in the middle column.
        assert not view.unified and width >= 100
        assert {gutter_column(line) for line in passages(view)} == {(width - 3) // 2}
        header = str(app.screen.query_one("#diff-header").render())
        a_share, b_share, label = shares(lib, WIRE, VALLEY)
        assert f"A {a_share}" in header and f"B {b_share}" in header and label in header
        assert len(header.splitlines()) == 3 and f"{len(view.changes)} changes, ] for the first" in header
        assert short_legend("A", "B")[:20] in header.splitlines()[2]
        # Whom the copy dropped (the Coastal Trust passage is only in the agency's story), then the legend
        # `wire diff` prints: the diff's first lines.
        notes = " ".join(r.text for r in view.rows if r.segment == -1)
        assert "names only in A:" in notes and "Coastal Trust" in notes.split("names only in A:")[1]
        assert all(line in notes for line in legend("A", "B"))
        # The CLI's lines, symbol for symbol and mark for mark: one renderer for both.
        assert passages(view) == cli_lines(lib, WIRE, VALLEY, width)
        assert {r.mark for r in view.rows} == {*SYMBOL.values(), ""}
        text = "\n".join(r.text for r in view.rows)
        assert "!@ [-said-]" in text and "!@ {+claimed+}" in text  # an attribution verb changed
        assert "!# [-300-]" in text and "!# {+350+}" in text  # and a number
        assert len(view.changes) >= 2
        rows = view.rows
        await pilot.press("right_square_bracket")
        assert view.current_change == 0
        await pilot.press("right_square_bracket")
        assert view.current_change == 1
        await pilot.pause()
        assert view.rows is rows  # laid out once for the width, not again per key
        assert f"change 2 of {len(view.changes)}" in str(app.screen.query_one("#diff-header").render())
        assert view.scroll_offset.y == min(view.max_scroll_y, max(0, view.changes[1] - 1))
        # Each run drawn in its kind's component style; the current change's gutter stands out.
        style = view.get_component_rich_style

        def style_of(kind: str):  # on the current change's rows
            if kind == "pad":
                return view.rich_style
            return style("wire-diff--current" if kind == "gutter" else COMPONENT_OF[kind])

        first = view.changes[1]
        assert all(view.rows[n].segment == view.rows[first].segment for n in range(first, first + 3))
        for n in range(first, first + 3):
            runs = view.rows[n].runs
            assert drawn(view, n)[:len(runs)] == [(text, style_of(kind)) for kind, text in runs]
        assert {k for line in passages(view) for k, _ in line} >= {"gutter", "same", "changed", "a_only", "b_only",
                                                                 "del", "ins", "flag"}
        await pilot.press("left_square_bracket")
        assert view.current_change == 0
        assert ("~", style("wire-diff--gutter")) in [(t.strip(), st) for t, st in drawn(view, view.changes[1])]
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
        # Unified: a symbol and a space before every passage line, as `wire diff` prints below 100 columns.
        assert view.unified and all(line[0][0] == "gutter" and len(line[0][1]) == 2 for line in passages(view))
        assert passages(view) == cli_lines(lib, VALLEY, WIRE, view.scrollable_content_region.width)
        header = app.screen.query_one("#diff-header")
        assert header.size.height == 3 and len(str(header.render()).splitlines()) == 3  # 3 of 24 rows
        lines = [(r.mark, r.text) for r in view.rows]
        # The reworded quote: Valley's "claimed" against the agency's "said", marked inside one passage.
        assert any("!@ [-claimed-] {+said+}" in text for mark, text in lines if mark == "~")
        # What only one side has: Valley's residents (A), the agency's vote count (B).
        assert any("Residents queued" in text for mark, text in lines if mark == "<")
        assert any("voted five to two" in text for mark, text in lines if mark == ">")
        # The changed words are their own runs, drawn in the del / ins styles.
        runs = [(k, t) for r in view.rows for k, t in r.runs]
        assert any(k == "del" and "claimed" in t for k, t in runs) and any(k == "ins" and "said" in t for k, t in runs)
        assert any(k == "del" and "350" in t for k, t in runs) and any(k == "ins" and "300" in t for k, t in runs)
        # Jumping to the last change scrolls it into view (one line of context above it).
        await pilot.press("G", "g", *["right_square_bracket"] * len(view.changes))
        assert view.current_change == len(view.changes) - 1
        top = int(view.scroll_offset.y)
        assert top == min(view.max_scroll_y, view.changes[-1] - 1) and top > 0
        # Widening the terminal switches to side by side.
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not view.unified and passages(view) == cli_lines(lib, VALLEY, WIRE, 120)
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


class OneDiff(App):
    """The view alone, given segments directly (no Library): for layouts the fixture corpus does not have."""

    def __init__(self, segments: list[Segment]) -> None:
        super().__init__()
        self.segments = segments

    def compose(self):
        yield WireDiffView()

    def on_mount(self) -> None:
        self.query_one(WireDiffView).set_alignment(self.segments)


WIDE = [Segment("changed", "東京で 会議が 開かれた。 " * 6, "東京で 会議が 終わった。 " * 6),
        Segment("a_only", "x" * 150 + " after the long word", ""),
        Segment("b_only", "", "Evil \x1b[2J text \u202e and [bold]markup[/bold]"),
        Segment("same", "Wide 東京 and narrow text. " * 4, "Wide 東京 and narrow text. " * 4)]


@pytest.mark.parametrize("width", [120, 70])
@pilot_test
async def test_wide_characters_long_words_and_hostile_text_keep_the_columns(width):
    app = OneDiff(WIDE)
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        view = app.query_one(WireDiffView)
        region = view.scrollable_content_region.width
        assert view.unified == (region < 100)
        for line in passages(view):
            # Nothing wider than the view; side by side, the gutter in one column whatever the characters.
            assert cell_len("".join(t for _, t in line)) <= region
            if not view.unified:
                assert gutter_column(line) == (region - 3) // 2
        text = "\n".join(r.text for r in view.rows)
        assert "x" * 40 in text and "after the long word" in text  # the long word cut, the words after it kept
        assert "[bold]markup[/bold]" in text and "\x1b" not in text and "\u202e" not in text
        for y in range(view.size.height):  # every drawn line exactly the view's width, escapes never drawn
            strip = view.render_line(y)
            assert strip.cell_length == region and "\x1b" not in strip.text
        # `--color never` makes the app monochrome: what tells a deletion from an insertion, and the
        # current change from the rest, is not colour alone.
        style = view.get_component_rich_style
        assert style("wire-diff--del").strike and style("wire-diff--ins").underline
        assert style("wire-diff--current").reverse and not style("wire-diff--gutter").reverse


def test_the_help_names_the_symbols_the_diff_uses():
    """The help screen shows HELP without loading the overlap module, so it spells render.py's symbols out."""
    help_text = WireDiffView.HELP
    assert all(symbol in help_text for symbol in SYMBOL.values())
    assert all(mark in help_text for mark in (DEL_OPEN, DEL_CLOSE, INS_OPEN, INS_CLOSE))
    assert all(flag_text([name]) in help_text for name in FLAG_SYMBOL)
    assert set(COMPONENT_OF) == {"header", "gutter", "same", "changed", "a_only", "b_only", "del", "ins", "flag"}
