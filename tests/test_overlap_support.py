"""Shared helpers for the overlap tests: the seed articles read simply, and small synthetic articles."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from reader.models import Article, Paragraph

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data" / "overlap"

# What the corpus layer marks as boilerplate in the seeds (see the brief / corpus README).
_BOILERPLATE = ("Your support helps us", "open image in gallery", "Subscribe to CNA's Recommended Read")
_DATES = {"000": "2026-02-06", "001": "2026-02-04", "002": "2026-02-04", "003": "2026-02-17"}
_OUTLETS = {"000": "CNN", "001": "The Independent", "002": "CNA", "003": None}


def seed(prefix: str) -> Article:
    """Seed article `prefix` (000…003), split on blank lines, its known boilerplate marked."""
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    raw = path.read_text(encoding="utf-8")
    paras = []
    for chunk in re.split(r"\n\s*\n", raw):
        text = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s*", "", chunk).strip()
        if text:
            paras.append(Paragraph(text, text.startswith(_BOILERPLATE)))
    return Article(id=path.name, path=path.name, title=paras[0].text[:40], paragraphs=tuple(paras),
                   sha256=hashlib.sha256(raw.encode()).hexdigest(), outlet=_OUTLETS[prefix],
                   date=_DATES[prefix])


def seeds() -> dict[str, Article]:
    """All four seeds by prefix."""
    return {p: seed(p) for p in ("000", "001", "002", "003")}


def make(article_id: str, *paragraphs: str, outlet: str | None = None, date: str | None = None) -> Article:
    """A synthetic article."""
    text = "\n\n".join(paragraphs)
    return Article(id=article_id, path=article_id, title=article_id,
                   paragraphs=tuple(Paragraph(p) for p in paragraphs),
                   sha256=hashlib.sha256(text.encode()).hexdigest(), outlet=outlet, date=date)


def fixture(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")
