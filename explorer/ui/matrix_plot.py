"""One labelled matrix panel: a PlotItem holding a reusable row-major ImageItem."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPen, QStaticText, QTransform
from PySide6.QtWidgets import QGraphicsItem

from ..textfit import elide_middle
from .style import AXIS_HEIGHT, AXIS_WIDTH, label_extent, thinned_ticks, tick_font

AXIS_CHARS = 24  # token labels are elided to this many characters before the axis shortens them further
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


class TokenAxis(pg.AxisItem):
    """An axis whose ticks are set explicitly (token labels): it places each label from the
    value-to-pixel mapping alone. pyqtgraph's generic path measures every label's text box each
    time the axis is redrawn, which for a few hundred token labels is most of a frame."""

    def generateDrawSpecs(self, p):
        if not self._tickLevels or not self._tickLevels[0] or self.orientation not in ("left", "bottom"):
            return super().generateDrawSpecs(p)
        font = self.style["tickFont"] or p.font()
        p.setFont(font)
        line = QFontMetrics(font).height()
        bounds = self.mapRectFromParent(self.geometry())
        lo, hi = self.range
        dif = hi - lo
        if dif == 0:
            return None
        offset = self.style["tickTextOffset"][0 if self.orientation == "left" else 1]
        texts = []
        if self.orientation == "left":
            scale = -bounds.height() / dif  # the same mapping as AxisItem.generateDrawSpecs
            shift = lo * scale - bounds.height()
            width = bounds.width() - offset
            for value, label in self._tickLevels[0]:
                y = value * scale - shift
                texts.append((QRectF(bounds.left(), y - line / 2, width, line), _RIGHT, label))
            axis = (QPen(Qt.PenStyle.NoPen), bounds.topRight(), bounds.bottomRight())
        else:
            scale = bounds.width() / dif
            shift = lo * scale
            room = max(8.0, bounds.width() / max(1, len(self._tickLevels[0])) * 2)
            for value, label in self._tickLevels[0]:
                x = value * scale - shift
                texts.append((QRectF(x - room / 2, bounds.top() + offset, room, line), _CENTRE, label))
            axis = (QPen(Qt.PenStyle.NoPen), bounds.topLeft(), bounds.topRight())
        return axis, [], texts

    def paint(self, p, opt, widget) -> None:
        """Draw the token labels straight from cached QStaticText layouts (one per distinct
        label), instead of recording every label's text layout into a QPicture and replaying it;
        the numbered fallback keeps pyqtgraph's own path."""
        specs = self.generateDrawSpecs(p) if self._tickLevels and self._tickLevels[0] else None
        if specs is None or self.orientation not in ("left", "bottom"):
            return super().paint(p, opt, widget)
        font = self.style["tickFont"] or p.font()
        if getattr(self, "_static_font", None) != font:
            self._static_font, self._static = QFont(font), {}
        p.setRenderHint(p.RenderHint.TextAntialiasing, True)
        p.setFont(font)
        p.setPen(self.textPen())
        clip = self.boundingRect()
        p.setClipRect(clip)
        static = self._static
        if len(static) > 4096:  # many texts typed over time: start again rather than grow
            static.clear()
        for rect, flags, text in specs[2]:
            st = static.get(text)
            if st is None:
                st = static[text] = QStaticText(text)
                st.setTextFormat(Qt.TextFormat.PlainText)
                st.prepare(QTransform(), font)
            size = st.size()
            if flags == _RIGHT:
                pos = QPointF(rect.right() - size.width(), rect.center().y() - size.height() / 2)
            else:  # centred under its column, but kept inside the axis so the first is not cut off
                x = rect.center().x() - size.width() / 2
                pos = QPointF(min(max(x, clip.left()), clip.right() - size.width()), rect.top())
            p.drawStaticText(pos, st)


_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


def token_axes() -> dict:
    return {"left": TokenAxis("left"), "bottom": TokenAxis("bottom")}


class MatrixPlot(pg.PlotItem):
    """Rows top to bottom, columns left to right, one cell per unit square.

    ``set_matrix`` only swaps the data of the existing ImageItem (fixed levels, a cached colour
    table, contiguous float32 data): the fast path for live updates."""

    def __init__(self, title: str = "", lut: np.ndarray | None = None, **kwargs) -> None:
        super().__init__(axisItems=token_axes(), **kwargs)
        self.image = FastImageItem(axisOrder="row-major")
        if lut is not None:
            self.image.setLookupTable(lut)
        self.addItem(self.image)
        self.invertY(True)
        self.setMenuEnabled(False)
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
        self.getAxis("left").setWidth(AXIS_WIDTH)
        self.getAxis("bottom").setHeight(AXIS_HEIGHT)
        self._row_labels: list[str] = []
        self._col_labels: list[str] = []
        self._tick_px: tuple[float, float] = (0.0, 0.0)
        self._shape: tuple[int, int] = (0, 0)
        if title:
            self.setTitle(title, size="9pt")
        self.getViewBox().sigResized.connect(lambda *_: self.update_ticks())

    def set_matrix(self, data: np.ndarray, levels: tuple[float, float], pixels: np.ndarray | None = None) -> None:
        """Show ``data`` (rows, cols); ``pixels`` is its (rows, cols) uint32 ARGB mapping if the
        caller made it already (the step-through maps every panel of a stage in one pass)."""
        data = np.ascontiguousarray(data, dtype=np.float32)
        self.image.set_frame(data, levels, pixels)
        if data.shape != self._shape:
            self._shape = data.shape
            rows, cols = data.shape
            self.image.setRect(QRectF(0, 0, cols, rows))
            self.setRange(xRange=(0, cols), yRange=(0, rows), padding=0)
            self.getViewBox().prepareForPaint()  # apply the range now: one paint, not two

    def set_labels(self, rows: list[str], cols: list[str] | None) -> None:
        """Token labels for rows and columns; ``cols=None`` numbers the columns (dimensions).
        Labels are shortened (a token of any length takes one short label's room)."""
        if rows is self._row_labels and cols is self._col_labels:
            return  # the same lists again: a live update of the same tokens
        if rows != self._row_labels or cols != self._col_labels:
            self._rows_short, _, self._line_px = label_extent([elide_middle(t, AXIS_CHARS) for t in rows])
            self._cols_short, self._col_px, _ = label_extent([elide_middle(t, AXIS_CHARS) for t in cols or []])
            self._tick_px = (0.0, 0.0)
            self._row_labels, self._col_labels = rows, cols
            self.update_ticks()
        self._row_labels, self._col_labels = rows, cols  # equal lists: keep the new ones for the check above

    def update_ticks(self) -> None:
        """Re-thin the labels for the current panel size (cheap; only when size or labels change)."""
        if not self._row_labels:
            return
        rect = self.getViewBox().sceneBoundingRect()
        px = (rect.width(), rect.height())
        if px == self._tick_px:
            return
        self._tick_px = px
        if self._col_labels is None:
            self.getAxis("bottom").setTicks(None)
        else:
            self.getAxis("bottom").setTicks([thinned_ticks(self._cols_short, self._col_px + 6, px[0]), []])
        self.getAxis("left").setTicks([thinned_ticks(self._rows_short, self._line_px + 1, px[1]), []])
