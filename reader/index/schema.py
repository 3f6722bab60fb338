"""What Whoosh is given for an article: the schema, its analyzer and postings format, the document's fields."""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import STOP_WORDS, StandardAnalyzer, StemmingAnalyzer, Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.formats import Positions
from whoosh.lang.porter import stem

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
        found: dict[str, list[int]] = {}
        stoplist, minsize, stem_of = self.stoplist, self.minsize, cached_stem
        at = None
        for raw, group in enumerate(TOKEN.findall(value), start_pos):
            if "-" in group or "&" in group:
                terms = [term for term, stopped, _, _ in self._terms(group, False) if not stopped]
            else:
                word = group.lower()
                if len(word) < minsize or word in stoplist:
                    continue
                terms = (stem_of(word),)
            at = raw if at is None else at + 1
            for term in terms:
                if term in found:
                    found[term].append(at)
                else:
                    found[term] = [at]
        return found


class NewsPositions(Positions):
    """Whoosh's Positions format, the same postings written, but read straight from NewsAnalyzer.positions:
    the analysis and postings of a bulk build's documents take about half the CPU (no Token and no
    generator per word; every boost is 1)."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, NewsAnalyzer) or set(kwargs) - {"mode", "start_pos"}:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost, encode = self.field_boost, self.encode
        for term, places in analyzer.positions(value, kwargs.get("start_pos", 0)).items():
            yield term, len(places), len(places) * boost, encode(places)


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
