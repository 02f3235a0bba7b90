"""Placing many panels in a pyqtgraph GraphicsLayout quickly and in a good shape."""
from __future__ import annotations

import math

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


def place(view: pg.GraphicsLayoutWidget, cells: list[tuple[object, int, int, int, int]]) -> None:
    """Lay out ``cells`` = [(item, row, col, rowspan, colspan), ...] as the view's whole grid.

    pyqtgraph's GraphicsLayout.clear/addItem take every item out of the scene and put it back,
    and re-lay out the grid after each one; with 16 panels that is most of a frame. Here items
    stay in the scene: the grid forgets them, the ones not wanted are hidden, and the grid is
    laid out once. (The view's pyqtgraph bookkeeping, ci.items, is not used for these items.)"""
    grid = view.ci.layout
    old = [grid.itemAt(i) for i in range(grid.count())]
    while grid.count():
        grid.removeAt(grid.count() - 1)
    for r in range(grid.rowCount()):
        grid.setRowStretchFactor(r, 0)
    wanted = {id(item) for item, *_ in cells}
    for item in old:
        if id(item) not in wanted:
            item.hide()
    for item, row, col, rowspan, colspan in cells:
        grid.addItem(item, row, col, rowspan, colspan)
        item.show()
    grid.activate()
    view.resizeEvent(None)  # fit the grid to the view (activating may grow it to its preferred size)
