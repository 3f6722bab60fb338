"""Pilot tests of the review keys: t edits an article's tags, a writes its note; the reading view shows both,
`tags:` searches follow, nothing typed is lost on Escape, user text stays literal, the keymap applies."""

from __future__ import annotations

import pytest

from reader.state import State
from reader.tui import make_app
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.screens.note import NoteDialog
from reader.tui.screens.tag import TagDialog
from reader.tui.widgets import ArticleList, ReadingView
from tests.test_tui_support import main_screen, open_library, pilot_test, ready, settle

HERALD = "004_herald_library.md"
"""Second in the list (newest first); no wire copies, no front-matter tags."""


@pytest.fixture
def lib(home):
    library = open_library(home)
    yield library
    library.close()


def listed(app) -> list[str]:
    return [row.id for row in main_screen(app).query_one(ArticleList).rows]


def reading_text(app) -> str:
    return main_screen(app).query_one(ReadingView).render_article().plain


def drawn(app) -> str:
    """Everything on screen as the terminal gets it (every strip of the top screen)."""
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def on_article(pilot, article_id: str) -> None:
    await ready(pilot)
    assert main_screen(pilot.app).query_one(ArticleList).move_to(article_id)
    await settle(pilot)


@pilot_test
async def test_t_tags_the_article_the_reading_view_and_tags_search_follow(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_article(pilot, HERALD)
        await pilot.press("t")
        assert isinstance(app.screen, TagDialog)
        assert "Tags: none yet" in drawn(app)
        await pilot.press(*"+urgent +check", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.state.tags_of(HERALD) == ["check", "urgent"]
        assert "Tags: check, urgent" in notices(app)

        await pilot.press("enter")  # open it: the tags under the byline
        await settle(pilot)
        lines = reading_text(app).splitlines()
        assert lines[2] == "tags: check, urgent" and lines[3] == HERALD
        assert "tags: check, urgent" in drawn(app)

        # t in the reading view acts on the open article; the view follows at once.
        await pilot.press("t", *"-check", "enter")
        await settle(pilot)
        assert app.state.tags_of(HERALD) == ["urgent"]
        assert reading_text(app).splitlines()[2] == "tags: urgent"

        await pilot.press("q", "slash", *"tags:urgent", "enter")
        await settle(pilot)
        assert listed(app) == [HERALD]
        # Untagged while the list shows `tags:urgent`: the search runs again and the list follows.
        await pilot.press("t", *"-urgent", "enter")
        await settle(pilot)
        assert listed(app) == [] and app.state.tags_of(HERALD) == []


@pilot_test
async def test_tag_errors_show_in_the_dialog_and_change_nothing(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_article(pilot, HERALD)
        await pilot.press("t", *"+fine +a,b", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        error = app.screen.query_one("#tag-error")
        assert error.display and "cannot contain a comma" in str(error.render())
        assert app.state.tags_of(HERALD) == []
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen) and app.state.tags_of(HERALD) == []


@pilot_test
async def test_a_writes_shows_and_deletes_the_note(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_article(pilot, HERALD)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, NoteDialog)
        assert "^s saves" in drawn(app)  # the key to save is shown in the dialog
        await pilot.press(*"Call the library", "enter", *"about the hours", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.state.note(HERALD) == "Call the library\nabout the hours"
        assert "Note saved" in notices(app)
        text = reading_text(app)
        assert "\n\nNote\n Call the library \n about the hours \n\n" in text
        assert text.index("Note") < text.index("Tom Baker")  # before the article's text
        assert "Call the library" in drawn(app)

        await pilot.press("a")
        assert app.screen.query_one("#note-text").text == "Call the library\nabout the hours"  # prefilled
        await pilot.press("f7", "backspace", "ctrl+s")  # select all, delete: an empty note
        await settle(pilot)
        assert app.state.note(HERALD) is None and "Note deleted" in notices(app)
        assert "\nNote\n" not in reading_text(app) and "Call the library" not in drawn(app)


@pilot_test
async def test_keys_typed_in_one_burst_land_in_order_in_the_note(lib):
    """Over SSH a fast typist's keys arrive in one read: backspace must not run after the letters
    behind it (the search bar's problem, Textual #6605, in the note editor too)."""
    from textual import events

    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_article(pilot, HERALD)
        await pilot.press("a", *"abc")
        assert isinstance(app.screen, NoteDialog)
        for key, char in (("backspace", "\x7f"), ("backspace", "\x7f"), ("x", "x"), ("y", "y")):
            app.post_message(events.Key(key, char))  # all queued before any is handled
        await settle(pilot)
        assert app.screen.query_one("#note-text").text == "axy"


@pilot_test
async def test_escape_with_changes_asks_before_discarding(lib):
    state = State.open(lib.locations.data_dir, lib.corpus)
    state.set_note(HERALD, "kept")
    state.close()
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_article(pilot, HERALD)
        await pilot.press("a", *" and more", "escape")
        assert isinstance(app.screen, NoteDialog)  # not closed: there are unsaved changes
        warning = app.screen.query_one("#note-warning")
        assert warning.display and "esc again discards them, ^s saves" in str(warning.render())
        await pilot.press(*"!", "escape")  # typing again re-arms the question
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.state.note(HERALD) == "kept and more!"

        await pilot.press("a", *" draft", "escape", "escape")  # asked, then discarded on purpose
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.state.note(HERALD) == "kept and more!"
        await pilot.press("a", "escape")  # nothing changed: one Escape closes
        assert isinstance(app.screen, MainScreen)

        await pilot.press("a", *" typed", "ctrl+q")  # quitting asks first too
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, NoteDialog)
        assert "^q again quits without saving them" in str(app.screen.query_one("#note-warning").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.state.note(HERALD) == "kept and more! typed"


@pilot_test
async def test_markup_looking_tags_and_notes_are_shown_literally(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_article(pilot, HERALD)
        await pilot.press("t", *"+[bold]x[/]", "enter")
        await settle(pilot)
        assert app.state.tags_of(HERALD) == ["[bold]x[/]"]
        assert "Tags: [bold]x[/]" in notices(app)
        await pilot.press("t")
        assert "Tags: [bold]x[/]" in drawn(app)  # in the dialog too
        await pilot.press("escape", "a", *"[red]alert[/] [link=https://example.com]x[/link]", "ctrl+s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = main_screen(app).query_one(ReadingView).render_article()
        assert "tags: [bold]x[/]" in text.plain and "[red]alert[/] [link=https://example.com]x[/link]" in text.plain
        assert not any(getattr(s.style, "link", None) for s in text.spans)
        screen = drawn(app)
        assert "tags: [bold]x[/]" in screen and "[red]alert[/]" in screen


@pilot_test
async def test_keys_are_in_help_and_follow_the_keymap(home):
    lib = open_library(home, "keymap:\n  main.tag: ctrl+t\n  main.note: ctrl+n\n  note.save: f2\n")
    try:
        app = make_app(lib)
        async with app.run_test(size=(80, 24)) as pilot:
            await on_article(pilot, HERALD)
            await pilot.press("t", "a")  # no longer the keys
            assert isinstance(app.screen, MainScreen)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            lines = str(app.screen.query_one("#help-text").render()).splitlines()
            assert [line.split() for line in lines if line.strip().endswith(" Tag")] == [["^t", "main.tag", "Tag"]]
            assert [line.split() for line in lines if "Annotate" in line] == [["^n", "main.note", "Annotate", "(note)"]]
            await pilot.press("escape", "ctrl+t")
            assert isinstance(app.screen, TagDialog)
            await pilot.press(*"+seen", "enter", "ctrl+n")
            await settle(pilot)
            assert isinstance(app.screen, NoteDialog)
            assert "f2 saves" in drawn(app)
            await pilot.press(*"via f2", "f2")
            await settle(pilot)
            assert app.state.tags_of(HERALD) == ["seen"] and app.state.note(HERALD) == "via f2"
    finally:
        lib.close()


@pilot_test
async def test_the_keys_stay_out_of_the_footer_at_80_columns(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        footer = drawn(app).splitlines()[-1]
        assert "Search" in footer  # the footer is drawn, with the main keys
        assert "Tag" not in footer and "Annotate" not in footer
