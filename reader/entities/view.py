"""The merged entities as a small SQLite file, so readers ask for top lists, counts over a search and one
article's names without loading (or merging) the whole table: milliseconds and a few MB, at any corpus size."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from reader.entities.aliases import EntityTable
from reader.locations import read_only, write_database_atomic
from reader.models import Entity, Mention

if TYPE_CHECKING:
    import numpy as np

VIEW_FILE = "view.sqlite3"
VERSION = "2"
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
-- Each article's entity ids and mention counts, packed (little-endian int32): counts over a search of 10,000
-- articles read 10,000 rows here instead of 180,000 from mentions (600 ms against 40 at 100,000 articles).
CREATE TABLE packed (article TEXT PRIMARY KEY, entities BLOB NOT NULL, counts BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE kinds (types TEXT NOT NULL, codes BLOB NOT NULL);  -- each entity's type, as a byte into types
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
        # From the table just written, in its key's order: no second copy of every article's list in memory.
        rows = db.execute("SELECT article, entity, n FROM mentions ORDER BY article, entity")
        db.executemany("INSERT INTO packed VALUES (?, ?, ?)", _packed(rows))
        types = sorted({e.type for e, _ in table.clusters()})
        codes = bytes(types.index(e.type) for e, _ in table.clusters())
        db.execute("INSERT INTO kinds VALUES (?, ?)", (json.dumps(types), codes))
        db.execute(_INDEXES)

    write_database_atomic(path, fill)


def _mention_rows(table: EntityTable) -> Iterable[tuple]:
    for i, (_, by_article) in enumerate(table.clusters()):
        for article_id, found in by_article.items():
            ordered = sorted(found, key=lambda m: m.start)
            yield (article_id, i, ordered[0].start, len(ordered),
                   json.dumps([[m.start, m.end, m.text, m.type] for m in ordered], ensure_ascii=False))


def _packed(rows: Iterable[tuple[str, int, int]]) -> Iterable[tuple[str, bytes, bytes]]:
    import numpy as np  # here, not on top: `wire show` and `search` open the view without counting

    for article, group in groupby(rows, key=itemgetter(0)):
        pairs = np.array([(entity, n) for _, entity, n in group], dtype="<i4")
        yield article, pairs[:, 0].tobytes(), pairs[:, 1].tobytes()


class EntityView:
    """Read access to a view file; each call opens its own connection (the app asks from several threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, path: Path, key: str | None) -> EntityView | None:
        """The view at `path` if it was written for `key` (with None: for whatever it was written, a view of this
        version); None when missing, stale or not a view."""
        view = cls(path)
        try:
            with view._connect() as db:
                row = db.execute("SELECT key FROM meta").fetchone()
        except sqlite3.Error:
            return None  # missing (mode=ro does not create it), damaged, or another file
        if row is None or not isinstance(row[0], str):
            return None
        return view if row[0] == f"{VERSION}:{key}" or (key is None and row[0].startswith(f"{VERSION}:")) else None

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
        import numpy as np

        with self._connect() as db:
            db.execute("CREATE TEMP TABLE wanted (id TEXT PRIMARY KEY) WITHOUT ROWID")  # an id twice counts once
            db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((a,) for a in article_ids))
            got = db.execute("SELECT entities, counts FROM wanted JOIN packed ON article = wanted.id").fetchall()
            type_names, codes = db.execute("SELECT types, codes FROM kinds").fetchone()
            kinds = np.frombuffer(codes, dtype=np.uint8)
            found_ids = np.frombuffer(b"".join(g[0] for g in got), dtype="<i4")
            articles = np.bincount(found_ids, minlength=len(kinds))
            mentions = np.bincount(found_ids, weights=np.frombuffer(b"".join(g[1] for g in got), dtype="<i4"),
                                   minlength=len(kinds)).astype(np.int64)
            code = {t: i for i, t in enumerate(json.loads(type_names))}
            shown = {t: self._first(db, articles, mentions, np.flatnonzero(
                articles if t is None else (articles > 0) & (kinds == code.get(t, 255))), limit)
                for t in ([None] if types is None else types)}
        return {t: [_entity(name, type_, aliases, int(articles[i]), int(mentions[i]))
                    for i, name, type_, aliases in rows] for t, rows in shown.items()}

    @staticmethod
    def _first(db: sqlite3.Connection, articles: np.ndarray, mentions: np.ndarray, present: np.ndarray,
               limit: int | None) -> list[tuple]:
        """The first `limit` of the entities `present`, in the table's order: ranked by their counts here, the
        names read only for those that can still be shown (the ones tied with the last place included)."""
        import numpy as np

        if limit == 0:
            return []
        order = present[np.lexsort((-mentions[present], -articles[present]))]
        if limit is not None and len(order) > limit:
            last = order[limit - 1]
            order = order[:int(np.count_nonzero((articles[order] > articles[last]) | (
                (articles[order] == articles[last]) & (mentions[order] >= mentions[last]))))]
        db.execute("CREATE TEMP TABLE IF NOT EXISTS shown (id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM shown")
        db.executemany("INSERT INTO shown VALUES (?)", ((int(i),) for i in order))
        rows = db.execute("SELECT id, name, type, aliases, sort FROM shown JOIN entities USING (id)").fetchall()
        rows.sort(key=lambda r: (-articles[r[0]], -mentions[r[0]], r[4], r[2]))
        return [r[:4] for r in rows[:limit]]

    def for_article(self, article_id: str) -> list[tuple[Entity, list[Mention]]]:
        """As EntityTable.for_article: the article's entities (corpus counts) with its mentions, by first mention."""
        with self._connect() as db:
            rows = db.execute("SELECT e.name, e.type, e.aliases, e.articles, e.mentions, m.data FROM mentions m "
                              "JOIN entities e ON e.id = m.entity WHERE m.article = ? ORDER BY m.first, m.entity",
                              (article_id,)).fetchall()
        return [(_entity(*row[:5]), [Mention(*m) for m in json.loads(row[5])]) for row in rows]


def _entity(name: str, type: str, aliases: str, articles: int, mentions: int) -> Entity:  # noqa: A002
    return Entity(name, type, tuple(json.loads(aliases)), articles, mentions)
