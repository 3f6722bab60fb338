"""The Textual front end: `make_app(library)` builds the app the `wire` command runs."""

from __future__ import annotations

from reader.tui.app import WireApp, make_app

__all__ = ["WireApp", "make_app"]
