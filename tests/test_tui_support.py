"""Shared helpers for the TUI tests (no tests here): the fixed corpus, a settle() for Pilot, and
EnrichedLibrary, the stand-in for the entity and wire-copy API that Library does not have yet."""

from __future__ import annotations

import asyncio
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from textual.worker import WorkerCancelled

from reader.library import Library
from reader.locations import Locations
from reader.models import Entity, Family, Mention, Overlap, Segment

TUI_DATA = Path(__file__).resolve().parent / "data" / "tui"
CORPUS = TUI_DATA / "corpus"
HOSTILE = "005_hostile.md"


async def settle(pilot, rounds: int = 30) -> None:
    """Wait until no worker runs and the messages they posted are handled (handlers start new workers)."""
    app = pilot.app
    for _ in range(rounds):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # an exclusive worker replaced by a newer one: expected, keep waiting for the rest
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return


@dataclass(frozen=True)
class FakeAlignment:
    segments: list[Segment]
    share_a: float
    share_b: float
    label: str


class EnrichedLibrary(Library):
    """Library plus entities and wire copies read from tests/data/tui/enrichment.yaml.

    Only the enrichment is fake; corpus, store, index and search are the real ones. After a
    sync it writes the entity names into the index's entity fields through the public Index
    writer, as the real pipeline will, so `person:"Lena Park"` is searched by Whoosh itself.
    """

    def __init__(self, corpus: Path, locations: Locations, config=None) -> None:
        super().__init__(corpus, locations, config)
        data = yaml.safe_load((TUI_DATA / "enrichment.yaml").read_text(encoding="utf-8"))
        self._entities = [(e["name"], e["type"]) for e in data["entities"]]
        self._overlaps = [Overlap(**o) for o in data["overlaps"]]

    @classmethod
    def on(cls, corpus: Path, home: Path, config_text: str | None = None) -> EnrichedLibrary:
        locations = Locations.resolve(home)
        config = None
        if config_text is not None:
            from reader.config import load_config

            path = home / "config.yaml"
            path.write_text(config_text, encoding="utf-8")
            config = load_config(path, path)
        return cls(corpus.resolve(), locations, config)

    def sync(self, progress=None, rebuild=False):
        report = super().sync(progress, rebuild)
        fields = {"person": "person", "organization": "org", "place": "place"}
        with self.index.writer() as writer:
            for article in self.store.iter_articles():
                terms: dict[str, list[str]] = {}
                for e in self.show(article)["entities"]:
                    terms.setdefault(fields[e["type"]], []).append(e["name"])
                    terms.setdefault("entity", []).append(e["name"])
                writer.replace(article, terms)
        return report

    def mentions(self, article_id: str) -> list[Mention]:
        text = self.article(article_id).text
        out = []
        for name, kind in self._entities:
            out += [Mention(m.start(), m.end(), name, kind) for m in re.finditer(re.escape(name), text)]
        return sorted(out, key=lambda m: m.start)

    def show(self, article) -> dict:
        counts: dict[tuple[str, str], int] = {}
        for m in self.mentions(article.id):
            counts[(m.text, m.type)] = counts.get((m.text, m.type), 0) + 1
        return {**article.to_dict(), "entities": [{"name": n, "type": t, "mentions": c}
                                                   for (n, t), c in sorted(counts.items())]}

    def enrich(self, progress=None, should_stop=None) -> None:
        """Nothing to extract: the entities come from enrichment.yaml (written at sync)."""

    def entities(self, type=None, query=None, limit=None) -> list[Entity]:  # noqa: A002 — Library's signature
        found: dict[tuple[str, str], list[int]] = {}
        ids = set(self.index.ids(query)) if query else None
        for article in self.store.iter_articles():
            if ids is not None and article.id not in ids:
                continue
            for e in self.show(article)["entities"]:
                found.setdefault((e["name"], e["type"]), []).append(e["mentions"])
        out = [Entity(n, t, (), len(v), sum(v)) for (n, t), v in found.items() if type in (None, t)]
        return out[:limit] if limit else out

    def overlaps(self, min_share=0.0, progress=None) -> tuple[list[Overlap], list[Family]]:
        return list(self._overlaps), []

    def copies_of(self, article_id: str) -> list[Overlap]:
        return [o for o in self._overlaps if article_id in (o.a, o.b)]

    def diff(self, a: str, b: str) -> FakeAlignment:
        """Paragraph alignment by difflib: a stand-in with the real shapes (models.Segment)."""
        pa = [p.text for p in self.article(a).paragraphs if not p.boilerplate]
        pb = [p.text for p in self.article(b).paragraphs if not p.boilerplate]
        segments = []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=pa, b=pb).get_opcodes():
            if op == "equal":
                segments += [Segment("same", x, x) for x in pa[i1:i2]]
                continue
            pairs = min(i2 - i1, j2 - j1)
            segments += [Segment("changed", pa[i1 + k], pb[j1 + k]) for k in range(pairs)]
            segments += [Segment("a_only", x, "") for x in pa[i1 + pairs:i2]]
            segments += [Segment("b_only", "", x) for x in pb[j1 + pairs:j2]]
        pair = next((o for o in self._overlaps if {o.a, o.b} == {a, b}), None)
        share_a, share_b = (pair.share_a, pair.share_b) if pair and pair.a == a else \
            ((pair.share_b, pair.share_a) if pair else (0.0, 0.0))
        return FakeAlignment(segments, share_a, share_b, pair.label if pair else "non")


def pilot_test(fn):
    """Run an async Pilot test with asyncio.run: no async plugin is a test dependency."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper
