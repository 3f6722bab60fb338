"""Wire-copy evaluation: COUNTER labels (5-fold CV), source retrieval, Reuters-21578 all-pairs cost, diff time.

    .venv/bin/python bench/overlap_eval.py                 # every figure
    .venv/bin/python bench/overlap_eval.py --fit           # also refit reader/overlap/thresholds.yaml
    .venv/bin/python bench/overlap_eval.py --skip-reuters  # COUNTER and the diff timing only
    .venv/bin/python bench/overlap_eval.py --phantoms      # phantom changes over byte-identical Reuters pairs only

Data sets are read where they are (default ../shared/data relative to the repo), never copied.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import re
import resource
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import yaml
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.models import Article, Paragraph  # noqa: E402
from reader.overlap import OverlapIndex, align, compare, overlaps  # noqa: E402
from reader.overlap.idf import GramDF, char_grams, weighted_containment  # noqa: E402
from reader.overlap.label import THRESHOLDS_FILE, Features, Thresholds  # noqa: E402
from reader.overlap.pairs import derived_side  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
LABELS = ("ND", "PD", "WD")  # ordinal: non < partially < wholly
NAMES = ("non", "partially", "wholly")
FEATURES = ("c1", "c2", "c3", "log_length_ratio")
"""Features of the shipped rule: containments only, so ranking 360,000 pairs needs no alignment."""
CORPUS_FEATURES = ("ci4",)
"""The corpus rule: ci4 alone with its own derived-vs-non cut beat every mix with c1-c3 in CV."""


# ---------------------------------------------------------------------------------------------- COUNTER

def _article(path: Path, outlet_attr: str = "newspaper") -> Article:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    head = re.search(r"<COUNTER_document\b([^>]*)>", text, re.I).group(1)
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', head))
    body = re.search(r"<body>(.*?)</body>", text, re.S)
    title = re.search(r"<headline>(.*?)</headline>", text, re.S)
    paras = [p.strip() for p in html.unescape(body.group(1) if body else "").split("\n") if p.strip()]
    return Article(id=path.name, path=path.name, title=html.unescape(title.group(1)).strip() if title else "",
                   paragraphs=tuple(Paragraph(p) for p in paras), sha256=hashlib.sha256(raw).hexdigest(),
                   outlet=attrs.get(outlet_attr), date=_counter_date(attrs.get("newsdate", "")))


def _counter_date(value: str) -> str | None:
    """dd.mm.yy -> ISO; None for the three malformed values the README lists."""
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{2})", value)
    if not match:
        return None
    try:
        return date(2000 + int(match.group(3)), int(match.group(2)), int(match.group(1))).isoformat()
    except ValueError:
        return None


def load_counter(folder: Path) -> list[tuple[Article, Article, int]]:
    """(agency source, newspaper text, label index into LABELS) for each of the 600 pairs."""
    if not (folder / "pairs.tsv").is_file():
        sys.exit(f"COUNTER not found at {folder} (expected pairs.tsv); pass its folder with --counter")
    with (folder / "pairs.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [(_article(folder / r["source_file"]), _article(folder / r["derived_file"]),
             LABELS.index(r["classification"])) for r in rows]


def pair_features(src: Article, dst: Article) -> Features:
    """Features as the library computes them (direction from the dates, as in a corpus)."""
    return compare(src, dst).features


def macro_f1(truth: np.ndarray, pred: np.ndarray, classes: int = 3) -> float:
    return float(np.mean([_f1(truth == c, pred == c) for c in range(classes)]))


def _f1(truth: np.ndarray, pred: np.ndarray) -> float:
    tp = int((truth & pred).sum())
    p, r = tp / max(1, int(pred.sum())), tp / max(1, int(truth.sum()))
    return 2 * p * r / (p + r) if p + r else 0.0


def _prf(truth: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    tp = int((truth & pred).sum())
    p, r = tp / max(1, int(pred.sum())), tp / max(1, int(truth.sum()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fit(feats: list[Features], y: np.ndarray, names: tuple[str, ...] = FEATURES, binary: bool = False) -> Thresholds:
    """Ordinal logistic regression for the weights, then the two cut points that maximise macro F1.

    `binary`: also fit a separate derived-vs-non cut for the best derived F1 on these pairs.
    """
    x = np.array([[f.value(n) for n in names] for f in feats])
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / scale

    def nll(p: np.ndarray) -> float:
        w, c1, c2 = p[:-2], p[-2], p[-2] + np.exp(p[-1])
        s = z @ w
        p1, p2 = 1 / (1 + np.exp(-(s - c1))), 1 / (1 + np.exp(-(s - c2)))
        prob = np.where(y == 0, 1 - p1, np.where(y == 1, p1 - p2, p2))
        return float(-np.log(np.clip(prob, 1e-9, 1)).sum() + 0.01 * w @ w)

    weights = minimize(nll, np.zeros(z.shape[1] + 2), method="L-BFGS-B").x[:-2]
    scores = z @ weights
    grid = np.unique(np.quantile(scores, np.linspace(0, 1, 201)))
    best = (-1.0, 0.0, 0.0)
    for t1 in grid:
        for t2 in grid[grid > t1]:
            m = macro_f1(y, (scores >= t1).astype(int) + (scores >= t2))
            if m > best[0]:
                best = (m, float(t1), float(t2))
    cut = max(np.unique(scores), key=lambda c: _prf(y > 0, scores >= c)[2]) if binary else None
    return Thresholds(names, tuple(map(float, mean)), tuple(map(float, scale)), tuple(map(float, weights)),
                      best[1], best[2], None if cut is None else float(cut))


def predict(th: Thresholds, feats: list[Features]) -> np.ndarray:
    return np.array([NAMES.index(th.label(f)) for f in feats])


def with_ci4(pairs, feats: list[Features], df: GramDF | None) -> list[Features]:
    """The features with ci4 re-weighted by `df` (same derived side as the library chose)."""
    out = []
    for (src, dst, _), f in zip(pairs, feats, strict=True):
        d, s = (dst, src) if f.derived == "b" else (src, dst)
        out.append(replace(f, ci4=weighted_containment(char_grams(d.body), char_grams(s.body), df)))
    return out


def cross_validate(y: np.ndarray, fold_feats, names: tuple[str, ...], binary: bool, seed: int = 0):
    """5-fold CV; `fold_feats(train_idx)` gives every pair's features for a fold (IDF from train only)."""
    folds = np.random.default_rng(seed).permutation(len(y)) % 5
    pred, per_fold = np.zeros(len(y), dtype=int), []
    for k in range(5):
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        feats = fold_feats(train)
        th = fit([feats[i] for i in train], y[train], names, binary)
        pred[test] = predict(th, [feats[i] for i in test])
        per_fold.append((_prf(y[test] > 0, pred[test] > 0)[2], macro_f1(y[test], pred[test])))
    return pred, per_fold


def counter_eval(folder: Path, refit: bool, seeds: int) -> None:
    pairs = load_counter(folder)
    y = np.array([lab for _, _, lab in pairs])
    t0 = time.perf_counter()
    feats = [pair_features(s, d) for s, d, _ in pairs]
    spent = time.perf_counter() - t0
    undecided = sum(derived_side(s, d) is None for s, d, _ in pairs)
    print(f"COUNTER: {len(pairs)} pairs, features in {spent:.1f} s; direction from dates for "
          f"{len(pairs) - undecided}, by larger reuse for {undecided} (missing or equal dates)")
    # IDF sources for ci4: all 1,200 texts without their labels (as the library would use its whole
    # corpus), or only the agency texts of the training folds (nothing of the test fold is seen).
    idf_all = with_ci4(pairs, feats, GramDF.from_texts([t.body for p in pairs for t in p[:2]]))
    rules = {"shipped rule (c1 c2 c3 log_length_ratio; no corpus needed)": (FEATURES, False, lambda tr: feats),
             "corpus rule, IDF from all 1,200 unlabelled texts": (CORPUS_FEATURES, True, lambda tr: idf_all),
             "corpus rule, IDF from the agency side of the training folds only": (
                 CORPUS_FEATURES, True,
                 lambda tr: with_ci4(pairs, feats, GramDF.from_texts(pairs[i][0].body for i in tr)))}
    for title, (names, binary, fold_feats) in rules.items():
        pred, per_fold = cross_validate(y, fold_feats, names, binary)
        _report(f"5-fold CV, {title}", y, pred)
        print("  per fold derived F1: " + " ".join(f"{f:.3f}" for f, _ in per_fold)
              + f"  (mean {np.mean([f for f, _ in per_fold]):.3f});  macro F1: "
              + " ".join(f"{m:.3f}" for _, m in per_fold) + f"  (mean {np.mean([m for _, m in per_fold]):.3f})")
        if seeds > 1:
            runs = [cross_validate(y, fold_feats, names, binary, seed)[0] for seed in range(seeds)]
            d = [_prf(y > 0, p > 0)[2] for p in runs]
            m = [macro_f1(y, p) for p in runs]
            print(f"  over {seeds} fold splits (seeds 0-{seeds - 1}): derived F1 {np.mean(d):.3f} ± {np.std(d):.3f},"
                  f" macro F1 {np.mean(m):.3f} ± {np.std(m):.3f}")
    if refit:
        _write_thresholds(fit(feats, y), fit(idf_all, y, CORPUS_FEATURES, binary=True), len(pairs))
        print(f"wrote {THRESHOLDS_FILE}")
    from reader.overlap.label import corpus_thresholds, default_thresholds
    default_thresholds.cache_clear()
    corpus_thresholds.cache_clear()
    th = default_thresholds()
    _report("shipped rule on all 600 (in-sample, for reference)", y, predict(th, feats))
    if corpus_thresholds():
        _report("shipped corpus rule on all 600 (in-sample)", y, predict(corpus_thresholds(), idf_all))
    retrieval(pairs, th)


def _report(title: str, y: np.ndarray, pred: np.ndarray) -> None:
    p, r, f = _prf(y > 0, pred > 0)
    print(f"\n{title}\n  derived (WD+PD) vs non: P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    print(f"  3-way macro F1 {macro_f1(y, pred):.3f}  (per class ND/PD/WD: "
          + " ".join(f"{_f1(y == c, pred == c):.3f}" for c in range(3)) + ")")
    print("  confusion (rows gold ND/PD/WD, columns predicted ND/PD/WD): "
          + "; ".join(LABELS[c] + " " + " ".join(f"{int(((y == c) & (pred == k)).sum())}" for k in range(3))
                      for c in range(3)))


def _write_thresholds(th: Thresholds, corpus: Thresholds, n: int) -> None:
    header = (f"# Derivation label rules, fitted by `bench/overlap_eval.py --fit` on all {n} COUNTER pairs\n"
              "# (Urdu agency copy vs newspaper text). Weights: ordinal logistic regression on the\n"
              "# standardised features; `derived` / `wholly`: cut points on the score chosen by grid\n"
              "# search for the best 3-way macro F1; `binary`: a cut fitted for derived-vs-non F1 alone.\n"
              "# `thresholds` needs nothing but the pair; `corpus_thresholds` is used when the caller gives\n"
              "# corpus document frequencies (GramDF) for ci4 (here: IDF from the 1,200 COUNTER texts).\n"
              "# Cross-validated figures: see the eval's output.\n")
    data = {"thresholds": th.to_yaml_dict(), "corpus_thresholds": corpus.to_yaml_dict()}
    THRESHOLDS_FILE.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def retrieval(pairs: list[tuple[Article, Article, int]], th: Thresholds) -> None:
    """P@1 and MRR: rank all 600 agency texts for each newspaper text.

    Two rankers: the label score, and word-bigram containment (c2) of the newspaper text in the
    source. Byte-identical source bodies count as relevant too (573 distinct bodies in 600).
    """
    from reader.overlap.text import shingle_set, tokens
    sources = [s for s, _, _ in pairs]
    bodies = [s.body.strip() for s in sources]
    sets = {n: [shingle_set(tokens(s.body), n) for s in sources] for n in (1, 2, 3, 5)}
    lengths = np.array([len(tokens(s.body)) for s in sources])
    t0 = time.perf_counter()
    stats = {"label score": [0, 0.0], "c2 containment": [0, 0.0]}
    for i, (_, dst, _) in enumerate(pairs):
        dt = tokens(dst.body)
        cont = {}
        for n, src_sets in sets.items():
            mine = shingle_set(dt, n)
            cont[n] = np.array([np.intersect1d(mine, x, assume_unique=True).size / max(1, len(mine))
                                for x in src_sets])
        ratio = len(dt) / np.maximum(lengths, 1)
        score = np.array([th.score(Features("b", cont[1][j], cont[2][j], cont[3][j], cont[5][j], 0.0, 0,
                                            ratio[j])) for j in range(len(sources))])
        relevant = {j for j, b in enumerate(bodies) if b == bodies[i]}
        for name, values in (("label score", score), ("c2 containment", cont[2])):
            order = np.argsort(-values, kind="stable")
            rank = next(k for k, j in enumerate(order) if j in relevant) + 1
            stats[name][0] += rank == 1
            stats[name][1] += 1 / rank
    print(f"\nsource retrieval, each newspaper text against all {len(pairs)} agency texts "
          f"({time.perf_counter() - t0:.1f} s):")
    for name, (hits, rr) in stats.items():
        print(f"  ranked by {name}: P@1 {hits / len(pairs):.3f}  MRR {rr / len(pairs):.3f}")


# ---------------------------------------------------------------------------------------------- Reuters

def reuters_articles(folder: Path, limit: int | None, outlet: str | None) -> list[Article]:
    """Reuters-21578 stories as Articles (bench/reuters.py's reader)."""
    from bench.reuters import read
    out = []
    for story in read(folder):
        body = story["body"].strip() or story["title"]
        if not body:
            continue
        paras = [p for p in re.split(r"\n\s*\n", body) if p.strip()]
        out.append(Article(id=story["id"], path=story["id"], title=story["title"],
                           paragraphs=tuple(Paragraph(p) for p in paras),
                           sha256=hashlib.sha256(body.encode()).hexdigest(), outlet=outlet, date=story["date"]))
        if limit and len(out) >= limit:
            break
    return out


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reuters_eval(folder: Path, limit: int | None, outlet: str | None) -> list[Article]:
    arts = reuters_articles(folder, limit, outlet)
    by_id = {a.id: a for a in arts}
    rss0 = _maxrss_mb()
    t0 = time.perf_counter()
    index = OverlapIndex.rebuild(arts)
    t1 = time.perf_counter()
    cands = list(index.candidate_pairs())
    t2 = time.perf_counter()
    found = overlaps(index, by_id)
    t3 = time.perf_counter()
    labels = {k: sum(o.label == k for o in found) for k in ("wholly", "partially")}
    print(f"\nReuters-21578: {len(arts)} articles (outlet={outlet!r})\n"
          f"  index {t1 - t0:.1f} s, LSH candidates + containment {t2 - t1:.1f} s ({len(cands)} verified pairs),"
          f" alignment + labels {t3 - t2:.1f} s\n"
          f"  all overlapping pairs: {t3 - t0:.1f} s total; {len(found)} derived pairs {labels}\n"
          f"  peak RSS {_maxrss_mb():.0f} MB (was {rss0:.0f} MB after parsing)")
    return arts


def phantom_changes(folder: Path) -> None:
    """Every pair of Reuters stories with byte-identical bodies, diffed as `wire diff` does on the indexed
    corpus (one outlet, so its repeated sentences are skipped by the matching): any segment or word op
    that is not "same" is a phantom change (the issue's target: 0)."""
    from itertools import combinations

    arts = reuters_articles(folder, None, "Reuters")
    index = OverlapIndex.rebuild(arts)
    by_body: dict[str, list[Article]] = {}
    for art in arts:
        by_body.setdefault(art.body, []).append(art)
    pairs = [pair for group in by_body.values() if len(group) > 1 for pair in combinations(group, 2)]
    phantom = []
    for a, b in pairs:
        found = compare(a, b, index).alignment
        if any(seg.kind != "same" for seg in found.segments) or \
                any(op.kind != "equal" for ops in found.ops for op in ops):
            phantom.append((a.id, b.id))
    print(f"\nReuters-21578, byte-identical bodies: {len(pairs)} pairs, {len(phantom)} with a phantom change "
          f"(diffed with the outlet filter on){': ' + ', '.join(map('/'.join, phantom[:5])) if phantom else ''}")


def diff_timing(arts: list[Article], reps: int) -> None:
    """Median time of align() on two ~1,000-word articles: a run of stories and an edited copy of it."""
    a_paras, words, k = [], 0, 0
    while words < 1000 and k < len(arts):
        body = arts[k].body
        a_paras.append(body)
        words += len(body.split())
        k += 1
    a_text = "\n\n".join(a_paras)
    # The copy: every third paragraph dropped, paragraphs reversed, every 9th word changed, a new
    # paragraph of the same length as the dropped ones so both sides stay near 1,000 words.
    kept = [p for i, p in enumerate(a_paras) if i % 3 != 1]
    b_words = " ".join(reversed(kept)).split()
    b_words = [w if i % 9 else "changed" for i, w in enumerate(b_words)]
    extra = " ".join(arts[k + j].body for j in range(5)).split()[: 1000 - len(b_words)]
    b_text = " ".join(b_words) + "\n\n" + " ".join(extra)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        result = align(a_text, b_text)
        times.append(time.perf_counter() - t0)
    median_ms = statistics.median(times) * 1000
    print(f"\ndiff of {len(a_text.split())} vs {len(b_text.split())} words: median {median_ms:.1f} ms"
          f" over {reps} runs ({len(result.segments)} segments, share_a {result.share_a:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counter", type=Path, default=DATA / "counter-urdu")
    parser.add_argument("--reuters", type=Path, default=DATA / "reuters21578")
    parser.add_argument("--fit", action="store_true", help="refit and write reader/overlap/thresholds.yaml")
    parser.add_argument("--skip-counter", action="store_true")
    parser.add_argument("--skip-reuters", action="store_true")
    parser.add_argument("--limit", type=int, help="only the first N Reuters stories")
    parser.add_argument("--outlet", default=None,
                        help="outlet given to every Reuters story (default none: no outlet-boilerplate filter)")
    parser.add_argument("--reps", type=int, default=30, help="repetitions of the diff timing")
    parser.add_argument("--seeds", type=int, default=5, help="fold splits for the CV mean ± sd (1: seed 0 only)")
    parser.add_argument("--phantoms", action="store_true", help="only the phantom-change count")
    args = parser.parse_args()
    if args.phantoms:
        phantom_changes(args.reuters)
        return
    if not args.skip_counter:
        counter_eval(args.counter, args.fit, args.seeds)
    if not (args.reuters / "reut2-000.sgm").is_file():
        sys.exit(f"Reuters-21578 not found at {args.reuters}; pass its folder with --reuters")
    arts = reuters_articles(args.reuters, 2000, None) if args.skip_reuters else \
        reuters_eval(args.reuters, args.limit, args.outlet)
    if not args.skip_reuters:
        phantom_changes(args.reuters)
    diff_timing(arts, args.reps)


if __name__ == "__main__":
    main()
