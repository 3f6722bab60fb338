"""The app says in its status line which files it skipped (and why), while the rest of the corpus reads on."""

from __future__ import annotations

import shutil

from reader.library import Library
from reader.locations import Locations
from reader.tui import make_app
from reader.tui.widgets import ArticleList, StatusBar
from tests.test_tui_support import CORPUS, main_screen, pilot_test, until


@pilot_test
async def test_status_names_a_skipped_file_and_its_reason(tmp_path, home):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n", encoding="utf-8")
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    library = Library(corpus.resolve(), Locations.resolve(home))
    try:
        app = make_app(library)
        async with app.run_test(size=(160, 30)) as pilot:
            status = lambda: main_screen(app).query_one(StatusBar)  # noqa: E731
            await until(pilot, lambda: "skipped" in status().notice, what="a skip notice")
            notice = status().notice
            assert "broken.md: invalid YAML front matter" in notice and "1 more" in notice, notice
            await until(pilot, lambda: len(main_screen(app).query_one(ArticleList).rows) == 8, what="every good article")
    finally:
        library.close()
