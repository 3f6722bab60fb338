"""Named entities: NER mentions (cached per article), alias merging and the user's aliases.yaml.

Importing this package does not import spaCy; only running NER does (`reader.entities.ner`).

Typical use (the Library facade)::

    from reader.entities import EntityTable, enrich, load_overrides

    mentions = enrich(articles, cache_dir, progress=on_progress, should_stop=stop_event.is_set)
    overrides, error = load_overrides(config_dir / "aliases.yaml", last_good)
    table = EntityTable(mentions, overrides)
    table.entities(type="person", article_ids=hit_ids, limit=50)   # the sidebar, following a search
    table.for_article(article_id)        # [(Entity, [Mention, ...]), ...] for `wire show` / highlighting
    table.index_terms(article_id)        # {"person": [...], "org": [...], "place": [...], "entity": [...]}
    table.resolve("person", "Mr Wasserman")           # -> Entity("Casey Wasserman", ...)
    table = table.with_overrides(new_overrides)       # aliases.yaml edited: no NER, no re-clustering

Public API:
    enrich(articles, cache_dir, progress=None, should_stop=None, n_process=None) -> {article_id: [Mention]}
        Resumable NER stage over `Article.body`, offsets into `Article.text`, cached in SQLite by
        article sha256 + `pipeline_version()`; commits every `COMMIT_EVERY` articles; thread-safe.
    missing(cache, articles) -> (total, ids without mentions, their words); tag_missing(articles, cache, total,
        done, ...) -> tagged: the same NER as `enrich` over a stream of articles (the entity stage reads them
        from the store), holding none but those in flight.
    cached_mentions(articles, cache_dir, corpus=True) -> {article_id: [Mention]}
        What the cache already holds (no NER): for readers while `enrich` runs in the background.
        With `corpus`, the corpus-level pass is applied (`corpus_mentions`).
    corpus_mentions(articles, mentions) -> {article_id: [Mention]}
        Corpus-level pass (no NER, no spaCy import): one type per name form across articles, names the
        model found elsewhere in the corpus tagged where it missed them, unambiguous surnames.
    annotate(articles, n_process=None) -> Iterator[(article_id, [Mention])]
        The same pipeline without the cache.
    EntityTable(mentions, overrides=None)
        entities(type=None, article_ids=None, limit=None) -> list[Entity]
        for_article(article_id) -> list[tuple[Entity, list[Mention]]]
        index_terms(article_id) -> dict[str, list[str]]
        resolve(type, name_or_alias) -> Entity | None
        with_overrides(overrides) -> EntityTable
    load_overrides(path, last_good=None) -> (Overrides, AliasesError | None)
        Reads aliases.yaml; on error returns `last_good` and the error (str: "aliases.yaml:7: ...").
    parse_overrides(text, path) -> Overrides; raises AliasesError.
    pipeline_version() -> str: model + pipeline version, the cache key.

Entity types: person, organization, place (spaCy PERSON; ORG; GPE, LOC, FAC). Search fields:
person, org, place and entity, each holding canonical names and aliases (`FIELDS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reader.entities.aliases import FIELDS, MERGE_VERSION, TYPES, EntityTable
from reader.entities.cache import COMMIT_EVERY, PAGE, MentionCache, enrich, missing, tag_missing
from reader.entities.cache import FILENAME as MENTIONS_FILE
from reader.entities.corpus import propagate
from reader.entities.overrides import EXAMPLE as ALIASES_EXAMPLE
from reader.entities.overrides import AliasesError, Overrides
from reader.entities.overrides import load_or_keep as load_overrides
from reader.entities.overrides import parse as parse_overrides
from reader.entities.pipeline import annotate
from reader.entities.pipeline import version as pipeline_version
from reader.models import PARAGRAPH_SEP, Article, Mention
from reader.pages import pages

__all__ = [
    "ALIASES_EXAMPLE", "COMMIT_EVERY", "FIELDS", "MENTIONS_FILE", "MERGE_VERSION", "TYPES", "AliasesError",
    "EntityTable", "MentionCache", "Overrides", "annotate", "cached_mentions", "corpus_mentions", "enrich",
    "load_overrides", "missing", "parse_overrides", "pipeline_version", "tag_missing",
]


def cached_mentions(articles: Iterable[Article], cache_dir: str | Path, corpus: bool = True
                    ) -> dict[str, list[Mention]]:
    """Mentions already in the cache, by article id; never runs NER.

    The cache holds each article's own mentions; with `corpus` (the default, what readers want) the
    corpus-level pass is applied on top, so a name the model found in one article is found in all.
    `articles` is read a page at a time (it may stream from the store): only their texts are kept.
    """
    cache = MentionCache(cache_dir)
    if cache.empty():
        # Before NER has run, nothing can be found: the app's first sidebar asked this of a corpus never
        # named and read all 100,000 articles to learn it, in a thread that slowed the first screen.
        return {}
    mentions: dict[str, list[Mention]] = {}
    texts: dict[str, str] = {}
    for page in pages(articles, PAGE):
        found = cache.get_many(page)
        mentions.update(found)
        if corpus:
            texts.update((a.id, _ner_text(a)) for a in page if a.id in found)
    return propagate(texts, mentions) if corpus else mentions


def corpus_mentions(articles: Iterable[Article], mentions: dict[str, list[Mention]]) -> dict[str, list[Mention]]:
    """The corpus-level pass over per-article mentions (see `reader.entities.corpus.propagate`)."""
    return propagate({a.id: _ner_text(a) for a in articles if a.id in mentions}, mentions)


def _ner_text(article: Article) -> str:
    """The article's text with its boilerplate blanked (offsets kept): NER never saw it, so names are not
    propagated into it either."""
    return PARAGRAPH_SEP.join(" " * len(p.text) if p.boilerplate else p.text for p in article.paragraphs)
