"""The step-through: every stage of the computation with its formula, shapes and matrices,
and a drill-down of one query token's path through a head.

Built to stay live: the drill-down is a QTableView over a model that swaps all its numbers in one
reset (no per-cell items, columns sized once), the stage panels are pooled plots whose images get
new pixels (every panel of a stage mapped to colours in one pass), and tokens of any length are
shown elided (the whole token in a tooltip), so no text can widen the window."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..engine import STAGES, Trace, TracePair
from ..engine.stages import KEY_COLUMN_STAGES, WEIGHT_STAGES
from ..textfit import elide_middle
from .grid import grid_columns, place
from .matrix_plot import MatrixPlot, argb_pixels, argb_words
from .stage_info import N_STAGES, scale_text, stage_formula, stage_shapes, stage_title
from .style import DIVERGING_CMAP, WEIGHTS_CMAP, colormap, lut, nice_max

TOKEN_CHARS = 24  # a token is shown with at most this many characters (elided in the middle)


class Panel:
    """What one matrix panel of a stage shows. ``data`` is a view into the trace."""

    __slots__ = ("title", "data", "rows", "cols", "row", "col")

    def __init__(self, title: str, data: np.ndarray, rows: list[str], cols: list[str] | None,
                 row: int, col: int) -> None:
        self.title, self.data, self.rows, self.cols, self.row, self.col = title, data, rows, cols, row, col


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def stage_panels(pair: TracePair, k: int) -> tuple[list[Panel], bool]:
    """The panels of stage k, laid out on a grid as ``STAGES[k].layout`` says, and whether the
    values are weights (0..1). The single head, where it differs, is one extra column on the right."""
    stage = STAGES[k]
    t, s = pair.multi, pair.single
    tok = t.tokens
    h = t.n_heads
    key_cols = tok if k in KEY_COLUMN_STAGES else None
    panels: list[Panel] = []
    if stage.layout == "matrix":
        for j, name in enumerate(stage.arrays):
            title = "X" if name == "x" else name[0].upper()
            panels.append(Panel(title, getattr(t, name), tok, None, 0, j))
    elif stage.layout == "split":
        for r, name in enumerate(stage.arrays):
            arr = getattr(t, name)
            for i in range(h):
                panels.append(Panel(f"{name.upper()}{_sub(i + 1)}", arr[i], tok, None, r, i))
    elif stage.layout == "per_head":
        cols = grid_columns(h, 4, 3, prefer_full_rows=False)  # fixed and landscape-ish; the single head adds a column
        name = _panel_name(k)
        arr = getattr(t, stage.arrays[0])
        for i in range(h):
            panels.append(Panel(QCoreApplication.translate("StepView", "{0} · head {1}").format(name, i + 1), arr[i],
                                tok, key_cols, i // cols, i % cols))
        panels.append(Panel(QCoreApplication.translate("StepView", "{0} · single head").format(name),
                            getattr(s, stage.arrays[0])[0], tok, key_cols, 0, cols))
    elif stage.layout == "multi_single":
        name = stage.arrays[0]
        if name == "concat":
            first = QCoreApplication.translate("StepView", "Concat of {0} heads").format(h)
            second = QCoreApplication.translate("StepView", "single head")
        else:
            first = QCoreApplication.translate("StepView", "output, {0} heads").format(h)
            second = QCoreApplication.translate("StepView", "output, single head")
        panels.append(Panel(first, getattr(t, name), tok, None, 0, 0))
        panels.append(Panel(second, getattr(s, name), tok, None, 0, 1))
    return panels, k in WEIGHT_STAGES


def _panel_name(k: int) -> str:
    if k == 4:
        return "QKᵀ"
    if k == 5:
        return QCoreApplication.translate("StepView", "scaled")
    if k == 6:
        return QCoreApplication.translate("StepView", "masked")
    if k == 7:
        return "softmax"
    return "A·V"


def _show_choices(combo: QComboBox, items: list[str], tips: list[str] | None, index: int) -> None:
    """Make ``combo`` list ``items`` (refilled only if they changed) with ``index`` selected,
    without emitting its change signals: the model is being mirrored, not changed."""
    with QSignalBlocker(combo):
        if combo.property("items_key") != items:
            combo.clear()
            combo.addItems(items)
            if tips is not None:
                for i, tip in enumerate(tips):
                    combo.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
            combo.setProperty("items_key", items)
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


class StageGraphics(pg.GraphicsLayoutWidget):
    """The matrices of one stage. Panels come from a pool and are re-placed only when the stage
    or the head count changes; live updates swap image pixels (mapped for all panels of a
    stage in one pass when they have one shape, as the heads grid does) and set titles, labels,
    colour tables and axes only when they changed."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("stage_graphics")
        self._pool: list[MatrixPlot] = []
        self.plots: list[MatrixPlot] = []
        self.panels: list[Panel] = []
        self._layout_key = None
        self._luts = {WEIGHTS_CMAP: lut(WEIGHTS_CMAP), DIVERGING_CMAP: lut(DIVERGING_CMAP)}
        self._argb = {name: argb_words(table) for name, table in self._luts.items()}
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=colormap(WEIGHTS_CMAP), interactive=False, width=12,
                                        colorMapMenu=False)
        self.tokens_label = pg.LabelItem("", size="10pt", justify="left")
        self.levels = (0.0, 1.0)
        self.cmap = WEIGHTS_CMAP
        self._shown: list[tuple] = []  # per plot: (lut name, title, left axis shown) last set

    def set_stage(self, pair: TracePair, k: int) -> None:
        panels, is_weights = stage_panels(pair, k)
        key = (k, tuple((p.row, p.col) for p in panels))
        if key != self._layout_key:
            self._layout_key = key
            self._place(panels, k)
        self.panels = panels
        if k == 0:
            self.tokens_label.setText(_token_listing(pair.multi.tokens))
            return
        top = _abs_top([p.data for p in panels])
        cmap = WEIGHTS_CMAP if is_weights else DIVERGING_CMAP
        levels = (0.0, nice_max(top)) if is_weights else (-nice_max(top), nice_max(top))
        if cmap != self.cmap:
            self.cmap = cmap
            self.colorbar.setColorMap(colormap(cmap))
        if levels != self.levels:
            self.levels = levels
            self.colorbar.setLevels(levels)
        # every panel of one shape in one pass: (p, rows, cols) float32 -> uint32 pixels; masked
        # (-inf) cells become NaN, which maps to a transparent pixel
        shapes = {p.data.shape for p in panels}
        pixels = None
        if len(shapes) == 1:
            data = np.stack([p.data for p in panels]).astype(np.float32)  # p x (rows, cols) -> (p, rows, cols)
            data[~np.isfinite(data)] = np.nan
            pixels = argb_pixels(self._argb[cmap], data, levels)
        for j, (plot, p) in enumerate(zip(self.plots, panels)):
            shown = (cmap, p.title, p.col == 0)
            if self._shown[j] != shown:
                if self._shown[j] is None or self._shown[j][0] != cmap:
                    plot.image.setLookupTable(self._luts[cmap], update=False)
                if self._shown[j] is None or self._shown[j][1] != p.title:
                    plot.setTitle(p.title, size="9pt")
                if self._shown[j] is None or self._shown[j][2] != shown[2]:
                    plot.showAxis("left", p.col == 0)  # a row of panels shares its token labels
                self._shown[j] = shown
            if pixels is not None:
                plot.set_matrix(data[j], levels, pixels[j])
            else:
                d = np.ascontiguousarray(p.data, dtype=np.float32)  # (rows, cols)
                plot.set_matrix(np.where(np.isfinite(d), d, np.float32(np.nan)), levels)
            plot.set_labels(p.rows, p.cols)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.resizeEvent(None)  # a page of a tab widget may have been resized while hidden

    def _place(self, panels: list[Panel], k: int) -> None:
        if k == 0:
            self.plots = []
            place(self, [(self.tokens_label, 0, 0, 1, 1)])
            return
        while len(self._pool) < len(panels):
            self._pool.append(MatrixPlot())
        self.plots = self._pool[: len(panels)]
        self._shown = [None] * len(panels)
        n_rows = max(p.row for p in panels) + 1
        n_cols = max(p.col for p in panels) + 1
        cells = [(plot, p.row, p.col, 1, 1) for plot, p in zip(self.plots, panels)]
        place(self, cells + [(self.colorbar, 0, n_cols, n_rows, 1)])


def _token_listing(tokens: list[str]) -> str:
    items = [f"<b>{i}</b>&nbsp;{_html(elide_middle(t, TOKEN_CHARS))}" for i, t in enumerate(tokens)]
    lines = [" &nbsp; ".join(items[j:j + 12]) for j in range(0, len(items), 12)]
    return "<br>".join(lines)


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
        self.values, self.row_labels, self.row_tips, self.col_labels = values, row_labels, row_tips, col_labels
        if same_rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(values) - 1, 7))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(values) - 1)
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


class StepView(QWidget):
    """Stage-by-stage walk through the computation with the real numbers."""

    stageChanged = Signal(int)
    PLAY_INTERVAL_MS = 1500

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

        # drill-down
        self.query_combo = self._combo("query_combo", self.tr("The query token whose path through the head is "
                                                              "shown below."))
        self.drill_head_combo = self._combo("drill_head_combo", self.tr("The head to follow; the single head is "
                                                                        "shown next to it."))
        self.q_label = self._label("drill_q_label")
        self.q_label.setWordWrap(True)
        self.drill_model = DrilldownModel(self)
        self.drilldown_table = QTableView(self)
        self.drilldown_table.setObjectName("drilldown_table")
        self.drilldown_table.setModel(self.drill_model)
        self.drilldown_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.drilldown_table.setWordWrap(False)
        self.drilldown_table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
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
        split.addWidget(self.graphics)
        split.addWidget(drill)
        split.setSizes([720, 480])  # the matrices first; the drill-down table scrolls sideways if it must
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.split = split
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.formula_label)
        lay.addWidget(self.shapes_label)
        lay.addWidget(split, 1)

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
        """Column widths from the widest number and header text, once: never per cell or update."""
        table = self.drilldown_table
        fm = table.fontMetrics()
        number = fm.horizontalAdvance("−000.000") + 10  # wider numbers are elided; the tooltip is exact
        header = max(fm.horizontalAdvance(c) for c in (*self.drill_columns(), self.tr("head {0}").format(88),
                                                       self.tr("single"))) + 10
        width = max(number, header, 44)
        for c in range(8):
            table.horizontalHeader().resizeSection(c, width)
        table.horizontalHeader().setDefaultSectionSize(width)
        # room for a typical key label; a longer one is elided by the header (whole token in its tooltip)
        table.verticalHeader().setFixedWidth(fm.horizontalAdvance(self.tr("key {0}: {1}").format(
            88, "n" * (TOKEN_CHARS // 2))) + 12)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)

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
        self.query = max(0, int(i))
        if self.pair is not None:
            if self.isVisible():
                self.refresh()
            else:
                self._sync_combos(self.pair)
                self._dirty = True

    def refresh(self) -> None:
        """Redraw the stage and the drill-down for the current pair (keeps stage and query)."""
        if self.pair is None:
            return
        self._dirty = False
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
        self.drill_model.set_values(values, rows, t.tokens, cols)
        dk = t.d_k
        q = t.q_proj[i, hd * dk:(hd + 1) * dk]  # head hd's columns of the query's row: q of the split stage
        out = t.head_outputs[hd, i]
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
