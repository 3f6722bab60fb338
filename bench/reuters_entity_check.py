"""Reuters-21578 entity check: how many hand-checked entities the reader types, names and merges right."""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reader.entities.names import clean, key  # noqa: E402 — after the sys.path line, to run as a script
from reader.errors import WireError  # noqa: E402
from reader.models import Entity  # noqa: E402

DEFAULT_SPEC = REPO / "bench" / "reuters_entities.yaml"
TYPES = ("person", "organization", "place")
CHECKS = ("type", "name", "merges", "apart")


def load_spec(path: Path) -> list[dict]:
    """The spec's entries, checked for shape, so that a typo fails here and not as a wrong score."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of entries")
    for i, entry in enumerate(entries):
        where = f"{path}: entry {i + 1} ({entry.get('name') if isinstance(entry, dict) else entry!r})"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ValueError(f"{where}: needs a name")
        if (entry.get("type") in TYPES) == (entry.get("not_type") in TYPES):
            raise ValueError(f"{where}: needs exactly one of type / not_type ({', '.join(TYPES)})")
        for field in ("same", "apart"):
            entry.setdefault(field, [])
            if not isinstance(entry[field], list) or not all(isinstance(f, str) for f in entry[field]):
                raise ValueError(f"{where}: {field} must be a list of names")
    return entries


def _loose(form: str) -> str:
    """A form compared more strictly than `key`: only case, dots and spacing ignored."""
    return " ".join(clean(form).replace(".", "").lower().split())


class Forms:
    """The merged entities indexed by the key of each name and alias (keyed under the entity's own type, as the
    reader keys its names: titles are stripped only from people), so that each look-up is a dict hit."""

    def __init__(self, entities: list[Entity]) -> None:
        self.entities = list(entities)
        self.types = sorted({e.type for e in self.entities})
        self.keys: dict[int, set[str]] = {}
        self.by_name: dict[tuple[str, str], list[Entity]] = defaultdict(list)
        self.by_form: dict[tuple[str, str], list[Entity]] = defaultdict(list)
        for e in self.entities:
            self.keys[id(e)] = {key(f, e.type) for f in (e.name, *e.aliases)}
            self.by_name[e.type, key(e.name, e.type)].append(e)
            for k in self.keys[id(e)]:
                self.by_form[e.type, k].append(e)

    def named(self, form: str) -> list[Entity]:
        return [e for t in self.types for e in self.by_name.get((t, key(form, t)), ())]

    def carrying(self, form: str) -> list[Entity]:
        return [e for t in self.types for e in self.by_form.get((t, key(form, t)), ())]

    def holds(self, entity: Entity, form: str) -> bool:
        """The form is the entity's name or one of its aliases, by key."""
        return key(form, entity.type) in self.keys[id(entity)]

    def find(self, name: str) -> Entity | None:
        """The entity a reader looking for `name` lands on: one named so, else one listing it as an alias; the
        biggest by articles (what the sidebar shows first)."""
        return max(self.named(name) or self.carrying(name), key=lambda e: e.articles, default=None)


def _named(entity: Entity, form: str) -> bool:
    return key(entity.name, entity.type) == key(form, entity.type)


def _apart_in(forms: Forms, entity: Entity, form: str, name: str) -> bool:
    # Spelled the same (case, dots and spacing aside), not by key: `key` drops company forms and generational
    # suffixes, so "General Electric Co Plc" keys like "General Electric Co", "Jefferies and Co Inc" like the
    # surname "Jefferies" and "Mark IV" like "Mark"; an apart form is merged only if the entity carries it.
    return any(_loose(f) == _loose(form) for f in (entity.name, *entity.aliases))


def judge(forms: Forms, entry: dict) -> dict:
    """One entry's checks against the merged entities; `failures` say what the reader has instead."""
    name, same, apart = entry["name"], entry.get("same") or [], entry.get("apart") or []
    result = {"entry": name, "found": None, "failures": [], **{c: True for c in CHECKS}}
    if entry.get("not_type"):
        # A name that is not a person/org/place at all (the Louvre accord): holds when no entity of that type
        # carries it, extracted or not.
        wrong = [e for e in forms.carrying(name) if e.type == entry["not_type"]]
        if wrong:
            result["type"] = False
            result["failures"].append(f"type: is a {entry['not_type']} in {_describe(wrong[0])}")
        result["holds"] = result["type"]
        return result
    main = forms.find(name)
    if main is None:
        # Nothing to check the rest against: every check fails.
        result.update({c: False for c in CHECKS}, holds=False)
        result["failures"].append("not found")
        return result
    result["found"] = main.to_dict()
    # The type is wrong when the entity has another one, or when a name this entity goes by, written the same
    # (case and dots aside), also names an entity of another type: a split by type, as "Alex Brown" the person
    # beside the brokerage. Only the same spelling: "Chicago Corp" keys like "Chicago" but is another entity.
    others = [e for f in (name, *same) for e in forms.named(f)
              if e is not main and e.type != entry["type"] and _loose(e.name) == _loose(f)]
    if main.type != entry["type"] or others:
        result["type"] = False
        shown = main if main.type != entry["type"] else others[0]
        result["failures"].append(f"type: want {entry['type']}, reader has {_describe(shown)}")
    if not _named(main, name):
        result["name"] = False
        result["failures"].append(f"name: want {name!r}, reader has {_describe(main)}")
    missing = [f for f in same if not forms.holds(main, f)]
    if missing:
        result["merges"] = False
        for form in missing:
            elsewhere = forms.find(form)
            where = f"in {_describe(elsewhere)}" if elsewhere else "not extracted"
            result["failures"].append(f"merges: {form!r} not in {main.name!r}; {where}")
    merged = [f for f in apart if _apart_in(forms, main, f, name)]
    if merged:
        result["apart"] = False
        result["failures"].append(f"apart: {', '.join(map(repr, merged))} merged into {_describe(main)}")
    result["holds"] = all(result[c] for c in CHECKS)
    return result


def _describe(entity: Entity, aliases: int = 4) -> str:
    shown = ", ".join(entity.aliases[:aliases]) + (", …" if len(entity.aliases) > aliases else "")
    return f"{entity.name!r} ({entity.type}, {entity.articles} articles; aliases: {shown or 'none'})"


def evaluate(entities: list[Entity], entries: list[dict]) -> dict:
    """Every entry judged, and the totals: the pure part of `check`, with no Library (what the tests call)."""
    forms = Forms(entities)
    results = [judge(forms, entry) for entry in entries]
    totals = {c: sum(r[c] for r in results) for c in ("holds", *CHECKS)}
    return {"entries": len(results), **totals, "results": results}


def check(corpus: Path, home: Path, spec: Path) -> dict:
    """`evaluate` on the merged entities of an already built home (NER finished; nothing is rebuilt)."""
    from reader.library import Library

    if not Path(home).is_dir():  # Library.open would make an empty home there
        raise RuntimeError(f"home not found: {home}")
    lib = Library.open(corpus, home)
    try:
        if not lib.entities_finished():
            raise RuntimeError(f"the entity stage of {home} is not finished for {corpus}: run "
                               f"`wire --home {home} --corpus {corpus} index` first")
        entities = lib.entities()
    finally:
        lib.close()
    return evaluate(entities, load_spec(spec))


def summary(report: dict) -> str:
    m = report["entries"]
    return (f"Reuters check: {report['holds']}/{m} entities hold ({report['holds'] / max(1, m):.0%}) — "
            f"type {report['type']}/{m}, name {report['name']}/{m}, merges {report['merges']}/{m}, "
            f"apart {report['apart']}/{m}")


def render(report: dict) -> str:
    lines = [f"FAIL {r['entry']}: " + "; ".join(r["failures"]) for r in report["results"] if not r["holds"]]
    return "\n".join([*lines, summary(report)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=None,
                        help="the Reuters corpus folder bench/reuters.py wrote (e.g. /tmp/scale/reuters)")
    parser.add_argument("--home", type=Path, default=None, help="a wire home with that corpus indexed, NER done")
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the hand-checked list (YAML)")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    args = parser.parse_args(argv)
    if args.corpus is None or args.home is None:
        missing = " and ".join(f"--{n}" for n in ("corpus", "home") if getattr(args, n) is None)
        print(f"reuters_entity_check: pass {missing} (the Reuters folder from bench/reuters.py and a home where "
              f"`wire index` has finished on it)", file=sys.stderr)
        return 2
    try:
        report = check(args.corpus, args.home, args.spec)
    except (WireError, RuntimeError, ValueError, OSError, yaml.YAMLError) as exc:
        print(f"reuters_entity_check: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
