"""MainWork: the slow work behind the main screen, in thread workers that post their results as messages."""

from __future__ import annotations

import sqlite3
import time

from textual import work
from textual.worker import get_current_worker

from reader import searches
from reader.background import Stages
from reader.errors import WireError
from reader.export import check_out_path, export_file
from reader.library import Library, SyncCancelled
from reader.session import Session
from reader.state import State
from reader.tui import source
from reader.tui.messages import (
    ArticleLoaded,
    CopiesFound,
    CopiesListed,
    CorpusChanged,
    EntitiesCounted,
    ExportFinished,
    ListingLoaded,
    MentionsLoaded,
    SearchesCounted,
    SearchFinished,
    SyncFinished,
    SyncProgressed,
    WatchChanged,
)
from reader.watch import WatchUnavailable

SEARCH_DEBOUNCE = 0.15
"""Seconds of quiet typing before a search runs; a new keystroke cancels the waiting worker."""


class MainWork:
    """Mixed into MainScreen. Nothing here touches a widget: every result goes back as a message
    (post_message is thread-safe), and MainScreen's handlers update the panes."""

    library: Library
    state: State
    session: Session
    """Provided by MainScreen: what the list shows. Read here (its query, its copies), never changed."""

    @work(thread=True, group="listing", exclusive=True, exit_on_error=False, description="Loading the list")
    def load_listing(self) -> None:
        # Ids and dates only (a list-order index): each line is read from the store when it is drawn.
        generation = self.library.generation()  # before the rows: a sync committing between is then seen again
        rows, before = self.library.rows(), self.session.all_rows
        # What came and went, for the status line (a pass over the ids here, not on the UI thread).
        arrived = sum(1 for i in rows.ids if before.index_of(i) is None) if before.ids else 0
        removed = len(before) + arrived - len(rows) if before.ids else 0
        self.post_message(ListingLoaded(rows, self.state.read_ids(), self.state.starred_ids(),
                                        self.library.outlets(), generation, arrived, removed))

    @work(thread=True, group="watch", exclusive=True, exit_on_error=False, description="Watching the corpus folder")
    def watch_corpus(self) -> None:
        """Post CorpusChanged for each batch of changes in the corpus folder until the screen goes (a quit:
        the watch sees the cancellation within reader.watch.STEP_MS)."""
        worker = get_current_worker()
        watch = self.library.watch(lambda: worker.is_cancelled, lambda: self.post_message(WatchChanged(True)))
        try:
            for files in watch.batches():
                self.post_message(CorpusChanged(len(files)))
        except WatchUnavailable as exc:
            self.post_message(WatchChanged(False, f"not watching the folder: {exc} (R rescans)"))

    @work(thread=True, group="index", exclusive=True, exit_on_error=False, description="Syncing the corpus")
    def run_sync(self) -> None:
        worker = get_current_worker()
        try:
            report = self.library.sync(progress=self._progress(""), should_stop=lambda: worker.is_cancelled)
        except SyncCancelled:
            return  # the app is closing: nothing was committed, the next start syncs again
        except Exception as exc:  # noqa: BLE001 — shown in the status line; the list stays usable
            self.post_message(SyncFinished(None, f"sync failed: {exc}"))
        else:
            self.post_message(SyncFinished(report))

    @work(thread=True, group="search", exclusive=True, exit_on_error=False, description="Searching")
    def search(self, query: str, sort: str = "relevance", debounce: float = SEARCH_DEBOUNCE) -> None:
        time.sleep(debounce)
        if get_current_worker().is_cancelled:
            return
        # Every match, as ids: the list reads each line's title when it is drawn.
        try:
            found = self.library.found(query, sort)
        except WireError as exc:  # a query the user can fix (`is:bogus`): said in the status line
            self.post_message(SearchFinished(query, [], 0, str(exc), sort))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(SearchFinished(query, found.ids, len(found.ids), found.notice, sort))

    @work(thread=True, group="article", exclusive=True, exit_on_error=False, description="Opening an article")
    def load_article(self, article_id: str) -> None:
        article = self.library.article(article_id)
        # The names come now if the entity view is current, else once the background stages have written it
        # (MainScreen asks again then): the text never waits for them, nor does the app merge them itself.
        mentions = self.library.mentions(article.id, wait=False)
        # The user's tags and note are read here too, on the state connection shared with the UI thread
        # (reads only, as load_listing's marks); `t` and `a` write them on the UI thread.
        self.post_message(ArticleLoaded(article, mentions or [], self.library.highlights(article, self.session.query),
                                        self.state.tags_of(article.id), self.state.note(article.id)))
        if article.id in self.session.copies:  # the copy stage is done: its scored pairs are on disk, read at once
            self.post_message(CopiesListed(article.id, self.library.copies_of(article.id), shown=True))

    @work(thread=True, group="mentions", exclusive=True, exit_on_error=False, description="Finding the names")
    def load_mentions(self, article_id: str) -> None:
        """The article's names once the entity view is current; until then none (the background stages merge and
        write the view, and the screen asks again when they have: never a merge in the app's process)."""
        mentions = self.library.mentions(article_id, wait=False)
        if mentions is not None and not get_current_worker().is_cancelled:
            self.post_message(MentionsLoaded(article_id, mentions))

    @work(thread=True, group="entities", exclusive=True, exit_on_error=False, description="Counting entities")
    def count_entities(self, query: str) -> None:
        try:
            counts = source.entity_counts(self.library, query)
            available = any(counts.values()) or self.library.entities_finished()
        except sqlite3.DatabaseError:
            # A first sync is creating the store's tables (a new home, a new version) on the connection the
            # count reads: nothing to count yet, and the counts come again once that sync has finished.
            return
        self.post_message(EntitiesCounted(counts, query, available))

    @work(thread=True, group="saved", exclusive=True, exit_on_error=False, description="Counting saved searches")
    def count_searches(self) -> None:
        """Every saved search counted afresh (total, unread): one unscored pass each, off the UI thread."""
        # The state's connection is shared with the UI thread, as in export_list below (reads only).
        try:
            counted = searches.counted(self.library, self.state)
        except Exception as exc:  # noqa: BLE001 — shown in the status line; the last counts stay
            self.post_message(SearchesCounted([], error=f"saved searches not counted: {exc}"))
            return
        if not get_current_worker().is_cancelled:  # a newer count (after a save, a delete) is on its way
            self.post_message(SearchesCounted(counted))

    @work(thread=True, group="enrich", exclusive=True, exit_on_error=False, description="Entities and copies")
    def run_enrichment(self) -> None:
        """After the text is indexed: NER (entities fill in), then wire copies (marks fill in), in a child
        process (reader.background) that a quit stops at once; the results are read from the files it writes."""
        worker = get_current_worker()
        if self.library.copies_scored():
            # The pairs of the corpus as it is are on disk (`wire overlaps`, an earlier run): marked now, not
            # after NER, which can take an hour on a large archive (`d` said "no wire copies" until then).
            self.post_message(CopiesFound(self.library.copy_ids()))
            if self.library.entities_finished():  # nothing to do: no child, the results are on disk
                self.post_message(SyncFinished(None, stage="entities"))
                return
        progress = {"entities": self._progress("entities"), "copies": self._progress("copies")}
        label = "entities"
        stages: Stages | None = None
        try:
            stages = Stages(self.library)  # (an OSError here, no process left to start: said like any failure)
            for event in stages.events(lambda: worker.is_cancelled):
                if event[0] == "progress":
                    progress[label](*event[1:])
                elif event == ("finished", "entities"):
                    label = "copies"
                    self.post_message(SyncFinished(None, stage="entities"))
                elif event == ("finished", "copies"):
                    self.post_message(CopiesFound(self.library.copy_ids()))
                elif event[0] == "error":
                    self.post_message(SyncFinished(None, f"entities/copies failed: {event[1]}", stage="enrich"))
        except Exception as exc:  # noqa: BLE001 — shown in the status line; reading goes on without them
            self.post_message(SyncFinished(None, f"entities/copies failed: {exc}", stage="enrich"))
        finally:
            if stages is not None:
                stages.stop()

    def _progress(self, label: str):
        last = [-1.0]

        def progress(stage: str, done: int, total: int) -> None:
            # Posting is cheap but not free: at most ~20 updates a second reach the UI.
            now = time.monotonic()
            if now - last[0] >= 0.05 or done == total:
                last[0] = now
                # "entities: reading", not "entities: entities" when the stage says its own name.
                what = f"{label}: {stage}" if label and stage != label else stage
                self.post_message(SyncProgressed(what, done, total))

        return progress

    @work(thread=True, group="copies_of", exclusive=True, exit_on_error=False, description="Listing copies")
    def list_copies(self, article_id: str, shown: bool = False) -> None:
        self.post_message(CopiesListed(article_id, self.library.copies_of(article_id), shown=shown))

    @work(thread=True, group="export", exit_on_error=False, description="Exporting the list")
    def export_list(self, ids: list[str], fmt: str, path: str, query: str) -> None:
        """Write `ids` (the list as shown) to `path` as `fmt`; a large corpus takes a second or more."""
        # self.state is used here, not copied or reopened: State opens its SQLite connection with
        # check_same_thread=False, this Python's sqlite3 is built serialized (threadsafety 3: threads
        # may share a connection), export only reads (the read and starred ids, as load_listing does
        # from its worker) and the UI's writes are single autocommitted statements. WireApp.on_unmount
        # waits for the workers before it closes the state.
        try:
            target = check_out_path(path, self.library.corpus)  # for the notice: the absolute path
            count = export_file(self.library, self.state, ids, fmt, target, query)
        except (WireError, OSError) as exc:
            self.post_message(ExportFinished(path, error=str(exc)))
        except Exception as exc:  # noqa: BLE001 — shown as an error notice; the app goes on
            self.post_message(ExportFinished(path, error=f"export failed: {exc}"))
        else:
            self.post_message(ExportFinished(str(target), count))
