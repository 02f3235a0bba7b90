"""Shared look: colour maps, fonts and formatting helpers for the pyqtgraph views."""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

WEIGHTS_CMAP = "viridis"  # perceptually uniform, readable in greyscale print
DIVERGING_CMAP = "CET-D1"  # blue - white - red, for signed differences and raw matrices
AXIS_WIDTH = 54  # fixed, so changing token labels never re-lays the grid out
AXIS_HEIGHT = 22
TICK_FONT_PT = 8
ZOOM_STEPS = (1.0, 1.15, 1.3, 1.5, 1.75, 2.0)  # View ▸ Presentation mode: Ctrl+= / Ctrl+- / Ctrl+0
_zoom = [1.0]


def zoom() -> float:
    """The presentation zoom: every font and label size is multiplied by it."""
    return _zoom[0]


def set_zoom(factor: float) -> float:
    _zoom[0] = min(ZOOM_STEPS[-1], max(ZOOM_STEPS[0], float(factor)))
    _label_extent.cache_clear()
    return _zoom[0]


_base_font_pt: list[float] = []  # the app font's size before any zoom (set on the first zoom)


def apply_zoom_to_app(app) -> None:
    """Scale the application font to the current zoom (the base size is remembered once)."""
    font = app.font()
    if not _base_font_pt:
        _base_font_pt.append(font.pointSizeF())
    font.setPointSizeF(_base_font_pt[0] * _zoom[0])
    app.setFont(font)


def zoomed(px: float) -> int:
    """A size in pixels at the current zoom (axis widths, title bands)."""
    return int(round(px * _zoom[0]))

pg.setConfigOptions(imageAxisOrder="row-major", antialias=False, background="w", foreground="k")


def colormap(name: str) -> pg.ColorMap:
    return pg.colormap.get(name)


def lut(name: str) -> np.ndarray:
    """A 256-entry uint8 lookup table, so ImageItem maps floats to colours in one indexing pass."""
    return colormap(name).getLookupTable(0.0, 1.0, 256, alpha=False)


def tick_font() -> QFont:
    f = QFont()
    f.setPointSizeF(TICK_FONT_PT * _zoom[0])
    return f


def nice_max(value: float) -> float:
    """Round a colour-bar top up to 2 significant steps, so small changes don't make it jitter."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(value)) / 2
    return min(1.0, math.ceil(value / step) * step) if value <= 1 else math.ceil(value / step) * step


def steady_top(current: float, data_max: float) -> float:
    """The colour-bar top for ``data_max``, kept at ``current`` while the data still fills more
    than half of it: during a drag the scale (and the colour bar's labels) don't flicker."""
    if 0.5 * current <= data_max <= current:
        return current
    return nice_max(data_max)


def short_label(token: str, limit: int = 8) -> str:
    return token if len(token) <= limit else token[: limit - 1] + "…"


def label_extent(tokens: list[str]) -> tuple[list[str], int, int]:
    """Shortened labels and the pixel width of the widest one and the line height."""
    return _label_extent(tuple(tokens))


@lru_cache(maxsize=16)
def _label_extent(tokens: tuple[str, ...]) -> tuple[list[str], int, int]:
    fm = QFontMetrics(tick_font())
    labels = [short_label(t) for t in tokens]
    widest = max((fm.horizontalAdvance(s) for s in set(labels)), default=0)
    return labels, widest, fm.height()


def thinned_ticks(labels: list[str], label_px: float, pixels: float) -> list[tuple[float, str]]:
    """Tick (position, label) pairs at cell centres, every k-th so labels of ``label_px`` don't overlap."""
    n = len(labels)
    if n == 0 or pixels <= 0:
        return []
    stride = max(1, math.ceil(label_px / (pixels / n)))
    return [(i + 0.5, labels[i]) for i in range(0, n, stride)]
