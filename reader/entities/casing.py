"""Re-casing of ALL-CAPS lines (headlines, datelines) before NER, keeping every character offset."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

_WORD = re.compile(r"[^\W\d_]+")
_CLITICS = frozenset({"s", "t", "ll", "re", "ve", "d", "m"})
_FUNCTION_WORDS = frozenset("a an and as at by for from in into of on or over the to up with".split())
_SENTENCE_END = frozenset('.!?:"\u201c\u2018(')


_SHAPES = bytes(ord("U") if 65 <= c <= 90 else ord("l") if 97 <= c <= 122 else ord(" ") for c in range(256))
"""An ASCII line's shape: each capital U, each lower-case letter l, anything else a space."""


def is_caps_line(line: str) -> bool:
    """True for a headline-cased line: (nearly) all capitals, or Title Case With Every Word Capitalised."""
    if line.isascii():
        # Counted in C on the line's shape: every line of a corpus is asked, twice (re-casing before NER, the
        # corpus pass after it), and the loops over its characters and words below were a tenth of the pass.
        shape = b" " + line.encode("ascii").translate(_SHAPES)
        upper = shape.count(b"U")
        cased = upper + shape.count(b"l")
        if cased >= 4 and upper >= 0.9 * cased:
            return True
        capitalised = shape.count(b" U")  # words (runs of letters, as _WORD finds them) by their first letter
        words = capitalised + shape.count(b" l")
        if words < 4 or capitalised < 0.9 * words:
            return False  # no Title Case: most lines end here
    else:
        letters = [c for c in line if c.isalpha() and c.lower() != c.upper()]
        cased, upper = len(letters), sum(c.isupper() for c in letters)
    if cased >= 4 and upper >= 0.9 * cased:
        return True
    # Title Case needs a capitalised function word ("Checks Into Rehab"): a line of names, such as a
    # results table, also has every word capitalised but is best left alone.
    words = [w for w in _WORD.findall(line) if w[0].lower() != w[0].upper()]
    return (len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.9 * len(words)
            and any(w[0].isupper() and w.lower() in _FUNCTION_WORDS for w in words[1:]))


def _evidence(lines: list[str]) -> tuple[dict[str, Counter], dict[str, Counter]]:
    """How each word is written in the mixed-case lines: mid-sentence, and at a sentence start."""
    forms: dict[str, Counter] = defaultdict(Counter)
    initial: dict[str, Counter] = defaultdict(Counter)
    for line in lines:
        for match in _WORD.finditer(line):
            before = line[:match.start()].rstrip()
            if before and before[-1] in "'\u2019":
                continue
            word = match.group()
            if not before or before[-1] in _SENTENCE_END:
                initial[word.lower()][word] += 1
            else:
                forms[word.lower()][word] += 1
    return forms, initial


def _recase_word(word: str, first: bool, forms: dict[str, Counter], initial: dict[str, Counter],
                 lexicon: frozenset[str]) -> str:
    lower = word.lower()
    # A word seen only at sentence starts is still evidence of capitalisation ("Pakistan won the toss").
    seen = forms.get(lower) or initial.get(lower)
    if seen:
        choice = seen.most_common(1)[0][0]
    elif lower in lexicon:
        choice = lower
    else:
        choice = word[0] + word[1:].lower()
    if first:
        choice = choice[0].upper() + choice[1:]
    # Case mapping can change a string's length (German sharp s, dotted I): then keep the original.
    return choice if len(choice) == len(word) else word


def recase(text: str, lexicon: frozenset[str]) -> str:
    """Rewrite ALL-CAPS lines in the case the rest of the text uses, word by word.

    The model was trained on mixed-case text and tags most capitalised headline words as entities, or
    none. Each word of a caps line takes the form most often seen for it elsewhere in `text` (at a
    sentence start only when it is never seen elsewhere); unseen dictionary words are lower-cased and
    other words capitalised. Lines are separated by newlines. The result has exactly the length of
    `text`, so offsets carry over.

    Args:
        text: The text to tag.
        lexicon: Lower-case dictionary words (see `ner.lexicon`).
    """
    lines = text.split("\n")
    caps = [is_caps_line(line) for line in lines]
    if not any(caps):
        return text
    forms, initial = _evidence([line for line, flag in zip(lines, caps, strict=True) if not flag])
    out = []
    for line, flag in zip(lines, caps, strict=True):
        if not flag:
            out.append(line)
            continue
        pieces, pos, first = [], 0, True
        for match in _WORD.finditer(line):
            word = match.group()
            pieces.append(line[pos:match.start()])
            clitic = match.start() > 0 and line[match.start() - 1] in "'\u2019" and word.lower() in _CLITICS
            pieces.append(word.lower() if clitic else _recase_word(word, first, forms, initial, lexicon))
            pos, first = match.end(), False
        pieces.append(line[pos:])
        out.append("".join(pieces))
    result = "\n".join(out)
    return result if len(result) == len(text) else text
