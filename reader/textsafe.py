"""Text bound for a terminal: control and bidi characters made inert, widths counted in columns."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# C0 controls except tab and newline, DEL, C1 controls (ESC-free CSI/OSC on some terminals), the
# bidirectional marks, embeddings, overrides and isolates that can reorder what a reader sees (U+061C
# ARABIC LETTER MARK among them), the line and paragraph separators that some terminals and editors
# take for a line break, and the interlinear annotation characters that hide text between them.
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufff9-\ufffb"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{_BEYOND_C0}]")
_JSON_UNSAFE = re.compile(f"[{_BEYOND_C0}]")
"""What JSON leaves raw of those: json.dumps escapes every C0 control itself."""


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """Return `text` with every character that could act on a terminal shown as `\\xNN` / `\\uNNNN`."""
    return _UNSAFE.sub(_escape, text)


def json_inert(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with the characters `inert` escapes, and
    that JSON leaves raw, written as `\\uNNNN` escapes: the same JSON value, safe on a terminal and
    on one line (str.splitlines() and some editors break a line at U+2028 and the C1 controls)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def cell_width(text: str) -> int:
    """Terminal columns of `text`: wide (CJK) characters take two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def fit(text: str, width: int, measure: Callable[[str], int] = cell_width) -> str:
    """`text` cut to `width` terminal columns with an ellipsis; `measure` counts a string's columns
    (the TUI passes Rich's, so cuts match what Textual draws)."""
    if measure(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = measure(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int, measure: Callable[[str], int] = cell_width) -> str:
    """`text` padded with spaces to `width` columns."""
    return text + " " * max(0, width - measure(text))



_LINKABLE = re.compile(r"https?://[!-~]+", re.I)


def openable_url(url: str | None) -> str | None:
    """`url` if it may be opened, copied or made a terminal link: http(s) only, printable ASCII without
    spaces (no control character can end an OSC 8 link or a browser's argument early); else None."""
    return url if url and _LINKABLE.fullmatch(url) else None
