"""Names the model never tags, proposed by the corpus pass: word runs capitalised mid-sentence in several articles."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from reader.entities.casing import is_caps_line
from reader.entities.contexts import contexts
from reader.entities.evidence import complete
from reader.entities.missed import ORG_WORDS
from reader.entities.names import COMPANY_FORMS, TITLES, company_form_only, is_title
from reader.entities.refine import table_label
from reader.models import Mention

_WORD = re.compile(r"[^\W\d_][\w]*(?:[.'&-]\w+)*\.?|&")
CONNECTORS = frozenset("of do da de del dos das du la le von van and & y".split())
"""Lower-case words inside a name ("Banco do Brasil", "S and P"), never at either end of one."""
CALENDAR = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun""".split())
"""Capitalised mid-sentence and never written in lower case, yet no names: "in March" is no place."""
MIN_ARTICLES = 3
"""Articles that must write a run capitalised mid-sentence for it to be proposed."""
COMMON_SHARE = 0.1
"""A word written in lower case more than this share as often as capitalised is a common word ("Board",
"Exchange"); a proposed name needs one word that is not."""
OPENER_SHARE = 3
"""A run's first word is dropped at a sentence start when the corpus writes it in lower case this many times as
often as capitalised: "The", "Shares" ("Shares of Quorvex"), not "General" ("General Motors of Canada")."""
MIN_EVIDENCE = 2
"""Occurrences that must show a type (and twice as many as show any other) for a proposal to be typed."""
_SENTENCE_END = frozenset('.!?:;"\'\u201c\u2018-\u2014')
_AFTER = re.compile(r"(?:['\u2019]s)?\s+(\w+)")
_PERSON_AFTER = frozenset("said says told added".split())


def _coded(word: str) -> bool:
    """A word of capitals or digits: a ticker ("XON", "VOWG.F"), a rating ("A-2"), an acronym. The model and
    reader.entities.missed deal with these; a capitalised run is made of words written as names are (and not
    of "French-speaking", "Paris-based": the run breaks at those too)."""
    bare = word.replace(".", "").replace("-", "").replace("'", "")
    return any(c.isdigit() for c in word) or (len(bare) > 1 and bare.isupper() and bare.lower() not in COMPANY_FORMS)


def _stops(word: str) -> bool:
    return word.endswith(".") and len(word) > 2 and "." not in word[:-1]


def _runs(line: str):
    """(start, end, words, initial) of each run of capitalised words one space apart, lower-case connectors
    allowed between them; `initial` when the run opens a sentence (its first word says nothing then)."""
    words: list[re.Match] = []

    def close():
        while words and not words[-1].group()[0].isupper():
            words.pop()  # a connector at the end is no part of the name
        if words:
            before = line[:words[0].start()].rstrip()
            yield words[0].start(), words[-1].end(), [w.group() for w in words], \
                not before or before[-1] in _SENTENCE_END
        words.clear()

    for match in _WORD.finditer(line):
        word = match.group()
        if _coded(word) or "-" in word and not all(part[:1].isupper() for part in word.split("-")) or \
                line[match.start() - 1:match.start()] == "/" or line[match.end():match.end() + 1] == "/":
            yield from close()
            continue
        # A full stop ends the run ("... said Dolph. Shares of"), an initial's or an abbreviation's does not.
        joined = bool(words) and line[words[-1].end():match.start()] == " " and not _stops(words[-1].group())
        if word[0].isupper() and (joined or not words):
            words.append(match)
        elif joined and word in CONNECTORS and words[-1].group()[0].isupper():
            words.append(match)
        else:
            yield from close()
            if word[0].isupper():
                words.append(match)
    yield from close()


def _name(words: list[str], end: int) -> tuple[list[str], int]:
    """The run's words without a possessive or a sentence's full stop on the last, and the end that leaves."""
    last = words[-1]
    for tail in ("'s", "\u2019s", "'"):
        if last.endswith(tail) and len(last) > len(tail):
            return [*words[:-1], last[:-len(tail)]], end - len(tail)
    if last.endswith(".") and "." not in last[:-1] and (len(last) > 2 or len(words) > 1):
        # A sentence's full stop; an initial ("P.") never ends a name of several words ("S and P.").
        return [*words[:-1], last[:-1]], end - 1
    return words, end


def _spans(text: str, lowered: Counter, capital: Counter):
    """(start, end, form, mid-sentence) of each capitalised run outside ALL-CAPS and Title Case lines; a run that
    opens a sentence with a common word is also offered without it and the connectors after it, mid-sentence
    ("The Amex said" gives "Amex", "Shares of Quorvex" "Quorvex"; "Banco do Brasil" gives no "Brasil")."""
    offset = 0
    for line in text.split("\n"):
        if line.strip() and not is_caps_line(line):
            for start, end, words, initial in _runs(line):
                skip = 1
                while skip < len(words) and words[skip] in CONNECTORS:
                    skip += 1
                first = words[0].lower()
                if initial and skip < len(words) and lowered[first] >= OPENER_SHARE * max(1, capital[first]):
                    at = start
                    for w in words[:skip + 1]:
                        at = line.index(w, at) + len(w)
                    rest, rest_end = _name(words[skip:], end)
                    yield offset + at - len(words[skip]), offset + rest_end, " ".join(rest).lower(), True
                named, named_end = _name(words, end)
                yield offset + start, offset + named_end, " ".join(named).lower(), not initial
        offset += len(line) + 1


def _common(form: str, lowered: Counter, capital: Counter) -> bool:
    """Every word a common one, a single letter, a title, a month or a day; connectors aside. Letters alone, two
    or more of them, are initials ("S and P"), not common."""
    content = [w for w in form.replace(".", " ").split() if w not in CONNECTORS]
    if len(content) >= 2 and all(len(w) == 1 for w in content):
        return False
    return all(len(w) < 2 or w in TITLES or w in CALENDAR or lowered[w] > COMMON_SHARE * capital[w] for w in content)


def _type(form: str, seen: Counter, heads: set[str]) -> str | None:
    """The type the corpus shows for a proposal: a company form or the head of a company's name, the
    company's words around it ("the company X", "X said its", "X officials", "(X)" after an organisation), a
    place's ("in X", "at X"), a person's ("Mr X", "X said he"); None when nothing shows one clearly."""
    if complete(form) or form.replace(".", "") in heads:
        return "organization"
    votes = Counter({"organization": seen["company"], "place": seen["place"], "person": seen["person"]})
    ranked = votes.most_common(2)
    if ranked[0][1] >= MIN_EVIDENCE and ranked[0][1] >= 2 * ranked[1][1]:
        return ranked[0][0]
    return None


def proposals(texts: Mapping[str, str], mentions: Mapping[str, Sequence[Mention]], tagged: set[str],
              lowered: Counter, capital: Counter) -> dict[str, list[Mention]]:
    """Mentions, by document, of the names the corpus writes capitalised mid-sentence in MIN_ARTICLES articles or
    more that the model never tagged whole, are not made of common words, and whose contexts show a type.

    A run is passed over where the model tagged any of it, unless the model split a name at its connector: the
    words after it are seldom written apart from the run ("Banco" and "Brasil" of "Banco do Brasil", where
    Reuters writes Brazil); such a proposal replaces the pieces.

    Args:
        texts: Document key -> text; mentions: the model's (refined) mentions, whose spans are taken.
        tagged: Every form (lower case, single spaces) the model tagged somewhere, of any type.
        lowered, capital: How often the corpus writes each word in lower case and capitalised.
    """
    by_doc = {doc: sorted(ms, key=lambda m: m.start) for doc, ms in mentions.items()}
    found: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    articles: dict[str, set[str]] = defaultdict(set)
    split: set[str] = set()
    alone: Counter = Counter()
    after: Counter = Counter()
    """How often each run is written by itself, and after a connector (the "Brasil" of "Banco do Brasil")."""
    heads: set[str] = set()
    for doc, text in texts.items():
        for start, end, form, mid in _spans(text, lowered, capital):
            if form in tagged or table_label(text, start, end):
                continue
            words = form.replace(".", "").split()
            alone[form] += 1
            for i, w in enumerate(words[1:-1], 1):
                if w in CONNECTORS and w not in ("and", "&"):
                    after[" ".join(words[i + 1:])] += 1
            if complete(form):  # "<Banco do Brasil SA>" once: "Banco do Brasil" heads a company's name
                heads.update(" ".join(words[:n]) for n in range(1, len(words)))
            inside = [m for m in by_doc.get(doc, ()) if m.start < end and start < m.end]
            if inside:
                # Only pieces of the run: a person "of" an organisation ("Maria Ramirez of Drexel", "Bank of
                # Japan Governor Satoshi Sumita") is two names, not one split.
                if not _split_at_connector(words) or any(is_title(w) for w in words) or \
                        any(m.start < start or m.end > end for m in inside) or \
                        any(m.type == "person" and m.start <= start for m in inside):
                    continue
                split.add(form)
            found[doc].append((start, end, form))
            if mid:
                articles[form].add(doc)
    for f in tagged:
        if complete(f):
            words = f.replace(".", "").split()
            heads.update(" ".join(words[:n]) for n in range(1, len(words)))
    wanted = {f for f, docs in articles.items() if len(docs) >= MIN_ARTICLES and _name_like(f, lowered, capital)
              and (f not in split or _seldom_alone(f, alone, after))}
    occurrences = {doc: [Mention(s, e, texts[doc][s:e], "") for s, e, f in spans if f in wanted]
                   for doc, spans in found.items()}
    seen = contexts(texts, occurrences)
    _more_contexts(texts, occurrences, mentions, seen)
    types = {f: t for f in wanted if (t := _type(f, seen[f], heads))}
    out: dict[str, list[Mention]] = {}
    for doc, ms in occurrences.items():
        typed = [Mention(m.start, m.end, m.text, types[key]) for m in ms if (key := " ".join(m.text.split()).lower())
                 in types]
        if typed:
            out[doc] = typed
    return out


SPLIT_APART = 3
"""A name the model split at its connector is one whose words after the connector are written after one (in
this name or another: "Jornal do Brasil") at least this many times as often as by themselves."""


def _seldom_alone(form: str, alone: Counter, after: Counter) -> bool:
    words = form.replace(".", "").split()
    last = max(i for i, w in enumerate(words[1:-1], 1) if w in CONNECTORS and w not in ("and", "&"))
    tail = " ".join(words[last + 1:])
    return after[tail] >= SPLIT_APART * max(1, alone[tail])


def _split_at_connector(words: list[str]) -> bool:
    return any(w in CONNECTORS and w not in ("and", "&") for w in words[1:-1])


def _name_like(form: str, lowered: Counter, capital: Counter) -> bool:
    """Not common words, not a title's phrase, not a company form alone, no month or day at either end
    ("February's Louvre")."""
    words = form.split()
    return not (_common(form, lowered, capital) or is_title(words[0]) or company_form_only(words[0])
                or _bare(words[0]) in CALENDAR or _bare(words[-1]) in CALENDAR)


def _bare(word: str) -> str:
    return word.split("'")[0].split("\u2019")[0].rstrip(".")


def _more_contexts(texts: Mapping[str, str], occurrences: Mapping[str, Sequence[Mention]],
                   mentions: Mapping[str, Sequence[Mention]], seen: dict[str, Counter]) -> None:
    """The evidence `contexts` leaves out because a name the model found never needs it: an organisation's word
    after it ("Amex president", "X officials"), a title before it ("Mr X"), brackets after an organisation."""
    for doc, ms in occurrences.items():
        text = texts[doc]
        org_ends = {m.end for m in mentions.get(doc, ()) if m.type == "organization"}
        for m in ms:
            c = seen[" ".join(m.text.split()).lower()]
            after = _AFTER.match(text, m.end)
            word = after.group(1).lower() if after else ""
            if word in ORG_WORDS and word not in _PERSON_AFTER and word != "says":
                c["company"] += 1
            before = text[max(0, m.start - 14):m.start].split()
            if before and is_title(before[-1]) and before[-1][:1].isupper():
                c["person"] += 1
            if text[m.start - 1:m.start] == "(" and any(m.start - 1 - g in org_ends for g in (0, 1)):
                c["company"] += 1
