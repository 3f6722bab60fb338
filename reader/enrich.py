"""The entity stage of a corpus: NER after text indexing, alias merging, entity fields in the index."""

from __future__ import annotations

import json
import pickle
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TypeVar

from reader.corpus.store import Store
from reader.entities import aliases as _aliases
from reader.entities import (
    MENTIONS_FILE,
    MERGE_VERSION,
    EntityTable,
    MentionCache,
    Overrides,
    cached_mentions,
    load_overrides,
    missing,
    parse_overrides,
    pipeline_version,
    tag_missing,
)
from reader.entities.view import VIEW_FILE, EntityView
from reader.entities.view import write as write_view
from reader.children import release_freed
from reader.errors import writing
from reader.index import BULK_THRESHOLD, Index
from reader.locations import write_atomic, write_stream
from reader.merge_apart import merged_terms
from reader.models import Entity, Mention

T = TypeVar("T")
MERGE_APART = 5_000
"""From this many articles the merge runs in a child process (reader.merge_apart): its memory goes back to the
system when it ends. Below it, starting the child (half a second of imports) would cost more than it saves."""


class EntityStage:
    """Mentions cached by article sha256, merged into entities, written into the index's entity fields.

    The table is built from whatever the cache holds, so the sidebar and `wire entities` work
    (partially) while NER is still running; `run()` does the NER that is missing.
    """

    def __init__(self, store: Store, index: Index, cache_dir: Path, aliases: Path,
                 guard: Callable[[], AbstractContextManager] | None = None) -> None:
        """Args:
            guard: the corpus's sync lock, held while this stage writes the index, the store's entity
                terms and its stamp files (not while NER runs: its cache takes concurrent writers).
        """
        self.guard = guard or nullcontext
        self.store = store
        self.index = index
        self.cache_dir = cache_dir
        self.aliases = aliases
        self._last_good = cache_dir / "aliases.last-good.yaml"
        self._base: EntityTable | None = None
        """Merged entities before the user's aliases."""
        self._base_key: tuple | None = None
        self._table: EntityTable | None = None
        self._key: tuple | None = None
        self._view: tuple[EntityView, str] | None = None
        """The view last found current, with the key it was current for."""
        self._lock = threading.RLock()
        self.warning: str | None = None
        """The aliases.yaml error, if the file is malformed (the last good aliases stay in use)."""

    # --- aliases.yaml -----------------------------------------------------------------------
    def overrides(self) -> Overrides:
        """The user's aliases, or the last good ones while the file is malformed."""
        last_good = None
        if self._last_good.is_file():
            try:
                last_good = parse_overrides(self._last_good.read_text(encoding="utf-8"), self.aliases)
            except Exception:  # noqa: BLE001 — a damaged copy of our own: ignore it
                last_good = None
        overrides, error = load_overrides(self.aliases, last_good)
        self.warning = str(error) if error else None
        if error is None and self.aliases.is_file():
            # Kept in the cache so that a malformed edit in a later run still has something to fall back on.
            try:
                write_atomic(self._last_good, self.aliases.read_bytes())
            except OSError:
                pass  # only a fallback (a full disk, say): the aliases in use are the good ones just read
        return overrides

    def _aliases_key(self) -> tuple:
        try:
            st = self.aliases.stat()
            return (st.st_mtime_ns, st.st_size)
        except OSError:
            return (None, None)

    # --- the table --------------------------------------------------------------------------
    def _base_now(self) -> tuple:
        """What the merged table must have been built from to be current."""
        return (self.store.generation(), self._mentions_version(), pipeline_version(), MERGE_VERSION)

    def ready(self) -> bool:
        """The merged entities can be asked at once: their view file is current (else `view()` loads or merges
        the table first, seconds on a large corpus, and more while NER is still adding to it). Takes no lock:
        a thread loading the table meanwhile does not make a current view look missing."""
        return self._current_view() is not None

    def _view_key(self) -> str:
        return json.dumps([self._base_now(), self._aliases_key()])

    def _current_view(self) -> EntityView | None:
        key = self._view_key()
        held = self._view
        if held is not None and held[1] == key:
            return held[0]
        view = EntityView.open(self.cache_dir / VIEW_FILE, key)
        if view is not None:
            self._view = (view, key)  # one assignment: another thread sees the old pair or the new one
        return view

    def last_view(self) -> EntityView | None:
        """The view as it is on disk, current or written for an earlier corpus (new articles not in it yet), never
        merged here; None when none was written. The app reads this: its background child merges and writes
        the view, and merging a large corpus in the app's own process held its interpreter for seconds (100,000
        articles: minutes and a gigabyte) each time an article arrived while NER was owed."""
        return self._current_view() or EntityView.open(self.cache_dir / VIEW_FILE, None)

    def view(self) -> EntityView | TableView:
        """What readers ask of the merged entities, from a small file written beside the table: the top
        lists, counts over a search and one article's names, without loading the table in this process."""
        view = self._current_view()
        if view is not None:
            return view
        with self._lock:
            view = self._current_view()  # written by another thread while this one waited
            if view is None:
                key = self._view_key()
                table = self.table()
                try:
                    self.cache_dir.mkdir(parents=True, exist_ok=True)
                    write_view(self.cache_dir / VIEW_FILE, key, table)
                except (OSError, sqlite3.Error):
                    return TableView(table)  # a cache only (a full disk, say): asked of the table itself
                view = self._current_view()
                if view is None:  # written for a key that changed meanwhile (NER finished a batch): next call
                    return TableView(table)
            return view

    def table(self) -> EntityTable:
        """The merged entities of what NER has done so far, with the user's aliases applied.

        Merging a large corpus takes seconds (≈8 s for Reuters-21578), so the merged table is kept
        on disk, keyed by the corpus generation and the NER cache's stamp, and reused by the next
        run; aliases.yaml is applied on top of it without merging again.
        """
        with self._lock:
            base_key = self._base_now()
            if self._base is None or self._base_key != base_key:
                self._base = self._load_base(base_key) or self._build_base(base_key)
                self._base_key, self._table = base_key, None
            aliases_key = self._aliases_key()
            if self._table is None or self._key != aliases_key:
                overrides = self.overrides()
                # No aliases.yaml (the usual case): the merged table as it is; applying nothing
                # would still re-key every entity (seconds on a large corpus).
                self._table = self._base if overrides == Overrides() else self._base.with_overrides(overrides)
                self._key = aliases_key
            return self._table

    def _load_base(self, key: tuple) -> EntityTable | None:
        try:
            with (self.cache_dir / "table.pickle").open("rb") as fh:
                stored_key, table = pickle.load(fh)  # our own cache file, written below
        except Exception:  # noqa: BLE001 — cut short or overwritten, pickle raises almost anything: merge again
            return None
        # The class as defined, not this module's name for it (which a test may replace to watch merges).
        return table if stored_key == key and isinstance(table, _aliases.EntityTable) else None

    def _build_base(self, key: tuple) -> EntityTable:
        # The articles stream from the store: the corpus pass keeps their texts, not the articles.
        table = EntityTable(self._mentions(lambda: cached_mentions(self.store.iter_articles(), self.cache_dir)))
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            with write_stream(self.cache_dir / "table.pickle") as fh:  # no second copy of the table as bytes
                pickle.dump((key, table), fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass  # a cache only (a full disk, say): the table is right, the next run merges again
        return table

    def _mentions(self, read: Callable):
        """`read()` on the mention cache; a cache found damaged inside is started afresh (NER is owed again)."""
        try:
            return read()
        except sqlite3.OperationalError:
            raise  # locked, full, I/O: not damage
        except sqlite3.DatabaseError:
            with self.guard():
                for name in (MENTIONS_FILE, MENTIONS_FILE + "-wal", MENTIONS_FILE + "-shm"):
                    (self.cache_dir / name).unlink(missing_ok=True)
            return read()

    def _mentions_version(self) -> int:
        try:
            return int((self.cache_dir / "mentions.stamp").read_text())
        except (OSError, ValueError):
            return 0  # missing or garbled: the table is merged again, which is what it is for

    def _bump(self) -> None:
        write_atomic(self.cache_dir / "mentions.stamp", str(self._mentions_version() + 1).encode())

    def pending(self) -> int:
        """How many articles still wait for NER."""
        return len(self._mentions(lambda: missing(MentionCache(self.cache_dir), self.store.iter_articles()))[1])

    # --- running ----------------------------------------------------------------------------
    def run(self, progress: Callable[[str, int, int], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> None:
        """NER for the articles not cached yet, then the entity fields of changed articles re-indexed."""
        tick = progress or (lambda stage, done, total: None)
        # Nothing changed since a run that finished (same corpus, NER cache, merging and aliases): the
        # look-ups below would find nothing to do, and take seconds on a large corpus. Nor is the merged
        # table loaded (4.9 s of a `person:` search on Reuters-21578): the index already holds its fields.
        if self.finished():
            if not self.ready():  # a home from before the view file, or one whose view was lost: written here
                with self.guard():
                    self.view()
            return
        with writing("the entity cache", self.cache_dir / MENTIONS_FILE):
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            problems: list[tuple[str, str]] = []
            total, before, done = self._mentions(lambda: self._tag(tick, should_stop, problems.append))
        if problems:  # articles NER failed on: listed with their file's skip entries, still searchable
            with self.guard(), self.store.transaction():
                for article_id, reason in problems:
                    self.store.note_problem(article_id, reason)
        with self.guard(), writing("the entity cache", self.cache_dir):
            if done != before:
                self._bump()
            changed = self._merged(should_stop)
            if changed is None:
                return  # stopped while merging: the next run merges again (NER is kept)
            self.reindex(changed, tick)
            if done == total:  # not after a stopped run: NER is still owed
                write_atomic(self.cache_dir / "finished.json", json.dumps(self._run_key()).encode())

    def _tag(self, tick: Callable[[str, int, int], None], should_stop: Callable[[], bool] | None,
             on_problem: Callable[[tuple[str, str]], None]) -> tuple[int, int, int]:
        """NER for the articles the cache lacks, streamed from the store (one pass finds them, a second reads
        them as NER asks: a whole corpus of articles and texts is never held). Returns (articles, cached before,
        cached now)."""
        cache = MentionCache(self.cache_dir)
        total, todo, words = missing(cache, self.store.iter_articles())
        before = total - len(todo)
        tick("entities", before, total)
        if not todo:
            return total, before, before
        from reader.entities.ner import choose_processes  # not spaCy: only running NER imports it

        tagged = tag_missing(self.store.iter_articles(todo), cache, total, before,
                             progress=lambda done, total: tick("entities", done, total), should_stop=should_stop,
                             n_process=choose_processes(words), on_problem=lambda *problem: on_problem(problem))
        return total, before, before + tagged

    def finished(self) -> bool:
        """A run finished for the corpus, NER cache, merging and aliases as they are now."""
        return self._finished_key() == self._run_key()

    def finished_before(self) -> bool:
        """Whether a run finished NER once (for a repaired index: its entity fields are owed)."""
        return (self.cache_dir / "finished.json").is_file()

    def _run_key(self) -> list:
        """What a finished run depends on (JSON-ready). The mention database's inode is in it: a cache
        found damaged and started afresh is a new file, whose NER is owed again."""
        try:
            database = (self.cache_dir / MENTIONS_FILE).stat().st_ino
        except OSError:
            database = None
        return [self.store.generation(), self._mentions_version(), pipeline_version(), MERGE_VERSION,
                list(self._aliases_key()), database]

    def _finished_key(self) -> list | None:
        try:
            return json.loads((self.cache_dir / "finished.json").read_text())
        except (OSError, ValueError):
            return None

    def _merged(self, should_stop: Callable[[], bool] | None) -> dict[str, dict[str, list[str]]] | None:
        """The table merged and its view written, the table let go; returns the entity fields that changed."""
        if self.store.count() >= MERGE_APART and self.store.path is not None:
            try:
                return merged_terms(self.store.path, self.cache_dir, self.aliases, should_stop)
            except OSError:
                pass  # no child could be started (out of processes, say): merged here, as a small corpus is
        self.view()  # readers (the app, the next command) ask it, never loading the table
        changed = self.changed_terms(self.table())
        # Let go before the index writer fills its pools: the writer reuses the table's freed memory, which the
        # process keeps (most of it, fragmented), instead of adding its own on top.
        self.forget()
        release_freed()
        return changed

    def changed_terms(self, table: EntityTable) -> dict[str, dict[str, list[str]]]:
        """The entity fields `table` gives each article whose fields in the index differ (new NER, edited
        aliases.yaml), by article id."""
        changed: dict[str, dict[str, list[str]]] = {}
        for article_id in self.store.all_ids():
            terms = table.index_terms(article_id)
            if json.dumps(terms, sort_keys=True) != json.dumps(self.store.terms_of(article_id), sort_keys=True):
                changed[article_id] = terms
        return changed

    def forget(self) -> None:
        """Let the merged table go (a corpus's every mention); the next `table()` loads it from its file."""
        with self._lock:
            self._base = self._base_key = self._table = self._key = None

    def reindex(self, changed: dict[str, dict[str, list[str]]], tick: Callable[[str, int, int], None]) -> int:
        """Write the entity fields of `changed` (see `changed_terms`) into the index and the store."""
        if not changed:
            return 0
        with self.guard(), self.store.transaction():
            # One writer process, though the first run after a text build replaces every article. Two, forked
            # from this process with the merged table in memory, took 30% more CPU and twice the memory (20,000
            # articles: 164 against 127 CPU-s, 1.6 against 0.75 GB for the process group); forked after the
            # table was let go, 20% less time at 100,000 (173 against 215 s) but 1.7 GB PSS for the group
            # against 1.3: the parent's freed heap stays resident and the two pools come on top.
            with self.index.writer(bulk=len(changed) >= BULK_THRESHOLD) as writer:
                for done, article in enumerate(self.store.iter_articles(changed), start=1):
                    writer.replace(article, changed[article.id])
                    self.store.set_terms(article.id, changed[article.id])
                    if done % 100 == 0:
                        tick("entity fields", done, len(changed))
        return len(changed)

    # --- queries ----------------------------------------------------------------------------
    def entities(self, type: str | None, article_ids: list[str] | None, limit: int | None) -> list[Entity]:  # noqa: A002
        if article_ids is None:
            return self._ask(lambda view: view.entities(type, limit))
        return self._ask(lambda view: view.top(article_ids, [type] if type else None, limit))[type]

    def top(self, types: list[str], limit: int, article_ids: list[str] | None = None,
            merge: bool = True) -> dict[str, list[Entity]]:
        """For each type its first `limit` entities, over every article or over `article_ids` (the sidebar).
        With `merge` False, from `last_view()` (none for every type when no view was written yet)."""
        def question(view):
            return ({t: view.entities(t, limit) for t in types} if article_ids is None
                    else view.top(article_ids, types, limit))

        if merge:
            return self._ask(question)
        return self._answer(self.last_view(), question, {t: [] for t in types})

    def of_article(self, article_id: str, merge: bool = True) -> list[tuple[Entity, list[Mention]]] | None:
        """The article's entities and their mentions. With `merge` False, None unless the view is current: a
        stale one may hold an older text of the article, whose mention offsets would mark the wrong words."""
        if merge:
            return self._ask(lambda view: view.for_article(article_id))
        return self._answer(self._current_view(), lambda view: view.for_article(article_id), None)

    def _answer(self, view: EntityView | None, question: Callable[[EntityView], T], missing: T) -> T:
        """`question(view)` of a view read without merging; `missing` when there is none, or it was replaced or
        damaged under us (the next ask opens it again)."""
        if view is None:
            return missing
        try:
            return question(view)
        except sqlite3.DatabaseError:
            self._view = None
            return missing

    def _ask(self, question: Callable[[EntityView | TableView], T]) -> T:
        """`question(view)`; a view file found damaged (or gone) under it is made again, once."""
        view = self.view()
        try:
            return question(view)
        except sqlite3.DatabaseError:
            if not isinstance(view, EntityView):
                raise
            with self._lock:
                (self.cache_dir / VIEW_FILE).unlink(missing_ok=True)
                self._view = None
            return question(self.view())


class TableView:
    """The view's questions asked of a table in memory, for when the view file cannot be written."""

    def __init__(self, table: EntityTable) -> None:
        self.table = table

    def entities(self, type: str | None = None, limit: int | None = None) -> list[Entity]:  # noqa: A002
        return self.table.entities(type, None, limit)

    def top(self, article_ids, types=None, limit=None) -> dict[str | None, list[Entity]]:
        return self.table.top(article_ids, types, limit)

    def for_article(self, article_id: str) -> list[tuple[Entity, list[Mention]]]:
        return self.table.for_article(article_id)
