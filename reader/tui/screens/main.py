"""MainScreen: the article list, the reading view, the entity sidebar and the search bar."""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState

from reader.library import Library
from reader.listing import Rows
from reader.models import SyncReport
from reader.session import Session
from reader.state import State
from reader.textsafe import inert
from reader.tui.keys import key_shown
from reader.tui.messages import (
    CopiesFound,
    CorpusChanged,
    EntitiesCounted,
    ListingLoaded,
    SearchFinished,
    SyncFinished,
    SyncProgressed,
    WatchChanged,
)
from reader.tui.screens.main_actions import MainActions
from reader.tui.screens.main_feeds import MainFeeds
from reader.tui.screens.main_moves import MainMoves
from reader.tui.screens.main_review import MainReview
from reader.tui.screens.main_searches import MainSearches
from reader.tui.screens.main_work import MainWork
from reader.tui.widgets import ArticleList, EntitySidebar, ReadingView, SearchBar, StatusBar, TimelineBar

SIDEBAR_MIN_WIDTH = 100
"""Below this many columns the entity sidebar hides (a key still shows it)."""
SPLIT_MIN_WIDTH = 120
"""From this many columns the list and the reading view sit side by side."""
SIDEBAR_SPLIT_MIN_WIDTH = 150
"""With the list and the reading view side by side, the sidebar shows by itself from this many columns."""


class MainScreen(MainActions, MainFeeds, MainMoves, MainReview, MainSearches, MainWork, Screen):
    """Binds a Session (what is shown: rows, query, filters, view, sort, the open article, marks) to the
    panes: keys change the session, workers answer the query it names, and the panes draw it."""

    HELP_TITLE = "Reading"
    HELP = ("q goes back (and quits from the list); / searches; l shows every article, the unread, the starred; "
            "J/K the next or previous article; S saves the search, listed with its counts atop the entity sidebar; "
            "d compares an article with its wire copies; T the timeline (Enter on it lists a day, week or month). "
            "Files added to the corpus folder come in by themselves while the status line says live "
            "(watch: false in config.yaml turns that off; R rescans).")
    BINDINGS = [
        # Priority: the binding runs as the key arrives, before the keys typed after it are routed
        # (to whatever has focus at that moment), so `/ferry` typed in one burst all lands in the bar.
        Binding("slash", "search", "Search", id="main.search", priority=True),
        Binding("q", "back", "Back/Quit", id="main.back"),
        Binding("escape", "back_or_clear", "Back", id="main.escape", show=False),
        Binding("n", "next_unread(1)", "Next unread", id="main.next_unread", show=False),
        Binding("N", "next_unread(-1)", "Previous unread", id="main.previous_unread", show=False),
        Binding("r", "toggle_read", "Read", id="main.toggle_read", show=False),
        Binding("s", "toggle_star", "Star", id="main.toggle_star", show=False),
        Binding("d", "diff", "Diff", id="main.diff"),
        Binding("e", "toggle_sidebar", "Entities", id="main.sidebar", show=False),
        Binding("R", "rescan", "Rescan the corpus folder", id="main.rescan", show=False),
        Binding("F", "fetch_feeds", "Fetch the corpus's feeds (wire feeds)", id="main.fetch_feeds", show=False),
        Binding("x", "export", "Export the list", id="main.export", show=False),
        Binding("S", "save_search", "Save this search", id="main.save_search", show=False),
        Binding("T", "toggle_timeline", "Timeline", id="main.timeline", show=False),
        Binding("t", "tag", "Tag", id="main.tag", show=False),
        Binding("a", "note", "Annotate (note)", id="main.note", show=False),
        Binding("l", "next_view", "View: all, unread, starred", id="main.view", show=False),
        Binding("A", "mark_all_read", "Mark all listed read", id="main.mark_all_read", show=False),
        Binding("O", "toggle_sort", "Sort: relevance or date", id="main.sort", show=False),
        Binding("J", "next_article(1)", "Next article", id="main.next_article", show=False),
        Binding("K", "next_article(-1)", "Previous article", id="main.previous_article", show=False),
        Binding("o", "open_url", "Open the article's URL", id="main.open_url", show=False),
        Binding("y", "copy_url", "Copy the article's URL", id="main.copy_url", show=False),
        Binding("backspace", "drop_filter", "Drop the last filter (a name, a date range)", id="main.drop_filter",
                show=False),
    ]

    reading: reactive[bool] = reactive(False)
    """Narrow layouts: the reading view replaces the list while True."""
    sidebar: reactive[bool | None] = reactive(None)
    """None: shown from SIDEBAR_MIN_WIDTH columns; True/False: the user's choice (key `e`)."""
    current_article_id: reactive[str | None] = reactive(None)
    """The article in the reading view."""
    view: reactive[str] = reactive("all")
    """Session.view, for the status bar (bound to it)."""
    sort: reactive[str] = reactive("relevance")
    """Session.sort, for the status bar (bound to it)."""

    def __init__(self, library: Library, state: State) -> None:
        super().__init__()
        self.library = library
        self.state = state
        self.session = Session()
        self._restore: str | None = state.last_selected(library.corpus)
        """The article to put the cursor on once the list has rows (the last one selected)."""
        self._preview: Timer | None = None
        self._save_position: Timer | None = None
        self._last_sync: SyncReport | None = None
        """The report of the last finished text sync (None until one finished)."""
        self._syncing = False
        """A text sync runs: another one asked for meanwhile (`R`, the watch) waits for it (`_resync`)."""
        self._resync = False
        self._generation = ""
        """The store's generation the list was read at (ListingLoaded)."""
        self._reloaded = False
        """The rows on their way answer a reload of the same list (a sync), not a new query: the cursor
        then goes to a neighbour if its article went."""

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status").data_bind(MainScreen.view, MainScreen.sort)
        yield SearchBar(id="search")
        yield TimelineBar(id="timeline")
        with Horizontal(id="panes"):
            yield EntitySidebar(id="sidebar")
            yield ArticleList(id="articles")
            yield ReadingView(id="reading")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(StatusBar).corpus = self.library.corpus.name
        self.set_focus(self.query_one(ArticleList))
        self._layout()
        # The list first, from what the store already holds; the sync starts once it is drawn, so on
        # a known corpus the two never compete for the interpreter before the first screen.
        self._synced = False
        self.load_listing()

    # --- results coming back ---------------------------------------------------------------------
    def on_listing_loaded(self, message: ListingLoaded) -> None:
        session = self.session
        session.all_rows = message.rows
        session.read, session.starred = message.read, message.starred
        articles = self.query_one(ArticleList)
        articles.set_marks(session.read, session.starred, session.copies)
        articles.show_outlet = message.outlets > 1  # one outlet says nothing a column could: fold it away
        keep, self._restore = (self._restore, None) if message.rows else (None, self._restore)
        status = self.query_one(StatusBar)
        status.total = len(message.rows)
        self._generation = message.generation
        if message.arrived or message.removed:
            said = [f"+{message.arrived} new"] if message.arrived else []
            said += [f"{message.removed} removed"] if message.removed else []
            status.arrivals = f"{', '.join(said)} {time.strftime('%H:%M')}"
        self.count_searches()
        if not self._synced:
            self._synced = True
            if self.library.config.watch:
                self.watch_corpus()  # set up before the first sync reads the folder: nothing falls between
            self.call_after_refresh(self.sync_corpus)
        reload = bool(session.rows_query is not None and session.rows)
        if session.searching:
            self._reloaded = reload
            self.search(session.query, session.sort, debounce=0)
        else:
            # The rows listed now stay in the unread view (newsboat's rule, see Session), new ones join them.
            self._show_rows(session.listed_without_search(keep_listed=True), keep, session.query, near=reload)
            self.count_entities(session.query)

    def sync_corpus(self) -> None:
        """Sync now, or once the sync running has finished (one waiting sync answers any number of asks)."""
        if self._syncing:
            self._resync = True
            return
        self._syncing = True
        # The entity and copy stages' child holds the corpus lock while it writes (the merged entities into
        # the index: seconds on a large corpus), and the sync would wait for it: stopped now, it resumes
        # after this sync (run_enrichment, from SyncFinished) where its last commit left it.
        self.workers.cancel_group(self, "enrich")
        self.run_sync()

    def on_corpus_changed(self, message: CorpusChanged) -> None:
        self.sync_corpus()

    def on_watch_changed(self, message: WatchChanged) -> None:
        status = self.query_one(StatusBar)
        status.watching = message.watching
        if message.error:
            status.notice = message.error

    def on_sync_progressed(self, message: SyncProgressed) -> None:
        self.query_one(StatusBar).busy = f"{message.stage} {message.done}/{message.total}"

    def on_sync_finished(self, message: SyncFinished) -> None:
        status = self.query_one(StatusBar)
        status.busy = ""
        if message.stage == "sync":
            self._syncing = False
            if self._resync:  # files changed while it ran: read them now
                self._resync = False
                self.sync_corpus()
        if message.error:
            status.notice = message.error
            return
        self.count_searches()  # new text or new entities: saved searches may match more, or fewer
        if message.stage == "entities":
            self.count_entities(self.session.query)
            if self.current_article_id is not None:  # its names, now that the view is current
                self.load_mentions(self.current_article_id)
            return
        report = message.report
        self._last_sync = report  # an empty list reloaded below then says why it is empty
        # Files that went wrong, not the README or licence a folder of articles is expected to hold.
        wrong = [s for s in report.skipped if not s["reason"].startswith("not an article")] if report else []
        if wrong and not status.notice:
            first = wrong[0]
            more = f" and {len(wrong) - 1} more" if len(wrong) > 1 else ""
            status.notice = f"skipped {first['path']}: {first['reason']}{more} (wire index lists them)"
        # Or another process (`wire index`, `wire watch`) synced the files this sync then found in place.
        if report and (report.added or report.updated or report.removed or not self.session.all_rows
                       or self.library.generation() != self._generation):
            self.load_listing()
        self.run_enrichment()

    def on_search_finished(self, message: SearchFinished) -> None:
        if message.query != self.session.query or message.sort != self.session.sort:
            return  # a result for a query the user has already changed
        near, self._reloaded = self._reloaded, False
        self._show_rows(self.library.rows(message.ids), query=message.query, near=near)
        self.query_one(StatusBar).notice = message.notice or ""
        self.count_entities(message.query)

    def on_entities_counted(self, message: EntitiesCounted) -> None:
        if message.query == self.session.query:
            self.query_one(EntitySidebar).show_counts(message.counts, message.available)

    def on_copies_found(self, message: CopiesFound) -> None:
        self.query_one(StatusBar).busy = ""
        session = self.session
        session.copies = message.ids
        self.query_one(ArticleList).set_marks(session.read, session.starred, session.copies)
        if self.current_article_id in session.copies:  # open before the copies were known: list them now
            self.list_copies(self.current_article_id, shown=True)

    def _show_rows(self, rows: Rows, keep: str | None = None, query: str = "", near: bool = False) -> None:
        self.session.show(rows, query)
        articles = self.query_one(ArticleList)
        articles.set_rows(rows, keep, near)
        self.update_timeline()
        status = self.query_one(StatusBar)
        status.shown = len(rows)
        status.unread = self.session.unread_count()
        status.position = articles.cursor + 1 if rows else 0
        if not rows:
            self._explain_empty()

    def _explain_empty(self) -> None:
        """Say in the list why it is empty and what to do: nothing matched, or the corpus has no articles."""
        if self.session.all_rows and self.session.searching:
            message = "No article matches this search. Esc clears it."
        elif self.session.all_rows and self.session.view != "all":
            message = f"No {self.session.view} articles. {key_shown(self, 'main.view')} shows another view."
        elif self._last_sync is None:
            message = "Reading the corpus folder…"
        else:
            skipped = len(self._last_sync.skipped)
            message = (f"No articles in {self.library.corpus}. wire reads .txt, .md and .jsonl files in that "
                       "folder and its subfolders (see `wire --help` for --corpus); add some, then press R "
                       "to rescan." + (f" {skipped} file(s) there were skipped: `wire index` says why."
                                       if skipped else ""))
        self.query_one(ArticleList).set_empty_message(message)

    # --- the panes' messages -----------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One handler for every worker that failed (an exception its own code did not turn into a message):
        a notice naming the work, so nothing fails silently."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            what = f"{event.worker.description or 'background work'} failed: {event.worker.error}"
            self.notify(inert(" ".join(what.split())), severity="error", timeout=8, markup=False)

    def save_position(self) -> None:
        """Keep the article under the cursor as the one to open on next time (now, not when the timer fires)."""
        if self._save_position is not None:
            self._save_position.stop()
            self._save_position = None
            if (article_id := self.query_one(ArticleList).current_id) is not None:
                self.state.set_last_selected(self.library.corpus, article_id)

    @on(ArticleList.Highlighted)
    def _highlighted(self, message: ArticleList.Highlighted) -> None:
        self.query_one(StatusBar).position = message.article_list.cursor + 1
        if self._save_position is not None:
            self._save_position.stop()
        article_id = message.article_id

        def save() -> None:
            self._save_position = None
            self.state.set_last_selected(self.library.corpus, article_id)

        self._save_position = self.set_timer(1.0, save)
        if self.has_class("-split") and article_id != self.current_article_id:
            # Holding j must not open every article on the way: preview once the cursor rests. The article
            # shown already is not opened again (a list reloaded under it must leave the reading where it is).
            if self._preview is not None:
                self._preview.stop()
            self._preview = self.set_timer(0.12, lambda: self.load_article(article_id))

    @on(ArticleList.Selected)
    def _selected(self, message: ArticleList.Selected) -> None:
        self.open_article(message.article_id)

    def open_article(self, article_id: str) -> None:
        """Show an article in the reading view, give it the keyboard and mark it read."""
        self.load_article(article_id)
        self.state.set_last_selected(self.library.corpus, article_id)
        self._set_read(article_id, True)
        if not self.has_class("-split"):
            self.reading = True
        self.set_focus(self.query_one(ReadingView))

    @on(Input.Changed, "#search")
    def _query_typed(self, event: Input.Changed) -> None:
        if self.session.type(event.value):
            self.refilter()

    @on(Input.Submitted, "#search")
    def _query_kept(self, event: Input.Submitted) -> None:
        self.session.keep()
        self.set_focus(self.query_one(ArticleList))
        self._layout()

    @on(SearchBar.Cancelled)
    def _query_cancelled(self) -> None:
        bar = self.query_one(SearchBar)
        if bar.value.strip() != self.session.kept:
            bar.value = self.session.kept
        self.set_focus(self.query_one(ArticleList))
        self._layout()

    @on(EntitySidebar.Chosen)
    def _entity_chosen(self, message: EntitySidebar.Chosen) -> None:
        if self.session.add_filter(message.type, message.name):
            self.refilter()

    @on(EntitySidebar.Cleared)
    def _entities_cleared(self, message: EntitySidebar.Cleared) -> None:
        if not message.every:
            self.action_drop_filter()
        elif self.session.clear_filters():
            self.refilter()

    def refilter(self, debounce: bool = True) -> None:
        """Run the session's query (or list every article in its view) after any part of it changed."""
        session = self.session
        status = self.query_one(StatusBar)
        status.query = session.typed
        status.filters = session.describe_filters()
        self.view, self.sort = session.view, session.sort
        self.query_one(EntitySidebar).show_filters(session.filters)
        if session.searching:
            self.search(session.query, session.sort, **({} if debounce else {"debounce": 0}))
        else:
            self.workers.cancel_group(self, "search")
            status.notice = ""
            self._show_rows(session.listed_without_search(), query=session.query)
            self.count_entities(session.query)

    # --- actions ---------------------------------------------------------------------------------------
    def action_search(self) -> None:
        bar = self.query_one(SearchBar)
        if bar.has_focus:  # a priority binding sees `/` typed inside the query too
            bar.insert_text_at_cursor("/")
            return
        # set_focus, not widget.focus(): focus() is deferred, and keys typed right after `/` (a fast
        # typist, a paste, a script) would otherwise reach the list as commands.
        self.add_class("-search")
        self.set_focus(bar)

    def action_back(self) -> None:
        if self.reading:
            self.reading = False
        elif self.has_class("-split") and self.query_one(ReadingView).has_focus_within:
            self.set_focus(self.query_one(ArticleList))
        else:
            self.app.exit()

    def action_back_or_clear(self) -> None:
        if self.reading or (self.has_class("-split") and self.query_one(ReadingView).has_focus_within):
            self.action_back()
        elif self.session.clear():
            self.query_one(SearchBar).value = ""  # Input.Changed re-runs the (now empty) query
            self.refilter()
            self._layout()

    def action_rescan(self) -> None:
        """Pick up files added, changed or removed in the corpus folder since the app opened."""
        self.query_one(StatusBar).notice = ""
        self.sync_corpus()

    def action_toggle_sidebar(self) -> None:
        """`e` goes to the names: shows the sidebar and puts the keyboard in it; from there, hides it."""
        sidebar = self.query_one(EntitySidebar)
        shown = self.has_class("-sidebar")
        if shown and not sidebar.has_focus_within:
            self.set_focus(sidebar.query_one("#entity-options"))
            return
        self.sidebar = not shown
        self._layout()
        if self.sidebar:
            self.set_focus(sidebar.query_one("#entity-options"))
        else:
            self.set_focus(self.query_one(ArticleList))

    # --- layout -------------------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._layout()

    def on_descendant_focus(self) -> None:
        self._layout()

    def on_descendant_blur(self) -> None:
        self.call_after_refresh(self._layout)

    def watch_reading(self) -> None:
        self._layout()
        if not self.reading:
            self.set_focus(self.query_one(ArticleList))

    def watch_sidebar(self) -> None:
        self._layout()

    def _layout(self) -> None:
        width = self.size.width or self.app.size.width
        split = width >= SPLIT_MIN_WIDTH
        self.set_class(split, "-split")
        self.set_class(self.reading and not split, "-reading")
        # The sidebar by itself only where the list and the reading view still get room beside it.
        auto = width >= (SIDEBAR_SPLIT_MIN_WIDTH if split else SIDEBAR_MIN_WIDTH)
        self.set_class(self.sidebar if self.sidebar is not None else auto, "-sidebar")
        searching = self.query_one(SearchBar).has_focus or bool(self.session.kept)
        self.set_class(searching, "-search")
