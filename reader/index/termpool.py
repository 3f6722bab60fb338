"""A segment's postings grouped by term as they are added, for Whoosh's segment writer (the same files written).

Whoosh's pool (whoosh.writing.PostingPool) keeps every posting as a tuple (field, term, docnum, weight, value),
sorts them all, spills sorted runs of tuples to disk and merges them back one posting at a time into the field
writer, which then adds each posting to its block with a method call and four asserts. In a bulk build that was
two fifths of each writer process (py-spy on 20,000 articles: the pool 22%, the merge and the per-posting adds
another 20%). Here a term's postings are appended to one flat list `[docnum, weight, value, ...]` as a document
is indexed (docnums only grow, so nothing is sorted but the terms), spilled as sorted runs of whole terms when
the pool is full, and handed to Whoosh's postings writer a block at a time, whose own code writes each block:
the segment's files are byte for byte those of Whoosh's pool (tests/test_termpool.py compares them).

Installed through SegmentWriter's `poolclass` argument, which Whoosh ignores (reader.index.whoosh_fixes makes it
count, and routes a writer's add_document and segment flush here when its pool is one of these).
"""

from __future__ import annotations

import heapq
import pickle
from array import array
from itertools import groupby
from operator import itemgetter

from whoosh.filedb.structfile import StructFile
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length
from whoosh.writing import UnknownFieldError

from reader.index.whoosh_fixes import length_column

TERMS_PER_PICKLE = 2048
"""Terms per pickle in a run file (one pickle a term cost more than the terms' postings)."""

POSTING_BYTES = 80
"""What a posting of a term already in the pool costs in memory, beyond its value's bytes: three list slots,
its weight (a float) and the value's bytes object header (the docnum is the document's one int)."""

TERM_BYTES = 250
"""A term's first posting: the above, its dict entry, its key and its list."""

_key = itemgetter(0, 1)


class TermPool:
    """The postings of one segment: {field: {term bytes: [docnum, weight, value, ...]}} in memory, and the runs
    spilled to the writer's temporary storage, each sorted by (field, term)."""

    def __init__(self, tempstore, segment, limitmb: int = 128, **kwargs) -> None:
        self.tempstore = tempstore
        self.segment = segment
        self.limit = limitmb * 1024 * 1024
        self.size = 0
        self.fieldnames: set[str] = set()  # MpWriter's sub-writers report them
        self.runs: list[str] = []
        self._fields: dict[str, dict[bytes, list]] = {}
        self._unsorted: set[tuple[str, bytes]] = set()  # terms given a docnum out of order (merges, spelling)

    # Adding

    def add_field(self, fieldname: str, docnum: int, items, boost: float, scorable: bool) -> int:
        """The postings of one field of a new document (Whoosh's FieldType.index items, each term once); returns
        the field's length (the sum of the term frequencies when the field is scorable)."""
        terms = self._terms_of(fieldname)
        length = size = 0
        for tbytes, freq, weight, value in items:
            if value is None:
                value = b""
            postings = terms.get(tbytes)
            if postings is None:
                terms[tbytes] = [docnum, weight * boost, value]
                size += TERM_BYTES + len(tbytes) + len(value)
            else:
                postings += (docnum, weight * boost, value)
                size += POSTING_BYTES + len(value)
            length += freq
        self._grew(size)
        return length if scorable else 0

    def add(self, item) -> None:
        """One posting (fieldname, term bytes, docnum, weight, value), as Whoosh's pool takes them: the postings of
        a merged segment, any other caller."""
        fieldname, tbytes, docnum, weight, value = item
        terms = self._terms_of(fieldname)
        if docnum == -1:  # Whoosh's mark of a spelling word: its field is started, the posting never written
            return
        if value is None:
            value = b""
        postings = terms.get(tbytes)
        if postings is None:
            terms[tbytes] = [docnum, weight, value]
            self._grew(TERM_BYTES + len(tbytes) + len(value))
            return
        if docnum <= postings[-3]:
            self._unsorted.add((fieldname, tbytes))
        postings += (docnum, weight, value)
        self._grew(POSTING_BYTES + len(value))

    def _terms_of(self, fieldname: str) -> dict[bytes, list]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def _grew(self, size: int) -> None:
        self.size += size
        if self.size > self.limit:
            self.save()

    # Runs

    def _sorted_terms(self):
        """The postings in memory as (field, term, postings), sorted, emptying the pool as it goes."""
        fields, self._fields = self._fields, {}
        self.size = 0
        for fieldname in sorted(fields):
            terms = fields.pop(fieldname)
            if not terms:  # a field with only spelling words is still started and finished, as Whoosh does
                yield fieldname, b"", None
            for tbytes in sorted(terms):
                yield fieldname, tbytes, terms[tbytes]

    def save(self) -> None:
        """Spill the postings in memory to a new run, sorted by (field, term)."""
        if not self._fields:
            return
        name = "%s.run" % random_name()
        f = self.tempstore.create_file(name).raw_file()
        try:
            chunk = []
            for entry in self._sorted_terms():
                chunk.append(entry)
                if len(chunk) == TERMS_PER_PICKLE:
                    pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                    chunk = []
            if chunk:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()
        self.runs.append(name)

    def _read_run(self, name: str):
        f = self.tempstore.open_file(name).raw_file()
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self.tempstore.delete_file(name)

    def terms(self):
        """Every term once, in (field, term) order, as (field, term, postings): the runs' postings of a term
        joined in the order they were added (heapq.merge keeps equal keys in the order of its inputs), sorted by
        docnum where one came out of order."""
        runs, self.runs = self.runs, []
        sources = [self._read_run(name) for name in runs] + [self._sorted_terms()]
        merged = sources[0] if len(sources) == 1 else heapq.merge(*sources, key=_key)
        unsorted = self._unsorted
        for key, group in groupby(merged, _key):
            first = next(group)
            postings = first[2]
            for more in group:
                if postings is None or more[2] is None:
                    postings = postings or more[2]
                else:
                    postings = postings + more[2]
            if postings is not None and key in unsorted:
                triples = sorted(zip(postings[0::3], postings[1::3], postings[2::3]))
                postings = [x for triple in triples for x in triple]
            yield key[0], key[1], postings

    def iter_postings(self):
        """Whoosh's pool interface: every posting as (field, term, docnum, weight, value), sorted."""
        for fieldname, tbytes, postings in self.terms():
            if postings is None:
                yield fieldname, b"", -1, 0, b""  # read by add_postings as a started field without terms
                continue
            for at in range(0, len(postings), 3):
                yield fieldname, tbytes, postings[at], postings[at + 1], postings[at + 2]

    def cleanup(self) -> None:
        for name in self.runs:
            try:
                self.tempstore.delete_file(name)
            except OSError:
                pass
        self.runs = []

    # Writing

    def write_postings(self, fieldwriter, schema, lengths) -> None:
        """Everything in the pool to a W3 field writer: Whoosh's FieldWriter.add_postings, a term at a time."""
        fieldwriter._postfile = _Positioned(fieldwriter._postfile)  # asked where it is twice a term
        field = None
        for fieldname, tbytes, postings in self.terms():
            if fieldname != field:
                if field is not None:
                    fieldwriter.finish_field()
                if fieldname not in schema:
                    raise UnknownFieldError("No field named %r in %s" % (fieldname, schema))
                fieldwriter.start_field(fieldname, schema[fieldname])
                field = fieldname
                column = length_column(lengths, fieldname) if lengths is not None else False
            if postings is None:
                continue
            fieldwriter.start_term(tbytes)
            _fill_blocks(fieldwriter._postwriter, postings, column)
            fieldwriter.finish_term()
        if field is not None:
            fieldwriter.finish_field()


def _fill_blocks(postwriter, postings: list, column) -> None:
    """A term's postings into W3PostingsWriter's block buffer, as add_posting would leave it: every full block but
    the last written by its own _write_block, the last left for finish_postings (which marks it last)."""
    limit = postwriter._blocklimit
    step = 3 * limit
    for at in range(0, len(postings), step):
        if at:
            postwriter._write_block()
        block = postings[at:at + step]
        ids = block[0::3]
        weights = block[1::3]
        postwriter._ids = array("I", ids)
        postwriter._weights = array("f", weights)
        postwriter._maxweight = max(0, max(weights))
        postwriter._values = [value for value in block[2::3] if value]
        sizes = [column[d] for d in ids if d < len(column) and column[d]] if column else ()
        if sizes:
            postwriter._minlength = byte_to_length(min(sizes))
            postwriter._maxlength = byte_to_length(max(sizes))
        else:
            postwriter._minlength, postwriter._maxlength = None, 0


class _Positioned(StructFile):
    """A segment's postings file that counts what is written to it: a BufferedWriter's tell() asks the kernel
    (an lseek) every time, and the postings writer asks at every term's start and end (4% of a bulk build)."""

    def __init__(self, structfile: StructFile) -> None:
        super().__init__(structfile.file, name=structfile._name, onclose=structfile.onclose)
        self._at = structfile.tell()

    def write(self, data):
        written = self.file.write(data)
        self._at += len(data)
        return written

    def tell(self) -> int:
        return self._at

    def _resync(method):  # the writes that go to the file object itself, and moves: asked again after
        def resynced(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            finally:
                self._at = self.file.tell()
        return resynced

    seek = _resync(StructFile.seek)
    truncate = _resync(StructFile.truncate)
    write_pickle = _resync(StructFile.write_pickle)
    write_array = _resync(StructFile.write_array)
    del _resync
