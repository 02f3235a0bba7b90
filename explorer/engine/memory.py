"""Allocator tuning for the live app, and keeping what the tuning retains bounded.

Every slider tick allocates a few (h, n, n) float64 arrays (8 MB each at 16 heads x 256 tokens).
glibc serves such blocks with mmap and hands them back to the kernel on free, so the next tick
page-faults every page in again, which costs as much as the softmax itself. Raising the mmap and
trim thresholds keeps freed blocks in the heap for reuse. No effect (and no error) off glibc.

The price is resident memory: freed blocks stay resident, and as sizes change (tokens, heads,
d_model, a new seed) new blocks rarely fit the holes the old ones left, so the heap grows by tens
of megabytes of free pages during a drag (measured: 40-90 MB free against 20-70 MB in use over
3,000 random changes). ``trim_if_slack`` bounds that: after a recompute it estimates the free
heap that is still resident and, past ``SLACK_BYTES``, hands the free pages back
(malloc_trim). Most ticks reuse what they freed and never trim; the occasional trim costs a
fraction of a millisecond plus the page faults of the blocks reused next.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import time
from collections.abc import Callable

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024
TRIM_THRESHOLD = 512 * 1024 * 1024
# resident free heap kept between trims while the allocator is tuned. A safety valve, not a
# per-frame habit: at 32 MB a 256-token drag trimmed on one compute in nine and its p95 went from
# 34 to 49 ms (the next frames fault the pages back in); the idle trim returns the rest.
SLACK_BYTES = 128 * 1024 * 1024


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


_LIBC = _libc()
_tuned = False
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_base: int | None = None  # resident bytes outside the heap's used blocks right after the last trim
stats = {"trims": 0, "checks": 0, "trim_ms": 0.0}  # trims (idle ones included), slack checks


def tune_allocator() -> bool:
    """Return True if glibc accepted the settings (then ``trim_if_slack`` is active)."""
    global _tuned
    try:
        mallopt: Callable[[int, int], int] = _LIBC.mallopt  # type: ignore[union-attr]  # int mallopt(int, int)
    except AttributeError:
        return False
    ok = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    _tuned = ok and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    return _tuned


def heap_info() -> dict[str, int] | None:
    """glibc's heap figures in bytes (mallinfo2, over every arena): ``in_use`` (blocks handed
    out, mmapped ones included), ``free`` (free blocks inside the heap, resident or already
    returned by a trim), ``heap`` (the heap's size), ``mmapped``. None off glibc (or before 2.33)."""
    try:
        mallinfo2 = _LIBC.mallinfo2  # type: ignore[union-attr]
    except AttributeError:
        return None
    mallinfo2.restype = _MallInfo2
    m = mallinfo2()
    return {"in_use": int(m.uordblks + m.hblkhd), "free": int(m.fordblks), "heap": int(m.arena),
            "mmapped": int(m.hblkhd)}


def _rss() -> int:
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[1]) * _PAGE


def release_memory() -> bool:
    """Hand the heap's free blocks back to the system (glibc malloc_trim): the tuned thresholds
    keep freed blocks for the next slider tick, and once the window is idle they are returned, so
    resident memory does not stay at the peak of a drag. False off glibc."""
    global _base
    try:
        malloc_trim: Callable[[int], int] = _LIBC.malloc_trim  # type: ignore[union-attr]  # int malloc_trim(size_t)
    except AttributeError:
        return False
    t0 = time.perf_counter()
    released = bool(malloc_trim(0))
    stats["trim_ms"] += (time.perf_counter() - t0) * 1e3
    _base = None  # measured again at the next check
    stats["trims"] += 1
    return released


def trim_if_slack(max_slack: int | None = None) -> bool:
    """While the allocator is tuned: if the heap's free blocks that are still resident exceed
    ``max_slack`` bytes (SLACK_BYTES), return them to the system now; True if it trimmed.

    The estimate is resident memory minus the heap's used bytes, less the same difference
    measured right after the last trim (what lies outside the heap: code, Python's own arenas,
    Qt): what grew since is free heap made resident again. Costs a mallinfo2 and a read of
    /proc/self/statm (tens of microseconds); off glibc or untuned it does nothing."""
    global _base
    if not _tuned:
        return False
    info = heap_info()
    if info is None:
        return False
    stats["checks"] += 1
    try:
        outside = _rss() - info["in_use"]
    except OSError:
        return False
    if _base is None or outside < _base:
        _base = outside
        return False
    if outside - _base <= (SLACK_BYTES if max_slack is None else max_slack):
        return False
    release_memory()
    after = heap_info()
    try:
        _base = _rss() - (after or info)["in_use"]
    except OSError:
        _base = None
    return True
