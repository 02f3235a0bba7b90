"""Geometry helpers shared by the layout tests: what a pyqtgraph axis really draws."""
from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter


def drawn_tick_labels(axis) -> list[tuple[str, QRectF]]:
    """The tick labels ``axis`` draws (pyqtgraph's own draw specs) with their boxes in scene
    coordinates."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    if specs is None:
        return []
    return [(text, axis.mapRectToScene(rect)) for rect, _flags, text in specs[2]]
