"""EntitySidebar: People / Organisations / Places with article counts over the current results."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.models import Entity
from reader.textsafe import inert
from reader.tui.widgets.vim_options import VimOptionList

SECTIONS = (("person", "People"), ("organization", "Organisations"), ("place", "Places"))


class EntitySidebar(Vertical, can_focus=False):
    """Lists the counts it is given. Enter filters the list by an entity (again to narrow further);
    Backspace or Escape clears every entity filter."""

    HELP = "Entities in the current results. Enter filters by one, a second Enter narrows; Backspace clears."
    BINDINGS = [
        Binding("backspace,escape", "clear", "Clear filters", id="entities.clear"),
    ]
    DEFAULT_CSS = """
    EntitySidebar {
        width: 30;
        background: $surface;
        #entity-filters { height: auto; color: $accent; padding: 0 1; }
        #entity-options { height: 1fr; border: none; background: $surface; }
    }
    """

    @dataclass
    class Chosen(Message):
        """Enter on an entity: filter (or narrow) the list by it."""

        sidebar: EntitySidebar
        type: str
        name: str

        @property
        def control(self) -> EntitySidebar:
            return self.sidebar

    @dataclass
    class Cleared(Message):
        """Every entity filter is to go."""

        sidebar: EntitySidebar

        @property
        def control(self) -> EntitySidebar:
            return self.sidebar

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="entity-filters", markup=False)
        yield VimOptionList(id="entity-options")

    def on_mount(self) -> None:
        self.show_counts({}, available=False)

    def show_counts(self, counts: dict[str, list[Entity]], available: bool = True) -> None:
        """Replace the lists. `available` is False while entities have not been extracted yet."""
        options = self.query_one("#entity-options", OptionList)
        keep = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        if not available:
            options.add_option(Option(Text("Entities not extracted yet.", style="italic"), disabled=True))
            return
        for kind, heading in SECTIONS:
            entities = counts.get(kind, [])
            options.add_option(Option(Text(f"{heading} ({len(entities)})", style="bold"), disabled=True))
            for entity in entities:
                prompt = Text(no_wrap=True, overflow="ellipsis")
                prompt.append(f"{entity.articles:>4} ", style="dim")
                prompt.append(inert(entity.name))
                options.add_option(Option(prompt, id=f"{kind}\t{entity.name}"))
        if keep is not None:
            try:
                options.highlighted = options.get_option_index(keep)
            except Exception:  # noqa: BLE001 — the entity is not in the new counts: keep the default
                pass

    def show_filters(self, filters: list[tuple[str, str]]) -> None:
        text = Text(no_wrap=False)
        for kind, name in filters:
            text.append(f"[{kind}] ", style="dim")
            text.append(inert(name) + "\n")
        self.query_one("#entity-filters", Static).update(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            kind, name = event.option.id.split("\t", 1)
            self.post_message(self.Chosen(self, kind, name))

    def action_clear(self) -> None:
        self.post_message(self.Cleared(self))
