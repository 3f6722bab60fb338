"""Screens: the main screen, the wire-copy diff (pushed on demand) and the help."""

from __future__ import annotations
