"""Help, keymap and palette: sections named for people, binding ids shown, keymap lists and mistakes, one
palette entry per action, `?` kept in the footer at 80 columns."""

from __future__ import annotations

import re

import pytest
from textual.dom import DOMNode
from textual.widgets import Footer

from reader.tui import make_app
from reader.tui.keys import binding_ids, key_problem, keymap_warnings
from reader.tui.screens.diff import DiffScreen
from reader.tui.screens.help import HelpScreen, section_title
from reader.tui.screens.main import MainScreen
from reader.tui.widgets import ArticleList, ReadingView, SearchBar
from tests.test_tui_support import open_library, pilot_test, ready, settle, until


@pytest.fixture
def lib(home):
    library = open_library(home)
    yield library
    library.close()


def _class_names() -> set[str]:
    """Every DOM class name the help could fall back to: ours (reader/tui) and Textual's."""
    binding_ids()  # imports every module under reader/tui
    names, todo = set(), [DOMNode]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _help(app) -> tuple[str, list[str]]:
    """The help text, and its section titles (each line after an empty line)."""
    assert isinstance(app.screen, HelpScreen)
    text = str(app.screen.query_one("#help-text").render())
    lines = text.splitlines()
    return text, [lines[i + 1] for i, line in enumerate(lines[:-1]) if not line.strip()]


def _line(text: str, binding_id: str) -> list[str]:
    return next(line.split() for line in text.splitlines() if f" {binding_id} " in line)


@pilot_test
async def test_help_sections_are_named_for_people_and_show_every_binding_id(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text, titles = _help(app)
        classes = _class_names()
        assert {"Everywhere", "Reading", "Article list", "Reading view", "Entity sidebar", "Search bar",
                "This help"} <= set(titles)
        for title in titles:
            assert title not in classes and not re.search(r"[a-z][A-Z]", title), title
        # Every binding of every class in the help, by id, with its key and its description.
        shown = [app, app.screen.below, *app.screen.below.query("*"), app.screen]
        for node in shown:
            for binding in type(node).__dict__.get("BINDINGS", ()):
                assert binding.id in text, binding.id
        assert _line(text, "main.toggle_star") == ["s", "main.toggle_star", "Star"]
        assert _line(text, "list.page_down") == ["^d,", "pgdn", "list.page_down", "Page", "down"]
        assert "`keymap:` in config.yaml" in text and "[y, u]" in text


@pilot_test
async def test_diff_help_is_named_too(lib):
    app = make_app(lib)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.screen.query_one(ArticleList).move_to("003_valley_terminal.md")
        await settle(pilot)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DiffScreen), what="the diff screen")
        await pilot.press("question_mark")
        await pilot.pause()
        text, titles = _help(app)
        assert titles[:3] == ["Everywhere", "Comparing two copies", "Wire diff"]
        assert _line(text, "diff.next_change")[:2] == ["]", "diff.next_change"]


def test_a_class_without_a_title_is_named_in_words():
    assert section_title(type("WireDiffView", (), {})) == "Wire diff"
    assert section_title(type("MainScreen", (), {})) == "Main screen"
    assert section_title(type("NERPane", (), {})) == "NER pane"
    assert section_title(type("Titled", (), {"HELP_TITLE": "Everything"})) == "Everything"


@pilot_test
async def test_a_keymap_list_binds_each_key(home):
    lib = open_library(home, "keymap:\n  list.down: [y, u]\n  list.up: 'i, o'\n")
    app = make_app(lib)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            articles = app.screen.query_one(ArticleList)
            for key, cursor in (("y", 1), ("u", 2), ("j", 2), ("o", 1), ("i", 0)):
                await pilot.press(key)
                assert articles.cursor == cursor, key
            assert not app._notifications
            await pilot.press("question_mark")
            await pilot.pause()
            text, _titles = _help(app)
            assert _line(text, "list.down") == ["y,", "u", "list.down", "Down"]
            assert _line(text, "list.up") == ["i,", "o", "list.up", "Up"]
            assert f"`keymap:` in {home / 'config.yaml'}:" in text  # the file in use
    finally:
        lib.close()


@pilot_test
async def test_keymap_mistakes_are_shown_with_file_and_line_and_the_rest_applies(home):
    text = ("theme: wire-256\nkeymap:\n  list.dwn: y\n  main.toggle_star: {s: 1}\n  main.diff: ctrl n\n"
            "  main.toggle_read: esc\n  list.down: u\n")
    lib = open_library(home, text)
    config = home / "config.yaml"
    app = make_app(lib)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            notes = [n for n in app._notifications if n.severity == "warning"]
            assert [str(n.message).split(": ")[0] for n in notes] == [f"{config}:{line}" for line in (3, 4, 5, 6)]
            assert all(not n.markup for n in notes)
            assert "'list.dwn'" in notes[0].message and "did you mean 'list.down'?" in notes[0].message
            assert "must be a key" in notes[1].message and "no spaces" in notes[2].message
            assert "'esc' is not a key" in notes[3].message
            articles = app.screen.query_one(ArticleList)
            await pilot.press("u")  # the good entry applies
            assert articles.cursor == 1
            await pilot.press("s", "r")  # the entries ignored leave their keys as they were
            assert articles.starred == {articles.current_id} and articles.read == {articles.current_id}
    finally:
        lib.close()


def test_keymap_checks():
    known = binding_ids()
    # Found by walking reader/tui: the dialogs imported only when used, the diff, the help itself.
    assert {"note.save", "tag.cancel", "chooser.cancel", "diff.next_change", "help.close", "app.help",
            "main.rescan", "options.down"} <= known
    usable, warnings = keymap_warnings({"main.diff": "x", "main.dif": "y", "main.tag": "ctrl+t,Ctrl+T"},
                                       {"main.dif": "c.yaml:3", "main.tag": "c.yaml:4"}, known)
    assert usable == {"main.diff": "x"}
    assert warnings[0].startswith("c.yaml:3: keymap: no key binding has the id 'main.dif' (did you mean")
    assert warnings[1].startswith("c.yaml:4: keymap 'main.tag': 'Ctrl+T' is not a key")
    for key in ("j", "?", "ctrl+n", "question_mark", "left_square_bracket", "pagedown", "shift+tab", "f12",
                "ctrl+shift+up", "plus", "comma", "space", "é"):
        assert key_problem(key) == "", key
    for key in ("esc", "Ctrl+s", "f25", "ctrl+", "pgdn", "latin_small_letter_e_with_acute"):
        assert key_problem(key), key


@pilot_test
async def test_the_palette_lists_every_action_once(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert len(titles) == len(set(titles))
        assert {"Star", "Diff", "Timeline", "Next unread", "Rescan the corpus folder", "Help", "Quit",
                "Theme"} <= set(titles)
        assert "Keys" not in titles  # Textual's help panel: ours is the one help
        # Generated from the live bindings: every binding of the screen is there by itself.
        assert {b.description for b in MainScreen.BINDINGS} <= set(titles)
        star = next(c for c in app.get_system_commands(app.screen) if c.title == "Star")
        assert star.help.startswith("s · main.toggle_star")
        # Run through Textual's palette: the action runs on the article under the cursor.
        articles = app.screen.query_one(ArticleList)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"star")
        await until(pilot, lambda: "Star" in str(app.screen.query_one("CommandList").get_option_at_index(0).prompt),
                    what="the Star command first")
        await pilot.press("enter")
        await until(pilot, lambda: articles.starred == {articles.current_id}, what="the star")


@pilot_test
async def test_the_palette_shows_the_keymap(home):
    lib = open_library(home, "keymap:\n  main.toggle_star: [x, z]\n")
    app = make_app(lib)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            star = next(c for c in app.get_system_commands(app.screen) if c.title == "Star")
            assert star.help.startswith("x, z · main.toggle_star")
    finally:
        lib.close()


def _help_in_footer(app) -> bool:
    """The help key drawn in the footer, clear of the palette key docked on its right."""
    keys = list(app.screen.query_one(Footer).query("FooterKey"))
    palette = next(key for key in keys if key.has_class("-command-palette"))
    help_key = next((key for key in keys if key.action == "help"), None)
    return help_key is not None and help_key.region.right <= palette.region.x


@pilot_test
async def test_the_footer_keeps_help_at_80_columns(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert _help_in_footer(app)  # the list
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(ReadingView).has_focus and _help_in_footer(app)
        await pilot.press("q", "slash")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).has_focus and _help_in_footer(app)  # f1 there: ? is typed
