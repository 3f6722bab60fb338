"""Feeds: subscriptions (user state), fetching over http(s), and each new item written once into the corpus."""

from __future__ import annotations

import importlib

_WHERE = {
    "Bookkeeping": "bookkeeping", "Fetched": "bookkeeping",
    "Result": "fetching", "fetch": "fetching",
    "FOLDER": "items", "check_writable": "items", "delete_items": "items",
    "Feed": "subscriptions", "check_url": "subscriptions", "feeds": "subscriptions", "find": "subscriptions",
    "find_in": "subscriptions", "subscribe": "subscriptions", "unsubscribe": "subscriptions",
}
"""Each public name and the module it is in. None is also a module's name: importing that module would set the
package's attribute to the module, hiding the name (why fetching.py is not fetch.py)."""
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    """Each name loaded from its module when first used (PEP 562): every `wire` command and the app import this
    package for their parsers and keys, and http.client, ssl and the feed parser cost ~90 ms to load, which
    `wire search` would otherwise pay without fetching anything."""
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once loaded, an ordinary attribute
    return value
