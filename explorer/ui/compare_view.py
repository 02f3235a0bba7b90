"""Self-attention next to multi-head attention on the same tokens and weights."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QGraphicsItem,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..engine import TracePair, attention_cost, single_vs_mean, trace_metrics
from .matrix_plot import MatrixPlot
from .style import DIVERGING_CMAP, WEIGHTS_CMAP, colormap, lut, nice_max


def tr(text: str) -> str:
    return QCoreApplication.translate("CompareView", text)


def _fmt_int(n: int) -> str:
    return f"{n:,}"


def _fmt_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


class CompareGraphics(pg.GraphicsLayoutWidget):
    """Single head, mean of the heads, and their difference."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("compare_graphics")
        self.single = MatrixPlot(title=tr("Single head (h = 1)"), lut=lut(WEIGHTS_CMAP))
        self.mean = MatrixPlot(title=tr("Mean of the h heads"), lut=lut(WEIGHTS_CMAP))
        self.diff = MatrixPlot(title=tr("Single − mean"), lut=lut(DIVERGING_CMAP))
        self.addItem(self.single, row=0, col=0)
        self.addItem(self.mean, row=0, col=1)
        self.weights_bar = pg.ColorBarItem(values=(0, 1), colorMap=colormap(WEIGHTS_CMAP), interactive=False, width=12,
                                           colorMapMenu=False)
        self.addItem(self.weights_bar, row=0, col=2)
        self.weights_bar.setImageItem([self.single.image, self.mean.image])
        self.addItem(self.diff, row=1, col=0)
        self.legend = pg.LabelItem(tr("Red: the single head gives the key<br>more weight than the heads' mean.<br>"
                                      "Blue: less. White: the same."), size="8pt", justify="left")
        self.addItem(self.legend, row=1, col=1)
        self.diff_bar = pg.ColorBarItem(values=(-1, 1), colorMap=colormap(DIVERGING_CMAP), interactive=False, width=12,
                                        colorMapMenu=False)
        self.addItem(self.diff_bar, row=1, col=2)
        self.diff_bar.setImageItem([self.diff.image])
        for bar in (self.weights_bar, self.diff_bar):
            bar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.levels = (0.0, 1.0)
        self.diff_levels = (-1.0, 1.0)

    @property
    def plots(self) -> list[MatrixPlot]:
        return [self.single, self.mean, self.diff]

    def set_pair(self, pair: TracePair) -> None:
        single = pair.single.weights[0]
        mean = pair.multi.weights.mean(axis=0)  # (h, n, n) -> (n, n)
        diff = single - mean
        vmax = nice_max(max(float(single.max()), float(mean.max())))
        if (0.0, vmax) != self.levels:
            self.levels = (0.0, vmax)
            self.weights_bar.setLevels(self.levels)
        dmax = nice_max(float(np.abs(diff).max()) or 1e-3)
        if (-dmax, dmax) != self.diff_levels:
            self.diff_levels = (-dmax, dmax)
            self.diff_bar.setLevels(self.diff_levels)
        self.single.set_matrix(single, self.levels)
        self.mean.set_matrix(mean, self.levels)
        self.diff.set_matrix(diff, self.diff_levels)
        for p in self.plots:
            p.set_labels(pair.multi.tokens, pair.multi.tokens)


class CompareView(QWidget):
    """The comparison panel: matrices, per-head metrics and the cost of each variant."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("compare_view")
        self.graphics = CompareGraphics(self)
        self.metrics_table = QTableWidget(self)
        self.metrics_table.setObjectName("metrics_table")
        self.metrics_table.setColumnCount(4)
        self.metrics_table.setHorizontalHeaderLabels(
            [tr("Entropy (bits)"), tr("Entropy (0–1)"), tr("Distance"), tr("Diversity (JS)")])
        for col, tip in enumerate((
                tr("Mean over queries of each row's entropy, in bits"),
                tr("The entropy divided by the most it could be for that row (1 = uniform)"),
                tr("Mean |query − key| position, in tokens, weighted by attention"),
                tr("Mean Jensen–Shannon divergence (bits) from the other heads; "
                   "for the single head, from the mean of the heads"))):
            self.metrics_table.horizontalHeaderItem(col).setToolTip(tip)
        self.metrics_table.setToolTip(tr(
            "Entropy: how spread out each query's attention is (mean over queries; 0–1 is divided by the most it could be).\n"
            "Distance: mean |query − key| position weighted by attention.\n"
            "Diversity: mean Jensen–Shannon divergence from the other heads (for the single head: from the mean of the heads)."))
        self.metrics_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.metrics_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.metrics_table.verticalHeader().setDefaultSectionSize(20)
        self.metrics_table.setWordWrap(False)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("compare_summary")
        self.summary_label.setWordWrap(True)
        self.cost_table = QTableWidget(4, 3, self)
        self.cost_table.setObjectName("cost_table")
        self.cost_table.setHorizontalHeaderLabels([tr("Single head"), tr("h heads"), tr("Ratio")])
        self.cost_table.horizontalHeaderItem(2).setToolTip(tr("h heads ÷ single head"))
        self.cost_table.setVerticalHeaderLabels(
            [tr("Parameters"), tr("Multiply-adds"), tr("Softmax exponentials"), tr("Attention matrices (float32)")])
        self.cost_table.setToolTip(tr("Both variants have the same W_Q, W_K, W_V, W_O and do the same products; "
                                      "only the number of n×n attention matrices changes."))
        self.cost_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.cost_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.cost_table.verticalHeader().setDefaultSectionSize(20)
        self.cost_table.setFixedHeight(4 * 20 + self.cost_table.horizontalHeader().sizeHint().height() + 4)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.graphics)
        tables = QWidget(split)
        lay = QVBoxLayout(tables)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.metrics_table)
        lay.addWidget(self.summary_label)
        lay.addWidget(self.cost_table)
        split.addWidget(tables)
        split.setSizes([520, 360])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self._metrics_key = None
        self._pending: TracePair | None = None
        # The metrics (O(h^2 n^2) for diversity) are text, not the live picture: they follow
        # once the drag pauses, so slider ticks only pay for the matrices.
        self._tables_timer = QTimer(self)
        self._tables_timer.setSingleShot(True)
        self._tables_timer.setInterval(self.TABLES_DELAY_MS)
        self._tables_timer.timeout.connect(self.refresh_tables)

    TABLES_DELAY_MS = 150

    def set_pair(self, pair: TracePair) -> None:
        self.graphics.set_pair(pair)
        key = (pair.multi.config, tuple(pair.multi.tokens))
        if key != self._metrics_key:  # tables only when something they show changed
            self._pending = pair
            self._tables_timer.start()

    def refresh_tables(self) -> None:
        """Fill the metric and cost tables for the newest pair now (also run by the timer)."""
        self._tables_timer.stop()
        pair, self._pending = self._pending, None
        if pair is not None:
            self._metrics_key = (pair.multi.config, tuple(pair.multi.tokens))
            self._fill_tables(pair)

    def _item(self, text: str, tip: str | None = None) -> QTableWidgetItem:
        it = QTableWidgetItem(text)
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if tip:
            it.setToolTip(tip)
        return it

    def _fill_tables(self, pair: TracePair) -> None:
        multi, single = trace_metrics(pair.multi), trace_metrics(pair.single)
        cmp = single_vs_mean(pair)
        h = pair.multi.n_heads
        t = self.metrics_table
        t.setRowCount(h + 1)
        t.setVerticalHeaderLabels([tr("Single head")] + [tr("Head {0}").format(i + 1) for i in range(h)])
        div = multi.diversity
        per_head_div = div.sum(axis=1) / max(h - 1, 1)  # mean JS to the other heads
        rows = [(single.entropy_bits[0], single.entropy_norm[0], single.distance[0], cmp.js)]
        rows += [(multi.entropy_bits[i], multi.entropy_norm[i], multi.distance[i], per_head_div[i]) for i in range(h)]
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                t.setItem(r, c, self._item(f"{v:.3f}", repr(float(v))))
        self.summary_label.setText(tr(
            "Head diversity (mean pairwise JS): {0:.3f} bits · single head vs mean of heads: JS {1:.3f} bits, "
            "largest |difference| {2:.3f}").format(multi.mean_diversity, cmp.js, cmp.max_abs))
        n, d = pair.multi.n, pair.multi.d_model
        c1, ch = attention_cost(n, d, 1), attention_cost(n, d, h)
        cells = [
            (c1.params, ch.params, _fmt_int),
            (c1.total_macs, ch.total_macs, _fmt_int),
            (c1.softmax_exps, ch.softmax_exps, _fmt_int),
            (c1.attention_bytes, ch.attention_bytes, _fmt_bytes),
        ]
        for r, (a, b, fmt) in enumerate(cells):
            self.cost_table.setItem(r, 0, self._item(fmt(a), str(a)))
            self.cost_table.setItem(r, 1, self._item(fmt(b), str(b)))
            self.cost_table.setItem(r, 2, self._item(f"× {b / a:.3f}" if a else "–"))
