"""The reader's own themes: every colour is an exact xterm-256 palette entry, so nothing shifts over SSH."""

from __future__ import annotations

from textual.theme import Theme

DEFAULT_THEME = "wire-256"
ANSI_THEMES = ("ansi-dark", "ansi-light")
"""Textual's themes that use the terminal's own 16 colours (they follow the user's palette)."""

# Without COLORTERM (SSH does not forward it) Textual maps truecolour to the nearest of 256
# colours; picking base colours that are already palette entries (the 6x6x6 cube: 00 5f 87 af d7 ff;
# the grey ramp: 08 12 1c 26 30 3a … ee) keeps the theme exactly as designed there.
WIRE_256 = Theme(
    name="wire-256",
    dark=True,
    background="#1c1c1c",
    surface="#262626",
    panel="#3a3a3a",
    foreground="#d0d0d0",
    primary="#5f87d7",
    secondary="#87afaf",
    accent="#d7af5f",
    warning="#d7af00",
    error="#ff8787",  # #d75f5f was 4.1:1 on the surface: under WCAG AA for the diff's removed words
    success="#87af5f",
)
WIRE_256_LIGHT = Theme(
    name="wire-256-light",
    dark=False,
    background="#eeeeee",
    surface="#e4e4e4",
    panel="#d0d0d0",
    foreground="#1c1c1c",
    primary="#005faf",
    secondary="#005f5f",
    accent="#af5f00",
    warning="#af8700",
    error="#af0000",
    success="#5f8700",
)
THEMES = (WIRE_256, WIRE_256_LIGHT)
