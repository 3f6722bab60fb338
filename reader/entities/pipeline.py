"""The mention pipeline: re-case, NER, per-document refinement, offsets mapped into `Article.text`."""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from reader.entities import ner
from reader.entities.casing import recase
from reader.entities.refine import refine
from reader.errors import describe
from reader.models import PARAGRAPH_SEP, Article, Mention

PIPELINE_VERSION = "7"
"""Bump when re-casing or refinement changes: cached mentions are then computed again."""


def version() -> str:
    """The string that keys cached mentions: model, spaCy and pipeline versions."""
    return f"{ner.model_version()};pipeline={PIPELINE_VERSION}"


def tag_texts(items: Iterable[tuple[str, str]], n_process: int | None = None,
              should_stop: Callable[[], bool] | None = None,
              on_problem: Callable[[str, str], None] | None = None) -> Iterator[tuple[str, list[Mention]]]:
    """Refined mentions for (key, text) pairs, offsets and `text` fields taken from the given text.

    Args:
        items: Pairs of a key and a plain text (paragraphs or lines separated by newlines), each
            shorter than spaCy's limit (`annotate` cuts long bodies into chunks).
        n_process: NER worker processes; None chooses by measurement (see `ner.choose_processes`).
        should_stop: Polled during NER; when true, the iteration ends early (see `ner.extract`).
        on_problem: Called with (key, reason) for a text whose tagging failed; it gets no mentions
            and the others go on.
    """
    lexicon = ner.lexicon()
    held: dict[int, tuple[str, str, str]] = {}
    """Index -> (key, text, re-cased text), from when NER reads it until its mentions come back: the texts
    stream through, so a stage over 100,000 articles holds a few batches of them, not all."""

    def cased() -> Iterator[tuple[int, str]]:
        for index, (key, text) in enumerate(items):
            held[index] = (key, text, _recase(text, lexicon))
            yield index, held[index][2]

    for index, raw, problem in _tagged(cased(), n_process, should_stop):
        key, text, recased = held.pop(index)
        if problem is None:
            try:
                refined = refine(recased, raw, lexicon, original=text)
            except Exception as exc:  # noqa: BLE001 — one text's surprise must not end the run
                refined, problem = [], f"names not extracted: {describe(exc, 100)}"
        else:
            refined = []
        if problem and on_problem:
            on_problem(key, problem)
        yield key, [Mention(m.start, m.end, text[m.start:m.end], m.type) for m in refined]


def _recase(text: str, lexicon: frozenset[str]) -> str:
    try:
        return recase(text, lexicon)
    except Exception:  # noqa: BLE001 — re-casing only helps the model: without it the text is still tagged
        return text


def _tagged(texts: Iterator[tuple[int, str]], n_process: int | None, should_stop: Callable[[], bool] | None
            ) -> Iterator[tuple[int, list[Mention], str | None]]:
    """(index, raw mentions, problem) for each (index, text), in order.

    spaCy fails a whole batch when one text breaks it; the texts from there on (those it had read and not
    answered, then the rest) are then tagged one at a time, so that only the text that fails goes without
    mentions.
    """
    unanswered: deque[tuple[int, str]] = deque()

    def read() -> Iterator[tuple[str, str]]:
        for index, text in texts:
            unanswered.append((index, text))
            yield str(index), text

    try:
        for _, raw in ner.extract(read(), n_process=n_process, should_stop=should_stop):
            index, _ = unanswered.popleft()  # answers come in input order
            yield index, raw, None
        return
    except Exception:  # noqa: BLE001 — retried below, one text at a time
        pass
    for index, text in chain(list(unanswered), texts):
        if should_stop and should_stop():
            return
        try:
            found = list(ner.extract([(str(index), text)], n_process=1))
        except Exception as exc:  # noqa: BLE001
            yield index, [], f"names not extracted: {describe(exc, 100)}"
            continue
        yield index, found[0][1] if found else [], None


MAX_CHUNK = 10_000
"""Characters of text sent to the model at once; a longer body is tagged in chunks cut at paragraph
breaks, else line breaks, else spaces, and the mentions shifted back into place. spaCy refuses texts
over 1,000,000 characters (E088), and its memory grows with the characters of a batch (64 texts):
with 100,000-character chunks a worker tagging a 10 MB text held 4.7 GB; a news article is a few
thousand characters, so at 10,000 a batch of chunks weighs about what a batch of articles does."""


MAX_NER_CHARS = 1_000_000
"""Characters of an article's body that NER reads, runs without breaks left out (spaCy's own default
`max_length`): about 200 news stories' worth. A longer body (a dump, a log pasted in) is still indexed and searched whole; its names
come from this much of it, and the skip list says so, instead of NER taking minutes on one file."""


def chunks(text: str, limit: int = MAX_CHUNK) -> list[tuple[int, str]]:
    """(offset, piece) pairs that cover `text` in order, each at most `limit` characters.

    A window with no break at all (a 2 MB line without spaces) holds no name a reader would call one:
    it is left out, so the model never reads it. At least one piece comes back, so every text is
    answered for.
    """
    out, start = [], 0
    while len(text) - start > limit:
        end = start + limit
        cut = None
        for sep in (PARAGRAPH_SEP, "\n", " "):
            at = text.rfind(sep, start + limit // 10, end)
            if at >= 0:
                cut = at + len(sep)
                break
        if cut is None:  # a hard cut through a run without breaks: skip the run
            start = end
            continue
        out.append((start, text[start:cut]))
        start = cut
    out.append((start, text[start:]))
    return out


def _body_map(article: Article) -> tuple[str, list[int], list[int]]:
    """The NER text of an article (its non-boilerplate paragraphs) and where each piece sits in both texts."""
    starts = article.paragraph_starts()
    pieces, body_starts, text_starts, pos = [], [], [], 0
    for paragraph, start in zip(article.paragraphs, starts, strict=True):
        if paragraph.boilerplate:
            continue
        pieces.append(paragraph.text)
        body_starts.append(pos)
        text_starts.append(start)
        pos += len(paragraph.text) + len(PARAGRAPH_SEP)
    return PARAGRAPH_SEP.join(pieces), body_starts, text_starts


def annotate(articles: Iterable[Article], n_process: int | None = None,
             should_stop: Callable[[], bool] | None = None,
             on_problem: Callable[[str, str], None] | None = None) -> Iterator[tuple[str, list[Mention]]]:
    """Mentions of each article, computed on its body but with offsets into `Article.text`.

    Boilerplate paragraphs are not sent to NER; a body longer than `MAX_CHUNK` goes in chunks.
    Yields (article id, mentions) in input order, each article once all its chunks are tagged.
    `on_problem(article id, reason)` hears of an article that could not be tagged, or only in part.
    """
    maps: dict[str, tuple[str, list[int], list[int], int]] = {}
    found: dict[str, list[Mention]] = {}
    left: dict[str, int] = {}
    problems: dict[str, str] = {}

    def bodies():
        for i, article in enumerate(articles):
            body, body_starts, text_starts = _body_map(article)
            pieces, read = [], 0
            for piece in chunks(body):
                if read + len(piece[1]) > MAX_NER_CHARS and pieces:
                    problems[str(i)] = (f"names read from its first {MAX_NER_CHARS:,} characters of text only "
                                        "(all of it is searchable)")
                    break
                pieces.append(piece)
                read += len(piece[1])
            maps[str(i)] = (article.id, body_starts, text_starts, len(pieces))
            for j, (offset, piece) in enumerate(pieces):
                yield f"{i}:{j}:{offset}", piece

    for key, mentions in tag_texts(bodies(), n_process=n_process, should_stop=should_stop,
                                   on_problem=lambda key, reason: problems.setdefault(key.split(":")[0], reason)):
        index, _, offset = key.split(":")
        article_id, body_starts, text_starts, count = maps[index]
        shift_chunk = int(offset)
        collected = found.setdefault(index, [])
        for m in mentions:
            start, end = m.start + shift_chunk, m.end + shift_chunk
            i = bisect_right(body_starts, start) - 1
            if i < 0 or "\n" in m.text:
                continue  # a span across paragraphs is an artefact of joining them
            shift = text_starts[i] - body_starts[i]
            collected.append(Mention(start + shift, end + shift, m.text, m.type))
        left[index] = left.get(index, count) - 1
        if left[index]:
            continue  # more chunks of this article to come
        del maps[index], left[index]
        if index in problems and on_problem:
            on_problem(article_id, problems.pop(index))
        yield article_id, found.pop(index)
