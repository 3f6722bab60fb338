"""The Whoosh index: schema, writing, searching. Its package (reader/index/) is the only one that imports whoosh."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from whoosh import index
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Every
from whoosh.writing import CLEAR

from reader.children import die_with_parent
from reader.errors import DiskFull, WireError, out_of_space
from reader.index import docsets, searching, whoosh_fixes, writers
from reader.index.schema import NewsAnalyzer, article_fields, cached_stem, make_schema  # noqa: F401 — Whoosh's
# pickled schemas name reader.index.NewsAnalyzer (indexes written before schema.py): it stays importable here
from reader.index.termpool import TermPool
from reader.locations import write_atomic
from reader.models import Matches, SearchResult
from reader.snippets import match_spans

whoosh_fixes.apply()

RANKED = 1000
"""A list of hits (the app's) ranks this many by relevance, then lists the rest newest first."""
SCHEMA_VERSION = "6"
"""Bump when the schema or what goes into it changes: an index of another version is rebuilt."""
BULK_THRESHOLD = 2000
"""From this many new articles on an empty index, index with two processes (`Index.writer(bulk=True)`: each
writes a segment)."""
LOCK_WAIT = 15.0
"""Seconds a writer waits for another process's writer to finish before giving up."""


class IndexUnreadable(WireError):
    """The index failed while being read, twice: damaged, or swapped under this reader by another process."""

    def __init__(self) -> None:
        super().__init__("the index is being rebuilt; try again in a moment")


class Index:
    """One corpus's index, on disk (or in memory when `path` is None, for tests)."""

    def __init__(self, path: Path | None, guard: Callable[[], AbstractContextManager] | None = None) -> None:
        """Args:
            guard: the corpus's sync lock (`SyncLock.hold`), taken before a damaged index is deleted:
                a reader that finds it unreadable first waits for a sync that may be rewriting it.
        """
        self.path = path
        self._guard = guard or nullcontext
        self._clear_pending = False
        """clear() was called: the next commit replaces every segment (until then readers see the old ones)."""
        self.committed: Callable[[int], None] | None = None
        """Called after each commit with the index's new generation (the Library records it in the store)."""
        self._ix = self._open()
        # Opening a searcher reads every segment's files: ~10 ms that a search should not pay each
        # time. One searcher is kept and refreshed (cheap when nothing changed); the lock keeps it
        # to one thread at a time, as Whoosh asks.
        self._searcher = None
        self._lock = threading.Lock()
        self.tag_ids: Callable[[str, bool], list[str]] | None = None
        """(tag, is a prefix) → ids of the articles the *user* tagged so: `tags:x` matches them as well as
        the files' own tags. Set by the Library; user tags are never written into this derived index."""

    def _open(self) -> index.Index:
        if self.path is None:
            return RamStorage().create_index(make_schema())
        ix = self._try_open()
        if ix is None:
            with self._guard():
                ix = self._try_open() or self._create()  # retried: a sync may have put it right meanwhile
        return ix

    def _try_open(self) -> index.Index | None:
        """The index on disk if it is whole and of this schema version, else None."""
        assert self.path is not None
        marker = self.path / "wire-schema"
        try:
            if marker.is_file() and marker.read_text() == SCHEMA_VERSION and index.exists_in(str(self.path)):
                ix = index.open_dir(str(self.path))
                ix.doc_count()  # reads the TOC: a torn one fails here
                if not self._files_as_committed(ix.latest_generation()):
                    return None
                # Opening a reader opens every segment's files: one cut short or overwritten fails here,
                # not in the middle of a search (about 1 ms a segment).
                with ix.reader() as reader:
                    reader.doc_count_all()
                return ix
        except Exception:  # noqa: BLE001 — any damage to derived data means: rebuild it
            pass
        return None

    def _create(self) -> index.Index:
        assert self.path is not None
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(self.path), make_schema())
        (self.path / "wire-schema").write_text(SCHEMA_VERSION)
        return ix

    # Whoosh keeps no checksums: a segment overwritten in part reads as garbage (fewer hits) without an
    # error. Its files never change once committed, so their sizes and mtimes, noted after each commit,
    # tell a damaged one at the next open.
    _FILES = "wire-files.json"

    def _record_files(self) -> None:
        if self.path is None:
            return
        try:
            files = {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in self.path.glob("*MAIN_*")
                     if p.name != "MAIN_WRITELOCK"}
            write_atomic(self.path / self._FILES, json.dumps({"generation": self.generation(), "files": files}).encode())
        except OSError:
            (self.path / self._FILES).unlink(missing_ok=True)  # no record (a full disk): no check at open

    def _files_as_committed(self, generation: int) -> bool:
        """False if a file of the commit noted last changed since; True when unknown (no note, or a note
        of another commit: one killed before noting it)."""
        assert self.path is not None
        try:
            noted = json.loads((self.path / self._FILES).read_text())
            if noted["generation"] != generation:
                return True
            files = noted["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return True
        for name, (size, mtime) in files.items():
            try:
                st = (self.path / name).stat()
            except OSError:
                return False
            if (st.st_size, st.st_mtime_ns) != (size, mtime):
                return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def clear(self) -> None:
        """Drop everything (a rebuild), at the next commit.

        The old segments stay, for readers in other processes, until the rebuild's commit replaces them
        all at once (one TOC rename): a reader gets the old index or the new one, never an empty folder.
        Until then this index counts as empty. `cancel_clear()` forgets it (a sync that failed).
        """
        self.close()
        if self.path is None:
            self._ix = RamStorage().create_index(make_schema())
        else:
            self._clear_pending = True

    def cancel_clear(self) -> None:
        self._clear_pending = False

    def finish_clear(self) -> None:
        """Commit a pending clear that no writer committed (a rebuild of a corpus with no articles)."""
        if self._clear_pending:
            with self.writer():
                pass

    def recreate(self) -> None:
        """Delete the index and start an empty one (it was found damaged); the caller holds the sync lock."""
        self.close()
        self._clear_pending = False
        self._ix = RamStorage().create_index(make_schema()) if self.path is None else self._create()

    def generation(self) -> int:
        """The generation of the latest commit on disk (each commit writes the next TOC)."""
        return self._ix.latest_generation()

    def doc_count(self) -> int:
        """Documents in the last commit, from its table of contents: Whoosh's own doc_count() opens a
        reader on every segment first (a tenth of a second on a large index, for a count)."""
        if self._clear_pending:
            return 0
        try:
            return sum(segment.doc_count() for segment in self._ix._segments())
        except AttributeError:  # not a FileIndex
            return self._ix.doc_count()

    def emptied_segments(self) -> int:
        """Segments of the last commit whose every document was replaced or deleted. Whoosh's merge policy kept
        them (an index after NER carried the whole text index twice, for every search to step over) until
        `writers.merge_small_keeping_live`; a sync drops those of an older index (`reader.sync`)."""
        try:
            return sum(1 for segment in self._ix._segments() if segment.doc_count() == 0)
        except AttributeError:  # not a FileIndex
            return 0

    @contextmanager
    def writer(self, bulk: bool = False) -> Iterator[writers.ArticleWriter]:
        """A writer that commits on success and cancels on any exception (Ctrl-C included).

        Args:
            bulk: many documents at once: two indexing processes, each writing its own
                segment, instead of one (no merge at commit; later small syncs merge them).
        """
        options = {"limitmb": 256, "timeout": LOCK_WAIT, "delay": 0.1, "poolclass": TermPool}
        if bulk and self.path is not None:
            # 128 MB of postings pooled per writer process, not 256: a 20,000-article first build peaked at
            # 482 MB for the whole process group instead of 808 MB, for about a tenth more time.
            options.update(procs=2, multisegment=True, limitmb=128)
            die_with_parent()  # Whoosh forks the writer processes: killed with us, not left waiting on a queue
        with writers.parent_only_sigint() as interrupted:
            try:
                w = self._ix.writer(**options)
            except index.LockError:
                # Whoosh's lock is an flock: a killed writer never leaves it behind, so a held
                # lock means another live process (the app, a cron job) is writing right now.
                raise WireError(f"another wire process is updating this corpus's index ({self.path}); "
                                "try again when it has finished") from None
            try:
                yield writers.ArticleWriter(w)
                interrupted()  # a Ctrl-C dropped on the way (see writers.parent_only_sigint): cancel, never commit
                # A rebuild's commit keeps none of the old segments: CLEAR drops them as it writes the TOC.
                w.commit(mergetype=CLEAR if self._clear_pending else writers.merge_small_keeping_live)
            except BaseException as exc:
                # Stop the indexing sub-processes before cancel() removes the files they read;
                # otherwise each prints a traceback about a vanished batch file.
                for task in getattr(w, "tasks", ()):
                    if task.pid is not None:  # started (a failed fork leaves a Process never started)
                        task.terminate()
                        task.join()
                try:
                    w.cancel()
                except Exception:  # noqa: BLE001 — a commit that failed half way (a full disk) may leave
                    pass  # nothing to cancel; the TOC on disk is still the last good one
                if out_of_space(exc, self.path):
                    raise DiskFull("the search index", self.path) from None
                raise
            self._clear_pending = False
            self._record_files()
            if self.committed is not None:
                self.committed(self.generation())

    def search(self, query: str, limit: int = 20, sort: str = "relevance",
               text_for: Callable[[str], str] | None = None, filter_query: str | None = None,
               keep: Callable[[str], bool] | None = None) -> SearchResult:
        """Search; Whoosh objects are turned into `Hit`s before the searcher closes.

        Args:
            query: the user's query, in Whoosh syntax; one that does not parse is searched as words.
            text_for: article id → body text, for the snippet (the index does not store bodies).
            filter_query: a second query (e.g. a date range) that restricts without scoring.
            keep: a test on article ids the matches must pass (the user's marks: `is:unread`); with it, an
                empty query matches every article.
        """
        parsed, notice = self._parse(query, every=keep is not None)
        if parsed is None:
            return SearchResult(query, 0, (), notice)
        return self._reading(lambda searcher: self._search(searcher, parsed, query, notice, limit, sort,
                                                           text_for, filter_query, keep))

    def ids(self, query: str, keep: Callable[[str], bool] | None = None) -> list[str]:
        """Ids of every article the query matches (unscored: for counting and facets)."""
        parsed, _ = self._parse(query, every=keep is not None)
        if parsed is None:
            return []

        def ids(searcher) -> list[str]:
            matched = searching.kept(searcher, docsets.matching(searcher, parsed), keep)
            return searching.ids_of(searcher, sorted(matched))

        return self._reading(ids)

    def ranked_ids(self, query: str, sort: str = "relevance", keep: Callable[[str], bool] | None = None) -> Matches:
        """Ids of every article the query matches: the RANKED best first, then the rest newest first
        (`sort="date"`: all newest first). Ranking every one of 50,000 matches would walk them all
        through Whoosh's scorer, a second or more; nobody reads a list that far by relevance."""
        parsed, notice = self._parse(query, every=keep is not None)
        if parsed is None:
            return Matches(query, [], notice)
        if isinstance(parsed, Every):
            sort = "date"  # nothing to rank by

        def ranked(searcher) -> Matches:
            matched = searching.kept(searcher, docsets.matching(searcher, parsed), keep)
            best: list[int] = []
            if sort != "date" and matched:
                scoring = docsets.for_scoring(parsed)
                best = [docnum for _, docnum in searching.ranked(searcher, scoring, matched, RANKED)]
            rest = matched.difference(best) if best else matched
            return Matches(query, searching.ids_of(searcher, best + searching.newest_first(searcher, rest)), notice)

        return self._reading(ranked)

    def highlight_spans(self, text: str, query: str) -> list[tuple[int, int]]:
        """Where the words a query matches (title and body forms, wildcards expanded) occur in `text`."""
        parsed, _ = self._parse(query)
        if parsed is None:
            return []
        terms = self._reading(lambda searcher: (searching.body_terms(parsed, searcher)
                                                | searching.body_terms(parsed, searcher, "title")))
        return [(start, end) for start, end, _ in match_spans(text, terms, cached_stem)]

    def _reading(self, read: Callable):
        """`read(searcher)` on the kept searcher; on a failure, once more on a freshly opened index.

        A read can fail when another process's commit removed segment files this searcher had not opened
        yet, or when the files are damaged: the retry settles the first; `IndexUnreadable` reports the
        second (the Library then rebuilds the index).
        """
        with self._lock:
            try:
                return read(self._fresh_searcher())
            except WireError:
                raise
            except Exception:  # noqa: BLE001 — whatever a damaged segment makes Whoosh raise
                self._drop_searcher()
                try:
                    if self.path is not None:
                        self._ix = index.open_dir(str(self.path))
                    return read(self._fresh_searcher())
                except WireError:
                    raise
                except Exception:  # noqa: BLE001
                    self._drop_searcher()
                    raise IndexUnreadable() from None

    def _drop_searcher(self) -> None:
        if self._searcher is not None:
            try:
                self._searcher.close()
            except Exception:  # noqa: BLE001 — closing a searcher over damaged files
                pass
            self._searcher = None

    def _fresh_searcher(self):
        """The kept searcher, reopened if a writer committed since (call with the lock held)."""
        if self._searcher is not None and not self._searcher.up_to_date():
            # Not Searcher.refresh(): it reuses segment readers and so misses new deletions
            # in a segment it already had (an updated article would match twice).
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher

    def _search(self, searcher, parsed, query, notice, limit, sort, text_for, filter_query, keep) -> SearchResult:
        # The exact matches first, by set algebra (reader.index.docsets); Whoosh then ranks them with the
        # query's scoring part, given the matches as its filter (a set: it would walk a query filter's
        # matches one by one).
        matched = docsets.matching(searcher, parsed)
        if filter_query:
            filt, _ = self._parse(filter_query)
            if filt is not None:
                matched &= docsets.matching(searcher, filt)
        matched = searching.kept(searcher, matched, keep)
        return searching.result(searcher, parsed, matched, query, notice, limit, sort, text_for)

    def _parse(self, query: str, every: bool = False) -> tuple[object | None, str | None]:
        return searching.parse(query, self._ix.schema, self.tag_ids, every)
