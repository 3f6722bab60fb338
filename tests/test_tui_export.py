"""Pilot tests of `x`: the list on screen written to a file through the export dialog, in a worker."""

from __future__ import annotations

import csv
import re
import shutil
import threading

import pytest

from reader.export import CSV_COLUMNS
from reader.library import Library
from reader.locations import Locations
from reader.tui import make_app
from reader.tui.screens.export import ExportDialog
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets import ArticleList, SearchBar
from tests.test_tui_support import ARTICLES, CORPUS, open_library, pilot_test, ready, settle

FERRY = ["001_herald_terminal.md", "002_wire_terminal.md", "003_valley_terminal.md", "006_valley_storm.md",
         "007_letters.md"]
"""What "ferry" matches in the fixture corpus (tests/data/tui/README.md)."""


@pytest.fixture
def lib(home):
    library = open_library(home)
    yield library
    library.close()


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    """The folder the app runs in: a bare file name lands here."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def listed(app) -> list[str]:
    return [row.id for row in app.screen.query_one(ArticleList).rows]


def notices(app) -> list[tuple[str, str, str]]:
    return [(n.title, str(n.message), n.severity) for n in app._notifications]


def dialog_text(app) -> str:
    """What the dialog shows, as drawn (every strip of the screen the terminal gets)."""
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def exports(folder) -> list:
    return sorted(folder.glob("wire-export-*"))


def ids_in_markdown(text: str) -> list[str]:
    return re.findall(r"^- id: (\S+)$", text, flags=re.M)


@pilot_test
async def test_x_then_enter_writes_the_list_as_a_markdown_dossier(lib, cwd):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        order = listed(app)
        await pilot.press("r")  # the first row read: the worker reads the marks from the state
        await pilot.press("x")
        assert isinstance(app.screen, ExportDialog)
        shown = dialog_text(app)
        assert f"{ARTICLES} articles will be written: every article." in shown
        assert str(cwd) in shown and ".jsonl" in shown
        path_input = app.screen.query_one("#export-path")
        assert re.fullmatch(r"wire-export-\d{8}-\d{6}\.md", path_input.value)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        [written] = exports(cwd)
        assert written.name == path_input.value
        assert ("", f"Exported {ARTICLES} articles to {written}", "information") in notices(app)
    text = written.read_text(encoding="utf-8")
    assert len(re.findall(r"^## ", text, flags=re.M)) == ARTICLES
    assert ids_in_markdown(text) == order  # the rows, in the list's order
    assert "## Port Alder ferry terminal wins approval" in text
    assert f"- articles: {ARTICLES}" in text and "- query:" not in text
    first = text.index(f"- id: {order[0]}")
    assert "- read: yes" in text[first:text.index("\n## ", first)]
    assert text.count("- read: yes") == 1


@pilot_test
async def test_after_a_search_only_the_matches_are_exported_with_the_query(lib, cwd):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"ferry", "enter")
        await settle(pilot)
        order = listed(app)
        assert sorted(order) == FERRY
        await pilot.press("x")
        assert "5 articles will be written: the matches for ferry." in dialog_text(app)
        await pilot.press("enter")
        await settle(pilot)
        [written] = exports(cwd)
    text = written.read_text(encoding="utf-8")
    assert "- query: ferry\n" in text and "- articles: 5\n" in text
    assert len(re.findall(r"^## ", text, flags=re.M)) == 5
    assert ids_in_markdown(text) == order
    assert "Council delays vote on library budget" not in text


@pilot_test
async def test_entity_filters_are_part_of_the_exported_query(lib, cwd):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = app.screen
        await pilot.press("e")
        options = screen.query_one("#entity-options")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("organization\tCoastal Trust")
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(listed(app)) == ["001_herald_terminal.md", "002_wire_terminal.md"]
        await pilot.press("x")
        assert "2 articles will be written: the matches for org:Coastal Trust." in dialog_text(app)
        await pilot.press("enter")
        await settle(pilot)
        [written] = exports(cwd)
    text = written.read_text(encoding="utf-8")
    assert '- query: org:"Coastal Trust"\n' in text
    assert sorted(ids_in_markdown(text)) == ["001_herald_terminal.md", "002_wire_terminal.md"]


@pilot_test
async def test_a_csv_name_writes_csv(lib, cwd):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        order = listed(app)
        await pilot.press("x", "backspace", "backspace", *"csv")  # the cursor starts after the name
        name = app.screen.query_one("#export-path").value
        assert name.endswith(".csv")
        await pilot.press("enter")
        await settle(pilot)
        assert [p.name for p in exports(cwd)] == [name]
    with (cwd / name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r[0] for r in rows[1:]] == order and len(rows) == ARTICLES + 1
    by_id = {r[0]: dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_id["002_wire_terminal.md"]["title"] == "Port Alder ferry terminal wins approval"
    assert by_id["002_wire_terminal.md"]["wire_copies"] == "2"


@pilot_test
async def test_a_path_inside_the_corpus_is_refused_with_an_error_and_nothing_is_written(home, tmp_path, cwd):
    corpus = cwd / "news"  # a copy: a failing guard must not write into the fixture corpus
    shutil.copytree(CORPUS, corpus)
    before = sorted(p.name for p in corpus.rglob("*"))
    library = Library(corpus.resolve(), Locations.resolve(home))
    try:
        app = make_app(library)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await pilot.press("x", "ctrl+u", *"news/out.md", "enter")
            await settle(pilot)
            # Back in the dialog with the name as typed and the reason under it, to fix it or give up.
            assert isinstance(app.screen, ExportDialog)
            await pilot.pause()
            assert app.screen.query_one("#export-path").value == "news/out.md"
            error = app.screen.query_one("#export-error")
            assert error.display and "Not exported: will not write inside the corpus folder" in str(error.render())
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
    finally:
        library.close()
    assert sorted(p.name for p in corpus.rglob("*")) == before
    assert sorted(p.name for p in cwd.iterdir()) == ["news"]


@pilot_test
async def test_an_existing_file_is_replaced_only_after_a_second_enter(lib, cwd):
    (cwd / "old.md").write_text("keep me", encoding="utf-8")
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("x", "ctrl+u", *"old.md", "enter")
        await pilot.pause()
        warning = app.screen.query_one("#export-warning")
        assert isinstance(app.screen, ExportDialog) and "exists: Enter again replaces it" in str(warning.render())
        assert (cwd / "old.md").read_text(encoding="utf-8") == "keep me"
        await pilot.press("backspace", "d")  # an edit asks afresh
        assert not app.screen.query_one("#export-warning").display
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("enter")  # the second Enter on the same name replaces it
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert (cwd / "old.md").read_text(encoding="utf-8").startswith("#")


@pilot_test
async def test_an_unknown_extension_is_explained_in_the_dialog_and_esc_writes_nothing(lib, cwd):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("x", "ctrl+u", *"notes.txt", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)  # still open, to fix the name
        error = app.screen.query_one("#export-error")
        assert error.display
        assert "wire does not write .txt files: use .md, .csv or .jsonl." in dialog_text(app)
        await pilot.press("ctrl+u", *"notes", "enter")
        await pilot.pause()
        assert "No extension: end the name with .md, .csv or .jsonl." in dialog_text(app)
        await pilot.press("ctrl+u", "enter")
        await pilot.pause()
        assert "Give a file name" in dialog_text(app)
        await pilot.press("a")  # editing the name hides the complaint
        assert not error.display
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert not any("Export" in message for _, message, _ in notices(app))
    assert list(cwd.iterdir()) == []


@pilot_test
async def test_esc_at_once_writes_nothing(lib, cwd):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("x")
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and notices(app) == []
    assert list(cwd.iterdir()) == []


@pilot_test
async def test_x_on_an_empty_list_says_nothing_to_export_and_opens_no_dialog(lib, cwd):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"ferry library", "enter")
        await settle(pilot)
        assert listed(app) == []
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert ("", "Nothing to export", "information") in notices(app)
    assert list(cwd.iterdir()) == []


@pilot_test
async def test_x_while_a_search_runs_waits_for_its_list(lib, cwd, monkeypatch):
    """Rows still answering the previous query are not exported under the new one."""
    gate = threading.Event()
    search = lib.found

    def held(*args, **kwargs):
        gate.wait(60)
        return search(*args, **kwargs)

    app = make_app(lib)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            monkeypatch.setattr(lib, "found", held)
            await pilot.press("slash", *"ferry", "enter", "x")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen) and len(listed(app)) == ARTICLES
            assert any(message.startswith("Still searching") for _, message, _ in notices(app))
            gate.set()
            await settle(pilot)
            assert sorted(listed(app)) == FERRY
            await pilot.press("x")
            assert isinstance(app.screen, ExportDialog)
            assert "5 articles will be written" in dialog_text(app)
    finally:
        gate.set()


@pilot_test
async def test_markup_in_the_query_and_the_path_is_shown_literally(lib, cwd):
    app = make_app(lib)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:  # toasts drawn, to read them
        await ready(pilot)
        await pilot.press("slash")
        app.screen.query_one(SearchBar).value = "[bold]"
        await pilot.press("enter")
        await settle(pilot)
        assert listed(app) == ["005_hostile.md"]
        await pilot.press("x")
        assert "1 article will be written: the matches for [bold]." in dialog_text(app)
        await pilot.press("ctrl+u", *"[red]x.jsonl", "enter")
        await settle(pilot)
        assert (cwd / "[red]x.jsonl").is_file()
        await pilot.pause()
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert f"Exported 1 article to {cwd / '[red]x.jsonl'}" in toasts


@pilot_test
async def test_the_key_is_in_help_and_follows_the_keymap(home, cwd):
    lib = open_library(home, "keymap:\n  main.export: ctrl+o\n")
    try:
        app = make_app(lib)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await pilot.press("x")  # no longer the key
            assert isinstance(app.screen, MainScreen)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            lines = str(app.screen.query_one("#help-text").render()).splitlines()
            assert [line.split() for line in lines if "Export the list" in line] == [
                ["^o", "main.export", "Export", "the", "list"]]
            await pilot.press("escape", "ctrl+o")
            assert isinstance(app.screen, ExportDialog)
    finally:
        lib.close()
