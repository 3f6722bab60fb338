"""Search snippets: the passage of an article that holds the most matched terms, with marks."""

from __future__ import annotations

import re
from collections.abc import Callable

WORD = re.compile(r"\w+(?:\.?\w+)*")
"""The token pattern of Whoosh's analyzers, so snippet words are the words that were indexed."""
TOKEN = re.compile(r"\w+(?:\.?\w+)*(?:[-&]\w+(?:\.?\w+)*)*")
"""A word, or a compound of words joined by `-` or `&` (`G-7`, `AT&T`), as reader.index.schema indexes them."""
_OPEN, _CLOSE = "\ue000", "\ue001"


def match_spans(text: str, terms: set[str], stem: Callable[[str], str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of `text` whose indexed form is one of `terms`: a compound
    (`F-16`) whole when it was matched as written, else the words inside it that were."""
    if not terms:
        return []
    spans = []
    for m in TOKEN.finditer(text):
        if (stemmed := stem(m.group().lower())) in terms:
            spans.append((m.start(), m.end(), stemmed))
        elif "-" in m.group() or "&" in m.group():
            spans.extend((m.start() + w.start(), m.start() + w.end(), stemmed) for w in WORD.finditer(m.group())
                         if (stemmed := stem(w.group().lower())) in terms)
    return spans


def make_snippet(text: str, terms: set[str], stem: Callable[[str], str], size: int = 220
                 ) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The window of `text` holding the most distinct matched terms, with their (start, end) marks.

    Args:
        text: the article body.
        terms: the indexed forms the query matched.
        stem: the index's stemmer, applied to each lower-cased word of `text`.

    Whoosh's highlighter runs the full analyzer over every hit's whole text; this tokenises with
    the same pattern and a cached stemmer, about ten times faster on long articles.
    """
    spans = match_spans(text, terms, stem)
    if not spans:
        return _collapse(text[: size * 2], size)
    best, best_score, j = 0, (-1, -1), 0
    for i in range(len(spans)):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= size:
            j += 1
        score = (len({t for _, _, t in spans[i : j + 1]}), j - i)
        if score > best_score:
            best, best_score = i, score
    first = spans[best][0]
    start = max(0, first - size // 4)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + size)
    if end < len(text) and " " in text[start:end]:
        end = text.rfind(" ", start, end)
    out, pos = [], start
    for s_, e_, _ in spans:
        if s_ >= start and e_ <= end:
            out += [text[pos:s_], _OPEN, text[s_:e_], _CLOSE]
            pos = e_
    out.append(text[pos:end])
    snippet, marks = _unmark("".join(out))
    if start > 0:
        snippet, marks = "…" + snippet, tuple((a + 1, b + 1) for a, b in marks)
    return (snippet + "…" if end < len(text) else snippet), marks


def _collapse(text: str, size: int) -> tuple[str, tuple]:
    text = " ".join(text.split())
    return (text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + "…"), ()


def _unmark(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Drop the sentinels, turning them into marks, and collapse whitespace (paragraph breaks too)."""
    plain: list[str] = []
    marks, begin = [], 0
    for ch in marked.strip():
        if ch == _OPEN:
            begin = len(plain)
        elif ch == _CLOSE:
            marks.append((begin, len(plain)))
        elif ch.isspace():
            if plain and plain[-1] != " ":
                plain.append(" ")
        else:
            plain.append(ch)
    return "".join(plain), tuple(marks)
