"""EntitySidebar: saved searches with their counts, then People / Organisations / Places in the current results."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.models import Entity
from reader.searches import SavedSearch
from reader.textsafe import fit, inert
from reader.tui.widgets.vim_options import VimOptionList

SECTIONS = (("person", "People"), ("organization", "Organisations"), ("place", "Places"))
SEARCH = "search"
"""The kind in a saved search's option id (`search\tNAME`), beside the entity types."""
LINE_WIDTH = 26
"""Columns a line of the list has: the sidebar's 30, less its border, the list's padding and a scroll bar.
(The option list wraps a long line under its counts whatever the Text says, so names are cut to fit.)"""


def search_prompt(search: SavedSearch, total_width: int = 4, unread_width: int = 1) -> Text:
    """One saved search's line: its total (dim, aligned with the entities' counts), its unread
    count, then its name, inert (user text, never markup), cut with an ellipsis at the pane's edge."""
    prompt = Text(no_wrap=True, overflow="ellipsis")
    prompt.append(f"{search.total:>{total_width}} ", style="dim")
    prompt.append(f"{search.unread:>{unread_width}} new ", style="bold" if search.unread else "dim")
    prompt.append(fit(inert(search.name), max(1, LINE_WIDTH - prompt.cell_len), cell_len))
    return prompt


class EntitySidebar(Vertical, can_focus=False):
    """Lists the saved searches and the entity counts it is given. Enter runs a saved search, or
    filters the list by an entity (again to narrow further); Backspace or Escape clears every entity
    filter; Delete forgets the saved search under the cursor."""

    HELP_TITLE = "Entity sidebar"
    HELP = ("Saved searches (S saves one), then the entities in the current results. "
            "Enter runs a search or filters by a name, a second name narrows; Backspace clears; "
            "Delete forgets a saved search.")
    BINDINGS = [
        Binding("backspace", "clear(False)", "Drop the last filter", id="entities.drop_filter", show=False),
        Binding("escape", "clear(True)", "Clear filters", id="entities.clear"),
        # Not in the footer: at 80 columns it would push out the keys already there.
        Binding("delete", "delete_search", "Delete the saved search", id="entities.delete_search", show=False),
    ]
    DEFAULT_CSS = """
    EntitySidebar {
        width: 30;
        background: $surface;
        #entity-filters { height: auto; color: $accent; padding: 0 1; }
        #entity-options { height: 1fr; border: none; background: $surface; }
        /* The headings are disabled options (not choosable), not disabled text: full contrast. */
        #entity-options > .option-list--option-disabled { color: $text; }
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
        """The last entity filter chosen is to go, or (`every`) all of them."""

        sidebar: EntitySidebar
        every: bool = True

        @property
        def control(self) -> EntitySidebar:
            return self.sidebar

    @dataclass
    class SearchChosen(Message):
        """Enter on a saved search: its query is to replace the search (and the entity filters)."""

        sidebar: EntitySidebar
        name: str
        query: str

        @property
        def control(self) -> EntitySidebar:
            return self.sidebar

    @dataclass
    class SearchDeleted(Message):
        """Delete on a saved search: it is to go from the user's state."""

        sidebar: EntitySidebar
        name: str

        @property
        def control(self) -> EntitySidebar:
            return self.sidebar

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._searches: list[SavedSearch] | None = None
        """The saved searches as last counted (None until the first count: the group is left out)."""
        self._hint = ""
        self._counts: dict[str, list[Entity]] = {}
        self._available = False

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="entity-filters", markup=False)
        yield VimOptionList(id="entity-options")

    def on_mount(self) -> None:
        self._rebuild()

    def show_counts(self, counts: dict[str, list[Entity]], available: bool = True) -> None:
        """Replace the entity lists. `available` is False while entities have not been extracted yet."""
        self._counts, self._available = counts, available
        self._rebuild()

    def show_searches(self, searches: list[SavedSearch], hint: str = "") -> None:
        """Replace the saved searches (by name, with their counts); `hint` follows "Searches (0)" when none are."""
        before, hint_before = self._searches, self._hint
        self._searches, self._hint = list(searches), hint
        if before == self._searches and hint == hint_before:
            return  # recounted, nothing moved: the list is left as it is
        if before and [s.name for s in before] == [s.name for s in searches]:
            # Only the counts moved (a read mark, a sync): new prompts in place, so a user moving
            # through the sidebar keeps the cursor and the scroll where they are.
            options = self.query_one("#entity-options", OptionList)
            for search, prompt in zip(searches, self._search_prompts(), strict=True):
                options.replace_option_prompt(f"{SEARCH}\t{search.name}", prompt)
        else:
            self._rebuild()

    def _search_prompts(self) -> list[Text]:
        found = self._searches or []
        total_width = max([4, *(len(str(s.total)) for s in found)])
        unread_width = max([1, *(len(str(s.unread)) for s in found)])
        return [search_prompt(s, total_width, unread_width) for s in found]

    def _rebuild(self) -> None:
        options = self.query_one("#entity-options", OptionList)
        keep = options.highlighted_option.id if options.highlighted_option else None
        searches_before = [o.id for o in options.options if o.id and o.id.startswith(SEARCH + "\t")]
        options.clear_options()
        if self._searches:
            options.add_option(Option(Text(f"Searches ({len(self._searches)})", style="bold"), disabled=True))
            for search, prompt in zip(self._searches, self._search_prompts(), strict=True):
                options.add_option(Option(prompt, id=f"{SEARCH}\t{search.name}"))
        elif self._searches is not None:
            hint = Text("Searches (0)", style="bold", no_wrap=True, overflow="ellipsis")
            hint.append(f"  {self._hint}" if self._hint else "", style="italic")
            options.add_option(Option(hint, disabled=True))
        if not self._available:
            options.add_option(Option(Text("Entities not extracted yet.", style="italic"), disabled=True))
        else:
            for kind, heading in SECTIONS:
                entities = self._counts.get(kind, [])
                options.add_option(Option(Text(f"{heading} ({len(entities)})", style="bold"), disabled=True))
                for entity in entities:
                    prompt = Text(no_wrap=True, overflow="ellipsis")
                    prompt.append(f"{entity.articles:>4} ", style="dim")
                    prompt.append(fit(inert(entity.name), max(1, LINE_WIDTH - prompt.cell_len), cell_len))
                    options.add_option(Option(prompt, id=f"{kind}\t{entity.name}"))
        if keep is None:
            return
        try:
            options.highlighted = options.get_option_index(keep)
        except Exception:  # noqa: BLE001 — the entity is not in the new counts: keep the default
            if keep in searches_before and self._searches:
                # The saved search under the cursor was deleted: the cursor goes to the one that took its place.
                at = min(searches_before.index(keep), len(self._searches) - 1)
                options.highlighted = options.get_option_index(f"{SEARCH}\t{self._searches[at].name}")

    def show_filters(self, filters: list[tuple[str, str]]) -> None:
        text = Text(no_wrap=False)
        for kind, name in filters:
            text.append(f"[{kind}] ", style="dim")
            text.append(inert(name) + "\n")
        self.query_one("#entity-filters", Static).update(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not event.option.id:
            return
        kind, name = event.option.id.split("\t", 1)
        if kind == SEARCH:
            search = next((s for s in self._searches or [] if s.name == name), None)
            if search is not None:
                self.post_message(self.SearchChosen(self, search.name, search.query))
        else:
            self.post_message(self.Chosen(self, kind, name))

    def action_clear(self, every: bool = True) -> None:
        self.post_message(self.Cleared(self, every))

    def action_delete_search(self) -> None:
        option = self.query_one("#entity-options", OptionList).highlighted_option
        if option is not None and option.id and option.id.startswith(SEARCH + "\t"):
            self.post_message(self.SearchDeleted(self, option.id.split("\t", 1)[1]))
        else:
            self.notify("Delete forgets a saved search: put the cursor on one, under Searches.", timeout=3)
