"""Language-neutral tokens, sentences and shingle hashes for any script that separates words with spaces."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

NGRAM = 5
"""Shingle length in words (DESIGN.md: word 5-grams)."""

# Apostrophes are removed rather than turned into spaces so that "Epstein's" and "Epstein’s" give one
# token ("epsteins") instead of a stray "s" that would make every possessive a shingle boundary.
_APOSTROPHES = frozenset("'’ʼ‘`´")


class _Table(dict):
    """str.translate table filled lazily: punctuation and symbols become spaces, format chars vanish."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        cat = unicodedata.category(ch)
        if ch in _APOSTROPHES or cat == "Cf":  # Cf: ZWNJ/ZWJ (frequent in Urdu), bidi marks, soft hyphen
            value = None
        elif cat[0] in "PS" or cat[0] == "Z" or cat == "Cc":
            value = " "
        else:
            value = ch
        self[code] = value
        return value


_TABLE = _Table()


def normalize(text: str) -> str:
    """NFKC, casefold, punctuation and symbols to spaces: the form every comparison is made on."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)


def tokens(text: str) -> list[str]:
    """Word tokens of `text` (Unicode-aware: Urdu, Cyrillic, accented Latin all work)."""
    return normalize(text).split()


# ---------------------------------------------------------------------------------------------- sentences

_PARAGRAPHS = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# Latin-style terminators need following whitespace; Urdu/Arabic/Devanagari/CJK ones often do not
# ("سکا۔آخری" in COUNTER), so they end a sentence on their own. Closing quotes stay with the sentence.
# A line break inside a paragraph ends a sentence too: the parser keeps those only between the rows
# of a table ("Net 188,000 vs 130,000"), and a row aligns with a row, not with the whole table.
_BOUNDARY = re.compile(r"(?:[.!?…]+[\"'”’»)\]]*\s+)|(?:[۔؟।॥。！？]+[\"'”’»)\]]*\s*)|(?:[ \t]*\n\s*)")
_ABBREV = frozenset(
    "mr mrs ms dr st jr sr gen gov sen rep lt col capt sgt prof inc co corp ltd no vs etc jan feb mar apr "
    "jun jul aug sep sept oct nov dec mt ft fig approx dept est".split())


def _is_abbreviation(chunk: str) -> bool:
    """True when the word before a '.' is an abbreviation or an initial, so the '.' ends no sentence."""
    word = chunk.rstrip().rsplit(None, 1)[-1] if chunk.strip() else ""
    if not word.endswith("."):
        return False
    stem = word.rstrip(".").lstrip("(\"'“‘")
    return (len(stem) == 1 and stem.isalpha()) or "." in stem or stem.casefold() in _ABBREV


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a text: where it is, and its text exactly as written."""

    start: int
    end: int
    paragraph: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences, always breaking at paragraph breaks (blank lines).

    The pieces cover every non-space character of `text`, so the tokens of the sentences, in order,
    are exactly `tokens(text)`.
    """
    out: list[Sentence] = []
    para_start = 0
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPHS.finditer(text)] + [(len(text), len(text))]
    for para, (stop, next_start) in enumerate(paragraphs):
        begin = para_start
        for match in _BOUNDARY.finditer(text, para_start, stop):
            if match.group().startswith(".") and _is_abbreviation(text[begin:match.start() + 1]):
                continue
            end = match.end()
            if match.end() < stop and text[match.end()].islower():
                continue  # "e.g. the", "3 p.m. on": a lowercase start is almost never a new sentence
            _append(out, text, begin, end, para)
            begin = end
        _append(out, text, begin, stop, para)
        para_start = next_start
    return out


def _append(out: list[Sentence], text: str, start: int, end: int, para: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        out.append(Sentence(start + lead, start + lead + len(stripped), para, stripped))


# ---------------------------------------------------------------------------------------------- shingles

_TOKEN_HASH: dict[str, int] = {}
# Odd multipliers per position make the 5-gram hash order-sensitive; the uint64 arithmetic wraps.
_POSITION = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                      0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
                     dtype=np.uint64)


def _token_hash(token: str) -> int:
    # blake2b, not hash(): str hashes change between processes, and the index is persisted.
    value = _TOKEN_HASH.get(token)
    if value is None:
        value = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
        if len(_TOKEN_HASH) < 2_000_000:  # bound the cache on huge vocabularies
            _TOKEN_HASH[token] = value
    return value


def token_hashes(toks: list[str]) -> np.ndarray:
    """Stable 64-bit hash of each token."""
    found = list(map(_TOKEN_HASH.get, toks))  # C-speed for the tokens seen before: nearly all of them
    if None in found:
        found = [_token_hash(t) if h is None else h for t, h in zip(toks, found, strict=True)]
    return np.array(found, dtype=np.uint64)


def shingle_hashes(toks: list[str], n: int = NGRAM) -> np.ndarray:
    """Hash of every word n-gram, in text order (one per start position; a text shorter than n gives one)."""
    return ngram_hashes(token_hashes(toks), n)


def ngram_hashes(hashes: np.ndarray, n: int = NGRAM) -> np.ndarray:
    """`shingle_hashes` from already computed token hashes (to derive several n from one pass)."""
    if not len(hashes):
        return np.zeros(0, dtype=np.uint64)
    width = min(n, len(hashes))
    count = len(hashes) - width + 1
    out = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(width):
            out += hashes[i:i + count] * _POSITION[i]
    return out


def shingle_set(toks: list[str], n: int = NGRAM) -> np.ndarray:
    """Sorted distinct shingle hashes (the set that containment is measured on)."""
    return np.unique(shingle_hashes(toks, n))


def shared_count(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted arrays of distinct values have in common.

    A binary search of the smaller in the larger: `np.intersect1d` concatenates and sorts both again,
    which was most of verifying a candidate pair and of measuring a pair's n-gram containments.
    """
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return int(np.count_nonzero(b[at] == a))


def without(values: np.ndarray, drop: np.ndarray) -> np.ndarray:
    """`values` (sorted) without those in `drop` (sorted, distinct)."""
    if not len(drop) or not len(values):
        return values
    at = np.minimum(np.searchsorted(drop, values), len(drop) - 1)
    return values[drop[at] != values]
