"""bench/make_corpus.py on a tiny BBC-style source: count, determinism, refusals, families, and our own loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.make_corpus import MANIFEST, REPO, Refused, make
from reader.corpus import load_file

BODIES = {
    "business/001.txt": ("Factory orders climb for third month",
                         ["Orders at factories rose 2.1% in March, the statistics office said on Tuesday.",
                          "Economists had expected a rise of 1.5%, and the company survey also pointed up.",
                          "Exports of machinery led the gains, officials said, while car output fell.",
                          "The central bank is expected to keep rates on hold at its meeting next week."]),
    "business/002.txt": ("Harbour firm buys rival in £40m deal",
                         ["A harbour operator has agreed to buy its smaller rival for £40m, the two firms said.",
                          "The deal, announced on Monday, still needs the approval of the competition regulator.",
                          "Shares in the buyer rose 4% in early trading after the news was announced."]),
    "business/003.txt": ("Retail sales slip as shoppers hold back",
                         ["Retail sales fell 0.8% in February as shoppers spent less on clothes, figures show.",
                          "Food sales were flat, but online spending rose for the sixth month in a row.",
                          "Retailers said the cold weather had kept people at home for much of the month.",
                          "Analysts said the figures were about what they had feared, and plans for spring "
                          "promotions began early."]),
    "tech/001.txt": ("Broadband plan to reach rural homes",
                     ["The government says it will help connect 200,000 rural homes to fast broadband by 2027.",
                      "Officials said the plan would cost about £300m, shared with the network operators.",
                      "Critics said the target had slipped twice already because of planning delays."]),
}


@pytest.fixture
def bbc(tmp_path) -> dict:
    for rel, (title, paragraphs) in BODIES.items():
        path = tmp_path / "src" / "bbc" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return {"bbc": tmp_path / "src" / "bbc"}


def _files(out: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*")) if p.is_file()}


def _articles(out: Path) -> list:
    articles = []
    for rel, (data, mtime_ns) in _files(out).items():
        if rel == MANIFEST:
            continue
        found, skipped = load_file(rel, data, mtime_ns, None)
        assert found and not skipped, (rel, skipped)
        articles += found
    return articles


def test_writes_n_articles_every_one_readable(tmp_path, bbc):
    summary = make(tmp_path / "out", n=60, seed=3, sources=bbc)
    articles = _articles(tmp_path / "out")
    assert summary["articles"] == len(articles) == 60
    assert all(a.paragraphs and a.title for a in articles)
    assert summary["families"] >= 1 and summary["outlets"] >= 5


def test_same_seed_same_bytes_and_mtimes(tmp_path, bbc):
    make(tmp_path / "a", n=60, seed=1, sources=bbc)
    make(tmp_path / "b", n=60, seed=1, sources=bbc)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    make(tmp_path / "c", n=60, seed=2, sources=bbc)
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def _grams(paragraphs) -> set:
    words = " ".join(paragraphs).split()
    return {tuple(words[i:i + 4]) for i in range(len(words) - 3)}


def test_families_share_most_of_their_text(tmp_path, bbc):
    make(tmp_path / "out", n=60, seed=0, sources=bbc)
    by_id = {a.id: a for a in _articles(tmp_path / "out")}
    families = json.loads((tmp_path / "out" / MANIFEST).read_text())["families"]
    assert families and all(2 <= len(f) <= 8 for f in families)
    for original, *copies in families:
        assert by_id[original].outlet in ("BBC News", "AP", "AFP", "Reuters")
        source = _grams(p.text for p in by_id[original].paragraphs)
        for copy in copies:
            *body, trailer = [p.text for p in by_id[copy].paragraphs]
            assert trailer.startswith("Reporting by ") and by_id[copy].outlet in trailer
            assert len(_grams(body) & source) >= 0.6 * len(_grams(body)), copy  # trimmed, lightly reworded


def test_refusals_and_force(tmp_path, bbc):
    inside = REPO / "tmp-make-corpus-test"
    with pytest.raises(Refused, match="inside the repo"):
        make(inside, n=10, sources=bbc)
    assert not inside.exists()
    out = tmp_path / "out"
    make(out, n=20, sources=bbc)
    with pytest.raises(Refused, match="not empty"):
        make(out, n=20, sources=bbc)
    (out / "mine.txt").write_text("someone else's file")
    make(out, n=10, seed=5, sources=bbc, force=True)  # a previous output: replaced, the stranger kept
    assert (out / "mine.txt").exists() and len(_articles(out)) == 11
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.md").write_text("not ours")
    with pytest.raises(Refused, match=MANIFEST):
        make(other, n=10, sources=bbc, force=True)
    with pytest.raises(Refused, match="no source texts"):
        make(tmp_path / "none", n=10, sources={"bbc": tmp_path / "missing"})
    assert not (tmp_path / "none").exists()
