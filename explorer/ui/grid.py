"""Placing many panels in a pyqtgraph GraphicsLayout quickly and in a good shape."""
from __future__ import annotations

import math

import pyqtgraph as pg


def grid_columns(n_panels: int, width: float, height: float, prefer_full_rows: bool = True) -> int:
    """The column count for n near-square panels in a width x height area.

    The largest panels win, but with ``prefer_full_rows`` any count whose panels are at least 90%
    as big and that leaves fewer empty cells wins over it (a lone panel on the last row leaves
    the columns beside it without a panel above their key labels)."""
    if n_panels <= 1:
        return 1
    if width <= 0 or height <= 0:
        return math.ceil(math.sqrt(n_panels))
    sides = {cols: min(width / cols, height / math.ceil(n_panels / cols)) for cols in range(1, n_panels + 1)}
    best_side = max(sides.values())
    if not prefer_full_rows:
        return min(cols for cols, side in sides.items() if side >= best_side - 1e-9)
    good = [cols for cols, side in sides.items() if side >= 0.9 * best_side]
    return min(good, key=lambda cols: (cols * math.ceil(n_panels / cols) - n_panels, -sides[cols], cols))


def take_all(grid) -> list:
    """Take every item out of a QGraphicsGridLayout (the items stay in the scene); returns them."""
    items = [grid.itemAt(i) for i in range(grid.count())]
    while grid.count():
        grid.removeAt(grid.count() - 1)
    return items


def place(view: pg.GraphicsLayoutWidget, cells: list[tuple[object, int, int, int, int]]) -> None:
    """Lay out ``cells`` = [(item, row, col, rowspan, colspan), ...] as the view's whole grid.

    pyqtgraph's GraphicsLayout.clear/addItem take every item out of the scene and put it back,
    and re-lay out the grid after each one; with 16 panels that is most of a frame. Here items
    stay in the scene: the grid forgets them, the ones not wanted are hidden, and the grid is
    laid out once. (The view's pyqtgraph bookkeeping, ci.items, is not used for these items.)"""
    grid = view.ci.layout
    old = take_all(grid)
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
