"""The merged entities as a small SQLite file, so readers ask for top lists, counts over a search and one
article's names without loading (or merging) the whole table: milliseconds and a few MB, at any corpus size."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path

from reader.entities.aliases import EntityTable
from reader.locations import read_only, write_database_atomic
from reader.models import Entity, Mention

VIEW_FILE = "view.sqlite3"
VERSION = "1"
"""Bump when the file's layout changes: an older file is made again."""

_SCHEMA = """
CREATE TABLE meta (key TEXT NOT NULL);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, aliases TEXT NOT NULL,
    articles INTEGER NOT NULL, mentions INTEGER NOT NULL,
    sort TEXT NOT NULL  -- name.lower() as Python lowers it (SQLite's lower() knows ASCII only)
);
CREATE TABLE mentions (
    article TEXT NOT NULL, entity INTEGER NOT NULL, first INTEGER NOT NULL, n INTEGER NOT NULL,
    data TEXT NOT NULL,  -- [[start, end, text, type], ...] in order
    PRIMARY KEY (article, entity)
) WITHOUT ROWID;
"""
_INDEXES = "CREATE INDEX entities_rank ON entities (type, articles DESC, mentions DESC, sort)"

_RANK = "articles DESC, mentions DESC, sort, type"
"""The table's own order (EntityTable.entities and .top): article count, mentions, name, type."""


def write(path: Path, key: str, table: EntityTable) -> None:
    """Write `table` as the view at `path`, all at once: a reader sees the old file or the new one."""
    def fill(db: sqlite3.Connection) -> None:
        db.executescript(_SCHEMA)
        db.execute("INSERT INTO meta VALUES (?)", (f"{VERSION}:{key}",))
        db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?)",
                       ((i, e.name, e.type, json.dumps(e.aliases, ensure_ascii=False), e.articles, e.mentions,
                         e.name.lower()) for i, (e, _) in enumerate(table.clusters())))
        db.executemany("INSERT INTO mentions VALUES (?, ?, ?, ?, ?)", _mention_rows(table))
        db.execute(_INDEXES)

    write_database_atomic(path, fill)


def _mention_rows(table: EntityTable) -> Iterable[tuple]:
    for i, (_, by_article) in enumerate(table.clusters()):
        for article_id, found in by_article.items():
            ordered = sorted(found, key=lambda m: m.start)
            yield (article_id, i, ordered[0].start, len(ordered),
                   json.dumps([[m.start, m.end, m.text, m.type] for m in ordered], ensure_ascii=False))


class EntityView:
    """Read access to a view file; each call opens its own connection (the app asks from several threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, path: Path, key: str) -> EntityView | None:
        """The view at `path` if it was written for `key`; None when missing, stale or not a view."""
        view = cls(path)
        try:
            with view._connect() as db:
                row = db.execute("SELECT key FROM meta").fetchone()
        except sqlite3.Error:
            return None  # missing (mode=ro does not create it), damaged, or another file
        return view if row is not None and row[0] == f"{VERSION}:{key}" else None

    def _connect(self) -> closing[sqlite3.Connection]:
        return read_only(self.path, check_same_thread=False)

    def entities(self, type: str | None = None, limit: int | None = None) -> list[Entity]:  # noqa: A002
        """Every entity (of `type`) by article count over the whole corpus."""
        where, args = ("WHERE type = ?", [type]) if type else ("", [])
        with self._connect() as db:
            rows = db.execute(f"SELECT name, type, aliases, articles, mentions FROM entities {where} "
                              f"ORDER BY {_RANK} LIMIT ?", [*args, -1 if limit is None else limit]).fetchall()
        return [_entity(*row) for row in rows]

    def top(self, article_ids: Iterable[str], types: Sequence[str] | None = None,
            limit: int | None = None) -> dict[str | None, list[Entity]]:
        """As EntityTable.top: the entities of these articles, counted over them, by type (or all, key None)."""
        with self._connect() as db:
            db.execute("CREATE TEMP TABLE wanted (id TEXT PRIMARY KEY) WITHOUT ROWID")
            db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((a,) for a in article_ids))
            partition = "PARTITION BY e.type" if types is not None else ""
            rows = db.execute(
                f"""SELECT name, type, aliases, articles, mentions FROM (
                        SELECT e.name, e.type, e.aliases, c.articles, c.mentions,
                               row_number() OVER ({partition} ORDER BY c.articles DESC, c.mentions DESC,
                                                  e.sort, e.type) AS place
                        FROM (SELECT entity, count(*) AS articles, sum(n) AS mentions
                              FROM wanted JOIN mentions ON mentions.article = wanted.id GROUP BY entity) c
                        JOIN entities e ON e.id = c.entity)
                    WHERE ? IS NULL OR place <= ? ORDER BY type, place""", [limit, limit]).fetchall()
        found: dict[str | None, list[Entity]] = {t: [] for t in types} if types is not None else {None: []}
        for row in rows:
            entity = _entity(*row)
            if types is None:
                found[None].append(entity)
            elif entity.type in found:
                found[entity.type].append(entity)
        if types is None:
            found[None].sort(key=lambda e: (-e.articles, -e.mentions, e.name.lower(), e.type))
        return found

    def for_article(self, article_id: str) -> list[tuple[Entity, list[Mention]]]:
        """As EntityTable.for_article: the article's entities (corpus counts) with its mentions, by first mention."""
        with self._connect() as db:
            rows = db.execute("SELECT e.name, e.type, e.aliases, e.articles, e.mentions, m.data FROM mentions m "
                              "JOIN entities e ON e.id = m.entity WHERE m.article = ? ORDER BY m.first, m.entity",
                              (article_id,)).fetchall()
        return [(_entity(*row[:5]), [Mention(*m) for m in json.loads(row[5])]) for row in rows]


def _entity(name: str, type: str, aliases: str, articles: int, mentions: int) -> Entity:  # noqa: A002
    return Entity(name, type, tuple(json.loads(aliases)), articles, mentions)
