"""The user's aliases.yaml: merge, rename, hide and keep apart entities, validated with file and line in errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reader import yamlsafe

EXAMPLE = """\
# merge: lists of names that are one entity; `name` picks the canonical name.
merge:
  - [U.S., United States]
  - names: [Barack Obama, Mr. Obama, President Obama]
    name: Barack Obama
# rename: old name -> new name.
rename:
  LA28: LA28 organising committee
# hide: names to drop from lists and search fields.
hide:
  - Games
# apart: names wrongly merged into one entity; each after the first leaves it with its mentions
# (a list of names leaves together, as one entity).
apart:
  - [General Electric Co, [General Electric Co Plc, GEC]]
"""


class AliasesError(Exception):
    """A malformed aliases file; str() is one line: `aliases.yaml:7: what is wrong`."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        where = f"{Path(path).name}:{line}" if line else Path(path).name
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Overrides:
    """Parsed aliases.yaml. `merge` holds (names, canonical name or None) pairs; `apart`, groups of names
    that the merging joined and that are different entities."""

    merge: tuple[tuple[tuple[str, ...], str | None], ...] = ()
    rename: dict[str, str] = field(default_factory=dict)
    hide: tuple[str, ...] = ()
    apart: tuple[tuple[tuple[str, ...], ...], ...] = ()
    """Each entry's sides, each side's names."""


def _name(node: yaml.Node) -> str | None:
    """A scalar's value as a non-empty name, else None."""
    if isinstance(node, yaml.ScalarNode) and node.value.strip():
        return node.value.strip()
    return None


def _names(node: yaml.Node) -> list[str] | None:
    if not isinstance(node, yaml.SequenceNode):
        return None
    names = [_name(item) for item in node.value]
    return names if all(names) else None  # type: ignore[return-value]


def parse(text: str, path: str | Path = "aliases.yaml") -> Overrides:
    """Parse and validate an aliases file's text.

    Raises:
        AliasesError: On a YAML syntax error or a schema error, naming the file and line.
    """
    try:
        root = yamlsafe.compose(text)
        # The composed tree is validated below; loading rejects unsafe tags, impossible dates and
        # numbers (`!!float abc`) with their line, and alias bombs.
        yamlsafe.load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise AliasesError(path, mark.line + 1 if mark else None, f"invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise AliasesError(path, None, f"invalid YAML: {exc}") from None
    if root is None:
        return Overrides()

    def fail(node: yaml.Node, message: str):
        raise AliasesError(path, node.start_mark.line + 1, message)

    if not isinstance(root, yaml.MappingNode):
        fail(root, "expected a mapping with keys merge, rename, hide, apart")
    merge, rename, hide, apart = [], {}, [], []
    for key_node, value in root.value:
        section = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if section in ("merge", "rename", "hide", "apart") and value.tag == "tag:yaml.org,2002:null":
            continue  # an empty section, as left by deleting its last entry
        if section == "merge":
            if not isinstance(value, yaml.SequenceNode):
                fail(key_node, "'merge' must be a list of lists of names")
            for item in value.value:
                if isinstance(item, yaml.MappingNode):
                    fields = {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
                    unknown = set(fields) - {"names", "name"}
                    names = _names(fields["names"]) if "names" in fields else None
                    canonical = _name(fields["name"]) if "name" in fields else None
                    if unknown or not names or ("name" in fields and canonical is None):
                        fail(item, "a 'merge' entry must be a list of names or {names: [...], name: NAME}")
                    merge.append((tuple(names), canonical))
                else:
                    names = _names(item)
                    if not names:
                        fail(item, "'merge' must be a list of lists of names")
                    merge.append((tuple(names), None))
        elif section == "rename":
            if not isinstance(value, yaml.MappingNode):
                fail(key_node, "'rename' must be a mapping of old name: new name")
            for old, new in value.value:
                if _name(old) is None or _name(new) is None:
                    fail(old, "'rename' must be a mapping of old name: new name")
                rename[_name(old)] = _name(new)
        elif section == "hide":
            names = _names(value)
            if names is None:
                fail(key_node, "'hide' must be a list of names")
            hide.extend(names)
        elif section == "apart":
            if not isinstance(value, yaml.SequenceNode):
                fail(key_node, "'apart' must be a list of lists of names")
            for item in value.value:
                # Each element a name, or a list of names that stay together: [GE, [GEC, GEC Plc]].
                sides = [(_name(n),) if isinstance(n, yaml.ScalarNode) else tuple(_names(n) or ())
                         for n in (item.value if isinstance(item, yaml.SequenceNode) else ())]
                if len(sides) < 2 or not all(side and all(side) for side in sides):
                    fail(item, "an 'apart' entry must list two names or more (a list of names for one side)")
                apart.append(tuple(sides))
        else:
            fail(key_node, f"unknown key {key_node.value!r} (expected merge, rename, hide, apart)")
    return Overrides(tuple(merge), rename, tuple(hide), tuple(apart))


def load(path: str | Path) -> Overrides:
    """Read and parse an aliases file; a missing file means no overrides.

    Raises:
        AliasesError: When the file is malformed or unreadable.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Overrides()
    except (OSError, UnicodeDecodeError) as exc:
        raise AliasesError(path, None, f"cannot read: {exc}") from None
    return parse(text, path)


def load_or_keep(path: str | Path, last_good: Overrides | None = None
                 ) -> tuple[Overrides, AliasesError | None]:
    """Load an aliases file, or on error keep `last_good` in use and return the error to show.

    Returns:
        (overrides to use, the error or None).
    """
    try:
        return load(path), None
    except AliasesError as exc:
        return last_good or Overrides(), exc
