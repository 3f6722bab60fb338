"""One writer per corpus cache: an advisory lock file that every process updating derived data takes."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

POLL = 0.1
"""Seconds between tries while another process holds the lock (a stop request is noticed this often)."""


class SyncLock:
    """`with lock.hold():` — this process is the only one writing the corpus's store, index and caches.

    An flock on `path`, so the kernel drops it with the process: a killed sync never leaves it stale,
    and the file itself is never deleted (that would let two processes lock two different files).
    Re-entrant within a process (a sync that repairs a cache, the app's threads one after another);
    readers never take it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @contextmanager
    def hold(self, on_wait: Callable[[int | None], None] | None = None,
             should_stop: Callable[[], bool] | None = None) -> Iterator[None]:
        """Take the lock, waiting for as long as another process holds it.

        Args:
            on_wait: called once, with the holder's pid if known, when this has to wait for another process.
            should_stop: polled while waiting; when it returns True, `StopWaiting` is raised.
        """
        stopping = should_stop or (lambda: False)
        while not self._thread_lock.acquire(timeout=POLL):
            if stopping():
                raise StopWaiting
        try:
            if self._depth == 0:
                self._fd = self._take(on_wait, stopping)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    # Unlocked explicitly, not just closed: processes forked meanwhile (parse and index
                    # workers) share the descriptor, and would hold the lock for as long as they live.
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                    os.close(self._fd)
                    self._fd = None
        finally:
            self._thread_lock.release()

    def _take(self, on_wait, stopping: Callable[[], bool]) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            told = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if stopping():
                        raise StopWaiting from None
                    time.sleep(POLL)  # polled, not a blocking flock: a stop request must get through
                    if not told:
                        # After one poll, not at once: a holder that has just taken it writes its pid now.
                        told = True
                        if on_wait is not None:
                            on_wait(self.holder())
            # Who holds it, for the message of the next process to wait (written after taking it).
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, str(os.getpid()).encode(), 0)
            except OSError:
                pass  # a full disk: the pid is only for the message, the lock holds without it
            return fd
        except BaseException:
            os.close(fd)
            raise

    def holder(self) -> int | None:
        """The pid written by the process that holds (or last held) the lock."""
        try:
            return int(self.path.read_text().strip() or "x")
        except (OSError, ValueError):
            return None


class StopWaiting(Exception):
    """`should_stop` asked to give up while waiting for the lock."""
