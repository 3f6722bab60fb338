"""HelpScreen: every key of the screen below, generated from its bindings with the user's keymap applied."""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from reader.tui.keys import grouped


def key_table(nodes: list[DOMNode], keymap: dict[str, str], key_display
              ) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """(section title, section HELP, [(keys, binding id, description)]) for each node that declares bindings.

    Built from each class's own BINDINGS through Textual's BindingsMap with the keymap applied,
    the same way Textual itself resolves keys, so a remapped key shows its new keys here.
    """
    seen: set[type] = set()
    table = []
    for node in nodes:
        cls = type(node)
        if cls in seen or not cls.__dict__.get("BINDINGS"):
            continue
        seen.add(cls)
        declared = cls.__dict__["BINDINGS"]
        bindings = BindingsMap(declared)
        if keymap:
            bindings.apply_keymap(dict(keymap))
        # A remapped binding comes last out of apply_keymap: list it where its class declares it.
        order = {getattr(b, "id", None) or getattr(b, "action", None): i for i, b in enumerate(declared)}
        found = sorted(grouped(bindings).items(), key=lambda item: order.get(item[0][0], len(order)))
        rows = [(", ".join(key_display(Binding(key, binding.action)) for key in keys), binding_id, label)
                for (binding_id, label), (binding, keys) in found]
        table.append((section_title(cls), str(getattr(cls, "HELP", "") or ""), rows))
    return table


def section_title(cls: type) -> str:
    """The class's HELP_TITLE ("Article list"), else its name in words: WireDiffView → "Wire diff"
    (a reader has no use for "View"; every class with bindings should say HELP_TITLE)."""
    title = cls.__dict__.get("HELP_TITLE")
    if title:
        return str(title)
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", cls.__name__)
    if len(words) > 1 and words[-1] == "View":
        words.pop()
    return " ".join([words[0], *(w if w.isupper() else w.lower() for w in words[1:])]) if words else cls.__name__


class HelpScreen(ModalScreen[None]):
    """Opened with `?`; any of q, Escape or ? closes it."""

    HELP_TITLE = "This help"
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
        Binding("j,down", "scroll('down')", "Scroll down", id="help.down", show=False),
        Binding("k,up", "scroll('up')", "Scroll up", id="help.up", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        #help-box { width: 90%; max-width: 90; height: 90%; border: round $primary; background: $surface;
                    padding: 0 1; }
    }
    """

    def __init__(self, below: Screen, keymap: dict[str, str], config_file: Path | None = None) -> None:
        super().__init__()
        self.below = below
        self.keymap = keymap
        self.config_file = config_file
        """The config file in use, named in the explanation; None (no file yet): "config.yaml"."""

    def compose(self) -> ComposeResult:
        nodes: list[DOMNode] = [self.app, self.below, *self.below.query("*"), self]
        table = key_table(nodes, self.keymap, self.app.get_key_display)
        text = Text(end="")
        text.append("Keys", style="bold")
        text.append(f" of this screen, as your keymap sets them. To change one, give its id under `keymap:` in "
                    f"{self.config_file or 'config.yaml'}: `id: key` or `id: key,key`, a YAML list also "
                    "(main.toggle_star: x, list.up: [y, u]).\n", style="dim")
        rows = [row for _title, _about, section in table for row in section]
        keys_width = min(max((len(keys) for keys, _id, _label in rows), default=0), 16)
        id_width = max((len(binding_id) for _keys, binding_id, _label in rows), default=0)
        for title, about, section in table:
            text.append(f"\n{title}\n", style="bold underline")
            if about:
                text.append(f"{about}\n", style="italic dim")
            for keys, binding_id, label in section:
                text.append(f"  {keys:<{keys_width}} ", style="bold")
                text.append(f"{binding_id:<{id_width}} ", style="dim")
                text.append(f"{label}\n")
        with VerticalScroll(id="help-box"):
            yield Static(text, id="help-text", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        box = self.query_one("#help-box", VerticalScroll)
        # immediate: a deferred scroll leaves scroll_target_y where it was until the next refresh, so
        # j held down (keys arriving in one read) scrolled one line for the whole burst.
        (box.scroll_down if direction == "down" else box.scroll_up)(animate=False, immediate=True)
