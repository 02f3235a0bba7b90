"""Figure layout: a view drawn offscreen at a fixed logical size, with a title above and a
caption below (the full configuration and the tokens), so the picture can be reproduced. The same
options always give the same pixels: the size never depends on the window."""
from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from ...exportpaths import N_STAGES, SCALE_MAX, SCALE_MIN  # noqa: F401 - re-exported for the figures
from ...textfit import elide_middle
from ..qt_app import ensure_app as _ensure_app

# Logical figure sizes (1 unit = 1 px at 1x): fixed, so the same options give the same pixels.
FIGURE_SIZES = {"heads": (1200, 900), "compare": (1100, 900), "step": (1200, 850), "head": (800, 720),
                "widget": (1200, 900)}
HANDOUT_SIZE = (1123, 794)  # A4 landscape at 96 dpi: the handout's pages, as PDF or PNG
MARGIN = 18
VECTOR_MIN_CELL_PX = 24  # in SVG/PDF each matrix cell is embedded as at least this many pixels square
VECTOR_MAX_IMAGE_PX = 2048
LABEL_ALL_TOKENS = 64  # a figure grows so every token up to this many gets its label
GROW_MAX = 2.5  # ... but to at most this many times its size each way


def ensure_app():
    """The running QApplication, or a new one on the offscreen platform (figures from the command
    line: no window, device pixel ratio 1)."""
    return _ensure_app(headless=True)


def _dpi() -> int:
    """The logical DPI fonts are measured with; every paint device gets it so text is laid out and
    drawn at the same size on screen, in a PNG, an SVG and a PDF."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInchY() if screen is not None else 96.0
    return int(round(dpi)) if dpi > 0 else 96


def _font(point_size: float, bold: bool = False):
    from PySide6.QtGui import QFont

    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


# ---- captions ------------------------------------------------------------------------------------
def figure_caption(pair, caption: str | None = None) -> str:
    """The configuration line under a figure: ``caption`` (a model source's: model, layer,
    regrouping) or the synthetic engine's settings, and the app's version."""
    from ...export_data import APP_NAME, app_version, config_caption

    line = caption if caption is not None else config_caption(pair.multi.config, pair.multi.n)
    return f"{line}   ·   {APP_NAME} {app_version()}"


def ROWS_NOTE() -> str:  # noqa: N802 - a translated constant
    return QCoreApplication.translate("Export", "Row = query token, column = key token; each row sums to 1.")


def tokens_line(pair) -> str:
    return QCoreApplication.translate("Export", "tokens ({0}): {1}").format(
        pair.multi.n, " | ".join(elide_middle(t) for t in pair.multi.tokens))


# ---- laying out the views offscreen --------------------------------------------------------------
def _settle(graphics, width: int, height: int) -> None:
    """Give a pyqtgraph GraphicsView (never shown) its size and lay every item out now, so a
    render before the first paint is complete."""
    from PySide6.QtCore import QCoreApplication, QEvent, QRectF

    graphics.resize(width, height)
    central = getattr(graphics, "centralWidget", None)
    for _ in range(2):  # nested layouts (a PlotItem's axes) may post a second request
        if central is not None:
            central.setGeometry(QRectF(0, 0, width, height))
            layout = central.layout  # pyqtgraph's GraphicsLayout shadows the method with the object
            layout = layout() if callable(layout) else layout
            if layout is not None:
                layout.activate()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    for item in _image_items(graphics):  # a re-used view may hold images upscaled for vectors
        item._renderRequired = True
    scene = graphics.scene()
    if hasattr(scene, "prepareForPaint"):  # pyqtgraph: view boxes apply their ranges now
        scene.prepareForPaint()


def _image_items(graphics) -> list:
    import pyqtgraph as pg

    return [it for it in graphics.scene().items() if isinstance(it, pg.ImageItem) and it.image is not None]


def label_strides(graphics) -> tuple[int, int, int]:
    """(every how many query tokens the view labels, every how many key tokens, the token count)
    over its matrices: the heads grid, or every visible MatrixPlot and StageMosaic of the scene
    (comparison, step-through, single head)."""
    from ..heads_view import HeadsView
    from ..matrix_plot import MatrixPlot
    from ..stage_mosaic import StageMosaic

    if isinstance(graphics, HeadsView):
        fits = [f for f in graphics.fits if f is not None] if graphics.images else []
    else:
        fits = []
        for item in graphics.scene().items():
            labelled = item._row_labels if isinstance(item, MatrixPlot) else \
                item.panels if isinstance(item, StageMosaic) else None  # the step-through's per-head stages
            if labelled and item.isVisible():
                fits += [(f, k) for k, f in enumerate(item.fits) if f is not None]
        rows = max((f.stride for f, k in fits if k == 0), default=1)
        keys = max((f.stride for f, k in fits if k == 1), default=1)
        n = max((len(f.labels) for f, _ in fits), default=0)
        return rows, keys, n
    rows = fits[0].stride if fits else 1
    keys = fits[1].stride if len(fits) > 1 else 1
    return rows, keys, max((len(f.labels) for f in fits), default=0)


def upscale_exact(img, k: int):
    """``img`` with every pixel repeated k x k times: exact nearest-neighbour (QImage.scaled's
    fixed-point stepping can shift a block edge by one pixel at large factors)."""
    import numpy as np
    from PySide6.QtGui import QImage

    src = img.convertToFormat(QImage.Format.Format_ARGB32)
    w, h = src.width(), src.height()
    rows = np.frombuffer(src.constBits(), np.uint8, count=src.sizeInBytes()).reshape(h, src.bytesPerLine())
    pixels = rows[:, : w * 4].reshape(h, w, 4)
    big = np.ascontiguousarray(np.repeat(np.repeat(pixels, k, axis=0), k, axis=1))
    return QImage(big.data, w * k, h * k, w * k * 4, QImage.Format.Format_ARGB32).copy()


def _keep_text_as_vectors(graphics) -> None:
    """The live views cache axes and titles as pixmaps (a blit per frame instead of text layout);
    an SVG or PDF must get the text itself, so this figure's view stops caching."""
    from PySide6.QtWidgets import QGraphicsItem

    for item in graphics.scene().items():
        if item.cacheMode() != QGraphicsItem.CacheMode.NoCache:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)


def _sharpen_for_vectors(graphics) -> None:
    """Upscale every ImageItem's rendered QImage by a whole factor, so SVG and PDF viewers (which
    smooth embedded images) still show one crisp block per cell. The item still paints it into the
    same rectangle; the factor gives each cell at least its size on the page in pixels."""
    for item in _image_items(graphics):
        if item._renderRequired or item.qimage is None:
            item.render()
        img = item.qimage
        if img is None or img.isNull():
            continue
        w, h = img.width(), img.height()
        rect = item.sceneBoundingRect()
        cell_px = max(rect.width() / max(w, 1), rect.height() / max(h, 1))
        k = max(1, math.ceil(max(cell_px, VECTOR_MIN_CELL_PX)))
        k = max(1, min(k, VECTOR_MAX_IMAGE_PX // max(w, h, 1)))
        if k > 1:
            item.qimage = upscale_exact(img, k)


class Figure:
    """A titled, captioned view at a fixed logical size; ``paint`` draws it with any QPainter
    whose coordinates are logical pixels (scale the painter for more pixels)."""

    def __init__(self, size: tuple[int, int], title: str, caption: str, build: Callable[[int, int], object], *,
                 formula: str = "", subtitle: str = "", tokens: str = "", footer: str = "",
                 fixed_graphics: bool = False, grow: bool = True) -> None:
        """``grow``: if the view cannot label every token (up to LABEL_ALL_TOKENS) at ``size``,
        the figure grows (up to GROW_MAX times each way) until it can; beyond that the labels
        are thinned evenly and the caption says so."""
        self.title, self.caption, self.formula, self.subtitle = title, caption, formula, subtitle
        self.tokens, self.footer = tokens, footer
        self.title_font, self.text_font, self.caption_font = _font(15, True), _font(10), _font(9)
        self.note = ""
        factor = 1.0
        while True:
            self._lay_out((round(size[0] * factor), round(size[1] * factor)), build, fixed_graphics)
            if self.fixed_graphics:
                break
            rows, keys, n = label_strides(self.graphics)
            # both ways: a view may arrange its panels by the figure's shape
            if max(rows, keys) <= 1 or not grow or n > LABEL_ALL_TOKENS or factor >= GROW_MAX:
                break
            factor = min(GROW_MAX, factor * 1.2)
        if not self.fixed_graphics:
            from ..style import stride_note

            self.note = stride_note(max(label_strides(self.graphics)[:2]))

    def _lay_out(self, size: tuple[int, int], build, fixed_graphics: bool) -> None:
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QFontMetricsF, QTextDocument

        self.width, self.height = size
        formula, subtitle, footer = self.formula, self.subtitle, self.footer
        inner = self.width - 2 * MARGIN
        y = MARGIN
        self.title_rect = QRectF(MARGIN, y, inner, QFontMetricsF(self.title_font).height())
        y = self.title_rect.bottom() + 4
        self.formula_doc = None
        self.formula_rect = QRectF(MARGIN, y, inner, 0)
        if formula:
            doc = QTextDocument()
            doc.setDocumentMargin(0)
            doc.setDefaultFont(_font(12))
            doc.setHtml(formula)
            doc.setTextWidth(inner)
            self.formula_doc = doc
            self.formula_rect = QRectF(MARGIN, y, inner, doc.size().height())
            y = self.formula_rect.bottom() + 4
        self.subtitle_rect = QRectF(MARGIN, y, inner, 0)
        if subtitle:
            fm = QFontMetricsF(self.text_font)
            lines = max(1, math.ceil(fm.horizontalAdvance(subtitle) / inner))
            self.subtitle_rect = QRectF(MARGIN, y, inner, fm.lineSpacing() * min(lines, 3))
            y = self.subtitle_rect.bottom() + 4
        cap_line = QFontMetricsF(self.caption_font).lineSpacing()
        n_caption_lines = 3 if footer else 2
        bottom = self.height - MARGIN - n_caption_lines * cap_line
        self.caption_rect = QRectF(MARGIN, bottom + 2, inner, n_caption_lines * cap_line)
        gy = math.ceil(y + 4)
        self.graphics_rect = QRectF(MARGIN, gy, inner, max(50, math.floor(bottom - 6 - gy)))
        gw, gh = int(self.graphics_rect.width()), int(self.graphics_rect.height())
        self.graphics = build(gw, gh)
        # a live widget (a view exported as drawn) keeps its size and is scaled into the figure
        self.fixed_graphics = fixed_graphics or not hasattr(self.graphics, "scene")
        if not self.fixed_graphics:
            _settle(self.graphics, gw, gh)

    @property
    def size(self):
        from PySide6.QtCore import QSize

        return QSize(self.width, self.height)

    def prepare_vectors(self) -> None:
        if self.fixed_graphics:
            return
        _keep_text_as_vectors(self.graphics)
        _sharpen_for_vectors(self.graphics)

    def _paint_widget(self, painter) -> None:
        """Draw the live widget scaled uniformly into the graphics rectangle (text stays text)."""
        from PySide6.QtCore import QPoint

        w, r = self.graphics, self.graphics_rect
        k = min(r.width() / max(1, w.width()), r.height() / max(1, w.height()))
        painter.save()
        painter.translate(r.left(), r.top())
        painter.scale(k, k)
        w.render(painter, QPoint(0, 0))
        painter.restore()

    def paint(self, painter) -> None:
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QColor, QFontMetricsF, QPainter

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering, True)  # PDF: Flate, never JPEG
        painter.fillRect(QRectF(0, 0, self.width, self.height), QColor("white"))
        painter.setPen(QColor("black"))
        painter.setFont(self.title_font)
        painter.drawText(self.title_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.title)
        if self.formula_doc is not None:
            painter.save()
            painter.translate(self.formula_rect.topLeft())
            self.formula_doc.drawContents(painter)
            painter.restore()
        if self.subtitle:
            painter.setFont(self.text_font)
            painter.setPen(QColor(40, 40, 40))
            painter.drawText(self.subtitle_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap),
                             self.subtitle)
        # the views: rendered straight from their scenes (no widget, no cache)
        if self.fixed_graphics:
            self._paint_widget(painter)
        else:
            self.graphics.scene().render(painter, self.graphics_rect,
                                         QRectF(0, 0, self.graphics_rect.width(), self.graphics_rect.height()),
                                         Qt.AspectRatioMode.IgnoreAspectRatio)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering, True)
        # the caption: the configuration, the tokens (elided to one line) and an optional footer
        painter.setFont(self.caption_font)
        painter.setPen(QColor(60, 60, 60))
        fm = QFontMetricsF(self.caption_font)
        line = fm.lineSpacing()
        r = self.caption_rect
        left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.drawText(QRectF(r.left(), r.top(), r.width(), line), left, self.caption)
        note_w = fm.horizontalAdvance(self.note) + 16 if self.note else 0.0
        toks = fm.elidedText(self.tokens, Qt.TextElideMode.ElideRight, r.width() - note_w)
        painter.drawText(QRectF(r.left(), r.top() + line, r.width() - note_w, line), left, toks)
        if self.note:  # the labels are thinned: say so next to the token list
            painter.drawText(QRectF(r.left(), r.top() + line, r.width(), line),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), self.note)
        if self.footer:
            painter.drawText(QRectF(r.left(), r.top() + 2 * line, r.width(), line),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), self.footer)
        painter.restore()


