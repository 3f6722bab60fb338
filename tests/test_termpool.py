"""reader.index.termpool and the Whoosh hooks around it: the segment files are Whoosh's own, byte for byte."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index
from whoosh.codec import whoosh3
from whoosh.formats import Positions
from whoosh.writing import OPTIMIZE

from reader.index import whoosh_fixes
from reader.index.schema import NewsAnalyzer, encode_places, make_schema
from reader.index.termpool import TermPool

VOCABULARY = [f"w{n}" for n in range(900)] + ["ferry", "council", "the", "strike", "G-7", "AT&T", "state-owned"]


def _docs(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [{"id": f"a{k}", "title": " ".join(rng.choices(VOCABULARY, k=5)),
             "body": " ".join(rng.choices(VOCABULARY, k=rng.randint(5, 300))),
             "outlet": rng.choice(["Reuters", "AP", "AFP"]), "date": rng.randint(20200101, 20201231),
             "tags": "x,y" if k % 3 else "z"} for k in range(n)]


def _segment_files(where: Path) -> dict[str, bytes]:
    """The files of the index's one segment by what they hold (the segment's random name dropped)."""
    (segment,) = index.open_dir(str(where))._segments()
    name = segment.make_filename("")
    return {f.name[len(name):]: f.read_bytes() for f in where.iterdir() if f.name.startswith(name)}


def _build(where: Path, docs: list[dict], batches: int = 1, **options) -> dict[str, bytes]:
    where.mkdir(parents=True)
    ix = index.create_in(str(where), make_schema())
    size = -(-len(docs) // batches)
    for at in range(0, len(docs), size):
        writer = ix.writer(compound=False, **options)
        for doc in docs[at:at + size]:
            writer.add_document(**doc)
        writer.commit(mergetype=OPTIMIZE if at + size >= len(docs) and batches > 1 else None)
    return _segment_files(where)


def test_the_segment_is_the_one_whooshs_pool_writes(tmp_path):
    docs = _docs(400)
    whooshs = _build(tmp_path / "whoosh", docs)
    assert {".pst", ".trm", "._body_len.col", ".id.col"} <= set(whooshs)
    assert _build(tmp_path / "ours", docs, poolclass=TermPool) == whooshs


def test_a_pool_that_spills_many_runs_writes_the_same_segment(tmp_path, monkeypatch):
    """A pool so small that every few documents go to a run on disk: the runs' postings of a term joined in
    order, the same bytes (a value shared between postings would also show here: pickle writes it once)."""
    docs = _docs(300)
    pool = TermPool.__init__
    runs = []

    def counting(self, *args, **kwargs):
        pool(self, *args, **kwargs)
        runs.append(self)

    monkeypatch.setattr(TermPool, "__init__", counting)
    spilled = _build(tmp_path / "spilled", docs, poolclass=TermPool, limitmb=0.02)
    monkeypatch.undo()
    assert spilled == _build(tmp_path / "whoosh", docs)
    assert runs and not any(p.runs for p in runs)  # every run read back and removed
    assert not list((tmp_path / "spilled").glob("*.tmp/*"))


def test_merged_segments_come_out_the_same(tmp_path):
    """Merging segments adds postings one at a time (Whoosh's add_reader path) to the pool."""
    docs = _docs(300, seed=3)
    assert (_build(tmp_path / "ours", docs, batches=3, poolclass=TermPool)
            == _build(tmp_path / "whoosh", docs, batches=3))


def test_postings_added_out_of_order_come_out_sorted(tmp_path):
    from whoosh.filedb.filestore import RamStorage

    pool = TermPool(RamStorage(), None, limitmb=1)
    for item in [("body", b"b", 5, 1.0, b"x"), ("body", b"a", 2, 1.0, b""), ("body", b"b", 3, 2.0, None),
                 ("title", b"a", 1, 1.0, b"y"), ("body", b"b", 3, 1.0, b"z"), ("body", b"a", -1, 1.0, b"")]:
        pool.add(item)
    assert list(pool.iter_postings()) == [
        ("body", b"a", 2, 1.0, b""), ("body", b"b", 3, 1.0, b"z"), ("body", b"b", 3, 2.0, b""),
        ("body", b"b", 5, 1.0, b"x"), ("title", b"a", 1, 1.0, b"y")]
    assert pool.fieldnames == {"body", "title"}


def test_the_bulk_writer_of_two_processes_uses_the_pool(tmp_path):
    from reader.index import Index
    from reader.models import Article, Paragraph

    ix = Index(tmp_path / "ix")
    with ix.writer(bulk=True) as writer:
        assert writer._w.subargs["poolclass"] is TermPool and isinstance(writer._w.pool, TermPool)
        for n in range(250):
            writer.add(Article(f"a{n}", f"a{n}.txt", f"Ferry {n}", (Paragraph(f"council strike {n % 7}"),),
                               f"sha{n}", "Outlet", None, "2026-01-02"))
    assert ix.doc_count() == 250
    assert len(ix.ids("ferry")) == 250 and len(ix.ids("strike")) == 250 and len(ix.ids("ferry title:ferry")) == 250


@pytest.mark.parametrize("compress_from", [0, whoosh_fixes.COMPRESS_FROM])
def test_small_blocks_are_stored_as_they_are(tmp_path, monkeypatch, compress_from):
    """Whoosh compresses every block (its rule for small ones is dead code); ours compresses from COMPRESS_FROM
    bytes, and with 0 writes what Whoosh wrote."""
    monkeypatch.setattr(whoosh_fixes, "COMPRESS_FROM", compress_from)
    docs = [{**doc, "body": doc["body"] + " ferry"} for doc in _docs(200, seed=5)]
    docs.append({"id": "lone", "body": "zanzibar", "date": 20200101})
    ours = _build(tmp_path / "ours", docs, poolclass=TermPool)
    ix = index.open_dir(str(tmp_path / "ours"))
    with ix.reader() as reader:
        assert reader.postings("body", b"zanzibar")._compression == (3 if compress_from == 0 else 0)
        assert reader.postings("body", b"ferri")._compression == 3  # a term in most documents: many bytes
        assert [d for d, _ in reader.postings("body", b"zanzibar").items_as("weight")] == [200]
    monkeypatch.setattr(whoosh3.W3PostingsWriter, "_write_block", whoosh_fixes._whoosh_write_block)
    whooshs = _build(tmp_path / "whoosh", docs)
    assert (ours == whooshs) == (compress_from == 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 70_000), min_size=1, max_size=30).map(sorted))
def test_places_are_encoded_as_whoosh_does(places):
    encoded = encode_places(places)
    assert encoded == Positions.encode(None, places)
    assert encoded is not encode_places(places) or len(places) > 1  # a new object each time


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["the ", "Ferry ", "G-7 ", "AT&T ", "state-owned ", "Ωmega ", "e-mail ", "x "]),
                max_size=40).map("".join))
def test_the_formats_items_are_what_field_index_yields(text):
    schema = make_schema()
    for name in ("title", "body"):
        field = schema[name]
        assert isinstance(field.analyzer, NewsAnalyzer)
        assert field.format.index_items(text, field.analyzer) == list(field.index(text))


def test_the_postings_file_knows_where_it_is(tmp_path):
    from array import array

    from whoosh.filedb.filestore import FileStorage

    from reader.index.termpool import _Positioned

    storage = FileStorage(str(tmp_path))
    f = _Positioned(storage.create_file("x"))
    f.write(b"W3Bl")
    f.write_int(-7)
    f.write_pickle({"a": 1})
    f.write_array(array("I", [1, 2, 3]))
    f.write_varint(300)
    assert f.tell() == f.file.tell()
    f.close()
    assert (tmp_path / "x").stat().st_size == f._at


def test_a_schema_the_field_path_leaves_out_goes_through_whooshs_add_document(tmp_path):
    """Term vectors are not in our schema; a writer with such a field still writes Whoosh's files with the pool."""
    from whoosh.fields import ID, TEXT, Schema

    def build(where: Path, **options) -> dict[str, bytes]:
        where.mkdir()
        ix = index.create_in(str(where), Schema(id=ID(stored=True), body=TEXT(vector=True)))
        writer = ix.writer(compound=False, **options)
        for doc in _docs(60, seed=9):
            writer.add_document(id=doc["id"], body=doc["body"])
        writer.commit()
        return _segment_files(where)

    ours = build(tmp_path / "ours", poolclass=TermPool)
    assert any(name.endswith(".vps") or "vec" in name for name in ours)
    assert ours == build(tmp_path / "whoosh")
