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
def _rules(path: Path = SHIPPED_RULES) -> re.Pattern[str]:
    """All rules as one alternation: one regex pass per paragraph instead of one per rule."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return re.compile("|".join(f"(?:{rule['pattern']})" for rule in data["rules"]), re.I)


def matches_rule(paragraph: str) -> bool:
    """True when a boilerplate rule matches the paragraph."""
    return _rules().search(paragraph) is not None


def paragraph_key(paragraph: str) -> str:
    """Verbatim identity of a paragraph, blind to whitespace only."""
    return hashlib.blake2b(" ".join(paragraph.split()).encode(), digest_size=8).hexdigest()
