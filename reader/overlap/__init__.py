"""Wire copies: find articles that share agency copy, align them, label the derivation, group families.

Pipeline (DESIGN.md, "Wire copies"):

1. `OverlapIndex` (candidates.py) holds word 5-gram shingles of each article's *body* (boilerplate
   paragraphs excluded) and a 128-permutation MinHash in a low-threshold LSH. Articles are added and
   removed one at a time (`add`, `remove`, `sync`); `candidates_for(id)` compares one article with
   the rest through the LSH and verifies hits by exact shingle *containment* (outlets trim copy, so
   Jaccard undersells a trimmed copy). Shingles found in >= 3 articles of one outlet (trailers,
   sign-offs) never count. `save(cache_dir)` / `OverlapIndex.load(cache_dir)` persist it (pickle);
   `OverlapIndex.rebuild(articles)` starts afresh.
2. `align(a_text, b_text)` (align.py) matches sentences one-to-one across the pair (rapidfuzz
   similarity, reordering allowed), diffs words inside matched pairs and returns an `Alignment`:
   ordered `Segment`s (same | changed | a_only | b_only), word ops per segment, `share_a`,
   `share_b`, `shared_words`.
3. `compare(a, b, index=None)` (pairs.py) aligns two Articles, measures `Features` of the derived
   side (the later-dated one) and labels the pair wholly | partially | non with the thresholds in
   thresholds.yaml, fitted on COUNTER by `bench/overlap_eval.py --fit`. `overlaps(index, lookup)`
   scores every verified candidate pair (or only pairs touching `ids`).
4. `families(overlaps, dates)` (families.py) groups derived pairs; `original` is the earliest
   dated member, or None when dates do not decide.
5. `render(alignment, width)` (render.py) gives lines of (kind, text) runs: side by side with a
   symbol gutter (= same, ~ changed, < a only, > b only; [-words-] and {+words+} inside changed
   pairs), unified below 100 columns; `!#` `!"` `!@` (run kind "flag", flags.py) mark edits that change a
   number, a quote or an attribution verb. `to_text(lines)` joins them into plain text.
6. Optional: `compare(..., df=GramDF)` / `overlaps(..., df=...)` with the corpus's character 4-gram
   document frequencies (idf.py) switch to the corpus rule (IDF-weighted `ci4`, own derived-vs-non cut).

Typical use by the library::

    index = OverlapIndex.load(cache) or OverlapIndex()
    index.sync(library.articles()); index.save(cache)
    found = overlaps(index, library.article, min_share=0.2)   # -> list[Overlap]
    groups = families(found, {a.id: a.date for a in library.articles()})
    result = compare(library.article(a), library.article(b))   # result.alignment for `wire diff`
"""

from __future__ import annotations

from reader.overlap.align import Alignment, WordOp, align, diff_words
from reader.overlap.candidates import Candidate, OverlapIndex
from reader.overlap.families import families, original
from reader.overlap.flags import op_flags
from reader.overlap.idf import GramDF
from reader.overlap.label import Features, Thresholds, corpus_thresholds, default_thresholds, label
from reader.overlap.pairs import Comparison, compare, overlaps
from reader.overlap.render import render, segment_runs, to_text, unified_runs

__all__ = [
    "Alignment", "Candidate", "Comparison", "Features", "GramDF", "OverlapIndex", "Thresholds", "WordOp", "align",
    "compare", "corpus_thresholds", "default_thresholds", "diff_words", "families", "label", "op_flags", "original",
    "overlaps", "render", "segment_runs", "to_text", "unified_runs",
]
