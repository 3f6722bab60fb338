"""Readable text of a pair diff: side by side with a symbol gutter, or unified below 100 columns.

Pure functions: a line is a list of (kind, text) runs. Kinds: header, gutter, same, changed, a_only,
b_only, del (words only in a, inside a changed pair), ins (words only in b), flag (a mark such as `!#`
just before an edit that changes a number, a quote or an attribution verb; see flags.py), pad. Front
ends map kinds to colours; the symbols and [-…-]/{+…+}/! marks carry the meaning without colour. Article text passes
through `textsafe.inert`, so it can never act as terminal control sequences or markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.models import Segment
from reader.overlap.align import Alignment, WordOp, diff_words
from reader.overlap.flags import FLAG_SYMBOL, flag_text, op_flags
from reader.textsafe import cell_width, inert  # noqa: F401 — cell_width is re-exported

Run = tuple[str, str]
Line = list[Run]
SIDE_BY_SIDE_MIN = 100
"""Narrower than this, the diff is unified (one column)."""
SYMBOL = {"same": "=", "changed": "~", "a_only": "<", "b_only": ">"}
DEL_OPEN, DEL_CLOSE, INS_OPEN, INS_CLOSE = "[-", "-]", "{+", "+}"
FLAG_LEGEND = "flags: " + "  ".join(f"!{s} {name}" for name, s in FLAG_SYMBOL.items()) + " changed"
"""One line a front end can print to explain the flag marks."""


def _words(runs: Sequence[Run]) -> list[Run]:
    """Split runs into single words (each keeps its trailing space) so they can be wrapped."""
    out: list[Run] = []
    for kind, text in runs:
        text = text.replace("\n", " ")  # a table's rows (kept breaks) run on here: the columns are the layout
        start = 0
        for i, ch in enumerate(text):
            if ch == " " and (i + 1 == len(text) or text[i + 1] != " "):
                out.append((kind, text[start:i + 1]))
                start = i + 1
        if start < len(text):
            out.append((kind, text[start:]))
    return out


def _break(kind: str, word: str, width: int) -> list[Run]:
    """A word longer than the column, cut into column-wide pieces."""
    pieces, cur = [], ""
    for ch in word:
        if cell_width(cur + ch) > width:
            pieces.append((kind, cur))
            cur = ""
        cur += ch
    return pieces + ([(kind, cur)] if cur else [])


def wrap(runs: Sequence[Run], width: int) -> list[Line]:
    """Word-wrap runs to `width` columns; a run's kind is kept on every piece."""
    lines: list[Line] = [[]]
    used = 0
    for kind, word in _words(runs):
        w = cell_width(word.rstrip(" "))
        if used and used + w > width:
            lines.append([])
            used = 0
        if w > width:
            for piece in _break(kind, word.rstrip(" "), width):
                if used:
                    lines.append([])
                lines[-1].append(piece)
                used = cell_width(piece[1])
            continue
        lines[-1].append((kind, word))
        used += cell_width(word)
    return [_rstrip(line) for line in lines]


def _rstrip(line: Line) -> Line:
    while line and not line[-1][1].strip():
        line = line[:-1]
    if line:
        line = line[:-1] + [(line[-1][0], line[-1][1].rstrip(" "))]
    return line


def _clean(text: str) -> str:
    return inert(" ".join(text.split()))


def _side(ops: Sequence[WordOp], side: str) -> list[Run]:
    """Runs of one side of a changed pair: equal words plain, own words marked."""
    runs: list[Run] = []
    for op, found in zip(ops, op_flags(ops), strict=True):
        text = _clean(op.a if side == "a" else op.b)
        if not text:
            continue
        if found:  # on both columns, so each side of a flagged edit carries the mark
            runs.append(("flag", flag_text(found) + " "))
        if op.kind == "equal":
            runs.append(("changed", text + " "))
        elif side == "a":
            runs.append(("del", f"{DEL_OPEN}{text}{DEL_CLOSE} "))
        else:
            runs.append(("ins", f"{INS_OPEN}{text}{INS_CLOSE} "))
    return runs


def _ops(seg: Segment, ops: Sequence[WordOp] | None) -> Sequence[WordOp]:
    return ops if ops else diff_words(seg.a, seg.b)


def segment_runs(seg: Segment, ops: Sequence[WordOp] | None = None) -> tuple[list[Run], list[Run]]:
    """The a-column and b-column runs of a segment (empty list for the missing side)."""
    if seg.kind == "same":
        return [("same", _clean(seg.a))], [("same", _clean(seg.b))]
    if seg.kind == "a_only":
        return [("a_only", _clean(seg.a))], []
    if seg.kind == "b_only":
        return [], [("b_only", _clean(seg.b))]
    word_ops = _ops(seg, ops)
    return _side(word_ops, "a"), _side(word_ops, "b")


def unified_runs(seg: Segment, ops: Sequence[WordOp] | None = None) -> list[Run]:
    """One-column runs of a segment: a changed pair reads as a's text with b's edits inline."""
    if seg.kind in ("same", "a_only"):
        return segment_runs(seg, ops)[0]
    if seg.kind == "b_only":
        return segment_runs(seg, ops)[1]
    runs: list[Run] = []
    word_ops = _ops(seg, ops)
    for op, found in zip(word_ops, op_flags(word_ops), strict=True):
        a, b = _clean(op.a), _clean(op.b)
        if op.kind == "equal":
            runs.append(("changed", a + " "))
            continue
        if found:
            runs.append(("flag", flag_text(found) + " "))
        if a:
            runs.append(("del", f"{DEL_OPEN}{a}{DEL_CLOSE} "))
        if b:
            runs.append(("ins", f"{INS_OPEN}{b}{INS_CLOSE} "))
    return runs


def _pad(line: Line, width: int) -> Line:
    used = sum(cell_width(t) for _, t in line)
    return line + [("pad", " " * (width - used))] if used < width else line


def render(diff: Alignment | Sequence[Segment], width: int = 100, title_a: str = "a", title_b: str = "b",
           ops: Sequence[Sequence[WordOp]] | None = None) -> list[Line]:
    """Lines of a readable diff, side by side when `width` >= 100, else unified.

    Args:
        diff: An Alignment, or bare segments (word ops are then recomputed for changed ones).
        width: Total columns available.
        title_a: Header for the a side (an article id or title).
        title_b: Header for the b side.
        ops: Word ops per segment when `diff` is bare segments and they are at hand.
    """
    if isinstance(diff, Alignment):
        segments, ops = diff.segments, diff.ops
    else:
        segments = tuple(diff)
    all_ops = list(ops) if ops is not None else [()] * len(segments)
    width = max(width, 20)
    if width < SIDE_BY_SIDE_MIN:
        return _unified(segments, all_ops, width, title_a, title_b)
    return _side_by_side(segments, all_ops, width, title_a, title_b)


def _unified(segments, all_ops, width, title_a, title_b) -> list[Line]:
    text_w = width - 2
    lines: list[Line] = [[("header", _fit(f"{SYMBOL['a_only']} {_clean(title_a)}", width))],
                         [("header", _fit(f"{SYMBOL['b_only']} {_clean(title_b)}", width))]]
    for seg, ops in zip(segments, all_ops, strict=True):
        for line in wrap(unified_runs(seg, ops), text_w):
            lines.append([("gutter", SYMBOL[seg.kind] + " "), *line])
    return lines


def _side_by_side(segments, all_ops, width, title_a, title_b) -> list[Line]:
    col = (width - 3) // 2
    head_a, head_b = _fit(_clean(title_a), col), _fit(_clean(title_b), col)
    lines: list[Line] = [_pad([("header", head_a)], col) + [("gutter", " | "), ("header", head_b)]]
    for seg, ops in zip(segments, all_ops, strict=True):
        left, right = segment_runs(seg, ops)
        lw, rw = wrap(left, col) if left else [], wrap(right, col) if right else []
        for k in range(max(len(lw), len(rw))):
            l_line = lw[k] if k < len(lw) else []
            r_line = rw[k] if k < len(rw) else []
            lines.append(_rstrip([*_pad(l_line, col), ("gutter", f" {SYMBOL[seg.kind]} "), *r_line]))
    return lines


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` columns with an ellipsis."""
    if cell_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def to_text(lines: Sequence[Line]) -> str:
    """Plain text of rendered lines (for `--plain` output, tests and files)."""
    return "\n".join("".join(text for _, text in line) for line in lines)
