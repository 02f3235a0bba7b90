"""The step-through's per-head stages (4 scores … 7 softmax) as one mosaic: every head's matrix
and the single head's in one plot.

The heads grid draws 16 heads in one plot within its latency targets; a plot per panel (17 at
16 heads, each with its view box, axes, title and layout) cost the step-through most of a frame
on every change, and a new head count re-laid out the whole grid of plots. Here a change of the
head count only moves images inside one view box.

Each panel keeps its own labels as the separate plots had them: the plot's left axis carries
every panel row's query tokens, and under every panel row a key axis of its own carries the key
tokens of each panel in that row (the single head's included). Titles are drawn by one item."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF

from ..memo import Memo
from .heads_view import PanelTitle, PanelTitles
from .matrix_plot import (
    FastImageItem,
    FocusBands,
    PointerReadout,
    TokenAxis,
    outline_item,
    plan_axes,
    style_mosaic_axis,
    token_axes,
    token_label_under,
)
from .style import AXIS_WIDTH, LABEL_GAP_PX, MenulessPlot, tick_font, zoom, zoomed

PLANS_KEPT = 64  # label plans for the token and head counts a drag comes back to
_PLANS: Memo[tuple, tuple] = Memo(PLANS_KEPT)


@dataclass(frozen=True)
class MosaicGrid:
    """Where the panels sit in the view, in view units (one unit per matrix cell each way; the
    view does not keep units square). Panel rows are ``title`` units of title band, the
    matrices (``rows`` cells), then ``keys`` units of key labels; panels are ``gap_x`` apart
    side by side and ``gap_y`` between panel rows."""

    rows: int  # cells per panel, down
    cols: int  # cells per panel, across
    panel_rows: int
    panel_cols: int
    gap_x: float
    gap_y: float
    title: float
    keys: float

    @property
    def width(self) -> float:
        return self.panel_cols * self.cols + (self.panel_cols - 1) * self.gap_x

    @property
    def height(self) -> float:
        return self.panel_rows * (self.title + self.rows + self.keys) + (self.panel_rows - 1) * self.gap_y

    def origin(self, row: int, col: int) -> tuple[float, float]:
        """View coordinates of the top-left cell corner of the panel at grid (row, col)."""
        return col * (self.cols + self.gap_x), row * (self.title + self.rows + self.keys + self.gap_y) + self.title

    def locate(self, x: float, y: float) -> tuple[int, int, int, int] | None:
        """(panel row, panel column, cell row, cell column) under view coordinates, or None
        outside every matrix (a gap, a title band, a key strip)."""
        c = int(math.floor(x / (self.cols + self.gap_x)))
        r = int(math.floor(y / (self.title + self.rows + self.keys + self.gap_y)))
        if not (0 <= r < self.panel_rows and 0 <= c < self.panel_cols):
            return None
        x0, y0 = self.origin(r, c)
        col, row = int(math.floor(x - x0)), int(math.floor(y - y0))
        if 0 <= row < self.rows and 0 <= col < self.cols:
            return r, c, row, col
        return None


def _grid_for(shape: tuple[int, int], panel_rows: int, panel_cols: int, width_px: float, height_px: float,
              gap_px: float, title_px: float, keys_px: float) -> MosaicGrid:
    """The grid whose gaps, title bands and key strips get those pixels in a view of
    width_px x height_px (proportional ones if the view is too small for them)."""
    rows, cols = max(1, shape[0]), max(1, shape[1])
    free_x = width_px - (panel_cols - 1) * gap_px
    free_y = height_px - panel_rows * (title_px + keys_px) - (panel_rows - 1) * gap_px
    if free_x < 4 * panel_cols or free_y < 4 * panel_rows:
        return MosaicGrid(rows, cols, panel_rows, panel_cols, 0.08 * cols, 0.08 * rows, 0.14 * rows, 0.3 * rows)
    unit_x = free_x / (panel_cols * cols)  # pixels per unit, each way
    unit_y = free_y / (panel_rows * rows)
    return MosaicGrid(rows, cols, panel_rows, panel_cols, gap_px / unit_x, gap_px / unit_y, title_px / unit_y,
                      keys_px / unit_y)


class StageMosaic(PointerReadout, MenulessPlot):
    """The panels of one stage that share a shape, in one view box: an image per panel, placed
    at the panel's (row, column) of the stage's grid, titles above, key labels below each panel
    row and query labels on the left. ``set_panels`` takes the panels (``stage_view.Panel``:
    title, data, row and column labels, grid position) and their pixels, mapped for all of them
    in one pass. Hovering a cell shows ``readout(panel, row, col)``; hovering or clicking a token
    label emits ``tokenHovered`` / ``tokenClicked`` ("query" or "key", index)."""

    tokenHovered = Signal(str, int)
    tokenClicked = Signal(str, int)

    def __init__(self, title_font=None) -> None:
        super().__init__(axisItems=token_axes())
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.invertY(True)
        vb = self.getViewBox()
        vb.setDefaultPadding(0.0)
        for side in ("left", "bottom", "top", "right"):
            style_mosaic_axis(self.getAxis(side))
        self.getAxis("left").setWidth(zoomed(AXIS_WIDTH))
        self.hideAxis("bottom")  # every panel row has a key axis of its own (key_axes), inside the view box
        self.key_axes: list[TokenAxis] = []
        self._title_font = title_font or tick_font
        self.title_item = PanelTitles(self._title_font)
        self.addItem(self.title_item, ignoreBounds=True)
        self.bands = FocusBands()
        self.addItem(self.bands, ignoreBounds=True)
        self.hover_box = outline_item(QColor("white"), 1.5)
        self.addItem(self.hover_box, ignoreBounds=True)
        self.images: list[FastImageItem] = []  # one per panel shown
        self._pool: list[FastImageItem] = []
        self._lut: np.ndarray | None = None
        self.panels: list = []
        self.titles: list[PanelTitle] = []
        self.grid = MosaicGrid(1, 1, 1, 1, 1.0, 1.0, 1.5, 1.0)
        self._at: dict[tuple[int, int], int] = {}  # (panel row, panel column) -> panel index
        self.fits = (None, None)  # the AxisFit of the query labels and of the key labels
        self._plan = None
        self._plan_key = None
        self._grid_key = None
        self._focus: tuple[int | None, int | None] = (None, None)
        self._readout = None
        vb.sigResized.connect(lambda *_: self._layout())

    # ---- data --------------------------------------------------------------------------------
    def set_panels(self, panels: list, data: np.ndarray, pixels: np.ndarray, lut: np.ndarray,
                   levels: tuple[float, float]) -> None:
        """Show ``panels`` (one shape): ``data`` (p, rows, cols) float32, the numbers drawn;
        ``pixels`` (p, rows, cols) uint32, their colours; ``lut`` the colour table they came from."""
        count = len(panels)
        while len(self._pool) < count:
            image = FastImageItem(axisOrder="row-major")
            image.setLookupTable(lut, update=False)
            self._pool.append(image)
        if lut is not self._lut:
            self._lut = lut
            for image in self._pool:
                image.setLookupTable(lut, update=False)
        in_view = set(self.items)
        for k, image in enumerate(self._pool):
            if k < count and image not in in_view:
                self.addItem(image)
            elif k >= count and image in in_view:
                self.removeItem(image)
        self.images = self._pool[:count]
        for k, image in enumerate(self.images):
            image.set_frame(data[k], levels, pixels[k])
        if [t.text for t in self.titles] != [p.title for p in panels]:
            self.titles = [PanelTitle(p.title) for p in panels]
            self._grid_key = None
        positions = {(p.row, p.col): j for j, p in enumerate(panels)}
        if positions != self._at:
            self._at = positions
            self._grid_key = None
        self.panels = panels
        self._layout()

    def set_readout(self, fn) -> None:
        """``fn(panel, row, col) -> str``: the hover text of a cell."""
        self._readout = fn

    # ---- layout ------------------------------------------------------------------------------
    def _spacing(self) -> tuple[float, float]:
        """The gap between panels and the title band's height, in pixels at the current zoom."""
        return 8.0 * zoom(), math.ceil(max(18.0 * zoom(), QFontMetricsF(self._title_font()).height() + 2))

    def _make_plan(self, rows: tuple[str, ...], cols: tuple[str, ...], n_rows: int, n_cols: int,
                   panel_rows: int, panel_cols: int, avail_w: float, avail_h: float):
        gap, title = self._spacing()

        def per_panel_w(w: float) -> float:
            return (w - (panel_cols - 1) * gap) / panel_cols

        def per_panel_h(h: float) -> float:
            # plan_axes gives the view box all but one key strip (avail_h - keys); every panel row has one
            keys = avail_h - h
            return (avail_h - panel_rows * (keys + title) - (panel_rows - 1) * gap) / panel_rows

        # each panel's axes may take as much of it as a panel plot's did: AXIS_SHARE of one panel's
        # size (of the whole view, a key strip under every panel row squeezed the matrices flat)
        share = ((avail_w - (panel_cols - 1) * gap) / panel_cols,
                 (avail_h - panel_rows * title - (panel_rows - 1) * gap) / panel_rows)
        return plan_axes(rows, cols, avail_w, avail_h, n_rows, n_cols, None, per_panel_w, per_panel_h, share_of=share)

    def _layout(self) -> None:
        """Fit the labels and place the panels, if the labels, the panels or the size changed."""
        if not self.panels:
            return
        vb = self.getViewBox()
        vb_rect = vb.sceneBoundingRect()
        left = self.getAxis("left")
        if vb_rect.width() <= 0 or vb_rect.height() <= 0:
            return
        first = self.panels[0]
        rows, cols = tuple(first.rows), tuple(first.cols) if first.cols is not None else None
        shape = first.data.shape
        panel_rows = max(p.row for p in self.panels) + 1
        panel_cols = max(p.col for p in self.panels) + 1
        # the width the left axis and the view box share: the same whatever width the axis was given
        avail_w, avail_h = vb_rect.width() + left.geometry().width(), vb_rect.height()
        plan_key = (rows, cols, shape, panel_rows, panel_cols, round(avail_w), round(avail_h), zoom(),
                    tick_font().key())
        if plan_key != self._plan_key:
            self._plan_key = plan_key
            plan = _PLANS.get(plan_key)
            if plan is None:
                plan = _PLANS.keep(plan_key, self._make_plan(rows, cols or (), shape[0], shape[1], panel_rows,
                                                             panel_cols, avail_w, avail_h))
            self._plan = plan
            self._apply_axes(panel_rows)
            if left.fixedWidth != plan[2]:
                left.setWidth(plan[2])  # the view box gets the rest when the plot is laid out: placed again then
        key = (plan_key, vb_rect.getRect(), tuple(self._at.items()))
        if key == self._grid_key:
            return
        self._grid_key = key
        gap, title_px = self._spacing()
        row_fit, key_fit, _left_px, keys_px = self._plan
        g = self.grid = _grid_for(shape, panel_rows, panel_cols, vb_rect.width(), vb_rect.height(), gap, title_px,
                                  keys_px)
        for image, title, p in zip(self.images, self.titles, self.panels):
            x0, y0 = g.origin(p.row, p.col)
            image.setRect(QRectF(x0, y0, g.cols, g.rows))
            title.x, title.y = x0 + g.cols / 2, y0 - 0.15 * g.title  # the text's bottom, just above the panel
        self.title_item.set_titles(self.titles, QRectF(0, 0, g.width, g.height))
        self.setRange(xRange=(0, g.width), yRange=(0, g.height), padding=0)
        # applied now, not in the next paint (which would move every item and paint a second time)
        vb.prepareForPaint()
        self._set_ticks(vb_rect)
        self._update_overlays()

    def _apply_axes(self, panel_rows: int) -> None:
        """Fonts and orientation of the query axis and of one key axis per panel row."""
        row_fit, key_fit, _left_px, _keys_px = self._plan
        self.fits = (row_fit, key_fit)
        left = self.getAxis("left")
        left.set_font(tick_font(row_fit.point_size))
        left.set_rotated(False, row_fit.tiers)
        vb = self.getViewBox()
        while len(self.key_axes) < panel_rows:
            ax = TokenAxis("bottom", parent=self)
            style_mosaic_axis(ax)
            ax.linkToView(vb)
            ax.set_focus(self._focus[1])
            self.key_axes.append(ax)
        for r, ax in enumerate(self.key_axes):
            ax.setVisible(r < panel_rows and key_fit is not None)
            if key_fit is not None:
                ax.set_font(tick_font(key_fit.point_size))
                ax.set_rotated(bool(key_fit.rotated), key_fit.tiers)

    def _set_ticks(self, vb_rect: QRectF) -> None:
        """A label per token (or every stride-th) for each panel row (left axis) and each panel
        (its row's key axis, which sits in the strip under that row)."""
        g = self.grid
        row_fit, key_fit, _left_px, keys_px = self._plan
        first = self.panels[0]
        rows = range(0, g.rows, row_fit.stride)
        left = [(g.origin(r, 0)[1] + i + 0.5, row_fit.labels[i], i) for r in range(g.panel_rows) for i in rows]
        self.getAxis("left").set_token_ticks(left)
        if key_fit is None or first.cols is None:
            return
        keys = list(range(0, g.cols, key_fit.stride))
        unit_x = vb_rect.width() / g.width  # pixels per cell
        unit_y = vb_rect.height() / g.height
        if key_fit.stride > 1 and not key_fit.rotated:  # a thinned label must not run into the next panel's first
            need = key_fit.widest + LABEL_GAP_PX
            keys = [j for j in keys if j == 0 or ((g.cols - j) + g.gap_x) * unit_x >= need]
        vb_geom = self.getViewBox().geometry()  # in this plot's coordinates
        for r in range(g.panel_rows):
            ax = self.key_axes[r]
            in_row = sorted(c for (pr, c) in self._at if pr == r)
            ticks = [(g.origin(r, c)[0] + j + 0.5, key_fit.labels[j], j) for c in in_row for j in keys]
            ax.set_token_ticks(ticks)
            top = vb_geom.top() + (g.origin(r, 0)[1] + g.rows) * unit_y
            geom = QRectF(vb_geom.left(), top, vb_geom.width(), max(1.0, min(keys_px, g.keys * unit_y)))
            if ax.fixedHeight != geom.height():
                ax.setHeight(geom.height())  # an axis' height is fixed (its minimum and maximum)
            if ax.geometry() != geom:
                ax.setGeometry(geom)

    # ---- what tests and exports read -----------------------------------------------------------
    @property
    def label_stride(self) -> int:
        """Every how many tokens a label is drawn (1: every token), on the sparser axis."""
        return max((f.stride for f in self.fits if f is not None), default=1)

    def label_rects(self) -> dict[str, list[tuple[str, QRectF]]]:
        """Every drawn token label with its box in scene coordinates: "query" (left axis) and
        "key" (every panel row's key axis; a turned label's bounding box)."""
        left = self.getAxis("left")
        return {"query": left.label_rects() if self.panels else [],
                "key": [lab for ax in self.key_axes if ax.isVisible() for lab in ax.label_rects()]}

    def label_axes(self) -> list[TokenAxis]:
        """The axes that carry token labels: the query axis, then each shown key axis."""
        return [self.getAxis("left"), *(ax for ax in self.key_axes if ax.isVisible())]

    def panel_rect(self, j: int) -> QRectF:
        """Panel j's matrix in scene coordinates."""
        p = self.panels[j]
        x0, y0 = self.grid.origin(p.row, p.col)
        return self.getViewBox().mapViewToScene(QRectF(x0, y0, self.grid.cols, self.grid.rows)).boundingRect()

    def cell_center(self, j: int, row: int, col: int) -> QPointF:
        """Scene position of the centre of cell (row, col) of panel j."""
        p = self.panels[j]
        x0, y0 = self.grid.origin(p.row, p.col)
        return self.getViewBox().mapViewToScene(QPointF(x0 + col + 0.5, y0 + row + 0.5))

    # ---- focus and hover ---------------------------------------------------------------------
    @property
    def focus(self) -> tuple[int | None, int | None]:
        return self._focus

    def set_focus(self, query: int | None, key: int | None) -> None:
        """Highlight row ``query`` and column ``key`` of every panel (None: neither) and their labels."""
        self._focus = (query, key)
        self.getAxis("left").set_focus(query)
        for ax in self.key_axes:
            ax.set_focus(key)
        self._update_overlays()

    def _update_overlays(self) -> None:
        g = self.grid
        boxes = [(*g.origin(p.row, p.col), g.rows, g.cols) for p in self.panels]
        self.bands.set_panels(boxes, *self._focus)

    def cell_under(self, scene_pos: QPointF) -> tuple[int, int, int] | None:
        """(panel, row, col) under ``scene_pos``, or None."""
        vb = self.getViewBox()
        if not self.panels or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        hit = self.grid.locate(p.x(), p.y())
        if hit is None:
            return None
        r, c, row, col = hit
        j = self._at.get((r, c))
        return None if j is None else (j, row, col)

    def readout(self, j: int, row: int, col: int) -> str:
        return self._readout(j, row, col) if self._readout is not None else ""

    def _on_mouse_moved(self, scene_pos) -> None:
        if not self.isVisible():
            return
        hit = self.cell_under(scene_pos)
        if hit is not None:
            j, row, col = hit
            p = self.panels[j]
            x0, y0 = self.grid.origin(p.row, p.col)
            self._show_cell(QRectF(x0 + col, y0 + row, 1, 1), scene_pos, self.readout(j, row, col))
        else:
            self._leave_cell()
        inside = self.sceneBoundingRect().contains(scene_pos)
        self._hover_token(token_label_under(self.label_axes(), scene_pos) if inside and self.panels else None)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.isVisible() or not self.panels:
            return
        label = token_label_under(self.label_axes(), event.scenePos())
        if label is not None:
            self.tokenClicked.emit(*label)

    def clear(self) -> None:
        """Show nothing until the next set_panels."""
        for image in self.images:
            self.removeItem(image)
        self.images, self.panels, self.titles, self._at = [], [], [], {}
        self._grid_key = None
        self.title_item.set_titles([], QRectF(0, 0, 1, 1))
        self.getAxis("left").setTicks([[], []])
        for ax in self.key_axes:
            ax.setTicks([[], []])
        self.bands.set_panels([], None, None)
        self.hover_box.hide()
