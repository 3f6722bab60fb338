"""Derivation label (wholly | partially | non) of a pair from its reuse features; calibrated thresholds."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from reader.overlap.align import Alignment
from reader.overlap.idf import GramDF, char_grams, logit, weighted_containment
from reader.overlap.text import ngram_hashes, shared_count, token_hashes, tokens

LABELS = ("wholly", "partially", "non")
THRESHOLDS_FILE = Path(__file__).with_name("thresholds.yaml")
COPY_RUN = 10
"""In Latin-script news, "partially derived" needs a verbatim run of this many words in matched sentences
and COPY_SHARE of the copy aligned: independent reports of one event share names, figures and a quote,
not passages. On bench/wire_eval_en.py (11,244 English pairs) derived precision went from 0.22 to 0.997
(ECB+ pairs across different events called derived: 1,303 -> 0), recall 0.989 -> 0.987; chosen on one
half of that set and held on the other. COUNTER's Urdu rewrites ("partially derived" with a median run of
4 words) look like such reports to these features, so its calibration stands alone there."""
COPY_SHARE = 0.2
WHOLLY_RUN, WHOLLY_ALL = 6, 0.9
"""In Latin-script news, "wholly derived" also needs a run of 6 words or 90% of the copy aligned (tiny
ECB+ pages of one event sharing a headline's words were "wholly" on 0.5–0.7 shares and 5-word runs)."""
LATIN = 0.5
"""A copy whose letters are at least this share Latin gets the gates above."""
WHOLLY_MIN_SHARE = 0.5
"""Least aligned share of the derived side for "wholly" (below it, at most "partially"): a pair called
wholly derived shows most of the copy reused, in the diff and beside the label (it was 0.1, which let
"wholly derived" stand beside "35% of b reused")."""


@dataclass(frozen=True, slots=True)
class Features:
    """Reuse features of a pair, measured on the side taken to be derived (`derived`: "a" or "b").

    Derivation is directional (METER, COUNTER): what matters is how much of the newer text comes
    from the older one, so containments are of the derived side's n-grams in the source.
    """

    derived: str
    c1: float
    """Distinct words of the derived side also in the source, as a fraction."""
    c2: float
    """The same for word bigrams."""
    c3: float
    """The same for word trigrams."""
    c5: float
    """The same for word 5-grams (the shingles of the candidate index)."""
    share: float
    """Aligned reuse share of the derived side (words in verbatim runs of matched sentences)."""
    longest_run: int
    length_ratio: float
    """Words of the derived side / words of the source (a trimmed copy is shorter)."""
    ci4: float = 0.0
    """Space-free character 4-grams of the derived side also in the source, IDF-weighted by a corpus
    `GramDF`; 0.0 (not measured) when no `GramDF` was given. The corpus rule's one feature."""
    latin: float = 1.0
    """Share of the derived side's letters that are Latin (English, most European news): where the
    verbatim-evidence gate applies (see COPY_RUN)."""

    def as_dict(self) -> dict[str, float | str]:
        return asdict(self)

    def value(self, name: str) -> float:
        """A feature by name; `log_length_ratio`, `log_run` and `logit_<name>` are derived on the fly."""
        if name.startswith("logit_"):
            return logit(float(getattr(self, name[6:])))
        if name == "log_length_ratio":
            return math.log(max(self.length_ratio, 1e-3))
        if name == "log_run":
            return math.log1p(self.longest_run)
        return float(getattr(self, name))


ORDERS = (1, 2, 3, 5)


@lru_cache(maxsize=4096)  # pairs come in locality order (schedule.py): more were 70 MB a worker for 2% speed
def ngram_sets(text: str) -> tuple[int, tuple[np.ndarray, ...]]:
    """Token count and distinct n-gram hashes (n in ORDERS) of a text; cached: articles recur in pairs."""
    hashes = token_hashes(tokens(text))
    return len(hashes), tuple(np.unique(ngram_hashes(hashes, n)) for n in ORDERS)


def _containment(d: np.ndarray, s: np.ndarray) -> float:
    """Share of `d`'s n-grams found in `s` (both sorted and distinct, from ngram_sets)."""
    return shared_count(d, s) / len(d) if len(d) else 0.0


_char_grams = lru_cache(maxsize=8192)(char_grams)


def features(a_text: str, b_text: str, alignment: Alignment, derived: str, df: GramDF | None = None) -> Features:
    """Features of an aligned pair, with `derived` ("a" or "b") the side measured against the other.

    `df`: document frequencies of the corpus the pair comes from, to IDF-weight `ci4`.
    """
    return aligned(containments(a_text, b_text, derived, df), alignment)


def containments(a_text: str, b_text: str, derived: str, df: GramDF | None = None) -> Features:
    """The features the texts alone give (all but `share` and `longest_run`, which are 0 here): a pair can be
    labelled non from these before it is aligned (`Thresholds.rules_out`)."""
    (na, sa), (nb, sb) = ngram_sets(a_text), ngram_sets(b_text)
    (nd, sd), (ns, ss) = ((nb, sb), (na, sa)) if derived == "b" else ((na, sa), (nb, sb))
    d_text, s_text = (b_text, a_text) if derived == "b" else (a_text, b_text)
    # Only the corpus rule reads ci4: skip its cost (~4% of `wire overlaps`) when there is no corpus DF.
    ci4 = weighted_containment(_char_grams(d_text), _char_grams(s_text), df) if df is not None else 0.0
    return Features(derived, *(_containment(d, s) for d, s in zip(sd, ss, strict=True)), 0.0, 0,
                    nd / ns if ns else 0.0, ci4, latin_share(d_text))


def aligned(f: Features, alignment: Alignment) -> Features:
    """`f` with what the alignment measured on its derived side."""
    share = alignment.share_b if f.derived == "b" else alignment.share_a
    return replace(f, share=share, longest_run=alignment.longest_run)


_LETTER = re.compile(r"[^\W\d_]")
_NOT_LATIN = re.compile(r"[^\W\d_\u0000-\u024f]")
"""A letter past Latin Extended-B: Cyrillic, Greek, Arabic, Devanagari, CJK …"""


@lru_cache(maxsize=2048)  # per pair scored: uncached, its regex was 6% of a scoring worker at 100,000
def latin_share(text: str, sample: int = 4000) -> float:
    """Share of the letters of `text` (its first `sample` characters) that are Latin script; 1.0 for a
    text without letters. Per pair scored, so C-speed: an ASCII text is answered at once."""
    head = text[:sample]
    if head.isascii():
        return 1.0
    letters = len(_LETTER.findall(head))
    return 1.0 - len(_NOT_LATIN.findall(head)) / letters if letters else 1.0


_ALIGNED = ("share", "longest_run")
"""The features only the alignment gives."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """An ordinal linear rule: score = Σ weight·(feature − mean)/scale; non < derived ≤ partially < wholly ≤.

    Fitted by `bench/overlap_eval.py --fit` (ordinal logistic regression for the weights, then a grid
    search of the two cut points for the best 3-way macro F1 on COUNTER); see thresholds.yaml.
    `binary`, when set, replaces `derived` as the derived-vs-non cut: it is fitted for that F1 alone,
    where `derived` serves the 3-way macro F1.
    """

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    derived: float
    wholly: float
    binary: float | None = None

    def score(self, f: Features) -> float:
        return sum(w * (f.value(n) - m) / s
                   for n, m, s, w in zip(self.names, self.mean, self.scale, self.weights, strict=True))

    @property
    def cut(self) -> float:
        """The score under which a pair is non-derived."""
        return self.derived if self.binary is None else self.binary

    def rules_out(self, f: Features) -> bool:
        """The label is non whatever the alignment adds to `f` (see `containments`): the rule reads no
        aligned feature and the pair is under the cut, or nothing is left on its derived side. A fifth of
        a generated corpus's candidate pairs, which then need no alignment."""
        if f.length_ratio == 0.0:
            return True
        reads_alignment = any(n.removeprefix("logit_") in _ALIGNED or n == "log_run" for n in self.names)
        return not reads_alignment and self.score(f) < self.cut

    def label(self, f: Features) -> str:
        if f.length_ratio == 0.0:
            # Nothing left on the derived side (all of it outlet boilerplate): non-derived by definition.
            # The linear rule would extrapolate its length term far outside COUNTER's range.
            return "non"
        s = self.score(f)
        if s < self.cut:
            return "non"
        # "Wholly derived" beside a share under half reads as a contradiction ("wholly, 35% reused"): the
        # containments alone say so for formulaic texts (Reuters' earnings tables) and reworded copies.
        found = "wholly" if s >= self.wholly and f.share >= WHOLLY_MIN_SHARE else "partially"
        if f.latin >= LATIN:  # the same story told twice is not a copy (see COPY_RUN)
            if found == "wholly" and f.longest_run < WHOLLY_RUN and f.share < WHOLLY_ALL:
                return "non"
            if found == "partially" and (f.longest_run < COPY_RUN or f.share < COPY_SHARE):
                return "non"
        return found

    def to_yaml_dict(self) -> dict:
        return {"names": list(self.names), "mean": [round(x, 6) for x in self.mean],
                "scale": [round(x, 6) for x in self.scale], "weights": [round(x, 6) for x in self.weights],
                "derived": round(self.derived, 6), "wholly": round(self.wholly, 6)} | \
            ({} if self.binary is None else {"binary": round(self.binary, 6)})

    @classmethod
    def from_dict(cls, data: dict) -> Thresholds:
        return cls(tuple(data["names"]), tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]),
                   float(data["derived"]), float(data["wholly"]),
                   None if data.get("binary") is None else float(data["binary"]))


@lru_cache(maxsize=1)
def default_thresholds() -> Thresholds:
    """The shipped calibration (reader/overlap/thresholds.yaml)."""
    data = yaml.safe_load(THRESHOLDS_FILE.read_text(encoding="utf-8"))
    return Thresholds.from_dict(data["thresholds"])


@lru_cache(maxsize=1)
def corpus_thresholds() -> Thresholds | None:
    """The shipped rule for when corpus document frequencies (a `GramDF`) are at hand, if any."""
    data = yaml.safe_load(THRESHOLDS_FILE.read_text(encoding="utf-8")).get("corpus_thresholds")
    return Thresholds.from_dict(data) if data else None


def label(f: Features, thresholds: Thresholds | None = None) -> str:
    """wholly | partially | non for the given features."""
    return (thresholds or default_thresholds()).label(f)
