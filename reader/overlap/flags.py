"""Edits journalists check first inside a changed pair: numbers, quoted words and attribution verbs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.overlap.align import WordOp
from reader.overlap.text import normalize

FLAGS = ("number", "quote", "verb")
"""Flag names, in the order they are reported."""
FLAG_SYMBOL = {"number": "#", "quote": '"', "verb": "@"}
"""One ASCII character per flag, shown after "!" so the flag reads without colour."""

# Number words as well as digits: "two decades" -> "20 years" must count as a changed number.
# \d is Unicode-aware, so Urdu and Devanagari digits count too.
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds "
    "thousand thousands million millions billion billions trillion dozen dozens half quarter third percent "
    "decade decades twice thrice double triple".split())
_DIGIT = re.compile(r"\d")
# Reporting verbs whose swap changes how a claim reads ("said" -> "claimed", "admitted" -> "noted").
_VERBS = frozenset(
    "say says said saying tell tells told claim claims claimed claiming state states stated add adds added "
    "insist insists insisted allege alleges alleged argue argues argued admit admits admitted deny denies "
    "denied warn warns warned note notes noted explain explains explained suggest suggests suggested "
    "assert asserts asserted maintain maintains maintained acknowledge acknowledged concede conceded "
    "declare declared announce announced confirm confirms confirmed according report reported write wrote "
    "tweet tweeted remark remarked contend contended stress stressed urge urged boast boasted "
    "accuse accused acknowledges concedes declares announces".split())
# Double quotation marks only: single quotes double as apostrophes ("Epstein's").
_OPEN = frozenset('"“„«')
_CLOSE = frozenset('"”»')


def quoted_mask(text: str) -> list[bool]:
    """Per character of `text`: True inside (or on) a double-quoted span; an unclosed quote runs to the end."""
    mask, inside = [], False
    for ch in text:
        if not inside and ch in _OPEN:
            inside = True
            mask.append(True)
        elif inside and ch in _CLOSE:
            inside = False
            mask.append(True)
        else:
            mask.append(inside)
    return mask


def _has_number(text: str) -> bool:
    return bool(_DIGIT.search(text)) or any(w in _NUMBER_WORDS for w in normalize(text).split())


def _has_verb(text: str) -> bool:
    return any(w in _VERBS for w in normalize(text).split())


def op_flags(ops: Sequence[WordOp]) -> list[tuple[str, ...]]:
    """Flags of each word op of a changed pair (parallel to `ops`; equal ops get none).

    number: a digit or number word on either side of the edit; quote: the edit touches text inside
    double quotation marks on either side; verb: an attribution verb is added, dropped or swapped.
    """
    a_mask = quoted_mask("".join(op.a for op in ops))
    b_mask = quoted_mask("".join(op.b for op in ops))
    out: list[tuple[str, ...]] = []
    a_pos = b_pos = 0
    for op in ops:
        a_end, b_end = a_pos + len(op.a), b_pos + len(op.b)
        found: tuple[str, ...] = ()
        if op.kind != "equal":
            hits = {
                "number": _has_number(op.a) or _has_number(op.b),
                "quote": any(a_mask[a_pos:a_end]) or any(b_mask[b_pos:b_end]),
                "verb": _has_verb(op.a) or _has_verb(op.b),
            }
            found = tuple(f for f in FLAGS if hits[f])
        out.append(found)
        a_pos, b_pos = a_end, b_end
    return out


def flag_text(found: Sequence[str]) -> str:
    """The visible mark of an op's flags, e.g. '!#' or '!#"'."""
    return "!" + "".join(FLAG_SYMBOL[f] for f in found) if found else ""
