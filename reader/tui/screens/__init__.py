"""Screens: the main screen, the help, and two pushed on demand (the wire-copy diff, the export dialog)."""

from __future__ import annotations
