"""Pilot tests of saved searches: S saves the search shown, the sidebar lists them with live counts,
Enter runs one, Delete forgets one (the real Library and State on the fixture corpus)."""

from __future__ import annotations

import shutil

import pytest

from reader import searches
from reader.library import Library
from reader.locations import Locations
from reader.models import Entity
from reader.state import State
from reader.tui import make_app
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.screens.save_search import SaveSearchDialog
from reader.tui.widgets import ArticleList, EntitySidebar, SearchBar, StatusBar
from tests.test_tui_support import ARTICLES, CORPUS, main_screen, open_library, pilot_test, ready, settle, until


@pytest.fixture
def lib(home):
    library = open_library(home)
    yield library
    library.close()


def saved_before_start(lib: Library, *pairs: tuple[str, str]) -> None:
    """Searches saved in the user's state before the app opens (as by an earlier session)."""
    state = State.open(lib.locations.data_dir, lib.corpus)
    for name, query in pairs:
        searches.save(state, name, query)
    state.close()


def options(app):
    return main_screen(app).query_one("#entity-options")


def saved_counts(app) -> dict[str, tuple[int, int]]:
    """The sidebar's saved searches: name → (total, unread), read off each line's text."""
    out = {}
    for i in range(options(app).option_count):
        option = options(app).get_option_at_index(i)
        if option.id and option.id.startswith("search\t"):
            total, unread, new, name = str(option.prompt).split(maxsplit=3)
            full = option.id.split("\t", 1)[1]
            assert new == "new" and (name == full or name.endswith("…") and full.startswith(name[:-1]))
            out[full] = (int(total), int(unread))
    return out


def sidebar_lines(app) -> list[str]:
    """The sidebar's list as drawn."""
    shown = options(app)
    return [shown.render_line(y).text.strip() for y in range(shown.size.height)]


def listed(app) -> set[str]:
    return {row.id for row in main_screen(app).query_one(ArticleList).rows}


def notices(app) -> list[tuple[str, str, str]]:
    return [(n.title, str(n.message), n.severity) for n in app._notifications]


def dialog_text(app) -> str:
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


@pilot_test
async def test_S_without_a_search_says_to_search_first_and_opens_nothing(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert ("", "Search first (/), then S saves it", "information") in notices(app)
        assert app.state.saved_searches() == []


@pilot_test
async def test_save_count_mark_read_run_from_the_sidebar_then_delete(lib):
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:  # wide enough: the sidebar is shown
        await ready(pilot)
        ferry = set(lib.matching("ferry"))  # the corpus is indexed once the app has synced it
        assert len(ferry) == 5
        screen = app.screen
        assert saved_counts(app) == {} and sidebar_lines(app)[0] == "Searches (0)  S saves one"
        await pilot.press("slash", *"ferry", "enter")
        await settle(pilot)
        await pilot.press("S")
        assert isinstance(app.screen, SaveSearchDialog)
        assert app.screen.query_one("#save-name").value == "ferry"
        assert "Saves the search ferry under the name:" in dialog_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert app.state.saved_searches() == [("ferry", "ferry")]
        assert ("", "Saved search 'ferry'", "information") in notices(app)
        await until(pilot, lambda: saved_counts(app) == {"ferry": (5, 5)}, what="ferry counted")
        assert sidebar_lines(app)[:2] == ["Searches (1)", "5 5 new ferry"]

        # One of the matches read (r on the list): the unread count follows, once the marks rest.
        first = screen.query_one(ArticleList).current_id
        assert first in ferry
        await pilot.press("r")
        await until(pilot, lambda: saved_counts(app) == {"ferry": (5, 4)}, what="ferry recounted after r")
        # Opening another match marks it read too.
        await pilot.press("j", "enter", "q")
        await until(pilot, lambda: saved_counts(app) == {"ferry": (5, 3)}, what="recounted after opening one")

        # Clear the query and filter by a name, then run the saved search from the sidebar: it
        # replaces both, and the list, the bar and the status line show it as a kept search.
        await pilot.press("escape")
        await settle(pilot)
        assert len(listed(app)) == ARTICLES and screen.query_one(SearchBar).value == ""
        await pilot.press("e")  # into the sidebar
        assert options(app).has_focus
        options(app).highlighted = options(app).get_option_index("organization\tHarbour Authority")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.session.filters == [("organization", "Harbour Authority")]
        await pilot.press("g")  # the first entry: the saved search
        assert options(app).highlighted_option.id == "search\tferry"
        await pilot.press("enter")
        await settle(pilot)
        assert listed(app) == ferry
        assert screen.query_one(SearchBar).value == "ferry" and screen.session.kept == "ferry"
        assert screen.session.filters == [] and screen.session.query == "ferry"
        status = screen.query_one(StatusBar)
        assert status.query == "ferry" and status.filters == () and status.shown == 5 and status.unread == 3
        assert screen.has_class("-search") and screen.query_one(ArticleList).has_focus

        # Delete, with the saved search under the sidebar's cursor, forgets it.
        await pilot.press("e", "g", "delete")
        await settle(pilot)
        assert app.state.saved_searches() == []
        assert ("", "Deleted saved search 'ferry'", "information") in notices(app)
        assert saved_counts(app) == {} and sidebar_lines(app)[0] == "Searches (0)  S saves one"
        assert listed(app) == ferry  # the search shown stays


@pilot_test
async def test_delete_on_a_name_deletes_nothing_and_backspace_still_clears(lib):
    saved_before_start(lib, ("ferry", "ferry"))
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: saved_counts(app) == {"ferry": (5, 5)}, what="counted at start")
        await pilot.press("e")
        options(app).highlighted = options(app).get_option_index("person\tLena Park")
        await pilot.press("enter")
        await settle(pilot)
        assert main_screen(app).session.filters == [("person", "Lena Park")]
        await pilot.press("delete")
        await settle(pilot)
        assert app.state.saved_searches() == [("ferry", "ferry")]
        assert any(message.startswith("Delete forgets a saved search") for _, message, _ in notices(app))
        assert main_screen(app).session.filters == [("person", "Lena Park")]
        await pilot.press("backspace")
        await settle(pilot)
        assert main_screen(app).session.filters == [] and len(listed(app)) == ARTICLES


@pilot_test
async def test_a_name_that_exists_is_replaced_and_the_dialog_says_so(lib):
    saved_before_start(lib, ("news", "ferry"))
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        library = set(lib.matching("library"))
        assert 0 < len(library) < ARTICLES and library != set(lib.matching("ferry"))
        await until(pilot, lambda: saved_counts(app) == {"news": (5, 5)}, what="counted when the list loads")
        await pilot.press("slash", *"library", "enter")
        await settle(pilot)
        await pilot.press("S")
        assert "exists" not in dialog_text(app)
        await pilot.press("ctrl+u", *"news")
        await pilot.pause()
        assert "A saved search named 'news' exists: Enter replaces it." in dialog_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.state.saved_searches() == [("news", "library")]
        await until(pilot, lambda: saved_counts(app) == {"news": (len(library), len(library))},
                    what="one entry, recounted with the new query")


@pilot_test
async def test_entity_filters_are_saved_with_the_query(lib):
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        options(app).highlighted = options(app).get_option_index("person\tLena Park")
        await pilot.press("enter")
        await settle(pilot)
        shown = listed(app)
        await pilot.press("S")
        assert isinstance(app.screen, SaveSearchDialog)
        assert app.screen.query_one("#save-name").value == "Lena Park"  # no typed query: the names
        assert 'Saves the search person:"Lena Park" under the name:' in dialog_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.state.saved_searches() == [("Lena Park", 'person:"Lena Park"')]
        await until(pilot, lambda: saved_counts(app).get("Lena Park", (0, 0))[0] == len(shown), what="counted")


@pilot_test
async def test_bad_names_are_refused_in_the_dialog_and_escape_saves_nothing(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"ferry", "enter")
        await settle(pilot)
        await pilot.press("S", "ctrl+u", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveSearchDialog)
        assert "A saved search needs a name" in dialog_text(app)
        await pilot.press(*("x" * (searches.NAME_MAX + 1)), "enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveSearchDialog)
        assert f"at most {searches.NAME_MAX} characters" in dialog_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.state.saved_searches() == []
        assert not any("Saved search" in message for _, message, _ in notices(app))


@pilot_test
async def test_names_with_markup_are_shown_literally(lib):
    saved_before_start(lib, ("[bold]x[/]", "ferry"))
    app = make_app(lib)
    async with app.run_test(size=(110, 40), notifications=True) as pilot:  # toasts drawn, to read them
        await ready(pilot)
        await until(pilot, lambda: "[bold]x[/]" in saved_counts(app), what="counted")
        assert "5 5 new [bold]x[/]" in sidebar_lines(app)
        await pilot.press("slash", *"library", "enter")
        await settle(pilot)
        await pilot.press("S", "ctrl+u", *"[red]y", "enter")
        await settle(pilot)
        await pilot.pause()
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert "Saved search '[red]y'" in toasts
        await until(pilot, lambda: set(saved_counts(app)) == {"[bold]x[/]", "[red]y"}, what="both listed")
        assert any(line.endswith("new [red]y") for line in sidebar_lines(app))


@pilot_test
async def test_a_long_name_is_cut_to_one_line_of_the_sidebar(lib):
    long = "ferry " + "x" * (searches.NAME_MAX - 6)
    saved_before_start(lib, (long, "ferry"), ("zz", "library"))
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await until(pilot, lambda: set(saved_counts(app)) == {long, "zz"}, what="both counted")
        lines = sidebar_lines(app)
        at = lines.index("Searches (2)")
        assert lines[at + 1].startswith("5 5 new ferry xx") and lines[at + 1].endswith("…")
        assert lines[at + 2].endswith("new zz")  # the long name took one line, not two


@pilot_test
async def test_a_long_entity_name_is_cut_to_one_line_too(lib):
    """At 80 columns "International Olympic Committee" wrapped under its count, so the next name
    looked like part of it."""
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        long = Entity("International Olympic Committee", "organization", articles=3)
        main_screen(app).query_one(EntitySidebar).show_counts({"organization": [long, Entity("CNN", "organization",
                                                                                               articles=2)]})
        await pilot.pause()
        lines = sidebar_lines(app)
        at = lines.index("Organisations (2)")
        assert lines[at + 1].startswith("3 International Olymp") and lines[at + 1].endswith("…")
        assert lines[at + 2] == "2 CNN"


@pilot_test
async def test_the_keymap_rebinds_S_and_help_and_hints_follow(home):
    lib = open_library(home, "keymap:\n  main.save_search: w\n")
    try:
        app = make_app(lib)
        async with app.run_test(size=(110, 40)) as pilot:
            await ready(pilot)
            await until(pilot, lambda: sidebar_lines(app)[0] == "Searches (0)  w saves one", what="the hint")
            await pilot.press("w")
            assert ("", "Search first (/), then w saves it", "information") in notices(app)
            await pilot.press("slash", *"ferry", "enter")
            await settle(pilot)
            await pilot.press("S")  # no longer the key
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            lines = str(app.screen.query_one("#help-text").render()).splitlines()
            assert [line.split() for line in lines if "Save this search" in line] == [
                ["w", "main.save_search", "Save", "this", "search"]]
            assert [line.split() for line in lines if "Delete the saved search" in line] == [
                ["del", "entities.delete_search", "Delete", "the", "saved", "search"]]
            await pilot.press("escape", "w")
            assert isinstance(app.screen, SaveSearchDialog)
            await pilot.press("enter")
            await settle(pilot)
            assert app.state.saved_searches() == [("ferry", "ferry")]
    finally:
        lib.close()


@pilot_test
async def test_counts_follow_a_rescan_that_adds_a_match(home, tmp_path):
    folder = tmp_path / "news"
    shutil.copytree(CORPUS, folder)
    library = Library(folder, Locations.resolve(home))
    saved_before_start(library, ("ferry", "ferry"))
    try:
        app = make_app(library)
        async with app.run_test(size=(110, 40)) as pilot:
            await ready(pilot)
            await until(pilot, lambda: saved_counts(app) == {"ferry": (5, 5)}, what="counted at start")
            (folder / "009_late.md").write_text("---\ntitle: Late ferry news\ndate: 2026-03-06\n---\n"
                                                "The ferry runs late again.\n", encoding="utf-8")
            await pilot.press("R")
            await until(pilot, lambda: saved_counts(app) == {"ferry": (6, 6)}, what="recounted after the sync")
    finally:
        library.close()


@pilot_test
async def test_a_saved_name_search_is_counted_again_once_entities_are_extracted(lib):
    """On a fresh home the first counts come before the corpus is indexed, then before NER: a
    `person:` search is 0 until the entities stage ends, then counted again."""
    saved_before_start(lib, ("Park", 'person:"Lena Park"'))
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: saved_counts(app) == {"Park": (5, 5)}, what="counted after NER")
