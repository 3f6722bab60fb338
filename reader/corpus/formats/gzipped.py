"""Gzip (`x.txt.gz`, `feed.xml.gz` …): unpacked with a cap, then read as the format its inner name says."""

from __future__ import annotations

import zlib

from reader.corpus.formats.records import FormatError

MAX_UNPACKED = 128 * 1024 * 1024
"""Bytes a compressed file may unpack to: past it (a gzip bomb: 200 KB to gigabytes of zeros) it is skipped."""


def gunzip(data: bytes) -> bytes:
    """The unpacked bytes of every gzip member in `data`, never more than MAX_UNPACKED.

    Raises:
        FormatError: corrupt or truncated data, or too large unpacked.
    """
    out: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest:
            unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
            # max_length bounds what one call may produce: a bomb stops at the cap, not at memory's end.
            chunk = unpacker.decompress(rest, MAX_UNPACKED - size + 1)
            size += len(chunk)
            if size > MAX_UNPACKED or unpacker.unconsumed_tail:
                raise FormatError(f"gzip: unpacks to more than {MAX_UNPACKED // 2**20} MB (a gzip bomb?)")
            if not unpacker.eof:
                raise FormatError("gzip: truncated (the compressed data ends early)")
            out.append(chunk)
            rest = unpacker.unused_data.lstrip(b"\x00")  # members may follow; padding NULs may too
    except zlib.error as exc:
        raise FormatError(f"gzip: corrupt ({str(exc).split(': ', 1)[-1][:80]})") from None
    return b"".join(out)
