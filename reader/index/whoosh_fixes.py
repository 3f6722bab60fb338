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

SortingPool (whoosh/externalsort.py), the pool of a writer's postings, spills them to sorted run files
when it holds more than `limitmb`, one `pickle.dump` per posting, read back one `pickle.load` each; and
at the end it writes the postings still in memory to one more run, only to read them back. A build of
10,000 articles spent a fifth of its time in those calls. Runs are now pickled in chunks, and the last
postings are merged from memory.
"""

from __future__ import annotations

import heapq
import pickle
from io import BytesIO

from whoosh import externalsort, multiproc
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


RUN_CHUNK = 4096
"""Postings per pickle in a run file."""


def _write_run(self, f, items) -> None:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == RUN_CHUNK:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
            chunk = []
    if chunk:
        pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
    f.close()


def _read_run(self, path):
    f = self._open_run(path)
    try:
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            yield from chunk
    finally:
        f.close()
        self._remove_run(path)


def _items(self, maxfiles=128):
    # Whoosh's, but the postings still in memory join the merge as they are, not through a run file.
    if maxfiles < 2:
        raise ValueError("maxfiles=%s must be >= 2" % maxfiles)
    if not self.runs:
        return sorted(self.current)
    if maxfiles <= len(self.runs):
        self.reduce_to(maxfiles - 1, maxfiles)
    current, self.current = self.current, []
    current.sort()
    runs, self.runs = self.runs, []
    return heapq.merge(*[self._read_run(path) for path in runs], current)


def apply() -> None:
    """Install the fixes (idempotent; reader.index calls it on import)."""
    structfile.BufferFile.__init__ = _buffer_file_init
    multiproc.MpWriter._new_task = _new_task_whole
    whoosh3.W3PerDocReader.doc_field_length = _doc_field_length
    externalsort.SortingPool._write_run = _write_run
    externalsort.SortingPool._read_run = _read_run
    externalsort.SortingPool.items = _items
