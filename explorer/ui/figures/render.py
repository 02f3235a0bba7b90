"""Rendering and encoding figures: PNG (a premultiplied ARGB QImage at 1-4x), SVG
(``QSvgGenerator``) and PDF (``QPdfWriter``). Text, axes and colour bars stay vectors; heatmaps are
embedded pixel-exact (one cell, one crisp block)."""
from __future__ import annotations

import re

from ...atomic import IMAGE_SUFFIXES, ExportError
from ...exportpaths import check_scale as _check_scale
from .layout import Figure, _dpi


def _paint_checked(painter, device_name: str) -> None:
    if not painter.isActive():
        from PySide6.QtCore import QCoreApplication

        raise ExportError(QCoreApplication.translate("Export", "Could not start drawing the {0}.").format(device_name))


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
        from PySide6.QtCore import QCoreApplication

        raise ExportError(QCoreApplication.translate("Export", "Not enough memory for a {0}×{1} pixel image.").format(
            round(w * scale), round(h * scale)))
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

    from ...export_data import APP_NAME

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
        for fig in figures:
            fig.prepare_vectors()
            if writer is None:
                writer = _pdf_writer(buf, title, (fig.width, fig.height), a4)
                painter = QPainter(writer)
                _paint_checked(painter, "PDF")
            elif not writer.newPage():
                from PySide6.QtCore import QCoreApplication

                raise ExportError(QCoreApplication.translate("Export", "Could not start a new PDF page."))
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
    from PySide6.QtCore import QCoreApplication

    raise ExportError(QCoreApplication.translate("Export", "Unknown image type '{0}': use one of {1}.").format(
        suffix, ", ".join(IMAGE_SUFFIXES)))


