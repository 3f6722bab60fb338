"""Name forms: the word pattern names are read with, and a form's spelling for counting (spaces, case)."""

from __future__ import annotations

import re

WORD = re.compile(r"\w+(?:[.'&-]\w+)*\.?")
"""A word of a name: letters and digits, joined by . ' & - ("U.S.", "O'Brien", "AT&T", "Hewlett-Packard")."""


def form(text: str) -> str:
    """A name as counted across the corpus: its words one space apart, in lower case."""
    return " ".join(text.split()).lower()
