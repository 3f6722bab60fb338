"""Sentence alignment of two articles (reordering allowed) with a word diff inside matched sentences."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from reader.models import Segment
from reader.overlap.text import Sentence, normalize, sentences

MATCH_CUTOFF = 55.0
"""Least sentence similarity (0–100, best of character and sorted-token ratios) for a match."""

GROUP_MAX = 8
"""At most this many consecutive sentences of one side matched with one sentence of the other."""
GROUP_MEMBER = 0.6
"""Least share of a run member's words found in the sentence it is matched with."""
GROUP_MIN_WORDS = 4
"""Fewer distinct words than this shared by the unmatched sentences of both sides: no run is tried."""

_WORD = re.compile(r"\S+\s*")


@dataclass(frozen=True, slots=True)
class WordOp:
    """One step of a word diff: kind is equal | delete | insert | replace; text keeps its spacing."""

    kind: str
    a: str
    b: str


@dataclass(frozen=True, slots=True)
class Alignment:
    """The aligned diff of a pair, and how much of each side is reused."""

    segments: tuple[Segment, ...]
    ops: tuple[tuple[WordOp, ...], ...]
    """Word ops per segment (parallel to `segments`): all-equal for same, mixed for changed, () otherwise."""
    words_a: int
    words_b: int
    shared_words: int
    """Words inside equal runs of matched sentences (counted on the a side)."""
    reused_b: int
    longest_run: int
    """Longest equal run of words in any matched pair."""
    matched: int
    """Number of matched sentence pairs."""

    @property
    def share_a(self) -> float:
        """Fraction of a's words that are reused in b."""
        return self.shared_words / self.words_a if self.words_a else 0.0

    @property
    def share_b(self) -> float:
        """Fraction of b's words that are reused from a."""
        return self.reused_b / self.words_b if self.words_b else 0.0


class _Words(NamedTuple):
    """A sentence's words: as shown (with trailing spaces, so they join back to the text), their comparison
    keys, and what every pair it is in asks of them, made once per sentence."""

    words: list[str]
    keys: list[str]
    tokens: int
    """Tokens in the keys (see _count)."""
    vocabulary: frozenset[str]
    """The distinct keys, for the many-to-one runs (`_groups`)."""


_SEPARATOR = "\ue000"
"""A private-use character, which NFKC, casefold and the token table all keep as it is: the words of a
sentence joined by it are normalised in one call, and split back."""


def _pieces(sentence: str) -> _Words:
    """A sentence split into display words and comparison keys (see _Words)."""
    words = _WORD.findall(sentence)
    if _SEPARATOR in sentence:  # the text holds the separator itself: one word at a time
        keys = [normalize(w).strip() for w in words]
    else:
        # The separator is a starter that composes with nothing, so no normalisation step crosses it:
        # the same keys as normalising each word, at a twentieth of the calls.
        keys = [k.strip() for k in normalize(_SEPARATOR.join(words)).split(_SEPARATOR)]
    return _Words(words, keys, _count(keys), frozenset(keys) - {""})


def _count(keys: Sequence[str]) -> int:
    # A display word like "دیا،زمبابوے" holds two tokens; "—" holds none. Count tokens, as shares do.
    return len(" ".join(keys).split())


def diff_words(a: str, b: str) -> list[WordOp]:
    """Word diff of two sentences on normalised words (case and punctuation do not count as changes).

    Joining the `a` texts of the ops gives `a` back (likewise `b`), so renderers lose nothing.
    """
    return _ops(_pieces(a), _pieces(b))[0]


def _ops(a: _Words, b: _Words) -> tuple[list[WordOp], int, int, int]:
    """The word diff of two sentences, and what its equal runs hold: tokens of a, tokens of b, the longest
    run (in a's tokens). Counted on the keys, which are what `normalize` makes of each word."""
    if a.keys == b.keys and a.keys:  # what SequenceMatcher gives, without its tables: most copied sentences
        return [WordOp("equal", "".join(a.words), "".join(b.words))], a.tokens, b.tokens, a.tokens
    matcher = difflib.SequenceMatcher(None, a.keys, b.keys, autojunk=False)
    ops, shared_a, shared_b, longest = [], 0, 0, 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ops.append(WordOp(tag, "".join(a.words[i1:i2]), "".join(b.words[j1:j2])))
        if tag == "equal":
            n = _count(a.keys[i1:i2])
            shared_a += n
            shared_b += _count(b.keys[j1:j2])
            longest = max(longest, n)
    return ops, shared_a, shared_b, longest


def _counts(a: _Words, b: _Words) -> tuple[int, int, int]:
    """What `_ops` counts (tokens of a and of b in equal runs, the longest run), without the word diff: the
    pairs of a corpus are scored on these alone, and are shown (with their diff) one at a time."""
    if a.keys == b.keys and a.keys:
        return a.tokens, b.tokens, a.tokens
    shared_a = shared_b = longest = 0
    # The equal opcodes are the matching blocks, so these are `_ops`'s counts exactly.
    for i, j, size in difflib.SequenceMatcher(None, a.keys, b.keys, autojunk=False).get_matching_blocks():
        if size:
            n = _count(a.keys[i:i + size])
            shared_a += n
            shared_b += _count(b.keys[j:j + size])
            longest = max(longest, n)
    return shared_a, shared_b, longest


def _similarity(a: list[str], b: list[str], a_sorted: list[str], b_sorted: list[str],
                cutoff: float = 0.0) -> np.ndarray:
    """Sentence-by-sentence similarity, 0–100: character ratio, or sorted-token ratio if clauses moved;
    0 where both are under `cutoff`.

    The sorted-token ratio is the ratio of the sentences' `_sorted` forms (rapidfuzz's token_sort_ratio, to
    the last digit), made once per text: token_sort_ratio in cdist sorts each sentence again for every pair,
    which took half of scoring all the pairs of a corpus. With the cutoff rapidfuzz gives up early on a
    cell that cannot reach it (the lengths alone often tell), and such a cell is 0 in the matching anyway."""
    if not a or not b:
        return np.zeros((len(a), len(b)))
    plain = process.cdist(a, b, scorer=fuzz.ratio, workers=1, score_cutoff=cutoff)
    reordered = process.cdist(a_sorted, b_sorted, scorer=fuzz.ratio, workers=1, score_cutoff=cutoff)
    return np.maximum(plain, reordered)


def _sorted(norm: str) -> str:
    """A sentence's words in sorted order, as token_sort_ratio compares them."""
    return " ".join(sorted(norm.split()))


def _match(a_norm: list[str], b_norm: list[str], a_sorted: list[str], b_sorted: list[str], a_skip: set[int],
           b_skip: set[int], cutoff: float) -> dict[int, int]:
    """One-to-one sentence matching: a sentence found once on each side, the same, is matched with its twin
    (patience diff's anchors); the rest so as to maximise their total similarity (reordering allowed).

    Wire copies are mostly such sentences: the similarity of every sentence with every other, for the
    assignment, was a third of scoring the pairs of a corpus, and is now made for the rest alone."""
    anchors = _anchors(a_norm, b_norm, a_skip, b_skip)
    rest_a = [i for i in range(len(a_norm)) if i not in anchors and i not in a_skip]
    taken = set(anchors.values())
    rest_b = [j for j in range(len(b_norm)) if j not in taken and j not in b_skip]
    if not rest_a or not rest_b:
        return anchors
    scores = _similarity([a_norm[i] for i in rest_a], [b_norm[j] for j in rest_b], [a_sorted[i] for i in rest_a],
                         [b_sorted[j] for j in rest_b], cutoff)
    scores[scores < cutoff] = 0
    # Imported here: scipy.optimize costs ~0.3 s to import, paid only when a pair is aligned,
    # not on every start of the app or the CLI.
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(scores, maximize=True)
    anchors.update({rest_a[i]: rest_b[j] for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
                    if scores[i, j] >= cutoff})
    return anchors


def _anchors(a_norm: list[str], b_norm: list[str], a_skip: set[int], b_skip: set[int]) -> dict[int, int]:
    """Sentences (outside the skipped) whose normalised text is found exactly once on each side, by a's index."""
    def unique(norm: list[str], skip: set[int]) -> dict[str, int]:
        seen: dict[str, int] = {}
        for k, text in enumerate(norm):
            if k not in skip and text:
                seen[text] = -1 if text in seen else k
        return seen

    a_once, b_once = unique(a_norm, a_skip), unique(b_norm, b_skip)
    return {i: b_once[text] for text, i in a_once.items() if i >= 0 and b_once.get(text, -1) >= 0}


@lru_cache(maxsize=2048)  # about 100 KB a text: 2,048 of them are 200 MB less than 4,096 a worker, same speed
def _prepare(text: str) -> tuple[list[Sentence], list[_Words], list[str], list[str]]:
    """Sentences, their display words and keys, their normalised text and its words sorted (cached: texts
    recur in pairs)."""
    sents = sentences(text)
    pieces = [_pieces(s.text) for s in sents]
    norm = [" ".join(k for k in piece.keys if k) for piece in pieces]
    return sents, pieces, norm, [_sorted(n) for n in norm]


def prepared_sentences(text: str) -> tuple[list[Sentence], list[str]]:
    """`sentences(text)` and each one's normalised words joined by spaces, from the cache the alignment
    keeps: a pair's boilerplate and its label read the texts just aligned."""
    sents, _pieces_, norm, _sorted_ = _prepare(text)
    return sents, norm


def align(a_text: str, b_text: str, *, a_skip: set[int] | frozenset[int] = frozenset(),
          b_skip: set[int] | frozenset[int] = frozenset(), cutoff: float = MATCH_CUTOFF,
          shown: bool = True) -> Alignment:
    """Align two article bodies sentence by sentence.

    Args:
        a_text: The a side's body (paragraphs separated by blank lines).
        b_text: The b side's body.
        a_skip: Indices of a's sentences that are boilerplate: never matched, not counted as words.
        b_skip: The same for b.
        cutoff: Least similarity (0–100) for two sentences to be matched.
        shown: False when only the counts are wanted (a corpus's pairs, labelled): no segments or word
            diffs are made, which were a fifth of scoring a pair; the counts are the same.

    Returns:
        Segments in a's order, b-only sentences placed after the b sentence that precedes them.
    """
    a_sents, a_pieces, a_norm, a_sorted = _prepare(a_text)
    b_sents, b_pieces, b_norm, b_sorted = _prepare(b_text)
    a_skip, b_skip = set(a_skip), set(b_skip)
    pairs = _match(a_norm, b_norm, a_sorted, b_sorted, a_skip, b_skip, cutoff)
    groups = _groups(a_pieces, b_pieces, a_norm, b_norm, pairs, a_skip, b_skip, cutoff)
    if groups:
        (a_sents, a_pieces, a_norm, a_skip), (b_sents, b_pieces, b_norm, b_skip), pairs = _merged(
            groups, pairs, (a_sents, a_pieces, a_norm, a_skip), (b_sents, b_pieces, b_norm, b_skip))

    shared = reused_b = longest = 0
    pair_ops: dict[int, list[WordOp]] = {}
    for i, j in pairs.items():
        if shown:
            pair_ops[i], n_a, n_b, run = _ops(a_pieces[i], b_pieces[j])
        else:
            n_a, n_b, run = _counts(a_pieces[i], b_pieces[j])
        shared += n_a
        reused_b += n_b
        longest = max(longest, run)
    words_a = sum(p.tokens for i, p in enumerate(a_pieces) if i not in a_skip)
    words_b = sum(p.tokens for j, p in enumerate(b_pieces) if j not in b_skip)
    if not shown:
        return Alignment((), (), words_a, words_b, shared, reused_b, longest, len(pairs))

    on_screen = dict(pairs)
    for i, j in _twins(a_norm, b_norm, pairs).items():  # shown as the same text, counted nowhere
        on_screen[i] = j
        pair_ops[i] = _ops(a_pieces[i], b_pieces[j])[0]
    segments, ops_out = _order(a_sents, b_sents, on_screen, pair_ops, a_norm, b_norm)
    return Alignment(tuple(segments), tuple(ops_out), words_a, words_b, shared, reused_b, longest, len(pairs))


def _twins(a_norm: list[str], b_norm: list[str], pairs: dict[int, int]) -> dict[int, int]:
    """Sentences the matching left out on both sides that are the same text, paired in order.

    An outlet's repeated sentences (its trailer, a daily template) are skipped by the matching, so they
    count nowhere; shown one-sided they read as removed on one side and added on the other, though the
    two texts say the same (198 of Reuters-21578's 289 byte-identical pairs showed such changes)."""
    matched_b = set(pairs.values())
    waiting: dict[str, list[int]] = {}
    for j in range(len(b_norm) - 1, -1, -1):  # reversed, so pop() gives the first
        if j not in matched_b:
            waiting.setdefault(b_norm[j], []).append(j)
    twins: dict[int, int] = {}
    for i, norm in enumerate(a_norm):
        if i not in pairs and waiting.get(norm):
            twins[i] = waiting[norm].pop()
    return twins


def _groups(a_pieces, b_pieces, a_norm: list[str], b_norm: list[str], pairs: dict[int, int],
            a_skip: set[int], b_skip: set[int], cutoff: float) -> list[tuple[range, range]]:
    """Many-to-one matches among the sentences the one-to-one matching left: one sentence of a side
    against a run of consecutive sentences of the other, as when an editor splits or joins sentences,
    or one copy runs a table's rows together. Each is (a range, b range), one of them one long."""
    matched_b = set(pairs.values())
    free_a = [i for i in range(len(a_norm)) if i not in pairs and i not in a_skip]
    free_b = [j for j in range(len(b_norm)) if j not in matched_b and j not in b_skip]
    if not free_a or not free_b:
        return []
    a_words = {i: a_pieces[i].vocabulary for i in free_a}
    b_words = {j: b_pieces[j].vocabulary for j in free_b}
    # Most pairs stop here: the sentences left over on the two sides share next to no words.
    if len(set().union(*a_words.values()) & set().union(*b_words.values())) < GROUP_MIN_WORDS:
        return []
    found = [(score, range(i, i + 1), run) for score, i, run in _runs_for(free_a, a_words, a_norm, free_b,
                                                                            b_words, b_norm, cutoff)]
    found += [(score, run, range(j, j + 1)) for score, j, run in _runs_for(free_b, b_words, b_norm, free_a,
                                                                            a_words, a_norm, cutoff)]
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    groups = []
    for _score, ra, rb in sorted(found, key=lambda f: -f[0]):  # best first; a sentence joins one group
        if taken_a.isdisjoint(ra) and taken_b.isdisjoint(rb):
            taken_a.update(ra)
            taken_b.update(rb)
            groups.append((ra, rb))
    return groups


def _runs_for(singles: list[int], single_words: dict[int, frozenset[str]], single_norm: list[str],
              pool: list[int], pool_words: dict[int, frozenset[str]], pool_norm: list[str],
              cutoff: float) -> list[tuple[float, int, range]]:
    """For each sentence in `singles`, the best run of 2..GROUP_MAX consecutive sentences of `pool`,
    each mostly made of its words, whose joined text is at least `cutoff` similar to it."""
    out = []
    free = set(pool)
    need = {j: (pool_words[j], GROUP_MEMBER * len(pool_words[j])) for j in pool if pool_words[j]}
    for i in singles:
        words = single_words[i]
        members = {j for j, (own, least) in need.items() if len(own & words) >= least}
        best: tuple[float, range] | None = None
        for start in sorted(members):
            for stop in range(start + 2, start + GROUP_MAX + 1):
                if stop - 1 not in free or stop - 1 not in members:
                    break
                joined = " ".join(pool_norm[start:stop])
                score = max(fuzz.ratio(single_norm[i], joined), fuzz.token_sort_ratio(single_norm[i], joined))
                if score >= cutoff and (best is None or score > best[0]):
                    best = (score, range(start, stop))
        if best is not None:
            out.append((best[0], i, best[1]))
    return out


def _merged(groups: list[tuple[range, range]], pairs: dict[int, int], a_side, b_side):
    """Both sides with each group's sentences made one unit, and the matches renumbered to units."""
    a_new, a_map = _units(a_side, [ra for ra, _ in groups])
    b_new, b_map = _units(b_side, [rb for _, rb in groups])
    units = {a_map[i]: b_map[j] for i, j in pairs.items()}
    units.update({a_map[ra.start]: b_map[rb.start] for ra, rb in groups})
    return a_new, b_new, units


def _units(side, runs: list[range]):
    """(sentences, pieces, norm, skip) with each run of sentences joined into one; old index -> new."""
    sents, pieces, norm, skip = side
    starts = {r.start: r for r in runs if len(r) > 1}
    out_s, out_p, out_n, out_skip, mapping = [], [], [], set(), {}
    i = 0
    while i < len(sents):
        run = starts.get(i, range(i, i + 1))
        for k in run:
            mapping[k] = len(out_s)
        if len(run) == 1:
            out_s.append(sents[i])
            out_p.append(pieces[i])
            out_n.append(norm[i])
            if i in skip:
                out_skip.add(len(out_s) - 1)
        else:
            text = " ".join(sents[k].text for k in run)
            out_s.append(Sentence(sents[run.start].start, sents[run.stop - 1].end, sents[run.start].paragraph, text))
            out_p.append(_pieces(text))
            out_n.append(" ".join(norm[k] for k in run))
        i = run.stop
    return (out_s, out_p, out_n, out_skip), mapping


def _order(a_sents: list[Sentence], b_sents: list[Sentence], pairs: dict[int, int],
           pair_ops: dict[int, list[WordOp]], a_norm: list[str], b_norm: list[str]):
    """Segments in a's order; each run of b-only sentences follows the matched b sentence before it."""
    b_to_a = {j: i for i, j in pairs.items()}
    # b-only sentence j goes after a-sentence anchor[j] (-1: before everything), keeping b's order.
    after: dict[int, list[int]] = {}
    anchor = -1
    for j in range(len(b_sents)):
        if j in b_to_a:
            anchor = b_to_a[j]
        else:
            after.setdefault(anchor, []).append(j)

    raw: list[tuple[str, Sentence | None, Sentence | None, tuple[WordOp, ...]]] = []

    def one_sided(j_list: list[int]) -> None:
        for j in j_list:
            raw.append(("b_only", None, b_sents[j], ()))

    one_sided(after.get(-1, []))
    for i, sent in enumerate(a_sents):
        if i in pairs:
            j = pairs[i]
            ops = tuple(pair_ops[i])
            kind = "same" if a_norm[i] == b_norm[j] else "changed"
            raw.append((kind, sent, b_sents[j], ops))
        else:
            raw.append(("a_only", sent, None, ()))
        one_sided(after.get(i, []))
    return _merge(raw)


def _merge(raw):
    """Join consecutive one-sided sentences of one paragraph into one segment (fewer, readable blocks)."""
    segments: list[Segment] = []
    ops: list[tuple[WordOp, ...]] = []
    last_para: int | None = None
    for kind, a, b, word_ops in raw:
        side = a if kind == "a_only" else b
        one_sided = kind in ("a_only", "b_only")
        if one_sided and segments and segments[-1].kind == kind and last_para == side.paragraph:
            prev = segments[-1]
            segments[-1] = Segment(kind, prev.a + (" " + a.text if a else ""),
                                   prev.b + (" " + b.text if b else ""))
            continue
        segments.append(Segment(kind, a.text if a else "", b.text if b else ""))
        ops.append(word_ops)
        last_para = side.paragraph if kind in ("a_only", "b_only") else None
    return segments, ops
