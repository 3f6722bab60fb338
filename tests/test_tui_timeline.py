"""Pilot tests of the timeline bar: T shows how the articles listed spread over time, following the list."""

from __future__ import annotations

import pytest

from reader.tui import make_app
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets import ArticleList, StatusBar, TimelineBar
from tests.test_tui_support import ARTICLES, open_library, pilot_test, ready, settle

EARLIEST, LATEST = "2026-02-27", "2026-03-05"
"""The fixture corpus's first and last dates (006 and 008); 007 is undated."""
FERRY = ("2026-02-27", "2026-03-03", 4)
""""ferry" matches 001 (03-02), 002 and 003 (03-03), 006 (02-27) and the undated 007."""


@pytest.fixture
def lib(home):
    library = open_library(home)
    yield library
    library.close()


def bar_of(app) -> TimelineBar:
    return app.screen.query_one(TimelineBar)


def shown_line(bar: TimelineBar, y: int = 0) -> str:
    return bar.render_line(y).text


@pilot_test
async def test_T_shows_the_timeline_of_the_list_following_a_search_and_hides_it(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        bar, articles = bar_of(app), app.screen.query_one(ArticleList)
        assert not bar.display and not app.screen.has_class("-timeline")  # off by default
        await pilot.press("T")  # shown, with the keys: the cursor on the last day
        await pilot.pause()
        assert bar.display and bar.region.height == 2 and bar.region.y < articles.region.y and bar.has_focus
        timeline = bar.timeline
        assert (timeline.by, timeline.first, timeline.last, timeline.undated) == ("day", EARLIEST, LATEST, 1)
        assert sum(b.count for b in timeline.buckets) == ARTICLES - 1
        line = shown_line(bar)
        top = max(b.count for b in timeline.buckets)
        assert line.strip().startswith(f"{top}┤") and line.rstrip().endswith("days · 1 undated")
        assert len(line) <= 80 and "█" in line
        last_day = timeline.buckets[-1].count
        assert f"▲ {LATEST}: {last_day} article" in shown_line(bar, 1) or f"{LATEST}: {last_day} article" in shown_line(bar, 1)
        await pilot.press("escape")  # the keys back to the list: the axis says the first and last day
        await pilot.pause()
        assert articles.has_focus
        axis = shown_line(bar, 1)
        assert f"└{EARLIEST} " in axis and axis.rstrip().endswith(LATEST)

        await pilot.press("slash", *"ferry", "enter")
        await settle(pilot)
        first, last, dated = FERRY
        timeline = bar.timeline
        assert (timeline.first, timeline.last, timeline.undated) == (first, last, 1)
        assert sum(b.count for b in timeline.buckets) == dated
        assert shown_line(bar, 1).rstrip().endswith(last)

        await pilot.press("escape")  # clears the kept query: every article again
        await settle(pilot)
        assert bar.timeline.last == LATEST

        await pilot.press("T")  # shown already: the keys go to it; T again hides it
        await pilot.pause()
        assert bar.has_focus
        await pilot.press("T")
        await pilot.pause()
        assert not bar.display and not app.screen.has_class("-timeline") and articles.has_focus
        await pilot.press("T")  # shown again: the choice holds, the counts are those of the list now
        await pilot.pause()
        assert bar.display and bar.timeline.last == LATEST


@pilot_test
async def test_enter_on_the_timeline_lists_those_days_and_backspace_widens_again(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        bar, articles = bar_of(app), app.screen.query_one(ArticleList)
        status = app.screen.query_one(StatusBar)
        await pilot.press("T", "g")  # the first day
        await pilot.pause()
        first_day = bar.timeline.buckets[0]
        assert f"{EARLIEST}: {first_day.count} article" in shown_line(bar, 1)
        await pilot.press("l", "h", "enter")
        await settle(pilot)
        dates = {articles.rows[i].date for i in range(len(articles.rows))}
        assert dates == {EARLIEST} and len(articles.rows) == first_day.count
        assert status.filters == (f"date:{EARLIEST}..{EARLIEST}",)
        assert bar.timeline.first == bar.timeline.last == EARLIEST  # the timeline follows the list
        await pilot.press("backspace")  # widens again
        await settle(pilot)
        assert len(articles.rows) == ARTICLES and status.filters == ()


@pilot_test
async def test_the_key_is_in_help_not_in_the_footer_and_can_be_rebound(home):
    lib = open_library(home, "keymap:\n  main.timeline: ctrl+t\n")
    app = make_app(lib)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            bar = bar_of(app)
            footer = " ".join(str(key.description) for key in app.screen.query("FooterKey"))
            assert "Search" in footer and "Timeline" not in footer  # the footer is full at 80 columns
            await pilot.press("T")
            await pilot.pause()
            assert not bar.display  # the default key no longer toggles it
            await pilot.press("ctrl+t")
            await pilot.pause()
            assert bar.display and bar.timeline.last == LATEST
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            help_text = str(app.screen.query_one("#help-text").render())
            timeline_line = next(row for row in help_text.splitlines() if row.rstrip().endswith("Timeline"))
            assert timeline_line.split()[0] == "^t"
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
    finally:
        lib.close()
