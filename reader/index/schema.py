"""What Whoosh is given for an article: the schema, its analyzer and postings format, the document's fields."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from whoosh.analysis import STOP_WORDS, StandardAnalyzer, StemmingAnalyzer, Token, Tokenizer
from whoosh.compat import dumps
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.formats import Positions
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

from reader.models import Article
from reader.snippets import TOKEN, WORD


@lru_cache(maxsize=200_000)
def cached_stem(word: str) -> str:
    """Porter stemming behind the C LRU cache.

    Whoosh's own stem cache is a pure-Python LFU that costs more per token than the stemming
    it saves on a warm cache; this one roughly halves the analysis time of a bulk build.
    Module-level, so the schema that Whoosh pickles into the index can name it.
    """
    return stem(word)


def _joined(group: str, lowered: str) -> str | None:
    """A hyphenated compound with a one-letter part, joined (`G-7` is also `g7`, `e-mail` also `email`,
    as people write them either way); else None."""
    if "&" in group or not any(len(part) == 1 and part.isalpha() for part in WORD.findall(lowered)):
        return None
    return lowered.replace("-", "")


class NewsAnalyzer(Tokenizer):
    """Whoosh's StemmingAnalyzer (tokenise, lowercase, drop stop words, stem) fused into one pass, plus
    compounds: a run of words joined by `-` or `&` (`G-7`, `S&P`, `AT&T`, `F-16`, `state-owned`).

    The same tokens as Whoosh's four-stage chain on text without compounds, but one generator instead
    of four per token: the analysis of a bulk build takes about a sixth less CPU. Positions skip removed
    stop words, as Whoosh's StopFilter(renumber=True) does, so phrases match across them.

    A compound is indexed as itself, as each of its words and (one-letter part) joined, all at one
    position; a query names it as written, so `F-16` finds the fighter, not every "16", and `owned`
    still finds `state-owned`. Whoosh's own chain drops `G-7` and `S&P` whole (every part is under two
    letters) and reads `AT&T` as the stop word "at". The table of what matches is in tests/test_index.py.
    """

    def __init__(self, stoplist: frozenset[str] = STOP_WORDS, minsize: int = 2) -> None:
        self.stoplist = stoplist
        self.minsize = minsize

    def _word(self, word: str, start: int = 0) -> tuple[str, bool, int, int]:
        """(term, stopped, start, end) of one word."""
        lowered = word.lower()
        stopped = len(lowered) < self.minsize or lowered in self.stoplist
        return lowered if stopped else cached_stem(lowered), stopped, start, start + len(word)

    def _terms(self, group: str, query: bool) -> list[tuple[str, bool, int, int]]:
        """The terms of one word or compound (offsets within it), the compound itself first; a query's
        compound is only itself."""
        # Each group lowered, not the text first: lowering may change what \w matches.
        if "-" not in group and "&" not in group:
            return [self._word(group)]
        lowered = group.lower()
        out = [(cached_stem(lowered), False, 0, len(group))]
        if query:
            return out
        seen = {out[0][0]}
        for match in WORD.finditer(group):
            term, stopped, start, end = self._word(match.group(), match.start())
            if term not in seen:
                seen.add(term)
                out.append((term, stopped, start, end))
        if (joined := _joined(group, lowered)) and (term := cached_stem(joined)) not in seen:
            out.append((term, False, 0, len(group)))
        return out

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        query = mode == "query"
        matches = TOKEN.finditer(value) if tokenize else [re.match(r".*", value, re.S)]
        # Whoosh's numbering, quirks included: the first kept token keeps its raw position, the
        # next kept ones follow it without gaps, kept stop words keep their raw positions.
        raw, pos = start_pos - 1, None
        for match in matches:
            raw += 1
            group = match.group()
            terms = self._terms(group, query) if tokenize else [self._word(group)]
            if any(not stopped for _, stopped, _, _ in terms):
                pos = raw if pos is None else pos + 1
            for text, stopped, start, end in terms:
                if stopped and removestops:
                    continue
                t.text, t.stopped, t.boost = text, stopped, 1.0
                if keeporiginal:
                    t.original = group[start:end]
                if positions:
                    t.pos = raw if stopped else pos
                if chars:
                    t.startchar = start_char + match.start() + start
                    t.endchar = start_char + match.start() + end
                yield t

    def positions(self, value: str, start_pos: int = 0) -> dict[str, list[int]]:
        """Each kept term's positions, as `__call__(value, positions=True)` numbers them, without a Token
        per word (NewsPositions, below: the postings of a document in one pass)."""
        kept = self._kept_terms(TOKEN.findall(value))
        found: defaultdict[str, list[int]] = defaultdict(list)
        if not kept:
            return found
        # The first kept word keeps its raw position, the later ones follow it without gaps.
        for at, terms in enumerate(kept[1], start_pos + kept[0]):
            if terms.__class__ is str:
                found[terms].append(at)
            else:
                for term in terms:
                    found[term].append(at)
        return found

    def _kept_terms(self, groups: list[str]) -> tuple[int, list] | None:
        """(index of the first kept word, the terms of each kept word: a str, or a tuple for a compound's), or None
        when no word is kept. What a word gives is kept per written form (a few hundred thousand in an archive),
        so the common word costs one dict lookup, not a lowering, a stop-word test and a stem lookup."""
        known = _KNOWN.get((self.stoplist, self.minsize))
        if known is None or len(known) > KNOWN_FORMS:
            known = _KNOWN[(self.stoplist, self.minsize)] = {}
        terms = list(map(known.get, groups))
        if None in terms:
            for at, group in enumerate(groups):
                if terms[at] is None:
                    terms[at] = known[group] = self._form_terms(group)
        first = next((at for at, term in enumerate(terms) if term), None)
        return None if first is None else (first, [term for term in terms if term])

    def _form_terms(self, group: str) -> str | tuple[str, ...]:
        """The kept terms of one written form: its stem, a compound's terms as a tuple, "" or () when stopped."""
        if "-" in group or "&" in group:
            return tuple(term for term, stopped, _, _ in self._terms(group, False) if not stopped)
        term, stopped, _, _ = self._word(group)
        return "" if stopped else term


KNOWN_FORMS = 300_000
"""Written forms whose terms an analyzer process keeps (then it starts again): about 40 MB."""

_KNOWN: dict[tuple[frozenset, int], dict[str, str | tuple[str, ...]]] = {}


_COUNT_ONE = pack_uint(1)


@lru_cache(maxsize=1 << 16)
def _one_gap(at: int) -> bytes:
    return dumps([at], 2)


def encode_places(places: list[int]) -> bytes:
    """Whoosh's Positions.encode, byte for byte: the count, then the pickled gaps. A term seen once in a document
    (most are) has its pickle kept; the value is still a new object, as Whoosh's are: a block pickles its values
    together, and pickle would write a value shared by two postings once and refer to it the second time."""
    if len(places) == 1:
        return _COUNT_ONE + _one_gap(places[0])
    gaps = [places[0]]
    gaps += [b - a for a, b in zip(places, places[1:])]
    return pack_uint(len(gaps)) + dumps(gaps, 2)


class NewsPositions(Positions):
    """Whoosh's Positions format, the same postings written, but read straight from NewsAnalyzer.positions:
    the analysis and postings of a bulk build's documents take about half the CPU (no Token and no
    generator per word; every boost is 1)."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, NewsAnalyzer) or set(kwargs) - {"mode", "start_pos"}:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term, places in analyzer.positions(value, kwargs.get("start_pos", 0)).items():
            yield term, len(places), len(places) * boost, encode_places(places)

    def index_items(self, value: str, analyzer) -> list[tuple[bytes, int, float, bytes]] | None:
        """What FieldType.index yields for a text (term bytes, frequency, weight, value), as one list; None when
        the analyzer is not ours (reader.index.whoosh_fixes indexes documents with it when it can)."""
        if not isinstance(analyzer, NewsAnalyzer):
            return None
        boost = self.field_boost
        return [(term.encode("utf-8"), len(places), len(places) * boost, encode_places(places))
                for term, places in analyzer.positions(value).items()]


def make_schema(fused: bool = True) -> Schema:
    """Title and body stemmed (English Porter; harmless on other scripts), names unstemmed.

    Args:
        fused: False gives Whoosh's own StemmingAnalyzer (the benchmark's naive baseline).
    """
    stem = NewsAnalyzer() if fused else StemmingAnalyzer()
    names = StandardAnalyzer(stoplist=None)

    def stemmed(**options) -> TEXT:
        field = TEXT(analyzer=stem, **options)
        if fused:
            field.format = NewsPositions(field_boost=field.format.field_boost)
        return field

    return Schema(
        # A column too: the ids of 10,000 hits (counts over a search) read at 0.7 µs each instead of 12 µs
        # through the stored fields, which decompress and unpickle a whole document block per hit.
        id=ID(stored=True, unique=True, sortable=True),
        title=stemmed(stored=True, field_boost=2.0),
        body=stemmed(),
        # Boilerplate is searchable only when asked for by name (`boilerplate:newsletter`).
        boilerplate=stemmed(),
        outlet=TEXT(stored=True, analyzer=names),
        byline=TEXT(stored=True, analyzer=names),
        # YYYYMMDD as a number, 0 when undated (a newest-first sort puts those last). Queries say
        # date:2026-02-04 or date:[2026-02-01 to 2026-02-10]; _dates_as_numbers rewrites them.
        date=NUMERIC(stored=True, sortable=True, bits=32, signed=False, shift_step=8),
        tags=KEYWORD(lowercase=True, commas=True, scorable=True),
        person=TEXT(analyzer=names),
        org=TEXT(analyzer=names),
        place=TEXT(analyzer=names),
        entity=TEXT(analyzer=names),
    )


def article_fields(article: Article, entity_terms: dict[str, list[str]] | None = None) -> dict:
    """The document Whoosh stores for one article. Entity fields hold canonical names and aliases."""
    doc = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "date": int(article.date.replace("-", "")) if article.date else 0,
    }
    junk = "\n\n".join(p.text for p in article.paragraphs if p.boilerplate)
    if junk:
        doc["boilerplate"] = junk
    for key in ("outlet", "byline"):
        if getattr(article, key):
            doc[key] = getattr(article, key)
    if article.tags:
        doc["tags"] = ",".join(article.tags)
    for key, names in (entity_terms or {}).items():
        if names:
            # A separator no name contains keeps phrase queries from matching across two names.
            doc[key] = " \u2029 ".join(names)
    return doc
