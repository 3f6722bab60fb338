"""YAML read defensively: alias bombs and deep nesting refused, impossible scalars reported with their line."""

from __future__ import annotations

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError

MAX_DEPTH = 64
"""Nesting deeper than this is refused: PyYAML's composer recurses once per level (RecursionError)."""
MAX_NODES = 100_000
"""Nodes of the document with every alias expanded. A "billion laughs" file is a few lines whose
aliases expand to 10^9 nodes: PyYAML shares them, but the first caller that walks or prints the value
(str() of a title) runs out of memory. PyYAML leaves the limit to its users (yaml/pyyaml#235, open);
counting expanded nodes refuses such a file in microseconds."""

_TAG = "tag:yaml.org,2002:"


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's SafeLoader when PyYAML has it (its wheels do): the same safe constructors over a parser in C,
seven times faster on front matter (half of a first build's parse was PyYAML's Python scanner)."""


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that bounds depth and alias expansion; `lenient` turns bad scalars into their text.

    The bounds are checked on the composed tree, before anything is constructed: libyaml composes in C,
    where no Python method of ours is called per node (libyaml refuses streams nested over 1,000 levels)."""

    lenient = False

    def get_single_node(self):
        try:
            node = super().get_single_node()
        except yaml.MarkedYAMLError as exc:
            if "nesting depth" in str(exc.problem):  # libyaml's own limit, in our words
                raise _too_deep(exc.problem_mark) from None
            raise
        if node is not None:
            _check_depth(node)
            _check_expansion(node)
        return node


def _too_deep(mark) -> ComposerError:
    return ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_depth(root: yaml.Node) -> None:
    """Raise when a collection lies more than MAX_DEPTH levels down (breadth first, each node once, at the
    least depth an alias gives it; iterative: the tree may be deeper than Python's recursion limit)."""
    level, seen = [root], {id(root)}
    for depth in range(1, MAX_DEPTH + 1):  # `level` holds the collections `depth` levels down
        deeper = [child for node in level for child in _children(node)
                  if isinstance(child, yaml.CollectionNode) and id(child) not in seen]
        if not deeper:
            return
        if depth == MAX_DEPTH:
            raise _too_deep(deeper[0].start_mark)
        seen.update(id(child) for child in deeper)
        level = deeper


def _check_expansion(root: yaml.Node) -> None:
    """Raise when the tree, aliases expanded, has more than MAX_NODES nodes (or refers to itself)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise ComposerError(None, None, "an alias refers to the node that contains it", node.start_mark)
        open_nodes.add(key)
        total = 1
        for child in _children(node):
            total += size(child)
            if total > MAX_NODES:
                raise ComposerError(None, None, f"aliases expand to more than {MAX_NODES:,} values "
                                    "(refused: a YAML alias bomb)", node.start_mark)
        open_nodes.discard(key)
        sizes[key] = total
        return total

    size(root)


def _guarded(tag: str, what: str):
    base = yaml.SafeLoader.yaml_constructors[_TAG + tag]

    def construct(loader: _Loader, node: yaml.Node):
        try:
            return base(loader, node)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            # Impossible dates (2026-02-30), `!!float abc`, 5,000-digit ints (Python's int/str limit).
            if loader.lenient:
                return node.value
            raise ConstructorError(None, None, f"{what}: {str(node.value)[:40]!r}", node.start_mark) from None

    return construct


for _tag, _what in (("timestamp", "not a valid date"), ("float", "not a number"), ("int", "not a usable integer"),
                    ("bool", "not true or false")):
    _Loader.add_constructor(_TAG + _tag, _guarded(_tag, _what))


class _LenientLoader(_Loader):
    lenient = True


def compose(text: str) -> yaml.Node | None:
    """The node tree (with line marks) of a trusted-shape file; raises yaml.YAMLError."""
    return yaml.compose(text, Loader=_Loader)


def load(text: str, lenient: bool = False):
    """Like yaml.safe_load, bounded; with `lenient`, a scalar that cannot be its tag's type stays a string.

    Raises:
        yaml.YAMLError: bad syntax, an unsafe tag, an alias bomb, nesting too deep; and, unless
            lenient, an impossible date or number (a MarkedYAMLError whose problem_mark is its line).
    """
    return yaml.load(text, Loader=_LenientLoader if lenient else _Loader)  # noqa: S506 — a SafeLoader subclass
