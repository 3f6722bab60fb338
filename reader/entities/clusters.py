"""The entities being built: union-find, one article's mentions of a name, a cluster of forms, its canonical name."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from reader.entities.gazetteer import PLACE_NAMES
from reader.entities.names import display
from reader.models import Mention

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


def _cluster_of(forms: dict, types: dict, mentions: dict, name: str, hidden: bool, evidence: list = ()) -> _Cluster:
    """A pickled _Cluster (see its __reduce__), its counters filled by dict.update, not Counter.update."""
    cluster = _Cluster(Counter(), Counter(), defaultdict(list), name, hidden, list(evidence))
    dict.update(cluster.forms, forms)
    dict.update(cluster.types, types)
    dict.update(cluster.mentions, mentions)
    return cluster


class _Node:
    """One article's mentions of one name, as the merging joins them. Its forms are counted when asked: a
    _Cluster (three dicts) for each of the 2 million such nodes of 100,000 articles held most of 2.9 GB."""

    __slots__ = ("type", "mentions")

    def __init__(self, type_: str) -> None:
        self.type = type_
        self.mentions: list[Mention] = []

    @property
    def forms(self) -> Counter:
        return Counter(display(m.text, self.type) for m in self.mentions)


@dataclass
class _Cluster:
    forms: Counter = field(default_factory=Counter)
    """Display form -> mentions."""
    types: Counter = field(default_factory=Counter)
    mentions: dict[str, list[Mention]] = field(default_factory=lambda: defaultdict(list))
    name: str = ""
    hidden: bool = False
    evidence: list = field(default_factory=list)
    """Why its forms are one entity: (form, other form, why, times, example articles), most often first."""

    @property
    def type(self) -> str:
        return self.types.most_common(1)[0][0]

    def __reduce__(self):
        # Plain dicts in the pickle, put back without Counter.update per cluster: loading Reuters-21578's merged
        # table spent 1.7 s of its 4.9 s in Counter.__init__.
        return _cluster_of, (dict(self.forms), dict(self.types), dict(self.mentions), self.name, self.hidden,
                             self.evidence)

    def add(self, article_id: str, node: _Node) -> None:
        """Take in one article's mentions of a name."""
        self.forms.update(node.forms)
        self.types[node.type] += len(node.mentions)
        self.mentions[article_id].extend(node.mentions)

    def absorb(self, other: _Cluster) -> None:
        self.evidence.extend(other.evidence)
        self.forms.update(other.forms)
        self.types.update(other.types)
        for article_id, ms in other.mentions.items():
            self.mentions[article_id].extend(ms)


CANONICAL_SHARE = 50
"""A form is a candidate canonical name when used at least 1/CANONICAL_SHARE as often as the commonest: "Ronald
Reagan" beside a thousand "Reagan"s is the name the corpus gives him in full; a one-off mis-span in a big
entity is not."""


def canonical(forms: Counter, type_: str | None = None) -> str:
    """The fullest form the corpus uses: most words among forms not much rarer than the commonest. A place the
    gazetteer names is shown by that name when the corpus uses it ("Los Angeles", not "Los Angeles City")."""
    top = max(forms.values())
    frequent = [f for f, n in forms.items() if n * CANONICAL_SHARE >= top]
    if type_ == "place":
        frequent = [f for f in frequent if f.lower() in PLACE_NAMES] or frequent
    return max(frequent, key=lambda f: (len(f.split()), forms[f], len(f), f))
