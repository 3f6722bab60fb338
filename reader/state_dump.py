"""The user's state as one JSON document (like `notmuch dump`), and its merge back in (`notmuch restore`)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING

from reader.errors import WireError
from reader.review import check_note, check_tag
from reader.searches import check_name
from reader.state_corpora import UNASSIGNED
from reader.textsafe import inert

if TYPE_CHECKING:
    from reader.state import State

FORMAT = "wire-reader state"
VERSION = 1
"""Of the JSON format, apart from the database's schema version: an export stays importable."""
KINDS = ("marks", "tags", "notes", "searches", "positions")


def dump(state: State, corpus: str | Path | None = None) -> dict:
    """Every corpus's state (or one corpus's), with the rows no corpus has claimed yet (`path` null)."""
    rows = state.corpora()
    if corpus is not None:
        wanted = str(Path(corpus).expanduser().resolve())
        rows = [(cid, path) for cid, path in rows if path == wanted]
        if not rows:
            raise WireError(f"no state kept for {wanted}")
    elif state.has_state(UNASSIGNED):
        rows = [*rows, (UNASSIGNED, None)]
    return {"format": FORMAT, "version": VERSION,
            "exported": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "corpora": [_corpus(state, cid, path) for cid, path in rows]}


def _corpus(state: State, cid: int, path: str | None) -> dict:
    q = lambda sql: state.query(sql, (cid,))  # noqa: E731 — one corpus's rows, in a stable order
    tags: dict[str, list[str]] = {}
    for article_id, tag in q("SELECT article_id, tag FROM tags WHERE corpus = ? ORDER BY article_id, tag"):
        tags.setdefault(article_id, []).append(tag)
    position = q("SELECT article_id, changed FROM positions WHERE corpus = ?")
    return {
        "path": path,
        "marks": [{"id": i, "read": bool(r), "starred": bool(s), "changed": c}
                  for i, r, s, c in q("SELECT article_id, read, starred, changed FROM marks WHERE corpus = ? "
                                      "ORDER BY article_id")],
        "tags": [{"id": i, "tags": t} for i, t in tags.items()],
        "notes": [{"id": i, "text": t, "changed": c}
                  for i, t, c in q("SELECT article_id, text, changed FROM notes WHERE corpus = ? ORDER BY article_id")],
        "searches": [{"name": n, "query": s, "changed": c}
                     for n, s, c in q("SELECT name, query, changed FROM searches WHERE corpus = ? ORDER BY name")],
        "position": {"id": position[0][0], "changed": position[0][1]} if position else None,
    }


def check(doc: object) -> dict:
    """The document, checked whole before anything is written (tags and search names made as wire stores
    them); a WireError names the first bad value."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise WireError(f"not a wire-reader state export (no \"format\": \"{FORMAT}\")")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise WireError("\"version\" must be a whole number")
    if version > VERSION:
        raise WireError(f"written by a newer wire-reader (export version {version}; this one reads {VERSION})")
    corpora = _list(doc, "corpora", "")
    for n, corpus in enumerate(corpora):
        where = f"corpora[{n}]"
        if not isinstance(corpus, dict):
            raise WireError(f"{where} must be an object")
        path = corpus.get("path")
        if path is not None and not (isinstance(path, str) and Path(path).is_absolute()):
            raise WireError(f"{where}.path must be an absolute path or null")
        for i, mark in enumerate(_list(corpus, "marks", where)):
            _fields(mark, f"{where}.marks[{i}]", id=str, read=bool, starred=bool, changed=float)
        for i, entry in enumerate(_list(corpus, "tags", where)):
            _fields(entry, f"{where}.tags[{i}]", id=str, tags=list)
            # Each tag as wire stores it (`Urgent` → `urgent`), so that `tags:` finds it; one wire cannot take
            # (a comma, a control character) refuses the file.
            stored = [_safe(check_tag, tag) if isinstance(tag, str) else None for tag in entry["tags"]]
            for tag, clean in zip(entry["tags"], stored):
                if clean is None:
                    raise WireError(f"{where}.tags[{i}]: not a tag wire can keep: {inert(repr(tag))[:60]}")
            entry["tags"] = stored
        for i, note in enumerate(_list(corpus, "notes", where)):
            _fields(note, f"{where}.notes[{i}]", id=str, text=str, changed=float)
            if _safe(check_note, note["text"]) in (None, ""):  # empty, or over NOTE_MAX characters
                raise WireError(f"{where}.notes[{i}].text: not a note wire can keep (empty or too long)")
        for i, search in enumerate(_list(corpus, "searches", where)):
            _fields(search, f"{where}.searches[{i}]", name=str, query=str, changed=float)
            if _safe(check_name, search["name"]) is None or not search["query"].strip():
                raise WireError(f"{where}.searches[{i}]: not a saved search wire can keep (a name and a query)")
            search["name"] = check_name(search["name"])
        if corpus.get("position") is not None:
            _fields(corpus["position"], f"{where}.position", id=str, changed=float)
    return doc


def _list(parent: dict, key: str, where: str) -> list:
    value = parent.get(key, [])
    if not isinstance(value, list):
        raise WireError(f"{where + '.' if where else ''}{key} must be a list")
    return value


def _fields(item: object, where: str, **types: type) -> None:
    if not isinstance(item, dict):
        raise WireError(f"{where} must be an object")
    for key, kind in types.items():
        value = item.get(key)
        if kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        else:
            ok = isinstance(value, kind) and (kind is not str or value != "")
        if not ok:
            name = {bool: "true or false", float: "a number", str: "a non-empty string", list: "a list"}[kind]
            raise WireError(f"{where}.{key} must be {name}")


def _safe(rule, text: str) -> str | None:
    try:
        return rule(text)
    except WireError:
        return None


def merge(state: State, doc: dict) -> dict[str, int]:
    """Merge a checked document into the file, in one transaction: tags are added to those there, and for
    marks, notes, searches and positions the newer (`changed`) wins. Importing twice changes nothing.
    Returns how many rows of each kind were added or changed."""
    changed = dict.fromkeys(KINDS, 0)
    newer = "WHERE excluded.changed > {t}.changed"
    with state.transaction() as db:
        for corpus in doc["corpora"]:
            cid = UNASSIGNED if corpus.get("path") is None else state.corpus_id(corpus["path"], create=True)
            for m in corpus.get("marks", []):
                changed["marks"] += db.execute(
                    "INSERT INTO marks VALUES (?, ?, ?, ?, ?) ON CONFLICT(corpus, article_id) DO UPDATE SET "
                    "read = excluded.read, starred = excluded.starred, changed = excluded.changed "
                    + newer.format(t="marks"), (cid, m["id"], int(m["read"]), int(m["starred"]), m["changed"])).rowcount
            for entry in corpus.get("tags", []):
                for tag in entry["tags"]:
                    changed["tags"] += db.execute("INSERT OR IGNORE INTO tags VALUES (?, ?, ?)",
                                                  (cid, entry["id"], tag)).rowcount
            for n in corpus.get("notes", []):
                changed["notes"] += db.execute(
                    "INSERT INTO notes VALUES (?, ?, ?, ?) ON CONFLICT(corpus, article_id) DO UPDATE SET "
                    "text = excluded.text, changed = excluded.changed " + newer.format(t="notes"),
                    (cid, n["id"], n["text"], n["changed"])).rowcount
            for s in corpus.get("searches", []):
                changed["searches"] += db.execute(
                    "INSERT INTO searches VALUES (?, ?, ?, ?) ON CONFLICT(corpus, name) DO UPDATE SET "
                    "query = excluded.query, changed = excluded.changed " + newer.format(t="searches"),
                    (cid, s["name"], s["query"], s["changed"])).rowcount
            position = corpus.get("position")
            if position is not None and cid != UNASSIGNED:
                changed["positions"] += db.execute(
                    "INSERT INTO positions VALUES (?, ?, ?) ON CONFLICT(corpus) DO UPDATE SET "
                    "article_id = excluded.article_id, changed = excluded.changed " + newer.format(t="positions"),
                    (cid, position["id"], position["changed"])).rowcount
    return changed


def counts(doc: dict) -> dict[str, int]:
    """How many rows of each kind a document holds (tags counted one per article and tag)."""
    out = {"corpora": len(doc["corpora"]), **dict.fromkeys(KINDS, 0)}
    for corpus in doc["corpora"]:
        for kind in ("marks", "notes", "searches"):
            out[kind] += len(corpus.get(kind, []))
        out["tags"] += sum(len(e["tags"]) for e in corpus.get("tags", []))
        out["positions"] += corpus.get("position") is not None
    return out
