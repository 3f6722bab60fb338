"""Alias merging: mentions of one person, organisation or place under one canonical name (EntityTable)."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from reader.entities.merging import (  # noqa: F401 — _cluster_of: tables pickled before merging.py name it here
    FIELDS,
    MERGE_VERSION,
    TYPES,
    _Cluster,
    _cluster,
    _cluster_of,
    _Union,
    canonical,
)
from reader.entities import apart
from reader.entities.explain import explain
from reader.entities.names import key
from reader.entities.overrides import Overrides
from reader.models import Entity, Mention

def _keyed(name: str) -> dict[str, str]:
    # Each type keys a name its own way ("Britain" is the United Kingdom only as a place).
    return {t: key(name, t) for t in TYPES}


def _apply(clusters: list[_Cluster], overrides: Overrides) -> list[_Cluster]:
    """The user's merge, apart, rename and hide, matched on names and aliases by key (case and titles ignored;
    `apart` prefers forms written as named). `apart` comes after `merge`, so it wins over it."""
    def lookup(name: str) -> set[int]:
        wanted = _keyed(name)
        return {i for i, c in enumerate(clusters) for f in c.forms if key(f, c.type) == wanted[c.type]}

    if not overrides.merge:
        # Nothing merged: each entity is its base cluster, renamed or hidden on a shallow copy (the forms and
        # mentions shared). Copying every cluster's counters took as much memory again as the base table.
        out = [replace(c, name=canonical(c.forms, c.type)) for c in clusters]
        return _named(apart.split(out, overrides.apart), overrides)
    union = _Union()
    chosen: dict[int, str] = {}
    noted: list[tuple[int, str, str]] = []
    for names, name in overrides.merge:
        found = sorted(set().union(*(lookup(n) for n in names)))
        for i in found[1:]:
            union.union(found[0], i)
        if len(found) > 1:
            noted += [(found[0], names[0], other) for other in names[1:]]
        if found and name:
            chosen[found[0]] = name
    result: dict[int, _Cluster] = {}
    for i, cluster in enumerate(clusters):
        root = union.find(i)
        if root in result:
            result[root].absorb(cluster)
        else:
            result[root] = _Cluster()
            result[root].absorb(cluster)
    for i, first, other in noted:
        result[union.find(i)].evidence.append((first, other, "aliases.yaml", 1, ()))
    out = []
    for root, cluster in result.items():
        cluster.name = chosen.get(root) or canonical(cluster.forms, cluster.type)
        out.append(cluster)
    return _named(apart.split(out, overrides.apart), overrides)


def _named(out: list[_Cluster], overrides: Overrides) -> list[_Cluster]:
    """The user's renames and hides applied to `out` (clusters of this table's own)."""
    renames = [(_keyed(old), new) for old, new in overrides.rename.items()]
    hides = [_keyed(n) for n in overrides.hide]
    for cluster in out:
        keys = {key(cluster.name, cluster.type)} | {key(f, cluster.type) for f in cluster.forms}
        for old, new in renames:
            if old[cluster.type] in keys:
                cluster.name = new
        cluster.hidden = any(h[cluster.type] in keys or h[cluster.type] == key(cluster.name, cluster.type)
                             for h in hides)
    return out


class EntityTable:
    """Merged entities of a corpus, built from each article's mentions plus the user's overrides.

    Args:
        mentions: Article id -> that article's mentions (from `enrich` or `pipeline.annotate`).
        overrides: Parsed aliases.yaml; None for none.
    """

    def __init__(self, mentions: Mapping[str, Sequence[Mention]], overrides: Overrides | None = None,
                 _base: list[_Cluster] | None = None) -> None:
        self._base = _base if _base is not None else _cluster(mentions)
        self.overrides = overrides or Overrides()
        self._derive()

    def _derive(self) -> None:
        """What the table answers from, made from the base clusters and the overrides (not pickled)."""
        self._clusters = [c for c in _apply(self._base, self.overrides) if not c.hidden]
        self._by_article: dict[str, list[int]] = defaultdict(list)
        self._by_key: dict[str, list[int]] = defaultdict(list)
        for i, cluster in enumerate(self._clusters):
            for article_id in cluster.mentions:
                self._by_article[article_id].append(i)
            for form in {cluster.name, *cluster.forms}:
                self._by_key[key(form, cluster.type)].append(i)
        self._entities = [self._entity(c) for c in self._clusters]

    def with_overrides(self, overrides: Overrides | None) -> EntityTable:
        """The same mentions under other overrides, without clustering (or NER) again."""
        return EntityTable({}, overrides, _base=self._base)

    @staticmethod
    def _entity(cluster: _Cluster) -> Entity:
        ids = cluster.mentions.keys()
        aliases = tuple(f for f, _ in sorted(cluster.forms.items(), key=lambda x: (-x[1], x[0]))
                        if f != cluster.name)
        return Entity(cluster.name, cluster.type, aliases, len(ids),
                      sum(len(cluster.mentions[a]) for a in ids))

    def entities(self, type: str | None = None, article_ids: Iterable[str] | None = None,  # noqa: A002
                 limit: int | None = None) -> list[Entity]:
        """Entities by article count, then mentions, then name.

        Args:
            type: person, organization or place; None for all.
            article_ids: Count only these articles (the current search); entities absent from them are left out.
            limit: At most this many.
        """
        if article_ids is None:
            found = [e for e in self._entities if type is None or e.type == type]
            found.sort(key=lambda e: (-e.articles, -e.mentions, e.name.lower(), e.type))
            return found[:limit] if limit is not None else found
        return self.top(article_ids, [type] if type else None, limit)[type]

    def top(self, article_ids: Iterable[str], types: Sequence[str] | None = None,
            limit: int | None = None) -> dict[str | None, list[Entity]]:
        """The entities of these articles by article count, counted once: for each of `types` its own
        first `limit` (the sidebar's three lists), or with `types` None all types together (key None)."""
        # Counted article by article (each knows its entities), and only the entities shown are made:
        # asking every entity which of 10,000 articles it is in took seconds.
        clusters = self._clusters
        kinds, pairs = self._counting()
        articles: Counter[int] = Counter()
        mentions: Counter[int] = Counter()
        for article_id in set(article_ids):
            for i, n in pairs.get(article_id, ()):
                articles[i] += 1
                mentions[i] += n

        def rank(i: int) -> tuple:
            return (-articles[i], -mentions[i], clusters[i].name.lower(), kinds[i])

        def first(indexes) -> list[Entity]:
            ordered = sorted(indexes, key=rank) if limit is None else heapq.nsmallest(limit, indexes, key=rank)
            return [replace(self._entities[i], articles=articles[i], mentions=mentions[i]) for i in ordered]

        if types is None:
            return {None: first(articles)}
        return {t: first([i for i in articles if kinds[i] == t]) for t in types}

    def _counting(self) -> tuple[list[str], dict[str, tuple[tuple[int, int], ...]]]:
        """Each entity's type (a vote, counted each time `_Cluster.type` is asked) and, per article, its
        (entity, mentions) pairs: made on first use, and left out of the pickled table (`__getstate__`)."""
        made = self.__dict__.get("_counts")
        if made is None:
            kinds = [e.type for e in self._entities]
            pairs = {a: tuple((i, len(self._clusters[i].mentions[a])) for i in found)
                     for a, found in self._by_article.items()}
            made = self.__dict__["_counts"] = (kinds, pairs)
        return made

    def __getstate__(self) -> dict:
        # The base clusters and the overrides only: the rest is made again on loading, and pickling it too
        # (a second copy of every cluster, every article's list) took its memo hundreds of megabytes.
        return {"_base": self._base, "overrides": self.overrides}

    def __setstate__(self, state: dict) -> None:
        self._base, self.overrides = state["_base"], state["overrides"]
        self._derive()

    def clusters(self) -> Iterator[tuple[Entity, Mapping[str, Sequence[Mention]]]]:
        """Each entity (corpus counts) with its mentions by article, in the table's own order (the view's ids)."""
        for entity, cluster in zip(self._entities, self._clusters, strict=True):
            yield entity, cluster.mentions

    def for_article(self, article_id: str) -> list[tuple[Entity, list[Mention]]]:
        """The article's entities (global counts) with its mentions of each, in order of first mention."""
        pairs = [(self._entities[i], sorted(self._clusters[i].mentions[article_id], key=lambda m: m.start))
                 for i in self._by_article.get(article_id, ())]
        return sorted(pairs, key=lambda p: p[1][0].start)

    def index_terms(self, article_id: str) -> dict[str, list[str]]:
        """Names for the search fields person, org, place and entity: canonical names, then aliases."""
        terms: dict[str, list[str]] = {"person": [], "org": [], "place": [], "entity": []}
        for entity, _ in self.for_article(article_id):
            for name in (entity.name, *entity.aliases):
                for field_name in (FIELDS[entity.type], "entity"):
                    if name not in terms[field_name]:
                        terms[field_name].append(name)
        return terms

    def _find(self, type: str | None, name: str) -> int | None:  # noqa: A002
        for t in (type,) if type else TYPES:
            for i in self._by_key.get(key(name, t), ()):
                if self._clusters[i].type == t:
                    return i
        return None

    def resolve(self, type: str | None, name: str) -> Entity | None:  # noqa: A002
        """The entity a name or alias stands for (case, titles and "the" ignored); None when unknown."""
        i = self._find(type, name)
        return None if i is None else self._entities[i]

    def explain(self, name: str, type: str | None = None) -> dict | None:  # noqa: A002
        """Which forms make the entity `name` stands for, and on what evidence (`wire entities --explain`)."""
        i = self._find(type, name)
        if i is None:
            return None
        cluster = self._clusters[i]
        return {"entity": self._entities[i].to_dict(),
                **explain(cluster.name, cluster.type, cluster.forms, cluster.evidence)}
