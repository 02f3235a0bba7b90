"""The step-through: every stage of the computation with its formula, shapes and matrices,
and a drill-down of one query token's path through a head.

Built to stay live: the drill-down is a QTableView over a model that swaps all its numbers in one
reset (no per-cell items, columns sized once) and paints its cells in one pass; the per-head
stages over keys (scores to softmax) are one mosaic plot (explorer.ui.stage_mosaic), the other
stages pooled plots, whose images get new pixels (every panel of a stage mapped to colours in one
pass); and tokens of any length are shown elided (the whole token in a tooltip), so no text can
widen the window."""
from __future__ import annotations

import math
from collections import OrderedDict
from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSignalBlocker,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..colorscale import apply_scale, colour_bar
from ..engine import STAGES, Trace, TracePair
from ..engine.stages import KEY_COLUMN_STAGES, WEIGHT_STAGES
from ..textfit import elide_middle
from .grid import place, take_all
from .matrix_plot import MatrixPlot, argb_pixels, argb_words, retitle
from .stage_info import N_STAGES, scale_text, stage_formula, stage_shapes, stage_title
from .stage_mosaic import StageMosaic
from .style import (
    DIVERGING_CMAP,
    LABEL_MAX_PX,
    WEIGHTS_CMAP,
    ColourBar,
    colormap,
    lut,
    nice_max,
    tick_font,
    zoom,
)

TOKEN_CHARS = 24  # a token is shown with at most this many characters (elided in the middle)


class Panel:
    """What one matrix panel of a stage shows. ``data`` is a view into the trace."""

    __slots__ = ("title", "data", "rows", "cols", "row", "col")

    def __init__(self, title: str, data: np.ndarray, rows: list[str], cols: list[str] | None,
                 row: int, col: int) -> None:
        self.title, self.data, self.rows, self.cols, self.row, self.col = title, data, rows, cols, row, col


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


TITLE_PX = 18  # the height of a panel's title band (pyqtgraph's default is 30)
GAP_PX = 8  # between panels, so one panel's numbered axis never runs into the next one's
BAR_PX = 84  # a colour bar with its tick labels and its title
SIDE_PX = 24  # the layout's margins


@lru_cache(maxsize=256)
def _label_px(text: str, scale: float) -> tuple[float, float]:
    """(width, line height) of token label ``text`` at the tick font, at most a long label's width."""
    fm = QFontMetricsF(tick_font())
    return min(fm.horizontalAdvance(elide_middle(text, 24)), LABEL_MAX_PX * scale), fm.height()


def panel_axes(rows: tuple[str, ...], cols: tuple[str, ...], width: float, height: float) -> tuple[float, float]:
    """About the (left axis width, bottom axis height) a panel of ``width`` x ``height`` pixels
    (axes and matrix, no title) gives its labels, as the matrix plot fits them: row labels as
    wide as the longest; key labels upright if they fit their column, turned if a line does,
    else upright and thinned. An estimate from the longest label alone (O(1), for choosing a
    layout; the plots fit their own labels exactly)."""
    scale = zoom()
    row_w, line = _label_px(max(rows, key=len, default=""), scale)
    col_w, _ = _label_px(max(cols, key=len, default=""), scale)
    left = max(24 * scale, row_w + 10)
    pitch = (width - left) / max(1, len(cols))
    bottom = col_w + 6 if line <= pitch < col_w + 4 else line + 6
    return float(left), float(bottom)


@lru_cache(maxsize=64)
def _area_columns(n_items: int, extra_cols: int, blocks: int, shape: tuple[int, int], area: tuple[int, int],
                  title_px: tuple[float, float], rows: tuple[str, ...], cols: tuple[str, ...], scale: float) -> int:
    """The column count for ``n_items`` panels per block (``blocks`` blocks stacked on the same
    columns, ``extra_cols`` more columns beside them) in ``area`` = (width, height) pixels: the
    one with the biggest matrix cells whose panels are wide enough for their titles ``title_px``
    = (a panel's, an extra column's). ``shape`` is
    a matrix's (rows, cols), ``rows``/``cols`` its labels (the axes take what their labels need)."""
    width, height = area
    if n_items <= 1:
        return 1
    if width <= 0 or height <= 0:
        return math.ceil(math.sqrt(n_items))
    best, best_key = 1, None
    for n_cols in range(1, n_items + 1):
        total_cols = n_cols + extra_cols
        grid_rows = math.ceil(n_items / n_cols) * blocks
        usable_w = width - BAR_PX - SIDE_PX - GAP_PX * total_cols
        panel_h = (height - SIDE_PX - GAP_PX // 2 * grid_rows) / grid_rows - TITLE_PX * scale
        left, bottom = panel_axes(rows, cols, usable_w / total_cols, panel_h)
        pw = (usable_w - left) / total_cols
        left, bottom = panel_axes(rows, cols, pw + left, panel_h)
        pw = (usable_w - left) / total_cols
        ph = panel_h - bottom
        cell = min(pw / max(1, shape[1]), ph / max(1, shape[0]))
        titles_fit = pw >= title_px[0] and pw * total_cols >= n_cols * title_px[0] + extra_cols * title_px[1]
        key = (titles_fit, cell)
        if best_key is None or key > best_key:
            best, best_key = n_cols, key
    return best


def stage_panels(pair: TracePair, k: int, area: tuple[float, float] = (0.0, 0.0)) -> tuple[list[Panel], bool]:
    """The panels of stage k, laid out on a grid as ``STAGES[k].layout`` says, and whether the
    values are weights (0..1). Heads wrap onto as many rows as fit ``area`` (width, height in
    pixels) best; the single head, where it differs, is one extra column on the right. Columns
    that are dimensions, not keys, are labelled with their numbers 0 … d−1."""
    stage = STAGES[k]
    t, s = pair.multi, pair.single
    tok = t.tokens
    h = t.n_heads
    key_cols = tok if k in KEY_COLUMN_STAGES else None
    size = (int(area[0]), int(area[1]))
    panels: list[Panel] = []
    if stage.layout == "matrix":
        for j, name in enumerate(stage.arrays):
            title = "X" if name == "x" else name[0].upper()
            arr = getattr(t, name)
            panels.append(Panel(title, arr, tok, _dims(arr.shape[1]), 0, j))
    elif stage.layout == "split":
        arrays = [getattr(t, name) for name in stage.arrays]
        dims = _dims(arrays[0].shape[2])
        cols = _area_columns(h, 0, len(arrays), arrays[0].shape[1:], size, (_title_px(f"Q{_sub(h)}"), 0.0),
                             _typical(tok), tuple(dims), zoom())
        per_block = math.ceil(h / cols)
        for r, (name, arr) in enumerate(zip(stage.arrays, arrays)):
            for i in range(h):
                panels.append(Panel(f"{name.upper()}{_sub(i + 1)}", arr[i], tok, dims,
                                    r * per_block + i // cols, i % cols))
    elif stage.layout == "per_head":
        arr = getattr(t, stage.arrays[0])
        head = QCoreApplication.translate("StepView", "Head {0}")
        single = QCoreApplication.translate("StepView", "Single head")
        title_px = (_title_px(head.format(h)), _title_px(single))
        labels = key_cols if key_cols is not None else _dims(arr.shape[2])
        cols = _area_columns(h, 1, 1, arr.shape[1:], size, title_px, _typical(tok),
                             _typical(labels) if key_cols is not None else tuple(labels), zoom())
        for i in range(h):
            panels.append(Panel(head.format(i + 1), arr[i], tok, labels, i // cols, i % cols))
        single_arr = getattr(s, stage.arrays[0])[0]
        single_cols = key_cols if key_cols is not None else _dims(single_arr.shape[1])
        panels.append(Panel(single, single_arr, tok, single_cols, 0, cols))
    elif stage.layout == "multi_single":
        name = stage.arrays[0]
        if name == "concat":
            first = QCoreApplication.translate("StepView", "Concat of {0} heads").format(h)
            second = QCoreApplication.translate("StepView", "single head")
        else:
            first = QCoreApplication.translate("StepView", "output, {0} heads").format(h)
            second = QCoreApplication.translate("StepView", "output, single head")
        panels.append(Panel(first, getattr(t, name), tok, _dims(t.d_model), 0, 0))
        panels.append(Panel(second, getattr(s, name), tok, _dims(s.d_model), 0, 1))
    return panels, k in WEIGHT_STAGES


MOSAIC = ("mosaic",)  # the arrangement of the per-head stages whose panels share one shape: one plot


def _arrangement(k: int, panels: list[Panel]) -> tuple:
    """What decides how stage k's panels are placed: MOSAIC for the per-head stages over keys
    (scores, scaled, masked, softmax: h heads and the single head, all n x n), drawn in one
    StageMosaic whatever the head count; else the stage and each panel's grid position."""
    if k in KEY_COLUMN_STAGES and STAGES[k].layout == "per_head" and panels \
            and len({p.data.shape for p in panels}) == 1:
        return MOSAIC
    return k, tuple((p.row, p.col) for p in panels)


def _typical(tokens: list[str]) -> tuple[str, ...]:
    """n copies of the longest token: what the axes need room for, and the same key for every
    text of that length and longest token (the column choice is cached by it, not by the text)."""
    return (max(tokens, key=len, default=""),) * len(tokens)


_DIMS: dict[int, list[str]] = {}


def _dims(n: int) -> list[str]:
    """Column labels 0 … n−1 for a matrix whose columns are dimensions (one list per n, so a live
    update hands the panel the same list and its ticks are not rebuilt)."""
    labels = _DIMS.get(n)
    if labels is None:
        labels = _DIMS[n] = [str(i) for i in range(n)]
    return labels


def title_font() -> QFont:
    """The panels' title font (9 pt at the presentation zoom)."""
    font = QFont()
    font.setPointSizeF(9 * zoom())
    return font


def _title_px(text: str) -> float:
    return QFontMetrics(title_font()).horizontalAdvance(text) + 2


def _set_title(plot: pg.PlotItem, text: str) -> None:
    """A panel title in a short band (TITLE_PX high, not pyqtgraph's 30 px); the same title at
    the same zoom again changes nothing (a head-count change keeps most panels' titles)."""
    if not retitle(plot, text, size=f"{9 * zoom():g}pt"):
        return
    band = max(TITLE_PX, QFontMetrics(title_font()).height() + 2)
    plot.titleLabel.setMaximumHeight(band)
    plot.layout.setRowFixedHeight(0, band)


def inset_bar(bar: pg.ColorBarItem) -> None:
    """Keep a colour bar's end labels (drawn centred on its ends) inside its own box: a bar above
    or below another one never has its labels run into the other's."""
    half = math.ceil(QFontMetrics(tick_font()).height() / 2) + 1
    bar.layout.setContentsMargins(0, half, 0, half)


def _show_choices(combo: QComboBox, items: list[str], tips: list[str] | None, index: int) -> None:
    """Make ``combo`` list ``items`` (refilled only if they changed) with ``index`` selected,
    without emitting its change signals: the model is being mirrored, not changed."""
    with QSignalBlocker(combo):
        shown: list = getattr(combo, "_choices", [])  # (item, tip) per entry, as the combo lists them
        wanted = list(zip(items, tips if tips is not None else [None] * len(items)))
        if shown != wanted:
            # only the entries after the common start change (the token slider adds or drops the last
            # tokens): refilling 256 entries with their tooltips took 1.3 ms per token change
            same = 0
            for a, b in zip(shown, wanted):
                if a != b:
                    break
                same += 1
            if same < combo.count():
                combo.model().removeRows(same, combo.count() - same)
            combo.addItems(items[same:])
            if tips is not None:
                for i in range(same, len(items)):
                    combo.setItemData(i, tips[i], Qt.ItemDataRole.ToolTipRole)
            combo._choices = wanted
        combo.setCurrentIndex(index)


def _abs_top(arrays: list[np.ndarray]) -> float:
    """The largest finite |value| over ``arrays`` (1.0 if there is none)."""
    top = 0.0
    for a in arrays:
        if a.size == 0:
            continue
        hi, lo = float(a.max()), float(a.min())
        if math.isfinite(hi) and math.isfinite(lo):
            top = max(top, hi, -lo)
        else:  # masked (-inf) or saturated cells: only the finite ones count
            finite = a[np.isfinite(a)]
            if finite.size:
                top = max(top, float(np.abs(finite).max()))
    return top if top > 0 else 1.0


def _tick_text(v: float) -> str:
    return "0" if v == 0 else f"{v:.3g}".replace("-", "−")


def _diverging_ticks(top: float) -> list[tuple[float, str]]:
    """Five labelled ticks over −top … top (explicit, so the bar never shows a crowded or empty axis)."""
    return [(v, _tick_text(v)) for v in (-top, -top / 2, 0.0, top / 2, top)]


KEPT_LAYOUTS = 4  # arrangements kept laid out: e.g. stage 7 with 4, 8 and 16 heads, and one more
MAX_PLOTS = 48  # panels made ahead in idle time at most, all layouts together (stage 3 with 16 heads needs 48)
SPARE_PLOTS = 17  # free panels made ahead: another arrangement of up to 16 heads needs no new one
TOP_UP_IDLE_MS = 400
TOP_UP_STEP_MS = 30  # between two spare panels: the event loop stays free for the user in between


class _Kept:
    """One arrangement of a stage's panels, kept laid out while another one is on screen: its
    layout, its pool of panels and colour bar, and what they were last given (the parts in
    SWAPPED are the view's own attributes while this one is on screen)."""

    SWAPPED = ("_pool", "plots", "_shown", "_focused", "colorbar", "tokens_label", "levels", "cmap", "_bar_shown")

    def __init__(self, ci: pg.GraphicsLayout) -> None:
        self.ci = ci
        self.laid_out: tuple | None = None  # (width, height, zoom) it was laid out for; None: place it first
        self._pool: list[MatrixPlot] = []
        self.plots: list[MatrixPlot] = []
        self._shown: list[tuple] = []
        self._focused: list[tuple] = []
        self.colorbar = ColourBar(values=(0, 1), colorMap=colormap(WEIGHTS_CMAP), interactive=False, width=12,
                                        colorMapMenu=False)
        self.colorbar.axis.setStyle(tickFont=tick_font(), hideOverlappingLabels=False)
        inset_bar(self.colorbar)
        self.tokens_label = pg.LabelItem("", size="10pt", justify="left")
        self.levels = (0.0, 1.0)
        self.cmap = WEIGHTS_CMAP
        self._bar_shown: tuple | None = None  # (ticks, title) on the colour bar


class StageGraphics(pg.GraphicsLayoutWidget):
    """The matrices of one stage. Stages 4-7 (every head's n x n matrix and the single head's)
    are drawn by one StageMosaic whatever the head count; the other stages' panels come from a
    pool of plots and are re-placed only when the stage, the head count or the shape of the area
    changes. Live updates swap image pixels (mapped for all panels of a stage in one pass when
    they have one shape, as the heads grid does) and set titles, labels, colour tables and axes
    only when they changed.

    The heads wrap onto as many rows as make their cells biggest in the area the view has, every
    panel fits in the view with the colour bar beside them, and numbered axes are labelled at
    cell centres, thinned so no two labels touch."""

    tokenHovered = Signal(str, int)
    tokenClicked = Signal(str, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("stage_graphics")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.plots: list[MatrixPlot] = []
        self.panels: list[Panel] = []
        self._layout_key = None
        self._luts = {WEIGHTS_CMAP: lut(WEIGHTS_CMAP), DIVERGING_CMAP: lut(DIVERGING_CMAP)}
        self._argb = {name: argb_words(table) for name, table in self._luts.items()}
        # arrangements kept laid out (key -> _Kept), the one on screen last; its parts are this
        # view's attributes while it is on screen (see _use)
        self._kept: OrderedDict[tuple, _Kept] = OrderedDict()
        self._free: list[MatrixPlot] = []  # panels of forgotten layouts and made ahead, ready for use
        self._top_up_timer = QTimer(self)
        self._top_up_timer.setSingleShot(True)
        self._top_up_timer.timeout.connect(self._top_up)
        self._current = _Kept(self.ci)
        self._load(self._current)
        self._mosaic: StageMosaic | None = None
        self.colour_scale: tuple[str, float] = ("linear", 1.0)  # (mode, top) for the attention weights
        self.focus: tuple[int | None, int | None] = (None, None)  # (query, key) highlighted
        self.stage = -1
        self.pair: TracePair | None = None

    @property
    def mosaic(self) -> StageMosaic:
        """The plot that draws the per-head stages (made when first needed)."""
        if self._mosaic is None:
            self._mosaic = StageMosaic(title_font)
            self._mosaic.set_readout(self.readout)
            self._mosaic.tokenHovered.connect(self._on_tokenHovered)
            self._mosaic.tokenClicked.connect(self._on_tokenClicked)
        return self._mosaic

    # ---- drawing ----------------------------------------------------------------------------
    def _area(self) -> tuple[float, float]:
        return float(self.width()), float(self.height())

    def set_stage(self, pair: TracePair, k: int) -> None:
        self.pair, self.stage = pair, k
        if self.isVisible():  # spare panels are made when the view has been idle for a while
            self._top_up_timer.start(TOP_UP_IDLE_MS)
        panels, is_weights = stage_panels(pair, k, self._area())
        key = _arrangement(k, panels)
        placed = key != self._layout_key
        if placed:
            self._layout_key = key
            placed = self._use(key, 0 if key == MOSAIC else len(panels))
            if placed:
                self._place(panels, k)
                self._current.laid_out = self._layout_size()
        self.panels = panels
        if k == 0:
            self.tokens_label.setText(_token_listing(pair.multi.tokens))
            self._wrap_tokens()
            return
        self._draw(panels, is_weights, k)
        if placed:  # the grid grew while the panels still had the old stage's titles and axes: fit it again
            self.ci.updateGeometry()  # forget the minimum size measured then
            self.ci.layout.activate()
            pg.GraphicsLayoutWidget.resizeEvent(self, None)
            # the panels' own layouts (titles, axes shown or hidden) were invalidated on the way: lay them
            # out now, or their posted requests would run after this frame's paint and paint it again
            for item in (*self.plots, self.ci):
                QCoreApplication.sendPostedEvents(item, QEvent.Type.LayoutRequest)
        # view boxes resized on the way (placed, or a kept layout fitted to the view) apply their new
        # transforms now, not in the paint, where moving their images scheduled a second paint
        self.scene().prepareForPaint()
        # nearly every item changed: one update of the whole scene, so the view repaints all of it
        # at once instead of working out the union of a hundred items' old and new rectangles
        # (measured in one process, alternating: -2 to -4 ms a change at 128 tokens, -6 for a head change)
        self.scene().update()

    def _draw(self, panels: list[Panel], is_weights: bool, k: int) -> None:
        cmap = WEIGHTS_CMAP if is_weights else DIVERGING_CMAP
        if is_weights:  # the attention weights: the colour scale the window chose, shared with its other views
            mode, top = self.colour_scale
            bar = colour_bar(mode, top)
            levels = bar.levels
            ticks = list(bar.ticks)
            title = QCoreApplication.translate("ColourScale", bar.title)
        else:  # signed values on a diverging scale from the numbers shown now (no history)
            top = nice_max(_abs_top([p.data for p in panels]))
            levels, ticks, title = (-top, top), _diverging_ticks(top), ""
        if cmap != self.cmap:
            self.cmap = cmap
            self.colorbar.setColorMap(colormap(cmap))
        if levels != self.levels:
            self.levels = levels
            self.colorbar.setLevels(levels)
        if (ticks, title) != self._bar_shown:
            self._bar_shown = (ticks, title)
            self.colorbar.axis.setTicks([ticks, []])
            label_axis = self.colorbar.getAxis("left")
            if title:
                label_axis.setLabel(title)
            else:
                label_axis.showLabel(False)
        # every panel of one shape in one pass: (p, rows, cols) float32 -> uint32 pixels; masked
        # (-inf) cells become NaN, which maps to a transparent pixel
        shapes = {p.data.shape for p in panels}
        pixels = None
        if len(shapes) == 1:
            # p x (rows, cols) float64 -> (p, rows, cols) float32 in one copy; the sum tells in one pass
            # whether any cell is not finite (or the float32 sum overflowed: then the check runs for nothing)
            data = np.stack([p.data for p in panels], dtype=np.float32)
            if not np.isfinite(data.sum()):
                data[~np.isfinite(data)] = np.nan
            if is_weights and self.colour_scale[0] != "linear":
                data = apply_scale(data, self.colour_scale[0], self.colour_scale[1])  # (p, n, n), NaN stays NaN
            pixels = argb_pixels(self._argb[cmap], data, levels)
        focus = self._focus_for(k)
        if self._layout_key == MOSAIC:  # one shape (_arrangement): data and pixels were made above
            mosaic = self.mosaic
            mosaic.set_panels(panels, data, pixels, self._luts[cmap], levels)
            if mosaic.focus != focus:
                mosaic.set_focus(*focus)
            return
        for j, (plot, p) in enumerate(zip(self.plots, panels)):
            shown = (cmap, p.title, p.col == 0)
            if self._shown[j] != shown:
                if self._shown[j] is None or self._shown[j][0] != cmap:
                    plot.image.setLookupTable(self._luts[cmap], update=False)
                if self._shown[j] is None or self._shown[j][1] != p.title:
                    _set_title(plot, p.title)
                if self._shown[j] is None or self._shown[j][2] != shown[2]:
                    plot.showAxis("left", p.col == 0)  # a row of panels shares its token labels
                self._shown[j] = shown
            if pixels is not None:
                plot.set_matrix(data[j], levels, pixels[j])
            else:
                d = np.ascontiguousarray(p.data, dtype=np.float32)  # (rows, cols)
                if is_weights:
                    d = apply_scale(d, *self.colour_scale)
                plot.set_matrix(np.where(np.isfinite(d), d, np.float32(np.nan)), levels)
            plot.set_labels(p.rows, p.cols)
            if self._focused[j] != focus:
                self._focused[j] = focus
                plot.set_focus(*focus)

    def panel_rects(self) -> list[QRectF]:
        """Every matrix panel of the stage (its plot: title, axes and matrix) in view pixels."""
        return [self.mapFromScene(plot.sceneBoundingRect()).boundingRect().toRectF() for plot in self.plots]

    def set_colour_scale(self, mode: str, top: float) -> None:
        """The attention weights' scale (stage 7); the other stages keep their diverging scale."""
        self.colour_scale = (mode, float(top))

    def set_focus(self, query: int | None, key: int | None) -> None:
        """Highlight query row ``query`` and key column ``key`` (None: none) in every panel; a key
        only where the columns are keys (stages 4-7), not dimensions."""
        self.focus = (query, key)
        focus = self._focus_for(self.stage)
        if self._layout_key == MOSAIC:
            self.mosaic.set_focus(*focus)
            return
        for j, plot in enumerate(self.plots):
            if self._focused[j] != focus:
                self._focused[j] = focus
                plot.set_focus(*focus)

    def _focus_for(self, k: int) -> tuple[int | None, int | None]:
        query, key = self.focus
        return query, key if k in KEY_COLUMN_STAGES else None

    def clear_stage(self) -> None:
        """Show nothing (an empty text): no stale matrices, token list or colour bar."""
        self.pair = None
        self._layout_key = None
        self.panels = []
        self.plots = []
        self.tokens_label.setText("")
        place(self, [])
        for kept in self._kept.values():
            kept.laid_out = None  # emptied (this one) or hidden: placed again before it is shown

    # ---- layout -----------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.resizeEvent(None)  # a page of a tab widget may have been resized while hidden

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if getattr(self, "pair", None) is None:  # also while pyqtgraph's constructor sizes the view
            return
        if self._current.laid_out is not None:
            self._current.laid_out = self._layout_size()  # pyqtgraph fitted the layout on screen to the view
        if self.stage == 0:
            self._wrap_tokens()
            return
        panels, _ = stage_panels(self.pair, self.stage, self._area())
        if _arrangement(self.stage, panels) != self._layout_key:
            self.set_stage(self.pair, self.stage)  # another arrangement fits the new size better

    def _wrap_tokens(self) -> None:
        """The token list wraps at the view's width: every token on screen, none cut off."""
        item = self.tokens_label.item
        width = max(80.0, self.width() - 24.0)
        if item.textWidth() != width:
            item.setTextWidth(width)
        self.tokens_label.updateMin()
        self.tokens_label.resizeEvent(None)

    def _layout_size(self) -> tuple:
        """What a kept layout was laid out for: the view's size and the zoom."""
        return self.width(), self.height(), zoom()

    def _use(self, key: tuple, n_panels: int) -> bool:
        """Put the layout kept for arrangement ``key`` on screen (the one shown so far is hidden
        and kept, laid out as it is). Returns True if it must be placed first: new, emptied, or
        laid out for another view size or zoom. A head-count change back and forth then costs
        no layout at all: every panel keeps its geometry, axes and label caches.

        A new arrangement gets a layout of its own only if spare panels (made in idle time) can
        fill it; else the least recently used layout is placed again for it (with its own panels,
        still in its grid: the cheapest re-placing there is), as a drag over many head counts does."""
        kept = self._kept.get(key)
        if kept is None:
            if not self._kept:
                kept = self._current  # the first arrangement: the layout made with the view
            elif len(self._kept) < KEPT_LAYOUTS and len(self._free) >= n_panels:
                kept = _Kept(self._new_layout())
            else:
                old_key, kept = next(iter(self._kept.items()))  # least recently used
                del self._kept[old_key]
                kept.laid_out = None
            self._kept[key] = kept
        self._kept.move_to_end(key)
        if kept is not self._current:
            self._store(self._current)
            self.ci.hide()
            self._current = kept
            self._load(kept)
            self.centralWidget = self.ci = kept.ci
            kept.ci.show()
            pg.GraphicsLayoutWidget.resizeEvent(self, None)  # fit it to the view (no change if it was)
        if kept.laid_out != self._layout_size():
            kept.laid_out = None
            return True
        return False

    def _spare_plot(self) -> MatrixPlot:
        """A panel for the layout being placed: a free one, one a kept layout holds but does not
        show, else the panels of the least recently used kept layouts (which are then forgotten),
        and only when there are none a new one (~16 ms, ~0.5 MB): a change never makes more panels
        than its own arrangement needs. Idle time makes spare ones ahead (``_top_up``), so that
        kept layouts can stay side by side."""
        if not self._free:
            for kept in self._kept.values():  # panels a kept layout has but does not show (not in its grid)
                if kept is not self._current and len(kept._pool) > len(kept.plots):
                    spare = kept._pool[len(kept.plots):]
                    del kept._pool[len(kept.plots):]
                    for plot in spare:
                        plot.setParentItem(None)
                    self._free.extend(spare)
        if not self._free:  # take the panels of other kept layouts (moving one is far cheaper than making one)
            for key, kept in list(self._kept.items()):
                if self._free:
                    break
                if kept is self._current:
                    continue
                self._free.extend(self._empty(kept))  # the layout goes, its panels stay for re-use
                self.scene().removeItem(kept.ci)
                del self._kept[key]
        return self._free.pop() if self._free else self._make_plot()

    def _make_plot(self) -> MatrixPlot:
        plot = MatrixPlot()
        plot.tokenHovered.connect(self._on_tokenHovered)
        plot.tokenClicked.connect(self._on_tokenClicked)
        return plot

    def _plots_made(self) -> int:
        """Every panel this view holds: the current layout's, the other kept layouts', the free ones."""
        others = sum(len(k._pool) for k in self._kept.values() if k is not self._current)
        return len(self._pool) + others + len(self._free)

    def _top_up(self) -> None:
        """After TOP_UP_IDLE_MS without a change: make one spare panel, then the next TOP_UP_STEP_MS
        later, up to SPARE_PLOTS free and MAX_PLOTS in all (one ~16 ms step at a time, so a change
        the user makes meanwhile waits for one panel at most)."""
        if not self.isVisible() or len(self._free) >= SPARE_PLOTS or self._plots_made() >= MAX_PLOTS:
            return
        plot = self._make_plot()
        plot.hide()
        self._free.append(plot)
        self._top_up_timer.start(TOP_UP_STEP_MS)

    def release_panels(self) -> list[MatrixPlot]:
        """Every panel this view made, out of its layouts and its scene and disconnected from it,
        for another StageGraphics to adopt (a language switch builds the views again, and making
        17 panels again took 0.3-0.4 s of the switch). This view shows nothing afterwards."""
        self._store(self._current)
        plots: list[MatrixPlot] = list(self._free)
        for kept in [self._current, *(k for k in self._kept.values() if k is not self._current)]:
            plots.extend(self._empty(kept))
        self._free, self._pool, self.plots, self._shown, self._focused = [], [], [], [], []
        self._layout_key = None
        self._top_up_timer.stop()
        for plot in plots:
            plot.tokenHovered.disconnect(self._on_tokenHovered)
            plot.tokenClicked.disconnect(self._on_tokenClicked)
            plot.setParentItem(None)  # (a free panel may still be top-level in the scene)
            plot.hide()
            if plot.scene() is not None:
                plot.scene().removeItem(plot)
        return plots

    def _empty(self, kept: _Kept) -> list[MatrixPlot]:
        """Take every panel out of a kept layout (out of its grid, parent and sight; still in the
        scene) and leave the layout empty, to be placed again before it is shown; returns them."""
        take_all(kept.ci.layout)
        plots = kept._pool
        for plot in plots:
            plot.setParentItem(None)
            plot.hide()
        if self._mosaic is not None and self._mosaic.parentItem() is kept.ci:  # it outlives any one layout
            self._mosaic.setParentItem(None)
            self._mosaic.hide()
        kept._pool, kept.plots, kept._shown, kept._focused = [], [], [], []
        kept.laid_out = None
        return plots

    def adopt_panels(self, plots: list[MatrixPlot]) -> None:
        """Take panels another StageGraphics released: spare panels of this view from now on."""
        for plot in plots:
            plot.tokenHovered.connect(self._on_tokenHovered)
            plot.tokenClicked.connect(self._on_tokenClicked)
        self._free.extend(plots)

    def _new_layout(self) -> pg.GraphicsLayout:
        ci = pg.GraphicsLayout()
        ci.layout.setHorizontalSpacing(GAP_PX)
        ci.layout.setVerticalSpacing(GAP_PX // 2)
        ci.hide()
        self.scene().addItem(ci)
        return ci

    def _store(self, kept: _Kept) -> None:
        for name in _Kept.SWAPPED:
            setattr(kept, name, getattr(self, name))

    def _load(self, kept: _Kept) -> None:
        for name in _Kept.SWAPPED:
            setattr(self, name, getattr(kept, name))

    def _place(self, panels: list[Panel], k: int) -> None:
        if k == 0:
            self.plots = []
            place(self, [(self.tokens_label, 0, 0, 1, 1)])
            return
        if self._layout_key == MOSAIC:  # one plot for every panel, and the colour bar
            self.plots, self._shown, self._focused = [self.mosaic], [], []
            place(self, [(self.mosaic, 0, 0, 1, 1), (self.colorbar, 0, 1, 1, 1)])
            return
        while len(self._pool) < len(panels):
            self._pool.append(self._spare_plot())
        self.plots = self._pool[: len(panels)]
        for j, plot in enumerate(self.plots):  # the trace's own numbers, whatever colour scale draws them
            plot.set_readout(lambda row, col, j=j: self.readout(j, row, col))
        self._focused = [None] * len(panels)
        self._shown = []
        for plot, p in zip(self.plots, panels):  # titles and axes first: the grid is measured with them
            _set_title(plot, p.title)
            if plot.getAxis("left").isVisibleTo(plot) != (p.col == 0):
                plot.showAxis("left", p.col == 0)  # a row of panels shares its token labels
            self._shown.append((None, p.title, p.col == 0))
        n_rows = max(p.row for p in panels) + 1
        n_cols = max(p.col for p in panels) + 1
        cells = [(plot, p.row, p.col, 1, 1) for plot, p in zip(self.plots, panels)]
        place(self, cells + [(self.colorbar, 0, n_cols, n_rows, 1)])

    def readout(self, j: int, row: int, col: int) -> str:
        """The hover text of cell (row, col) of panel j: its tokens (or dimension) and its value."""
        if j >= len(self.panels):
            return ""
        p = self.panels[j]
        value = float(p.data[row, col])
        query = elide_middle(p.rows[row]) if row < len(p.rows) else str(row)
        if self.stage in KEY_COLUMN_STAGES and p.cols is not None and col < len(p.cols):
            text = QCoreApplication.translate("MatrixPlot", "query {0} “{1}” → key {2} “{3}”: {4:.3f}").format(
                row, query, col, elide_middle(p.cols[col]), value)
        else:
            text = QCoreApplication.translate("MatrixPlot", "query {0} “{1}” · dimension {2}: {3:.3f}").format(
                row, query, col, value)
        return f"{p.title} · {text}"

    def _on_tokenHovered(self, kind: str, index: int) -> None:  # noqa: N802 - named after the signal
        self.tokenHovered.emit(kind, self._token_index(kind, index))

    def _on_tokenClicked(self, kind: str, index: int) -> None:  # noqa: N802 - named after the signal
        self.tokenClicked.emit(kind, self._token_index(kind, index))

    def _token_index(self, kind: str, index: int) -> int:
        """A column of dimensions is no key token: a hover or click there picks no token (-1)."""
        return index if kind != "key" or self.stage in KEY_COLUMN_STAGES else -1


def _token_listing(tokens: list[str]) -> str:
    """Every token with its number (from 0), one unbreakable item each; the label wraps between
    items at its width."""
    items = [f"<b>{i}</b>&nbsp;{_html(elide_middle(t, TOKEN_CHARS)).replace(' ', '&nbsp;')}"
             for i, t in enumerate(tokens)]
    return "&nbsp;&nbsp; ".join(items)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fmt(v: float) -> str:
    if v == -math.inf:
        return "−∞"
    return f"{v:.3f}"


_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class DrilldownModel(QAbstractTableModel):
    """The drill-down's numbers: one row per key, 8 columns (4 for the chosen head, 4 for the
    single head). ``set_values`` replaces everything in one model reset; cells are formatted
    only when the view asks for them (the rows on screen)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.values = np.zeros((0, 8))
        self.row_labels: list[str] = []
        self.row_tips: list[str] = []
        self.col_labels: list[str] = [""] * 8
        self.resets = 0  # updates so far: each one model reset or one whole-table dataChanged

    def set_values(self, values: np.ndarray, row_labels: list[str], row_tips: list[str],
                   col_labels: list[str]) -> None:
        """Everything at once: a model reset if the row count changes, else one dataChanged
        over the whole table (the view keeps its headers' layout and scroll position)."""
        same_rows = len(values) == len(self.values) and len(values) > 0
        if not same_rows:
            self.beginResetModel()
        rows_changed, cols_changed = row_labels != self.row_labels, col_labels != self.col_labels
        self.values, self.row_labels, self.row_tips, self.col_labels = values, row_labels, row_tips, col_labels
        if same_rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(values) - 1, 7))
            # a header's size is measured again from every label it has: only when they changed
            if rows_changed:
                self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(values) - 1)
            if cols_changed:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 7)
        else:
            self.endResetModel()
        self.resets += 1

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.values)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 8

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _fmt(float(self.values[index.row(), index.column()]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return repr(float(self.values[index.row(), index.column()]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.col_labels):
                return self.col_labels[section]
            return None
        if 0 <= section < len(self.row_labels):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.row_labels[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.row_tips[section]
        return None


class KeyHeader(QHeaderView):
    """The drill-down's row header: its width is fixed (``setFixedWidth``), so its size hint is
    that width. Qt's own hint measures up to 200 row labels through the model on every new row
    count, only for the table to clamp the result to the fixed width."""

    def __init__(self, parent=None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionsClickable(True)  # as the header QTableView makes itself
        self.setHighlightSections(True)

    def sizeHint(self) -> QSize:
        return QSize(self.maximumWidth(), self.defaultSectionSize())


class NumberDelegate(QStyledItemDelegate):
    """Paints a drill-down cell straight from the model's array: one call per cell on screen.
    The styled delegate asks the model for every role of every cell it paints (about nine calls
    into Python per cell), which made the table the most expensive widget of a step-through frame.
    The model still answers data() for every other reader (tooltips, tests, accessibility)."""

    def __init__(self, model: DrilldownModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model

    def paint(self, painter, option, index) -> None:
        values = self.model.values
        row, col = index.row(), index.column()
        if not (0 <= row < len(values) and 0 <= col < values.shape[1]):
            return
        text = _fmt(float(values[row, col]))
        rect = option.rect.adjusted(3, 0, -4, 0)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
            painter.setPen(option.palette.highlightedText().color())
        else:
            painter.setPen(option.palette.text().color())
        fm = option.fontMetrics
        if fm.horizontalAdvance(text) > rect.width():  # as the view elides: in the middle (exact value in the tooltip)
            text = fm.elidedText(text, Qt.TextElideMode.ElideMiddle, rect.width())
        painter.drawText(rect, _RIGHT, text)


class DrillTable(QTableView):
    """The drill-down table, whose cells are painted in one pass straight from the model's
    array: the numbers as ``NumberDelegate`` draws them (right-aligned, elided in the middle when
    a column is too narrow, the selection highlighted) and the grid. Qt's own paint calls the
    Python delegate once per cell on screen (a wrapped painter, style option and index each
    time): 3.9 ms for the ~90 cells of a frame, the most expensive item of a step-through frame
    once the matrices were one mosaic. The delegate stays set for everything else that asks it."""

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        model = self.model()
        values = getattr(model, "values", None)
        if not isinstance(model, DrilldownModel) or values is None:
            return super().paintEvent(event)
        n_rows, n_cols = values.shape if values.ndim == 2 else (0, 0)
        area = event.rect()
        painter = QPainter(self.viewport())
        palette = self.palette()
        painter.fillRect(area, palette.base())
        if not n_rows or not n_cols:
            return
        first_row, last_row = self.rowAt(area.top()), self.rowAt(area.bottom())
        first_col, last_col = self.columnAt(area.left()), self.columnAt(area.right())
        if first_row < 0 or first_col < 0:
            return
        last_row = n_rows - 1 if last_row < 0 else last_row
        last_col = n_cols - 1 if last_col < 0 else last_col
        selected = {(i.row(), i.column()) for i in self.selectionModel().selectedIndexes()}
        grid = 1 if self.showGrid() else 0
        fm = self.fontMetrics()
        text_pen, chosen_pen = palette.text().color(), palette.highlightedText().color()
        highlight = palette.highlight()
        painter.setFont(self.font())
        painter.setPen(text_pen)
        cols = [(c, self.columnViewportPosition(c), self.columnWidth(c)) for c in range(first_col, last_col + 1)]
        fmf = QFontMetricsF(self.font())  # fractional advances: where Qt's own layout puts the glyphs
        line, ascent = fmf.height(), fmf.ascent()
        bottom = 0
        for r in range(first_row, last_row + 1):
            y, h = self.rowViewportPosition(r), self.rowHeight(r)
            bottom = y + h
            baseline = y + (h - grid - line) / 2 + ascent  # centred in the cell, as AlignVCenter puts one line
            row = values[r]
            for c, x, w in cols:
                chosen = (r, c) in selected
                if chosen:
                    painter.fillRect(QRect(x, y, w - grid, h - grid), highlight)
                    painter.setPen(chosen_pen)
                text = _fmt(float(row[c]))
                room = w - grid - 7  # 3 px left and 4 px right of the text
                if fm.horizontalAdvance(text) > room:  # elided in the middle (the exact value: its tooltip)
                    text = fm.elidedText(text, Qt.TextElideMode.ElideMiddle, room)
                # right-aligned at the cell's margin, drawn at a point: no text layout pass per cell
                painter.drawText(QPointF(x + w - grid - 4 - fmf.horizontalAdvance(text), baseline), text)
                if chosen:
                    painter.setPen(text_pen)
        if grid:
            style_option = QStyleOptionViewItem()
            self.initViewItemOption(style_option)
            colour = QColor.fromRgba(self.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, style_option, self)
                                     & 0xFFFFFFFF)
            painter.setPen(QPen(colour, 1, self.gridStyle()))
            right = cols[-1][1] + cols[-1][2]
            top = self.rowViewportPosition(first_row)
            for r in range(first_row, last_row + 1):
                y = self.rowViewportPosition(r) + self.rowHeight(r) - 1
                painter.drawLine(area.left(), y, right - 1, y)
            for _c, x, w in cols:
                painter.drawLine(x + w - 1, top, x + w - 1, bottom - 1)


class StepView(QWidget):
    """Stage-by-stage walk through the computation with the real numbers."""

    stageChanged = Signal(int)
    tokenHovered = Signal(str, int)  # ("query" | "key", token index; -1: none), from any panel
    tokenClicked = Signal(str, int)
    PLAY_INTERVAL_MS = 1500
    GRAPHICS_MIN_PX = 520  # narrower than the drill-down plus this, the drill-down goes under the matrices
    SCALE_DELAY_MS = 50

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("step_view")
        self.stage = 0
        self.query = 0
        self.drill_head = 0  # 0-based head of the h-head trace
        self.pair: TracePair | None = None
        self._dirty = False
        self._drawn: tuple | None = None  # (pair, stage) the panels show

        self.step_prev = self._button("step_prev", "◀", self.tr("Previous stage (←)"))
        self.step_next = self._button("step_next", "▶", self.tr("Next stage (→)"))
        self.step_play = self._button("step_play", self.tr("Play"),
                                      self.tr("Play the stages one after another (Space)"))
        self.step_play.setCheckable(True)
        self.stage_label = self._label("stage_label", 3, bold=True)
        self.formula_label = self._label("formula_label", 2)
        self.formula_label.setTextFormat(Qt.TextFormat.RichText)
        self.formula_label.setWordWrap(True)
        self.shapes_label = self._label("stage_shapes_label")
        self.shapes_label.setWordWrap(True)
        self.shapes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.graphics = StageGraphics(self)
        self.graphics.tokenHovered.connect(self.tokenHovered)
        self.graphics.tokenClicked.connect(self.tokenClicked)

        # drill-down
        self.query_combo = self._combo("query_combo", self.tr("The query token whose path through the head is "
                                                              "shown below."))
        self.drill_head_combo = self._combo("drill_head_combo", self.tr("The head to follow; the single head is "
                                                                        "shown next to it."))
        self.q_label = self._label("drill_q_label")
        self.q_label.setWordWrap(True)
        self.drill_model = DrilldownModel(self)
        self.drilldown_table = DrillTable(self)
        self.drilldown_table.setObjectName("drilldown_table")
        self.drilldown_table.setModel(self.drill_model)
        self.drilldown_table.setItemDelegate(NumberDelegate(self.drill_model, self.drilldown_table))
        self.drilldown_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.drilldown_table.setWordWrap(False)
        self.drilldown_table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.drilldown_table.setVerticalHeader(KeyHeader(self.drilldown_table))
        vh = self.drilldown_table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(20)
        hh = self.drilldown_table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # sized once below, never per cell
        hh.setMinimumSectionSize(44)
        self.drilldown_table.setToolTip(self.tr("Rounded for reading; hover a number for its exact value."))
        self.out_label = self._label("drill_output_label")
        self.out_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.step_prev)
        top.addWidget(self.stage_label, 1)
        top.addWidget(self.step_next)
        top.addWidget(self.step_play)
        drill = QWidget(self)
        drill.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        dl = QVBoxLayout(drill)
        dl.setContentsMargins(0, 0, 0, 0)
        pick = QHBoxLayout()
        pick.addWidget(QLabel(self.tr("Query token"), drill))
        pick.addWidget(self.query_combo, 1)
        pick.addWidget(QLabel(self.tr("Head"), drill))
        pick.addWidget(self.drill_head_combo)
        dl.addLayout(pick)
        dl.addWidget(self.q_label)
        dl.addWidget(self.drilldown_table, 1)
        dl.addWidget(self.out_label)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("step_splitter")
        split.setChildrenCollapsible(False)
        split.addWidget(self.graphics)
        split.addWidget(drill)
        split.setStretchFactor(0, 1)  # the matrices take what the drill-down does not need
        split.setStretchFactor(1, 0)
        self.split = split
        self.drill = drill
        self._split_dragged = False  # the user moved the handle: keep their sizes until the orientation changes
        split.splitterMoved.connect(self._on_split_moved)
        split.installEventFilter(self)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.formula_label)
        lay.addWidget(self.shapes_label)
        lay.addWidget(split, 1)

        self._scale_timer = QTimer(self)  # a new top comes with a new pair: draw once, with both
        self._scale_timer.setSingleShot(True)
        self._scale_timer.setInterval(self.SCALE_DELAY_MS)
        self._scale_timer.timeout.connect(self._redraw_graphics)

        self.play_timer = QTimer(self)
        self.play_timer.setInterval(self.PLAY_INTERVAL_MS)
        self.play_timer.timeout.connect(self._on_play_tick)
        self.step_prev.clicked.connect(self.prev_stage)
        self.step_next.clicked.connect(self.next_stage)
        self.step_play.toggled.connect(self.set_playing)
        self.query_combo.currentIndexChanged.connect(self._on_query_change)
        self.drill_head_combo.currentIndexChanged.connect(self._on_drill_head_change)
        for key, slot in ((Qt.Key.Key_Left, self.prev_stage), (Qt.Key.Key_Right, self.next_stage),
                          (Qt.Key.Key_Space, self.step_play.toggle)):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._size_columns()
        self._show_stage_text()

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        b = QToolButton(self)
        b.setObjectName(name)
        b.setText(text)
        b.setToolTip(tip)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return b

    def _label(self, name: str, bigger: int = 0, bold: bool = False) -> QLabel:
        """A label whose text never sets the window's width (its width comes from the layout)."""
        label = QLabel(self)
        label.setObjectName(name)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        if bigger or bold:
            font = label.font()
            font.setPointSize(font.pointSize() + bigger)
            font.setBold(bold)
            label.setFont(font)
        return label

    def _combo(self, name: str, tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setToolTip(tip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        return combo

    def _size_columns(self) -> None:
        """Column widths from the widest number and header line, once: never per cell or update.
        Also the width the whole drill-down needs to show every column (``drill_px``)."""
        table = self.drilldown_table
        fm = table.fontMetrics()
        hh = table.horizontalHeader()
        hfm = hh.fontMetrics()
        margin = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, hh) + 8
        number = fm.horizontalAdvance("-000.000") + 8  # as _fmt writes them; wider ones are elided (exact tooltip)
        lines = (*self.drill_columns(), self.tr("head {0}").format(88), self.tr("single"))
        header = max(hfm.horizontalAdvance(c) for c in lines) + margin
        width = max(number, header, 44)
        for c in range(8):
            hh.resizeSection(c, width)
        hh.setDefaultSectionSize(width)
        # room for a typical key label; a longer one is elided by the header (whole token in its tooltip)
        vh_width = table.verticalHeader().fontMetrics().horizontalAdvance(self.tr("key {0}: {1}").format(
            88, "n" * 9)) + 12
        table.verticalHeader().setFixedWidth(vh_width)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        scrollbar = table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, table)
        self.drill_px = vh_width + 8 * width + scrollbar + 2 * table.frameWidth() + 4

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """A new font (presentation mode, a language's font): the columns are sized for it once
        the table and its headers have it (they were sized for the old one, and the numbers and
        headers came out elided)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            QTimer.singleShot(0, self, self._refit_columns)  # dropped if this view is gone by then

    def _refit_columns(self) -> None:
        self._size_columns()
        self._fit_split()

    # ---- the matrices beside or above the drill-down ------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        if obj is self.split and event.type() == QEvent.Type.Resize:
            self._fit_split()
        return super().eventFilter(obj, event)

    def _on_split_moved(self, *_) -> None:
        self._split_dragged = True

    def _fit_split(self) -> None:
        """Side by side when the drill-down's columns fit next to matrices at least
        GRAPHICS_MIN_PX wide; else the drill-down goes under the matrices, at full width."""
        split = self.split
        width, height = split.width(), split.height()
        side_by_side = width >= self.drill_px + self.GRAPHICS_MIN_PX
        orientation = Qt.Orientation.Horizontal if side_by_side else Qt.Orientation.Vertical
        if orientation != split.orientation():
            split.setOrientation(orientation)
            self._split_dragged = False
        if self._split_dragged:
            return
        with QSignalBlocker(split):
            if side_by_side:
                split.setSizes([width - self.drill_px, self.drill_px])
            else:
                top = int(height * 0.56)
                split.setSizes([top, height - top])

    # ---- stage navigation -------------------------------------------------------------------
    def set_stage(self, k: int) -> None:
        k = max(0, min(N_STAGES - 1, int(k)))
        if k != self.stage:
            self.stage = k
            self.stageChanged.emit(k)
        self._show_stage_text()
        self.refresh()

    def next_stage(self) -> None:
        self.set_stage(self.stage + 1)

    def prev_stage(self) -> None:
        self.set_stage(self.stage - 1)

    def set_playing(self, on: bool) -> None:
        if on and self.stage == N_STAGES - 1:
            self.set_stage(0)  # play from the start when at the end
        if self.step_play.isChecked() != on:
            self.step_play.setChecked(on)
            return
        self.step_play.setText(self.tr("Pause") if on else self.tr("Play"))
        if on:
            self.play_timer.start()
        else:
            self.play_timer.stop()

    def _on_play_tick(self) -> None:
        """One stage per tick: one frame's work (the panels of one stage, one drill-down reset)."""
        self.next_stage()
        if self.stage == N_STAGES - 1:
            self.set_playing(False)

    def _show_stage_text(self) -> None:
        self.stage_label.setText(stage_title(self.stage))
        self.formula_label.setText(stage_formula(self.stage))
        self.step_prev.setEnabled(self.stage > 0)
        self.step_next.setEnabled(self.stage < N_STAGES - 1)

    # ---- data -------------------------------------------------------------------------------
    def set_pair(self, pair: TracePair) -> None:
        """Show ``pair``: drawn now if the view is visible, else when it is next shown. The
        combo boxes follow at once either way, so nothing can pick a token or head that the
        new pair does not have."""
        self.pair = pair
        self._dirty = True
        if self.isVisible():
            self.refresh()
        else:
            self._sync_combos(pair)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def set_query(self, i: int) -> None:
        """Follow query token ``i`` in the drill-down (the matrices do not change)."""
        self.query = max(0, int(i))
        if self.pair is None:
            return
        if not self.isVisible():
            self._sync_combos(self.pair)
            self._dirty = True
        elif self._dirty:
            self.refresh()
        else:
            self._sync_combos(self.pair)
            self._fill_drilldown(self.pair)

    def set_focus(self, query: int | None, key: int | None) -> None:
        """Highlight token ``query``'s row and ``key``'s column (None: none) in every matrix of the
        step-through; a focused query is also the drill-down's query."""
        self.graphics.set_focus(query, key)
        if query is not None and query != self.query:
            self.set_query(query)

    def set_colour_scale(self, mode: str, top: float) -> None:
        """The attention weights (stage 7) are drawn in ``mode`` up to ``top``, the scale the
        window's other views use; the other stages keep their diverging scales."""
        old = self.graphics.colour_scale
        self.graphics.set_colour_scale(mode, top)
        if self.graphics.colour_scale == old or self.pair is None or self.stage not in WEIGHT_STAGES:
            return
        if not self.isVisible():
            self._dirty = True
        elif mode != old[0]:
            self._redraw_graphics()  # a new mode: the same numbers, drawn another way, now
        else:
            self._scale_timer.start()  # a new top comes from new numbers, which are drawn next anyway

    def _redraw_graphics(self) -> None:
        self._scale_timer.stop()
        if self.pair is not None:
            self.graphics.set_stage(self.pair, self.stage)

    def clear(self) -> None:
        """Nothing to show (an empty text): no stale matrices, numbers or tokens."""
        self.set_playing(False)
        self._scale_timer.stop()
        self.pair = None
        self._drawn = None
        self._dirty = False
        self.graphics.clear_stage()
        self.shapes_label.setText("")
        self.q_label.setText("")
        self.q_label.setToolTip("")
        self.out_label.setText("")
        self.out_label.setToolTip("")
        self.drill_model.set_values(np.zeros((0, 8)), [], [], [""] * 8)
        for combo in (self.query_combo, self.drill_head_combo):
            _show_choices(combo, [], None, -1)

    def refresh(self) -> None:
        """Redraw the stage and the drill-down for the current pair (keeps stage and query)."""
        if self.pair is None:
            return
        self._dirty = False
        self._scale_timer.stop()
        pair = self.pair
        shapes = stage_shapes(pair, self.stage)
        if self.stage == 5:
            shapes += " · " + scale_text(pair)
        self.shapes_label.setText(shapes)
        self.graphics.set_stage(pair, self.stage)
        self._drawn = (pair, self.stage)
        self._sync_combos(pair)
        self._fill_drilldown(pair)

    def _sync_combos(self, pair: TracePair) -> None:
        """Mirror the pair's tokens and heads in the combo boxes; a query or head out of range
        snaps to the last valid one."""
        tokens = pair.multi.tokens
        self.query = max(0, min(self.query, len(tokens) - 1))
        _show_choices(self.query_combo, [f"{i}: {t}" for i, t in enumerate(_elided(tokens))], tokens, self.query)
        h = pair.multi.n_heads
        self.drill_head = max(0, min(self.drill_head, h - 1))
        _show_choices(self.drill_head_combo, [self.tr("Head {0}").format(i + 1) for i in range(h)], None,
                      self.drill_head)

    def _on_query_change(self, i: int) -> None:
        if i >= 0:  # -1: an index the combo does not have was asked for; the sync puts the last choice back
            self.query = i
        self._drill_changed()

    def _on_drill_head_change(self, i: int) -> None:
        if i >= 0:
            self.drill_head = i
        self._drill_changed()

    def set_drill_head(self, i: int) -> None:
        """Follow head ``i`` (0-based) in the drill-down, as ``set_query`` follows a token; a head
        the pair does not have snaps to the last one."""
        self.drill_head = max(0, int(i))
        self._drill_changed()

    def _drill_changed(self) -> None:
        if self.pair is None:
            return
        self._sync_combos(self.pair)  # clamps a choice the pair does not have
        if self.isVisible():
            self._fill_drilldown(self.pair)
        else:
            self._dirty = True

    def drill_columns(self) -> tuple[str, ...]:
        """The drill-down's column names under each head: q·k, scaled, masked, softmax."""
        return ("q·k", self.tr("× scale"), self.tr("mask"), "softmax")

    def _selection(self, pair: TracePair) -> tuple[int, int]:
        """(query, head), clamped to the pair: a choice made for an older pair never reads out of range."""
        t = pair.multi
        return max(0, min(self.query, t.n - 1)), max(0, min(self.drill_head, t.n_heads - 1))

    def drilldown_values(self, pair: TracePair) -> np.ndarray:
        """(n_keys, 8): q·k, scaled, masked, softmax for the chosen head, then the single head."""
        i, hd = self._selection(pair)
        cols = []
        for t, head in ((pair.multi, hd), (pair.single, 0)):
            cols += _row_stages(t, head, i)
        return np.stack(cols, axis=1)  # 8 x (n,) -> (n, 8)

    def _fill_drilldown(self, pair: TracePair) -> None:
        values = self.drilldown_values(pair)
        t = pair.multi
        i, hd = self._selection(pair)
        head_name = self.tr("head {0}").format(hd + 1)
        single = self.tr("single")
        names = self.drill_columns()
        cols = [f"{head_name}\n{c}" for c in names] + [f"{single}\n{c}" for c in names]
        key = self.tr("key {0}: {1}")
        rows = [key.format(j, tok) for j, tok in enumerate(_elided(t.tokens))]
        resized = len(values) != self.drill_model.rowCount()
        self.drill_model.set_values(values, rows, t.tokens, cols)
        if resized:  # lay the rows out now, not on the view's delayed timer after this frame's paint (a second paint)
            self.drilldown_table.doItemsLayout()
        dk = t.d_k
        q = t.q_proj[i, hd * dk:(hd + 1) * dk]  # head hd's columns of the query's row: q of the split stage
        out = t.head_output_row(hd, i)  # one row of one head: no whole V for a label
        token = elide_middle(t.tokens[i], TOKEN_CHARS)
        self.q_label.setText(self.tr('q of "{0}" in head {1} ({2} numbers): {3}').format(
            token, hd + 1, dk, _vector(q)))
        self.q_label.setToolTip(f"{t.tokens[i]}\n{q.tolist()!r}")
        self.out_label.setText(self.tr("head {0} output for \"{1}\" = Σⱼ softmaxⱼ · vⱼ = {2}").format(
            hd + 1, token, _vector(out)))
        self.out_label.setToolTip(f"{t.tokens[i]}\n{out.tolist()!r}")


_ELIDED: list = [None, None]  # the last token list (by identity) and its elided labels


def _elided(tokens: list[str]) -> list[str]:
    """The tokens elided to TOKEN_CHARS, remembered for the last list (a trace's tokens are read
    by the combo box and the table on every update)."""
    if _ELIDED[0] is not tokens:
        _ELIDED[:] = [tokens, [elide_middle(t, TOKEN_CHARS) for t in tokens]]
    return _ELIDED[1]


def _row_stages(t: Trace, head: int, i: int) -> list[np.ndarray]:
    """Query i's row of stages 4-7 in ``head``: the trace's own numbers, without making the whole
    (h, n, n) scaled and masked arrays when the trace has not made them yet (the same
    elementwise operations on one row give the same numbers)."""
    scores = t.scores[head, i]
    made = t.__dict__
    if "scaled_scores" in made or not t.small_logits:
        scaled = t.scaled_scores[head, i]
    else:
        scaled = np.multiply(scores, t.scale)
    if "masked_scores" in made:
        masked = t.masked_scores[head, i]
    else:
        masked = scaled if t.allowed.all() else np.where(t.allowed[i], scaled, -np.inf)
    return [scores, scaled, masked, t.weights[head, i]]


def _vector(v: np.ndarray, limit: int = 8) -> str:
    shown = ", ".join(f"{x:.3f}" for x in v[:limit])
    return f"[{shown}{', …' if len(v) > limit else ''}]"
