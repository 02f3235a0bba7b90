"""The grid of per-head attention matrices with one shared colour bar."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QStaticText, QTransform
from PySide6.QtWidgets import QGraphicsItem, QToolTip

from ..colorscale import apply_scale, colour_bar, shared_top
from ..engine import Trace
from ..textfit import elide_middle
from .grid import grid_columns
from .matrix_plot import (
    CornerTitle,
    FastImageItem,
    FocusBands,
    argb_pixels,
    argb_words,
    outline_item,
    plan_axes,
    style_mosaic_axis,
    token_axes,
    token_label_under,
)
from .style import (
    AXIS_HEIGHT,
    AXIS_WIDTH,
    LABEL_GAP_PX,
    WEIGHTS_CMAP,
    ColourBar,
    MenulessPlot,
    colormap,
    lut,
    tick_font,
    zoom,
    zoomed,
)

GAP_PX = 8.0  # between panels, on screen (x zoom)
PLANS_KEPT = 64  # label plans kept for token and head counts a drag comes back to
TITLE_PX = 16.0  # the band above each panel that holds its title (x zoom)
SELECTED = QColor(255, 110, 0)  # the outline of the selected head's panel


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
    def fit(cls, n: int, count: int, cols: int, width_px: float, height_px: float, gap_px: float = GAP_PX,
            title_px: float = TITLE_PX) -> Mosaic:
        """A mosaic whose gaps are ``gap_px`` and title bands ``title_px`` when the view is
        width_px x height_px; proportional spacing if the view is too small for that."""
        rows = math.ceil(count / cols) if count else 1
        free_x = width_px - (cols - 1) * gap_px  # pixels left for the panels
        free_y = height_px - rows * title_px - (rows - 1) * gap_px
        if count == 0 or free_x < 4 * cols or free_y < 4 * rows:
            return cls(n, count, cols, max(1.0, 0.08 * n), max(1.0, 0.08 * n), max(1.5, 0.14 * n))
        unit_x = free_x / (cols * n)  # pixels per unit, each way
        unit_y = free_y / (rows * n)
        return cls(n, count, cols, gap_px / unit_x, gap_px / unit_y, title_px / unit_y)

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

    def __init__(self, font=tick_font) -> None:
        """``font``: a function that gives the titles' font (the tick font by default)."""
        super().__init__()
        self.titles: list[PanelTitle] = []
        self._area = QRectF()
        self._font_of = font
        self._font = font()
        self._static: dict[str, QStaticText] = {}

    def set_titles(self, titles: list[PanelTitle], area: QRectF) -> None:
        """Show ``titles``; ``area`` (view coordinates) holds all of them: the mosaic."""
        font = self._font_of()
        if font != self._font:  # the presentation zoom changed
            self._font, self._static = font, {}
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
    returns to the grid.

    Every token gets its label where it can be read: the label font shrinks down to a floor, key
    labels turn 90 degrees, and the column count may change so panels get the room, before the
    labels are thinned evenly. Hovering a token label emits ``tokenHovered`` and clicking it
    ``tokenClicked`` ("query" or "key", index); ``set_focus`` highlights a query row and a key
    column in every panel, ``set_selected_head`` outlines one panel."""

    hovered = Signal(int, int, int)  # head, query row, key column; head -1 when leaving
    headClicked = Signal(int)
    painted = Signal(float)  # milliseconds the last paint took
    tokenHovered = Signal(str, int)  # "query" / "key" and the token; ("", -1) when leaving a label
    tokenClicked = Signal(str, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.__dict__.pop("clear", None)  # pyqtgraph copies its layout's clear() onto the widget: use ours
        self.setObjectName("heads_view")
        self.setToolTip(
            QCoreApplication.translate(
                "HeadsView",
                "Attention weights of every head: row = query token, column = key token.\n"
                "Hover a cell to read it; click a head to enlarge it (click again or Esc to go back).\n"
                "Hover or click a token label to follow that token in every head.",
            )
        )
        self.ci.setContentsMargins(4, 6, 4, 4)
        self._lut = lut(WEIGHTS_CMAP)
        self._argb = argb_words(self._lut)
        self.plot = MenulessPlot(axisItems=token_axes())
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        self.plot.getViewBox().setDefaultPadding(0.0)
        for side in ("left", "bottom", "top", "right"):
            style_mosaic_axis(self.plot.getAxis(side))
        self.plot.getAxis("left").setWidth(zoomed(AXIS_WIDTH))
        self.plot.getAxis("bottom").setHeight(zoomed(AXIS_HEIGHT))
        self.corner = CornerTitle()
        self.plot.layout.addItem(self.corner, 3, 0)
        self.colorbar = ColourBar(
            values=(0.0, 1.0),
            colorMap=colormap(WEIGHTS_CMAP),
            interactive=False,
            width=14,
            label=QCoreApplication.translate("HeadsView", "attention weight"),
            colorMapMenu=False,
        )
        self.colorbar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        half_line = int(QFontMetricsF(tick_font()).height()) // 2 + 2  # the end ticks' labels stay on screen
        self.colorbar.layout.setContentsMargins(0, half_line, 0, half_line)
        self.ci.addItem(self.plot, row=0, col=0)
        self.ci.addItem(self.colorbar, row=0, col=1)
        self.images: list[FastImageItem] = []  # one per shown head
        self.titles: list[PanelTitle] = []  # one per shown head, drawn by self.title_item
        self.title_item = PanelTitles()
        self.plot.addItem(self.title_item, ignoreBounds=True)
        self.bands = FocusBands()
        self.plot.addItem(self.bands, ignoreBounds=True)
        self.selected_box = outline_item(SELECTED, 2.5)
        self.plot.addItem(self.selected_box, ignoreBounds=True)
        self.hover_box = outline_item(QColor("white"), 1.5)
        self.plot.addItem(self.hover_box, ignoreBounds=True)
        self._pool: list[FastImageItem] = []
        self._shown: tuple[int, ...] = ()
        self.mosaic = Mosaic(1, 0, 1)
        self._tick_key = None
        self._plan_key = None
        self._plans: dict = {}  # recent label plans, least recently used first
        self._plan = None
        self._trace: Trace | None = None
        self.pending: Trace | None = None  # a trace set while hidden, drawn when the grid is shown
        self.focused: int | None = None
        self.selected: int | None = None
        self.focus: tuple[int | None, int | None] = (None, None)
        self.levels = (0.0, 1.0)
        self.scale: tuple[str, float] | None = None  # set_colour_scale's (mode, top); None: linear, shared top
        self._bar = None
        self.fits = (None, None)  # the AxisFit of the query and of the key labels
        # key labels that must be thinned stay upright here (each as far from the next as it is
        # wide); figures turn them, which labels more tokens
        self.thin_rotated = False
        self.last_paint_ms = 0.0
        self._pointer: QPointF | None = None  # scene position of the pointer while it is over the view
        self._hover_label: tuple[str, int] | None = None
        self._hint = ""
        self.plot.getViewBox().sigResized.connect(lambda *_: self._layout_if_needed())
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    # ---- data -------------------------------------------------------------------------------
    def set_trace(self, trace: Trace) -> None:
        """Show ``trace``: now, or, while the grid's tab is behind another one in a window on
        screen, when the grid is next shown (nothing can see it before then; ``pending`` holds it)."""
        window = self.window()
        if window is not self and window.isVisible() and not self.isVisible():
            self.pending = trace
            if self.focused is not None and self.focused >= trace.n_heads:
                self.focused = None  # what the grid will show is never out of the trace's range
            return
        self.pending = None
        self._trace = trace
        if self.focused is not None and self.focused >= trace.n_heads:
            self.focused = None
        shown = (self.focused,) if self.focused is not None else tuple(range(trace.n_heads))
        if shown != self._shown:
            self._show_heads(shown)
        mode, top = self.scale if self.scale is not None else ("linear", shared_top(trace.weights))
        bar = colour_bar(mode, top)
        if bar != self._bar:
            self._set_bar(bar)
        # every shown head in one pass: (h, n, n) float64 -> (k, n, n) contiguous float32 and uint32
        weights = trace.weights if len(self._shown) == trace.n_heads else trace.weights[list(self._shown)]
        data = weights.astype(np.float32) if mode == "linear" else apply_scale(weights, mode, top)
        pixels = argb_pixels(self._argb, data, self.levels)
        for k, image in enumerate(self.images):
            image.set_frame(data[k], self.levels, pixels[k])
        self._layout_if_needed()
        if self._pointer is not None:  # the pointer rests on the grid: read out the new numbers
            self._on_mouse_moved(self._pointer)

    def _set_bar(self, bar) -> None:
        """The colour bar of a scale: its levels (also the images'), tick labels in weights and title."""
        self._bar = bar
        self.levels = tuple(bar.levels)
        self.colorbar.setLevels(self.levels)  # a legend only: the images get their levels in set_trace
        self.colorbar.axis.setTicks([list(bar.ticks)])
        self.colorbar.getAxis("left").setLabel(QCoreApplication.translate("ColourScale", bar.title))

    def set_colour_scale(self, mode: str, top: float, redraw: bool = True) -> None:
        """Draw every head on colour scale ``mode`` (see explorer.colorscale) with the shared
        linear top ``top``, from then on, and now unless ``redraw`` is False (a caller that sets a
        new trace right after: one draw, not two)."""
        colour_bar(mode, top)  # an unknown mode fails here, not in the next draw
        if self.scale == (mode, float(top)):
            return
        self.scale = (mode, float(top))
        if redraw and self._latest() is not None:
            self.set_trace(self._latest())

    def _latest(self) -> Trace | None:
        """The newest trace given: the one waiting while hidden, else the one shown."""
        return self.pending if self.pending is not None else self._trace

    def clear(self, hint: str = "") -> None:
        """Show no heads: the images, titles and labels go (no stale heatmap stays on screen) and
        ``hint`` is written in the middle. The next set_trace shows data again."""
        self._trace = self.pending = None
        self._hint = hint
        in_view = set(self.plot.items)
        for image in self._pool:
            if image in in_view:
                self.plot.removeItem(image)
        self.images, self._shown, self.titles = [], (), []
        self.mosaic = Mosaic(1, 0, 1)
        self._tick_key = self._plan_key = None
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setTicks([[], []])
        self.title_item.set_titles([PanelTitle(hint, 0.5, 0.5)] if hint else [], QRectF(0, 0, 1, 1))
        self.plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        self.bands.set_panels([], None, None)
        self.selected_box.hide()
        self.hover_box.hide()

    def hint_text(self) -> str:
        """The text the cleared view shows ("" while it shows heads)."""
        return self._hint

    def _show_heads(self, shown: tuple[int, ...]) -> None:
        """Put one image per head to show in the view, taken from a pool; images not needed leave
        the scene, so the view holds exactly one ImageItem per head shown."""
        self._shown = shown
        self._hint = ""
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
        self._tick_key = self._plan_key = None

    # ---- layout ------------------------------------------------------------------------------
    def _spacing(self) -> tuple[float, float]:
        """Gap between panels and title band height, in pixels at the current zoom."""
        return GAP_PX * zoom(), math.ceil(QFontMetricsF(tick_font()).height() + 3)

    def _axis_titles(self) -> tuple[str, str]:
        return (QCoreApplication.translate("HeadsView", "query (row) →"),
                QCoreApplication.translate("HeadsView", "key (column)"))

    def _make_plan(self, tokens: tuple[str, ...], count: int, avail_w: float, avail_h: float):
        """The column count and both axes' fits: the grid's usual column count if it labels every
        token, else the count that labels the most (then with the largest font)."""
        gap, title = self._spacing()
        n = len(tokens)
        default = grid_columns(count, avail_w - zoomed(AXIS_WIDTH), avail_h - zoomed(AXIS_HEIGHT)) if count else 1
        titles = self._axis_titles()
        best = None
        seen_rows = set()
        for cols in [default] + [c for c in range(1, count + 1) if c != default]:
            rows = math.ceil(count / cols)
            if rows in seen_rows and cols != default:
                continue  # fewer columns give the same rows wider panels
            seen_rows.add(rows)

            def per_panel_w(w, cols=cols):
                return (w - (cols - 1) * gap) / cols

            def per_panel_h(h, rows=rows):
                return (h - rows * title - (rows - 1) * gap) / rows

            row_fit, key_fit, left, bottom = plan_axes(tokens, tokens, avail_w, avail_h, n, n, titles,
                                                       per_panel_w, per_panel_h, thin_rotated=self.thin_rotated)
            thinned = row_fit.stride > 1 or key_fit.stride > 1  # another column count only to label them all
            fonts = row_fit.point_size + key_fit.point_size
            score = (thinned, cols != default, row_fit.stride + key_fit.stride, -fonts)
            if best is None or score < best[0]:
                best = (score, cols, row_fit, key_fit, left, bottom)
            if not thinned and cols == default:
                break  # the usual grid labels every token: no other column count can score better
        return best[1:]

    def _layout_if_needed(self) -> None:
        """Place the panels and set the tick labels, if the tokens, the heads or the size changed."""
        if self._trace is None or not self.images:
            return
        tokens = tuple(self._trace.tokens)
        vb = self.plot.getViewBox()
        vb_rect = vb.sceneBoundingRect()
        left_ax, bottom_ax = self.plot.getAxis("left"), self.plot.getAxis("bottom")
        if vb_rect.width() > 0:
            # the width the left axis and the view box share, the height of the view box and the
            # bottom axis: the same whatever sizes the axes were given
            avail_w = vb_rect.width() + left_ax.geometry().width()
            avail_h = vb_rect.height() + bottom_ax.geometry().height()
        else:
            avail_w, avail_h = max(50.0, self.width() - 90.0), max(50.0, self.height() - 12.0)
        plan_key = (tokens, len(self._shown), round(avail_w), round(avail_h), zoom())
        if plan_key != self._plan_key:
            self._plan_key = plan_key
            cache_key = (plan_key, self.thin_rotated, tick_font().key())
            plan = self._plans.pop(cache_key, None)  # a drag revisits the same few token and head counts
            if plan is None:
                plan = self._make_plan(tokens, len(self._shown), avail_w, avail_h)
            self._plans[cache_key] = plan
            while len(self._plans) > PLANS_KEPT:
                del self._plans[next(iter(self._plans))]  # the least recently used
            self._plan = plan
            self._apply_axes(tokens)
        key = (plan_key, round(vb_rect.width()), round(vb_rect.height()))
        if key == self._tick_key:
            return
        self._tick_key = key
        gap, title_px = self._spacing()
        cols = self._plan[0]
        m = self.mosaic = Mosaic.fit(len(tokens), len(self._shown), cols, vb_rect.width(), vb_rect.height(),
                                     gap, title_px)
        for k, (image, title) in enumerate(zip(self.images, self.titles)):
            x0, y0 = m.origin(k)
            image.setRect(QRectF(x0, y0, m.n, m.n))
            title.x, title.y = x0 + m.n / 2, y0 - 0.15 * m.title  # the text's bottom, just above the panel
        self.title_item.set_titles(self.titles, QRectF(0, 0, m.width, m.height))
        self.plot.setRange(xRange=(0, m.width), yRange=(0, m.height), padding=0)
        # pyqtgraph applies a new range only when the view next paints, which moves every item
        # again and so paints the view a second time; applied now, the frame paints once
        vb.prepareForPaint()
        self._set_ticks(tokens)
        self._update_overlays()

    def _apply_axes(self, tokens: tuple[str, ...]) -> None:
        """The fonts, label orientation and sizes of both axes for the current plan."""
        cols, row_fit, key_fit, left_px, bottom_px = self._plan
        self.fits = (row_fit, key_fit)
        left, bottom = self.plot.getAxis("left"), self.plot.getAxis("bottom")
        titles = self._axis_titles()
        left.set_font(tick_font(row_fit.point_size))
        left.set_rotated(False, row_fit.tiers)
        left.set_title(titles[0], tick_font())
        bottom.set_font(tick_font(key_fit.point_size))
        bottom.set_rotated(bool(key_fit.rotated), key_fit.tiers)
        self.corner.set_text(titles[1], tick_font())
        if left.fixedWidth != left_px:
            left.setWidth(left_px)
        if bottom.fixedHeight != bottom_px:
            bottom.setHeight(bottom_px)

    def _set_ticks(self, tokens: tuple[str, ...]) -> None:
        """A label per token (or every stride-th) for each panel row (left) and column (bottom)."""
        m = self.mosaic
        row_fit, key_fit = self.fits
        rows = range(0, m.n, row_fit.stride)
        keys = list(range(0, m.n, key_fit.stride))
        if m.cols > 1 and key_fit.stride > 1:  # a thinned label must not run into the next panel's first
            unit = self.plot.getViewBox().sceneBoundingRect().width() / m.width  # pixels per cell
            need = key_fit.widest + LABEL_GAP_PX
            keys = [j for j in keys if j == 0 or ((m.n - j) + m.gap_x) * unit >= need]
        left = [(m.origin(r * m.cols)[1] + i + 0.5, row_fit.labels[i], i) for r in range(m.rows) for i in rows]
        bottom = [(m.origin(c)[0] + j + 0.5, key_fit.labels[j], j) for c in range(m.cols) for j in keys]
        self.plot.getAxis("left").set_token_ticks(left)
        self.plot.getAxis("bottom").set_token_ticks(bottom)

    @property
    def label_stride(self) -> int:
        """Every how many tokens a label is drawn (1: every token), on the sparser axis."""
        return max((f.stride for f in self.fits if f is not None), default=1)

    def label_rects(self) -> dict[str, list[tuple[str, QRectF]]]:
        """Every drawn token label and its box in this widget's coordinates: "query" (the left
        axis) and "key" (the bottom axis; a turned label's bounding box)."""
        to_widget = self.viewportTransform()
        offset = QPointF(self.viewport().pos())
        out = {}
        for kind, side in (("query", "left"), ("key", "bottom")):
            rects = self.plot.getAxis(side).label_rects() if self.images else []
            out[kind] = [(text, to_widget.mapRect(r).translated(offset)) for text, r in rects]
        return out

    # ---- focus, selection, hover -------------------------------------------------------------
    def set_focus(self, query: int | None, key: int | None) -> None:
        """Highlight query row ``query`` and key column ``key`` in every panel (None: neither),
        and draw their labels bold and coloured."""
        self.focus = (query, key)
        self.plot.getAxis("left").set_focus(query)
        self.plot.getAxis("bottom").set_focus(key)
        self._update_overlays()

    def set_selected_head(self, head: int | None) -> None:
        """Outline the panel of ``head`` (0-based; None: no outline)."""
        self.selected = head
        self._update_overlays()

    def _update_overlays(self) -> None:
        m = self.mosaic
        panels = [(*m.origin(k), m.n, m.n) for k in range(len(self.images))]
        self.bands.set_panels(panels, *self.focus)
        if self.selected is not None and self.selected in self._shown:
            x0, y0 = m.origin(self._shown.index(self.selected))
            self.selected_box.setRect(QRectF(x0, y0, m.n, m.n))
            self.selected_box.show()
        else:
            self.selected_box.hide()

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

    def label_under(self, scene_pos) -> tuple[str, int] | None:
        """("query", i) or ("key", j) if a token label is under ``scene_pos``."""
        if not self.images:
            return None
        return token_label_under([self.plot.getAxis("left"), self.plot.getAxis("bottom")], scene_pos)

    def readout(self, head: int, row: int, col: int) -> str:
        """The hover text of one cell: head, both tokens and the weight."""
        t = self._trace
        return QCoreApplication.translate("HeadsView", "Head {0} · query {1} “{2}” → key {3} “{4}”: {5:.3f}").format(
            head + 1, row, elide_middle(t.tokens[row]), col, elide_middle(t.tokens[col]),
            float(t.weights[head, row, col]))

    def _on_mouse_moved(self, pos, show_tip: bool = True) -> None:
        self._pointer = QPointF(pos)
        hit = self.cell_under(pos)
        if hit is not None:
            head, row, col = hit
            x0, y0 = self.mosaic.origin(self._shown.index(head))
            self.hover_box.setRect(QRectF(x0 + col, y0 + row, 1, 1))
            self.hover_box.show()
            if show_tip and self._trace is not None:
                QToolTip.showText(self.mapToGlobal(self.mapFromScene(pos)), self.readout(*hit), self)
        elif self.hover_box.isVisible():
            self.hover_box.hide()
            QToolTip.hideText()
        self.hovered.emit(*(hit if hit is not None else (-1, -1, -1)))
        label = self.label_under(pos)
        if label != self._hover_label:
            self._hover_label = label
            self.tokenHovered.emit(*(label if label is not None else ("", -1)))

    def mouseMoveEvent(self, event) -> None:
        """Every move updates the readout (the scene's sigMouseMoved drops moves that come within
        a few ms of each other, so the last position of a quick move could be lost)."""
        super().mouseMoveEvent(event)
        self._on_mouse_moved(self.mapToScene(event.position().toPoint()))

    def viewportEvent(self, event) -> bool:
        """Over a cell the tooltip is the cell's readout (not the view's help text)."""
        if event.type() == QEvent.Type.ToolTip and self._pointer is not None:
            hit = self.cell_under(self._pointer)
            if hit is not None and self._trace is not None:
                QToolTip.showText(event.globalPos(), self.readout(*hit), self)
                return True
        return super().viewportEvent(event)

    def leaveEvent(self, event) -> None:
        self._pointer = None
        self.hover_box.hide()
        self.hovered.emit(-1, -1, -1)
        if self._hover_label is not None:
            self._hover_label = None
            self.tokenHovered.emit("", -1)
        super().leaveEvent(event)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        label = self.label_under(event.scenePos())
        if label is not None:
            self.tokenClicked.emit(*label)
            return
        hit = self.cell_under(event.scenePos())
        if hit is not None:
            self.toggle_focus(hit[0])

    def toggle_focus(self, head: int | None) -> None:
        """Enlarge ``head`` alone, or go back to the whole grid (same head again, or None)."""
        self.focused = None if head is None or head == self.focused else head
        self.headClicked.emit(-1 if self.focused is None else self.focused)
        if self._latest() is not None:
            self.set_trace(self._latest())

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.focused is not None:
            self.toggle_focus(None)
            return
        super().keyPressEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.pending is not None:  # drawn before it can be seen
            self.set_trace(self.pending)

    # ---- painting ---------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        t0 = time.perf_counter()
        super().paintEvent(event)
        self.last_paint_ms = (time.perf_counter() - t0) * 1e3
        self.painted.emit(self.last_paint_ms)
