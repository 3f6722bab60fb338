"""Pilot tests of the main flows: open, move, read, marks, search, entity filters, help, keymap, resize."""

from __future__ import annotations

import datetime
import shutil

import pytest
from textual import events

from reader.library import Library
from reader.listing import Rows
from reader.locations import Locations
from reader.state import State
from reader.tui import make_app
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.widgets import ArticleList, EntitySidebar, ReadingView, SearchBar, StatusBar
from tests.test_tui_support import ARTICLES, COPIES, CORPUS, open_library, pilot_test, ready, settle, until

NEWEST = "008_cjk.md"
"""The fixture corpus sorted newest first: 008 (03-05), 004, 002/003 (03-03), 001, 005, 006, 007 (undated)."""


@pytest.fixture
def lib(home):
    library = open_library(home)
    yield library
    library.close()


def panes(app):
    screen = app.screen
    return screen.query_one(ArticleList), screen.query_one(ReadingView), screen.query_one(StatusBar)


@pilot_test
async def test_first_opening_syncs_then_fills_in_entities_and_copies(lib):
    """First opening of a new home: text sync, then real NER and real wire-copy detection, all in workers."""
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        articles, _reading, status = panes(app)
        assert isinstance(app.screen, MainScreen)
        assert [r.id for r in articles.rows][:2] == [NEWEST, "004_herald_library.md"]
        assert articles.rows[-1].id == "007_letters.md"  # undated last
        assert status.total == ARTICLES and status.busy == "" and status.notice == ""
        assert articles.has_focus
        # Marks column: every article unread; copies marked once the overlap stage has run.
        assert articles.read == set()
        assert articles.copies == COPIES
        # The sidebar lists what spaCy found, under the project's types, with article counts.
        options = app.screen.query_one("#entity-options")
        found = {options.get_option_at_index(i).id: str(options.get_option_at_index(i).prompt)
                 for i in range(options.option_count)}
        assert {"person\tLena Park", "person\tTom Baker", "organization\tHarbour Authority",
                "organization\tCoastal Trust", "place\tPort Alder", "place\tWesthaven",
                "place\tTokyo"} <= set(found)
        assert found["person\tLena Park"].split() == ["5", "Lena", "Park"]  # 001 002 003 004 008


@pilot_test
async def test_an_empty_corpus_says_what_to_do_and_R_picks_up_new_files(home, tmp_path):
    """A new user's empty folder: the list explains itself; files added while the app is open come in on R."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "notes.docx").write_bytes(b"PK")  # not a format wire reads: skipped, and the message says so
    library = Library(folder, Locations.resolve(home))
    app = make_app(library)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            articles, _, status = panes(app)
            assert status.total == 0 and articles.rows == []
            shown = " ".join(articles.render_line(y).text.strip() for y in range(1, 6))
            assert str(folder) in shown and ".jsonl" in shown and "press R" in shown and "1 file(s)" in shown
            shutil.copy(CORPUS / "001_herald_terminal.md", folder)
            await pilot.press("R")
            await settle(pilot)
            assert [r.id for r in articles.rows] == ["001_herald_terminal.md"] and status.total == 1
            assert "No articles" not in articles.render_line(1).text
    finally:
        library.close()


@pilot_test
async def test_keys_move_the_cursor(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        articles, _, status = panes(app)
        await pilot.press("j", "down", "j")
        assert articles.cursor == 3 and status.position == 4
        await pilot.press("k", "up")
        assert articles.cursor == 1
        await pilot.press("G")
        assert articles.cursor == 7
        await pilot.press("g")
        assert articles.cursor == 0
        await pilot.press("ctrl+d")
        assert articles.cursor > 0
        await pilot.press("ctrl+u")
        assert articles.cursor == 0


@pilot_test
async def test_enter_opens_marks_read_and_q_goes_back_then_quits(lib, home):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        articles, reading, _ = panes(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert app.screen.has_class("-reading") and reading.has_focus
        assert reading.article is not None and reading.article.id == "004_herald_library.md"
        assert "004_herald_library.md" in articles.read
        await pilot.press("q")
        assert not app.screen.has_class("-reading") and articles.has_focus
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    state = State.open(lib.locations.data_dir, lib.corpus)
    assert state.read_ids() == {"004_herald_library.md"}
    assert state.last_selected(lib.corpus) == "004_herald_library.md"


@pilot_test
async def test_last_selected_article_is_restored_at_start(lib):
    State.open(lib.locations.data_dir, lib.corpus).set_last_selected(lib.corpus, "001_herald_terminal.md")
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        articles, _, _ = panes(app)
        assert articles.current_id == "001_herald_terminal.md"


@pilot_test
async def test_the_restored_article_is_scrolled_into_view(home, tmp_path):
    """The last article selected, far down a list longer than the screen, is on screen at start."""
    folder = tmp_path / "many"
    folder.mkdir()
    for day in range(1, 61):  # newest first: day 60 is row 0, day 1 the last row
        date = datetime.date(2026, 1, 1) + datetime.timedelta(days=day)
        (folder / f"{day:02d}.md").write_text(f"---\ntitle: Story of day {day}\ndate: {date}\n---\nText {day}.\n")
    library = Library(folder, Locations.resolve(home))
    library.sync()
    State.open(library.locations.data_dir, library.corpus).set_last_selected(library.corpus, "03.md")
    try:
        app = make_app(library)
        async with app.run_test(size=(80, 24)) as pilot:
            articles, _, status = panes(app)
            await until(pilot, lambda: articles.current_id == "03.md", what="the restored cursor")
            await settle(pilot)
            assert status.position == 58
            height = articles.scrollable_content_region.height

            def on_screen() -> bool:
                top = int(articles.scroll_offset.y)
                return (top <= articles.cursor < top + height
                        and "Story of day 3" in " ".join(articles.render_line(y).text for y in range(height)))

            assert on_screen()
            # On a large corpus the list arrives after the first layout, in one call that grows it from
            # empty (the scroll bar not yet there): the same must hold.
            rows = articles.rows
            articles.set_rows(Rows.of([]))
            await pilot.pause()
            articles.set_rows(rows, keep="03.md")
            await settle(pilot)
            assert on_screen()
    finally:
        library.close()


@pilot_test
async def test_r_toggles_read_s_stars_and_both_persist(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        articles, _, status = panes(app)
        assert status.unread == ARTICLES
        await pilot.press("r", "s", "j", "s")
        assert articles.read == {NEWEST}
        assert articles.starred == {NEWEST, "004_herald_library.md"}
        # The status line counts what is left to read in the list (r twice on one article: once).
        assert status.unread == ARTICLES - 1
        assert f"{ARTICLES} articles, {ARTICLES - 1} unread  row 2" in str(status.render())
        await pilot.press("k", "r", "s")
        assert articles.read == set() and articles.starred == {"004_herald_library.md"}
        assert status.unread == ARTICLES
    state = State.open(lib.locations.data_dir, lib.corpus)
    assert state.read_ids() == set() and state.starred_ids() == {"004_herald_library.md"}
    # Marks survive a rebuild of the derived data: a new app on a rebuilt index still shows them.
    lib.sync(rebuild=True)
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert panes(app)[0].starred == {"004_herald_library.md"}


@pilot_test
async def test_n_and_N_jump_between_unread_articles(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        articles, _, _ = panes(app)
        for i in (1, 2):
            articles.cursor = i
            await pilot.press("r")
        articles.cursor = 0
        await pilot.press("n")
        assert articles.cursor == 3
        await pilot.press("N")
        assert articles.cursor == 0


@pilot_test
async def test_keys_typed_in_one_burst_apply_in_order(lib):
    """Over SSH keys often arrive in one read: "abc", backspace twice and "xy" must give "axy"
    (Textual ran the bound backspace after the letters queued behind it: "abc")."""
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"abc")
        bar = app.screen.query_one(SearchBar)
        for key, char in (("backspace", "\x7f"), ("backspace", "\x7f"), ("x", "x"), ("y", "y"),
                          ("left", None), ("left", None), ("z", "z")):
            app.post_message(events.Key(key, char))  # all queued before any is handled, as in one read
        await settle(pilot)
        assert bar.value == "azxy"


@pilot_test
async def test_search_as_you_type_enter_keeps_escape_cancels(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        articles, _, status = panes(app)
        await pilot.press("slash")
        assert app.screen.query_one(SearchBar).has_focus and app.screen.has_class("-search")
        await pilot.press(*"ferry")
        await settle(pilot)
        ferry = {r.id for r in articles.rows}
        assert "004_herald_library.md" not in ferry and "002_wire_terminal.md" in ferry
        assert status.query == "ferry" and status.shown == len(ferry)
        await pilot.press("enter")
        assert articles.has_focus and app.screen.has_class("-search")  # the kept query stays visible
        await pilot.press("r")  # unread counts the matches only
        assert status.unread == len(ferry) - 1
        await pilot.press("slash", "space", *"library")
        await settle(pilot)
        assert [r.id for r in articles.rows] == []  # ferry AND library: nothing
        assert "No article matches this search" in articles.render_line(1).text  # said, not a blank pane
        await pilot.press("escape")
        await settle(pilot)
        assert {r.id for r in articles.rows} == ferry and status.query == "ferry"
        # Escape on the list clears the kept query: every article again.
        await pilot.press("escape")
        await settle(pilot)
        assert len(articles.rows) == ARTICLES and not app.screen.has_class("-search")


@pilot_test
async def test_search_terms_are_highlighted_in_the_reading_view(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash", *"terminals", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reading = panes(app)[1]
        text = reading.render_article()
        match = reading.get_component_rich_style("reading-view--match")
        marked = {text.plain[s.start:s.end] for s in text.spans if s.style == match}
        assert "terminal" in marked


@pilot_test
async def test_entity_sidebar_filters_narrows_and_clears(lib):
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        articles, _, status = panes(app)
        sidebar = app.screen.query_one(EntitySidebar)
        assert sidebar.display and app.screen.has_class("-sidebar")
        options = sidebar.query_one("#entity-options")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "person\tLena Park" in ids and "place\tTokyo" in ids
        await pilot.press("tab")  # from the list back to the sidebar (focus wraps)
        options.focus()
        options.highlighted = ids.index("person\tLena Park")
        await pilot.press("enter")
        await settle(pilot)
        park = {r.id for r in articles.rows}
        assert park == {"001_herald_terminal.md", "002_wire_terminal.md", "003_valley_terminal.md",
                        "004_herald_library.md", "008_cjk.md"}
        # Counts follow the results: Westhaven (only in 006) is gone.
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "place\tWesthaven" not in ids
        options.highlighted = ids.index("organization\tCoastal Trust")
        await pilot.press("enter")
        await settle(pilot)
        assert {r.id for r in articles.rows} == {"001_herald_terminal.md", "002_wire_terminal.md"}
        assert status.filters == ("person:Lena Park", "org:Coastal Trust")
        await pilot.press("backspace")  # one filter at a time: the last chosen goes first
        await settle(pilot)
        assert {r.id for r in articles.rows} == park and status.filters == ("person:Lena Park",)
        options.highlighted = [options.get_option_at_index(i).id
                               for i in range(options.option_count)].index("organization\tCoastal Trust")
        await pilot.press("enter")
        await settle(pilot)
        assert status.filters == ("person:Lena Park", "org:Coastal Trust")
        await pilot.press("escape")  # every filter at once
        await settle(pilot)
        assert len(articles.rows) == ARTICLES and status.filters == ()


@pilot_test
async def test_sidebar_hides_under_100_columns_and_follows_resize(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = app.screen
        assert not screen.query_one(EntitySidebar).display
        await pilot.press("e")  # shown, and the keys go to it: j/k pick a name, Enter filters
        options = screen.query_one("#entity-options")
        assert screen.query_one(EntitySidebar).display and options.has_focus
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.session.filters and len(screen.query_one(ArticleList).rows) < ARTICLES
        await pilot.press("e")  # hidden again, the list has the keys; the filter stays
        assert not screen.query_one(EntitySidebar).display and screen.query_one(ArticleList).has_focus
        assert screen.session.filters
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.session.filters and len(screen.query_one(ArticleList).rows) == ARTICLES
        await pilot.resize_terminal(200, 60)
        await settle(pilot)
        screen.sidebar = None  # back to automatic
        await pilot.pause()
        assert screen.has_class("-split") and screen.query_one(EntitySidebar).display
        assert screen.query_one(ReadingView).display and screen.query_one(ArticleList).display
        await pilot.press("j")
        reading = screen.query_one(ReadingView)
        # The preview follows the cursor once it rests (a timer): wait for it, whatever it takes.
        await until(pilot, lambda: reading.article is not None and reading.article.id == "004_herald_library.md",
                    what="the preview of 004")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not screen.has_class("-split") and not screen.query_one(EntitySidebar).display
        assert not screen.query_one(ReadingView).display


@pilot_test
async def test_boilerplate_hidden_then_shown_dimmed_and_mentions_toggle(lib):
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        articles, reading, _ = panes(app)
        articles.move_to("003_valley_terminal.md")
        await pilot.press("enter")
        await settle(pilot)
        assert "Sign up" not in reading.render_article().plain
        assert "1 boilerplate paragraph hidden" in reading.render_article().plain
        await pilot.press("b")
        text = reading.render_article()
        dim = reading.get_component_rich_style("reading-view--boilerplate")
        assert any(text.plain[s.start:s.end].startswith("Sign up") and s.style == dim for s in text.spans)
        person = reading.get_component_rich_style("reading-view--person")
        assert any(text.plain[s.start:s.end] == "Lena Park" and s.style == person for s in text.spans)
        await pilot.press("m")
        assert not any(s.style == person for s in reading.render_article().spans)


@pilot_test
async def test_help_is_generated_from_bindings_with_the_keymap_applied(home):
    lib = open_library(home, "keymap:\n  list.down: ctrl+n\n  main.toggle_star: x\n")
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        articles, _, _ = panes(app)
        await pilot.press("ctrl+n")
        assert articles.cursor == 1
        await pilot.press("x")
        assert articles.starred == {"004_herald_library.md"}
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = str(app.screen.query_one("#help-text").render())
        assert "^n" in help_text and "Star" in help_text
        star_line = next(line for line in help_text.splitlines() if line.rstrip().endswith("Star"))
        assert star_line.split()[0] == "x"
        for section in ("Article list", "Reading view", "Entity sidebar", "Search bar", "Everywhere"):
            assert section in help_text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
    lib.close()


@pilot_test
async def test_j_held_down_in_help_scrolls_a_line_per_key(lib):
    """Keys arriving in one read (j held down over SSH) each scroll: a deferred scroll counted once."""
    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y >= 5
        for _ in range(5):
            app.post_message(events.Key("j", "j"))  # all queued before any is handled
        await settle(pilot)
        assert box.scroll_y == 5


@pilot_test
async def test_theme_defaults_to_256_colour_safe_and_can_be_chosen(lib):
    # Each app is left only once its start-up workers are done: WireApp.on_unmount closes the state
    # database, and a thread worker still reading it at that moment crashes the process.
    for requested, expected in ((None, "wire-256"), ("ansi-dark", "ansi-dark"), ("no-such-theme", "wire-256")):
        app = make_app(lib, theme=requested)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            assert app.theme == expected
            if requested == "no-such-theme":
                assert any("no-such-theme" in str(n.message) for n in app._notifications)


@pilot_test
async def test_sidebar_is_driven_by_the_same_vim_keys(lib):
    """Keys only, as a user would: Tab into the sidebar, j/k/g/G move, Enter filters, Escape clears."""
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        articles, _, _ = panes(app)
        options = app.screen.query_one("#entity-options")
        await pilot.press("tab")
        assert options.has_focus
        await pilot.press("j")
        first = options.highlighted
        assert first is not None and options.get_option_at_index(first).id.startswith("person\t")
        await pilot.press("j", "j", "k")
        assert options.highlighted == first + 1
        await pilot.press("G")
        assert options.highlighted == options.option_count - 1
        await pilot.press("g")
        assert options.highlighted == first  # headings are skipped
        chosen = options.get_option_at_index(first).id.split("\t")[1]
        await pilot.press("enter")
        await settle(pilot)
        assert 0 < len(articles.rows) < ARTICLES
        assert all(chosen in lib.article(r.id).text for r in articles.rows)
        await pilot.press("escape")
        await settle(pilot)
        assert len(articles.rows) == ARTICLES
        # Wide enough to show it anyway: `e` from the list goes into it, `e` there hides it.
        app.screen.set_focus(articles)
        await pilot.press("e")
        assert options.has_focus
        await pilot.press("e")
        assert not app.screen.query_one(EntitySidebar).display and articles.has_focus


@pilot_test
async def test_an_article_opens_before_the_merged_names_and_they_fill_in(lib):
    """The entity view is stale or missing (an article arrived, NER is owed): the reading view shows the text at
    once, without names, and marks them once the background stages have written the view, where the reader is.
    The app never merges the entities itself (on a large corpus that held its interpreter for seconds, minutes
    at 100,000 articles, and every sync waited for it)."""
    from reader.entities.view import VIEW_FILE
    from reader.tui.messages import SyncFinished

    app = make_app(lib)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        stage = lib.entity_stage
        merged_here = []
        real = stage.table
        stage.table = lambda *args, **kwargs: merged_here.append(1) or real(*args, **kwargs)
        (stage.cache_dir / VIEW_FILE).unlink()  # as if the corpus changed since the view was written
        stage._table = stage._view = None
        articles, reading, sidebar = panes(app)
        articles.move_to("001_herald_terminal.md")
        await pilot.press("enter")
        await until(pilot, lambda: reading.article is not None and reading.article.id == "001_herald_terminal.md",
                    what="the article open")
        await settle(pilot)
        assert reading.mentions == [] and not merged_here
        stage.table = real
        stage.view()  # what the background child does: merge, write the view; then it says so
        app.screen.post_message(SyncFinished(None, stage="entities"))
        await until(pilot, lambda: reading.mentions != [], what="the names marked once the view is written")
        assert reading.article.id == "001_herald_terminal.md"


@pilot_test
async def test_copies_scored_before_ner_are_marked_without_waiting_for_it(lib, monkeypatch):
    """`wire overlaps` ran, NER did not: the copy marks (and `d`) are there at once, whatever the entity
    stage does; here its child cannot even start."""
    from reader.tui.screens import main_work

    lib.sync()
    lib.overlaps()
    assert lib.copies_scored() and not lib.entities_finished()

    def no_child(library):
        raise OSError("no process left")

    monkeypatch.setattr(main_work, "Stages", no_child)
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        articles, _reading, status = panes(app)
        await until(pilot, lambda: articles.copies == COPIES)
        assert "entities/copies failed" in status.notice and not lib.entities_finished()


@pilot_test
async def test_a_theme_chosen_while_reading_redraws_the_rows_and_the_status_line(lib):
    """The list keeps drawn rows and their styles: a new theme (or the focus leaving) must not leave rows
    drawn in the old colours."""
    app = make_app(lib)
    async with app.run_test(size=(110, 40)) as pilot:
        await ready(pilot)
        articles, _, status = panes(app)

        def colours() -> tuple[set, set]:
            row = articles.render_line(articles.cursor - int(articles.scroll_offset.y))
            return {seg.style.bgcolor for seg in row if seg.style}, {seg.style.bgcolor for seg in status.render_line(0)}

        before = colours()
        app.theme = "ansi-light"
        await settle(pilot)
        after = colours()
        assert after[0] != before[0] and after[1] != before[1]
        # The cursor row is drawn unfocused once the list loses focus, and focused again after.
        def cursor_styles() -> list:
            return [seg.style for seg in articles.render_line(articles.cursor - int(articles.scroll_offset.y))]

        focused = cursor_styles()
        await pilot.press("tab")
        await settle(pilot)
        assert not articles.has_focus and cursor_styles() != focused
        await pilot.press("shift+tab")
        await settle(pilot)
        assert articles.has_focus and cursor_styles() == focused


@pilot_test
async def test_the_status_line_is_cut_to_the_width_with_an_ellipsis_and_stays_inert(lib):
    app = make_app(lib)
    async with app.run_test(size=(60, 24)) as pilot:
        await ready(pilot)
        _, _, status = panes(app)
        status.query = "harbour \x1b[2J " + "x" * 80
        await settle(pilot)
        line = status.render_line(0)
        text = "".join(seg.text for seg in line)
        assert line.cell_length == status.size.width == 60
        assert text.rstrip().endswith("…") and "\\x1b[2J" in text and "\x1b" not in text
        assert text.startswith(" wire ")
        # The same words as the Text the bar renders (what a test or a screen reader reads).
        assert str(status.render()).startswith(text.rstrip("…").rstrip())
