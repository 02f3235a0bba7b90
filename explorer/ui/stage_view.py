"""The step-through: every stage of the computation with its formula, shapes and matrices,
and a drill-down of one query token's path through a head."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..engine import TracePair
from .grid import grid_columns, place
from .matrix_plot import MatrixPlot
from .stage_info import N_STAGES, scale_text, stage_formula, stage_shapes, stage_title
from .style import DIVERGING_CMAP, WEIGHTS_CMAP, colormap, lut, nice_max


def tr(text: str) -> str:
    return QCoreApplication.translate("StepView", text)


class Panel:
    """What one matrix panel of a stage shows."""

    def __init__(self, title: str, data: np.ndarray, rows: list[str], cols: list[str] | None,
                 row: int, col: int) -> None:
        self.title, self.data, self.rows, self.cols, self.row, self.col = title, data, rows, cols, row, col


def stage_panels(pair: TracePair, k: int) -> tuple[list[Panel], bool]:
    """The panels of stage k, laid out on a grid, and whether the values are weights (0..1).
    The single head, where it differs, is one extra column on the right."""
    t, s = pair.multi, pair.single
    tok = t.tokens
    h = t.n_heads
    panels: list[Panel] = []
    cols = grid_columns(h, 4, 3, prefer_full_rows=False)  # fixed and landscape-ish; the single head adds a column

    def per_head(name: str, arr: np.ndarray, single: np.ndarray | None, key_cols: bool) -> None:
        for i in range(h):
            panels.append(Panel(tr("{0} · head {1}").format(name, i + 1), arr[i], tok, tok if key_cols else None,
                                i // cols, i % cols))
        if single is not None:
            panels.append(Panel(tr("{0} · single head").format(name), single, tok, tok if key_cols else None,
                                0, cols))

    if k == 1:
        panels.append(Panel("X", t.x, tok, None, 0, 0))
    elif k == 2:
        for j, (name, arr) in enumerate((("Q", t.q_proj), ("K", t.k_proj), ("V", t.v_proj))):
            panels.append(Panel(name, arr, tok, None, 0, j))
    elif k == 3:
        for r, (name, arr) in enumerate((("Q", t.q), ("K", t.k), ("V", t.v))):
            for i in range(h):
                panels.append(Panel(f"{name}{_sub(i + 1)}", arr[i], tok, None, r, i))
    elif k == 4:
        per_head("QKᵀ", t.scores, s.scores[0], True)
    elif k == 5:
        per_head(tr("scaled"), t.scaled_scores, s.scaled_scores[0], True)
    elif k == 6:
        per_head(tr("masked"), t.masked_scores, s.masked_scores[0], True)
    elif k == 7:
        per_head("softmax", t.weights, s.weights[0], True)
    elif k == 8:
        per_head("A·V", t.head_outputs, s.head_outputs[0], False)
    elif k == 9:
        panels.append(Panel(tr("Concat of {0} heads").format(h), t.concat, tok, None, 0, 0))
        panels.append(Panel(tr("single head"), s.concat, tok, None, 0, 1))
    elif k == 10:
        panels.append(Panel(tr("output, {0} heads").format(h), t.output, tok, None, 0, 0))
        panels.append(Panel(tr("output, single head"), s.output, tok, None, 0, 1))
    return panels, k == 7


def _show_choices(combo, items: list[str], index: int) -> None:
    """Make ``combo`` list ``items`` (refilled only if they changed) with ``index`` selected,
    without emitting its change signals: the model is being mirrored, not changed."""
    with QSignalBlocker(combo):
        if [combo.itemText(i) for i in range(combo.count())] != items:
            combo.clear()
            combo.addItems(items)
        combo.setCurrentIndex(index)


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


class StageGraphics(pg.GraphicsLayoutWidget):
    """The matrices of one stage. Panels come from a pool and are re-placed only when the stage
    or the head count changes; live updates swap image data."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("stage_graphics")
        self._pool: list[MatrixPlot] = []
        self.plots: list[MatrixPlot] = []
        self.panels: list[Panel] = []
        self._layout_key = None
        self._luts = {WEIGHTS_CMAP: lut(WEIGHTS_CMAP), DIVERGING_CMAP: lut(DIVERGING_CMAP)}
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=colormap(WEIGHTS_CMAP), interactive=False, width=12,
                                        colorMapMenu=False)
        self.tokens_label = pg.LabelItem("", size="10pt", justify="left")
        self.levels = (0.0, 1.0)
        self.cmap = WEIGHTS_CMAP

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
        finite = [np.abs(p.data[np.isfinite(p.data)]) for p in panels]
        top = max((float(f.max()) for f in finite if f.size), default=1.0)
        self.cmap = WEIGHTS_CMAP if is_weights else DIVERGING_CMAP
        self.levels = (0.0, nice_max(top)) if is_weights else (-nice_max(top), nice_max(top))
        self.colorbar.setColorMap(colormap(self.cmap))
        self.colorbar.setLevels(self.levels)
        for plot, p in zip(self.plots, panels):
            plot.image.setLookupTable(self._luts[self.cmap])
            # masked (-inf) cells become NaN, which the image leaves transparent
            plot.set_matrix(np.where(np.isfinite(p.data), p.data, np.nan), self.levels)
            plot.set_labels(p.rows, p.cols)
            plot.setTitle(p.title, size="9pt")
            plot.showAxis("left", p.col == 0)  # a row of panels shares its token labels

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
        n_rows = max(p.row for p in panels) + 1
        n_cols = max(p.col for p in panels) + 1
        cells = [(plot, p.row, p.col, 1, 1) for plot, p in zip(self.plots, panels)]
        place(self, cells + [(self.colorbar, 0, n_cols, n_rows, 1)])


def _token_listing(tokens: list[str]) -> str:
    items = [f"<b>{i}</b>&nbsp;{_html(t)}" for i, t in enumerate(tokens)]
    lines = [" &nbsp; ".join(items[j:j + 12]) for j in range(0, len(items), 12)]
    return "<br>".join(lines)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fmt(v: float) -> str:
    if v == -math.inf:
        return "−∞"
    return f"{v:.3f}"


class StepView(QWidget):
    """Stage-by-stage walk through the computation with the real numbers."""

    stageChanged = Signal(int)
    PLAY_INTERVAL_MS = 1500

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("step_view")
        self.stage = 0
        self.query = 0
        self.drill_head = 0  # 0-based head; -1 for the single head
        self.pair: TracePair | None = None
        self._dirty = False

        self.step_prev = self._button("step_prev", "◀", tr("Previous stage (←)"))
        self.step_next = self._button("step_next", "▶", tr("Next stage (→)"))
        self.step_play = self._button("step_play", tr("Play"), tr("Play the stages one after another (Space)"))
        self.step_play.setCheckable(True)
        self.stage_label = QLabel(self)
        self.stage_label.setObjectName("stage_label")
        font = self.stage_label.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.stage_label.setFont(font)
        self.formula_label = QLabel(self)
        self.formula_label.setObjectName("formula_label")
        self.formula_label.setTextFormat(Qt.TextFormat.RichText)
        self.formula_label.setWordWrap(True)
        f2 = self.formula_label.font()
        f2.setPointSize(f2.pointSize() + 2)
        self.formula_label.setFont(f2)
        self.shapes_label = QLabel(self)
        self.shapes_label.setObjectName("stage_shapes_label")
        self.shapes_label.setWordWrap(True)
        self.shapes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.graphics = StageGraphics(self)

        # drill-down
        self.query_combo = QComboBox(self)
        self.query_combo.setObjectName("query_combo")
        self.query_combo.setToolTip(tr("The query token whose path through the head is shown below."))
        self.drill_head_combo = QComboBox(self)
        self.drill_head_combo.setObjectName("drill_head_combo")
        self.drill_head_combo.setToolTip(tr("The head to follow; the single head is shown next to it."))
        self.q_label = QLabel(self)
        self.q_label.setObjectName("drill_q_label")
        self.q_label.setWordWrap(True)
        self.drilldown_table = QTableWidget(self)
        self.drilldown_table.setObjectName("drilldown_table")
        self.drilldown_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.drilldown_table.verticalHeader().setDefaultSectionSize(20)
        self.drilldown_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.drilldown_table.horizontalHeader().setMinimumSectionSize(44)
        self.drilldown_table.setToolTip(tr("Rounded for reading; hover a number for its exact value."))
        self.out_label = QLabel(self)
        self.out_label.setObjectName("drill_output_label")
        self.out_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.step_prev)
        top.addWidget(self.stage_label, 1)
        top.addWidget(self.step_next)
        top.addWidget(self.step_play)
        drill = QWidget(self)
        dl = QVBoxLayout(drill)
        dl.setContentsMargins(0, 0, 0, 0)
        pick = QHBoxLayout()
        pick.addWidget(QLabel(tr("Query token"), drill))
        pick.addWidget(self.query_combo, 1)
        pick.addWidget(QLabel(tr("Head"), drill))
        pick.addWidget(self.drill_head_combo)
        dl.addLayout(pick)
        dl.addWidget(self.q_label)
        dl.addWidget(self.drilldown_table, 1)
        dl.addWidget(self.out_label)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.graphics)
        split.addWidget(drill)
        split.setSizes([640, 560])
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
        self._show_stage_text()

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        b = QToolButton(self)
        b.setObjectName(name)
        b.setText(text)
        b.setToolTip(tip)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return b

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
        self.step_play.setText(tr("Pause") if on else tr("Play"))
        if on:
            self.play_timer.start()
        else:
            self.play_timer.stop()

    def _on_play_tick(self) -> None:
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
        self.pair = pair
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def set_query(self, i: int) -> None:
        self.query = max(0, int(i))
        if self.pair is not None:
            self.refresh()

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
        self._sync_combos(pair)
        self._fill_drilldown(pair)

    def _sync_combos(self, pair: TracePair) -> None:
        tokens = pair.multi.tokens
        self.query = min(self.query, len(tokens) - 1)
        _show_choices(self.query_combo, [f"{i}: {t}" for i, t in enumerate(tokens)], self.query)
        h = pair.multi.n_heads
        if self.drill_head >= h:
            self.drill_head = 0
        _show_choices(self.drill_head_combo, [tr("Head {0}").format(i + 1) for i in range(h)], self.drill_head)

    def _on_query_change(self, i: int) -> None:
        if i >= 0:
            self.query = i
            if self.pair is not None:
                self._fill_drilldown(self.pair)

    def _on_drill_head_change(self, i: int) -> None:
        if i >= 0:
            self.drill_head = i
            if self.pair is not None:
                self._fill_drilldown(self.pair)

    DRILL_COLUMNS = ("q·k", "× scale", "mask", "softmax")

    def drilldown_values(self, pair: TracePair) -> np.ndarray:
        """(n_keys, 8): q·k, scaled, masked, softmax for the chosen head, then the single head."""
        i, hd = self.query, self.drill_head
        cols = []
        for t, head in ((pair.multi, hd), (pair.single, 0)):
            cols += [t.scores[head, i], t.scaled_scores[head, i], t.masked_scores[head, i], t.weights[head, i]]
        return np.stack(cols, axis=1)  # 8 x (n,) -> (n, 8)

    def _fill_drilldown(self, pair: TracePair) -> None:
        values = self.drilldown_values(pair)
        t = pair.multi
        hd, i = self.drill_head, self.query
        table = self.drilldown_table
        table.setRowCount(t.n)
        table.setColumnCount(8)
        head_name = tr("head {0}").format(hd + 1)
        table.setHorizontalHeaderLabels([f"{head_name}\n{c}" for c in self.DRILL_COLUMNS]
                                        + [tr("single\n{0}").format(c) for c in self.DRILL_COLUMNS])
        table.setVerticalHeaderLabels([tr("key {0}: {1}").format(j, tok) for j, tok in enumerate(t.tokens)])
        for r in range(t.n):
            for c in range(8):
                v = float(values[r, c])
                item = QTableWidgetItem(_fmt(v))
                item.setToolTip(repr(v))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        q = t.q[hd, i]
        out = t.head_outputs[hd, i]
        self.q_label.setText(tr('q of "{0}" in head {1} ({2} numbers): {3}').format(
            t.tokens[i], hd + 1, t.d_k, _vector(q)))
        self.q_label.setToolTip(repr(q.tolist()))
        self.out_label.setText(tr("head {0} output for \"{1}\" = Σⱼ softmaxⱼ · vⱼ = {2}").format(
            hd + 1, t.tokens[i], _vector(out)))
        self.out_label.setToolTip(repr(out.tolist()))


def _vector(v: np.ndarray, limit: int = 8) -> str:
    shown = ", ".join(f"{x:.3f}" for x in v[:limit])
    return f"[{shown}{', …' if len(v) > limit else ''}]"
