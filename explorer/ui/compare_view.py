"""Self-attention next to multi-head attention on the same tokens and weights."""

from __future__ import annotations

import math
import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QRect, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QTextOption
from PySide6.QtWidgets import (
    QGraphicsItem,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..colorscale import colour_bar, shared_top
from ..engine import TracePair, attention_cost, single_vs_mean, trace_metrics
from .grid import place
from .matrix_plot import MatrixPlot, retitle
from .stage_view import BAR_PX, GAP_PX, SIDE_PX, inset_bar, panel_axes, title_font
from .style import DIVERGING_CMAP, WEIGHTS_CMAP, ColourBar, colormap, lut, nice_max, tick_font, zoom


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


LEGEND_PX = 48  # the three-line legend under the panels
LABEL_LINE_PX = 9.5  # a token label's line at the smallest tick font: rows this tall label every token
TITLE_BAND_PX = 30  # pyqtgraph's title row: two lines of a 9 pt title
# compact: a column, the legend as a tooltip; pair: the single head and the mean only (the
# difference has no room to be read; its legend and numbers stay in the tables)
ARRANGEMENTS = ("row", "grid", "column", "compact", "pair")


class CompareGraphics(pg.GraphicsLayoutWidget):
    """Single head, mean of the heads, and their difference.

    The three panels sit in a row, on a 2 x 2 grid or in a column, whichever gives their cells
    the most pixels in the space the view has, so every panel and both colour bars are always on
    screen; long titles wrap onto a second line rather than widen a panel."""

    tokenHovered = Signal(str, int)
    tokenClicked = Signal(str, int)

    def __init__(self, parent=None, with_metrics: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("compare_graphics")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.ci.layout.setHorizontalSpacing(GAP_PX)
        self.ci.layout.setVerticalSpacing(GAP_PX // 2)
        self.single = MatrixPlot(
            title=QCoreApplication.translate("CompareView", "Single head (h = 1)"), lut=lut(WEIGHTS_CMAP)
        )
        self.mean = MatrixPlot(
            title=QCoreApplication.translate("CompareView", "Mean of the h heads"), lut=lut(WEIGHTS_CMAP)
        )
        self.diff = MatrixPlot(
            title=QCoreApplication.translate("CompareView", "Single − mean"), lut=lut(DIVERGING_CMAP)
        )
        for plot in self.plots:
            plot.titleLabel.item.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
            plot.tokenHovered.connect(self.tokenHovered)
            plot.tokenClicked.connect(self.tokenClicked)
        self.weights_bar = ColourBar(
            values=(0, 1), colorMap=colormap(WEIGHTS_CMAP), interactive=False, width=12, colorMapMenu=False
        )
        self.weights_bar.setImageItem([self.single.image, self.mean.image])
        self.legend = pg.LabelItem(
            QCoreApplication.translate(
                "CompareView",
                "Red: the single head gives the key<br>more weight than the heads' mean.<br>"
                "Blue: less. White: the same.",
            ),
            size="8pt",
            justify="left",
        )
        self.diff.setToolTip(self.legend.text.replace("<br>", " "))  # also where the legend has no room
        self.diff_bar = ColourBar(
            values=(-1, 1), colorMap=colormap(DIVERGING_CMAP), interactive=False, width=12, colorMapMenu=False
        )
        self.diff_bar.setImageItem([self.diff.image])
        for bar in (self.weights_bar, self.diff_bar):
            bar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            bar.axis.setStyle(tickFont=tick_font(), hideOverlappingLabels=False)
            inset_bar(bar)
        self.levels = (0.0, 1.0)
        self.diff_levels = (-1.0, 1.0)
        self.colour_scale: tuple[str, float] | None = None  # None: linear up to the data's own shared top
        self._bar_shown = None
        self._bar_title = ""
        self._titles_key = None
        self._arranged_for = None
        self._tokens: list[str] = []
        self._n = 0
        self.arrangement = ""
        # exports carry the metrics as text under the matrices (the window has its tables)
        self.metrics_item = None
        if with_metrics:
            self.metrics_item = pg.LabelItem("", size="8pt", justify="left")
        self._arrange()

    @property
    def plots(self) -> list[MatrixPlot]:
        return [self.single, self.mean, self.diff]

    # ---- layout -----------------------------------------------------------------------------
    def _titles(self) -> list[str]:
        return [re.sub(r"<[^>]+>", "", p.titleLabel.text or "") for p in self.plots]

    def _box(self, name: str) -> tuple[float, float, float, bool]:
        """For arrangement ``name`` in the view's size: (title width, title band height, matrix
        cell size) in pixels, and whether the panels' narrowest (the axis and the title's
        longest word) fit side by side."""
        cols, rows, bars, legend = {"row": (3, 1, 2, LEGEND_PX), "grid": (2, 2, 1, 0),
                                    "column": (1, 3, 1, LEGEND_PX), "compact": (1, 3, 1, 0),
                                    "pair": (1, 2, 1, 0)}[name]
        n = max(1, self._n or 12)
        tokens = (max(self._tokens, key=len, default="00"),) * n  # the longest token n times: the room needed
        panel_w = (self.width() - bars * BAR_PX - SIDE_PX - GAP_PX * (cols + bars)) / cols
        panel_h = (self.height() - SIDE_PX - legend - GAP_PX * rows) / rows
        left, bottom = panel_axes(tokens, tokens, panel_w, panel_h - TITLE_BAND_PX)
        title_w = max(24.0, panel_w - left)
        fm = QFontMetrics(title_font())
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap)
        text_h = max((fm.boundingRect(QRect(0, 0, int(title_w), 1000), flags, t).height() for t in self._titles()),
                     default=0)
        band = max(TITLE_BAND_PX, text_h + 6)
        left, bottom = panel_axes(tokens, tokens, panel_w, panel_h - band)
        cell = min((panel_w - left) / n, (panel_h - band - bottom) / n)
        word = max((fm.horizontalAdvance(w) for t in self._titles() for w in t.split()), default=0)
        return title_w, band, cell, panel_w >= left + word + 4

    def _ranked_arrangements(self) -> list[str]:
        """The arrangements, the one whose matrix cells get the most pixels first (exports keep
        the 2 x 2 grid, with the metrics under it)."""
        if self.metrics_item is not None:
            return ["grid"]
        scored = []
        for name in ARRANGEMENTS:
            _, _, cell, fits = self._box(name)
            every_label = cell >= LABEL_LINE_PX * zoom()  # a line per token: every token labelled
            scored.append(((fits, every_label, name != "pair", name != "compact", cell), name))
        return [name for _, name in sorted(scored, reverse=True)]

    def _cells(self, name: str) -> list[tuple]:
        s, m, d, wb, db, lg = self.single, self.mean, self.diff, self.weights_bar, self.diff_bar, self.legend
        if name == "row":
            return [(s, 0, 0, 1, 1), (m, 0, 1, 1, 1), (wb, 0, 2, 1, 1), (d, 0, 3, 1, 1), (db, 0, 4, 1, 1),
                    (lg, 1, 0, 1, 5)]
        if name == "column":
            return [(s, 0, 0, 1, 1), (m, 1, 0, 1, 1), (wb, 0, 1, 2, 1), (d, 2, 0, 1, 1), (db, 2, 1, 1, 1),
                    (lg, 3, 0, 1, 2)]
        if name == "compact":
            return [(s, 0, 0, 1, 1), (m, 1, 0, 1, 1), (wb, 0, 1, 2, 1), (d, 2, 0, 1, 1), (db, 2, 1, 1, 1)]
        if name == "pair":
            return [(s, 0, 0, 1, 1), (m, 1, 0, 1, 1), (wb, 0, 1, 2, 1)]
        cells = [(s, 0, 0, 1, 1), (m, 0, 1, 1, 1), (wb, 0, 2, 1, 1), (d, 1, 0, 1, 1), (lg, 1, 1, 1, 1),
                 (db, 1, 2, 1, 1)]
        if self.metrics_item is not None:
            cells.append((self.metrics_item, 2, 0, 1, 3))
        return cells

    def _arrange(self) -> None:
        """Place the panels in the best arrangement whose smallest size fits the view (tried in
        order, measured after placing; only when the size or the token count changed)."""
        # not the token count: the axes' share of a panel is bounded, so the size decides, and a
        # drag over the token count must not try every arrangement again on each step
        key = (self.width(), self.height(), self._n > 0, tuple(len(t) for t in self._titles()), zoom())
        if key == self._arranged_for:
            return
        if self.metrics_item is None and not self.isVisible():
            return  # arranged when shown (a hidden view's size is not the one it will have)
        self._arranged_for = key
        ranked = self._ranked_arrangements()
        if self.metrics_item is None and (self.width() < 50 or self.height() < 50):
            ranked = ranked[:1]  # not laid out yet
        overflow = []
        for name in ranked:
            if name != self.arrangement:
                self.arrangement = name
                self._titles_key = None
                self._fit_titles()  # before placing: the grid is measured with the wrapped titles
                place(self, self._cells(name))
            else:
                self._fit_titles()
            need = self.ci.layout.effectiveSizeHint(Qt.SizeHint.MinimumSize)
            over = max(0.0, need.width() - self.width()) + max(0.0, need.height() - self.height())
            if over <= 0.5:
                break
            overflow.append((over, name))
        else:
            best = min(overflow)[1]
            if best != self.arrangement:
                self.arrangement = best
                self._titles_key = None
                self._fit_titles()
                place(self, self._cells(best))
        pg.GraphicsLayoutWidget.resizeEvent(self, None)  # an arrangement tried first may have grown the grid

    def _fit_titles(self) -> None:
        """Titles wider than their panel wrap (the title band grows to hold them, the panel keeps
        its width); a colour bar shorter than its title shows it as a tooltip instead. Only
        when a title or the size changed."""
        bar, title = self.weights_bar, self._bar_title
        key = (tuple(self._titles()), self.width(), self.height(), self.arrangement, title, self._n, zoom())
        if key == self._titles_key or not self.arrangement:
            return
        if self.metrics_item is None and not self.isVisible():
            return  # fitted when shown
        self._titles_key = key
        width, band, _, _ = self._box(self.arrangement)
        for plot in self.plots:
            label = plot.titleLabel
            item = label.item
            item.setTextWidth(-1)
            if item.boundingRect().width() > width:
                item.setTextWidth(width)
            band_here = max(band, math.ceil(item.boundingRect().height()) + 2)  # the lines as drawn
            label.setMaximumHeight(band_here)
            plot.layout.setRowFixedHeight(0, band_here)
            label.updateMin()
            label.resizeEvent(None)
        rows = {"row": 1, "grid": 2}.get(self.arrangement, 3)
        bar_h = (self.height() - SIDE_PX) / rows * (2 if rows == 3 else 1)
        axis = bar.getAxis("left")
        if title and bar_h >= QFontMetrics(axis.label.font()).horizontalAdvance(title) + 30:
            axis.setLabel(title)
        else:
            axis.showLabel(False)
        bar.setToolTip(title)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._arrange()
        self._fit_titles()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if hasattr(self, "arrangement"):  # not while pyqtgraph's constructor sizes the view
            self._arrange()
            self._fit_titles()

    # ---- data -------------------------------------------------------------------------------
    def set_colour_scale(self, mode: str, top: float) -> None:
        """Draw the single head and the mean on colour scale ``mode`` with the shared top ``top``
        (the heads grid's); the difference keeps its own diverging scale."""
        self.colour_scale = (mode, float(top))
        self._show_scale()
        for plot in (self.single, self.mean):
            plot.set_colour_scale(mode, top)

    def _show_scale(self) -> tuple[str, float]:
        mode, top = self.colour_scale or ("linear", self._data_top)
        bar = colour_bar(mode, top)
        if bar.levels != self.levels:
            self.levels = bar.levels
            self.weights_bar.setLevels(self.levels)
        if bar != self._bar_shown:
            self._bar_shown = bar
            self.weights_bar.axis.setTicks([list(bar.ticks), []])
            self._bar_title = QCoreApplication.translate("ColourScale", bar.title)
            self._fit_titles()
        return mode, top

    _data_top = 1.0

    def set_focus(self, query: int | None, key: int | None) -> None:
        """Highlight query row ``query`` and key column ``key`` in all three panels."""
        for plot in self.plots:
            plot.set_focus(query, key)

    def clear_panels(self) -> None:
        """Show no matrices (an empty text)."""
        for plot in self.plots:
            plot.clear()
        if self.metrics_item is not None:
            self.metrics_item.setText("")
        self._tokens, self._n = [], 0

    def set_pair(self, pair: TracePair) -> None:
        h, h2 = pair.multi.n_heads, pair.single.n_heads
        single = pair.single.weights.mean(axis=0)  # (h', n, n) -> (n, n); h' = 1: the one head itself
        mean = pair.multi.weights.mean(axis=0)  # (h, n, n) -> (n, n)
        if h2 == 1:
            single_title = QCoreApplication.translate("CompareView", "One head over all of d_model (h′ = 1)")
        else:
            single_title = QCoreApplication.translate("CompareView", "Mean of h′ = {0} heads, same weights").format(h2)
        mean_title = QCoreApplication.translate("CompareView", "Mean of the {0} heads (a summary only)").format(h)
        for plot, title in ((self.single, single_title), (self.mean, mean_title)):
            retitle(plot, title)
        if self.metrics_item is not None:
            self.metrics_item.setText(metrics_html(pair))
        if pair.multi.n != self._n or pair.multi.tokens != self._tokens:
            self._tokens, self._n = pair.multi.tokens, pair.multi.n
        self._arrange()  # only if the size, the tokens or a title changed
        self._fit_titles()
        diff = single - mean
        if self.colour_scale is None:  # exports: the window's rule, from the data shown alone
            self._data_top = shared_top(pair.multi.weights, pair.single.weights)
        mode, top = self._show_scale()
        dmax = nice_max(float(np.abs(diff).max()) or 1e-3)
        if (-dmax, dmax) != self.diff_levels:
            self.diff_levels = (-dmax, dmax)
            self.diff_bar.setLevels(self.diff_levels)
            self.diff_bar.axis.setTicks([[(v, _tick(v)) for v in (-dmax, -dmax / 2, 0.0, dmax / 2, dmax)], []])
        for plot, values in ((self.single, single), (self.mean, mean)):
            plot.set_colour_scale(mode, top)
            plot.set_matrix(values, self.levels)
        self.diff.set_matrix(diff, self.diff_levels)
        for p in self.plots:
            p.set_labels(pair.multi.tokens, pair.multi.tokens)


def _tick(v: float) -> str:
    return "0" if v == 0 else f"{v:.3g}".replace("-", "−")


def two_lines(text: str, longer_than: int = 10) -> str:
    """``text`` broken at the space nearest its middle if it is longer than ``longer_than``
    characters: a table header or row label that fits a narrow column without being elided."""
    if len(text) <= longer_than or " " not in text:
        return text
    middle = len(text) / 2
    cut = min((i for i, c in enumerate(text) if c == " "), key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1:]


def fit_columns(table: QTableWidget) -> None:
    """Every column as wide as its widest header line and cell text, measured once per fill
    (never per cell update, never ResizeToContents); the last one takes any room left. A
    table wider than its view scrolls rather than eliding a header or a number."""
    hh = table.horizontalHeader()
    hfm, fm = hh.fontMetrics(), table.fontMetrics()
    margin = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, hh) + 8
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for c in range(table.columnCount()):
        header = table.horizontalHeaderItem(c)
        lines = header.text().split("\n") if header is not None else [""]
        width = max(hfm.horizontalAdvance(line) for line in lines) + margin
        for r in range(table.rowCount()):
            item = table.item(r, c)
            if item is not None:
                width = max(width, fm.horizontalAdvance(item.text()) + 12)
        hh.resizeSection(c, width)
    hh.setStretchLastSection(True)


class CompareView(QWidget):
    """The comparison panel: matrices, per-head metrics and the cost of each variant."""

    tokenHovered = Signal(str, int)  # ("query" | "key", token index; -1: none), from any panel
    tokenClicked = Signal(str, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("compare_view")
        self.graphics = CompareGraphics(self)
        self.graphics.tokenHovered.connect(self.tokenHovered)
        self.graphics.tokenClicked.connect(self.tokenClicked)
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
                two_lines(QCoreApplication.translate("CompareView", "Entropy (bits)")),
                two_lines(QCoreApplication.translate("CompareView", "Entropy (0–1)")),
                two_lines(QCoreApplication.translate("CompareView", "Distance")),
                two_lines(QCoreApplication.translate("CompareView", "Diversity (JS)")),
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
        fit_columns(self.metrics_table)
        self.metrics_table.verticalHeader().setDefaultSectionSize(20)
        self.metrics_table.setWordWrap(False)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("compare_summary")
        self.summary_label.setWordWrap(True)
        self.cost_table = QTableWidget(4, 3, self)
        self.cost_table.setObjectName("cost_table")
        self.cost_table.setHorizontalHeaderLabels(
            [
                two_lines(QCoreApplication.translate("CompareView", "Single head")),
                two_lines(QCoreApplication.translate("CompareView", "h heads")),
                two_lines(QCoreApplication.translate("CompareView", "Ratio")),
            ]
        )
        self.cost_table.horizontalHeaderItem(2).setToolTip(
            QCoreApplication.translate("CompareView", "h heads ÷ single head")
        )
        cost_rows = [
            two_lines(QCoreApplication.translate("CompareView", "Parameters"), 14),
            two_lines(QCoreApplication.translate("CompareView", "Multiply-adds"), 14),
            two_lines(QCoreApplication.translate("CompareView", "Softmax exponentials"), 14),
            two_lines(QCoreApplication.translate("CompareView", "Attention matrices (float32)"), 14),
        ]
        self.cost_table.setVerticalHeaderLabels(cost_rows)
        self.cost_table.setToolTip(
            QCoreApplication.translate(
                "CompareView",
                "Both variants have the same W_Q, W_K, W_V, W_O and do the same products; "
                "only the number of n×n attention matrices changes.",
            )
        )
        self.cost_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        fit_columns(self.cost_table)
        line = self.cost_table.verticalHeader().fontMetrics().height()
        vh = self.cost_table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for r, label in enumerate(cost_rows):  # a two-line label gets a two-line row
            vh.resizeSection(r, max(20, (label.count("\n") + 1) * line + 6))
        scrollbar = self.cost_table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self.cost_table)
        self.cost_table.setFixedHeight(sum(vh.sectionSize(r) for r in range(4))
                                       + self.cost_table.horizontalHeader().sizeHint().height()
                                       + 2 * self.cost_table.frameWidth() + scrollbar)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self.graphics)
        tables = QWidget()
        lay = QVBoxLayout(tables)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.caption_label)  # under the matrices: the text scrolls, the panels keep their room
        lay.addWidget(self.pipeline_label)
        lay.addWidget(self.metrics_table)
        lay.addWidget(self.summary_label)
        lay.addWidget(self.cost_table)
        # the tables scroll when the panel is short, so the matrices keep room for all three panels
        scroll = QScrollArea(split)
        scroll.setObjectName("compare_tables")
        scroll.setWidget(tables)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 330])
        self.split = split
        self.tables = tables
        self._split_dragged = False  # the user moved the handle: keep their sizes
        split.splitterMoved.connect(self._on_split_moved)
        split.installEventFilter(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split, 1)
        self._metrics_key = None
        self._hidden_pair: TracePair | None = None  # drawn when the panel is shown
        self._pending: TracePair | None = None
        # The metrics (O(h^2 n^2) for diversity) are text, not the live picture: they follow
        # once the drag pauses, so slider ticks only pay for the matrices.
        self._tables_timer = QTimer(self)
        self._tables_timer.setSingleShot(True)
        self._tables_timer.setInterval(self.TABLES_DELAY_MS)
        self._tables_timer.timeout.connect(self._tables_due)

    TABLES_DELAY_MS = 150

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending is not None:
            self._tables_timer.start()  # filled while hidden: not yet
        if self._hidden_pair is not None:
            pair, self._hidden_pair = self._hidden_pair, None
            self.graphics.set_pair(pair)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.split and event.type() == QEvent.Type.Resize and not self._split_dragged:
            self._fit_split()
        return super().eventFilter(obj, event)

    def _on_split_moved(self, *_) -> None:
        self._split_dragged = True

    def _fit_split(self) -> None:
        """The text and tables get what they need to show whole (the cost table, the summary and
        a few metric rows) up to 22% of the height, or what 480 px of panels leave; they scroll beyond."""
        height = self.split.height()
        need = self.tables.minimumSizeHint().height() + 6 * 20
        tables = min(need, max(height - 480, int(height * 0.22)))
        with QSignalBlocker(self.split):
            self.split.setSizes([height - tables, tables])

    def set_focus(self, query: int | None, key: int | None) -> None:
        """Highlight token ``query``'s row and ``key``'s column (None: none) in the single, mean
        and difference panels."""
        self.graphics.set_focus(query, key)

    def set_colour_scale(self, mode: str, top: float) -> None:
        """The single head and the mean are drawn on the window's shared colour scale (``mode``,
        linear top ``top``); the difference keeps its diverging scale."""
        self.graphics.set_colour_scale(mode, top)

    def clear(self) -> None:
        """Nothing to show (an empty text): no stale matrices, captions or tables."""
        self._tables_timer.stop()
        self._pending = None
        self._hidden_pair = None
        self._metrics_key = None
        self.graphics.clear_panels()
        self.caption_label.setText("")
        self.pipeline_label.setText("")
        self.summary_label.setText("")
        self.metrics_table.setRowCount(0)
        for r in range(self.cost_table.rowCount()):
            for c in range(self.cost_table.columnCount()):
                self.cost_table.setItem(r, c, self._item(""))

    def set_pair(self, pair: TracePair) -> None:
        """Show ``pair``: the matrices now if the panel is on screen, else when it is next shown
        (a hidden tab's drag pays nothing for them); the captions at once."""
        if self.isVisible():
            self._hidden_pair = None
            self.graphics.set_pair(pair)
        else:
            self._hidden_pair = pair
        h, h2 = pair.multi.n_heads, pair.single.n_heads
        if h2 == 1:
            text = QCoreApplication.translate(
                "CompareView",
                "Above: plain self-attention, one head over all of d_model, and the mean of the {0} "
                "heads on the same W_Q and W_K. Compare how sharp they are: the heads split the same weights "
                "into {0} subspaces.",
            ).format(h)
        else:
            text = QCoreApplication.translate(
                "CompareView",
                "Above: the same W_Q and W_K regrouped into h′ = {1} heads (their mean), and the "
                "mean of the {0} heads. Each panel is a summary; the tables list every head.",
            ).format(h, h2)
        self.caption_label.setText(text)
        self.pipeline_label.setText(pipeline_html(pair))
        key = (pair.multi.config, tuple(pair.multi.tokens))
        if key != self._metrics_key:  # tables only when something they show changed
            self._pending = pair
            self._tables_timer.start()

    def fit_tables(self) -> None:
        """Size the tables' columns for the current font again (presentation zoom)."""
        for table in (self.metrics_table, self.cost_table):
            fit_columns(table)

    def _tables_due(self) -> None:
        """The timer's turn: the tables fill now if the panel is on screen, else when it is shown."""
        if self.isVisible():
            self.refresh_tables()

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
        self.fit_tables()  # once per fill: the numbers and headers shown now
