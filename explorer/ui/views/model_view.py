"""The model view (after BertViz's model view): every head of every layer as a small heatmap,
layers as rows and heads as columns, for a bird's-eye view of a whole model. Clicking a thumbnail
asks for that head (``headActivated``)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QLabel,
    QScrollArea,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...colorscale import apply_scale, colour_bar, shared_top
from ...textfit import elide_middle
from ..matrix_plot import FastImageItem
from ..style import WEIGHTS_CMAP, MenulessPlot, lut, tick_font

MIN_THUMB_PX = 44  # thumbnails never get smaller than this: the view scrolls instead (30-layer models)
LEFT_AXIS_PX = 34
TOP_AXIS_PX = 20


class _Mosaic(pg.GraphicsLayoutWidget):
    """The graphics widget; forwards pointer moves and leaving to the ModelView."""

    def __init__(self, owner: ModelView) -> None:
        super().__init__()
        self._owner = owner
        self.setMouseTracking(True)

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)  # every move (the scene's sigMouseMoved is rate-limited)
        self._owner._hover_scene(self.mapToScene(event.position().toPoint()))

    def leaveEvent(self, event) -> None:
        self._owner._hover_scene(None)
        super().leaveEvent(event)


class ModelView(QWidget):
    """A layers x heads grid of attention thumbnails, drawn as one ImageItem: the weights of all
    heads are laid into one mosaic array (NaN = transparent gaps) and mapped to colours in one
    pass, so 30 layers x 9 heads x 64 tokens is one image and one paint."""

    headActivated = Signal(int, int)  # layer, head

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("model_view")
        self._weights = np.zeros((0, 0, 0, 0))
        self._tokens: list[str] = []
        self.levels = (0.0, 1.0)
        self.current: tuple[int, int] | None = None  # the last head activated, outlined
        self.hovered: tuple[int, int] | None = None
        self.hovered_cell: tuple[int, int, int, int] | None = None  # layer, head, query, key
        self.focus: tuple[int | None, int | None] = (None, None)  # the focused query and key token
        self.mode = "linear"  # the colour scale (explorer.colorscale.SCALES)
        self._n, self._gap = 0, 1

        self.graphics = _Mosaic(self)
        self.graphics.setToolTip(self.tr("Every head of every layer: rows are layers, columns are heads; in each "
                                         "thumbnail, rows are query tokens and columns key tokens.\n"
                                         "Click a thumbnail to open that head."))
        self.plot = MenulessPlot(axisItems={"left": pg.AxisItem("left"), "top": pg.AxisItem("top")})
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        self.plot.setAspectLocked(True)  # square thumbnails
        self.plot.getViewBox().setDefaultPadding(0.0)
        self.plot.showAxis("top")
        self.plot.hideAxis("bottom")
        for side in ("left", "top"):
            ax = self.plot.getAxis(side)
            ax.setStyle(tickFont=tick_font(), tickLength=0, autoExpandTextSpace=False, hideOverlappingLabels=False)
            ax.setPen(pg.mkPen(None))
            ax.setTextPen(pg.mkPen("k"))
            ax.enableAutoSIPrefix(False)
        self.plot.getAxis("left").setWidth(LEFT_AXIS_PX)
        self.plot.getAxis("top").setHeight(TOP_AXIS_PX)
        self.image = FastImageItem(axisOrder="row-major")
        self.image.setLookupTable(lut(WEIGHTS_CMAP))
        self.plot.addItem(self.image)
        self._hover_box = self._outline(QColor(0, 0, 0), 2)
        self._current_box = self._outline(QColor(220, 30, 30), 3)
        self._cell_box = self._outline(QColor(255, 255, 255), 1.5)
        self._focus_bands = QGraphicsPathItem()  # the focused token's row and column in every thumbnail
        pen = QPen(QColor(255, 140, 0), 1.5)
        pen.setCosmetic(True)
        self._focus_bands.setPen(pen)
        self._focus_bands.setBrush(QBrush(QColor(255, 140, 0, 40)))
        self._focus_bands.setZValue(9)
        self.plot.addItem(self._focus_bands, ignoreBounds=True)
        self.graphics.ci.addItem(self.plot, row=0, col=0)
        self.graphics.scene().sigMouseClicked.connect(self._on_clicked)

        self.scroll = QScrollArea()
        self.scroll.setWidget(self.graphics)
        self.scroll.setWidgetResizable(False)  # _fit_height sizes the drawing to the grid
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.status = QLabel(self.tr("Hover a thumbnail to see its layer and head; click it to open that head."))
        self.status.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.status)

    def _outline(self, colour: QColor, width: float) -> QGraphicsRectItem:
        box = QGraphicsRectItem()
        pen = QPen(colour, width)
        pen.setCosmetic(True)
        box.setPen(pen)
        box.setVisible(False)
        box.setZValue(10)
        self.plot.addItem(box, ignoreBounds=True)
        return box

    # ---- data -------------------------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        return int(self._weights.shape[0])

    @property
    def n_heads(self) -> int:
        return int(self._weights.shape[1])

    def show_state(self, window: Any) -> None:
        """Draw every layer and head of the window's current source."""
        weights = window.state.layer_weights()
        self.mode = window.state.color_scale
        if weights is not None and weights.shape[-1] == len(window.state.tokens):
            self.set_data(weights, window.state.tokens)
        self.set_focus(*window.focus_tokens())

    def set_data(self, weights: np.ndarray, tokens: list[str]) -> None:
        """Show ``weights`` (layers, heads, n, n), or (heads, n, n) for one layer."""
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim == 3:
            w = w[None]
        if w.ndim != 4 or w.shape[2] != w.shape[3] or w.shape[2] != len(tokens):
            raise ValueError(f"weights (layers, heads, n, n) for {len(tokens)} tokens; got shape {w.shape}")
        self._weights, self._tokens = w, [str(t) for t in tokens]
        n_layers, n_heads, n, _ = w.shape
        if self.current is not None and not (self.current[0] < n_layers and self.current[1] < n_heads):
            self.current = None
        self.hovered = self.hovered_cell = None
        self._n, self._gap = n, max(1, math.ceil(n / 8))  # gaps scale with n: the same on screen for any n
        step = n + self._gap
        top = shared_top(w) if w.size else 1.0  # one scale for every thumbnail, from the data alone
        self.levels = colour_bar(self.mode, top).levels
        # (L, h, n, n) -> padded (L, step, h, step) -> one (L * step, h * step) mosaic, gaps NaN (transparent)
        padded = np.full((n_layers, n_heads, step, step), np.nan, dtype=np.float32)
        padded[:, :, :n, :n] = apply_scale(w, self.mode, top)
        mosaic = padded.transpose(0, 2, 1, 3).reshape(n_layers * step, n_heads * step)
        rows, cols = max(0, n_layers * step - self._gap), max(0, n_heads * step - self._gap)  # no trailing gap
        mosaic = np.ascontiguousarray(mosaic[:rows, :cols])
        self.mosaic = mosaic
        if mosaic.size:
            self.image.set_frame(mosaic, self.levels)
            self.image.setRect(QRectF(0, 0, cols, rows))
            self.plot.setRange(xRange=(0, cols), yRange=(0, rows), padding=0)
        self.image.setVisible(bool(mosaic.size))
        self.plot.getAxis("left").setTicks([[(i * step + n / 2, self.tr("L{0}").format(i)) for i in range(n_layers)],
                                            []])
        self.plot.getAxis("top").setTicks([[(h * step + n / 2, self.tr("H{0}").format(h)) for h in range(n_heads)],
                                           []])
        self._hover_box.setVisible(False)
        self._cell_box.setVisible(False)
        self._show_current()
        self._show_focus()
        self._fit_height()

    def set_focus(self, query: int | None, key: int | None) -> None:
        """Outline token ``query``'s row and token ``key``'s column in every thumbnail."""
        self.focus = (query, key)
        self._show_focus()

    def _show_focus(self) -> None:
        query, key = self.focus
        n, path = self._n, QPainterPath()
        for layer in range(self.n_layers):
            for head in range(self.n_heads):
                r = self.thumb_rect(layer, head)
                if query is not None and 0 <= query < n:
                    path.addRect(QRectF(r.left(), r.top() + query, n, 1))
                if key is not None and 0 <= key < n:
                    path.addRect(QRectF(r.left() + key, r.top(), 1, n))
        self._focus_bands.setPath(path)

    # ---- geometry ---------------------------------------------------------------------------
    def thumb_rect(self, layer: int, head: int) -> QRectF:
        """View (data) coordinates of a thumbnail."""
        step = self._n + self._gap
        return QRectF(head * step, layer * step, self._n, self._n)

    def thumb_center(self, layer: int, head: int, row: float | None = None, col: float | None = None) -> QPointF:
        """Scene position of a thumbnail's centre, or of cell (row, col) of it."""
        r = self.thumb_rect(layer, head)
        x = r.center().x() if col is None else r.left() + col + 0.5
        y = r.center().y() if row is None else r.top() + row + 0.5
        return self.plot.getViewBox().mapViewToScene(QPointF(x, y))

    def head_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        vb = self.plot.getViewBox()
        if self._n == 0 or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        step = self._n + self._gap
        head, layer = int(p.x() // step), int(p.y() // step)
        if not (0 <= layer < self.n_layers and 0 <= head < self.n_heads):
            return None
        if p.x() - head * step >= self._n or p.y() - layer * step >= self._n or p.x() < 0 or p.y() < 0:
            return None  # in a gap
        return layer, head

    def _fit_height(self) -> None:
        """Size the drawing to the grid: the whole grid when thumbnails stay >= MIN_THUMB_PX,
        otherwise thumbnails of MIN_THUMB_PX (as far as the width allows) and the scroll area
        scrolls. The drawing is exactly as big as the grid, so the square thumbnails sit right
        next to their labels instead of centred in a wide, empty plot."""
        if not self.n_layers or not self.n_heads:
            return
        slack = 10  # the plot's own margins
        width = self.scroll.width() - LEFT_AXIS_PX - slack - self.scroll.verticalScrollBar().sizeHint().width()
        height = self.scroll.height() - TOP_AXIS_PX - slack
        per_col, per_row = width / self.n_heads, height / self.n_layers
        thumb = min(per_col, per_row)
        if thumb < MIN_THUMB_PX:
            thumb = max(8.0, min(per_col, MIN_THUMB_PX))
        self.graphics.setFixedSize(int(self.n_heads * thumb + LEFT_AXIS_PX + slack),
                                   int(self.n_layers * thumb + TOP_AXIS_PX + slack))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_height()

    # ---- interaction ------------------------------------------------------------------------
    def cell_at(self, scene_pos: QPointF) -> tuple[int, int, int, int] | None:
        """(layer, head, query, key) under a scene position, or None in a gap."""
        hit = self.head_at(scene_pos)
        if hit is None:
            return None
        p = self.plot.getViewBox().mapSceneToView(scene_pos)
        r = self.thumb_rect(*hit)
        row, col = int(p.y() - r.top()), int(p.x() - r.left())
        if 0 <= row < self._n and 0 <= col < self._n:
            return hit[0], hit[1], row, col
        return None

    def cell_text(self, layer: int, head: int, row: int, col: int) -> str:
        t = self._tokens
        return self.tr('Layer {0}, head {1} · query {2} "{3}" → key {4} "{5}": {6:.3f}').format(
            layer, head, row, elide_middle(t[row]), col, elide_middle(t[col]),
            float(self._weights[layer, head, row, col]))

    def _hover_scene(self, scene_pos: QPointF | None) -> None:
        cell = None if scene_pos is None else self.cell_at(scene_pos)
        if cell != self.hovered_cell:
            self.hovered_cell = cell
            if cell is None:
                self._cell_box.setVisible(False)
                QToolTip.hideText()
            else:
                r = self.thumb_rect(cell[0], cell[1])
                self._cell_box.setRect(QRectF(r.left() + cell[3], r.top() + cell[2], 1, 1))
                self._cell_box.setVisible(True)
                pos = self.graphics.viewport().mapToGlobal(self.graphics.mapFromScene(scene_pos))
                QToolTip.showText(pos + QPoint(14, 14), self.cell_text(*cell), self.graphics)
        hit = None if scene_pos is None else self.head_at(scene_pos)
        if hit == self.hovered:
            return
        self.hovered = hit
        if hit is None:
            self._hover_box.setVisible(False)
            self.status.setText(self.tr("Hover a thumbnail to see its layer and head; click it to open that head."))
            return
        self._hover_box.setRect(self.thumb_rect(*hit).adjusted(-0.5, -0.5, 0.5, 0.5))
        self._hover_box.setVisible(True)
        text = self.tr("Layer {0}, head {1}: click to open this head").format(*hit)
        self.status.setText(text)

    def _on_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        hit = self.head_at(event.scenePos())
        if hit is not None:
            self.activate(*hit)

    def activate(self, layer: int, head: int) -> None:
        self.current = (layer, head)
        self._show_current()
        self.headActivated.emit(layer, head)

    def _show_current(self) -> None:
        if self.current is None:
            self._current_box.setVisible(False)
            return
        self._current_box.setRect(self.thumb_rect(*self.current).adjusted(-0.5, -0.5, 0.5, 0.5))
        self._current_box.setVisible(True)

    def save_state(self) -> dict:
        return {"current": list(self.current) if self.current is not None else None,
                "scroll": self.scroll.verticalScrollBar().value()}

    def restore_state(self, state: dict) -> None:
        if not isinstance(state, dict):
            return
        cur = state.get("current")
        if (isinstance(cur, list) and len(cur) == 2 and all(isinstance(v, int) for v in cur)
                and 0 <= cur[0] < self.n_layers and 0 <= cur[1] < self.n_heads):
            self.current = (cur[0], cur[1])
        elif cur is None:
            self.current = None
        self._show_current()
        if isinstance(state.get("scroll"), int):
            self.scroll.verticalScrollBar().setValue(state["scroll"])

