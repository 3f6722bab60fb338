"""Pilot tests of the reading moves: views (l, is:unread), mark all listed read (A), sort (O), next/previous
article (J/K), an article's URL (shown, o, y), one filter dropped at a time, and the worker-error notice."""

from __future__ import annotations

import shutil

import pytest

from reader.library import Library
from reader.locations import Locations
from reader.state import State
from reader.tui import make_app
from reader.tui.widgets import ArticleList, ReadingView, SearchBar, StatusBar
from tests.test_tui_support import ARTICLES, CORPUS, pilot_test, ready, settle, until

NEWEST = "008_cjk.md"
URL = "https://herald.example/2026/03/ferry-terminal?utm_source=x"


@pytest.fixture
def lib(home, tmp_path):
    """The fixture corpus with a URL on one article and a hostile one (an escape, a space) on another."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    for name, url in (("001_herald_terminal.md", URL), ("004_herald_library.md", "javascript:alert(1)\\x1b]8")):
        path = corpus / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("---\n", f"---\nurl: \"{url}\"\n", 1), encoding="utf-8")
    library = Library(corpus.resolve(), Locations.resolve(home), None)
    yield library
    library.close()


def _shown(app) -> list[str]:
    return list(app.screen.query_one(ArticleList).rows.ids)


@pilot_test
async def test_views_mark_all_read_and_sort(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen, status = app.screen, app.screen.query_one(StatusBar)
        articles = screen.query_one(ArticleList)
        await pilot.press("g", "enter")  # the newest read
        await settle(pilot)
        await pilot.press("q", "j", "s")  # the second starred
        second = articles.current_id
        await pilot.press("l")  # unread only
        await settle(pilot)
        assert screen.session.view == "unread" and NEWEST not in _shown(app) and len(_shown(app)) == ARTICLES - 1
        assert status.view == "unread" and "[unread]" in str(status.render())
        await pilot.press("l")  # starred only
        await settle(pilot)
        assert _shown(app) == [second]
        await pilot.press("l")  # every article again
        await settle(pilot)
        assert len(_shown(app)) == ARTICLES
        # The typed form is the same view, and it narrows a search as it narrows the list.
        await pilot.press("slash", *"is:unread", "enter")
        await settle(pilot)
        assert len(_shown(app)) == ARTICLES - 1 and status.notice == ""
        await pilot.press("escape")
        await settle(pilot)
        # A: asks to be pressed again, then marks every listed article read, in the state file too.
        await pilot.press("A")
        assert len(screen.session.unread_listed()) == ARTICLES - 1
        await pilot.press("A")
        assert screen.session.unread_listed() == [] and status.unread == 0
        state = State.open_existing(lib.locations.data_dir, lib.corpus)
        assert len(state.read_ids()) == ARTICLES
        state.close()
        # O: a search by relevance, then newest first.
        await pilot.press("slash", *"ferry", "enter")
        await settle(pilot)
        by_relevance = _shown(app)
        await pilot.press("O")
        await settle(pilot)
        dates = [articles.rows[i].date or "" for i in range(len(articles.rows))]
        assert screen.session.sort == "date" and sorted(_shown(app)) == sorted(by_relevance)
        assert [d for d in dates if d] == sorted((d for d in dates if d), reverse=True)
        assert "by date" in str(status.render())
        # A query the user can fix is one notice, not a failed worker.
        await pilot.press("slash", "ctrl+u", *"is:bogus", "enter")
        await settle(pilot)
        assert "is:bogus" in status.notice and _shown(app) == []


@pilot_test
async def test_next_previous_article_and_the_url(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = app.screen
        articles, reading = screen.query_one(ArticleList), screen.query_one(ReadingView)
        ids = _shown(app)
        await pilot.press("g", "enter")
        await settle(pilot)
        assert reading.article.id == ids[0]
        await pilot.press("J", "J")
        await settle(pilot)
        assert reading.article.id == ids[2] and articles.current_id == ids[2] and screen.reading
        assert {ids[0], ids[1], ids[2]} <= screen.session.read  # opening reads them
        await pilot.press("K")
        await settle(pilot)
        assert reading.article.id == ids[1]
        await pilot.press("q", "g", "K")
        assert "No more articles above." in [n.message for n in app._notifications]
        # The URL: shown in the reading view (a terminal link), copied by y, o without $BROWSER copies too.
        await until(pilot, lambda: True)
        articles.move_to("001_herald_terminal.md")
        await pilot.press("enter")
        await settle(pilot)
        text = reading.render_article()
        assert URL in text.plain
        assert any(span.style.link == URL for span in text.spans if hasattr(span.style, "link"))
        await pilot.press("y")
        assert app.clipboard == URL
        app.copy_to_clipboard("")
        await pilot.press("o")  # the tests run without $BROWSER (conftest isolates the environment)
        assert app.clipboard == URL
        # A URL that is not http(s) is shown inert, never linked, opened or copied.
        await pilot.press("q")
        app.copy_to_clipboard("")
        articles.move_to("004_herald_library.md")
        await pilot.press("enter")
        await settle(pilot)
        text = reading.render_article()
        assert "javascript:alert(1)" in text.plain and "\x1b" not in text.plain
        assert not any(getattr(span.style, "link", None) for span in text.spans)
        await pilot.press("y")
        assert app.clipboard == ""
        assert any("Not an http(s) address" in n.message for n in app._notifications)


@pilot_test
async def test_a_failing_worker_says_so(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)

        def broken(article_id):
            raise RuntimeError("the store went away")

        lib.article = broken
        await pilot.press("g", "enter")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("Opening an article failed: the store went away" in m for m in messages), messages
        assert app.screen.query_one(SearchBar) is not None  # the app goes on


@pilot_test
async def test_quitting_right_after_a_move_keeps_the_position(lib):
    """The last position is saved a second after the cursor rests; quitting sooner saves it too."""
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("g", "j", "j")
        here = app.screen.query_one(ArticleList).current_id
        await pilot.press("ctrl+q")
    state = State.open_existing(lib.locations.data_dir, lib.corpus)
    assert state.last_selected(lib.corpus) == here
    state.close()
