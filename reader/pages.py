"""Pages of an iterable: how a pass over 100,000 articles holds a few hundred of them at a time."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def pages(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` as lists of `size` (the last one shorter), read as they are asked for."""
    source = iter(items)
    while page := list(itertools.islice(source, size)):
        yield page
