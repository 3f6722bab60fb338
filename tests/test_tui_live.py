"""Live arrival in the app (Pilot, a real watch on a real temporary corpus): files written, changed and removed
while the app runs come in without `R`, the cursor and the reading view staying where they were."""

from __future__ import annotations

import asyncio
import shutil

from reader.config import Config
from reader.tui.messages import SyncFinished
from reader.tui.widgets import ReadingView
from tests.test_tui_support import ARTICLES, list_and_status, pilot_test, running_on_copy, settle, until

NEW = """---
title: 'Ferry strike ends after talks'
date: 2026-03-09
outlet: Coastal Herald
---

The ferry crews went back to work on Monday after the union and the operator agreed terms overnight.
"""
"""Dated after every fixture article: listed first, so every row below moves down one."""


def _syncs(messages: list) -> int:
    """Text syncs finished: SyncFinished messages, each once (the hook sees one at every node it bubbles to)."""
    return len({id(m) for m in messages if isinstance(m, SyncFinished) and m.stage == "sync"})


@pilot_test
async def test_a_file_dropped_in_appears_with_the_cursor_on_the_same_article(home, tmp_path):
    async with running_on_copy(home, tmp_path) as (pilot, folder):
        articles, status = list_and_status(pilot)
        assert status.watching and "live" in str(status.render())
        articles.move_to("001_herald_terminal.md")
        await settle(pilot)
        line, unread = articles.cursor, status.unread
        (folder / "009_ferry.md").write_text(NEW, encoding="utf-8")
        await until(pilot, lambda: status.total == ARTICLES + 1, what="the new article listed")
        assert articles.rows[0].title == "Ferry strike ends after talks"
        # The same article, not the same row number: it moved down one with the new one above it.
        assert articles.current_id == "001_herald_terminal.md" and articles.cursor == line + 1
        assert status.unread == unread + 1 and "+1 new" in status.arrivals


@pilot_test
async def test_a_removed_file_leaves_and_the_cursor_goes_to_its_neighbour(home, tmp_path):
    async with running_on_copy(home, tmp_path) as (pilot, folder):
        articles, status = list_and_status(pilot)
        ids = list(articles.rows.ids)
        line = ids.index("001_herald_terminal.md")
        articles.move_to("001_herald_terminal.md")
        await settle(pilot)
        (folder / "001_herald_terminal.md").unlink()
        await until(pilot, lambda: status.total == ARTICLES - 1, what="the removed article gone")
        assert "001_herald_terminal.md" not in articles.rows.ids
        assert articles.current_id == ids[line + 1]  # the next one down, now on the same line
        assert "1 removed" in status.arrivals


@pilot_test
async def test_a_burst_is_one_sync_and_temporary_files_none(home, tmp_path):
    messages: list = []
    async with running_on_copy(home, tmp_path, message_hook=messages.append) as (pilot, folder):
        status = list_and_status(pilot)[1]
        before = _syncs(messages)
        # What editors, rsync and downloads leave while they work: never a sync.
        for name in (".009_ferry.md.swp", "009_ferry.md~", "010.md.part", "011.md.tmp", ".rsync.a1B2c3"):
            (folder / name).write_text(NEW, encoding="utf-8")
        await asyncio.sleep(1.5)  # several quiet spells of the watch: a batch would have gone out
        await settle(pilot)
        assert _syncs(messages) == before
        for n in range(40):  # an rsync of 40 files: one batch, one sync
            (folder / f"burst_{n:02}.md").write_text(NEW.replace("Ferry strike", f"Strike {n}"), encoding="utf-8")
        await until(pilot, lambda: status.total == ARTICLES + 40, what="the burst listed")
        await asyncio.sleep(1.0)  # and no second sync after it
        await settle(pilot)
        assert _syncs(messages) == before + 1


@pilot_test
async def test_the_reading_view_stays_as_it_was_when_articles_arrive(home, tmp_path):
    # List and reading view side by side, short enough for the longest article to scroll.
    async with running_on_copy(home, tmp_path, size=(140, 12)) as (pilot, folder):
        (articles, status), reading = list_and_status(pilot), pilot.app.screen.query_one(ReadingView)
        articles.move_to("002_wire_terminal.md")
        await pilot.press("enter")
        await settle(pilot)
        reading.scroll_to(y=3, animate=False, immediate=True)
        await settle(pilot)
        shown, offset = pilot.app.screen.current_article_id, reading.scroll_y
        assert shown == "002_wire_terminal.md" and offset > 0
        (folder / "009_ferry.md").write_text(NEW, encoding="utf-8")
        await until(pilot, lambda: status.total == ARTICLES + 1, what="the new article listed")
        await pilot.pause(0.3)  # past the preview's timer: nothing may reopen the article
        await settle(pilot)
        assert pilot.app.screen.current_article_id == shown and reading.scroll_y == offset
        assert reading.has_focus_within


@pilot_test
async def test_a_folder_gone_is_one_line_in_the_status(home, tmp_path):
    async with running_on_copy(home, tmp_path) as (pilot, folder):
        status = list_and_status(pilot)[1]
        shutil.rmtree(folder)
        await until(pilot, lambda: not status.watching, what="the watch stopped")
        assert status.notice.startswith("not watching the folder: the corpus folder is gone")
        assert "\n" not in status.notice and "Traceback" not in status.notice


@pilot_test
async def test_watch_false_in_the_config_watches_nothing(home, tmp_path):
    async with running_on_copy(home, tmp_path, Config(watch=False)) as (pilot, folder):
        status = list_and_status(pilot)[1]
        assert not status.watching and not any(w.group == "watch" for w in pilot.app.workers)
        (folder / "009_ferry.md").write_text(NEW, encoding="utf-8")
        await asyncio.sleep(1.0)
        await settle(pilot)
        assert status.total == ARTICLES  # until R
        await pilot.press("R")
        await until(pilot, lambda: status.total == ARTICLES + 1, what="R read it")
