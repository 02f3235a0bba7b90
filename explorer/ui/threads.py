"""Keep Python's cyclic garbage collector on the GUI thread while work runs in other threads.

A collection can run in whichever thread happens to allocate; if it frees a Qt object there
(a widget of a window already closed), Qt destroys it off the GUI thread and the process can
deadlock. So before background work starts, garbage is collected on the GUI thread, and the
collector is paused until the last background job ends (reference counting still frees every
array at once; only reference cycles wait)."""
from __future__ import annotations

import gc

_active = [0]
_was_enabled = [True]


def begin_background() -> None:
    """Call on the GUI thread before starting work in another thread."""
    if _active[0] == 0:
        _was_enabled[0] = gc.isenabled()
        gc.collect()
        gc.disable()
    _active[0] += 1


def end_background() -> None:
    """Call on the GUI thread when that work has ended."""
    if _active[0] == 0:
        return
    _active[0] -= 1
    if _active[0] == 0 and _was_enabled[0]:
        gc.enable()
