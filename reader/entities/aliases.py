"""Alias merging: mentions of one person, organisation or place under one canonical name (EntityTable)."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from reader.entities.names import acronym, display, key
from reader.entities.overrides import Overrides
from reader.models import Entity, Mention

TYPES = ("person", "organization", "place")
FIELDS = {"person": "person", "organization": "org", "place": "place"}
"""Search field of each entity type; every entity also goes into the `entity` field."""


class _Union:
    """Union-find over hashable nodes."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, node):
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _cluster_of(forms: dict, types: dict, mentions: dict, name: str, hidden: bool) -> _Cluster:
    """A pickled _Cluster (see its __reduce__), its counters filled by dict.update, not Counter.update."""
    cluster = _Cluster(Counter(), Counter(), defaultdict(list), name, hidden)
    dict.update(cluster.forms, forms)
    dict.update(cluster.types, types)
    dict.update(cluster.mentions, mentions)
    return cluster


@dataclass
class _Cluster:
    forms: Counter = field(default_factory=Counter)
    """Display form -> mentions."""
    types: Counter = field(default_factory=Counter)
    mentions: dict[str, list[Mention]] = field(default_factory=lambda: defaultdict(list))
    name: str = ""
    hidden: bool = False

    @property
    def type(self) -> str:
        return self.types.most_common(1)[0][0]

    def __reduce__(self):
        # Plain dicts in the pickle, put back without Counter.update per cluster: loading Reuters-21578's merged
        # table spent 1.7 s of its 4.9 s in Counter.__init__.
        return _cluster_of, (dict(self.forms), dict(self.types), dict(self.mentions), self.name, self.hidden)

    def absorb(self, other: _Cluster) -> None:
        self.forms.update(other.forms)
        self.types.update(other.types)
        for article_id, ms in other.mentions.items():
            self.mentions[article_id].extend(ms)


def canonical(forms: Counter) -> str:
    """The fullest frequent form: most words among forms with at least a tenth of the top count."""
    top = max(forms.values())
    frequent = [f for f, n in forms.items() if n * 10 >= top]
    return max(frequent, key=lambda f: (len(f.split()), forms[f], len(f), f))


def shortens(short: str, full: str) -> bool:
    """Whether organisation key `short` is a short form of `full`: its first words ("t-mobile" of
    "t-mobile usa", "morningside recovery" of "morningside recovery center"), or its leading words
    abbreviated to initials ("la times" of "los angeles times")."""
    s, f = short.split(), full.split()
    if len(s) >= len(f):
        return False
    if f[:len(s)] == s:
        return True
    for n in range(2, len(f)):
        if len(s) >= 2 and s[0] == "".join(w[0] for w in f[:n]) and s[1:] == f[n:]:
            return True
    return False


MERGE_VERSION = "8"
"""Bump when merging or the corpus pass (reader.entities.corpus) changes: merged tables kept on disk
(reader.enrich) are then built again, without NER."""
DOMINANT = 5
"""How many times the mentions of the runner-up a full name needs for a lone surname to join it."""


def _cluster(mentions: Mapping[str, Sequence[Mention]]) -> list[_Cluster]:
    """Normalise, attach short forms within each article, then join equal keys and acronyms corpus-wide."""
    union = _Union()
    nodes: dict[tuple, _Cluster] = defaultdict(_Cluster)
    short_orphans: list[tuple] = []
    short_orgs: list[tuple] = []
    apposed: list[tuple[str, str, str]] = []
    for article_id, ms in mentions.items():
        local: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        for m in ms:
            if m.type not in TYPES:
                continue  # a type that only votes in the corpus pass (reader.entities.ner.OTHER)
            k = key(m.text, m.type)
            if k and any(c.isalpha() for c in k):
                local[(m.type, k)].append(m)
        full_persons = [k for t, k in local if t == "person" and " " in k]
        orgs = [k for t, k in local if t == "organization"]
        apposed += [(article_id, short, long) for long, short in _apposed_acronyms(ms)]
        # An organisation's short form joins the one longer name it shortens in the same article.
        # A one-word short form so attached ("Bank" for "Bank of England") stays out of the corpus-wide
        # key: through it every bank of every article would become one entity.
        attached: set[str] = set()
        for k in orgs:
            longer = [f for f in orgs if shortens(k, f)]
            if len(longer) == 1:
                union.union((article_id, "organization", k), (article_id, "organization", longer[0]))
                if " " not in k:
                    attached.add(k)
        for (type_, k), group in local.items():
            node = (article_id, type_, k)
            cluster = nodes[node]
            for m in group:
                cluster.forms[display(m.text, m.type)] += 1
                cluster.types[type_] += 1
                cluster.mentions[article_id].append(m)
            if type_ == "person" and " " not in k:
                # A surname (or, failing that, a first name) attaches to the one full name it shortens.
                longer = [f for f in full_persons if f.split()[-1] == k] or \
                    [f for f in full_persons if f.split()[0] == k]
                if len(longer) == 1:
                    union.union(node, (article_id, type_, longer[0]))
                else:
                    short_orphans.append(node)
            elif type_ == "organization" and k in attached:
                pass
            elif " " in k:
                if type_ == "person":
                    # Two words of a three-word name ("Bra Kanon" after "Denis Bra Kanon") are the
                    # same person in that article, as a lone surname is.
                    longer = [f for f in full_persons if f.endswith(" " + k)]
                    if len(longer) == 1:
                        union.union(node, (article_id, type_, longer[0]))
                # The model's type for one multi-word name varies between articles ("Betty Ford Center"
                # as a person here, an organisation there): equal multi-word keys join across types.
                union.union(node, ("key", "*", k))
            elif type_ == "organization":
                short_orgs.append(node)  # joined below, once the acronyms' expansions are known
            else:
                union.union(node, ("key", type_, k))
    # A short person form with no full name in its article joins the one full name that ends with it in
    # the corpus, or the one that outweighs the others DOMINANT times in mentions (Reuters' "Volcker" is
    # Paul Volcker's, whatever "LAWSON CALLS VOLCKER" in a headline was tagged); when several weigh
    # alike ("Bush"), it stays a separate entity rather than pick one at random.
    surnames: dict[str, set] = defaultdict(set)
    weight: Counter = Counter()
    for node in nodes:
        if node[0] != "key" and node[1] == "person" and " " in node[2]:
            root = union.find(node)
            surnames[node[2].split()[-1]].add(root)
            weight[root] += sum(len(ms) for ms in nodes[node].mentions.values())
    for node in short_orphans:
        owners = sorted(surnames.get(node[2], ()), key=lambda r: weight[r], reverse=True)
        dominant = bool(owners) and (len(owners) == 1 or weight[owners[0]] >= DOMINANT * weight[owners[1]])
        union.union(node, owners[0] if dominant else ("key", "person", node[2]))
    # Acronyms: "IOC" joins "International Olympic Committee": the expansion in its own article if there
    # is one, else the corpus's only expansion, or one used in at least twice as many articles as any other.
    expansions: dict[str, Counter] = defaultdict(Counter)
    local_expansion: dict[tuple[str, str], tuple] = {}
    for node in nodes:
        if node[1] == "organization" and " " in node[2]:
            initials = acronym(canonical(nodes[node].forms))
            if len(initials) >= 2:
                expansions[initials][union.find(node)] += 1
                local_expansion[(node[0], initials)] = node
    # An acronym set right after a name in its article is that name's expansion there, whatever
    # its letters make ("International Cocoa Organization (ICCO)").
    for article_id, short, long in apposed:
        node = (article_id, "organization", long)
        if node in nodes and (article_id, "organization", short) in nodes:
            local_expansion[(article_id, short)] = node
            expansions[short][union.find(node)] += 1
    # One-word organisations join across articles by key, except an acronym that stands for several
    # names: "ICO" is the International Cocoa Organization in one story and the International Coffee
    # Organization in another, and joining all the "ICO"s made the two one entity.
    for node in short_orgs:
        found = expansions.get(node[2])
        ambiguous = bool(found) and len(found) > 1
        if (node[0], node[2]) in local_expansion:
            union.union(node, local_expansion[(node[0], node[2])])
        elif found:
            ranked = found.most_common(2)
            if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
                union.union(node, ranked[0][0])
            else:
                ambiguous = False  # no expansion chosen: it joins the other orphan "ICO"s by key
        if not ambiguous:
            union.union(node, ("key", "organization", node[2]))
    merged: dict = {}
    for node, cluster in nodes.items():
        merged.setdefault(union.find(node), _Cluster()).absorb(cluster)
    return list(merged.values())


APPOSED_GAP = 3
"""Most characters between a name and the acronym after it: ", " or " (" (Schwartz & Hearst's pattern)."""


def _apposed_acronyms(ms: Sequence[Mention]) -> list[tuple[str, str]]:
    """(name key, acronym key) for each organisation followed at once by an ALL-CAPS acronym whose
    letters appear in the name in order, the first one first ("International Cocoa Organization, ICCO")."""
    orgs = sorted((m for m in ms if m.type == "organization"), key=lambda m: m.start)
    found = []
    for long, short in zip(orgs, orgs[1:], strict=False):
        letters = short.text.strip("()., ")
        if (0 < short.start - long.end <= APPOSED_GAP and " " in long.text.strip() and letters.isalpha()
                and letters.isupper() and 2 <= len(letters) <= 10 and _in_order(letters.lower(), long.text.lower())):
            found.append((key(long.text, "organization"), key(short.text, "organization")))
    return found


def _in_order(letters: str, name: str) -> bool:
    """`letters` appear in `name` in order, the first one at the start of the name."""
    if not name.startswith(letters[0]):
        return False
    at = 1
    for ch in letters[1:]:
        at = name.find(ch, at) + 1
        if at == 0:
            return False
    return True


def _apply(clusters: list[_Cluster], overrides: Overrides) -> list[_Cluster]:
    """The user's merge, rename and hide, matched on names and aliases by key (case and titles ignored)."""
    def lookup(name: str) -> set[int]:
        wanted = key(name, "person")
        return {i for i, c in enumerate(clusters) for f in c.forms if key(f, c.type) == wanted}

    union = _Union()
    chosen: dict[int, str] = {}
    for names, name in overrides.merge:
        found = sorted(set().union(*(lookup(n) for n in names)))
        for i in found[1:]:
            union.union(found[0], i)
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
    out = []
    for root, cluster in result.items():
        cluster.name = chosen.get(root) or canonical(cluster.forms)
        out.append(cluster)
    renames = {key(old, "person"): new for old, new in overrides.rename.items()}
    hides = {key(n, "person") for n in overrides.hide}
    for cluster in out:
        keys = {key(cluster.name, cluster.type)} | {key(f, cluster.type) for f in cluster.forms}
        for k in keys:
            if k in renames:
                cluster.name = renames[k]
        cluster.hidden = bool(keys & hides) or key(cluster.name, cluster.type) in hides
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
        self._mentions = mentions
        self.overrides = overrides or Overrides()
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
        return EntityTable(self._mentions, overrides, _base=self._base)

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
        state = dict(self.__dict__)
        state.pop("_counts", None)
        return state

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

    def resolve(self, type: str | None, name: str) -> Entity | None:  # noqa: A002
        """The entity a name or alias stands for (case, titles and "the" ignored); None when unknown."""
        for i in self._by_key.get(key(name, type or "person"), ()):
            if type is None or self._clusters[i].type == type:
                return self._entities[i]
        return None
