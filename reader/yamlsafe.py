"""YAML read defensively: alias bombs and deep nesting refused, impossible scalars reported with their line."""

from __future__ import annotations

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent

MAX_DEPTH = 64
"""Nesting deeper than this is refused: PyYAML's composer recurses once per level (RecursionError)."""
MAX_NODES = 100_000
"""Nodes of the document with every alias expanded. A "billion laughs" file is a few lines whose
aliases expand to 10^9 nodes: PyYAML shares them, but the first caller that walks or prints the value
(str() of a title) runs out of memory. PyYAML leaves the limit to its users (yaml/pyyaml#235, open);
counting expanded nodes refuses such a file in microseconds."""

_TAG = "tag:yaml.org,2002:"


class _Loader(yaml.SafeLoader):
    """SafeLoader that bounds depth and alias expansion; `lenient` turns bad scalars into their text."""

    lenient = False

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        # One level per collection, not per alias (an alias adds no nesting to the stream).
        alias = self.check_event(AliasEvent)
        if not alias:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                    self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            if not alias:
                self._depth -= 1

    def compose_document(self):
        node = super().compose_document()
        if node is not None:
            _check_expansion(node)
        return node


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
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        for child in children:
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
