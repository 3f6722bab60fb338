"""The mention pipeline: re-case, NER, per-document refinement, offsets mapped into `Article.text`."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator

from reader.entities import ner
from reader.entities.casing import recase
from reader.entities.refine import refine
from reader.models import PARAGRAPH_SEP, Article, Mention

PIPELINE_VERSION = "7"
"""Bump when re-casing or refinement changes: cached mentions are then computed again."""


def version() -> str:
    """The string that keys cached mentions: model, spaCy and pipeline versions."""
    return f"{ner.model_version()};pipeline={PIPELINE_VERSION}"


def tag_texts(items: Iterable[tuple[str, str]], n_process: int | None = None
              ) -> Iterator[tuple[str, list[Mention]]]:
    """Refined mentions for (key, text) pairs, offsets and `text` fields taken from the given text.

    Args:
        items: Pairs of a key and a plain text (paragraphs or lines separated by newlines).
        n_process: NER worker processes; None chooses by measurement (see `ner.choose_processes`).
    """
    lexicon = ner.lexicon()
    originals = list(items)
    cased = [recase(text, lexicon) for _, text in originals]
    tagged = ner.extract(((str(i), text) for i, text in enumerate(cased)), n_process=n_process)
    for (key, text), (index, raw) in zip(originals, tagged, strict=True):
        refined = refine(cased[int(index)], raw, lexicon, original=text)
        yield key, [Mention(m.start, m.end, text[m.start:m.end], m.type) for m in refined]


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


def annotate(articles: Iterable[Article], n_process: int | None = None
             ) -> Iterator[tuple[str, list[Mention]]]:
    """Mentions of each article, computed on its body but with offsets into `Article.text`.

    Boilerplate paragraphs are not sent to NER. Yields (article id, mentions) in input order.
    """
    maps: dict[str, tuple[str, list[int], list[int]]] = {}

    def bodies():
        for i, article in enumerate(articles):
            body, body_starts, text_starts = _body_map(article)
            maps[str(i)] = (article.id, body_starts, text_starts)
            yield str(i), body

    for index, mentions in tag_texts(bodies(), n_process=n_process):
        article_id, body_starts, text_starts = maps.pop(index)
        mapped = []
        for m in mentions:
            i = bisect_right(body_starts, m.start) - 1
            if i < 0 or "\n" in m.text:
                continue  # a span across paragraphs is an artefact of joining them
            shift = text_starts[i] - body_starts[i]
            mapped.append(Mention(m.start + shift, m.end + shift, m.text, m.type))
        yield article_id, mapped
