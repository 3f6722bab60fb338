"""Text out of bytes: the encoding found (UTF-8, UTF-16, else detected), paragraphs split from lines."""

from __future__ import annotations

import re


def _utf16(data: bytes) -> str | None:
    """The UTF-16 codec of `data` when it has a UTF-16 BOM, or its start has NULs on one side of each pair."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:4096]
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    # ASCII-range text in UTF-16 has a NUL in (nearly) every high byte and in no low byte.
    if odd >= 0.6 * pairs and even == 0:
        return "utf-16-le"
    if even >= 0.6 * pairs and odd == 0:
        return "utf-16-be"
    # Text of one script (Cyrillic, Greek) has one high byte (0x04, 0x03) for its letters and NUL for its
    # spaces and punctuation, and no NUL in its low bytes; a binary file's bytes vary on both sides.
    if pairs >= 16:
        for codec, high, low, nuls in (("utf-16-le", head[1::2], head[0::2], odd), ("utf-16-be", head[0::2],
                                                                                     head[1::2], even)):
            if low.count(0) == 0 and nuls >= 0.05 * pairs and len(set(high)) <= 3:
                return codec
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """`text` fit to store and print: lone surrogates (from JSON or YAML escapes) replaced, NULs dropped."""
    return _SURROGATE.sub("\ufffd", text).replace("\x00", "")



def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM, or detected); otherwise the encoding charset-normalizer
    finds (cp1251, latin-2, UTF-16 of non-Latin text …), and cp1252, whose every byte decodes, when it finds
    none: a file never crashes us. Line ends become `\\n`."""
    codec = _utf16(data)
    if codec:
        text = data.decode(codec, errors="replace").lstrip("\ufeff")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _detected(data)
    return text.replace("\r\n", "\n").replace("\r", "\n")


MOSTLY_UTF8 = 2
"""A file with this many well-formed non-ASCII UTF-8 characters for each broken sequence is UTF-8 with a
few bad bytes (a truncated copy, one pasted Latin-1 word): text in a single-byte encoding almost never
forms a valid multi-byte sequence."""
PREFERRED = ("cp1252",)
"""Among encodings that read a file equally well, this one wins: Western single-byte text is the commonest,
and charset-normalizer cannot tell cp1252 from cp1250 on a French or German text whose accents both share."""


def _detected(data: bytes) -> str:
    """Text that is not valid UTF-8, in the encoding it most likely has."""
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    wide = len(loose) - len(loose.encode("ascii", errors="ignore")) - bad - data.count(b"\xef\xbf\xbd")
    if wide >= MOSTLY_UTF8 * bad:
        return loose.lstrip("\ufeff")
    return data.decode(detect(data), errors="replace").lstrip("\ufeff")


def detect(sample: bytes) -> str:
    """The codec charset-normalizer finds for `sample` (bytes that are not UTF-8), else cp1252.

    A caller with markup passes the text alone (html.py strips tags first): the detector weighs the
    language of what it decodes, and a page of English markup outvotes a story in Russian.
    """
    import charset_normalizer  # here: most corpora are UTF-8, and `wire search` start-up is measured
    from charset_normalizer.utils import is_multi_byte_encoding

    matches = list(charset_normalizer.from_bytes(sample[:256 * 1024]))
    if not matches:
        return "cp1252"
    if is_multi_byte_encoding(matches[0].encoding):  # UTF-16 without BOM, GB18030, Shift JIS …: its word
        return matches[0].encoding
    least = min(m.chaos for m in matches)
    # The detector ranks close single-byte code pages by its language models, which a few accents do not
    # settle (it reads "São" as cp1250's "Săo"). Among those as clean as the best, the one that decodes the
    # most distinct bytes from 0xA0 up to letters wins (below, cp1252 has punctuation where DOS and Mac pages
    # have letters); on a tie cp1252, then the detector's order.
    high = bytes(sorted({b for b in sample[:256 * 1024] if b >= 0xa0}))
    scored = []
    for rank, match in enumerate(matches):
        if match.chaos > least + 0.01 or is_multi_byte_encoding(match.encoding):
            continue
        letters = sum(ch.isalpha() for ch in high.decode(match.encoding, errors="replace"))
        scored.append((-letters, match.encoding not in PREFERRED, rank, match.encoding))
    return min(scored)[3] if scored else "cp1252"


EARLY_BREAK = 0.85
"""A line shorter than this share of the text's widest line, when the next word would have fitted on it,
ended early (a paragraph's last line, a row of a table), rather than being wrapped."""
MIN_WRAP = 40
"""Texts whose widest line is narrower than this are not taken to be hard-wrapped: their lines all join."""
_SENTENCE_END = frozenset(".!?\"'\u201d\u2019\u00bb)\u3002\u06d4")
MAX_PARAGRAPHS = 5000
"""A text with more paragraphs has runs of them joined (as lines of one paragraph), so that it has at
most this many: 200,000 one-line paragraphs cost every stage per-paragraph work (boilerplate rules,
repetition keys, JSON rows) for nothing a reader can use. No news article comes near it."""


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; wrapped lines inside one are joined.

    A text with no blank line at all is either one paragraph per line, or hard-wrapped with
    indented first lines (as old wire copy is); indentation decides. Inside a block, an indented
    line after a finished sentence that ended early starts a new paragraph too, and a run of lines
    that all ended early keeps its line breaks, so results tables ("Shr 22 cts vs 15 cts" / "Revs
    12.3 mln vs 10.1 mln") stay rows instead of running into one line.
    """
    text = text.strip("\n")
    if not text.strip():
        return []
    if re.search(r"\n[ \t]*\n", text):
        blocks = re.split(r"\n[ \t]*\n", text)
    elif any(line[:1] in (" ", "\t") for line in text.split("\n")[1:]):
        blocks = re.split(r"\n(?=[ \t])", text)
    else:
        blocks = text.split("\n")
    width = max(len(line.rstrip()) for line in text.split("\n"))
    paragraphs = []
    for block in blocks:
        paragraphs += _block_paragraphs([line for line in block.split("\n") if line.strip()], width)
    if len(paragraphs) > MAX_PARAGRAPHS:
        run = -(-len(paragraphs) // MAX_PARAGRAPHS)
        paragraphs = ["\n".join(paragraphs[i:i + run]) for i in range(0, len(paragraphs), run)]
    return paragraphs


def _block_paragraphs(lines: list[str], width: int) -> list[str]:
    """The paragraphs of one block of non-blank lines (see split_paragraphs)."""
    if not lines:
        return []
    room = [len(a.strip()) + 1 + len(b.split(None, 1)[0]) for a, b in zip(lines, lines[1:], strict=False)]
    early = [width >= MIN_WRAP and r <= EARLY_BREAK * width for r in room] + [False]
    paragraphs, current = [], lines[0].strip()
    for i in range(1, len(lines)):
        line = lines[i].strip()
        # Indented after a finished sentence that left room for the next word: a new paragraph.
        if lines[i][:1] in " \t" and current[-1] in _SENTENCE_END and width >= MIN_WRAP and room[i - 1] <= width:
            paragraphs.append(current)
            current = line
        elif early[i - 1] and (early[i] or (i >= 2 and early[i - 2])):
            current += "\n" + line  # one of a run of short lines: rows of a table, a list
        else:
            current += " " + line
    paragraphs.append(current)
    return paragraphs
