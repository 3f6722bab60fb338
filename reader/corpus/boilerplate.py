"""Boilerplate marking: rules from a shipped YAML file, and repetition within one outlet."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import yaml

SHIPPED_RULES = Path(__file__).with_name("boilerplate.yaml")
REPEAT_THRESHOLD = 3
"""A paragraph found verbatim in this many articles of one outlet is the outlet's, not the story's."""


@lru_cache(maxsize=4)
def _rules(path: Path = SHIPPED_RULES) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """All rules as two alternations: the branches anchored at the start, tried once at the paragraph's
    start (`match`), and the rest, searched. One `search` of them all tried every branch at every
    position, a third of a file's parse time."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    anchored, searched = [], []
    for rule in data["rules"]:
        for branch in _branches(rule["pattern"]):
            (anchored if branch.startswith("^") else searched).append(f"(?:{branch})")
    return tuple(re.compile("|".join(group), re.I) if group else None for group in (anchored, searched))


def _branches(pattern: str) -> list[str]:
    """The pattern's top-level alternatives (`a|(b|c)` gives `a` and `(b|c)`): escapes, classes and
    groups are stepped over."""
    branches, start, depth, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                i += 1
            if i < len(pattern) and pattern[i] == "]":  # a leading ] is a member, not the end
                i += 1
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    return branches + [pattern[start:]]


def matches_rule(paragraph: str) -> bool:
    """True when a boilerplate rule matches the paragraph."""
    anchored, searched = _rules()
    return bool((anchored and anchored.match(paragraph)) or (searched and searched.search(paragraph)))


def paragraph_key(paragraph: str) -> str:
    """Verbatim identity of a paragraph, blind to whitespace only."""
    return hashlib.blake2b(" ".join(paragraph.split()).encode(), digest_size=8).hexdigest()


def paragraph_keys(article) -> list[str]:
    """The keys of an article's paragraphs that no rule marked: what repetition within its outlet is counted on."""
    return [paragraph_key(p.text) for p in article.paragraphs if not p.boilerplate]
