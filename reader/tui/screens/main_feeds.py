"""MainFeeds: `F` fetches the corpus's feeds (and, with `feeds_every` in config.yaml, a timer does) in a worker."""

from __future__ import annotations

import time

from textual import work
from textual.timer import Timer
from textual.worker import get_current_worker

from reader import feeds
from reader.errors import WireError
from reader.library import Library
from reader.state import State
from reader.tui.messages import FeedsFetched
from reader.tui.widgets import StatusBar


class MainFeeds:
    """Mixed into MainScreen, which provides `library`, `state`, `_progress` (MainWork) and `sync_corpus`.

    The items a fetch writes come into the list the way any new file does: through the watch of the corpus
    folder, or, when nothing watches it (`watch: false`, a watch that failed), an explicit sync.
    """

    library: Library
    state: State
    _feeds_timer: Timer | None = None

    def on_mount(self) -> None:
        # Textual calls each class's on_mount in the MRO: MainScreen's own sets up the panes, this one the timer.
        minutes = self.library.config.feeds_every
        if minutes:
            self._feeds_timer = self.set_interval(minutes * 60, self.action_fetch_feeds, name="feeds")

    def action_fetch_feeds(self) -> None:
        """Fetch every feed of the corpus now; a fetch already running is left to finish (not started twice)."""
        if any(w.group == "feeds" and not w.is_finished for w in self.workers):
            return  # (exclusive would cancel it half way through, its items partly written)
        self.query_one(StatusBar).busy = "fetching feeds…"
        self.fetch_feeds()

    @work(thread=True, group="feeds", exclusive=True, exit_on_error=False, description="Fetching feeds")
    def fetch_feeds(self) -> None:
        worker = get_current_worker()
        # The state's connection is shared with the UI thread (reads only here, as in MainWork's workers).
        subscribed = feeds.feeds(self.state)
        if not subscribed:
            self.post_message(FeedsFetched(error="no feeds for this corpus (wire feeds add URL)"))
            return
        try:
            feeds.check_writable(self.library.corpus)
            book = feeds.Bookkeeping(self.library.cache)
        except WireError as exc:
            self.post_message(FeedsFetched(error=str(exc)))
            return
        try:
            results = feeds.fetch(self.library.corpus, subscribed, book, progress=self._progress("feeds"),
                                  should_stop=lambda: worker.is_cancelled)
        finally:
            book.close()
        failed = [r for r in results if r.status == "failed"]
        first = f"{failed[0].feed.name}: {failed[0].error}" if failed else None
        self.post_message(FeedsFetched(sum(r.new for r in results), len(results), len(failed), first))

    def on_feeds_fetched(self, message: FeedsFetched) -> None:
        status = self.query_one(StatusBar)
        status.busy = ""
        if message.error:
            status.notice = f"feeds: {message.error}"
            return
        said = (f"feeds: {message.new} new from {message.feeds} {'feed' if message.feeds == 1 else 'feeds'}"
                + (f", {message.failed} failed" if message.failed else ""))
        if message.failed:
            status.notice = f"{said} ({message.first_error}; wire feeds list)"
        else:  # (the reload that brings the new items in then says "+N new" here)
            status.arrivals = f"{said} {time.strftime('%H:%M')}"
        if message.new and not status.watching:
            self.sync_corpus()  # no watch brings the new files in
