"""Shared look: colour maps, fonts and formatting helpers for the pyqtgraph views."""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics, QFontMetricsF

from ..memo import Memo
from ..textfit import elide_middle

WEIGHTS_CMAP = "viridis"  # perceptually uniform, readable in greyscale print
DIVERGING_CMAP = "CET-D1"  # blue - white - red, for signed differences and raw matrices
AXIS_WIDTH = 54  # fixed, so changing token labels never re-lays the grid out
AXIS_HEIGHT = 22
TICK_FONT_PT = 8
TICK_FONT_FLOOR_PT = 6.0  # token labels shrink down to this (x zoom) before they are thinned
TICK_FONT_STEPS = (8.0, 7.5, 7.0, 6.0)  # tried largest first (6.5 pt draws as 7 pt at 96 dpi)
LABEL_MAX_PX = 96  # a token label is elided in the middle to at most this many pixels (x zoom)
LABEL_GAP_PX = 8  # the least space between two upright labels side by side
TIER_GAP_PX = 3  # between the two tiers of staggered labels
ZOOM_STEPS = (1.0, 1.15, 1.3, 1.5, 1.75, 2.0)  # View ▸ Presentation mode: Ctrl+= / Ctrl+- / Ctrl+0
_zoom = [1.0]


def zoom() -> float:
    """The presentation zoom: every font and label size is multiplied by it."""
    return _zoom[0]


def set_zoom(factor: float) -> float:
    _zoom[0] = min(ZOOM_STEPS[-1], max(ZOOM_STEPS[0], float(factor)))
    _label_extent.cache_clear()
    fitted_labels.cache_clear()
    _measured.cache_clear()
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


def tick_font(point_size: float = TICK_FONT_PT, bold: bool = False) -> QFont:
    """The token-label font at ``point_size`` (before zoom) and the current zoom."""
    f = QFont()
    f.setPointSizeF(point_size * _zoom[0])
    f.setBold(bold)
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


@lru_cache(maxsize=64)
def fitted_labels(tokens: tuple[str, ...], point_size: float, max_px: float) -> tuple[tuple[str, ...], float, float]:
    """Token labels at ``point_size`` (before zoom), each elided in the middle to at most
    ``max_px`` pixels, with the pixel width of the widest and the line height. The labels are
    measured once per tokens and font (``_measured``); a new room only shortens the labels wider
    than it, so planning a panel of another size does not walk every token again."""
    labels, widths, order, line = _measured(tokens, point_size)
    font = tick_font(point_size)
    widest = 0.0
    wide = []  # positions (widest first) of the labels wider than the room
    for k in order:
        if widths[k] <= max_px:
            widest = widths[k]  # the widest label that fits as it is
            break
        wide.append(k)
    if not wide:
        return labels, widest, line
    fm = QFontMetricsF(font)
    memo = _token_labels.get_or_make(font.key(), lambda: Memo(TOKEN_LABELS_KEPT))
    out = list(labels)
    for k in wide:
        token = tokens[k]
        short = memo.get((token, max_px))
        if short is None:
            text, width, chars = labels[k], widths[k], len(labels[k])
            while chars > 2 and width > max_px:
                chars -= 1
                text = elide_middle(token, chars)
                width = fm.horizontalAdvance(text)
            short = memo.keep((token, max_px), (text, width))
        out[k] = short[0]
        widest = max(widest, short[1])
    return tuple(out), widest, line


@lru_cache(maxsize=64)
def _measured(tokens: tuple[str, ...], point_size: float) -> tuple[tuple[str, ...], tuple[float, ...], tuple[int, ...],
                                                                    float]:
    """Each token's label at 24 characters and its width at ``point_size`` (before zoom), the
    positions ordered widest first, and the line height. Each distinct token is measured once per
    font, whatever the room: a drag over the token count asks for the same tokens again."""
    font = tick_font(point_size)
    fm = QFontMetricsF(font)
    memo = _token_labels.get_or_make(font.key(), lambda: Memo(TOKEN_LABELS_KEPT))
    labels, widths = [], []
    for token in tokens:
        hit = memo.get(token)
        if hit is None:
            text = elide_middle(token, 24)
            hit = memo.keep(token, (text, fm.horizontalAdvance(text)))
        labels.append(hit[0])
        widths.append(hit[1])
    order = tuple(sorted(range(len(tokens)), key=widths.__getitem__, reverse=True))
    return tuple(labels), tuple(widths), order, fm.height()


TOKEN_LABELS_KEPT = 20_000  # labels measured per font
_token_labels: Memo[str, Memo] = Memo(32)  # font -> token (or (token, max px)) -> (label, px)


class AxisFit:
    """How one axis labels n tokens at a given pitch (pixels per token): the font size (before
    zoom), every ``stride``-th token, upright or turned 90 degrees (``rotated``; None for rows),
    in one or two staggered ``tiers``, and the labels' extent across the axis (``across``)."""

    __slots__ = ("point_size", "stride", "rotated", "labels", "widest", "line", "tiers")

    def __init__(self, point_size, stride, rotated, labels, widest, line, tiers: int = 1) -> None:
        self.point_size, self.stride, self.rotated = point_size, stride, rotated
        self.labels, self.widest, self.line, self.tiers = labels, widest, line, tiers

    @property
    def across(self) -> float:
        """Pixels the labels need across the axis: their width (rows, turned keys: per tier) or a
        line (upright keys)."""
        if self.rotated is False:
            return self.line
        return self.tiers * self.widest + (self.tiers - 1) * TIER_GAP_PX

    def __repr__(self) -> str:
        return (f"AxisFit({self.point_size}pt, every {self.stride}, rotated={self.rotated}, tiers={self.tiers}, "
                f"widest={self.widest:.0f})")


def fit_axis(tokens: tuple[str, ...], pitch_px: float, keys: bool, max_px: float | None = None,
             thin_rotated: bool = True, tiers: bool = True) -> AxisFit:
    """The largest font at which every token gets its own label at ``pitch_px`` pixels per token.
    Rows (``keys`` False) need a line per token; keys stand upright if the widest fits the pitch,
    else turn 90 degrees (a line per token); else (``tiers``) labels alternate between two
    staggered tiers (a line per two tokens; keys turned). Below that the labels are thinned evenly: rows at
    the floor font, keys turned (upright at the normal font if not ``thin_rotated``)."""
    max_px = zoomed(LABEL_MAX_PX) if max_px is None else max_px
    n = len(tokens)
    for pt in TICK_FONT_STEPS:
        labels, widest, line = fitted_labels(tokens, pt, max_px)
        if not keys:
            if pitch_px >= line or n <= 1:
                return AxisFit(pt, 1, None, labels, widest, line)
        elif pitch_px >= widest + LABEL_GAP_PX or n <= 1:
            return AxisFit(pt, 1, False, labels, widest, line)
        elif pitch_px >= line:
            return AxisFit(pt, 1, True, labels, widest, line)
    if tiers:
        for pt in TICK_FONT_STEPS[-2:]:
            labels, widest, line = fitted_labels(tokens, pt, max_px)
            if 2 * pitch_px >= line + 2:  # room between a tier's labels for the other tier's leader line
                return AxisFit(pt, 1, True if keys else None, labels, widest, line, tiers=2)
    if not keys or thin_rotated:
        labels, widest, line = fitted_labels(tokens, TICK_FONT_FLOOR_PT, max_px)
        stride = max(1, math.ceil(line / max(pitch_px, 1e-9)))
        return AxisFit(TICK_FONT_FLOOR_PT, stride, True if keys else None, labels, widest, line)
    labels, widest, line = fitted_labels(tokens, TICK_FONT_PT, max_px)
    stride = max(1, math.ceil((widest + LABEL_GAP_PX) / max(pitch_px, 1e-9)))
    return AxisFit(TICK_FONT_PT, stride, False, labels, widest, line)


def stride_note(stride: int) -> str:
    """"every 2nd token labelled" for a figure whose axes could not label every token."""
    from PySide6.QtCore import QCoreApplication

    if stride <= 1:
        return ""
    if stride == 2:
        return QCoreApplication.translate("Labels", "every 2nd token labelled")
    if stride == 3:
        return QCoreApplication.translate("Labels", "every 3rd token labelled")
    return QCoreApplication.translate("Labels", "one token in {0} labelled").format(stride)


def thinned_ticks(labels: list[str], label_px: float, pixels: float) -> list[tuple[float, str]]:
    """Tick (position, label) pairs at cell centres, every k-th so labels of ``label_px`` don't overlap."""
    n = len(labels)
    if n == 0 or pixels <= 0:
        return []
    stride = max(1, math.ceil(label_px / (pixels / n)))
    return [(i + 0.5, labels[i]) for i in range(0, n, stride)]


class MenulessPlot(pg.PlotItem):
    """A PlotItem built without pyqtgraph's view-box context menu (range, axes, mouse mode). Our
    plots disabled that menu after building it: about 5 ms and a handful of parentless QMenus
    per plot, which stay alive as long as the plot's Python object and receive every font and
    language change of the application."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("enableMenu", False)
        super().__init__(*args, **kwargs)


class ColourBar(pg.ColorBarItem, MenulessPlot):
    """pyqtgraph's colour bar without the view-box menu it builds and then disables (its own
    ``super().__init__()`` reaches MenulessPlot first), and whose axes never rescale their labels
    with an SI prefix (weights and scores need none): pyqtgraph otherwise re-renders each axis
    label as rich text on every new range, four axes per bar, on every frame."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for side in ("left", "right", "top", "bottom"):
            self.getAxis(side).enableAutoSIPrefix(False)
