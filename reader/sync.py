"""Incremental sync of a corpus folder into the store and the index: only what changed is parsed again."""

from __future__ import annotations

import hashlib
import multiprocessing
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reader.corpus import PARSER_VERSION, FileStat, FormatError, load_file, scan
from reader.corpus.store import STORE_VERSION, Store
from reader.index import SCHEMA_VERSION, Index
from reader.models import Article, SyncReport

VERSION = f"store{STORE_VERSION}-parser{PARSER_VERSION}-index{SCHEMA_VERSION}"
BULK_THRESHOLD = 2000
"""From this many new articles on an empty index, index with two processes (each writes a segment)."""

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): called often; cheap callers only."""


class SyncCancelled(Exception):
    """The caller asked the sync to stop; nothing of it was committed."""


def sync(root: Path, store: Store, index: Index, progress: Progress | None = None, rebuild: bool = False,
         outlets: Path | None = None, should_stop: Callable[[], bool] | None = None) -> SyncReport:
    """Bring store and index up to date with the files under `root`.

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
    current, skipped = scan(root)
    known = store.files()
    removed_paths = [p for p in known if p not in current]
    to_read = [st for p, st in current.items() if p not in known or known[p][:2] != (st.size, st.mtime_ns)]

    parsed: dict[str, tuple[list[Article], list[dict], str, int, int]] = {}
    touched: list[tuple[str, int, int, str]] = []
    jobs = [(root, st, known.get(st.path, (0, 0, None))[2], outlets) for st in to_read]
    for done, (st, outcome) in enumerate(_read_all(jobs), start=1):
        tick("reading", done, len(to_read))
        kind, value = outcome
        if kind == "error":
            skipped.append({"path": st.path, "reason": value})
        elif kind == "same":
            touched.append((st.path, st.size, st.mtime_ns, value))  # touched, not changed
        else:
            articles, bad, sha = value
            parsed[st.path] = (articles, bad, sha, st.size, st.mtime_ns)

    with store.transaction():
        old_ids = set()
        for path in removed_paths:
            old_ids.update(store.delete_file(path))
        for path, size, mtime_ns, sha in touched:
            store.put_file(path, size, mtime_ns, sha, [])
        fresh: dict[str, Article] = {}
        for path, (articles, bad, sha, size, mtime_ns) in parsed.items():
            old_ids.update(store.delete_file(path))
            store.put_file(path, size, mtime_ns, sha, bad)
            for article in articles:
                store.put_article(article)
                fresh[article.id] = article
        relabelled = store.refresh_repeated() - set(fresh)
        report.added = sum(1 for i in fresh if i not in old_ids)
        report.updated = len(fresh) - report.added
        report.removed = len(old_ids - set(fresh))

        empty = index.doc_count() == 0
        bulk = empty and len(fresh) >= BULK_THRESHOLD
        work = len(fresh) + len(relabelled) + report.removed
        if work:
            store.bump_generation()
            with index.writer(bulk=bulk) as writer:
                done = 0
                for article_id in old_ids - set(fresh):
                    writer.delete(article_id)
                for article in fresh.values():
                    article = store.mark_repeated(article)
                    (writer.add if empty else writer.replace)(article)
                    done += 1
                    if done % 50 == 0:
                        tick("indexing", done, work)
                for article in store.iter_articles(sorted(relabelled)):
                    writer.replace(article, store.terms_of(article.id))  # keep its entity fields
                tick("committing", work, work)  # the last point a stop can be honoured
    report.articles = store.count()
    report.skipped = sorted(skipped + store.skipped(), key=lambda s: s["path"])
    report.seconds = time.perf_counter() - started
    return report


PARALLEL_READ = 2000
"""From this many files to read, two processes read and parse them: on a first build the parse
would otherwise run alone on one core before the index writers get both."""


def _read_one(job: tuple[Path, FileStat, str | None, Path | None]) -> tuple[FileStat, tuple[str, object]]:
    """Read and parse one file: ("same", sha) when only its mtime changed, ("error", reason), or
    ("parsed", (articles, skipped records, sha))."""
    root, st, known_sha, outlets = job
    try:
        data = (root / st.path).read_bytes()
    except OSError as exc:
        return st, ("error", f"cannot read: {exc.strerror}")
    sha = hashlib.sha256(data).hexdigest()
    if sha == known_sha:
        return st, ("same", sha)
    try:
        articles, bad = load_file(st.path, data, st.mtime_ns, outlets)
    except FormatError as exc:
        articles, bad = [], [{"path": st.path, "reason": str(exc)}]
    return st, ("parsed", (articles, bad, sha))


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group; the parent stops the pool, workers stay quiet.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_all(jobs: list) -> Iterator[tuple[FileStat, tuple[str, object]]]:
    """`_read_one` over every job, in order; in two processes when there are many."""
    if len(jobs) < PARALLEL_READ:
        yield from map(_read_one, jobs)
        return
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"),
                             initializer=_ignore_sigint) as pool:
        try:
            yield from pool.map(_read_one, jobs, chunksize=64)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise

