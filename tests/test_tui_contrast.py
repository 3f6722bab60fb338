"""Text of the default theme reaches 4.5:1 contrast (WCAG AA) on every screen, as drawn: list, sidebar, reading
view, timeline, help, diff. Borders and scrollbars (box-drawing and block characters) are decoration, left out."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.constants import DIM_FACTOR
from textual.screen import ModalScreen

from reader.tui import make_app
from reader.tui.screens.diff import DiffScreen
from tests.test_tui_support import open_library, pilot_test, ready, settle, until

MINIMUM = 4.5


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(v: int) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _decoration(text: str) -> bool:
    return all(ch.isspace() or 0x2500 <= ord(ch) <= 0x259F or ch in "…" for ch in text)


def low_contrast(app) -> list[tuple[int, str, float]]:
    """(row, text, ratio) of every drawn run of text under MINIMUM, dim text blended as Textual draws it. Over a
    modal screen only its box counts: the screen behind is tinted on purpose, to show it is not in use."""
    box = next(iter(app.screen.children)).region if isinstance(app.screen, ModalScreen) else None
    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            style, x, start = segment.style, x + cell_len(segment.text), x
            if box is not None and not (box.y <= y < box.bottom and box.x <= start < box.right):
                continue
            if style is None or _decoration(segment.text) or style.color is None or style.bgcolor is None:
                continue
            fg, bg = tuple(style.color.get_truecolor()), tuple(style.bgcolor.get_truecolor())
            if style.dim:
                fg = tuple(int(b + (f - b) * DIM_FACTOR) for f, b in zip(fg, bg, strict=True))
            if style.reverse:
                fg, bg = bg, fg
            ratio = contrast(fg, bg)
            if ratio < MINIMUM:
                found.append((y, segment.text.strip(), round(ratio, 2)))
    return found


def test_the_contrast_formula():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


@pilot_test
async def test_every_screen_of_the_default_theme_reaches_4_5_to_1(home):
    lib = open_library(home)
    app = make_app(lib)
    try:
        async with app.run_test(size=(110, 40)) as pilot:  # the sidebar shown beside the list
            await ready(pilot)
            seen = {"list and sidebar": low_contrast(app)}
            await pilot.press("T")
            await pilot.pause()
            seen["timeline"] = low_contrast(app)
            await pilot.press("T", "g", "j", "j", "enter")  # T hides it again; 002, with its wire copies listed
            await settle(pilot)
            seen["reading view"] = low_contrast(app)
            await pilot.press("question_mark")
            await pilot.pause()
            seen["help"] = low_contrast(app)
            await pilot.press("escape", "d")
            await until(pilot, lambda: isinstance(app.screen, DiffScreen) or app.screen.__class__.__name__ ==
                        "CopyChooser", what="the diff or the copy chooser")
            if not isinstance(app.screen, DiffScreen):
                await pilot.press("enter")
                await until(pilot, lambda: isinstance(app.screen, DiffScreen), what="the diff")
            await settle(pilot)
            seen["diff"] = low_contrast(app)
        assert {where: found for where, found in seen.items() if found} == {}
    finally:
        lib.close()
