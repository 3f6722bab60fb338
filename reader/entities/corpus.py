"""Corpus-level refinement: one type per name across articles, and names found in one article tagged in all."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from sys import intern

from reader.entities.capitalised import proposals
from reader.entities.contexts import contexts
from reader.entities.evidence import complete
from reader.entities.forms import WORD as _WORD
from reader.entities.forms import form as _form
from reader.entities.headlines import cut_to_known
from reader.entities.missed import alphanumeric_organisations
from reader.entities.ner import OTHER
from reader.entities.refine import boundary_ok, overlaps, table_label
from reader.models import Mention

MAX_WORDS = 6
"""Longest name (in words) looked for when propagating."""
MIN_TAGGED = 2
"""A form is propagated only when the model tagged it at least this often in the corpus."""
MIN_SHARE = 0.5
"""... and in at least this share of its capitalised, free-standing occurrences (a name the model tags
only now and then, "Wall" or "Bill", is too uncertain to spread)."""
MAJORITY = 0.6
"""A type held by this share of a form's corpus mentions becomes its type everywhere."""


def _runs(text: str):
    """Capitalised word runs: (start offsets, end offsets, lower-case words) of words one space apart."""
    starts: list[int] = []
    ends: list[int] = []
    words: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if not word[0].isupper():
            if starts:
                yield starts, ends, words
                starts, ends, words = [], [], []
            continue
        if starts and text[ends[-1]:match.start()] != " ":
            yield starts, ends, words
            starts, ends, words = [], [], []
        starts.append(match.start())
        ends.append(match.end())
        words.append(word.lower())
    if starts:
        yield starts, ends, words


def _occurrences(text: str, forms: set[str], firsts: set[str], longest: int):
    """(start, end, form) of every free-standing occurrence of a known form, longest names first.

    Args:
        firsts: The first word of each form; longest: the most words a form has (at most MAX_WORDS).
    """
    for starts, ends, words in _runs(text):
        i = 0
        while i < len(words):
            # Most capitalised words start no known name ("The" opening a sentence): one set lookup, not
            # a phrase per length.
            first = words[i]
            if first not in firsts and not (first[-1:] == "." and first[:-1] in firsts):
                i += 1
                continue
            for n in range(min(longest, len(words) - i), 0, -1):
                phrase = " ".join(words[i:i + n])
                end = ends[i + n - 1]
                if phrase not in forms and phrase.endswith("."):
                    phrase, end = phrase[:-1], end - 1  # a sentence's full stop, not an abbreviation's
                if phrase in forms and boundary_ok(text, starts[i], end) and not table_label(text, starts[i], end):
                    yield starts[i], end, phrase
                    i += n - 1
                    break
            i += 1


COMMON_RATIO = 20
"""A word the corpus writes in lower case this many times as often as capitalised is a common word..."""
COMMON_MIN = 50
"""... when seen in lower case at least this often."""


def _common_words(name: str, lowered: Counter, capital: Counter) -> bool:
    """A "person" made of nothing but the corpus's common words: Reuters' "U.S. DLRS", "N.Z. Dlrs".

    Abbreviations with a dot ("U.S.") and single letters are passed over; a name with no other word
    is kept. Only whole-corpus evidence counts, so a surname that is also a common word in one
    article ("Bush", "Young") stays a name.
    """
    words = [w.lower() for w in _WORD.findall(name) if "." not in w and len(w) > 1]
    return bool(words) and all(lowered[w] >= max(COMMON_MIN, COMMON_RATIO * capital[w]) for w in words)


_MONTHS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
"""Month abbreviations: alone, a "person" tagged in "May 15/Jun 15 shipment" or a futures table."""


def _not_a_person(name: str, lowered: Counter, capital: Counter) -> bool:
    """A "person" that is a month abbreviation alone, or made of the corpus's common words."""
    return name.strip(" .").lower() in _MONTHS or _common_words(name, lowered, capital)


def _vote(mentions: Mapping[str, Sequence[Mention]]) -> tuple[dict[str, Counter], set[str]]:
    """Type votes per form, plus unambiguous surnames voting for person."""
    votes: dict[str, Counter] = defaultdict(Counter)
    owners: dict[str, set[str]] = defaultdict(set)
    for ms in mentions.values():
        for m in ms:
            votes[_form(m.text)][m.type] += 1
            words = _form(m.text).split()
            if m.type == "person" and len(words) > 1 and len(words[-1]) > 2:
                owners[words[-1]].add(_form(m.text))
    # "Hollioake" alone in a scorecard is the "Adam Hollioake" of another report, unless two people share it.
    surnames = {s for s, full in owners.items() if len(full) == 1}
    return votes, surnames


def _word_counts(texts: Iterable[str]) -> tuple[Counter, Counter]:
    """How often each word is written in lower case, and capitalised (not ALL CAPS: headlines and tables
    say nothing), in the corpus. Every occurrence is counted by Counter in C; each distinct word is then
    classed once."""
    seen: Counter = Counter()
    for text in texts:
        seen.update(_WORD.findall(text))
    lowered: Counter = Counter()
    capital: Counter = Counter()
    for w, n in seen.items():
        if w.endswith(".") and "." not in w[:-1]:
            w = w[:-1]  # a full stop, not an abbreviation's ("dlrs." is "dlrs")
        if w.islower():
            lowered[w] += n
        elif w[:1].isupper() and not w.isupper():
            capital[w.lower()] += n
    return lowered, capital


PLACE_SHARE = 0.1
"""A "person" at least this often after one of PLACE_WORDS is a place (people are not "in" anywhere)."""
SURNAME_SHARE = 5
"""A lone name is a person's surname, whatever stands before it, when full names ending with it are mentioned at
least 1/SURNAME_SHARE as often as it is."""
THE_SHARE = 0.75
"""A "person" written "the X" this often is a thing named after someone or something ("the Louvre accord")."""


def _evidence_types(texts: Mapping[str, str], mentions: Mapping[str, Sequence[Mention]],
                    votes: Mapping[str, Counter]) -> dict[str, str]:
    """Types the corpus shows whatever the model said most, by form, so that one-off and repeated model errors
    are outvoted: a name ending in a company form ("Diamond Shamrock Corp"), a "person" that heads one ("J.P.
    Morgan" of "J.P. Morgan and Co Inc", "Mark IV" of "Mark IV Industries Inc") or that the text treats as a
    company ("ChemLawn said its …", "the oil company Petrobras") is an organisation; a "person" written
    "in Sri Lanka", "at Buenos Aires" is a place; one written "the Louvre" (the accord) is no person at all."""
    out: dict[str, str] = {}
    heads: set[str] = set()
    for form in votes:
        if complete(form):
            out[form] = "organization"
            words = form.replace(".", "").split()
            heads.update(" ".join(words[:n]) for n in range(2, len(words)))
    seen = contexts(texts, mentions)
    # How often each surname's full names are mentioned: "Wasserman" beside many "Casey Wasserman"s is his,
    # wherever it stands; "Rotterdam" beside a lone "Stad Rotterdam" tagged a person is not a surname.
    full_names: Counter = Counter()
    for form, v in votes.items():
        if " " in form and v.most_common(1)[0][0] == "person":
            full_names[form.split()[-1]] += v.total()
    for form, v in votes.items():
        if form in out or v.most_common(1)[0][0] != "person":
            continue
        c, total = seen[form], v.total()
        if (" " in form and form.replace(".", "") in heads) or (c["company"] >= 2 and c["company"] > c["person"]):
            out[form] = "organization"
        elif c["place"] >= max(MIN_TAGGED, PLACE_SHARE * total) and full_names[form] * SURNAME_SHARE < total:
            out[form] = "place"
        elif c["the"] >= max(MIN_TAGGED, THE_SHARE * total):
            out[form] = OTHER
    return out


def propagate(texts: Mapping[str, str], mentions: Mapping[str, Sequence[Mention]]
              ) -> dict[str, list[Mention]]:
    """Make a corpus's mentions agree: majority type per form, known names tagged where the model missed them.

    Args:
        texts: Document key -> the text its mentions' offsets point into.
        mentions: Document key -> mentions (already refined per document); keys missing from `texts`
            are passed through unchanged.

    Returns:
        Document key -> mentions sorted by offset, without overlaps.
    """
    votes, surnames = _vote(mentions)
    lowered, capital = _word_counts(texts.values())
    # A single word also written in lower case in the corpus ("Men", "Division") is not propagated.
    candidates = {f for f, v in votes.items() if sum(v.values()) >= MIN_TAGGED and
                  (" " in f or lowered[f] == 0)}
    candidates |= {s for s in surnames if lowered[s] == 0}
    seen: Counter = Counter()
    found: dict[str, list[tuple[int, int, str]]] = {}
    firsts = {f.split(" ", 1)[0] for f in candidates}
    longest = min(MAX_WORDS, max((f.count(" ") + 1 for f in candidates), default=0))
    for doc, text in texts.items():
        found[doc] = list(_occurrences(text, candidates, firsts, longest))
        seen.update(f for _, _, f in found[doc])
    types: dict[str, str] = {}
    for form in candidates | set(votes):
        v = votes.get(form) or Counter()
        if form in surnames:
            v = v + Counter(person=max(1, sum(v.values())))
        if "." in form and votes.get(form.replace(".", "")):
            # "E.C." and "EC", "G.M." and "GM" are one abbreviation: a stray "E.C." place is outvoted by "EC".
            v = v + votes[form.replace(".", "")]
        if not v:
            continue
        best, n = v.most_common(1)[0]
        if n >= MAJORITY * sum(v.values()):
            types[form] = best
    evidence = _evidence_types(texts, mentions, votes)
    types.update(evidence)
    spread = {f for f in candidates if f in types and
              not (types[f] == "person" and _not_a_person(f, lowered, capital)) and
              (votes.get(f, Counter()).total() or 0) + (f in surnames) * seen[f] >= MIN_SHARE * seen[f]}
    tagged_texts = {doc: text for doc, text in texts.items() if doc in mentions}
    coined = alphanumeric_organisations(tagged_texts)
    proposed = proposals(tagged_texts, mentions, set(votes), lowered, capital)
    # How many names (forms) each word is part of: a word in two or more is a word names are made of.
    in_names = Counter(w for f in votes for w in set(_WORD.findall(f)))
    out: dict[str, list[Mention]] = {}
    for doc, ms in mentions.items():
        local_surnames = {_form(m.text).split()[-1] for m in ms if m.type == "person" and " " in m.text}
        kept = []
        text = texts.get(doc)
        for m in ms:
            if m.type == "person" and _not_a_person(m.text, lowered, capital):
                continue
            if text is not None:
                m = cut_to_known(text, m, votes, lowered, capital, in_names, MIN_TAGGED)
            type_ = types.get(_form(m.text), m.type)
            if _form(m.text) in local_surnames and _form(m.text) not in evidence:
                type_ = "person"  # the article itself says whose surname it is
            kept.append(m if type_ == m.type else Mention(m.start, m.end, m.text, type_))
        taken = [(m.start, m.end) for m in kept]
        text = texts.get(doc)
        # Names interned, as the cache's are (reader.entities.cache.decode): the merge holds every mention.
        for start, end, form in found.get(doc, ()) if text is not None else ():
            if form in spread and not overlaps(taken, start, end):
                taken.append((start, end))
                kept.append(Mention(start, end, intern(text[start:end]), types[form]))
        for start, end in coined.get(doc, ()):
            if not overlaps(taken, start, end):
                taken.append((start, end))
                kept.append(Mention(start, end, intern(text[start:end]), "organization"))
        for m in proposed.get(doc, ()):
            # A proposal may stand for the pieces the model split it into ("Banco" + "Brasil"): they go.
            inside = [k for k in kept if m.start <= k.start and k.end <= m.end]
            rest = [(k.start, k.end) for k in kept if not (m.start <= k.start and k.end <= m.end)]
            if not overlaps(rest, m.start, m.end):
                kept = [k for k in kept if k not in inside]
                taken = [*rest, (m.start, m.end)]
                kept.append(m)
        # Group mentions have voted; they are not entities the reader is shown.
        out[doc] = sorted((m for m in kept if m.type != OTHER), key=lambda m: (m.start, m.end))
    return out
