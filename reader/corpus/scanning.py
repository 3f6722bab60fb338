"""Finding a corpus's article files: one walk of the folder, every file stat'ed, and a digest of what it found."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import zlib
from pathlib import Path
from typing import NamedTuple

from reader.corpus.formats import SUPPORTED, safe_name

_NOT_ARTICLES = ("readme", "license", "licence", "changelog")
PARTS = 2
"""The digest is made of this many parts, each over the files of some folders (`part_of`), so that as many
processes can stat them at once (`scan(only=...)`) and give the same digest as one process's scan."""


class FileStat(NamedTuple):
    """One file found by `scan` (a tuple: 100,000 of them are made on every command's check)."""

    path: str
    """Corpus-relative, with forward slashes."""
    size: int
    mtime_ns: int
    disk: str | None = None
    """The name on disk when `path` had to be made printable (bytes that are not UTF-8, control characters)."""


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


def _not_regular(mode: int) -> str | None:
    """What a non-regular file is, for its skip reason ("not a regular file: a named pipe (FIFO)")."""
    for test, what in _KINDS:
        if test(mode):
            return what
    return None if stat.S_ISREG(mode) else "not a regular file"


def part_of(folder: str) -> int:
    """Which of the PARTS a folder's files are in, by its corpus-relative name ("" for the top, else ending in
    "/"): the same folder, the same part, in every process."""
    return zlib.crc32(folder.encode("utf-8", "surrogateescape")) % PARTS


def scan(root: Path, only: int | None = None) -> tuple[dict[str, FileStat], list[dict]]:
    """Every candidate file under `root`, recursively; hidden files and folders are ignored.

    Args:
        only: a part (see `part_of`): every folder is listed, but only the files of that part's folders
            are stat'ed and returned, and only their skip entries.

    Returns:
        The files to read, by relative path, and skip entries for files that are not articles.
    """
    files: dict[str, FileStat] = {}
    skipped: list[dict] = []
    # (folder on disk, its relative name on disk, and as shown): names are built by joining, not with
    # os.path.relpath, which cost more than the stat itself (a no-change sync of 100,000 files is this loop).
    stack = [(str(root), "", "")]
    while stack:
        folder, disk_prefix, safe_prefix = stack.pop()
        mine = only is None or part_of(safe_prefix) == only
        printable_folder = disk_prefix == safe_prefix  # else every name in it has a disk name of its own
        try:
            # Each file is stat'ed relative to its open folder: the kernel resolves one name, not the path.
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
            try:
                if not mine and os.fstat(fd).st_nlink == 2:
                    # Only its folders are wanted, and it has none: a folder's link count is 2 plus its
                    # subfolders on Unix file systems (find(1)'s leaf optimisation). Where the count means
                    # nothing it is not 2 (btrfs says 1); were it ever wrong, the parts' digest would differ
                    # from the full scan's and every check would sync: slower, never stale.
                    entries = []
                else:
                    with os.scandir(fd) as listing:
                        if mine:
                            entries = [(e.name, e.is_dir(follow_symlinks=False), e.is_symlink()) for e in listing]
                        else:  # only its folders, to be listed in turn (the file type is the listing's)
                            entries = [(e.name, True, False) for e in listing if e.is_dir(follow_symlinks=False)]
            except OSError:
                os.close(fd)
                raise
        except OSError as exc:
            if mine:
                skipped.append({"path": safe_prefix.rstrip("/") or ".", "reason": f"cannot list: {exc.strerror}"})
            continue
        try:
            for name, is_dir, is_link in entries:  # the fewest string operations a file: this is the check
                if name[0] == ".":
                    continue
                if is_dir:
                    shown = name if name.isascii() and name.isprintable() else safe_name(name)
                    stack.append((f"{folder}/{name}", f"{disk_prefix}{name}/", f"{safe_prefix}{shown}/"))
                    continue
                if name.isascii() and name.isprintable():
                    shown, disk = name, None if printable_folder else disk_prefix + name
                else:
                    shown, disk = safe_name(name), disk_prefix + name
                rel = safe_prefix + shown
                try:
                    # stat, not open: opening a FIFO blocks until someone writes to it.
                    st = os.stat(name, dir_fd=fd)
                except OSError as exc:
                    if is_link:
                        reason = "symbolic link loop" if exc.errno == errno.ELOOP else "broken symbolic link"
                        skipped.append({"path": rel, "reason": f"{reason} (not read)"})
                    else:
                        skipped.append({"path": rel, "reason": f"cannot read: {exc.strerror}"})
                    continue
                if not stat.S_ISREG(st.st_mode):
                    odd = _not_regular(st.st_mode)
                    if odd == "a folder":  # only a link gets here: not followed (it could loop, or lead out)
                        skipped.append({"path": rel, "reason": "symbolic link to a folder (not followed)"})
                    else:
                        skipped.append({"path": rel, "reason": f"not a regular file: {odd}"})
                    continue
                lower = name.lower()
                if lower.startswith(_NOT_ARTICLES) and lower.rsplit(".", 1)[0] in _NOT_ARTICLES:
                    skipped.append({"path": rel, "reason": "not an article (documentation file)"})
                elif not lower.endswith(SUPPORTED):
                    skipped.append({"path": rel, "reason": "unsupported file type"})
                elif rel in files:  # two names that print alike ("a\x07.txt" and a real "a\\x07.txt")
                    skipped.append({"path": rel, "reason": "another file's name prints the same"})
                else:
                    files[rel] = FileStat(rel, st.st_size, st.st_mtime_ns, None if disk == rel else disk)
        finally:
            os.close(fd)
    return files, skipped


def digest(files: dict[str, FileStat] | list[FileStat]) -> str:
    """A digest of every file's name, size and mtime, in the order found: a part's, from `scan(only=part)`."""
    listed = "\n".join([f"{st.path}\t{st.size}\t{st.mtime_ns}" for st in (
        files.values() if isinstance(files, dict) else files)])  # one string hashed: half the cost of 100,000 tuples
    return hashlib.blake2b(listed.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def signature(part_digests: list[str]) -> str:
    """The corpus's digest from its parts' (in part order): what the last sync stored, to compare."""
    return hashlib.blake2b(" ".join(part_digests).encode(), digest_size=16).hexdigest()


def full_signature(files: dict[str, FileStat]) -> str:
    """`signature` of a whole scan's files, split into their parts as `scan(only=part)` would find them."""
    parts: list[list[FileStat]] = [[] for _ in range(PARTS)]
    for st in files.values():
        parts[part_of(st.path[:st.path.rfind("/") + 1])].append(st)
    return signature([digest(part) for part in parts])
