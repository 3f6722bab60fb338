"""The facade both front ends use: open a corpus, sync it, search it, read articles."""

from __future__ import annotations

import dataclasses
import difflib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.config import Config, load_config
from reader.corpus.metadata import parse_date
from reader.corpus.store import Store
from reader.errors import WireError
from reader.index import Index, IndexUnreadable
from reader.listing import Rows
from reader.locations import Locations, bundled, write_atomic
from reader.models import (Article, ArticleRow, Entity, Family, Matches, Mention, Overlap, SearchResult,
                           SyncReport)
from reader.querytext import marks_test, split_marks
from reader.review import query_tag
from reader.sync import VERSION as SYNC_VERSION
from reader.sync import Progress, Scan, SyncCancelled, sync  # noqa: F401 — SyncCancelled is re-exported
from reader.synclock import StopWaiting, SyncLock
from reader.textsafe import inert
from reader.watch import CorpusWatch

if TYPE_CHECKING:
    from reader.copies import CopyStage
    from reader.enrich import EntityStage
    from reader.overlap import Comparison


class Library:
    """One corpus with its derived data (index, store) and the user's settings.

    Args:
        corpus: the corpus folder (read only: nothing is ever written there).
        locations: where config, user state and derived data live.
        config: settings, already loaded.
    """

    def __init__(self, corpus: Path, locations: Locations, config: Config | None = None) -> None:
        self.corpus = corpus
        self.locations = locations
        self.config = config or Config()
        self.cache = locations.corpus_cache(corpus)
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WireError(f"cannot create the cache folder {self.cache}: {exc.strerror}") from None
        self.lock = SyncLock(self.cache / "sync.lock")
        """Held by whoever writes this corpus's derived data (a sync, the entity and copy stages' writes)."""
        self.on_wait: Callable[[int | None], None] | None = None
        """Called once (with the other process's pid) when a sync has to wait for another process's; the
        CLI says so on stderr. None: a sync with a `progress` callback reports it as a progress stage."""
        self.store = Store(self.cache / "corpus.sqlite", SYNC_VERSION, guard=self._locked)
        self.index = Index(self.cache / "index", guard=self._locked)
        self.index.committed = self.store.set_index_generation
        self.index.tag_ids = self._user_tagged
        self.tag_ids: Callable[[str, bool], list[str]] | None = None
        """(tag, is a prefix) → ids the user tagged so (`State.tagged`), for `tags:` in every search.

        Set by the front end, which holds the user's State: the app its one connection (shared by its
        worker threads already), the CLI one it opens on the first `tags:` lookup, and only if the state
        file exists, so a search never creates it. The Library itself stays with corpus and derived data;
        opening State here would add a second connection to the app and a write path (State's schema
        setup) to every read-only command. None: `tags:` matches the files' own tags only."""
        self.marked: Callable[[str], set[str]] | None = None
        """"read" or "starred" → the ids the user marked so (`State.read_ids`, `starred_ids`), for `is:read`,
        `is:unread`, `is:starred` in every search; set by the front end as `tag_ids` is. None: nothing marked."""

        self._stages_lock = threading.Lock()
        self._entity_stage: EntityStage | None = None
        self._copy_stage: CopyStage | None = None

    # The entity and wire-copy stages load spaCy's glue, numpy and datasketch: a tenth of a second that
    # `wire search`, `show` and the app's first screen do not pay until they ask for names or copies.
    # Made once, under a lock: the app's worker threads may ask for one at the same moment.
    @property
    def entity_stage(self) -> EntityStage:
        if self._entity_stage is None:
            with self._stages_lock:
                if self._entity_stage is None:
                    from reader.enrich import EntityStage

                    aliases = self.config.aliases or self.locations.config_dir / "aliases.yaml"
                    self._entity_stage = EntityStage(self.store, self.index, self.cache / "entities", aliases,
                                                     self._locked)
        return self._entity_stage

    @property
    def copy_stage(self) -> CopyStage:
        if self._copy_stage is None:
            with self._stages_lock:
                if self._copy_stage is None:
                    from reader.copies import CopyStage

                    self._copy_stage = CopyStage(self.store, self.cache / "overlap", self._locked)
        return self._copy_stage

    def _locked(self, progress: Progress | None = None, should_stop: Callable[[], bool] | None = None,
                waited: list[bool] | None = None):
        """The sync lock, telling `on_wait` (or `progress`) once if another process holds it (and noting
        that in `waited`)."""
        def waiting(pid: int | None) -> None:
            if waited is not None:
                waited.append(True)
            if self.on_wait is not None:
                self.on_wait(pid)
            elif progress is not None:
                progress(f"waiting for another wire process{f' (pid {pid})' if pid else ''}", 0, 1)

        return self.lock.hold(on_wait=waiting, should_stop=should_stop)

    @classmethod
    def open(cls, corpus: str | Path | None = None, home: str | Path | None = None,
             config: str | Path | None = None) -> Library:
        """Resolve the corpus (argument, then config, then the bundled one), home and config file."""
        locations = Locations.resolve(home)
        config_path = config or os.environ.get("WIRE_CONFIG") or None
        settings = load_config(Path(config_path).expanduser() if config_path else None,
                               locations.config_dir / "config.yaml")
        folder = Path(corpus).expanduser() if corpus else settings.corpus or bundled("corpus")
        if not folder.exists():
            raise WireError(f"corpus folder not found: {folder}")
        if not folder.is_dir():
            raise WireError(f"the corpus must be a folder: {folder}")
        return cls(folder.resolve(), locations, settings)

    def sync(self, progress: Progress | None = None, rebuild: bool = False,
             should_stop: Callable[[], bool] | None = None) -> SyncReport:
        """Re-read what changed on disk; see `reader.sync`.

        With the corpus's sync lock held: a sync in another process is waited for (`on_wait` is told),
        never run beside. A rebuild is one store transaction and one index commit, so readers elsewhere
        see the old articles until the new ones are all there.

        Nothing changed on disk (the common case: a search, the app's launch) is found without the lock,
        from one stat per file and the digest the last sync stored: no wait for a sync another process
        runs on a corpus that has nothing new for this one.

        Raises:
            SyncCancelled: `should_stop` returned True; nothing was committed.
        """
        started = time.perf_counter()
        scanned = Scan(self.corpus)
        if not rebuild and self._in_step() and scanned.unchanged(self.store, self.index):
            self._note_synced()
            return scanned.report(self.store, started)
        outlets = self.locations.config_dir / "outlets.yaml"
        waited: list[bool] = []
        try:
            with self._locked(progress, should_stop, waited):
                if waited:
                    scanned = None  # another process synced meanwhile, perhaps files that changed since
                try:
                    report = self._sync(progress, rebuild, outlets if outlets.is_file() else None, should_stop,
                                        scanned)
                    self._note_synced()
                    return report
                except sqlite3.OperationalError:
                    raise  # locked, full, I/O: not damage
                except sqlite3.DatabaseError:
                    # The store's file was damaged inside, past what opening it checks: start it afresh.
                    self.store.reopen(fresh=True)
                    return self._sync(progress, True, outlets if outlets.is_file() else None, should_stop)
        except StopWaiting:
            raise SyncCancelled from None

    _SYNCED = "synced-at"
    """When the store was last found or made up to date with the folder: a file beside it, not a row in
    it, so that noting it never waits for another process's sync transaction."""

    def _note_synced(self) -> None:
        try:
            write_atomic(self.cache / self._SYNCED, f"{time.time():.3f}".encode())
        except OSError:
            pass  # a read-only or full cache: --no-sync's note then gives an older time, never a later one

    def watch(self, should_stop: Callable[[], bool] | None = None,
              on_ready: Callable[[], None] | None = None) -> CorpusWatch:
        """The corpus folder's changes as they happen (`CorpusWatch.batches`), this program's own folders left out
        (a home inside the corpus); each batch wants a `sync`, which takes the lock as any other."""
        where = self.locations
        return CorpusWatch(self.corpus, (where.cache_dir, where.data_dir, where.config_dir), should_stop, on_ready)

    def generation(self) -> str:
        """Changes whenever a sync (in this process or another) changed articles: a list to reload."""
        return self.store.generation()

    def last_sync(self) -> SyncReport:
        """What the index holds, as last synced, without looking at the folder (`--no-sync`, `sync: manual`)."""
        try:
            synced_at: float | None = float((self.cache / self._SYNCED).read_text())
        except (OSError, ValueError):
            synced_at = None
        return SyncReport(articles=self.store.count(), skipped=self.store.skipped(), synced_at=synced_at)

    def _in_step(self) -> bool:
        """The index's last commit is the one the store recorded (not a commit the store never followed)."""
        recorded = self.store.index_generation()
        return recorded is None or recorded == self.index.generation()

    def _sync(self, progress, rebuild, outlets, should_stop, scanned: Scan | None = None) -> SyncReport:
        """One sync with the lock held, in one store transaction (see `Store.transaction`)."""
        # An index commit the store never recorded (killed between the two commits): the index may hold
        # a rebuild's documents without their entity fields while the store's rows say otherwise.
        rebuild = rebuild or not self._in_step()
        try:
            with self.store.transaction(immediate=True):
                report = sync(self.corpus, self.store, self.index, progress, rebuild, outlets, should_stop,
                              scanned)
                self.index.finish_clear()
        except BaseException:
            self.index.cancel_clear()
            raise
        return report

    def search(self, query: str, limit: int | None = 20, sort: str = "relevance", since: str | None = None,
               until: str | None = None, snippets: bool = True) -> SearchResult:
        """Search the index; `since`/`until` are dates that bound the results without scoring.

        Args:
            limit: at most this many hits; None for all (a list view wants every id).
            snippets: False skips loading each hit's text for a snippet (needed for long lists).
        """
        if sort not in ("relevance", "date"):
            raise WireError(f"unknown sort '{sort}' (use relevance or date)")
        bounds = []
        for name, value in (("since", since), ("until", until)):
            if value:
                iso = parse_date(value)
                if iso is None:
                    raise WireError(f"--{name}: not a date: '{value}' (use YYYY-MM-DD)")
                bounds.append(iso)
            else:
                bounds.append("")
        if bounds[1] and not bounds[0]:
            # The index files an undated article as day 0, which an open range [to b] would take in:
            # only dated articles are "on or before" a date.
            bounds[0] = "0001-01-01"
        # Whoosh writes open ranges as [a to] and [to b].
        filter_query = f"date:[{' to '.join(bounds).strip()}]" if any(bounds) else None
        rest, keep = self._marks(query)
        result = self._repairing(lambda: self.index.search(
            rest, limit=None if limit is None else max(1, limit), sort=sort,
            text_for=self._body if snippets else None, filter_query=filter_query, keep=keep))
        return dataclasses.replace(result, query=query)

    def _marks(self, query: str) -> tuple[str, Callable[[str], bool] | None]:
        """The query without its `is:` parts, and those parts as a test on article ids (None: none)."""
        rest, wants = split_marks(query)
        return rest, marks_test(wants, self.marked)

    def _repairing(self, read: Callable):
        """`read()`, and if the index turns out unreadable, once more after rebuilding it (with the
        entity fields NER had given it) — or after the other process's rebuild that made it so."""
        try:
            return read()
        except IndexUnreadable:
            with self._locked():
                try:
                    return read()  # another process's rebuild, now finished, may have put it right
                except IndexUnreadable:
                    pass
                self.index.recreate()
                self.sync()
                if self.entity_stage.finished_before():
                    self.entity_stage.run()
            return read()

    def _user_tagged(self, text: str, prefix: bool) -> list[str]:
        tag = query_tag(text)  # a query term as tags are stored (`tags:"New York"` → new-york)
        return self.tag_ids(tag, prefix) if tag and self.tag_ids is not None else []

    def matching(self, query: str) -> list[str]:
        """Ids of every article `query` matches, unscored (for counts); a query that does not parse
        counts as plain words, as `search` reads it."""
        query, keep = self._marks(query)
        return self._repairing(lambda: self.index.ids(query, keep))

    def listing(self) -> list[ArticleRow]:
        """Every article's list line, newest first: cheap even for a large corpus (no text decoded)."""
        return self.store.rows()

    def rows(self, ids: Sequence[str] | None = None) -> Rows:
        """The article list for a screen: every article newest first, or `ids` in their order, with each
        line read from the store only when it is drawn (`Rows`)."""
        if ids is None:
            every, dates = self.store.listed()
            return Rows(every, self.store.rows_of, dates)
        return Rows(ids, self.store.rows_of, self.store.dates_of)

    def outlets(self, at_most: int = 2) -> int:
        """How many outlets the corpus's articles name, counted up to `at_most` (none counts as one)."""
        return self.store.outlets(at_most)

    def found(self, query: str, sort: str = "relevance") -> Matches:
        """Every article `query` matches, best (or newest) first, as ids: what a list of thousands of
        hits needs, without reading each hit's stored fields or text."""
        if sort not in ("relevance", "date"):
            raise WireError(f"unknown sort '{sort}' (use relevance or date)")
        rest, keep = self._marks(query)
        return dataclasses.replace(self._repairing(lambda: self.index.ranked_ids(rest, sort, keep)), query=query)

    def highlights(self, article: Article, query: str) -> list[tuple[int, int]]:
        """(start, end) in `article.text` of the words `query` matches, as the index analyses them."""
        query = split_marks(query)[0]
        return self.index.highlight_spans(article.text, query) if query.strip() else []

    def _body(self, article_id: str) -> str:
        article = self.store.get(article_id)
        return article.body if article else ""

    def article(self, article_id: str) -> Article:
        """One article by id; an unknown id is a user error with close matches suggested."""
        article = self.store.get(article_id)
        if article is None:
            # Ids are long; a unique prefix ("002") is enough to name one.
            starts = [i for i in self.store.all_ids() if i.startswith(article_id)] if article_id else []
            if len(starts) == 1:
                return self.store.get(starts[0])  # type: ignore[return-value]
            if starts:
                shown = ", ".join(sorted(starts)[:5]) + (f" and {len(starts) - 5} more" if len(starts) > 5 else "")
                raise WireError(f"'{inert(article_id)}' begins {len(starts)} article ids ({shown}): give more of one")
            close = difflib.get_close_matches(article_id, self.store.all_ids(), n=3, cutoff=0.5)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise WireError(f"no article with id '{article_id}'{hint}")
        return article

    def show(self, article: Article) -> dict:
        """`wire show --json`: the article and the entities it mentions."""
        found = self.entity_stage.of_article(article.id)
        entities = [{"name": e.name, "type": e.type, "mentions": len(ms)} for e, ms in found]
        return {**article.to_dict(), "entities": entities}

    # --- entities ---------------------------------------------------------------------------------
    def enrich(self, progress: Progress | None = None, should_stop=None) -> None:
        """Run NER where it is missing and write the entity search fields (resumable)."""
        self.entity_stage.run(progress, should_stop)

    def entities_finished(self) -> bool:
        """NER and the merging are done for the corpus as it is, and their view written (a few stat calls and one
        small read: no article is read)."""
        return self.entity_stage.finished() and self.entity_stage.ready()

    def entities_pending(self) -> int:
        """Articles that still wait for NER."""
        return self.entity_stage.pending()

    def entities(self, type: str | None = None, query: str | None = None,  # noqa: A002
                 limit: int | None = None) -> list[Entity]:
        """Merged entities by article count; with `query`, counted over the matching articles only."""
        from reader.entities import TYPES as ENTITY_TYPES

        if type is not None and type not in ENTITY_TYPES:
            raise WireError(f"unknown entity type '{type}' (use {', '.join(ENTITY_TYPES)})")
        ids = self.matching(query) if query else None
        return self.entity_stage.entities(type, ids, limit)

    def explain_entity(self, name: str, type: str | None = None) -> dict | None:  # noqa: A002
        """Which forms make the entity `name` stands for, and the evidence that joined them (`wire entities
        --explain`); None when no entity goes by that name. Loads the merged table: a question asked rarely."""
        return self.entity_stage.table().explain(name, type)

    def entities_by_type(self, types: list[str], query: str | None = None, limit: int = 40,
                         merge: bool = True) -> dict[str, list[Entity]]:
        """For each type, its first `limit` entities by article count (over `query`'s articles): the
        sidebar's lists, counted in one pass. With `merge` False (the app), from the entity view as last
        written, which may not have the newest articles yet: never a merge in this process."""
        return self.entity_stage.top(types, limit, self.matching(query) if query else None, merge=merge)

    def mentions(self, article_id: str, wait: bool = True) -> list[Mention] | None:
        """Entity mentions of one article, by position (offsets into `Article.text`). With `wait` False,
        None unless the entity view is current (the app: it asks again when its background stages have
        written the view, and never merges in its own process)."""
        entities = self.entity_stage.of_article(article_id, merge=wait)
        if entities is None:
            return None
        found = [m for _, ms in entities for m in ms]
        return sorted(found, key=lambda m: (m.start, m.end))

    @property
    def aliases_warning(self) -> str | None:
        """The aliases.yaml error while the file is malformed (the last good aliases stay in use); None until
        something read them (a plain `wire search` does not make the entity stage for this)."""
        return self._entity_stage.warning if self._entity_stage is not None else None

    # --- wire copies ------------------------------------------------------------------------------
    def overlaps(self, min_share: float = 0.0, progress: Progress | None = None
                 ) -> tuple[list[Overlap], list[Family]]:
        """Derived pairs with at least `min_share` reused on one side, and the families they form."""
        pairs = [p for p in self.copy_stage.pairs(progress) if max(p.share_a, p.share_b) >= min_share]
        return pairs, self.copy_stage.families(pairs)

    def copies_scored(self) -> bool:
        """Every pair is scored for the corpus as it is (the scored pairs are then at hand)."""
        return self.copy_stage.scored()

    def copy_ids(self) -> set[str]:
        """The articles that share wire copy with another (the list's mark)."""
        found = self.copy_stage.copy_ids()
        return found if found is not None else {x for p in self.copy_stage.pairs() for x in (p.a, p.b)}

    def copies_of(self, article_id: str) -> list[Overlap]:
        return self.copy_stage.copies_of(article_id)

    def names_compared(self, a: str, b: str, wait: bool = True) -> tuple[list[Entity], list[Entity]]:
        """The entities only article `a` mentions, and those only `b` mentions (merged names, aliases
        applied): whom a copy dropped or added. Empty while NER has not reached the articles, and with
        `wait` False while the merged entities are not at hand (the diff screen opens at once)."""
        if not wait and not self.entity_stage.ready():
            return [], []
        in_a = {(e.type, e.name): e for e, _ in self.entity_stage.of_article(a)}
        in_b = {(e.type, e.name): e for e, _ in self.entity_stage.of_article(b)}
        return ([e for k, e in in_a.items() if k not in in_b], [e for k, e in in_b.items() if k not in in_a])

    def diff(self, a: str, b: str) -> Comparison:
        """The aligned diff of two articles (ids or unique prefixes)."""
        return self.copy_stage.diff(self.article(a), self.article(b))

    def article_ids(self) -> list[str]:
        """Every article's id (no text read)."""
        return self.store.all_ids()

    def articles(self) -> list[Article]:
        return list(self.store.iter_articles())

    def close(self) -> None:
        self.index.close()
        self.store.close()
