"""Caches bounded by bytes, not entries: one budget shared by every cache of the engine.

A trace at 16 heads x 256 tokens holds tens of megabytes, a weight matrix at d_model 512 two, a
token vector four kilobytes: a bound by entry count says nothing about memory. Here each entry
is stored with its size in bytes; a ``ByteBudget`` orders the entries of all the caches that
share it by last use, and when their total passes ``max_bytes`` it drops the least recently
used entry, whichever cache holds it. An entry larger than the whole budget is not kept.

Sizes are what an entry may hold, counted when it is stored (see ``nbytes_of``); an array that
two entries share is counted twice, so the real memory is at most the accounted total."""
from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar, overload

import numpy as np


def _default_max_bytes() -> int:
    """64 MB, or ATTENTION_EXPLORER_CACHE_MB megabytes if that is set to a number."""
    try:
        return max(0, int(float(os.environ.get("ATTENTION_EXPLORER_CACHE_MB", "64")) * 2**20))
    except ValueError:
        return 64 * 2**20


DEFAULT_MAX_BYTES = _default_max_bytes()
ENTRY_OVERHEAD = 200  # bytes for the dictionaries' slots and the key of one entry


def nbytes_of(value: object) -> int:
    """The bytes of the arrays in ``value`` (an array, or tuples/lists of them; other objects
    count as ENTRY_OVERHEAD, strings as their length)."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, (tuple, list)):
        return sum(nbytes_of(v) for v in value)
    if isinstance(value, str):
        return len(value)
    return ENTRY_OVERHEAD


class ByteBudget:
    """The byte limit shared by several ``ByteLRU`` caches, evicting across all of them."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = int(max_bytes)
        self.used = 0
        self._order: OrderedDict[tuple[int, Hashable], tuple[ByteLRU[Any, Any], int]] = OrderedDict()
        self.evictions = 0

    def __len__(self) -> int:
        return len(self._order)

    def _touch(self, cache: ByteLRU[Any, Any], key: Hashable) -> None:
        self._order.move_to_end((id(cache), key))

    def _add(self, cache: ByteLRU[Any, Any], key: Hashable, nbytes: int) -> None:
        slot = (id(cache), key)
        self._order[slot] = (cache, nbytes)
        self._order.move_to_end(slot)
        self.used += nbytes
        while self.used > self.max_bytes and len(self._order) > 1:
            (_, old_key), (owner, size) = self._order.popitem(last=False)
            self.used -= size
            owner._data.pop(old_key, None)
            self.evictions += 1

    def _remove(self, cache: ByteLRU[Any, Any], key: Hashable) -> None:
        entry = self._order.pop((id(cache), key), None)
        if entry is not None:
            self.used -= entry[1]

    def clear(self) -> None:
        for cache, _ in list(self._order.values()):
            cache._data.clear()
        self._order.clear()
        self.used = 0

    def resize(self, max_bytes: int) -> None:
        """A new limit; entries are dropped (least recently used first) until they fit."""
        self.max_bytes = int(max_bytes)
        while self.used > self.max_bytes and self._order:
            (_, old_key), (owner, size) = self._order.popitem(last=False)
            self.used -= size
            owner._data.pop(old_key, None)
            self.evictions += 1


DEFAULT_BUDGET = ByteBudget()

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


class ByteLRU(Generic[K, V]):
    """A least-recently-used mapping whose entries count against a ``ByteBudget``. Optionally
    also bounded by ``max_entries`` (for caches whose entries are useful only a few at a time)."""

    def __init__(self, budget: ByteBudget | None = None, max_entries: int | None = None) -> None:
        self.budget = budget if budget is not None else DEFAULT_BUDGET
        self.max_entries = max_entries
        self._data: OrderedDict[K, V] = OrderedDict()  # least recently used first

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: T) -> V | T: ...

    def get(self, key: K, default: object = None) -> object:
        """The value for ``key`` (now the most recently used), or ``default``."""
        value: object = self._data.get(key, _MISSING)
        if value is _MISSING:
            return default
        self._data.move_to_end(key)
        self.budget._touch(self, key)
        return value

    def put(self, key: K, value: V, nbytes: int | None = None) -> V:
        """Keep ``value`` under ``key`` as the most recently used entry, ``nbytes`` in size
        (``nbytes_of(value)`` if not given); returns ``value``."""
        size = (nbytes_of(value) if nbytes is None else int(nbytes)) + ENTRY_OVERHEAD
        if key in self._data:
            self.pop(key)
        if size > self.budget.max_bytes:
            return value  # larger than the whole budget: used, not kept
        self._data[key] = value
        self.budget._add(self, key, size)
        if self.max_entries is not None:
            while len(self._data) > self.max_entries:
                self.pop(self._oldest_key())
        return value

    def size_of(self, key: K) -> int:
        """The bytes ``key``'s entry is accounted at (0 if it is not kept)."""
        entry = self.budget._order.get((id(self), key))
        return 0 if entry is None else entry[1]

    def resize(self, key: K, nbytes: int) -> None:
        """Account ``key``'s entry at ``nbytes`` now (it grew or shrank); entries are dropped,
        least recently used first, if the budget is passed. The entry keeps its place in the order."""
        slot = (id(self), key)
        entry = self.budget._order.get(slot)
        if entry is None:
            return
        size = int(nbytes) + ENTRY_OVERHEAD
        self.budget._order[slot] = (self, size)
        self.budget.used += size - entry[1]
        self.budget.resize(self.budget.max_bytes)

    @overload
    def pop(self, key: K) -> V | None: ...

    @overload
    def pop(self, key: K, default: T) -> V | T: ...

    def pop(self, key: K, default: object = None) -> object:
        if key not in self._data:
            return default
        self.budget._remove(self, key)
        return self._data.pop(key)

    def _oldest_key(self) -> K:
        return next(iter(self._data))

    def items(self) -> list[tuple[K, V]]:
        """(key, value) pairs, least recently used first (a snapshot; safe to modify the cache while looping)."""
        return list(self._data.items())

    def clear(self) -> None:
        for key in list(self._data):
            self.pop(key)

    @property
    def nbytes(self) -> int:
        """The bytes this cache's entries are accounted at."""
        mine = id(self)
        return sum(self.budget._order[(mine, k)][1] for k in self._data)


_MISSING = object()
