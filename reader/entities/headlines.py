"""One-off name spans cut to the name inside them, in headlines and after a sentence's opening -ing word."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from reader.entities.casing import is_caps_line
from reader.entities.forms import WORD, form
from reader.models import Mention

_LOWER_IN_TITLES = frozenset("a an and as at by for from in into of on or the to with vs".split())


def is_headline(line: str) -> bool:
    """A headline: ALL CAPS or Title Case (`casing.is_caps_line`), or three words or more all capitalised but
    the short function words ("AMD Buys Microserver Startup SeaMicro"), with no full stop at the end."""
    words = WORD.findall(line)
    return is_caps_line(line) or (len(words) >= 3 and not line.rstrip().endswith(".")
                                  and all(w[0].isupper() or w in _LOWER_IN_TITLES for w in words))


def cut_to_known(text: str, m: Mention, votes: Mapping[str, Counter], lowered: Counter, capital: Counter,
                 in_names: Counter, min_tagged: int) -> Mention:
    """A one-off span that is a name tagged elsewhere plus words that are no part of any other name and that the
    corpus writes in lower case more often than capitalised, cut to that name: in a headline, where every word is
    capitalised ("Microserver Startup SeaMicro", "Wladimir Klitschko Retains"), or after the -ing word that opens
    a sentence ("Joining Cooley at the news conference was ..."). Elsewhere the words are more likely the
    name's own ("Buffalo Bills", "Texas Instruments"). The longest such name wins."""
    words = list(WORD.finditer(m.text))
    if len(words) < 2 or votes.get(form(m.text), Counter()).total() > 1:
        return m  # one word has nothing to cut (most spans: the line is not read for them)
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    headline = is_headline(text[line_start:line_end if line_end >= 0 else len(text)])
    before = text[line_start:m.start].rstrip()
    opening = not before or before[-1] in ".!?\"\u201d"
    if not headline and not (opening and words[0].group().endswith("ing")):
        return m

    def common(ws) -> bool:
        return all(in_names[w] <= 1 and lowered[w] >= max(2, 2 * capital[w]) for w in (x.group().lower() for x in ws))

    for n in range(len(words) - 1, 0, -1):
        # Off a headline only the -ing word goes.
        for lead in range(len(words) - n + 1) if headline else (1,) if n == len(words) - 1 else ():
            kept = words[lead:lead + n]
            start, end = kept[0].start(), kept[-1].end()
            if (votes.get(form(m.text[start:end]), Counter()).total() >= min_tagged and m.text[start].isupper()
                    and common(words[:lead]) and common(words[lead + n:])):
                return Mention(m.start + start, m.start + end, m.text[start:end], m.type)
    return m
