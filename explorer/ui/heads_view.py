"""The grid of per-head attention matrices with one shared colour bar."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QStaticText, QTransform
from PySide6.QtWidgets import QGraphicsItem

from ..engine import Trace
from .grid import grid_columns
from .matrix_plot import FastImageItem, argb_pixels, argb_words, token_axes
from .style import AXIS_HEIGHT, AXIS_WIDTH, WEIGHTS_CMAP, colormap, label_extent, lut, steady_top, tick_font

GAP_PX = 10.0  # between panels, on screen
TITLE_PX = 18.0  # the band above each panel that holds its title


@dataclass(frozen=True)
class Mosaic:
    """Where each shown head sits in the shared view: panel k is at column k % cols, row
    k // cols; a panel is n x n units, panels are ``gap_x`` / ``gap_y`` units apart and have a
    title band of ``title`` units above. The view does not keep units square, so the gaps and the
    band are sized for the pixels they get (``fit``): the same on screen for 1 token or 256."""

    n: int
    count: int
    cols: int
    gap_x: float = 1.0
    gap_y: float = 1.0
    title: float = 1.5

    @classmethod
    def fit(cls, n: int, count: int, cols: int, width_px: float, height_px: float) -> Mosaic:
        """A mosaic whose gaps are GAP_PX and title bands TITLE_PX when the view is
        width_px x height_px; proportional spacing if the view is too small for that."""
        rows = math.ceil(count / cols) if count else 1
        free_x = width_px - (cols - 1) * GAP_PX  # pixels left for the panels
        free_y = height_px - rows * TITLE_PX - (rows - 1) * GAP_PX
        if count == 0 or free_x < 4 * cols or free_y < 4 * rows:
            return cls(n, count, cols, max(1.0, 0.08 * n), max(1.0, 0.08 * n), max(1.5, 0.14 * n))
        unit_x = free_x / (cols * n)  # pixels per unit, each way
        unit_y = free_y / (rows * n)
        return cls(n, count, cols, GAP_PX / unit_x, GAP_PX / unit_y, TITLE_PX / unit_y)

    @property
    def rows(self) -> int:
        return math.ceil(self.count / self.cols)

    @property
    def width(self) -> float:
        return self.cols * self.n + (self.cols - 1) * self.gap_x

    @property
    def height(self) -> float:
        return self.rows * (self.n + self.title) + (self.rows - 1) * self.gap_y

    def origin(self, k: int) -> tuple[float, float]:
        """View coordinates of panel k's top-left cell corner."""
        c, r = k % self.cols, k // self.cols
        return c * (self.n + self.gap_x), r * (self.n + self.title + self.gap_y) + self.title

    def cell(self, x: float, y: float) -> tuple[int, int, int] | None:
        """(panel, row, col) under view coordinates, or None in a gap or title band."""
        c = int(x // (self.n + self.gap_x))
        r = int(y // (self.n + self.title + self.gap_y))
        k = r * self.cols + c
        if not (0 <= c < self.cols and 0 <= k < self.count):
            return None
        x0, y0 = self.origin(k)
        col, row = int(math.floor(x - x0)), int(math.floor(y - y0))
        if 0 <= row < self.n and 0 <= col < self.n:
            return k, row, col
        return None


class PanelTitle:
    """One head's title, as ``HeadsView.titles`` lists them: its text and its anchor, the
    bottom centre of the text in view coordinates."""

    __slots__ = ("text", "x", "y")

    def __init__(self, text: str = "", x: float = 0.0, y: float = 0.0) -> None:
        self.text, self.x, self.y = text, x, y

    def toPlainText(self) -> str:
        return self.text


class PanelTitles(pg.GraphicsObject):
    """Every panel's title, drawn by one item at a fixed size whatever the view's zoom (as a
    pg.TextItem would be, but one paint for all heads from cached QStaticText layouts, and no
    transform to update per item and frame). Text stays text in SVG and PDF exports."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[PanelTitle] = []
        self._area = QRectF()
        self._font = tick_font()
        self._static: dict[str, QStaticText] = {}

    def set_titles(self, titles: list[PanelTitle], area: QRectF) -> None:
        """Show ``titles``; ``area`` (view coordinates) holds all of them: the mosaic."""
        self.prepareGeometryChange()
        self.titles, self._area = titles, QRectF(area)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._area

    def paint(self, p, *args) -> None:
        if not self.titles:
            return
        to_scene = self.sceneTransform()  # view units -> scene pixels
        from_scene, ok = to_scene.inverted()
        if not ok:
            return
        p.setTransform(from_scene * p.transform())  # draw in scene pixels: the text keeps its size
        p.setFont(self._font)
        p.setPen(QColor("black"))
        for title in self.titles:
            st = self._static.get(title.text)
            if st is None:
                st = self._static[title.text] = QStaticText(title.text)
                st.setTextFormat(Qt.TextFormat.PlainText)
                st.prepare(QTransform(), self._font)
            anchor = to_scene.map(QPointF(title.x, title.y))
            size = st.size()
            p.drawStaticText(QPointF(anchor.x() - size.width() / 2, anchor.y() - size.height()), st)


class HeadsView(pg.GraphicsLayoutWidget):
    """One ImageItem per head, queries as rows and keys as columns.

    All heads share one plot: each head is an ImageItem placed at its own spot of one view, the
    left axis carries every panel row's query tokens and the bottom axis every panel column's key
    tokens. One view and two axes repaint per frame instead of a plot per head, and changing the
    head count only moves items. Clicking a panel enlarges that head; clicking again (or Esc)
    returns to the grid."""

    hovered = Signal(int, int, int)  # head, query row, key column; head -1 when leaving
    headClicked = Signal(int)
    painted = Signal(float)  # milliseconds the last paint took

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("heads_view")
        self.setToolTip(
            QCoreApplication.translate(
                "HeadsView",
                "Attention weights of every head: row = query token, column = key token.\n"
                "Hover a cell to read it; click a head to enlarge it (click again or Esc to go back).",
            )
        )
        self._lut = lut(WEIGHTS_CMAP)
        self._argb = argb_words(self._lut)
        self.plot = pg.PlotItem(axisItems=token_axes())
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        self.plot.getViewBox().setDefaultPadding(0.0)
        for side in ("left", "bottom", "top", "right"):
            ax = self.plot.getAxis(side)
            ax.enableAutoSIPrefix(False)
            ax.setStyle(tickFont=tick_font(), tickLength=-3, autoExpandTextSpace=False, hideOverlappingLabels=False)
            ax.setPen(pg.mkPen(None))  # no axis line across the gaps; the labels are the axis
            ax.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # redrawn only when its ticks change
        self.plot.getAxis("left").setWidth(AXIS_WIDTH)
        self.plot.getAxis("bottom").setHeight(AXIS_HEIGHT)
        self.colorbar = pg.ColorBarItem(
            values=(0.0, 1.0),
            colorMap=colormap(WEIGHTS_CMAP),
            interactive=False,
            width=14,
            label=QCoreApplication.translate("HeadsView", "attention weight"),
            colorMapMenu=False,
        )
        self.colorbar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.ci.addItem(self.plot, row=0, col=0)
        self.ci.addItem(self.colorbar, row=0, col=1)
        self.images: list[FastImageItem] = []  # one per shown head
        self.titles: list[PanelTitle] = []  # one per shown head, drawn by self.title_item
        self.title_item = PanelTitles()
        self.plot.addItem(self.title_item, ignoreBounds=True)
        self._pool: list[FastImageItem] = []
        self._shown: tuple[int, ...] = ()
        self.mosaic = Mosaic(1, 0, 1)
        self._tick_key = None
        self._trace: Trace | None = None
        self.focused: int | None = None
        self.levels = (0.0, 1.0)
        self.last_paint_ms = 0.0
        self._pointer: QPointF | None = None  # scene position of the pointer while it is over the view
        self.plot.getViewBox().sigResized.connect(lambda *_: self._layout_if_needed())
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    # ---- data -------------------------------------------------------------------------------
    def set_trace(self, trace: Trace) -> None:
        self._trace = trace
        if self.focused is not None and self.focused >= trace.n_heads:
            self.focused = None
        shown = (self.focused,) if self.focused is not None else tuple(range(trace.n_heads))
        if shown != self._shown:
            self._show_heads(shown)
        vmax = steady_top(self.levels[1], float(trace.weights.max()))
        if (0.0, vmax) != self.levels:
            self.levels = (0.0, vmax)
            self.colorbar.setLevels(self.levels)  # a legend only: the images get their levels below
        # every shown head in one pass: (h, n, n) float64 -> (k, n, n) contiguous float32 and uint32
        weights = trace.weights if len(self._shown) == trace.n_heads else trace.weights[list(self._shown)]
        data = weights.astype(np.float32)
        pixels = argb_pixels(self._argb, data, self.levels)
        for k, image in enumerate(self.images):
            image.set_frame(data[k], self.levels, pixels[k])
        self._layout_if_needed()
        if self._pointer is not None:  # the pointer rests on the grid: read out the new numbers
            self._on_mouse_moved(self._pointer)

    def _show_heads(self, shown: tuple[int, ...]) -> None:
        """Put one image per head to show in the view, taken from a pool; images not needed leave
        the scene, so the view holds exactly one ImageItem per head shown."""
        self._shown = shown
        while len(self._pool) < len(shown):
            image = FastImageItem(axisOrder="row-major")
            image.setLookupTable(self._lut)
            self._pool.append(image)
        in_view = set(self.plot.items)
        for k, image in enumerate(self._pool):
            if k < len(shown) and image not in in_view:
                self.plot.addItem(image)
            elif k >= len(shown) and image in in_view:
                self.plot.removeItem(image)
        self.images = self._pool[: len(shown)]
        title = (
            QCoreApplication.translate("HeadsView", "Head {0} (click to return to all heads)")
            if self.focused is not None
            else QCoreApplication.translate("HeadsView", "Head {0}")
        )
        self.titles = [PanelTitle(title.format(head + 1)) for head in shown]
        self._tick_key = None

    def _columns(self, count: int) -> int:
        rect = self.plot.getViewBox().sceneBoundingRect()
        w, h = (rect.width(), rect.height()) if rect.width() > 0 else (self.width() - 80, self.height() - 40)
        return grid_columns(count, w, h) if count else 1

    def _layout_if_needed(self) -> None:
        """Place the panels and set the tick labels, if the tokens, the heads or the size changed."""
        if self._trace is None or not self.images:
            return
        tokens = self._trace.tokens
        vb = self.plot.getViewBox().sceneBoundingRect()
        key = (tuple(tokens), self._shown, round(vb.width()), round(vb.height()))
        if key == self._tick_key:
            return
        self._tick_key = key
        m = self.mosaic = Mosaic.fit(
            len(tokens), len(self._shown), self._columns(len(self._shown)), vb.width(), vb.height()
        )
        for k, (image, title) in enumerate(zip(self.images, self.titles)):
            x0, y0 = m.origin(k)
            image.setRect(QRectF(x0, y0, m.n, m.n))
            title.x, title.y = x0 + m.n / 2, y0 - 0.15 * m.title  # the text's bottom, just above the panel
        self.title_item.set_titles(self.titles, QRectF(0, 0, m.width, m.height))
        self.plot.setRange(xRange=(0, m.width), yRange=(0, m.height), padding=0)
        # pyqtgraph applies a new range only when the view next paints, which moves every item
        # again and so paints the view a second time; applied now, the frame paints once
        self.plot.getViewBox().prepareForPaint()
        self._set_ticks(tokens, vb.width(), vb.height())

    def _set_ticks(self, tokens: list[str], width_px: float, height_px: float) -> None:
        m = self.mosaic
        labels, widest, line = label_extent(tokens)
        unit_x = width_px / m.width if m.width else 1.0
        unit_y = height_px / m.height if m.height else 1.0
        stride_x = max(1, math.ceil((widest + 6) / max(unit_x, 1e-9)))
        stride_y = max(1, math.ceil((line + 1) / max(unit_y, 1e-9)))
        left, bottom = [], []
        for r in range(m.rows):
            y0 = m.origin(r * m.cols)[1]
            left += [(y0 + i + 0.5, labels[i]) for i in range(0, m.n, stride_y)]
        keys = list(range(0, m.n, stride_x))
        if m.cols > 1:  # a label near a panel's right edge must not run into the next panel's first
            spill = max(0.0, widest / 2 - unit_x / 2)  # how far the first label reaches left, px
            room = m.n * unit_x + m.gap_x * unit_x - spill  # where the next panel's first label begins
            keys = [j for j in keys if j == 0 or (j + 0.5) * unit_x + widest / 2 + 4 <= room]
        for c in range(m.cols):
            x0 = m.origin(c)[0]
            bottom += [(x0 + j + 0.5, labels[j]) for j in keys]
        self.plot.getAxis("left").setTicks([left, []])
        self.plot.getAxis("bottom").setTicks([bottom, []])

    # ---- interaction ------------------------------------------------------------------------
    def cell_under(self, scene_pos) -> tuple[int, int, int] | None:
        vb = self.plot.getViewBox()
        if not self.images or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        hit = self.mosaic.cell(p.x(), p.y())
        if hit is None:
            return None
        k, row, col = hit
        return self._shown[k], row, col

    def cell_center(self, panel: int, row: int, col: int) -> QPointF:
        """Scene position of the centre of a cell of the panel at ``panel`` (tests, hover)."""
        x0, y0 = self.mosaic.origin(panel)
        return self.plot.getViewBox().mapViewToScene(QPointF(x0 + col + 0.5, y0 + row + 0.5))

    def _on_mouse_moved(self, pos) -> None:
        self._pointer = QPointF(pos)
        hit = self.cell_under(pos)
        self.hovered.emit(*(hit if hit is not None else (-1, -1, -1)))

    def mouseMoveEvent(self, event) -> None:
        """Every move updates the readout (the scene's sigMouseMoved drops moves that come within
        a few ms of each other, so the last position of a quick move could be lost)."""
        super().mouseMoveEvent(event)
        self._on_mouse_moved(self.mapToScene(event.position().toPoint()))

    def leaveEvent(self, event) -> None:
        self._pointer = None
        self.hovered.emit(-1, -1, -1)
        super().leaveEvent(event)

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
