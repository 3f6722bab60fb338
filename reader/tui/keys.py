"""Keys and binding ids: the key a binding answers to (for hints in text), every id the app has, keymap checks."""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import sys
from collections.abc import Iterable
from functools import cache

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import REPLACED_KEYS, Keys, key_to_character

from reader.textsafe import inert

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
"""The modifiers Textual names keys with (lower case: Textual never matches "Ctrl+s")."""


def key_shown(node: DOMNode, binding_id: str) -> str:
    """The first key bound to `binding_id` in `node`'s class BINDINGS, or the keymap's key for that id."""
    keys = getattr(node.app, "keymap", {}).get(binding_id) or next(
        (b.key for b in type(node).BINDINGS if isinstance(b, Binding) and b.id == binding_id), "")
    first = keys.split(",")[0].strip()
    return node.app.get_key_display(Binding(first, "")) if first else "?"


@cache
def _declared() -> dict[str, str]:
    """Binding id → module of the class declaring it, for every class under reader/tui and the Textual
    classes they build on (Screen's screen.copy_text): found by walking the modules, so the next
    binding added is known without a list to keep."""
    import reader.tui

    for module in pkgutil.walk_packages(reader.tui.__path__, "reader.tui."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    declared: dict[str, str] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("reader.tui.") or module is None:
            continue
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, DOMNode) and obj.__module__ == name:
                for cls in obj.__mro__:
                    for b in cls.__dict__.get("BINDINGS", ()):
                        if isinstance(b, Binding) and b.id:
                            declared.setdefault(b.id, cls.__module__)
    return declared


def binding_ids(ours_only: bool = False) -> frozenset[str]:
    """Every binding id a keymap can name; with `ours_only`, those the reader declares (not Textual)."""
    return frozenset(i for i, module in _declared().items() if not ours_only or module.startswith("reader."))


def key_problem(key: str) -> str:
    """Why Textual would never match `key` ("" if it would): an unknown modifier or key name."""
    if len(key) == 1:
        return ""
    *modifiers, name = key.split("+")
    bad = [m for m in modifiers if m not in MODIFIERS]
    if bad or not name:
        return f"'{key}' is not a key Textual knows (modifiers: {', '.join(MODIFIERS)}, as in ctrl+n)"
    known = len(name) == 1 or name in _KEY_NAMES or name in REPLACED_KEYS or name == "newline" or _symbol(name)
    return "" if known else (f"'{key}' is not a key Textual knows (names such as escape, enter, space, "
                             "pageup, f1, question_mark)")


_KEY_NAMES = frozenset(k.value for k in Keys if not k.value.startswith("<"))


def _symbol(name: str) -> bool:
    """A symbol's unicode name, as Textual names its key (question_mark, left_square_bracket, pound_sign).

    Not a letter's (é is the key é) nor a control's: "esc" names U+001B, yet Textual's key is escape."""
    character = key_to_character(name)
    return bool(character) and character.isprintable() and not character.isalnum()


def keymap_warnings(keymap: dict[str, str], where: dict[str, str], known: frozenset[str]
                    ) -> tuple[dict[str, str], list[str]]:
    """(the entries the app can apply, a warning for each other one) of a keymap read from config.

    `where` gives each id's "file:line" (Config.keymap_where), named in its warning.
    """
    usable: dict[str, str] = {}
    warnings = []
    for binding_id, keys in keymap.items():
        at = where.get(binding_id, "config")
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else " (? lists the ids)"
            warnings.append(f"{at}: keymap: no key binding has the id '{binding_id}'{hint}; ignored")
            continue
        problem = next((p for p in map(key_problem, keys.split(",")) if p), "")
        if problem:
            warnings.append(f"{at}: keymap '{binding_id}': {problem}; ignored")
            continue
        usable[binding_id] = keys
    return usable, [inert(w) for w in warnings]  # an id or key typed with a control character in it


def grouped(bindings: Iterable[tuple[str, Binding]]) -> dict[tuple[str, str], tuple[Binding, list[str]]]:
    """(binding id, description) → (the binding, every key bound to it in order), from (key, binding)
    pairs such as a BindingsMap yields: a binding with several keys is one entry."""
    rows: dict[tuple[str, str], tuple[Binding, list[str]]] = {}
    for key, binding in bindings:
        label = binding.description or binding.action
        keys = rows.setdefault((binding.id or binding.action, label), (binding, []))[1]
        if key not in keys:  # Textual's apply_keymap adds a remapped key once per key it replaces
            keys.append(key)
    return rows
