"""The corpus: find article files, read them in any supported format, and clean them into Articles."""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from pathlib import Path
from typing import NamedTuple

from reader.corpus.boilerplate import matches_rule
from reader.corpus.formats import SUPPORTED, FormatError, RawRecord, parse_file, safe_name
from reader.corpus.metadata import derive_title, outlet_from_phrases, parse_date, parse_dateline
from reader.models import Article, Paragraph

__all__ = ["FileStat", "scan", "load_file", "build_article", "FormatError"]

PARSER_VERSION = "5"
"""Bump when parsing or cleaning changes, so that every file is parsed again."""

_NOT_ARTICLES = ("readme", "license", "licence", "changelog")


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


def scan(root: Path) -> tuple[dict[str, FileStat], list[dict]]:
    """Every candidate file under `root`, recursively; hidden files and folders are ignored.

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
        try:
            # Each file is stat'ed relative to its open folder: the kernel resolves one name, not the path.
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
            try:
                with os.scandir(fd) as listing:
                    entries = [(e.name, e.is_dir(follow_symlinks=False), e.is_symlink()) for e in listing]
            except OSError:
                os.close(fd)
                raise
        except OSError as exc:
            skipped.append({"path": safe_prefix.rstrip("/") or ".", "reason": f"cannot list: {exc.strerror}"})
            continue
        try:
            for name, is_dir, is_link in entries:
                if name.startswith("."):
                    continue
                shown = name if name.isascii() and name.isprintable() else safe_name(name)
                disk, rel = disk_prefix + name, safe_prefix + shown
                if is_dir:
                    stack.append((f"{folder}/{name}", disk + "/", rel + "/"))
                    continue
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
                if lower.rsplit(".", 1)[0] in _NOT_ARTICLES:
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


def load_file(rel: str, data: bytes, mtime_ns: int, outlets: Path | None = None
              ) -> tuple[list[Article], list[dict]]:
    """Parse one file's bytes into Articles. Raises FormatError when the file cannot be an article."""
    records, skipped = parse_file(rel, data)
    try:
        reference = dt.datetime.fromtimestamp(mtime_ns / 1e9).date()
    except (ValueError, OverflowError, OSError):  # an mtime before 1900 or after 9999 (touch -d)
        reference = dt.date.today()
    text = None
    articles = []
    for record in records:
        if text is None or len(records) > 1:
            text = "\n".join(record.paragraphs)
        article = build_article(record, rel, reference, text, outlets)
        if article.paragraphs:
            articles.append(article)
        else:
            skipped.append({"path": record.id, "reason": "no text"})
    if not articles and not skipped:  # a JSONL file of blank lines: say so rather than nothing
        skipped.append({"path": rel, "reason": "no records (empty file)"})
    return articles, skipped


def build_article(record: RawRecord, rel: str, reference: dt.date, raw_text: str,
                  outlets: Path | None = None) -> Article:
    """Clean a raw record: rule boilerplate, byline and dateline, then fill in missing metadata."""
    fields = dict(record.fields)
    texts = list(record.paragraphs)
    flags = [matches_rule(p) for p in texts]
    lede_at = next((i for i, flag in enumerate(flags) if not flag), None)
    if lede_at is not None:
        # A short first paragraph "By NAME" is a byline, not reporting.
        first = texts[lede_at]
        if first.startswith("By ") and len(first) <= 80 and lede_at + 1 < len(texts):
            fields.setdefault("byline", first[3:].split(",")[0].strip())
            del texts[lede_at], flags[lede_at]
        lede, found = parse_dateline(texts[lede_at], reference)
        for key, value in found.items():
            fields.setdefault(key, value)
        if lede:
            texts[lede_at] = lede
        else:
            del texts[lede_at], flags[lede_at]
    paragraphs = tuple(Paragraph(t, f) for t, f in zip(texts, flags, strict=True))
    date = parse_date(fields["date"]) if fields.get("date") else None
    outlet = fields.get("outlet") or outlet_from_phrases(raw_text, outlets)
    title = fields.get("title")
    if not title:
        lede_text = next((p.text for p in paragraphs if not p.boilerplate), "")
        title = derive_title(lede_text) if lede_text else Path(rel).stem
    version = fields.get("version")
    return Article(record.id, rel, title, paragraphs, record.sha256, outlet, fields.get("byline"), date,
                   fields.get("url"), tuple(fields.get("tags", ())), version if isinstance(version, int) else None,
                   fields.get("story"))
