"""Saved searches: named queries kept in the user's state, counted afresh (total and unread) on demand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.errors import WireError
from reader.textsafe import inert

if TYPE_CHECKING:
    from reader.library import Library
    from reader.state import State

NAME_MAX = 60
"""Longest name: it has to fit a sidebar line beside its counts."""


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named query and, as of the last count, how many articles it matches and how many are unread."""

    name: str
    query: str
    total: int
    unread: int

    def to_dict(self) -> dict:
        return {"name": self.name, "query": self.query, "total": self.total, "unread": self.unread}


def check_name(name: str) -> str:
    """The name as stored (spaces collapsed); a WireError for an empty, over-long or multi-line one."""
    clean = " ".join(name.split())
    if not clean:
        raise WireError("a saved search needs a name")
    if len(clean) > NAME_MAX:
        raise WireError(f"a saved search's name is at most {NAME_MAX} characters, not {len(clean)}")
    return clean


def save(state: State, name: str, query: str) -> str:
    """Save (or replace) the search `name`; returns the name as stored."""
    name = check_name(name)
    if not query.strip():
        raise WireError("nothing to save: the query is empty")
    state.save_search(name, query.strip())
    return name


def delete(state: State, name: str) -> None:
    """Forget the search `name`; a WireError naming the saved ones when there is none by that name."""
    names = [n for n, _ in state.saved_searches()]
    if name not in names:
        known = ", ".join(names) if names else "none saved"
        raise WireError(inert(f"no saved search named '{name}' ({known})"))
    state.delete_search(name)


def counted(library: Library, state: State) -> list[SavedSearch]:
    """Every saved search, by name, with its matches counted now (an unscored pass per query)."""
    read = state.read_ids()
    out = []
    for name, query in state.saved_searches():
        ids = library.matching(query)
        out.append(SavedSearch(name, query, len(ids), sum(1 for i in ids if i not in read)))
    return out
