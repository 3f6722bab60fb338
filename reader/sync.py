"""Incremental sync of a corpus folder into the store and the index: only what changed is parsed again."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

from reader import children
from reader.corpus import PARSER_VERSION, FileStat, FormatError, load_file, scan
from reader.corpus.boilerplate import paragraph_keys
from reader.corpus.scanning import PARTS, digest, full_signature, signature
from reader.corpus.store import STORE_VERSION, Store
from reader.errors import describe
from reader.index import BULK_THRESHOLD, SCHEMA_VERSION, Index
from reader.models import SyncReport

VERSION = f"store{STORE_VERSION}-parser{PARSER_VERSION}-index{SCHEMA_VERSION}"

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called often; cheap callers only."""


class SyncCancelled(Exception):
    """The caller asked the sync to stop; nothing of it was committed."""


class Scan:
    """What is on disk now: the files to read, the skip entries, and a digest of every name, size and mtime.

    The digest makes "nothing changed" one comparison with the digest the last sync stored, instead of
    loading 100,000 rows of the store to compare them file by file. Each is found when first asked for:
    `unchanged` needs only the digest, which a large corpus has its PARTS stat'ed by as many processes.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, FileStat] | None = None
        self._skipped: list[dict] | None = None
        self._signature: str | None = None

    @property
    def files(self) -> dict[str, FileStat]:
        if self._files is None:
            self._files, self._skipped = scan(self.root)
            self._signature = full_signature(self._files)
        return self._files

    @property
    def skipped(self) -> list[dict]:
        if self._skipped is None:
            self.files  # noqa: B018 — the one scan finds both
        assert self._skipped is not None
        return self._skipped

    @property
    def signature(self) -> str:
        if self._signature is None:
            self.files  # noqa: B018
        assert self._signature is not None
        return self._signature

    def unchanged(self, store: Store, index: Index) -> bool:
        """True when the store and index were last synced with exactly these files (and still agree)."""
        last = store.scan_signature()
        if last is None or store.version() != VERSION:
            return False
        if self._signature is None and children.processes_for(store.counted() or 0, PARALLEL_SCAN) > 1:
            self._parallel()
        return self.signature == last and index.doc_count() == store.counted() and not index.emptied_segments()

    def _parallel(self) -> None:
        """The digest and skip entries, each part's folders stat'ed in a process of its own: a stat is a
        system call of 3-5 µs on a virtual machine, the whole of a no-change check at 100,000 files, and
        threads do not share it out (each call takes the GIL back, and two threads were slower than one)."""
        with closing(children.imap(_scan_part, [(self.root, part) for part in range(PARTS)], PARTS)) as parts:
            found = list(parts)
        self._signature = signature([part_digest for part_digest, _ in found])
        self._skipped = [entry for _, entries in found for entry in entries]

    def report(self, store: Store, started: float) -> SyncReport:
        """The report of a sync that found nothing to do."""
        return SyncReport(articles=store.counted() or 0, seconds=time.perf_counter() - started,
                          skipped=sorted(self.skipped + store.skipped(), key=lambda s: s["path"]))


PARALLEL_SCAN = 20_000
"""From this many articles (as last synced), the no-change check stats in two processes: at 100,000 files
0.85 s in one, ~0.45 s in two; below, forking costs more than the second core saves."""


def _scan_part(task: tuple[Path, int]) -> tuple[str, list[dict]]:
    """In a worker: one part's digest and skip entries."""
    root, part = task
    files, skipped = scan(root, only=part)
    return digest(files), skipped


def sync(root: Path, store: Store, index: Index, progress: Progress | None = None, rebuild: bool = False,
         outlets: Path | None = None, should_stop: Callable[[], bool] | None = None,
         scanned: Scan | None = None) -> SyncReport:
    """Bring store and index up to date with the files under `root` (as `scanned` found them, if given).

    Order matters for crash safety: the store's transaction commits only after the index
    commit, so an interrupted sync leaves the old store, which makes the next sync redo
    the same files; every index operation it repeats (replace, delete) is idempotent.
    """
    started = time.perf_counter()
    report = SyncReport()
    stopping = should_stop or (lambda: False)

    def tick(stage: str, done: int, total: int) -> None:
        # Progress points are where a sync may stop; raising there rolls everything back.
        if stopping():
            raise SyncCancelled
        if progress:
            progress(stage, done, total)

    if rebuild or store.version() != VERSION or index.doc_count() != store.count():
        # Another version, or the two disagree (a crash between commits, a deleted index): start over.
        store.reset(VERSION)
        index.clear()
    scanned = scanned or Scan(root)
    if not rebuild and scanned.unchanged(store, index):
        return scanned.report(store, started)
    current, skipped = scanned.files, list(scanned.skipped)
    known = store.files()
    first = not known  # an empty store (a first build, a rebuild): no article id is there to replace
    removed_paths = [p for p in known if p not in current]
    to_read = [st for p, st in current.items() if p not in known or known[p][:2] != (st.size, st.mtime_ns)]

    unreadable = False  # a file that could not be read is tried again next time, though its stat is the same
    jobs = [(root, st, known.get(st.path, (0, 0, None))[2], outlets) for st in to_read]
    # Each file's articles go to the store as they are parsed, not kept: the index pass reads them back
    # a few at a time, so a first build of 100,000 articles never holds them all in memory.
    fresh: dict[str, None] = {}  # the ids stored by this sync, in order (a dict: an ordered set)
    old_ids: set[str] = set()
    with store.transaction():
        for path in removed_paths:
            old_ids.update(store.delete_file(path))
        for done, (st, outcome) in enumerate(_read_all(jobs), start=1):
            tick("reading", done, len(to_read))
            kind, value = outcome
            if kind == "error":
                skipped.append({"path": st.path, "reason": value})
                unreadable = True
            elif kind == "same":
                store.put_file(st.path, st.size, st.mtime_ns, value, [])  # touched, not changed
            else:
                articles, bad, sha, keys = value
                if not first:
                    old_ids.update(store.delete_file(st.path))
                store.put_file(st.path, st.size, st.mtime_ns, sha, bad)
                for article, its_keys in zip(articles, keys, strict=True):
                    store.put_article(article, its_keys, new=first)
                    fresh[article.id] = None
        relabelled = store.refresh_repeated() - set(fresh)
        report.added = sum(1 for i in fresh if i not in old_ids)
        report.updated = len(fresh) - report.added
        report.removed = len(old_ids - set(fresh))

        empty = index.doc_count() == 0
        bulk = empty and len(fresh) >= BULK_THRESHOLD
        work = len(fresh) + len(relabelled) + report.removed
        if work:
            store.bump_generation()
            refused = _write_index(index, store, list(fresh), old_ids - set(fresh), relabelled, empty, bulk, tick,
                                   work)
            for article_id in refused:
                del fresh[article_id]
            report.added = sum(1 for i in fresh if i not in old_ids)
            report.updated = len(fresh) - report.added
        elif index.emptied_segments():
            with index.writer():
                pass  # a commit, which drops them: the same documents, searched in half the postings
        store.set_scan_signature(None if unreadable else scanned.signature)
        store.set_counted()
    report.articles = store.count()
    report.skipped = sorted(skipped + store.skipped(), key=lambda s: s["path"])
    report.seconds = time.perf_counter() - started
    return report


class _Refused(Exception):
    """The index writer failed on one article."""

    def __init__(self, article_id: str, exc: Exception) -> None:
        super().__init__(article_id)
        self.article_id, self.reason = article_id, f"not indexed: {describe(exc)}"


def _write_index(index: Index, store: Store, fresh: list[str], gone: set[str], relabelled: set[str],
                 empty: bool, bulk: bool, tick: Callable[[str, int, int], None], work: int) -> dict[str, str]:
    """Write the sync's changes to the index; returns the articles it refused, by id, with the reason.

    An article Whoosh fails on may have left half its postings in the writer, so the writer is
    cancelled and the pass done again without it (dropped from the store, its reason kept with its
    file's skip entries): one bad article costs one more pass, not the sync.
    """
    refused: dict[str, str] = {}
    while True:
        try:
            with index.writer(bulk=bulk) as writer:
                done = 0
                for article_id in gone | (set(refused) if not empty else set()):
                    writer.delete(article_id)
                # Read back from the store (inside this sync's transaction: its own rows), boilerplate
                # marks applied, one at a time.
                for article in store.iter_articles(i for i in fresh if i not in refused):
                    try:
                        (writer.add if empty else writer.replace)(article)
                    except OSError:
                        raise  # a full disk is not this article's fault
                    except Exception as exc:  # noqa: BLE001 — per-article isolation, see above
                        raise _Refused(article.id, exc) from None
                    done += 1
                    if done % 50 == 0:
                        tick("indexing", done, work)
                for article in store.iter_articles(sorted(relabelled - set(refused))):
                    writer.replace(article, store.terms_of(article.id))  # keep its entity fields
                tick("committing", work, work)  # the last point a stop can be honoured
            return refused
        except _Refused as exc:
            refused[exc.article_id] = exc.reason
            store.drop_article(exc.article_id, exc.reason)


PARALLEL_READ = 2000
"""From this many files to read, two processes read and parse them: on a first build the parse
would otherwise run alone on one core before the index writers get both."""
PARALLEL_READ_BYTES = 32 * 1024 * 1024
"""Or from this many bytes to read: saved web pages are ~200 KB each and cost trafilatura ~25 ms, so 160
of them are worth a second process (which costs ~1 s to start), where 2,000 small text files are not."""
READ_CHUNK = 64
"""Files per task sent to a reading process."""


MAX_FILE = 512 * 1024 * 1024
"""Bytes of the largest file read: a bigger one (a disk image named .txt) is skipped, not loaded whole."""


def _read_bytes(path: Path) -> bytes:
    """A regular file's bytes. Opened non-blocking and checked after opening: a file swapped for a FIFO
    since the scan must not block the sync, and /dev/zero behind a link must not be read forever."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable("not a regular file")
        if info.st_size > MAX_FILE:
            raise _Unreadable(f"larger than {MAX_FILE // 2**20} MB")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)


class _Unreadable(Exception):
    """A file found unfit to read; the message is the skip reason."""


def _read_one(job: tuple[Path, FileStat, str | None, Path | None]) -> tuple[FileStat, tuple[str, object]]:
    """Read and parse one file: ("same", sha) when only its mtime changed, ("error", reason), or
    ("parsed", (articles, skipped records, sha, each article's paragraph keys)). Never raises for what a
    file contains."""
    root, st, known_sha, outlets = job
    try:
        data = _read_bytes(root / (st.disk or st.path))
    except OSError as exc:
        return st, ("error", f"cannot read: {exc.strerror}")
    except _Unreadable as exc:
        return st, ("error", str(exc))
    except MemoryError:
        return st, ("error", f"cannot read: out of memory ({st.size // 2**20} MB)")
    sha = hashlib.sha256(data).hexdigest()
    if sha == known_sha:
        return st, ("same", sha)
    keys: list = []
    try:
        articles, bad = load_file(st.path, data, st.mtime_ns, outlets)
        # The paragraph keys are worked out here, in the reading process, not by the store in the main one.
        keys = [paragraph_keys(a) if a.outlet else () for a in articles]
    except FormatError as exc:
        articles, bad = [], [{"path": st.path, "reason": str(exc)}]
    except MemoryError:
        articles, bad = [], [{"path": st.path, "reason": f"out of memory parsing it ({len(data) // 2**20} MB)"}]
    except RecursionError:
        articles, bad = [], [{"path": st.path, "reason": "structure nested too deeply to parse"}]
    except Exception as exc:  # noqa: BLE001 — the safety net: one file's surprise must not stop the sync
        articles, bad = [], [{"path": st.path, "reason": f"cannot parse: {describe(exc)}"}]
    return st, ("parsed", (articles, bad, sha, keys))


def _read_chunk(jobs: list) -> list[tuple[FileStat, tuple[str, object]]]:
    return [_read_one(job) for job in jobs]


def _read_all(jobs: list) -> Iterator[tuple[FileStat, tuple[str, object]]]:
    """`_read_one` over every job, in order; in two processes when there are many.

    The processes are reader.children's, not a ProcessPoolExecutor's: they ignore Ctrl-C (the parent
    stops them), and end on their pipe's EOF when the parent stops early or is killed.
    """
    processes = max(children.processes_for(len(jobs), PARALLEL_READ),
                    children.processes_for(sum(job[1].size for job in jobs), PARALLEL_READ_BYTES))
    tasks = (jobs[i:i + READ_CHUNK] for i in range(0, len(jobs), READ_CHUNK))
    with closing(children.spread(_read_chunk, tasks, processes)) as chunks:  # a stop or an error ends the workers
        for chunk in chunks:
            yield from chunk

