"""The app on a moved corpus: its state is adopted and the app says so once, as a notice."""

from __future__ import annotations

import shutil

from reader.library import Library
from reader.locations import Locations
from reader.state import State
from reader.tui.app import make_app

from .test_tui_support import pilot_test


@pilot_test
async def test_the_app_adopts_a_moved_corpus_and_says_so(home, corpus_copy, tmp_path):
    state = State.open(Locations.resolve(home).data_dir, corpus_copy)
    state.set_starred("front.md")
    state.add_tag("plain.txt", "lead")
    state.close()
    moved = tmp_path / "moved"
    shutil.move(corpus_copy, moved)
    library = Library(moved.resolve(), Locations.resolve(home))
    try:
        app = make_app(library)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            said = [str(n.message) for n in app._notifications]
            assert sum("taken as moved" in text for text in said) == 1
            assert app.state.starred_ids() == {"front.md"} and app.state.tagged("lead") == ["plain.txt"]
    finally:
        library.close()
