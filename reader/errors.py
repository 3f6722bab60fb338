"""The one exception type a user can cause; the CLI prints it as `wire: error: …`. Also: a full disk, as one."""

from __future__ import annotations

import errno
import os
import resource
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WireError(Exception):
    """An error the user can cause and fix (bad path, malformed file, unknown id): one line, no traceback."""


class DiskFull(WireError):
    """No room to write derived data; what was committed before is untouched and still usable."""

    def __init__(self, what: str, path: Path | str) -> None:
        super().__init__(f"no space left on device while writing {what} ({path})")


def describe(exc: BaseException, width: int = 120) -> str:
    """An exception as one short line, for a skip reason: its type and the first `width` characters of the first
    line of its message."""
    message = str(exc).splitlines()[0][:width] if str(exc) else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


_SQLITE_FULL = 13
_SQLITE_IOERR_WRITE = 778
"""SQLite reports ENOSPC as SQLITE_FULL, but any other failed write (EFBIG past a file size limit among
them) as SQLITE_IOERR_WRITE, without the errno: see `out_of_space`."""


def out_of_space(exc: BaseException, path: Path | str | None = None) -> bool:
    """Whether `exc` is a write that failed for want of room (ENOSPC, a quota, a file size limit)."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code == _SQLITE_FULL:
        return True
    if code != _SQLITE_IOERR_WRITE:
        return False
    # A write I/O error is a want of room only if the process has a file size limit or the disk is full;
    # otherwise it is a real I/O error and stays one.
    if resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY:
        return True
    try:
        st = os.statvfs(path or ".")
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 1 << 20


@contextmanager
def writing(what: str, path: Path | str) -> Iterator[None]:
    """Turn a full disk met inside the block into `DiskFull(what, path)`: one line for the user."""
    try:
        yield
    except DiskFull:
        raise
    except (OSError, sqlite3.OperationalError) as exc:
        if out_of_space(exc, Path(path).parent if path else None):
            raise DiskFull(what, path) from None
        raise
