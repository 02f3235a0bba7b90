"""Self-attention next to multi-head attention on the same tokens and weights."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QGraphicsItem,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..engine import TracePair, attention_cost, single_vs_mean, trace_metrics
from .matrix_plot import MatrixPlot
from .style import DIVERGING_CMAP, WEIGHTS_CMAP, colormap, lut, nice_max


def _fmt_int(n: int) -> str:
    return f"{n:,}"


def _fmt_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def metrics_html(pair: TracePair) -> str:
    """The per-head metrics as a small HTML table (exports draw it as text)."""
    multi, other = trace_metrics(pair.multi), trace_metrics(pair.single)
    h, h2 = pair.multi.n_heads, pair.single.n_heads
    head = QCoreApplication.translate("CompareView", "Head {0}")
    other_name = (
        QCoreApplication.translate("CompareView", "Single head")
        if h2 == 1
        else QCoreApplication.translate("CompareView", "Regrouped head {0}")
    )
    rows = [
        (other_name.format(i + 1), other.entropy_bits[i], other.entropy_norm[i], other.distance[i]) for i in range(h2)
    ]
    rows += [(head.format(i + 1), multi.entropy_bits[i], multi.entropy_norm[i], multi.distance[i]) for i in range(h)]
    cols = (
        QCoreApplication.translate("CompareView", "Entropy (bits)"),
        QCoreApplication.translate("CompareView", "Entropy (0–1)"),
        QCoreApplication.translate("CompareView", "Distance"),
    )
    out = ["<table cellspacing='0' cellpadding='2'><tr><th></th>" + "".join(f"<th>{c}</th>" for c in cols) + "</tr>"]
    for name, a, b, c in rows[:20]:
        out.append(
            f"<tr><td>{name}</td><td align='right'>{a:.3f}</td><td align='right'>{b:.3f}</td>"
            f"<td align='right'>{c:.3f}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def pipeline_html(pair: TracePair) -> str:
    """What multi-head attention computes, as a strip with the live shapes."""
    n, d, h = pair.multi.n, pair.multi.d_model, pair.multi.n_heads
    dk = d // h
    box = "<span style='background:#eef3fb; border:1px solid #9ab;'>&nbsp;{0}&nbsp;</span>"
    arrow = " → "
    parts = [
        box.format(f"X&nbsp;{n}×{d}"),
        box.format(QCoreApplication.translate("CompareView", "Q, K, V&nbsp;{0}×{1}").format(n, d)),
        box.format(QCoreApplication.translate("CompareView", "split into {0} heads: {0} × {1}×{2}").format(h, n, dk)),
        box.format(
            QCoreApplication.translate("CompareView", "{0} attention matrices {1}×{1}, in parallel").format(h, n)
        ),
        box.format(QCoreApplication.translate("CompareView", "concat {0}×{1}").format(n, d)),
        box.format(QCoreApplication.translate("CompareView", "·W_O → output {0}×{1}").format(n, d)),
    ]
    return arrow.join(parts)


class CompareGraphics(pg.GraphicsLayoutWidget):
    """Single head, mean of the heads, and their difference."""

    def __init__(self, parent=None, with_metrics: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("compare_graphics")
        self.single = MatrixPlot(
            title=QCoreApplication.translate("CompareView", "Single head (h = 1)"), lut=lut(WEIGHTS_CMAP)
        )
        self.mean = MatrixPlot(
            title=QCoreApplication.translate("CompareView", "Mean of the h heads"), lut=lut(WEIGHTS_CMAP)
        )
        self.diff = MatrixPlot(title=QCoreApplication.translate("CompareView", "Left − right"), lut=lut(DIVERGING_CMAP))
        self.addItem(self.single, row=0, col=0)
        self.addItem(self.mean, row=0, col=1)
        self.weights_bar = pg.ColorBarItem(
            values=(0, 1), colorMap=colormap(WEIGHTS_CMAP), interactive=False, width=12, colorMapMenu=False
        )
        self.addItem(self.weights_bar, row=0, col=2)
        self.weights_bar.setImageItem([self.single.image, self.mean.image])
        self.addItem(self.diff, row=1, col=0)
        self.legend = pg.LabelItem(
            QCoreApplication.translate(
                "CompareView",
                "Red: the single head gives the key<br>more weight than the heads' mean.<br>"
                "Blue: less. White: the same.",
            ),
            size="8pt",
            justify="left",
        )
        self.addItem(self.legend, row=1, col=1)
        self.diff_bar = pg.ColorBarItem(
            values=(-1, 1), colorMap=colormap(DIVERGING_CMAP), interactive=False, width=12, colorMapMenu=False
        )
        self.addItem(self.diff_bar, row=1, col=2)
        self.diff_bar.setImageItem([self.diff.image])
        for bar in (self.weights_bar, self.diff_bar):
            bar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.levels = (0.0, 1.0)
        self.diff_levels = (-1.0, 1.0)
        # exports carry the metrics as text under the matrices (the window has its tables)
        self.metrics_item = None
        if with_metrics:
            self.metrics_item = pg.LabelItem("", size="8pt", justify="left")
            self.addItem(self.metrics_item, row=2, col=0, colspan=3)

    @property
    def plots(self) -> list[MatrixPlot]:
        return [self.single, self.mean, self.diff]

    def set_pair(self, pair: TracePair) -> None:
        h, h2 = pair.multi.n_heads, pair.single.n_heads
        single = pair.single.weights.mean(axis=0)  # (h', n, n) -> (n, n); h' = 1: the one head itself
        mean = pair.multi.weights.mean(axis=0)  # (h, n, n) -> (n, n)
        if h2 == 1:
            self.single.setTitle(QCoreApplication.translate("CompareView", "One head over all of d_model (h′ = 1)"))
        else:
            self.single.setTitle(
                QCoreApplication.translate("CompareView", "Mean of h′ = {0} heads, same weights").format(h2)
            )
        self.mean.setTitle(
            QCoreApplication.translate("CompareView", "Mean of the {0} heads (a summary only)").format(h)
        )
        if self.metrics_item is not None:
            self.metrics_item.setText(metrics_html(pair))
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
        self.caption_label = QLabel(self)
        self.caption_label.setObjectName("compare_caption")
        self.caption_label.setWordWrap(True)
        self.caption_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.pipeline_label = QLabel(self)
        self.pipeline_label.setObjectName("compare_pipeline")
        self.pipeline_label.setWordWrap(True)
        self.pipeline_label.setTextFormat(Qt.TextFormat.RichText)
        self.pipeline_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.pipeline_label.setToolTip(
            QCoreApplication.translate(
                "CompareView",
                "Multi-head attention splits d_model into h subspaces of d_k = d_model / h, runs "
                "attention in each at once, concatenates the h outputs and projects them with W_O. The heads are "
                "never averaged: the mean on the right is only a summary for the eye.",
            )
        )
        self.metrics_table = QTableWidget(self)
        self.metrics_table.setObjectName("metrics_table")
        self.metrics_table.setColumnCount(4)
        self.metrics_table.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("CompareView", "Entropy (bits)"),
                QCoreApplication.translate("CompareView", "Entropy (0–1)"),
                QCoreApplication.translate("CompareView", "Distance"),
                QCoreApplication.translate("CompareView", "Diversity (JS)"),
            ]
        )
        for col, tip in enumerate(
            (
                QCoreApplication.translate("CompareView", "Mean over queries of each row's entropy, in bits"),
                QCoreApplication.translate(
                    "CompareView", "The entropy divided by the most it could be for that row (1 = uniform)"
                ),
                QCoreApplication.translate(
                    "CompareView", "Mean |query − key| position, in tokens, weighted by attention"
                ),
                QCoreApplication.translate(
                    "CompareView",
                    "Mean Jensen–Shannon divergence (bits) from the other heads; "
                    "for the single head, from the mean of the heads",
                ),
            )
        ):
            self.metrics_table.horizontalHeaderItem(col).setToolTip(tip)
        self.metrics_table.setToolTip(
            QCoreApplication.translate(
                "CompareView",
                "Entropy: how spread out each query's attention is (mean over queries; 0–1 is divided by the most "
                "it could be).\nDistance: mean |query − key| position weighted by attention.\n"
                "Diversity: mean Jensen–Shannon divergence from the other heads (for the single head: from the "
                "mean of the heads).",
            )
        )
        self.metrics_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.metrics_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.metrics_table.verticalHeader().setDefaultSectionSize(20)
        self.metrics_table.setWordWrap(False)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("compare_summary")
        self.summary_label.setWordWrap(True)
        self.cost_table = QTableWidget(4, 3, self)
        self.cost_table.setObjectName("cost_table")
        self.cost_table.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("CompareView", "Single head"),
                QCoreApplication.translate("CompareView", "h heads"),
                QCoreApplication.translate("CompareView", "Ratio"),
            ]
        )
        self.cost_table.horizontalHeaderItem(2).setToolTip(
            QCoreApplication.translate("CompareView", "h heads ÷ single head")
        )
        self.cost_table.setVerticalHeaderLabels(
            [
                QCoreApplication.translate("CompareView", "Parameters"),
                QCoreApplication.translate("CompareView", "Multiply-adds"),
                QCoreApplication.translate("CompareView", "Softmax exponentials"),
                QCoreApplication.translate("CompareView", "Attention matrices (float32)"),
            ]
        )
        self.cost_table.setToolTip(
            QCoreApplication.translate(
                "CompareView",
                "Both variants have the same W_Q, W_K, W_V, W_O and do the same products; "
                "only the number of n×n attention matrices changes.",
            )
        )
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
        outer.addWidget(self.caption_label)
        outer.addWidget(self.pipeline_label)
        outer.addWidget(split, 1)
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
        h, h2 = pair.multi.n_heads, pair.single.n_heads
        if h2 == 1:
            text = QCoreApplication.translate(
                "CompareView",
                "Left: plain self-attention, one head over all of d_model. Right: the mean of the {0} "
                "heads on the same W_Q and W_K. Compare how sharp they are: the heads split the same weights "
                "into {0} subspaces.",
            ).format(h)
        else:
            text = QCoreApplication.translate(
                "CompareView",
                "Left: the same W_Q and W_K regrouped into h′ = {1} heads (their mean). Right: the "
                "mean of the {0} heads. Each panel is a summary; the tables list every head.",
            ).format(h, h2)
        self.caption_label.setText(text)
        self.pipeline_label.setText(pipeline_html(pair))
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
        h2 = pair.single.n_heads
        t.setRowCount(h + h2)
        if h2 == 1:
            first = [QCoreApplication.translate("CompareView", "Single head")]
        else:
            first = [QCoreApplication.translate("CompareView", "Regrouped head {0}").format(i + 1) for i in range(h2)]
        t.setVerticalHeaderLabels(
            first + [QCoreApplication.translate("CompareView", "Head {0}").format(i + 1) for i in range(h)]
        )
        div = multi.diversity
        per_head_div = div.sum(axis=1) / max(h - 1, 1)  # mean JS to the other heads
        rows = [(single.entropy_bits[i], single.entropy_norm[i], single.distance[i], cmp.js) for i in range(h2)]
        rows += [(multi.entropy_bits[i], multi.entropy_norm[i], multi.distance[i], per_head_div[i]) for i in range(h)]
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                t.setItem(r, c, self._item(f"{v:.3f}", repr(float(v))))
        self.summary_label.setText(
            QCoreApplication.translate(
                "CompareView",
                "Head diversity (mean pairwise JS): {0:.3f} bits · single head vs mean of heads: JS {1:.3f} bits, "
                "largest |difference| {2:.3f}",
            ).format(multi.mean_diversity, cmp.js, cmp.max_abs)
        )
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
