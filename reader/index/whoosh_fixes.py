"""Workarounds for Whoosh bugs, in one place: each names what it fixes and where the bug lives.

BufferFile copies every file it opens (Whoosh 2.7, also Whoosh-Reloaded 2.7.5: whoosh/filedb/
structfile.py, `BufferFile.__init__` sets `self.file = BytesIO(buf)`). An index's segment files are
memory-mapped, and each sub-file is opened as a BufferFile over a memoryview of the map; but
BytesIO(memoryview) copies the whole buffer (CPython shares only a bytes object's). So opening a
searcher on a 100,000-article index copied its term and posting files into the heap: 0.8 s and
600 MB of a `wire search`. The same root cause is reported downstream in Alfanous-team/alfanous#860
("Whoosh duplicating 155MB index segment into heap via BytesIO"); no fix upstream.

BufferFile's random-access reads (`get`, `get_array`: terms, postings, columns) use the memoryview
directly; the sequential ones (`seek`, `read`: headers) now do too, and the BytesIO copy is made only if
something else (never seen in a search) asks for the file object.

MpWriter forks its writer processes wherever a Ctrl-C can land (whoosh/multiproc.py, `_new_task` calls
`Process.start()`): in the fork's at-fork hooks the KeyboardInterrupt is lost, and just after the fork it
leaves a live child whose Process object has no `_popen` (so `terminate()` raises AttributeError and the
command ends with "internal error"). The fork now runs with Ctrl-C deferred to its end (reader.interrupts).

W3PerDocReader.doc_field_length reads a document's field length through the length column's reader, one
struct unpack per call (whoosh/codec/whoosh3.py); a segment's commit calls it once per posting, about 165
times per news article. The column (one byte per document) is now read once per field as bytes: a
third of a commit's time in a profile of 3,000 articles, and a scorer's per-hit lookups gain the same.

SegmentWriter takes a `poolclass` argument and ignores it (whoosh/writing.py, `SegmentWriter.__init__` always
makes a PostingPool). It now counts, and a writer whose pool is a reader.index.termpool.TermPool adds its
documents' postings and flushes its segment through that pool, a field and a term at a time instead of a posting
at a time (termpool's docstring says why; the files written are the same).

W3PostingsWriter._write_block compresses every block of postings (whoosh/codec/whoosh3.py: "If the pickle is less
than 20 bytes, don't bother compressing", then `comp = self._compression` on the next line undoes it). Most
blocks of a news index are a term's one or two postings, a pickle of 60 to 200 bytes that zlib makes no smaller,
and each zlib.compress call costs about 30 µs here whatever its size (it sets up a deflate stream of a quarter of
a megabyte): an eighth of a bulk build's CPU. Blocks smaller than COMPRESS_FROM are now written as they are,
which the block's own header says and every W3 reader honours (readers of old indexes are unchanged).
"""

from __future__ import annotations

from io import BytesIO
from itertools import chain
from operator import sub

from whoosh import multiproc, writing
from whoosh.codec import whoosh3
from whoosh.filedb import structfile
from whoosh.util.numeric import byte_to_length

from reader.interrupts import deferred


class _CopyOnFirstUse:
    """Stands in for BufferFile.file: seek, tell, read (and pickle.load's peek, readinto, readline)
    straight from the buffer, as the term and posting readers read their headers; anything else makes
    the BytesIO copy first, as Whoosh did."""

    __slots__ = ("_buffer", "_io", "_at")

    def __init__(self, buffer) -> None:
        self._buffer = buffer
        self._io: BytesIO | None = None
        self._at = 0

    def seek(self, offset: int, whence: int = 0) -> int:
        if self._io is not None:
            return self._io.seek(offset, whence)
        base = (0, self._at, len(self._buffer))[whence]
        self._at = max(0, base + offset)
        return self._at

    def tell(self) -> int:
        return self._io.tell() if self._io is not None else self._at

    def read(self, size: int | None = -1) -> bytes:
        if self._io is not None:
            return self._io.read(size)
        end = len(self._buffer) if size is None or size < 0 else min(len(self._buffer), self._at + size)
        data = bytes(self._buffer[self._at:end])
        self._at = max(self._at, end)
        return data

    def peek(self, size: int = 1) -> bytes:  # pickle.load (read_pickle) looks ahead
        if self._io is not None:
            return self._io.getvalue()[self._io.tell():self._io.tell() + max(size, 1)]
        return bytes(self._buffer[self._at:self._at + max(size, 1)])

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[:len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        if self._io is not None:
            return self._io.readline(size)
        end = len(self._buffer) if size is None or size < 0 else min(len(self._buffer), self._at + size)
        view = self._buffer[self._at:end]
        newline = bytes(view).find(b"\n")
        return self.read(end - self._at if newline < 0 else newline + 1)

    def __getattr__(self, name: str):
        if self._io is None:
            self._io = BytesIO(self._buffer)
            self._io.seek(self._at)
        return getattr(self._io, name)

    def close(self) -> None:  # closing must not make the copy just to close it
        if self._io is not None:
            self._io.close()


def _buffer_file_init(self, buf, name=None, onclose=None) -> None:
    # Whoosh's own __init__, but for the one line: `file` is the lazy copy.
    self._buf = buf
    self._name = name
    self.file = _CopyOnFirstUse(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


_new_task = multiproc.MpWriter._new_task


def _new_task_whole(self):
    with deferred():
        return _new_task(self)


def length_column(perdoc, fieldname: str) -> bytes | bool:
    """A segment's length bytes of `fieldname`, one a document (the documents after them 0), read once; False
    when the field has no lengths. `perdoc` is the segment's W3PerDocReader (reader.index.ranking reads it
    too)."""
    cache = perdoc.__dict__.setdefault("_wire_lengths", {})
    column = cache.get(fieldname)
    if column is None:
        reader = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        # A typecode "B" column: `_count` bytes from `_basepos` (a copy: a view would hold the segment
        # file's memory map open).
        column = cache[fieldname] = (False if reader is None
                                     else bytes(reader._dbfile.get(reader._basepos, reader._count)))
    return column


def _doc_field_length(self, docnum, fieldname, default=0):
    # Whoosh's, answer for answer (None for a zero length byte, as it falls through), from the bytes.
    if docnum > self._doccount:
        raise IndexError("Asked for docnum %r of %d" % (docnum, self._doccount))
    column = length_column(self, fieldname)
    if column is False:
        return default
    lbyte = column[docnum] if docnum < len(column) else 0
    if lbyte:
        return byte_to_length(lbyte)
    return None


_whoosh_segment_writer_init = writing.SegmentWriter.__init__
_whoosh_add_document = writing.SegmentWriter.add_document
_whoosh_flush_segment = writing.SegmentWriter._flush_segment
_whoosh_write_block = whoosh3.W3PostingsWriter._write_block


def _segment_writer_init(self, ix, poolclass=None, limitmb=128, **kwargs):
    _whoosh_segment_writer_init(self, ix, limitmb=limitmb, **kwargs)
    if poolclass is not None:
        self.pool = poolclass(self._tempstorage, self.newsegment, limitmb=limitmb)


def _by_fields(writer) -> bool:
    """Whether the writer's pool takes a document's postings a field at a time (a TermPool) and its schema has
    nothing that pool's path leaves out (term vectors, separate spelling words: never in our schema)."""
    plain = writer.__dict__.get("_wire_by_fields")
    if plain is None:
        plain = writer._wire_by_fields = hasattr(writer.pool, "add_field") and not any(
            field.vector or field.separate_spelling() for _, field in writer.schema.items())
    return plain


def _add_document(self, **fields):
    # Whoosh's add_document, the postings of each field handed to the pool at once.
    if not _by_fields(self):
        return _whoosh_add_document(self, **fields)
    self._check_state()
    schema, perdoc, docnum, pool = self.schema, self.perdocwriter, self.docnum, self.pool
    docboost = self._doc_boost(fields)
    names = sorted(name for name in fields if not name.startswith("_"))
    self._check_fields(schema, names)
    perdoc.start_doc(docnum)
    try:
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, name, docboost)
                # A format that gives a text's items itself (reader.index.schema.NewsPositions) skips
                # FieldType.index's generator and its encoding of each term.
                items = (field.format.index_items(value, field.analyzer)
                         if isinstance(value, str) and hasattr(field.format, "index_items") else None)
                length = pool.add_field(name, docnum, field.index(value) if items is None else items, boost,
                                        field.scorable)
            custom = fields.get("_stored_%s" % name, value)
            perdoc.add_field(name, field, custom if field.stored else None, length)
            if field.column_type and custom is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(custom))
    except Exception:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    self._added = True
    self.docnum += 1


def _flush_segment(self):
    if not hasattr(self.pool, "write_postings"):
        return _whoosh_flush_segment(self)
    self.perdocwriter.close()
    lengths = self.per_document_reader() if self.codec.length_stats else None
    self.pool.write_postings(self.fieldwriter, self.schema, lengths)
    self.fieldwriter.close()
    if lengths is not None:
        lengths.close()


COMPRESS_FROM = 256
"""Bytes of a block's pickle from which it is compressed (the W3 codec's zlib level then applies)."""


def _minified(self) -> tuple:
    # Whoosh's _mini_ids and _mini_weights, the same values, but counted in C: they stepped through every posting
    # of the block in a Python generator.
    ids, weights = self._ids, self._weights
    ids = tuple(ids) if self._byteids else tuple(map(sub, ids, chain((0,), ids)))  # docnums as gaps
    if weights.count(1.0) == len(weights):
        weights = None
    elif weights.count(weights[0]) == len(weights):
        weights = weights[0]
    else:
        weights = tuple(weights)
    return ids, weights, self._mini_values()


def _write_block(self, last=False):
    # Whoosh's, but for the compression rule (see the module's docstring).
    postfile = self._postfile
    if not self._blockcount:
        postfile.write(whoosh3.WHOOSH3_HEADER_MAGIC)
    self._terminfo.add_block(self)
    data = whoosh3.dumps(_minified(self), 2)
    comp = self._compression if len(data) >= COMPRESS_FROM else 0
    if comp:
        data = whoosh3.zlib.compress(data, comp)
    ids = self._ids
    info = whoosh3.dumps((len(ids), ids[-1], self._maxweight, comp, whoosh3.length_to_byte(self._minlength),
                          whoosh3.length_to_byte(self._maxlength)), 2)
    size = len(info) + len(data)
    postfile.write_int(-size if last else size)  # a negative length marks the term's last block
    postfile.write(info)
    postfile.write(data)
    self._blockcount += 1
    self._new_block()


def apply() -> None:
    """Install the fixes (idempotent; reader.index calls it on import)."""
    structfile.BufferFile.__init__ = _buffer_file_init
    multiproc.MpWriter._new_task = _new_task_whole
    whoosh3.W3PerDocReader.doc_field_length = _doc_field_length
    writing.SegmentWriter.__init__ = _segment_writer_init
    writing.SegmentWriter.add_document = _add_document
    writing.SegmentWriter._flush_segment = _flush_segment
    whoosh3.W3PostingsWriter._write_block = _write_block
