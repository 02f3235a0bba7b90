"""Allocator tuning for the live app.

Every slider tick allocates a few (h, n, n) float64 arrays (8 MB each at 16 heads x 256 tokens).
glibc serves such blocks with mmap and hands them back to the kernel on free, so the next tick
page-faults every page in again, which costs as much as the softmax itself. Raising the mmap and
trim thresholds keeps freed blocks in the heap for reuse. No effect (and no error) off glibc.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def tune_allocator() -> bool:
    """Return True if glibc accepted the settings."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt: Callable[[int, int], int] = libc.mallopt  # int mallopt(int param, int value)
    except (OSError, AttributeError):
        return False
    ok = mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1
    return ok and mallopt(_M_TRIM_THRESHOLD, 512 * 1024 * 1024) == 1


def release_memory() -> bool:
    """Hand the heap's free blocks back to the system (glibc malloc_trim): the tuned thresholds
    keep freed blocks for the next slider tick, and once the window is idle they are returned, so
    resident memory does not stay at the peak of a drag. False off glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        malloc_trim: Callable[[int], int] = libc.malloc_trim  # int malloc_trim(size_t pad)
    except (OSError, AttributeError):
        return False
    return bool(malloc_trim(0))
