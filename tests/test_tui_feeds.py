"""The app's feed key (Pilot, a real server on 127.0.0.1, a real watch on a real folder): `F` fetches, the new
items come into the list, the status line says what happened; `feeds_every` sets a timer."""

from __future__ import annotations

from bench.feed_server import FeedServer
from reader import feeds
from reader.config import Config
from reader.state import State
from tests.test_tui_support import ARTICLES, list_and_status, pilot_test, running_on_copy, until

from .conftest import DATA


def _app(home, tmp_path, urls: list[str], config: Config | None = None):
    """The app on a writable copy of the fixture corpus, subscribed to `urls` before it starts."""
    def subscribe(library, folder) -> None:
        state = State.open(library.locations.data_dir, folder)
        for n, url in enumerate(urls):
            feeds.subscribe(state, url, f"feed{n}")
        state.close()

    return running_on_copy(home, tmp_path, config, prepare=subscribe)


@pilot_test
async def test_the_fetch_key_brings_new_items_into_the_list(home, tmp_path):
    with FeedServer() as server:
        server.put("/ferries.rss", (DATA / "feeds" / "ferries.rss").read_bytes())
        server.status("/broken", 500)
        async with _app(home, tmp_path, [server.url("/ferries.rss"), server.url("/broken")]) as (pilot, folder):
            articles, status = list_and_status(pilot)
            assert status.watching
            await pilot.press("F")
            await until(pilot, lambda: status.total == ARTICLES + 3, what="the three items listed")
            titles = {articles.rows.get(i).title for i in articles.rows.ids if i.startswith("feeds/")}
            assert titles == {"Ferry crews vote to strike over rosters", "Harbour wall repairs to close the promenade",
                              "Lifeboat crew rescues two kayakers off the point"}
            await until(pilot, lambda: "1 failed" in status.notice, what="the failure said")
            assert status.notice.startswith("feeds: 3 new from 2 feeds, 1 failed (feed1: HTTP 500")
            assert len(list((folder / "feeds").rglob("*.json"))) == 3
            await pilot.press("F")  # again: nothing new, nothing written twice
            await until(pilot, lambda: len(server.requests("/ferries.rss")) == 2, what="the second fetch")
            await until(pilot, lambda: status.busy == "", what="the fetch done")
            assert status.total == ARTICLES + 3
            assert server.requests("/ferries.rss")[1].headers.get("if-none-match")


@pilot_test
async def test_without_a_watch_the_fetch_syncs_itself(home, tmp_path):
    with FeedServer() as server:
        server.put("/ferries.rss", (DATA / "feeds" / "ferries.rss").read_bytes())
        async with _app(home, tmp_path, [server.url("/ferries.rss")], Config(watch=False)) as (pilot, _):
            _, status = list_and_status(pilot)
            assert not status.watching
            await pilot.press("F")
            await until(pilot, lambda: status.total == ARTICLES + 3, what="the three items listed")


@pilot_test
async def test_no_feeds_is_said_and_feeds_every_sets_a_timer(home, tmp_path):
    async with _app(home, tmp_path, [], Config(feeds_every=30)) as (pilot, _):
        _, status = list_and_status(pilot)
        timer = pilot.app.screen._feeds_timer
        assert timer is not None and timer._interval == 30 * 60
        await pilot.press("F")
        await until(pilot, lambda: "no feeds" in status.notice, what="the notice")
        assert status.notice == "feeds: no feeds for this corpus (wire feeds add URL)"
