"""The mention cache (SQLite, WAL) and the resumable enrichment stage that fills it."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from sys import intern
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from pathlib import Path

from reader.models import Article, Mention
from reader.pages import pages

FILENAME = "entities.sqlite3"
COMMIT_EVERY = 32
"""Articles per transaction: a kill loses at most this many articles' work (about a second of NER)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mentions (
    sha256 TEXT NOT NULL,
    version TEXT NOT NULL,
    layout TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (sha256, version)
) WITHOUT ROWID
"""


def decode(data: str) -> list[Mention]:
    """A row's mentions, their names and types interned: a corpus's merge holds every mention of it, and json
    gives each its own copy of "organization" and "Reagan" (at 20,000 articles, 102 MB for 385,022 mentions
    against 58 MB interned)."""
    return [Mention(start, end, intern(text), intern(type_)) for start, end, text, type_ in json.loads(data)]


def layout(article: Article) -> str:
    """Digest of the article's paragraphs and boilerplate flags.

    Offsets point into `Article.text`, which depends on the corpus parser as well as the raw bytes
    (the sha256): a row whose layout differs, after a parser change, is treated as missing.
    """
    digest = hashlib.sha1(usedforsecurity=False)
    for p in article.paragraphs:
        digest.update(b"B" if p.boilerplate else b"P")
        digest.update(p.text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


BUSY_TIMEOUT = 30.0
"""Seconds a connection waits for another's lock before giving up."""


class MentionCache:
    """Mentions by article sha256 and pipeline version, in `cache_dir/entities.sqlite3`.

    Every call opens its own connection, so one thread can fill the cache while others read it.

    Args:
        cache_dir: Directory for the database (created if missing).
        version: Pipeline version string; defaults to `pipeline.version()`.
    """

    def __init__(self, cache_dir: str | Path, version: str | None = None) -> None:
        if version is None:
            from reader.entities.pipeline import version as pipeline_version

            version = pipeline_version()
        self.version = version
        self.path = Path(cache_dir) / FILENAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Switching a new file to WAL takes an exclusive lock and does not wait on the busy timeout:
        # two connections setting up at once (the app's NER worker and a reader) make one of them
        # fail with "database is locked" straight away. It retries for as long as the timeout.
        deadline, damaged = time.monotonic() + BUSY_TIMEOUT, False
        while True:
            try:
                with closing(self._connect()) as db:
                    # fetchall() ends the pragma's statement: left open, it would hold a read snapshot
                    # that keeps the CREATE below from taking the write lock.
                    db.execute("PRAGMA journal_mode=WAL").fetchall()
                    db.execute(_SCHEMA)
                    db.commit()
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
            except sqlite3.DatabaseError:
                if damaged:
                    raise
                # A damaged cache (not a database at all): it only saves NER time, so start it afresh.
                damaged = True
                for name in (FILENAME, FILENAME + "-wal", FILENAME + "-shm"):
                    (self.path.parent / name).unlink(missing_ok=True)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)
        # WAL with synchronous=NORMAL survives a killed process (not a power cut) at a low fsync cost.
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def get_many(self, articles: Iterable[Article]) -> dict[str, list[Mention]]:
        """Cached mentions of those articles that have them, by article id."""
        wanted = {}
        for article in articles:
            wanted.setdefault(article.sha256, []).append(article)
        found: dict[str, list[Mention]] = {}
        keys = list(wanted)
        with closing(self._connect()) as db:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                rows = db.execute(
                    f"SELECT sha256, layout, data FROM mentions WHERE version = ? AND sha256 IN "
                    f"({','.join('?' * len(chunk))})", [self.version, *chunk])
                for sha256, row_layout, data in rows:
                    same = [a for a in wanted[sha256] if layout(a) == row_layout]
                    if same:
                        mentions = decode(data)
                        for article in same:
                            found[article.id] = list(mentions)
        return found

    def empty(self) -> bool:
        """No article's mentions are cached for this pipeline version (NER has not run on this corpus yet)."""
        with closing(self._connect()) as db:
            return db.execute("SELECT 1 FROM mentions WHERE version = ? LIMIT 1", [self.version]).fetchone() is None

    def put_many(self, pairs: Iterable[tuple[Article, list[Mention]]]) -> None:
        """Store mentions, in one transaction."""
        rows = [(a.sha256, self.version, layout(a),
                 json.dumps([[m.start, m.end, m.text, m.type] for m in ms], ensure_ascii=False))
                for a, ms in pairs]
        with closing(self._connect()) as db, db:
            db.executemany("INSERT OR REPLACE INTO mentions VALUES (?, ?, ?, ?)", rows)

    def purge(self, keep: Iterable[str]) -> int:
        """Delete rows of other versions and of sha256s not in `keep`; returns the rows deleted."""
        keep_set = set(keep)
        with closing(self._connect()) as db, db:
            rows = db.execute("SELECT sha256, version FROM mentions").fetchall()
            stale = [r for r in rows if r[1] != self.version or r[0] not in keep_set]
            db.executemany("DELETE FROM mentions WHERE sha256 = ? AND version = ?", stale)
        return len(stale)


def enrich(articles: Sequence[Article], cache_dir: str | Path,
           progress: Callable[[int, int], None] | None = None,
           should_stop: Callable[[], bool] | None = None,
           n_process: int | None = None,
           on_problem: Callable[[str, str], None] | None = None) -> dict[str, list[Mention]]:
    """Mentions of every article, running NER only on those not cached yet.

    `on_problem(article id, reason)` hears of an article NER failed on (cached with no mentions).

    Results are committed every `COMMIT_EVERY` articles, so a run that is stopped or killed resumes
    where it left off. Safe to run in a background thread while other threads read the cache.

    Args:
        articles: The corpus.
        cache_dir: Directory of the cache database.
        progress: Called as progress(done, total) after the cache look-up and after each commit.
        should_stop: Polled after each article and while NER works on a batch; when it returns True,
            the run commits what it has and returns early (within a tenth of a second).
        n_process: NER worker processes; None chooses by the amount of text left to tag.

    Returns:
        Article id -> mentions, for every article done (all of them unless stopped).
    """
    cache = MentionCache(cache_dir)
    result = cache.get_many(articles)
    todo = [a for a in articles if a.id not in result]
    if progress:
        progress(len(result), len(articles))
    if todo:
        tag_missing(todo, cache, len(articles), len(result), progress, should_stop, n_process, on_problem)
        result.update(cache.get_many(todo))
    return result


def missing(cache: MentionCache, articles: Iterable[Article]) -> tuple[int, list[str], int]:
    """(how many articles, the ids of those without cached mentions, their words), reading `articles` a page at
    a time: a stage over 100,000 articles streams them from the store."""
    total, todo, words = 0, [], 0
    for page in pages(articles, PAGE):
        found = cache.get_many(page)
        total += len(page)
        for article in page:
            if article.id not in found:
                todo.append(article.id)
                words += article.words
    return total, todo, words


PAGE = 500
"""Articles looked up in the cache at once."""


def tag_missing(articles: Iterable[Article], cache: MentionCache, total: int, done: int,
                progress: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None,
                n_process: int | None = None,
                on_problem: Callable[[str, str], None] | None = None) -> int:
    """NER for `articles` (read as NER asks for them, so that they stream from the store), their mentions
    committed every COMMIT_EVERY; `done` of `total` were cached before. Returns how many it tagged (fewer when
    stopped). Arguments as for `enrich`."""
    from reader.entities.pipeline import annotate

    held: deque[Article] = deque()  # read and not yet answered (a few batches), in order as annotate answers
    pending: list[tuple[Article, list[Mention]]] = []
    tagged = 0

    def source() -> Iterator[Article]:
        for article in articles:
            held.append(article)
            yield article

    def flush() -> None:
        nonlocal tagged
        cache.put_many(pending)
        tagged += len(pending)
        pending.clear()
        if progress:
            progress(done + tagged, total)

    stream = annotate(source(), n_process=n_process, should_stop=should_stop, on_problem=on_problem)  # a stop is seen mid-batch too
    try:
        for _, mentions in stream:
            pending.append((held.popleft(), mentions))
            if len(pending) >= COMMIT_EVERY:
                flush()
            if should_stop and should_stop():
                break
    finally:
        stream.close()  # stops NER worker processes when the loop ends early
        if pending:
            flush()
    return tagged
