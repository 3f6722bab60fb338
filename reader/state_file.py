"""The state file's health (checked without writing a byte), its rolling backups, and how to restore one."""

from __future__ import annotations

import datetime as _dt
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from reader.errors import WireError

BACKUPS = "backups"
"""Folder of the backups, beside the state file in the data dir."""
KEEP_DAILY = 7
KEEP_BEFORE_UPGRADE = 3
_MAGIC = b"SQLite format 3\x00"


def newer(version: int, newest: int) -> str:
    """The reason given for a file of a later schema than this code reads."""
    return f"was written by a newer wire-reader (state version {version}; this one reads up to {newest})"


class StateUnusable(WireError):
    """A state file that is damaged or newer than this code: never written, and named with a way back.

    `reason` is the short cause ("is damaged (…)"); the message adds the file and how to restore it.
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason, self.hint = path, reason, restore_hint(path)
        super().__init__(f"the state file {path} {reason} and was left as it is; {self.hint}")


def inspect_backup(path: Path, newest: int) -> int:
    """A backup's schema version, checked read-only: header bytes, then SQLite's quick_check.

    Only for backups and other files no connection of this process has open. On the live state file
    an open() and close() of our own would drop every POSIX lock SQLite holds on it in this process
    (locks are per process and inode, and any close releases them), and a read-only connection reads
    the WAL outside its locking: both made writers in other processes fail with SQLITE_IOERR_SHORT_READ
    (test_state_concurrency). The live file is checked by State on its own connection.

    Raises:
        StateUnusable: not SQLite, cut short, failing quick_check, or a version above `newest`.
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as head_file:
            head = head_file.read(100)
    except OSError as exc:
        raise WireError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(head) < 100 or not head.startswith(_MAGIC):
        raise StateUnusable(path, "is damaged (not an SQLite database)")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    # The page count in the header is valid when its "version valid for" equals the change counter.
    if head[92:96] == head[24:28] and size < pages * page_size:
        raise StateUnusable(path, f"is damaged (cut short: {size:,} of {pages * page_size:,} bytes)")
    try:
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            check = db.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise StateUnusable(path, f"is damaged ({exc})") from None
    if version > newest:
        raise StateUnusable(path, newer(version, newest))
    if check != "ok":
        raise StateUnusable(path, f"is damaged ({check})")
    return version


def newest_backup(path: Path, newest: int | None = None) -> Path | None:
    """The most recent backup of `path` that is itself sound (and readable by this code, given `newest`)."""
    folder = path.parent / BACKUPS
    found = sorted(folder.glob("state-*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True) \
        if folder.is_dir() else []
    for candidate in found:
        try:
            inspect_backup(candidate, 10**6 if newest is None else newest)
        except WireError:
            continue
        return candidate
    return None


def restore_hint(path: Path) -> str:
    """How to get the user's state back: `wire state restore`, or by hand with cp."""
    from reader.state import SCHEMA_VERSION  # the one place that knows which versions this code reads

    backup = newest_backup(path, SCHEMA_VERSION)
    if backup is None:
        return (f"there is no backup to restore from: move it aside (mv {path} {path}.bad) to start afresh, "
                "then `wire state import FILE` an export if you have one")
    by_hand = f"mv {path} {path}.bad && cp {backup} {path}"
    if Path(f"{path}-wal").exists():
        by_hand = f"mv {path} {path}.bad && rm -f {path}-wal {path}-shm && cp {backup} {path}"
    return f"restore the newest backup, {backup}, with `wire state restore` (or by hand: {by_hand})"


def backup(db: sqlite3.Connection, path: Path, kind: str) -> Path:
    """Copy the open database to `backups/state-<kind>.sqlite` with SQLite's backup API, atomically.

    The copy is consistent even while other processes write (the API copies a snapshot), goes to a
    temporary name first and is renamed into place, so a backup is whole or absent, never half.
    """
    folder = path.parent / BACKUPS
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".state-", suffix=".tmp")  # 0600: notes may be confidential
    os.close(fd)
    try:
        dest = sqlite3.connect(tmp)
        try:
            db.backup(dest)
            # A rollback-journal file is one self-contained file: a `cp` of it restores everything.
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        final = folder / f"state-{kind}.sqlite"
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _prune(folder)
    return final


def daily_backup(db: sqlite3.Connection, path: Path) -> Path | None:
    """Today's backup, on the first open of the day (None when there is one already)."""
    kind = f"daily-{_dt.date.today().isoformat()}"
    if (path.parent / BACKUPS / f"state-{kind}.sqlite").exists():
        return None
    return backup(db, path, kind)


def upgrade_backup(db: sqlite3.Connection, path: Path, old: int, new: int) -> Path:
    """The backup taken before the schema changes from `old` to `new`."""
    return backup(db, path, f"v{old}-before-v{new}-{time.strftime('%Y%m%d-%H%M%S')}")


def _prune(folder: Path) -> None:
    """Keep the newest KEEP_DAILY daily backups and KEEP_BEFORE_UPGRADE pre-upgrade ones."""
    daily = sorted(folder.glob("state-daily-*.sqlite"))
    upgrades = sorted(folder.glob("state-v*-before-*.sqlite"), key=lambda p: p.stat().st_mtime)
    for old in daily[:-KEEP_DAILY] + upgrades[:-KEEP_BEFORE_UPGRADE]:
        old.unlink(missing_ok=True)
    for tmp in folder.glob(".state-*.tmp"):  # left by a process killed mid-backup
        if time.time() - tmp.stat().st_mtime > 86400:
            tmp.unlink(missing_ok=True)


def restore(path: Path, source: Path, newest: int) -> Path | None:
    """Put the backup `source` in place of the state file; the file there (and its WAL) is kept aside.

    Returns where the replaced file went (None when there was none).
    """
    inspect_backup(source, newest)  # only a sound backup replaces anything
    kept = None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state-restore-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            out.write(src.read())
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            kept = path.with_name(f"{path.name}.replaced-{stamp}")
            os.replace(path, kept)
        for suffix in ("-wal", "-shm"):
            # A WAL left beside the file belongs to the old one: replayed onto the backup it would damage it.
            side = Path(f"{path}{suffix}")
            if side.exists():
                aside = kept or path.with_name(f"{path.name}.stale-{stamp}")
                os.replace(side, Path(f"{aside}{suffix}"))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return kept
