"""The one exception type a user can cause; the CLI prints it as `wire: error: …`."""

from __future__ import annotations


class WireError(Exception):
    """An error the user can cause and fix (bad path, malformed file, unknown id): one line, no traceback."""
