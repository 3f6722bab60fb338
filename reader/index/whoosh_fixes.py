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
"""

from __future__ import annotations

from io import BytesIO

from whoosh import multiproc
from whoosh.filedb import structfile

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


def apply() -> None:
    """Install the fixes (idempotent; reader.index calls it on import)."""
    structfile.BufferFile.__init__ = _buffer_file_init
    multiproc.MpWriter._new_task = _new_task_whole
