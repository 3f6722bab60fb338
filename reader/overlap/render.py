"""Readable text of a pair diff: side by side with a symbol gutter, or unified below 100 columns.

The one renderer of both front ends (`wire diff` and the app's diff screen). Pure functions: a line is a
list of (kind, text) runs. Kinds (KINDS): header, gutter, same, changed, a_only, b_only, del (words only
in a, inside a changed pair), ins (words only in b), flag (a mark such as `!#` just before an edit that
changes a number, a quote or an attribution verb; see flags.py), pad. Front ends map kinds to styles
(the CLI to ANSI, the app to component classes); the symbols and [-…-]/{+…+}/! marks carry the meaning
without colour. Article text passes through `textsafe.inert`, so it can never act as terminal control
sequences or markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reader.models import Segment
from reader.overlap.align import Alignment, WordOp, diff_words
from reader.overlap.flags import FLAG_SYMBOL, flag_text, op_flags
from reader.textsafe import cell_width, fit, inert

Run = tuple[str, str]
Line = list[Run]
Measure = Callable[[str], int]
"""Columns of a string: textsafe.cell_width by default; the app passes Rich's, so columns match what it draws."""
KINDS = ("header", "gutter", "same", "changed", "a_only", "b_only", "del", "ins", "flag", "pad")
SIDE_BY_SIDE_MIN = 100
"""Narrower than this, the diff is unified (one column)."""
MIN_WIDTH = 20
"""Narrower widths are drawn as this many columns (a front end crops)."""
SYMBOL = {"same": "=", "changed": "~", "a_only": "<", "b_only": ">"}
DEL_OPEN, DEL_CLOSE, INS_OPEN, INS_CLOSE = "[-", "-]", "{+", "+}"
FLAG_LEGEND = "flags: " + "  ".join(f"!{s} {name}" for name, s in FLAG_SYMBOL.items()) + " changed"
"""One line a front end can print to explain the flag marks."""


def short_legend(a: str = "a", b: str = "b") -> str:
    """`legend` in one short line (the app's diff header): symbols, word marks and flags."""
    flags = "  ".join(f"!{s} {name}" for name, s in FLAG_SYMBOL.items())
    return (f"{SYMBOL['same']} same  {SYMBOL['changed']} changed  {SYMBOL['a_only']} only {a}  "
            f"{SYMBOL['b_only']} only {b}  {DEL_OPEN}{a}{DEL_CLOSE} {INS_OPEN}{b}{INS_CLOSE}  {flags}")


def legend(a: str = "a", b: str = "b") -> tuple[str, str]:
    """The two legend lines both front ends print above a diff (gutter and word marks; flags), naming the
    sides `a` and `b` as that front end does."""
    return (f"gutter: {SYMBOL['same']} same  {SYMBOL['changed']} changed  {SYMBOL['a_only']} only in {a}  "
            f"{SYMBOL['b_only']} only in {b}; inside changes {DEL_OPEN}{a}'s words{DEL_CLOSE} "
            f"{INS_OPEN}{b}'s words{INS_CLOSE}", FLAG_LEGEND)


def _words(runs: Sequence[Run]) -> list[list[Run]]:
    """Runs split into words, each a list of runs keeping its trailing space, so they can be wrapped.

    A piece with no space after it and a flag mark join the next piece: a word split across runs stays
    whole, and no line ends on a `!#` away from the edit it marks.
    """
    out: list[list[Run]] = []
    glue = False

    def add(piece: Run, joins: bool) -> None:
        nonlocal glue
        if glue and out:
            out[-1].append(piece)
        else:
            out.append([piece])
        glue = joins

    for kind, text in runs:
        text = text.replace("\n", " ")  # a table's rows (kept breaks) run on here: the columns are the layout
        start = 0
        for i, ch in enumerate(text):
            if ch == " " and (i + 1 == len(text) or text[i + 1] != " "):
                add((kind, text[start:i + 1]), kind == "flag")
                start = i + 1
        if start < len(text):
            add((kind, text[start:]), True)
    return out


def _append(line: Line, kind: str, text: str) -> None:
    """Add text to a line, extending its last run when the kind is the same (fewer runs to style)."""
    if line and line[-1][0] == kind:
        line[-1] = (kind, line[-1][1] + text)
    else:
        line.append((kind, text))


def _break(word: Sequence[Run], width: int, measure: Measure = cell_width) -> list[Line]:
    """A word longer than the column, cut into column-wide pieces (kinds kept)."""
    lines: list[Line] = [[]]
    used = 0
    for kind, text in word:
        for ch in text:
            w = measure(ch)
            if used and used + w > width:
                lines.append([])
                used = 0
            _append(lines[-1], kind, ch)
            used += w
    return lines


def wrap(runs: Sequence[Run], width: int, measure: Measure = cell_width) -> list[Line]:
    """Word-wrap runs to `width` columns; a run's kind is kept on every piece."""
    lines: list[Line] = [[]]
    used = 0
    for word in _words(runs):
        text = "".join(t for _, t in word)
        w = measure(text.rstrip(" "))
        if used and used + w > width:
            lines.append([])
            used = 0
        if w > width:
            # Here the line is empty (any word before it made a new one): the pieces fill it and the next.
            pieces = _break([*word[:-1], (word[-1][0], word[-1][1].rstrip(" "))], width, measure)
            lines[-1].extend(pieces[0])
            lines.extend(pieces[1:])
            used = sum(measure(t) for _, t in lines[-1])
            trailing = text[len(text.rstrip(" ")):]
            if trailing:  # the space after it, so the next word does not run on
                _append(lines[-1], word[-1][0], trailing)
                used += measure(trailing)
            continue
        for kind, piece in word:
            _append(lines[-1], kind, piece)
        used += measure(text)
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


def _pad(line: Line, width: int, measure: Measure = cell_width) -> Line:
    used = sum(measure(t) for _, t in line)
    return line + [("pad", " " * (width - used))] if used < width else line


def side_by_side(width: int) -> bool:
    """Whether a diff `width` columns wide is drawn side by side (else unified)."""
    return max(width, MIN_WIDTH) >= SIDE_BY_SIDE_MIN


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
    lines = header_lines(width, title_a, title_b)
    for seg, seg_ops in zip(segments, all_ops, strict=True):
        lines.extend(segment_lines(seg, seg_ops, width))
    return lines


def header_lines(width: int, title_a: str, title_b: str, measure: Measure = cell_width) -> list[Line]:
    """The titles above the passages: one line of two columns side by side, `< a` and `> b` unified."""
    width = max(width, MIN_WIDTH)
    if not side_by_side(width):
        return [[("header", fit(f"{SYMBOL['a_only']} {_clean(title_a)}", width, measure))],
                [("header", fit(f"{SYMBOL['b_only']} {_clean(title_b)}", width, measure))]]
    col = (width - 3) // 2
    head_a, head_b = fit(_clean(title_a), col, measure), fit(_clean(title_b), col, measure)
    return [_pad([("header", head_a)], col, measure) + [("gutter", " | "), ("header", head_b)]]


def segment_lines(seg: Segment, ops: Sequence[WordOp] | None, width: int,
                  measure: Measure = cell_width) -> list[Line]:
    """The lines of one passage `width` columns wide, gutter symbol included on each: side by side
    (a's column, ` ~ `, b's column) from SIDE_BY_SIDE_MIN columns, else unified (`~ ` and one column).

    Front ends that need to know which passage a line belongs to (the app's change jumps) call this per
    segment; `render` joins them under the header."""
    width = max(width, MIN_WIDTH)
    symbol = SYMBOL[seg.kind]
    if not side_by_side(width):
        return [[("gutter", symbol + " "), *line] for line in wrap(unified_runs(seg, ops), width - 2, measure)]
    col = (width - 3) // 2
    left, right = segment_runs(seg, ops)
    lw, rw = wrap(left, col, measure) if left else [], wrap(right, col, measure) if right else []
    lines = []
    for k in range(max(len(lw), len(rw))):
        l_line = lw[k] if k < len(lw) else []
        r_line = rw[k] if k < len(rw) else []
        lines.append(_rstrip([*_pad(l_line, col, measure), ("gutter", f" {symbol} "), *r_line]))
    return lines


def to_text(lines: Sequence[Line]) -> str:
    """Plain text of rendered lines (for `--plain` output, tests and files)."""
    return "\n".join("".join(text for _, text in line) for line in lines)
