"""The review loop's rules: what a tag and a note may be, and how `+tag -tag` edits apply to the user's state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.errors import WireError
from reader.textsafe import inert

if TYPE_CHECKING:
    from reader.state import State

TAG_MAX = 40
"""Longest tag, in characters: a label that fits a list line and a status line, not a sentence."""
NOTE_MAX = 10_000
"""Longest note, in characters: several screens of text; an export quotes it whole."""


def check_tag(text: str) -> str:
    """The tag as stored: stripped, lower-case, runs of spaces as one "-".

    Raises:
        WireError: empty, over TAG_MAX characters, or holding a comma or a control character.
    """
    # Lower-case and without spaces so that `tags:Urgent`, `tags:urgent` and a typed "Urgent " name one
    # tag, and a tag is one word of the query language.
    tag = "-".join(text.lower().split())
    if not tag:
        raise WireError("a tag cannot be empty")
    if "," in tag:
        # The index keeps a file's tags comma-separated: a comma would make one tag two.
        raise WireError(inert(f"a tag cannot contain a comma: '{tag}' (give several as +a +b)"))
    if inert(tag) != tag:
        # What a terminal would act on (controls, bidi overrides): a label has no use for it.
        raise WireError(f"a tag cannot contain control characters: '{inert(tag)}'")
    if len(tag) > TAG_MAX:
        raise WireError(f"a tag is at most {TAG_MAX} characters, not {len(tag)}")
    return tag


def query_tag(text: str) -> str | None:
    """A `tags:` query term as check_tag would store it, or None when no stored tag can equal it."""
    try:
        return check_tag(text)
    except WireError:
        return None


def split_edits(text: str) -> list[str]:
    """A typed line of edits as the words `parse_edits` takes, as a shell would give them to `wire tag` when
    quoted: `+follow up -draft` is `+follow up` and `-draft` (one tag `follow-up`, as the CLI makes of
    `"+follow up"`). A word after a `+`/`-` one belongs to it until the next `+`/`-`; bare words before any
    are separate tags (`urgent draft` is two)."""
    edits: list[str] = []
    open_edit = False
    for word in text.split():
        if word[0] in "+-" or not open_edit:
            edits.append(word)
            open_edit = word[0] in "+-" and len(word) > 1
        else:
            edits[-1] += " " + word
    return edits


def parse_edits(words: list[str]) -> list[tuple[bool, str]]:
    """`+tag` adds, `-tag` removes, a bare `tag` adds: (add?, tag) for each word, in order.

    Every word is checked before any is applied, so one bad word changes nothing.

    Raises:
        WireError: a word is a lone + or -, or its tag breaks check_tag.
    """
    edits = []
    for word in words:
        word = word.strip()
        if not word:
            continue
        add = not word.startswith("-")
        name = word[1:] if word[0] in "+-" else word
        if not name.strip():
            raise WireError(f"'{word}' names no tag (write {word}TAG)")
        edits.append((add, check_tag(name)))
    return edits


def apply_edits(state: State, article_id: str, words: list[str]) -> list[str]:
    """Apply `+tag -tag tag` edits to one article (one autocommitted statement each); return its tags after."""
    for add, tag in parse_edits(words):
        (state.add_tag if add else state.remove_tag)(article_id, tag)
    return state.tags_of(article_id)


def check_note(text: str) -> str:
    """The note as stored: line endings made "\\n", blank lines and spaces around it dropped; "" deletes.

    Raises:
        WireError: over NOTE_MAX characters (the text is not stored, so the caller keeps it).
    """
    note = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(note) > NOTE_MAX:
        raise WireError(f"a note is at most {NOTE_MAX:,} characters, not {len(note):,}")
    return note


def set_note(state: State, article_id: str, text: str) -> str:
    """Store (or replace) the note of an article; an empty one deletes it. Returns the note as stored."""
    note = check_note(text)
    state.set_note(article_id, note)
    return note


def fields(state: State | None, article_id: str) -> dict:
    """The user's `tags` and `note` of one article, as `wire show --json` and the exports add them."""
    if state is None:
        return {"tags": [], "note": None}
    return {"tags": state.tags_of(article_id), "note": state.note(article_id)}
