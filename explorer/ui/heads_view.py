"""The grid of per-head attention matrices with one shared colour bar."""
from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, Signal

from ..engine import Trace
from .grid import grid_columns, place
from .matrix_plot import MatrixPlot
from .style import WEIGHTS_CMAP, colormap, lut, nice_max

def tr(text: str) -> str:
    return QCoreApplication.translate("HeadsView", text)


class HeadsView(pg.GraphicsLayoutWidget):
    """One ImageItem per head, queries as rows and keys as columns.

    Panels are built once per head count and reused; an update only swaps image data.
    Clicking a panel enlarges that head; clicking again (or Esc) returns to the grid."""

    hovered = Signal(int, int, int)  # head, query row, key column; head -1 when leaving
    headClicked = Signal(int)
    painted = Signal(float)  # milliseconds the last paint took

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("heads_view")
        self.setToolTip(tr("Attention weights of every head: row = query token, column = key token.\n"
                           "Hover a cell to read it; click a head to enlarge it (click again or Esc to go back)."))
        self._lut = lut(WEIGHTS_CMAP)
        self.plots: list[MatrixPlot] = []
        self._pool: list[MatrixPlot] = []
        self._shown: tuple[int, ...] = ()
        self._cols = 0
        self._trace: Trace | None = None
        self.focused: int | None = None
        self.levels = (0.0, 1.0)
        self.colorbar = pg.ColorBarItem(values=self.levels, colorMap=colormap(WEIGHTS_CMAP), interactive=False,
                                        width=14, label=tr("attention weight"), colorMapMenu=False)
        self.last_paint_ms = 0.0
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    # ---- data -------------------------------------------------------------------------------
    @property
    def images(self) -> list[pg.ImageItem]:
        return [p.image for p in self.plots]

    @property
    def shown_heads(self) -> tuple[int, ...]:
        return self._shown

    def set_trace(self, trace: Trace) -> None:
        self._trace = trace
        if self.focused is not None and self.focused >= trace.n_heads:
            self.focused = None
        shown = (self.focused,) if self.focused is not None else tuple(range(trace.n_heads))
        if shown != self._shown or self._columns() != self._cols:
            self._rebuild(shown)
        vmax = nice_max(float(trace.weights.max()))
        if (0.0, vmax) != self.levels:
            self.levels = (0.0, vmax)
            self.colorbar.setLevels(self.levels)  # a legend only: the images get their levels below
        for plot, head in zip(self.plots, self._shown):
            plot.set_matrix(trace.weights[head], self.levels)
            plot.set_labels(trace.tokens, trace.tokens)

    def _plot(self, k: int) -> MatrixPlot:
        """The k-th panel from the pool: PlotItems are expensive to build, so each is built once
        and re-placed in the layout when the head count changes."""
        while len(self._pool) <= k:
            self._pool.append(MatrixPlot(lut=self._lut))
        return self._pool[k]

    def _rebuild(self, shown: tuple[int, ...]) -> None:
        self._shown = shown
        cols = self._cols = self._columns(len(shown))
        self.plots = [self._plot(k) for k in range(len(shown))]
        for plot, head in zip(self.plots, shown):
            if self.focused is not None:
                plot.setTitle(tr("Head {0} (click to return to all heads)").format(head + 1), size="9pt")
            else:
                plot.setTitle(tr("Head {0}").format(head + 1), size="9pt")
        rows = math.ceil(len(shown) / cols)
        cells = [(plot, k // cols, k % cols, 1, 1) for k, plot in enumerate(self.plots)]
        place(self, cells + [(self.colorbar, 0, cols, max(rows, 1), 1)])

    def _columns(self, n_panels: int | None = None) -> int:
        n = len(self._shown) if n_panels is None else n_panels
        return grid_columns(n, self.width() - 80, self.height()) if n else 0

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if getattr(self, "_trace", None) is not None and self._columns() != self._cols:
            self._rebuild(self._shown)
            self.set_trace(self._trace)

    # ---- interaction ------------------------------------------------------------------------
    def cell_under(self, scene_pos) -> tuple[int, int, int] | None:
        for plot, head in zip(self.plots, self._shown):
            cell = plot.cell_at(scene_pos)
            if cell is not None:
                return head, cell[0], cell[1]
        return None

    def _on_mouse_moved(self, pos) -> None:
        hit = self.cell_under(pos)
        self.hovered.emit(*(hit if hit is not None else (-1, -1, -1)))

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        hit = self.cell_under(event.scenePos())
        if hit is not None:
            self.toggle_focus(hit[0])

    def toggle_focus(self, head: int | None) -> None:
        """Enlarge ``head`` alone, or go back to the whole grid (same head again, or None)."""
        self.focused = None if head is None or head == self.focused else head
        self.headClicked.emit(-1 if self.focused is None else self.focused)
        if self._trace is not None:
            self.set_trace(self._trace)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.focused is not None:
            self.toggle_focus(None)
            return
        super().keyPressEvent(event)

    # ---- painting ---------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        t0 = time.perf_counter()
        super().paintEvent(event)
        self.last_paint_ms = (time.perf_counter() - t0) * 1e3
        self.painted.emit(self.last_paint_ms)
