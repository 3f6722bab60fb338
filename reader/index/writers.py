"""Writing the index in Article terms: the writer's commit policy, and Ctrl-C kept from Whoosh's writer processes."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from whoosh.writing import MERGE_SMALL

from reader.index.schema import article_fields
from reader.interrupts import on_sigint
from reader.models import Article


@contextmanager
def parent_only_sigint() -> Iterator[Callable[[], None]]:
    """Ctrl-C interrupts this process only, not the forked index writers (they would each print a
    traceback); the parent then stops them. Only the main thread may set signal handlers.

    Yields a check that raises KeyboardInterrupt if a Ctrl-C came and was lost, which happened two ways:
    Whoosh's bulk commit waits for its writer processes in waitpid, which a SIGINT the kernel gave to
    another thread (a queue's feeder) does not break (hung over 30 s); and a KeyboardInterrupt raised where
    Python can only print it as "ignored" and drop it (a finalizer; os.fork's at-fork hooks, before Whoosh's
    forks ran with Ctrl-C deferred: whoosh_fixes). So every interrupt is noted,
    one the main thread has not taken after 0.2 s is sent on to it (interrupts.on_sigint), and the writer
    checks before it commits.
    """
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return
    parent = os.getpid()
    noted: list[bool] = []

    def interrupt(signum, frame):
        if os.getpid() == parent:
            noted.append(True)
            raise KeyboardInterrupt

    def forward() -> None:  # in the watcher's thread, on each SIGINT
        time.sleep(0.2)
        if not noted:
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    def check() -> None:
        if noted:
            raise KeyboardInterrupt

    def unraisable(info) -> None:
        if info.exc_type is not KeyboardInterrupt:  # one dropped there is noted: check() raises it
            hook(info)

    previous, hook = signal.signal(signal.SIGINT, interrupt), sys.unraisablehook
    sys.unraisablehook = unraisable
    try:
        with on_sigint(forward):
            yield check
    finally:
        sys.unraisablehook = hook
        signal.signal(signal.SIGINT, previous)


def merge_small_keeping_live(writer, segments):
    """Whoosh's default policy, after dropping the segments whose every document was deleted: a two-process
    writer merges no old segment, so a pass that replaces every article (the entity fields after NER) would
    otherwise keep the old segments, all deleted, for every search to step over."""
    return MERGE_SMALL(writer, [segment for segment in segments if segment.doc_count() > 0])


class ArticleWriter:
    """Adds, replaces and deletes articles, in Article terms (the Whoosh writer stays in here)."""

    def __init__(self, writer) -> None:
        self._w = writer

    def add(self, article: Article, entity_terms: dict[str, list[str]] | None = None) -> None:
        """Add a new article (no delete-before-add: the id is known to be absent)."""
        self._w.add_document(**article_fields(article, entity_terms))

    def replace(self, article: Article, entity_terms: dict[str, list[str]] | None = None) -> None:
        self._w.update_document(**article_fields(article, entity_terms))

    def delete(self, article_id: str) -> None:
        self._w.delete_by_term("id", article_id)
