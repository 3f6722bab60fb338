"""Live arrival: watch the corpus folder (watchfiles) and say which files changed, once they are whole."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from reader.corpus import SUPPORTED
from reader.errors import WireError

TEMPORARY = ("~", ".swp", ".swx", ".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart")
"""Endings of files that are not (yet) articles: editors' backups and swap files, downloads in progress.
Hidden names (rsync's `.name.XXXXXX`, vim's `.name.swp`) are ignored whatever their ending, as the sync does."""
STEP_MS = 20
"""watchfiles' step: how often its loop looks for new events and for the stop request (a quit waits this long;
its wakeups cost nothing measurable when idle)."""
QUIET_MS = 300
"""A batch is handed on once no event came for this long: a burst (an rsync, an unzip) is one batch."""
DEBOUNCE_MS = 1_600
"""watchfiles groups events for at most this long before yielding them (we go on grouping, see MAX_WAIT)."""
MAX_WAIT = 5.0
"""Seconds a batch may keep growing (a long copy, a file written slowly) before it is handed on anyway."""


class WatchUnavailable(WireError):
    """The folder cannot be watched (gone, unreadable, the inotify limit reached); the message is one line."""


class _Stop:
    """watchfiles' stop_event: anything with `is_set()`, checked every STEP_MS."""

    def __init__(self, should_stop: Callable[[], bool]) -> None:
        self.is_set = should_stop


class CorpusWatch:
    """The files added, changed or removed under `root`, as batches of relative paths.

    Args:
        root: the corpus folder.
        ignore: folders whose writes are not the corpus's (the app's own cache, data and config, should the
            home be inside the corpus).
        should_stop: polled every STEP_MS; True ends `batches()`.
        on_ready: called once the folder is watched: a file written after it is seen.
    """

    def __init__(self, root: Path, ignore: Iterable[Path] = (), should_stop: Callable[[], bool] | None = None,
                 on_ready: Callable[[], None] | None = None) -> None:
        self.root = Path(root)
        self._root = str(self.root)
        self._ignore = tuple(str(p) for p in ignore if _inside(str(p), self._root))
        self.should_stop = should_stop or (lambda: False)
        self.on_ready = on_ready

    def wanted(self, change: object, path: str) -> bool:
        """A change worth a sync: a file the sync could read (or a folder), not hidden, temporary or ours."""
        if not _inside(path, self._root) or path == self._root:
            return False
        rel = path[len(self._root):].lstrip(os.sep)
        if any(part.startswith(".") for part in rel.split(os.sep)):
            return False
        name = rel.rsplit(os.sep, 1)[-1].lower()
        if name.endswith(TEMPORARY) or any(_inside(path, folder) for folder in self._ignore):
            return False
        # A file of a type the sync skips changes nothing it reads; a folder (moved in, removed) may hold articles.
        return name.endswith(SUPPORTED) or "." not in name or os.path.isdir(path)

    def batches(self) -> Iterator[set[str]]:
        """Each batch of changed paths (relative to the root), once the folder has been quiet for QUIET_MS
        and the files have kept their size and mtime meanwhile; ends when `should_stop()` is true.

        Raises:
            WatchUnavailable: the watch could not start, or the folder went away.
        """
        import watchfiles  # 60 ms, and a Rust thread: only for a watch

        pending: dict[str, tuple[int, int] | None] = {}
        since = 0.0
        ready = False
        try:
            # yield_on_timeout: an empty batch every QUIET_MS without events, on which a waiting batch goes out.
            for changes in watchfiles.watch(self.root, watch_filter=self.wanted, debounce=DEBOUNCE_MS, step=STEP_MS,
                                            rust_timeout=QUIET_MS, yield_on_timeout=True,
                                            stop_event=_Stop(self.should_stop)):
                if not ready:
                    ready = True  # the first yield comes once the watch is set up
                    if self.on_ready is not None:
                        self.on_ready()
                if not self.root.is_dir():
                    raise WatchUnavailable(f"the corpus folder is gone: {self.root}")
                if changes and not pending:
                    since = time.monotonic()
                for _change, path in changes:
                    pending[path] = _signature(path)
                if not pending:
                    continue
                waited = time.monotonic() - since >= MAX_WAIT
                if changes and not waited:
                    continue  # more may be on the way: wait for a quiet spell
                now = {path: _signature(path) for path in pending}
                if now != pending and not waited:
                    pending = now  # still being written, though no event said so (a network folder)
                    continue
                yield {os.path.relpath(path, self._root) for path in pending}
                pending = {}
        except WatchUnavailable:
            raise
        except (OSError, RuntimeError, ValueError) as exc:
            # watchfiles' errors: FileNotFoundError, PermissionError, OSError for the inotify limit, and its
            # WatchfilesRustInternalError (a RuntimeError) for anything else notify reports.
            raise WatchUnavailable(f"cannot watch {self.root}: {_one_line(exc)}") from None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _signature(path: str) -> tuple[int, int] | None:
    """Size and mtime, None for a file gone: what must hold still before a file is read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
