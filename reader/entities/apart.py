"""The user's `apart` (aliases.yaml): forms the merging joined that are different entities, taken out again."""

from __future__ import annotations

from reader.entities.explain import top_form
from reader.entities.merging import TYPES, _Cluster, canonical
from reader.entities.names import display, key

Side = tuple[str, ...]
"""Names that stay together on one side of an `apart` entry."""


def forms_named(cluster: _Cluster, name: str, taken: set[str]) -> list[str]:
    """The forms of `cluster` that `name` names: those written as it is (case aside), else those keyed alike.
    Written-alike forms can be different entities (Reuters' "General Electric Co" and the British "General
    Electric Co Plc" key alike), so a form named exactly is preferred."""
    forms = [f for f in cluster.forms if f not in taken]
    exact = [f for f in forms if f.lower() == name.lower()]
    return exact or [f for f in forms if key(f, cluster.type) == key(name, cluster.type)]


def split(clusters: list[_Cluster], groups: tuple[tuple[Side, ...], ...]) -> list[_Cluster]:
    """Each entity holding forms of two sides or more of an entry is split: the forms of each side after the
    first leave it, with their mentions, as one entity per side; the first side keeps the rest. Clusters not
    split are the same objects."""
    if not groups:
        return clusters
    # Each side's keys by type, made once: a cluster is looked at closely only when two sides key like its forms
    # (an exact name keys as its form does), not once per name for every cluster of the corpus.
    keyed = [[{t: {key(name, t) for name in side} for t in TYPES} for side in sides] for sides in groups]
    out = []
    for cluster in clusters:
        keys = {key(f, cluster.type) for f in cluster.forms}
        hit = [sides for sides, side_keys in zip(groups, keyed, strict=True)
               if sum(1 for k in side_keys if k[cluster.type] & keys) >= 2]
        leaving: list[set[str]] = []
        for sides in hit:
            present, taken = [], set()
            for side in sides:
                forms = {f for name in side for f in forms_named(cluster, name, taken)}
                taken |= forms
                present.append(forms)
            if sum(1 for forms in present if forms) >= 2:
                leaving += [forms for forms in present[1:] if forms]
        out += _parts(cluster, leaving) if leaving else [cluster]
    return out


def _parts(cluster: _Cluster, leaving: list[set[str]]) -> list[_Cluster]:
    part_of = {form: i for i, forms in enumerate(leaving, start=1) for form in forms}
    parts = [_Cluster() for _ in range(len(leaving) + 1)]
    for article_id, ms in cluster.mentions.items():
        for m in ms:
            form = display(m.text, m.type)
            part = parts[part_of.get(form, 0)]
            part.forms[form] += 1
            part.types[m.type] += 1
            part.mentions[article_id].append(m)
    parts = [part for part in parts if part.forms]
    for part in parts:
        # The joins within a part stand; those across parts were the wrong ones.
        part.evidence = [e for e in cluster.evidence if e[0] in part.forms and e[1] in part.forms]
        part.name = cluster.name if cluster.name in part.forms else canonical(part.forms, part.type)
    first = top_form(parts[0].forms)
    for part in parts[1:]:
        part.evidence.append((top_form(part.forms), first, "apart", 1, ()))
        parts[0].evidence.append((first, top_form(part.forms), "apart", 1, ()))
    return parts
