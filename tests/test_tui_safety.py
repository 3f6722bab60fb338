"""Article text reaches the terminal inert: no markup, no control sequences, no bidi overrides."""

from __future__ import annotations

import pytest

from reader.tui import make_app
from reader.tui.widgets import ArticleList, ReadingView
from tests.test_tui_support import HOSTILE, open_library, pilot_test, ready, settle

DANGEROUS = ("\x1b", "\x07", "\u202e", "\u202c")


@pytest.fixture
def lib(home):
    library = open_library(home)
    yield library
    library.close()


@pilot_test
async def test_hostile_article_is_shown_literally_and_inert(lib):
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        articles = app.screen.query_one(ArticleList)
        articles.move_to(HOSTILE)
        row = articles.render_line(articles.cursor - int(articles.scroll_offset.y))
        row_text = "".join(seg.text for seg in row)
        assert "Hostile [bold red]x[/] title \\u202eevil" in row_text
        await pilot.press("enter")
        await settle(pilot)
        reading = app.screen.query_one(ReadingView)
        text = reading.render_article()
        plain = text.plain
        for literal in ("[bold red]x[/]", "stray [/]", "[link=https://example.com]x[/link]",
                        "\\x1b]52;c;aGk=\\x07", "\\x1b[2J", "\\u202eevil\\u202c"):
            assert literal in plain
        assert not any(ch in plain for ch in DANGEROUS)
        # No style came from the text: nothing is a link, nothing bold red beyond our own styles.
        assert not any(getattr(s.style, "link", None) for s in text.spans)
        # What is actually drawn: every strip of the screen, as Textual hands it to the driver.
        drawn = "".join(seg.text for strip in app.screen._compositor.render_strips() for seg in strip)
        assert "[bold red]x[/]" in drawn and "\\x1b[2J" in drawn
        assert not any(ch in drawn for ch in DANGEROUS)
        assert not any(seg.style and seg.style.link for strip in app.screen._compositor.render_strips()
                       for seg in strip)
