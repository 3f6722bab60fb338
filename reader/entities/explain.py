"""Why an entity's forms are one entity: the evidence the merging noted, for `wire entities --explain NAME`."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping

from reader.entities.names import key

REASONS = {
    "short": "a short form of the longer name in the same article",
    "surname": "a surname (or first name) beside the full name in the same article",
    "last words": "the last words of the longer name in the same article",
    "middle": "the same first and last names, without the middle ones",
    "run together": "the same words written as one (\"SeaMicro\", \"Sea Micro\")",
    "facility": "the same clinic's name with another kind (\"X Center\", \"X Clinic\", \"X Treatment Center\")",
    "surname corpus": "a lone surname whose only (or far commonest) full name in the corpus is this one",
    "surname company": "a lone surname in a story naming what this full name's stories name, not the others'",
    "first name company": "a lone first name, this full name's only, in a story naming what its stories name",
    "beside": "set right after the name in the same article, as an acronym or contraction (\"Name (ABC)\")",
    "beside corpus": "a contraction the corpus sets right after this name elsewhere",
    "acronym here": "an acronym in capitals whose letters spell the name in the same article",
    "acronym": "an acronym in capitals whose letters spell this name, the corpus's only (or far commonest) one",
    "lone": "used alone, it stands for this name in nearly every article that writes both",
    "aliases.yaml": "your aliases.yaml merges them",
    "apart": "your aliases.yaml keeps them apart",
}
"""What each kind of evidence means, as `--explain` says it."""
EXAMPLES = 3
"""Articles named per line of evidence."""
KEPT = 20
"""Lines of evidence kept per entity, the commonest first."""


def top_form(forms: Mapping[str, int]) -> str:
    """The commonest form (ties: the last in sort order, as the merging's keys)."""
    return max(forms.items(), key=lambda x: (x[1], x[0]))[0] if forms else ""


def summarise(edges, nodes: Mapping, find: Callable) -> dict:
    """The merging's joins, grouped by the entity they ended in: root -> [(form, other form, why, times,
    example articles)], the commonest first."""
    times: dict = defaultdict(Counter)
    examples: dict = defaultdict(lambda: defaultdict(list))
    for node, other, other_form, why in edges:
        shown = other_form or (top_form(nodes[other].forms) if other in nodes else "")
        line = (top_form(nodes[node].forms), shown, why)
        root = find(node)
        times[root][line] += 1
        if len(examples[root][line]) < EXAMPLES and node[0] != "key":
            examples[root][line].append(node[0])
    return {root: [(*line, n, tuple(examples[root][line])) for line, n in counted.most_common(KEPT)]
            for root, counted in times.items()}


def explain(name: str, type_: str, forms: Mapping[str, int], evidence: list) -> dict:
    """The explanation of one entity: its forms, which of them are written alike, and the evidence that joined
    the others (JSON-ready)."""
    alike: dict[str, list[str]] = defaultdict(list)
    for form in sorted(forms, key=lambda f: (-forms[f], f)):
        alike[key(form, type_)].append(form)
    return {
        "forms": [{"form": f, "mentions": n} for f, n in sorted(forms.items(), key=lambda x: (-x[1], x[0]))],
        "written_alike": [group for group in alike.values() if len(group) > 1],
        "evidence": [{"form": a, "joined": b, "why": REASONS.get(why, why), "times": n, "articles": list(ex)}
                     for a, b, why, n, ex in evidence if a != b and why != "apart"],
        "apart": sorted({b for _, b, why, _, _ in evidence if why == "apart"}),
        "name": name,
    }
