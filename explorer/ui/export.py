"""Figures for export: PNG, SVG and PDF of the heads grid, the comparison, one step of the
computation, each head alone, and the eleven-stage handout.

A *figure* is the view the window uses (``HeadsView``, ``CompareGraphics``, ``StageGraphics``),
laid out offscreen at a fixed logical size, with a title above and a caption below that holds the
full configuration (``config_caption``) and the tokens, so the picture can be reproduced. The same
options always give the same pixels: the size never depends on the window.

* PNG: rendered into a premultiplied ARGB QImage at ``scale`` (1-4) times the logical size.
* SVG (``QSvgGenerator``) and PDF (``QPdfWriter``): text, axes and colour bars stay vectors; each
  heatmap is embedded as an image upscaled by a whole factor with nearest-neighbour sampling
  (one matrix cell -> one crisp block), and SVG images also carry ``image-rendering: pixelated``.

Every file is rendered in memory first and then written with ``explorer.atomic``: a finished file
or no change at all. Multi-file exports (each head, the PNG handout) are all or nothing. Failures
raise ``ExportError`` with one sentence.
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from pathlib import Path

from ..atomic import IMAGE_SUFFIXES, ExportError, atomic_write, atomic_write_all, check_target

__all__ = [
    "FIGURE_SIZES", "HANDOUT_SIZE", "SCALE_MAX", "SCALE_MIN", "VIEWS", "Figure", "build_figure",
    "export_figure", "export_handout", "export_heads_separately", "figure_bytes", "handout_paths",
    "head_file_names", "render_image",
]

VIEWS = ("heads", "compare", "step")
N_STAGES = 11
SCALE_MIN, SCALE_MAX = 1.0, 4.0
HEAD_FORMATS = ("png", "svg", "pdf")

# Logical figure sizes (1 unit = 1 px at 1x): fixed, so the same options give the same pixels.
FIGURE_SIZES = {"heads": (1200, 900), "compare": (1100, 900), "step": (1200, 850), "head": (800, 720)}
HANDOUT_SIZE = (1123, 794)  # A4 landscape at 96 dpi: the handout's pages, as PDF or PNG
MARGIN = 18
VECTOR_MIN_CELL_PX = 24  # in SVG/PDF each matrix cell is embedded as at least this many pixels square
VECTOR_MAX_IMAGE_PX = 2048


def tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Export", text)


# ---- Qt set-up ----------------------------------------------------------------------------------
def ensure_app():
    """The running QApplication, or a new one. From the command line (no application yet and no
    platform chosen) figures are drawn on the offscreen platform: no window, device pixel ratio 1."""
    from .qt_app import ensure_app as _ensure

    return _ensure(headless=True)


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
def figure_caption(pair) -> str:
    from ..export_data import APP_NAME, app_version, config_caption

    return f"{config_caption(pair.multi.config, pair.multi.n)}   ·   {APP_NAME} {app_version()}"


def ROWS_NOTE() -> str:  # noqa: N802 - a translated constant
    return tr("Row = query token, column = key token; each row sums to 1.")


def tokens_line(pair) -> str:
    return tr("tokens ({0}): {1}").format(pair.multi.n, " | ".join(pair.multi.tokens))


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
                 formula: str = "", subtitle: str = "", tokens: str = "", footer: str = "") -> None:
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QFontMetricsF, QTextDocument

        self.width, self.height = size
        self.title, self.caption, self.formula, self.subtitle = title, caption, formula, subtitle
        self.tokens, self.footer = tokens, footer
        self.title_font, self.text_font, self.caption_font = _font(15, True), _font(10), _font(9)
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
        _settle(self.graphics, gw, gh)

    @property
    def size(self):
        from PySide6.QtCore import QSize

        return QSize(self.width, self.height)

    def prepare_vectors(self) -> None:
        _keep_text_as_vectors(self.graphics)
        _sharpen_for_vectors(self.graphics)

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
        toks = fm.elidedText(self.tokens, Qt.TextElideMode.ElideRight, r.width())
        painter.drawText(QRectF(r.left(), r.top() + line, r.width(), line), left, toks)
        if self.footer:
            painter.drawText(QRectF(r.left(), r.top() + 2 * line, r.width(), line),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), self.footer)
        painter.restore()


# ---- the figures ---------------------------------------------------------------------------------
_CACHE: dict[str, object] = {}


def _cached(kind: str, factory):
    """One offscreen view per kind, re-used from export to export: building 16 plot panels
    costs more than drawing them. A Figure is therefore valid until the next figure of its kind
    is built."""
    view = _CACHE.get(kind)
    if view is None:
        view = _CACHE[kind] = factory()
    return view


def _heads_graphics(pair):
    def build(w: int, h: int):
        from .heads_view import HeadsView

        view = _cached("heads", HeadsView)
        view.resize(w, h)  # the grid's column count follows the size: set it before the data
        view.set_trace(pair.multi)
        return view
    return build


def _compare_graphics(pair):
    def build(w: int, h: int):
        from .compare_view import CompareGraphics

        g = _cached("compare", CompareGraphics)
        g.resize(w, h)
        g.set_pair(pair)
        return g
    return build


def _stage_graphics(pair, k: int, reuse=None):
    def build(w: int, h: int):
        g = reuse if reuse is not None else _cached("step", _new_stage_graphics)
        g.resize(w, h)
        g.set_stage(pair, k)
        return g
    return build


def _new_stage_graphics():
    try:
        from .stage_view import StageGraphics
    except ImportError as e:
        raise ExportError(f"The step-through view is not available: {e}.") from e
    return StageGraphics()


class _SingleHeadGraphics:
    """One head's matrix and the colour bar, for ``export_heads_separately``."""

    def __init__(self) -> None:
        import pyqtgraph as pg

        from .matrix_plot import MatrixPlot
        from .style import WEIGHTS_CMAP, colormap, lut

        self.widget = pg.GraphicsLayoutWidget()
        self.plot = MatrixPlot(lut=lut(WEIGHTS_CMAP))
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=colormap(WEIGHTS_CMAP), interactive=False, width=14,
                                   label=tr("attention weight"), colorMapMenu=False)
        from .style import AXIS_HEIGHT, AXIS_WIDTH

        self.plot.getAxis("left").setLabel(tr("query"))
        self.plot.getAxis("bottom").setLabel(tr("key"))
        self.plot.getAxis("left").setWidth(AXIS_WIDTH + 22)  # room for the axis titles
        self.plot.getAxis("bottom").setHeight(AXIS_HEIGHT + 20)
        self.widget.addItem(self.plot, row=0, col=0)
        self.widget.addItem(self.bar, row=0, col=1)

    def build(self, pair, head: int):
        from .style import nice_max

        def build(w: int, h: int):
            levels = (0.0, nice_max(float(pair.multi.weights.max())))  # the grid's scale: heads compare
            self.widget.resize(w, h)
            self.bar.setLevels(levels)
            self.plot.set_matrix(pair.multi.weights[head], levels)
            self.plot.set_labels(pair.multi.tokens, pair.multi.tokens)
            return self.widget
        return build


def _step_figure(pair, k: int, size: tuple[int, int], reuse=None, footer: str = "") -> Figure:
    from .stage_info import scale_text, stage_formula, stage_shapes, stage_title

    shapes = stage_shapes(pair, k)
    if k == 5:
        shapes += " · " + scale_text(pair)
    return Figure(size, tr("Step {0}").format(stage_title(k)), figure_caption(pair), _stage_graphics(pair, k, reuse),
                  formula=stage_formula(k), subtitle=shapes, tokens=tokens_line(pair), footer=footer)


def build_figure(pair, view: str = "heads", stage: int = 7) -> Figure:
    """The figure of ``view`` ("heads", "compare" or "step" at ``stage``) for ``pair``."""
    ensure_app()
    h = pair.multi.n_heads
    if view == "heads":
        return Figure(FIGURE_SIZES["heads"], tr("Multi-head attention: the weights of each of the {0} heads").format(h),
                      figure_caption(pair), _heads_graphics(pair), subtitle=ROWS_NOTE(), tokens=tokens_line(pair))
    if view == "compare":
        from ..engine import single_vs_mean

        cmp = single_vs_mean(pair)
        subtitle = tr("Single head vs mean of the heads: Jensen–Shannon divergence {0:.3f} bits, "
                      "largest |difference| {1:.3f}.").format(cmp.js, cmp.max_abs)
        return Figure(FIGURE_SIZES["compare"],
                      tr("Self-attention (one head) vs multi-head attention ({0} heads)").format(h),
                      figure_caption(pair), _compare_graphics(pair), subtitle=subtitle, tokens=tokens_line(pair))
    if view == "step":
        _check_stage(stage)
        return _step_figure(pair, int(stage), FIGURE_SIZES["step"])
    raise ExportError(f"Unknown view {view!r}: use one of {', '.join(VIEWS)}.")


def _check_stage(stage) -> None:
    if not isinstance(stage, int) or not 0 <= stage < N_STAGES:
        raise ExportError(f"The stage must be between 0 and {N_STAGES - 1}, got {stage}.")


def _check_scale(scale) -> float:
    try:
        scale = float(scale)
    except (TypeError, ValueError):
        raise ExportError(f"The scale must be a number between {SCALE_MIN:g} and {SCALE_MAX:g}.") from None
    if not (SCALE_MIN <= scale <= SCALE_MAX):  # also false for NaN
        raise ExportError(f"The scale must be between {SCALE_MIN:g} and {SCALE_MAX:g}, got {scale:g}.")
    return scale


# ---- rendering -----------------------------------------------------------------------------------
def _paint_checked(painter, device_name: str) -> None:
    if not painter.isActive():
        raise ExportError(f"Could not start drawing the {device_name}.")


def render_image(widget_or_figure, scale: float = 2):
    """A premultiplied ARGB QImage of a Figure (its logical size times ``scale``) or of any widget
    (its size times ``scale``); used for PNG files and the clipboard."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QImage, QPainter

    scale = _check_scale(scale)
    if isinstance(widget_or_figure, Figure):
        w, h = widget_or_figure.width, widget_or_figure.height
    else:
        w, h = widget_or_figure.width(), widget_or_figure.height()
    img = QImage(max(1, round(w * scale)), max(1, round(h * scale)), QImage.Format.Format_ARGB32_Premultiplied)
    if img.isNull():
        raise ExportError(f"Not enough memory for a {round(w * scale)}×{round(h * scale)} pixel image.")
    dpm = round(_dpi() / 0.0254)
    img.setDotsPerMeterX(dpm)  # fonts in points measure as on screen (the painter does the scaling)
    img.setDotsPerMeterY(dpm)
    img.fill(0xFFFFFFFF)
    painter = QPainter(img)
    try:
        _paint_checked(painter, "image")
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.scale(img.width() / w, img.height() / h)
        if isinstance(widget_or_figure, Figure):
            widget_or_figure.paint(painter)
        else:
            widget_or_figure.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    # saved files say how large to print them: the logical size at the screen's DPI
    img.setDotsPerMeterX(round(dpm * scale))
    img.setDotsPerMeterY(round(dpm * scale))
    return img


def _png_bytes(img) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = img.save(buf, "PNG")
    buf.close()
    if not ok:
        raise ExportError("Could not encode the PNG image.")
    return bytes(data.data())


_IMAGE_TAG = re.compile(rb"<image\b[^>]*>", re.DOTALL)


def _pixelated(match: re.Match) -> bytes:
    tag = match.group(0)
    extra = b' style="image-rendering:pixelated"'
    if b"image-rendering=" not in tag:
        extra += b' image-rendering="optimizeSpeed"'
    return b"<image" + extra + tag[len(b"<image"):]


def _svg_bytes(fig: Figure) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    fig.prepare_vectors()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buf)
    gen.setSize(QSize(fig.width, fig.height))
    gen.setViewBox(QRect(0, 0, fig.width, fig.height))
    gen.setResolution(_dpi())
    gen.setTitle(fig.title)
    gen.setDescription(fig.caption)
    painter = QPainter(gen)
    try:
        _paint_checked(painter, "SVG")
        fig.paint(painter)
    finally:
        painter.end()
    buf.close()
    svg = bytes(data.data())
    # viewers must not smooth the heatmaps: one cell, one block
    return _IMAGE_TAG.sub(_pixelated, svg)


def _pdf_writer(buf, title: str, page_size: tuple[int, int], a4: bool = False):
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    from ..export_data import APP_NAME

    writer = QPdfWriter(buf)
    writer.setResolution(_dpi())
    writer.setCreator(APP_NAME)
    writer.setTitle(title)
    if a4:
        size = QPageSize(QPageSize.PageSizeId.A4)
        orientation = QPageLayout.Orientation.Landscape
    else:
        w, h = page_size
        size = QPageSize(QSizeF(w * 72 / _dpi(), h * 72 / _dpi()), QPageSize.Unit.Point, "",
                         QPageSize.SizeMatchPolicy.ExactMatch)
        orientation = QPageLayout.Orientation.Portrait
    writer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))
    return writer


def _paint_on_page(painter, writer, fig: Figure) -> None:
    """Fit the figure's logical size to the page (one uniform scale, centred)."""
    pw, ph = writer.width(), writer.height()
    s = min(pw / fig.width, ph / fig.height)
    painter.save()
    painter.translate((pw - fig.width * s) / 2, (ph - fig.height * s) / 2)
    painter.scale(s, s)
    fig.paint(painter)
    painter.restore()


def _pdf_bytes(figures, title: str, a4: bool = False) -> bytes:
    """One page per figure; ``figures`` may be a generator (each figure is built just in time)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QPainter

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    painter = None
    writer = None
    try:
        for i, fig in enumerate(figures):
            fig.prepare_vectors()
            if writer is None:
                writer = _pdf_writer(buf, title, (fig.width, fig.height), a4)
                painter = QPainter(writer)
                _paint_checked(painter, "PDF")
            elif not writer.newPage():
                raise ExportError("Could not start a new PDF page.")
            _paint_on_page(painter, writer, fig)
    finally:
        if painter is not None:
            painter.end()
    buf.close()
    return bytes(data.data())


def figure_bytes(fig: Figure, suffix: str, scale: float = 2) -> bytes:
    """The encoded file for ``fig`` in the format ``suffix`` names (.png, .svg or .pdf)."""
    suffix = suffix.lower()
    if suffix == ".png":
        return _png_bytes(render_image(fig, scale))
    if suffix == ".svg":
        return _svg_bytes(fig)
    if suffix == ".pdf":
        return _pdf_bytes([fig], fig.title)
    raise ExportError(f"Unknown image type '{suffix}': use one of {', '.join(IMAGE_SUFFIXES)}.")


# ---- writing -------------------------------------------------------------------------------------
def _write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (a temporary file of atomic_write); an OSError such as a full
    disk propagates and is reported by the caller."""
    with open(path, "wb") as f:
        f.write(data)


def _write_one(path: Path, data: bytes) -> None:
    atomic_write(path, lambda tmp: _write_bytes(tmp, data))


def _write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write several files all or nothing (see atomic_write_all)."""
    atomic_write_all([(path, lambda tmp, data=data: _write_bytes(tmp, data)) for path, data in files])


def _image_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        got = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise ExportError(f"Unknown image type ({got}) for {path}: use one of {', '.join(IMAGE_SUFFIXES)}.")
    return suffix


def _rendering_errors(what: str):
    """Turn a failure while drawing (out of memory, a Qt error) into one sentence."""
    class _Guard:
        def __enter__(self):
            return self

        def __exit__(self, kind, value, tb):
            if value is None or isinstance(value, (ExportError, KeyboardInterrupt, SystemExit)):
                return False
            if isinstance(value, MemoryError):
                raise ExportError(f"Not enough memory to draw {what}.") from value
            return False
    return _Guard()


def export_figure(pair, path, *, view: str = "heads", stage: int = 7, scale: float = 2) -> None:
    """Write the figure of ``view`` to ``path``; the suffix (.png .svg .pdf) picks the format.
    ``scale`` (1-4) multiplies the PNG's pixels. Raises ExportError; never leaves a partial file."""
    path = Path(path)
    suffix = _image_suffix(path)
    scale = _check_scale(scale)
    if view not in VIEWS:
        raise ExportError(f"Unknown view {view!r}: use one of {', '.join(VIEWS)}.")
    if view == "step":
        _check_stage(stage)
    check_target(path, force=True)  # folder exists and is writable: before the drawing work
    with _rendering_errors("the figure"):
        data = figure_bytes(build_figure(pair, view, stage), suffix, scale)
    _write_one(path, data)


def head_file_names(n_heads: int, fmt: str = "png") -> list[str]:
    return [f"head_{i + 1:02d}.{fmt}" for i in range(n_heads)]


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise ExportError(f"The folder {folder} does not exist.")
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"Cannot write to the folder {folder}: permission denied.")


def export_heads_separately(pair, folder, fmt: str = "png", *, scale: float = 2) -> list[Path]:
    """One figure per head (title and caption each) as ``head_01.<fmt>`` … in ``folder``; all or
    nothing. Returns the paths written."""
    folder = Path(folder)
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in HEAD_FORMATS:
        raise ExportError(f"Unknown image type '{fmt}': use one of {', '.join(HEAD_FORMATS)}.")
    scale = _check_scale(scale)
    _check_folder(folder)
    ensure_app()
    h = pair.multi.n_heads
    single = _cached("head", _SingleHeadGraphics)
    files = []
    with _rendering_errors("the heads"):
        for head, name in enumerate(head_file_names(h, fmt)):
            fig = Figure(FIGURE_SIZES["head"], tr("Head {0} of {1}: attention weights").format(head + 1, h),
                         figure_caption(pair), single.build(pair, head), subtitle=ROWS_NOTE(), tokens=tokens_line(pair))
            files.append((folder / name, figure_bytes(fig, "." + fmt, scale)))
    _write_all(files)
    return [p for p, _ in files]


def handout_paths(path) -> list[Path]:
    """The files ``export_handout`` writes for ``path``: the PDF itself, or name_00.png … name_10.png."""
    path = Path(path)
    if path.suffix.lower() == ".png":
        return [path.with_name(f"{path.stem}_{k:02d}{path.suffix}") for k in range(N_STAGES)]
    return [path]


def _handout_figures(pair):
    g = _cached("step", _new_stage_graphics)  # one view, re-used page after page
    for k in range(N_STAGES):
        yield _step_figure(pair, k, HANDOUT_SIZE, reuse=g,
                           footer=tr("Page {0} of {1}").format(k + 1, N_STAGES))


def export_handout(pair, path, *, scale: float = 2) -> list[Path]:
    """The step-through as a handout: ``.pdf`` -> one A4 landscape page per stage 0-10 (title,
    formula, shapes, matrices, caption); ``.png`` -> name_00.png … name_10.png at ``scale``.
    All or nothing. Returns the paths written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".png"):
        got = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise ExportError(f"Unknown handout type ({got}) for {path}: use .pdf (one page per stage) or .png "
                          "(one numbered image per stage).")
    scale = _check_scale(scale)
    check_target(path, force=True)
    ensure_app()
    with _rendering_errors("the handout"):
        if suffix == ".pdf":
            data = _pdf_bytes(_handout_figures(pair), tr("Attention, step by step"), a4=True)
        else:
            files = [(p, _png_bytes(render_image(fig, scale)))
                     for p, fig in zip(handout_paths(path), _handout_figures(pair))]
    if suffix == ".pdf":
        _write_one(path, data)
        return [path]
    _write_all(files)
    return [p for p, _ in files]
