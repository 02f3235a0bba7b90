"""Placing many panels in a pyqtgraph GraphicsLayout quickly and in a good shape."""
from __future__ import annotations

import math
from contextlib import contextmanager

import pyqtgraph as pg


def grid_columns(n_panels: int, width: float, height: float) -> int:
    """The column count that gives the largest near-square panels in a width x height area."""
    if width <= 0 or height <= 0:
        return math.ceil(math.sqrt(n_panels))
    best, best_side = 1, -1.0
    for cols in range(1, n_panels + 1):
        rows = math.ceil(n_panels / cols)
        side = min(width / cols, height / rows)
        if side > best_side + 1e-9:
            best, best_side = cols, side
    return best


@contextmanager
def one_layout_pass(view: pg.GraphicsLayoutWidget):
    """pyqtgraph's GraphicsLayout.addItem re-lays out the whole grid after every item; placing
    16 panels that way costs 16 layout passes. Defer them and lay out once at the end, then fit
    the layout back to the view (activating it may grow it to its preferred size)."""
    grid = view.ci.layout
    grid.activate = lambda: None  # shadows the C++ method on this wrapper only
    try:
        yield
    finally:
        del grid.activate
        grid.activate()
        view.resizeEvent(None)
