"""The key a binding answers to, as the footer writes it, with the user's keymap applied (for hints in text)."""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode


def key_shown(node: DOMNode, binding_id: str) -> str:
    """The first key bound to `binding_id` in `node`'s class BINDINGS, or the keymap's key for that id."""
    keys = getattr(node.app, "keymap", {}).get(binding_id) or next(
        (b.key for b in type(node).BINDINGS if isinstance(b, Binding) and b.id == binding_id), "")
    first = keys.split(",")[0].strip()
    return node.app.get_key_display(Binding(first, "")) if first else "?"
