"""One labelled matrix panel: a PlotItem holding a reusable row-major ImageItem."""
from __future__ import annotations

import math
import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainterPath, QPen, QStaticText, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QSizePolicy, QToolTip

from ..colorscale import apply_scale, colour_bar
from ..memo import Memo
from ..textfit import elide_middle
from .style import AXIS_HEIGHT, AXIS_WIDTH, LABEL_MAX_PX, TIER_GAP_PX, MenulessPlot, fit_axis, tick_font, zoom, zoomed

AXIS_SHARE = 0.35  # the most of a plot's width (height) its left (bottom) axis may take
NAN_INDEX = 255  # colour indices run 0..254; 255 is a transparent pixel (NaN, a masked cell)


def argb_words(lut) -> np.ndarray:
    """A (256,) uint32 table of premultiplied ARGB32 words from a (>=255, 3+) uint8 colour table;
    index NAN_INDEX stays 0, i.e. fully transparent."""
    lut = np.asarray(lut, dtype=np.uint32)[:NAN_INDEX, :3]  # (255, 3)
    words = np.zeros(256, dtype=np.uint32)
    words[: len(lut)] = 0xFF000000 | (lut[:, 0] << 16) | (lut[:, 1] << 8) | lut[:, 2]
    return words


def argb_pixels(words: np.ndarray, data: np.ndarray, levels: tuple[float, float]) -> np.ndarray:
    """Map float values to ARGB32 words through ``words``: (..., rows, cols) float ->
    (..., rows, cols) uint32. Values at or below levels[0] get colour 0, at or above levels[1]
    colour 254, NaN the transparent word. One call maps every head of a frame at once."""
    lo, hi = float(levels[0]), float(levels[1])
    factor = 255.0 / (hi - lo) if hi > lo else 0.0
    buf = np.empty(data.shape, dtype=np.float32)
    if lo == 0.0:
        np.multiply(data, factor, out=buf, casting="unsafe")  # weights: one pass, no shift
    else:
        np.subtract(data, lo, out=buf, casting="unsafe")
        buf *= factor
    np.clip(buf, 0, NAN_INDEX - 1, out=buf)  # NaN stays NaN
    if np.isnan(buf.max()):  # a masked cell somewhere: one reduction tells
        nan = np.isnan(buf)
        buf[nan] = 0  # NaN has no integer value
        index = buf.astype(np.uint8)
        index[nan] = NAN_INDEX
    else:
        index = buf.astype(np.uint8)
    return words.take(index)


class FastImageItem(pg.ImageItem):
    """An ImageItem for float matrices with fixed levels and a 256-colour lookup table.

    pyqtgraph's own render rebuilds an indexed colour table with 256 Python calls on every frame,
    and QPainter then converts the indexed image on every draw. Here the colours are a cached
    table of premultiplied ARGB32 words: two numpy passes map the floats to indices, one take()
    maps indices to pixels, and the QImage is in the format QPainter draws fastest. NaN (a
    masked cell) is transparent. ``set_frame`` swaps in data whose pixels a caller mapped
    already (the heads grid maps all heads in one pass)."""

    def setLookupTable(self, lut, update: bool = True) -> None:
        self._argb = argb_words(lut)
        super().setLookupTable(np.asarray(lut, dtype=np.uint8), update)

    def set_frame(self, data: np.ndarray, levels: tuple[float, float], pixels: np.ndarray | None = None) -> None:
        """Show ``data`` (rows, cols) at fixed ``levels``; ``pixels`` is its (rows, cols) uint32
        ARGB mapping if the caller made it already. The fast path of setImage: no level
        sampling, no signals, a geometry change only when the shape changes."""
        if self.image is None or self.image.shape != data.shape:
            self.prepareGeometryChange()
            self.informViewBoundsChanged()
        self.image = data
        self._imageHasNans = None
        self._imageNanLocations = None
        self.levels = levels
        if pixels is None:
            self._renderRequired = True
        else:
            self._show_pixels(pixels)
        self.update()

    def changeParent(self) -> None:
        """pyqtgraph connects an item to its view's range signals each time it moves into a view.
        An image without autoDownsample never uses them, and the heads grid moves images in and
        out of its view on every head-count change, so only forget the old view here."""
        if self.autoDownsample:
            return super().changeParent()
        self.forgetViewBox()
        self.forgetViewWidget()

    def _show_pixels(self, pixels: np.ndarray) -> None:
        self._pixels = pixels  # the QImage shares this memory, so keep it alive with the image
        rows, cols = pixels.shape
        self.qimage = QImage(pixels.data, cols, rows, pixels.strides[0], QImage.Format.Format_ARGB32_Premultiplied)
        self._renderRequired = False
        self._unrenderable = False

    def render(self) -> None:
        img, levels = self.image, self.levels
        if img is None or img.ndim != 2 or img.size == 0 or levels is None or getattr(self, "_argb", None) is None:
            return super().render()
        self._show_pixels(argb_pixels(self._argb, img, levels))

    def paint(self, painter, *args) -> None:
        """ImageItem.paint without its profiler and options (no paint mode, no border)."""
        if self.image is None:
            return
        if self._renderRequired:
            self.render()
            if self._unrenderable:
                return
        rows, cols = self.image.shape[:2]
        painter.drawImage(QRectF(0, 0, cols, rows), self.qimage)


STATIC_TEXTS_KEPT = 4096  # prepared label texts per font
_STATIC_TEXTS: Memo[str, Memo[tuple[str, bool], QStaticText]] = Memo(16)  # font key -> (text, bold) -> prepared
LABEL_LAYOUTS_KEPT = 256
# label boxes by (labels, range, size, font, ...)
_LABEL_LAYOUTS: Memo[tuple, tuple[list, np.ndarray]] = Memo(LABEL_LAYOUTS_KEPT)
WIDTHS_KEPT = 4096  # measured label widths per axis


class TokenAxis(pg.AxisItem):
    """An axis whose ticks are set explicitly (token labels): it places each label from the
    value-to-pixel mapping alone. pyqtgraph's generic path measures every label's text box each
    time the axis is redrawn, which for a few hundred token labels is most of a frame.

    A bottom axis can turn its labels 90 degrees (``rotated``: they read upwards and end just
    under the matrix). ``focus`` is the token drawn bold and coloured; ``title`` (left axis) is
    drawn turned along the outer edge. ``label_rects`` gives every drawn label's box."""

    def __init__(self, orientation, **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.rotated = False
        self.tiers = 1  # turned labels: 2 alternates them between two staggered rows
        self.focus: int | None = None
        self.title = ""
        self.title_font = tick_font()
        self.token_index: list[int] = []  # per tick of the first level: the token it labels
        self._layout_key = None
        self._layout: list[tuple[QRectF, str, int, bool]] = []
        self._boxes = np.zeros((0, 4))
        self._widths: Memo[tuple[str, bool], float] = Memo(WIDTHS_KEPT)

    # ---- what to draw ------------------------------------------------------------------------
    def setTicks(self, ticks) -> None:
        self.token_index = []
        self._ticks_key: tuple | None = None
        super().setTicks(ticks)
        self._layout_key = None

    def set_token_ticks(self, ticks: list[tuple[float, str, int]]) -> None:
        """(position, label, token index) per label."""
        self.setTicks([[(v, s) for v, s, _ in ticks], []])
        self.token_index = [i for _, _, i in ticks]
        self._ticks_key = tuple(ticks)  # what the label boxes depend on, shared by axes with the same labels

    def set_rotated(self, rotated: bool, tiers: int = 1) -> None:
        """Turned labels (bottom axis) and the number of staggered tiers (1 or 2; either axis)."""
        tiers = tiers if rotated or self.orientation == "left" else 1
        if rotated != self.rotated or tiers != self.tiers:
            self.rotated, self.tiers = rotated, tiers
            self._changed()

    def set_focus(self, index: int | None) -> None:
        if index != self.focus:
            self.focus = index
            self._changed()

    def set_title(self, text: str, font: QFont | None = None) -> None:
        if text != self.title or (font is not None and font != self.title_font):
            self.title = text
            if font is not None:
                self.title_font = QFont(font)
            self._changed()

    def set_font(self, font: QFont) -> None:
        if self.style["tickFont"] != font:
            self.setStyle(tickFont=QFont(font))
            self._changed()

    def _changed(self) -> None:
        self._layout_key = None
        self.picture = None
        self.update()

    # ---- where each label goes ---------------------------------------------------------------
    def _text_width(self, text: str, bold: bool, font: QFont) -> float:
        w = self._widths.get((text, bold))
        if w is None:
            f = QFont(font)
            f.setBold(bold)
            w = self._widths.keep((text, bold), QFontMetricsF(f).horizontalAdvance(text))
        return w

    def label_layout(self) -> list[tuple[QRectF, str, int, bool]]:
        """Per label (axis coordinates): its box, text, token index and whether it has the focus.
        For turned labels the box is the turned text's bounding box. Cached until the ticks, the
        range, the size, the font or the focus change."""
        ticks = self._tickLevels[0] if self._tickLevels else []
        font = self.style["tickFont"] or QFont()
        bounds = self.mapRectFromParent(self.geometry())
        key = (id(self._tickLevels), len(ticks), tuple(self.range), bounds.getRect(), font.key(), self.rotated,
               self.tiers, self.focus)
        if key == self._layout_key:
            return self._layout
        ticks_key = getattr(self, "_ticks_key", None)
        shared = None if ticks_key is None else (
            self.orientation, ticks_key, key[2:], tuple(self.style["tickTextOffset"]))
        hit = _LABEL_LAYOUTS.get(shared) if shared is not None else None
        if hit is not None:  # another axis with the same labels, size and font (the panels of a stage)
            self._layout_key, (self._layout, self._boxes) = key, hit
            return self._layout
        if getattr(self, "_widths_font", None) != font.key():
            self._widths.clear()
        self._widths_font = font.key()
        line = QFontMetricsF(font).height()
        lo, hi = self.range
        out: list[tuple[QRectF, str, int, bool]] = []
        if ticks and hi != lo and self.orientation in ("left", "bottom"):
            index = self.token_index if len(self.token_index) == len(ticks) else [int(v) for v, _ in ticks]
            if self.orientation == "left":
                scale = -bounds.height() / (hi - lo)  # the same mapping as AxisItem.generateDrawSpecs
                shift = lo * scale - bounds.height()
                right = bounds.right() - self.style["tickTextOffset"][0]
                tier_px = 0.0
                if self.tiers > 1:  # the second tier ends left of the first's longest label
                    tier_px = max(self._text_width(label, True, font) for _, label in ticks) + TIER_GAP_PX
                for (value, label), i in zip(ticks, index):
                    bold = i == self.focus
                    w = self._text_width(label, bold, font)
                    y = value * scale - shift
                    x1 = right - (i % self.tiers) * tier_px
                    out.append((QRectF(x1 - w, y - line / 2, w, line), label, i, bold))
            else:
                scale = bounds.width() / (hi - lo)
                shift = lo * scale
                top = bounds.top() + self.style["tickTextOffset"][1]
                tier_px = 0.0
                if self.rotated and self.tiers > 1:  # the second tier starts below the first's longest label
                    tier_px = max(self._text_width(label, True, font) for _, label in ticks) + TIER_GAP_PX
                for (value, label), i in zip(ticks, index):
                    bold = i == self.focus
                    w = self._text_width(label, bold, font)
                    x = value * scale - shift
                    if self.rotated:
                        y = top + (i % self.tiers) * tier_px
                        out.append((QRectF(x - line / 2, y, line, w), label, i, bold))
                    else:  # centred under its column, but kept inside the axis so the first is not cut off
                        x0 = min(max(x - w / 2, bounds.left()), bounds.right() - w)
                        out.append((QRectF(x0, top, w, line), label, i, bold))
        self._layout_key, self._layout = key, out
        self._boxes = np.array([r.getCoords() for r, *_ in out], dtype=float).reshape(-1, 4)
        if shared is not None:
            _LABEL_LAYOUTS.keep(shared, (out, self._boxes))  # read only by every axis that shares it
        return out

    def label_rects(self) -> list[tuple[str, QRectF]]:
        """Every drawn label and its box in scene coordinates."""
        return [(text, self.mapRectToScene(rect)) for rect, text, _, _ in self.label_layout()]

    def label_at(self, pos: QPointF) -> int | None:
        """The token whose label is under ``pos`` (axis coordinates), or None."""
        self.label_layout()
        b = self._boxes
        if not len(b):
            return None
        x, y = pos.x(), pos.y()
        hit = np.flatnonzero((b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3]))
        return self._layout[int(hit[0])][2] if len(hit) else None

    def generateDrawSpecs(self, p):
        if not self._tickLevels or not self._tickLevels[0] or self.orientation not in ("left", "bottom"):
            return super().generateDrawSpecs(p)
        bounds = self.mapRectFromParent(self.geometry())
        edge = (bounds.topRight(), bounds.bottomRight()) if self.orientation == "left" else \
            (bounds.topLeft(), bounds.topRight())
        texts = [(rect, _RIGHT if self.orientation == "left" else _CENTRE, text) for rect, text, _, _ in
                 self.label_layout()]
        return (QPen(Qt.PenStyle.NoPen), *edge), [], texts

    def paint(self, p, opt, widget) -> None:
        """Draw the token labels straight from cached QStaticText layouts (one per distinct
        label), instead of recording every label's text layout into a QPicture and replaying it;
        the numbered fallback keeps pyqtgraph's own path."""
        if self.orientation == "left" and self.title:
            self._paint_title(p)
        if not (self._tickLevels and self._tickLevels[0]) or self.orientation not in ("left", "bottom"):
            return super().paint(p, opt, widget)
        layout = self.label_layout()
        font = self.style["tickFont"] or p.font()
        if getattr(self, "_static_font", None) != font:
            self._static_font = QFont(font)
            self._bold_font = QFont(font)
            self._bold_font.setBold(True)
            # prepared label texts per font, shared by every axis (the panels of a stage label the same tokens)
            self._static = _STATIC_TEXTS.get_or_make(font.key(), lambda: Memo(STATIC_TEXTS_KEPT))
        p.setRenderHint(p.RenderHint.TextAntialiasing, True)
        pen = self.textPen()
        clip = self.mapRectFromParent(self.geometry())
        p.setClipRect(self.boundingRect())
        static = self._static
        turned = self.rotated and self.orientation == "bottom"
        # hairlines first, in the axis' own coordinates: a second-tier label's line to its column (row)
        if self.tiers > 1:
            p.setPen(LEADER)
            offset = self.style["tickTextOffset"]
            for rect, _text, _i, _bold in layout:
                if turned and rect.top() > clip.top() + offset[1] + 1:
                    x = rect.center().x()
                    p.drawLine(QPointF(x, clip.top() + 1), QPointF(x, rect.top() - 1))
                elif not turned and self.orientation == "left" and rect.right() < clip.right() - offset[0] - 1:
                    y = rect.center().y()
                    p.drawLine(QPointF(rect.right() + 1, y), QPointF(clip.right() - 1, y))
        # then every label: one painter state for all of them (turned keys: one rotation, each label
        # at its box's place in the turned coordinates), the font and pen changed only for the focus
        p.setPen(pen)
        p.setFont(font)
        if turned:
            p.save()
            p.rotate(-90)  # reads upwards; the text ends at the top, next to its column: (u, v) -> (v, -u)
        for rect, text, _, bold in layout:
            st = static.get((text, bold))
            if st is None:
                st = static.keep((text, bold), QStaticText(text))
                st.setTextFormat(Qt.TextFormat.PlainText)
                st.prepare(QTransform(), self._bold_font if bold else font)
            if bold:
                p.setFont(self._bold_font)
                p.setPen(FOCUS_TEXT)
            half = st.size().height() / 2
            if turned:
                p.drawStaticText(QPointF(-rect.bottom(), rect.center().x() - half), st)
            else:
                p.drawStaticText(QPointF(rect.left(), rect.center().y() - half), st)
            if bold:
                p.setFont(font)
                p.setPen(pen)
        if turned:
            p.restore()

    def _paint_title(self, p) -> None:
        bounds = self.mapRectFromParent(self.geometry())
        line = QFontMetricsF(self.title_font).height()
        p.save()
        p.setFont(self.title_font)
        p.setPen(TITLE_TEXT)
        p.translate(bounds.left(), bounds.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-bounds.height() / 2, 0, bounds.height(), line),
                   int(Qt.AlignmentFlag.AlignCenter), self.title)
        p.restore()


FOCUS_TEXT = QColor(200, 60, 0)  # the focused token's label
FOCUS_PEN = QColor(255, 110, 0)  # the outline of the focused row / column bands
FOCUS_FILL = QColor(255, 255, 255, 60)
TITLE_TEXT = QColor(70, 70, 70)
LEADER = QColor(170, 170, 170)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


def style_mosaic_axis(ax: pg.AxisItem) -> None:
    """An axis of a plot that holds many matrices (the heads grid, the step-through's mosaic): no
    SI prefix, no axis line across the gaps (the labels are the axis), and its drawing cached."""
    ax.enableAutoSIPrefix(False)
    ax.setStyle(tickFont=tick_font(), tickLength=-3, autoExpandTextSpace=False, hideOverlappingLabels=False)
    ax.setPen(pg.mkPen(None))
    ax.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # redrawn only when its ticks change


def token_axes() -> dict:
    return {"left": TokenAxis("left"), "bottom": TokenAxis("bottom")}


class CornerTitle(pg.GraphicsWidget):
    """A short title in the corner left of a plot's bottom axis ("key (column)"), right-aligned
    next to the key labels and wrapped onto two lines if it must; it never asks for room."""

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.font = tick_font()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(0, 0)
        self.setPreferredSize(0, 0)

    def set_text(self, text: str, font: QFont) -> None:
        if text != self.text or font != self.font:
            self.text, self.font = text, QFont(font)
            self.update()

    def needed_height(self, width: float) -> float:
        if not self.text:
            return 0.0
        fm = QFontMetricsF(self.font)
        flags = int(Qt.AlignmentFlag.AlignRight | Qt.TextFlag.TextWordWrap)
        return fm.boundingRect(QRectF(0, 0, max(1.0, width - 4), 1000), flags, self.text).height()

    def paint(self, p, *args) -> None:
        if not self.text:
            return
        r = self.boundingRect().adjusted(0, 0, -4, 0)
        p.setFont(self.font)
        p.setPen(TITLE_TEXT)
        p.drawText(r, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                   self.text)


class FocusBands(pg.GraphicsObject):
    """The focused query row and key column of every panel, as one path: a light band with an
    outline. One item per view (not per cell or panel), rebuilt only when the focus or the
    panels move."""

    def __init__(self) -> None:
        super().__init__()
        self.path = QPainterPath()
        self._pen = QPen(FOCUS_PEN, 1.5)
        self._pen.setCosmetic(True)
        self.setZValue(10)

    def set_panels(self, panels: list[tuple[float, float, int, int]], query: int | None, key: int | None) -> None:
        """``panels``: (x0, y0, rows, cols) per panel in view coordinates."""
        path = QPainterPath()
        for x0, y0, rows, cols in panels:
            if query is not None and 0 <= query < rows:
                path.addRect(QRectF(x0, y0 + query, cols, 1))
            if key is not None and 0 <= key < cols:
                path.addRect(QRectF(x0 + key, y0, 1, rows))
        self.prepareGeometryChange()
        self.path = path
        self.update()

    def boundingRect(self) -> QRectF:
        return self.path.boundingRect()

    def paint(self, p, *args) -> None:
        if self.path.isEmpty():
            return
        p.setPen(self._pen)
        p.setBrush(FOCUS_FILL)
        p.drawPath(self.path)


def outline_item(color: QColor, width: float) -> QGraphicsRectItem:
    """A rectangle outline of a constant width on screen (the hovered cell, the selected head)."""
    item = QGraphicsRectItem()
    pen = QPen(color, width)
    pen.setCosmetic(True)
    item.setPen(pen)
    item.setBrush(Qt.BrushStyle.NoBrush)
    item.setZValue(11)
    item.hide()
    return item


def token_label_under(axes: list[TokenAxis], scene_pos: QPointF) -> tuple[str, int] | None:
    """("query", i) or ("key", j) if ``scene_pos`` is on a token label of the left or bottom axis."""
    for axis in axes:
        if not axis.isVisible() or not axis.sceneBoundingRect().contains(scene_pos):
            continue
        index = axis.label_at(axis.mapFromScene(scene_pos))
        if index is not None:
            return ("query" if axis.orientation == "left" else "key"), index
    return None


def plan_axes(rows: tuple[str, ...], cols: tuple[str, ...] | None, avail_w: float, avail_h: float,
              n_rows: int, n_cols: int, titles: tuple[str, str] | None, spare_w=None, spare_h=None,
              left_shown: bool = True, thin_rotated: bool = True, share_of: tuple[float, float] | None = None):
    """Fit the row and key labels of a plot whose view box gets ``avail_w`` x ``avail_h`` pixels
    minus the axes: returns (row fit, key fit or None, left axis width, bottom axis height).
    ``spare_w`` / ``spare_h`` turn the view box's pixels into the pixels of one matrix (the heads
    grid takes its gaps off). An axis takes at most AXIS_SHARE of ``share_of`` = (width, height),
    by default (avail_w, avail_h): the step-through's mosaic gives the size of one panel, as
    its panels had when each was a plot of its own."""
    fm = QFontMetricsF(tick_font())
    title_line = fm.height() if titles else 0.0
    spare_w = spare_w or (lambda w: w)
    spare_h = spare_h or (lambda h: h)
    offset_x, offset_y = 5.0, 4.0
    # an axis takes at most AXIS_SHARE of the plot: longer labels are elided in the middle
    share_w, share_h = share_of if share_of is not None else (avail_w, avail_h)
    key_max = int(min(zoomed(LABEL_MAX_PX), max(zoomed(AXIS_HEIGHT), AXIS_SHARE * share_h) - offset_y - 2))
    row_max = int(min(zoomed(LABEL_MAX_PX), max(zoomed(AXIS_WIDTH), AXIS_SHARE * share_w) - title_line - offset_x - 4))
    left = zoomed(AXIS_WIDTH)
    bottom = zoomed(AXIS_HEIGHT)
    row_fit = key_fit = None
    for _ in range(3):  # the two axes share the space: settle in a few rounds
        key_fit = None
        if cols is not None and n_cols:
            pitch = spare_w(avail_w - (left if left_shown else 0)) / n_cols
            key_fit = fit_axis(cols, pitch, keys=True, max_px=max(8, key_max), thin_rotated=thin_rotated)
            if key_fit.tiers > 1 and key_fit.across > key_max:  # two tiers share the room
                key_fit = fit_axis(cols, pitch, keys=True, max_px=max(8, (key_max - TIER_GAP_PX) // 2),
                                   thin_rotated=thin_rotated)
            bottom = math.ceil(offset_y + key_fit.across + 2)
        if titles:  # the key title sits in the corner left of the key labels
            flags = int(Qt.AlignmentFlag.AlignRight | Qt.TextFlag.TextWordWrap)
            bottom = max(bottom, math.ceil(fm.boundingRect(QRectF(0, 0, max(1, left - 4), 1000), flags,
                                                           titles[1]).height() + offset_y))
        row_fit = fit_axis(rows, spare_h(avail_h - bottom) / max(1, n_rows), keys=False, max_px=max(8, row_max))
        left = max(zoomed(24), math.ceil(title_line + offset_x + row_fit.across + 4))
    return row_fit, key_fit, left, bottom


PLANS_KEPT = 64
# update_ticks' key and font -> plan_axes' answer (AxisFits are only read)
_PLANS: Memo[tuple, tuple] = Memo(PLANS_KEPT)


def retitle(plot: pg.PlotItem, text: str, **opts) -> bool:
    """Give ``plot`` the title ``text`` (pyqtgraph's setTitle options ``opts``) unless it has that
    title already: a title set again is laid out again, and a live update mostly keeps them.
    Returns whether it changed."""
    shown = (text, tuple(sorted(opts.items())))
    if getattr(plot, "_title_shown", None) == shown:
        return False
    plot._title_shown = shown
    plot.setTitle(text, **opts)
    return True


class PointerReadout:
    """For a plot item of matrices (mixed in before the PlotItem): follows the pointer through its
    scene's mouse signals, connected whenever the item enters a scene. Subclasses implement
    ``_on_mouse_moved(scene_pos)`` and ``_on_mouse_clicked(event)`` with the helpers here: the
    hovered cell's outline (``hover_box``) and readout next to the pointer, and ``tokenHovered``
    emitted once per label entered or left."""

    _scene = None
    _hover_label: tuple[str, int] | None = None

    def itemChange(self, change, value):
        result = super().itemChange(change, value)  # the PlotItem's
        if change == QGraphicsItem.GraphicsItemChange.ItemSceneHasChanged:
            self._connect_scene(self.scene())
        return result

    def _connect_scene(self, scene) -> None:
        if self._scene is not None:
            try:
                self._scene.sigMouseMoved.disconnect(self._on_mouse_moved)
                self._scene.sigMouseClicked.disconnect(self._on_mouse_clicked)
            except (RuntimeError, TypeError):
                pass
        self._scene = scene
        if scene is not None and hasattr(scene, "sigMouseMoved"):
            scene.sigMouseMoved.connect(self._on_mouse_moved)
            scene.sigMouseClicked.connect(self._on_mouse_clicked)

    def _show_cell(self, cell: QRectF, scene_pos: QPointF, text: str) -> None:
        """Outline ``cell`` (view coordinates) and show ``text`` next to the pointer."""
        self.hover_box.setRect(cell)
        self.hover_box.show()
        views = self.scene().views() if self.scene() is not None else []
        if views:
            view = views[0]
            QToolTip.showText(view.mapToGlobal(view.mapFromScene(scene_pos)), text, view)

    def _leave_cell(self) -> None:
        if self.hover_box.isVisible():
            self.hover_box.hide()
            QToolTip.hideText()

    def _hover_token(self, label: tuple[str, int] | None) -> None:
        if label != self._hover_label:
            self._hover_label = label
            self.tokenHovered.emit(*(label if label is not None else ("", -1)))


class MatrixPlot(PointerReadout, MenulessPlot):
    """Rows top to bottom, columns left to right, one cell per unit square.

    ``set_matrix`` only swaps the data of the existing ImageItem (fixed levels, a cached colour
    table, contiguous float32 data): the fast path for live updates. Every row and column token
    gets a label where the panel has room (the font shrinks to a floor and key labels turn 90
    degrees first; only then are they thinned evenly). Hovering a cell outlines it and shows its
    readout next to the pointer; hovering or clicking a token label emits ``tokenHovered`` /
    ``tokenClicked`` ("query" or "key", index); ``set_focus`` highlights a row and a column."""

    tokenHovered = Signal(str, int)  # "query" / "key" and the token; ("", -1) when leaving a label
    tokenClicked = Signal(str, int)

    def __init__(self, title: str = "", lut: np.ndarray | None = None, axis_titles: bool = False, **kwargs) -> None:
        super().__init__(axisItems=token_axes(), **kwargs)
        self.image = FastImageItem(axisOrder="row-major")
        if lut is not None:
            self.image.setLookupTable(lut)
        self.addItem(self.image)
        self.invertY(True)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getViewBox().setDefaultPadding(0.0)
        for side in ("left", "bottom"):
            ax = self.getAxis(side)
            ax.setStyle(tickFont=tick_font(), tickLength=-3, autoExpandTextSpace=False, hideOverlappingLabels=False)
            ax.enableAutoSIPrefix(False)  # token labels, not numbers; also skips a label re-render per range change
            ax.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # redrawn only when its ticks change
        for side in ("top", "right"):  # hidden, but they follow the range and re-render a label each time
            self.getAxis(side).enableAutoSIPrefix(False)
        self.getAxis("left").setWidth(zoomed(AXIS_WIDTH))
        self.getAxis("bottom").setHeight(zoomed(AXIS_HEIGHT))
        self.corner = CornerTitle()
        self.layout.addItem(self.corner, 3, 0)
        self.bands = FocusBands()
        self.addItem(self.bands, ignoreBounds=True)
        self.hover_box = outline_item(QColor("white"), 1.5)
        self.addItem(self.hover_box, ignoreBounds=True)
        self._row_labels: list[str] = []
        self._col_labels: list[str] | None = []
        self._tick_key = None
        self._shape: tuple[int, int] = (0, 0)
        self._data: np.ndarray | None = None  # the numbers as given (the image may hold them rescaled)
        self._scale: tuple[str, float] | None = None
        self._focus: tuple[int | None, int | None] = (None, None)
        self._axis_titles = False
        self._readout = None
        self.fits = (None, None)  # the last AxisFit of the rows and of the columns
        if title:
            retitle(self, title, size="9pt")
        self.set_axis_titles(axis_titles)
        self.getViewBox().sigResized.connect(lambda *_: self.update_ticks())

    # ---- data --------------------------------------------------------------------------------
    def set_matrix(self, data: np.ndarray, levels: tuple[float, float], pixels: np.ndarray | None = None) -> None:
        """Show ``data`` (rows, cols); ``pixels`` is its (rows, cols) uint32 ARGB mapping if the
        caller made it already (the step-through maps every panel of a stage in one pass). With a
        colour scale set (``set_colour_scale``) the data is drawn on that scale and its levels."""
        data = np.ascontiguousarray(data, dtype=np.float32)
        self._data = data
        if self._scale is not None:
            mode, top = self._scale
            levels = colour_bar(mode, top).levels
            if mode != "linear":
                data, pixels = apply_scale(data, mode, top), None
        self.image.set_frame(data, levels, pixels)
        if not self.image.isVisible():
            self.image.show()
        if data.shape != self._shape:
            self._shape = data.shape
            rows, cols = data.shape
            self.image.setRect(QRectF(0, 0, cols, rows))
            self.setRange(xRange=(0, cols), yRange=(0, rows), padding=0)
            self.getViewBox().prepareForPaint()  # apply the range now: one paint, not two
            self._update_bands()

    def set_colour_scale(self, mode: str, top: float) -> None:
        """Draw this and the next matrices on colour scale ``mode`` (see explorer.colorscale) with
        the shared linear top ``top``."""
        colour_bar(mode, top)  # an unknown mode fails here, not in the next draw
        if self._scale == (mode, top):
            return
        self._scale = (mode, float(top))
        if self._data is not None:
            self.set_matrix(self._data, colour_bar(mode, top).levels)

    def clear(self) -> None:
        """Show nothing: no image, no labels, no highlight (until the next set_matrix)."""
        self.image.hide()
        self._data = None
        self._row_labels, self._col_labels = [], []
        self._tick_key = None
        for side in ("left", "bottom"):
            self.getAxis(side).setTicks([[], []])
        self.hover_box.hide()
        self.set_focus(None, None)

    def set_labels(self, rows: list[str], cols: list[str] | None) -> None:
        """Token labels for rows and columns; ``cols=None`` numbers the columns (dimensions)."""
        if rows is self._row_labels and cols is self._col_labels:
            return  # the same lists again: a live update of the same tokens
        if rows != self._row_labels or cols != self._col_labels:
            self._row_labels, self._col_labels = rows, cols
            self._tick_key = None
            self.update_ticks()
        self._row_labels, self._col_labels = rows, cols  # equal lists: keep the new ones for the check above

    def set_axis_titles(self, on: bool) -> None:
        """Show "query (row) →" along the rows and "key (column)" beside the key labels."""
        self._axis_titles = bool(on)
        self._tick_key = None
        self.update_ticks()

    def axis_titles(self) -> tuple[str, str]:
        return (QCoreApplication.translate("MatrixPlot", "query (row) →"),
                QCoreApplication.translate("MatrixPlot", "key (column)"))

    def update_ticks(self) -> None:
        """Fit the labels to the panel size (cheap; only when the size, the labels or the zoom
        change). The decision depends on the plot's whole size, not on the view box the axes
        leave, so giving the axes their new size does not start it again."""
        axes = self.getAxis("left"), self.getAxis("bottom")
        titles = self.axis_titles() if self._axis_titles and self._row_labels else None
        for ax, text in zip(axes, (titles[0] if titles else "", "")):
            ax.set_title(text, tick_font())
        self.corner.set_text(titles[1] if titles else "", tick_font())
        if not self._row_labels or not self.isVisible():
            return
        vb = self.getViewBox()
        left, bottom = axes
        own = self.geometry()
        vb_rect = vb.geometry()
        if own.width() <= 0 or vb_rect.width() <= 0:
            return
        # the plot's width left for the left axis and the view box (title row, margins taken off)
        avail_w = vb_rect.width() + left.geometry().width()
        left_shown, bottom_shown = left.isVisibleTo(self), bottom.isVisibleTo(self)
        avail_h = vb_rect.height() + (bottom.geometry().height() if bottom_shown else 0)
        key = (tuple(self._row_labels), None if self._col_labels is None else tuple(self._col_labels),
               round(avail_w), round(avail_h), zoom(), titles, left_shown, bottom_shown)
        if key == self._tick_key:
            return
        self._tick_key = key
        rows = tuple(self._row_labels)
        cols = None if self._col_labels is None else tuple(self._col_labels)
        # the panels of a stage share their labels and mostly their size: planned once for all of them
        plan_key = (key[:2], avail_w, avail_h, key[4:], tick_font().key())
        plan = _PLANS.get(plan_key)
        if plan is None:
            plan = _PLANS.keep(plan_key, plan_axes(
                rows, cols, avail_w, avail_h, len(rows), len(cols) if cols is not None else 0, titles,
                left_shown=left_shown))
        row_fit, key_fit, left_px, bottom_px = plan
        self.fits = (row_fit, key_fit)
        left.set_font(tick_font(row_fit.point_size))
        left.set_rotated(False, row_fit.tiers)
        left.set_token_ticks([(i + 0.5, row_fit.labels[i], i) for i in range(0, len(rows), row_fit.stride)])
        if left.fixedWidth != left_px:
            left.setWidth(left_px)
        if key_fit is None:
            bottom.set_rotated(False)
            bottom.set_font(tick_font())
            bottom.setTicks(None)
            bottom_px = zoomed(AXIS_HEIGHT)
        else:
            bottom.set_rotated(bool(key_fit.rotated), key_fit.tiers)
            bottom.set_font(tick_font(key_fit.point_size))
            bottom.set_token_ticks([(j + 0.5, key_fit.labels[j], j) for j in range(0, len(cols), key_fit.stride)])
        if bottom.fixedHeight != bottom_px:
            bottom.setHeight(bottom_px)

    @property
    def label_stride(self) -> int:
        """Every how many tokens a label is drawn (1: every token), on the sparser axis."""
        return max((f.stride for f in self.fits if f is not None), default=1)

    def label_rects(self) -> dict[str, list[tuple[str, QRectF]]]:
        """Every drawn token label with its box in scene coordinates: "query" (left axis) and
        "key" (bottom axis; a turned label's bounding box)."""
        out = {}
        for kind, side in (("query", "left"), ("key", "bottom")):
            ax = self.getAxis(side)
            out[kind] = ax.label_rects() if ax.isVisible() and self._row_labels else []
        return out

    # ---- focus and hover ---------------------------------------------------------------------
    @property
    def focus(self) -> tuple[int | None, int | None]:
        """The highlighted (query row, key column)."""
        return self._focus

    def set_focus(self, query: int | None, key: int | None) -> None:
        """Highlight row ``query`` and column ``key`` (None: neither) and their labels."""
        self._focus = (query, key)
        self.getAxis("left").set_focus(query)
        self.getAxis("bottom").set_focus(key if self._col_labels is not None else None)
        self._update_bands()

    def _update_bands(self) -> None:
        rows, cols = self._shape
        query, key = self._focus
        self.bands.set_panels([(0.0, 0.0, rows, cols)], query, key if self._col_labels is not None else None)

    def set_readout(self, fn) -> None:
        """``fn(row, col) -> str`` gives the hover text of a cell (None: the built-in one)."""
        self._readout = fn

    def readout(self, row: int, col: int) -> str:
        if self._readout is not None:
            return self._readout(row, col)
        value = float(self._data[row, col])
        title = self.titleLabel.text if self.titleLabel.isVisible() else ""
        title = re.sub(r"<[^>]+>", "", title or "")
        rows, cols = self._row_labels, self._col_labels
        q = elide_middle(rows[row]) if row < len(rows) else str(row)
        if cols is None:
            text = QCoreApplication.translate("MatrixPlot", "query {0} “{1}” · dimension {2}: {3:.3f}").format(
                row, q, col, value)
        else:
            k = elide_middle(cols[col]) if col < len(cols) else str(col)
            text = QCoreApplication.translate("MatrixPlot", "query {0} “{1}” → key {2} “{3}”: {4:.3f}").format(
                row, q, col, k, value)
        return f"{title} · {text}" if title else text

    def cell_under(self, scene_pos: QPointF) -> tuple[int, int] | None:
        vb = self.getViewBox()
        if self._data is None or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        row, col = int(math.floor(p.y())), int(math.floor(p.x()))
        rows, cols = self._shape
        return (row, col) if 0 <= row < rows and 0 <= col < cols else None

    def itemChange(self, change, value):
        result = super().itemChange(change, value)
        if change == QGraphicsItem.GraphicsItemChange.ItemVisibleHasChanged and value:
            self.update_ticks()  # skipped while hidden (a hidden axis takes no size)
        return result

    def _on_mouse_moved(self, scene_pos) -> None:
        if not self.isVisible():
            return
        inside = self.sceneBoundingRect().contains(scene_pos)
        hit = self.cell_under(scene_pos) if inside else None
        if hit is not None:
            row, col = hit
            self._show_cell(QRectF(col, row, 1, 1), scene_pos, self.readout(row, col))
        else:
            self._leave_cell()
        self._hover_token(token_label_under([self.getAxis("left"), self.getAxis("bottom")], scene_pos)
                          if inside else None)

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.isVisible():
            return
        label = token_label_under([self.getAxis("left"), self.getAxis("bottom")], event.scenePos())
        if label is not None:
            self.tokenClicked.emit(*label)
