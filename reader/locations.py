"""Where things live: config (settings), data (precious user state), cache (derived, rebuildable)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import platformdirs

APP = "wire-reader"
_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """A folder shipped with the program: `corpus` or `styles`.

    In a wheel they sit inside the package (`reader/_bundled/`); in a checkout or an
    editable install they are the top-level folders of the repository.
    """
    inside = _PACKAGE / "_bundled" / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


@dataclass(frozen=True)
class Locations:
    """The three roots. With `--home DIR` (or WIRE_HOME) all three live under DIR."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @classmethod
    def resolve(cls, home: str | Path | None = None) -> Locations:
        home = home or os.environ.get("WIRE_HOME")
        if home:
            root = Path(home).expanduser().resolve()
            return cls(root / "config", root / "data", root / "cache")
        return cls(
            Path(platformdirs.user_config_dir(APP)),
            Path(platformdirs.user_data_dir(APP)),
            Path(platformdirs.user_cache_dir(APP)),
        )

    def corpus_cache(self, corpus: Path) -> Path:
        """Derived data of one corpus: a folder named after the corpus and a hash of its absolute path."""
        resolved = corpus.resolve()
        digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
        return self.cache_dir / "corpora" / f"{resolved.name or 'root'}-{digest}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write a derived file whole or leave the old one: a reader in another process never sees half of
    it, and a kill leaves at most a stray temporary (named after this process and thread, so two
    writers never share one)."""
    with write_stream(path) as fh:
        fh.write(data)


@contextmanager
def write_stream(path: Path) -> Iterator[BinaryIO]:
    """`write_atomic` for a file written in pieces (a large pickle dumped straight to disk, not made as bytes
    first): the file opened under a temporary name, renamed into place when the block ends without error."""
    tmp = _temporary(path)
    try:
        with tmp.open("wb") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_new(path: Path, data: bytes) -> bool:
    """`write_atomic` for a file that must never replace another: written under the temporary name, then
    hard-linked into place, which fails if the name is taken (so two writers of one name, or a file of the
    user's, are never overwritten). Returns False, writing nothing, when the file exists."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(path)
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links (some network shares): a plain rename, checked
            if path.exists():
                return False
            os.replace(tmp, path)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _temporary(path: Path) -> Path:
    """This process's and thread's temporary name for `path`; the temporaries of `path` that processes no longer
    running left behind (killed mid-write: the entity view is 170 MB at 100,000 articles) are removed first."""
    _sweep(path)
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def _sweep(path: Path) -> None:
    prefix = f".{path.name}."
    try:
        entries = os.scandir(path.parent)
    except OSError:
        return  # no folder yet: nothing left in it
    with entries:
        for entry in entries:
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(".tmp")):
                continue
            pid = name[len(prefix):].split(".", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass  # gone already (another process swept it), or not ours to remove


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal sent: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, someone else's
    return True


def write_database_atomic(path: Path, fill: Callable[[sqlite3.Connection], None]) -> None:
    """Make a derived SQLite file whole or leave the old one, as `write_atomic` does for bytes: `fill(db)` writes
    a new database under a temporary name, renamed into place once committed. No journal and no sync: nothing
    reads it before the rename, and it is a cache (a reader holding the old file keeps reading that one)."""
    tmp = _temporary(path)
    try:
        tmp.unlink(missing_ok=True)
        with closing(sqlite3.connect(tmp)) as db:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            fill(db)
            db.commit()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_only(path: Path, **options) -> closing[sqlite3.Connection]:
    """A read-only connection to a derived SQLite file (closed on leaving the `with`); a missing file raises
    sqlite3.OperationalError instead of being created."""
    return closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, **options))
