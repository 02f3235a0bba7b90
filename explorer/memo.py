"""Memos bounded by their number of entries that start again when full.

Label plans, label boxes, prepared label texts and measured label widths are cheap to make once
and asked for again and again while a slider moves; over a long session they would grow with
every text typed and every size the window had. A ``Memo`` keeps at most ``limit`` entries and
empties itself when a new one would pass that: no order to maintain on every hit (as a
least-recently-used cache would), and what a drag asks for is made again in one frame."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict[K, V]):
    """A dict of at most ``limit`` entries: ``keep`` empties it first when it is full."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        if limit < 1:
            raise ValueError(f"a memo keeps at least one entry, not {limit}")
        self.limit = limit

    def keep(self, key: K, value: V) -> V:
        """Remember ``value`` under ``key`` (emptying the memo first if it is full); returns it."""
        if key not in self and len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The value under ``key``, made by ``make()`` and kept if there is none."""
        try:
            return self[key]
        except KeyError:
            return self.keep(key, make())
