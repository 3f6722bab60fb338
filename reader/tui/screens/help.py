"""HelpScreen: every key of the screen below, generated from its bindings with the user's keymap applied."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def key_table(nodes: list[DOMNode], keymap: dict[str, str], key_display
              ) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(pane name, pane HELP, [(keys, description)]) for each node that declares bindings.

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
        bindings = BindingsMap(cls.__dict__["BINDINGS"])
        if keymap:
            bindings.apply_keymap(dict(keymap))
        keys: dict[tuple[str, str], list[str]] = {}
        for key, binding in bindings:
            label = binding.description or binding.action
            keys.setdefault((binding.id or binding.action, label), []).append(
                key_display(Binding(key, binding.action)))
        rows = [(", ".join(shown), label) for (_id, label), shown in keys.items()]
        table.append((_pane_name(cls.__name__), str(getattr(cls, "HELP", "") or ""), rows))
    return table


def _pane_name(class_name: str) -> str:
    names = {"WireApp": "Everywhere", "MainScreen": "Main screen", "ArticleList": "Article list",
             "ReadingView": "Reading view", "EntitySidebar": "Entity sidebar", "SearchBar": "Search bar",
             "DiffScreen": "Diff screen", "WireDiffView": "Diff", "CopyChooser": "Choose a copy",
             "ExportDialog": "Export", "SaveSearchDialog": "Save a search", "TagDialog": "Tags",
             "NoteDialog": "Note"}
    return names.get(class_name, class_name)


class HelpScreen(ModalScreen[None]):
    """Opened with `?`; any of q, Escape or ? closes it."""

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

    def __init__(self, below: Screen, keymap: dict[str, str]) -> None:
        super().__init__()
        self.below = below
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        nodes: list[DOMNode] = [self.app, self.below, *self.below.query("*")]
        text = Text(end="")
        text.append("Keys", style="bold")
        text.append("  (from the live bindings; change them under `keymap:` in config.yaml by id)\n",
                    style="dim")
        for pane, about, rows in key_table(nodes, self.keymap, self.app.get_key_display):
            text.append(f"\n{pane}\n", style="bold underline")
            if about:
                text.append(f"{about}\n", style="italic dim")
            for keys, label in rows:
                text.append(f"  {keys:<22}", style="bold")
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
