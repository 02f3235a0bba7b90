"""The head line view (after BertViz's head view): the tokens twice, queries on the left and keys
on the right, one line per query-key pair whose opacity is the attention weight and whose colour
is the head's. Hovering a token keeps only its lines; clicking pins it; Esc clears the pin."""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from pyqtgraph.Qt.internals import PrimitiveArray  # pinned below 0.15; the array QPainter.drawLines takes
from PySide6.QtCore import QLineF, QPointF, QRectF, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

# One colour per head: d3's category10 (BertViz's palette), then ten darker, still distinct hues
# for models with more heads; beyond 20 heads the list repeats.
HEAD_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
)
BUCKETS = 16  # opacity levels: a head draws as at most this many path items, whatever n is
MIN_WEIGHT = 0.01  # lines below this weight are not drawn (invisible anyway; 64 x 64 x 12 lines otherwise)
LINE_BUDGET = 4000  # at most this many lines at once: the strongest; software rasterising costs ~30 us a line
THICK_LINES = 1500  # up to this many lines draw 2 px wide, more 1 px (the raster engine's fast cosmetic path)
MAX_LABEL_PX = 120  # longer tokens are elided in the middle; the tooltip has the whole token
FONT_PT = 9
MARGIN = 12.0
LABEL_PAD = 8.0  # between a label and the line ends
ROW_MAX = 32.0  # row pitch of a short text; long texts go down to the font height and scroll


class LineBatch(QGraphicsItem):
    """Many straight lines in one pen, painted with a single QPainter.drawLines call from a
    numpy-backed QLineF array (no QPainterPath: stroking a path of thousands of subpaths costs
    seconds, drawLines milliseconds)."""

    def __init__(self) -> None:
        super().__init__()
        self._pen = QPen()
        self._rect = QRectF()
        self._lines = PrimitiveArray(QLineF, 4)
        self.count = 0

    def set_lines(self, x0: float, y0: np.ndarray, x1: float, y1: np.ndarray, pen: QPen) -> None:
        self.prepareGeometryChange()
        self._lines.resize(len(y0))
        a = self._lines.ndarray()
        a[:, 0], a[:, 1], a[:, 2], a[:, 3] = x0, y0, x1, y1
        self.count = len(y0)
        self._pen = pen
        pad = pen.widthF() + 1
        if self.count:
            lo, hi = float(min(y0.min(), y1.min())), float(max(y0.max(), y1.max()))
            self._rect = QRectF(min(x0, x1) - pad, lo - pad, abs(x1 - x0) + 2 * pad, hi - lo + 2 * pad)
        else:
            self._rect = QRectF()
        self.update()

    def pen(self) -> QPen:
        return self._pen

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter, option, widget=None) -> None:
        if self.count:
            painter.setPen(self._pen)
            painter.drawLines(*self._lines.drawargs())


def head_colour(head: int) -> QColor:
    return QColor(HEAD_COLOURS[head % len(HEAD_COLOURS)])


def weight_bucket(weight: float | np.ndarray) -> np.ndarray:
    """Opacity bucket 1..BUCKETS of a weight (weight rounded up to a multiple of 1 / BUCKETS),
    0 for weights below MIN_WEIGHT (not drawn). A line's opacity is bucket / BUCKETS."""
    w = np.asarray(weight, dtype=np.float64)
    b = np.clip(np.ceil(w * BUCKETS), 1, BUCKETS).astype(np.int64)
    return np.where(w >= MIN_WEIGHT, b, 0)


class _Canvas(QGraphicsView):
    """The drawing: forwards pointer moves, clicks and leaving to the LineView."""

    def __init__(self, owner: LineView) -> None:
        super().__init__(owner)
        self._owner = owner
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)  # few big items
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)

    def mouseMoveEvent(self, event) -> None:
        self._owner.hover_at(self.mapToScene(event.position().toPoint()))
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._owner.click_at(self.mapToScene(event.position().toPoint()))
        super().mousePressEvent(event)

    def leaveEvent(self, event) -> None:
        self._owner.hover_token(None)
        super().leaveEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._owner._relayout_soon()


class LineView(QWidget):
    """Lines between a layer's query tokens (left) and key tokens (right) for the chosen heads.

    Each head's lines are batched into one LineBatch per opacity bucket (BUCKETS levels,
    weights below MIN_WEIGHT skipped), so 64 tokens x 12 heads is at most 192 items and a hover
    rebuilds them from numpy in one pass."""

    layerChanged = Signal(int)
    headsChanged = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("line_view")
        self._weights = np.zeros((1, 0, 0, 0))
        self._tokens: list[str] = []
        self._layer = 0
        self._heads: list[int] = []
        self._hover: tuple[str, int] | None = None  # ("query" | "key", index)
        self._pinned: tuple[str, int] | None = None
        self._items: list[LineBatch] = []  # pool; the first self._n_items are in use
        self._n_items = 0
        self._item_pairs: list[tuple[int, int, np.ndarray, np.ndarray]] = []  # (head, bucket, queries, keys)
        self._labels: dict[str, list[QGraphicsSimpleTextItem]] = {"query": [], "key": []}
        self._geom = (0.0, 0.0, 0.0, 0.0, 1.0)  # x of left labels' right edge, line start, line end, top, row pitch
        self.threshold = MIN_WEIGHT  # the weakest weight drawn now
        self._font = QFont()
        self._font.setPointSize(FONT_PT)

        self.layer_label = QLabel(self.tr("Layer"))
        self.layer_spin = QSpinBox()
        self.layer_spin.setObjectName("line_layer")
        self.layer_spin.setToolTip(self.tr("Which layer's attention to draw"))
        self.layer_spin.valueChanged.connect(self.set_layer)
        heads_label = QLabel(self.tr("Heads"))
        heads_label.setToolTip(self.tr("Pick the heads whose lines are drawn; each head has its own colour"))
        self.all_button = QToolButton()
        self.all_button.setText(self.tr("All"))
        self.all_button.setToolTip(self.tr("Draw every head"))
        self.all_button.clicked.connect(lambda: self.set_heads(range(self.n_heads)))
        self.none_button = QToolButton()
        self.none_button.setText(self.tr("None"))
        self.none_button.setToolTip(self.tr("Draw no head"))
        self.none_button.clicked.connect(lambda: self.set_heads([]))
        self._chip_row = QHBoxLayout()
        self._chip_row.setSpacing(3)
        self.chips: list[QToolButton] = []

        bar = QHBoxLayout()
        bar.addWidget(self.layer_label)
        bar.addWidget(self.layer_spin)
        bar.addSpacing(12)
        bar.addWidget(heads_label)
        bar.addLayout(self._chip_row)
        bar.addSpacing(6)
        bar.addWidget(self.all_button)
        bar.addWidget(self.none_button)
        bar.addStretch(1)
        self.canvas = _Canvas(self)
        # the resizes of one layout pass (a window being built or restored sends several) place the
        # labels and draw the lines once, on the next event-loop turn
        self._relayout_timer = QTimer(self)
        self._relayout_timer.setSingleShot(True)
        self._relayout_timer.setInterval(0)
        self._relayout_timer.timeout.connect(self._relayout)
        self.canvas.setToolTip(self.tr("Left: each token as a query; right: each token as a key. A line's opacity is "
                                       "the attention weight.\nHover a token to see only its lines, click to pin it, "
                                       "Esc to clear."))
        self.hint = QLabel(self.tr("Hover a token to see only its lines; click to pin it, Esc to clear."))
        self.hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.hint)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._highlight = QGraphicsRectItem()
        self._highlight.setBrush(QBrush(QColor(255, 221, 87, 150)))
        self._highlight.setPen(QPen(Qt.PenStyle.NoPen))
        self._highlight.setZValue(-1)
        self._highlight.setVisible(False)
        self.canvas.scene().addItem(self._highlight)
        self._update_layer_picker()

    # ---- data -------------------------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        return int(self._weights.shape[0])

    @property
    def n_heads(self) -> int:
        return int(self._weights.shape[1])

    @property
    def layer(self) -> int:
        return self._layer

    @property
    def tokens(self) -> list[str]:
        return list(self._tokens)

    def show_state(self, window: Any) -> None:
        """Draw the window's current source: every layer's weights, the state's layer."""
        weights = window.state.layer_weights()
        if weights is not None and weights.shape[-1] == len(window.state.tokens):
            self.set_data(weights, window.state.tokens, layer=window.state.layer)

    def set_data(self, weights: np.ndarray, tokens: list[str], layer: int = 0) -> None:
        """Show ``weights`` (layers, heads, n, n), or (heads, n, n) for one layer, over ``tokens``.
        The chosen heads stay chosen when the head count is unchanged; otherwise all are shown."""
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim == 3:
            w = w[None]
        if w.ndim != 4 or w.shape[2] != w.shape[3] or w.shape[2] != len(tokens):
            raise ValueError(f"weights (layers, heads, n, n) for {len(tokens)} tokens; got shape {w.shape}")
        same_heads = w.shape[1] == self.n_heads
        same_tokens = list(tokens) == self._tokens
        self._weights = w
        self._tokens = [str(t) for t in tokens]
        if not same_tokens:
            self._hover = self._pinned = None
        if not same_heads:
            self._heads = list(range(self.n_heads))
            self._make_chips()
        self._update_layer_picker()
        self._layer = min(max(0, int(layer)), self.n_layers - 1)
        with QSignalBlocker(self.layer_spin):
            self.layer_spin.setValue(self._layer)
        self._make_labels()
        self._relayout()

    def set_layer(self, layer: int) -> None:
        layer = min(max(0, int(layer)), max(0, self.n_layers - 1))
        if layer == self._layer:
            return
        self._layer = layer
        with QSignalBlocker(self.layer_spin):
            self.layer_spin.setValue(layer)
        self._draw_lines()
        self.layerChanged.emit(layer)

    def set_heads(self, heads: Iterable[int]) -> None:
        chosen = sorted({int(h) for h in heads if 0 <= int(h) < self.n_heads})
        for h, chip in enumerate(self.chips):
            with QSignalBlocker(chip):
                chip.setChecked(h in chosen)
        if chosen == self._heads:
            return
        self._heads = chosen
        self._draw_lines()
        self.headsChanged.emit(list(chosen))

    def selected_heads(self) -> list[int]:
        return list(self._heads)

    def save_state(self) -> dict:
        return {"layer": self._layer, "heads": list(self._heads),
                "pinned": list(self._pinned) if self._pinned is not None else None}

    def restore_state(self, state: dict) -> None:
        """Apply a ``save_state`` dict; unknown or out-of-range values are ignored."""
        if not isinstance(state, dict):
            return
        if isinstance(state.get("layer"), int):
            self.set_layer(state["layer"])
        heads = state.get("heads")
        if isinstance(heads, list) and all(isinstance(h, int) for h in heads):
            self.set_heads(heads)
        pinned = state.get("pinned")
        if (isinstance(pinned, list) and len(pinned) == 2 and pinned[0] in ("query", "key")
                and isinstance(pinned[1], int) and 0 <= pinned[1] < len(self._tokens)):
            self.pin_token((pinned[0], pinned[1]))
        elif pinned is None:
            self.pin_token(None)

    # ---- widgets ----------------------------------------------------------------------------
    def _update_layer_picker(self) -> None:
        many = self.n_layers > 1
        self.layer_label.setVisible(many)
        self.layer_spin.setVisible(many)
        with QSignalBlocker(self.layer_spin):
            self.layer_spin.setRange(0, max(0, self.n_layers - 1))

    def _make_chips(self) -> None:
        for chip in self.chips:
            self._chip_row.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        for h in range(self.n_heads):
            chip = QToolButton()
            chip.setObjectName(f"head_chip_{h}")
            chip.setCheckable(True)
            chip.setChecked(h in self._heads)
            chip.setText(self.tr("H{0}").format(h))
            chip.setToolTip(self.tr("Show or hide the lines of head {0}").format(h))
            c = head_colour(h)
            text = "black" if 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue() > 150 else "white"
            chip.setStyleSheet(
                f"QToolButton {{ border: 2px solid {c.name()}; border-radius: 4px; padding: 1px 4px;"
                f" background: white; color: #666; }}"
                f" QToolButton:checked {{ background: {c.name()}; color: {text}; }}")
            chip.toggled.connect(self._chip_toggled)
            self._chip_row.addWidget(chip)
            self.chips.append(chip)

    def _chip_toggled(self) -> None:
        self.set_heads(h for h, chip in enumerate(self.chips) if chip.isChecked())

    # ---- layout -----------------------------------------------------------------------------
    def _make_labels(self) -> None:
        scene = self.canvas.scene()
        fm = QFontMetrics(self._font)
        for side in ("query", "key"):
            items = self._labels[side]
            while len(items) < len(self._tokens):
                item = QGraphicsSimpleTextItem()
                item.setFont(self._font)
                scene.addItem(item)
                items.append(item)
            for i, item in enumerate(items):
                if i >= len(self._tokens):
                    item.setVisible(False)
                    continue
                token = self._tokens[i]
                shown = fm.elidedText(token, Qt.TextElideMode.ElideMiddle, MAX_LABEL_PX)
                item.setText(shown)
                item.setToolTip(token if shown != token else "")
                item.setVisible(True)

    def _relayout_soon(self) -> None:
        self._relayout_timer.start()

    def _relayout(self) -> None:
        """Place the labels for the current size and redraw the lines."""
        self._relayout_timer.stop()
        n = len(self._tokens)
        fm = QFontMetrics(self._font)
        view = self.canvas.viewport()
        width, height = float(view.width()), float(view.height())
        pitch = max(fm.height() + 2.0, min(ROW_MAX, (height - 2 * MARGIN) / max(1, n)))
        shown = [it.text() for it in self._labels["query"][:n]]
        label_w = float(max((fm.horizontalAdvance(s) for s in shown), default=0))
        line_w = min(420.0, max(120.0, width - 2 * label_w - 2 * MARGIN - 4 * LABEL_PAD))
        total = 2 * label_w + line_w + 4 * LABEL_PAD
        x0 = max(MARGIN, (width - total) / 2)
        right_of_left = x0 + label_w
        x_a = right_of_left + LABEL_PAD
        x_b = x_a + line_w
        self._geom = (right_of_left, x_a, x_b, MARGIN, pitch)
        for i, item in enumerate(self._labels["query"][:n]):
            r = item.boundingRect()
            item.setPos(right_of_left - r.width(), self._row_y(i) - r.height() / 2)
        for i, item in enumerate(self._labels["key"][:n]):
            r = item.boundingRect()
            item.setPos(x_b + LABEL_PAD, self._row_y(i) - r.height() / 2)
        self.canvas.scene().setSceneRect(QRectF(0, 0, max(width, total + 2 * MARGIN), 2 * MARGIN + n * pitch))
        self._draw_lines()

    def _row_y(self, i: int | np.ndarray) -> float | np.ndarray:
        return self._geom[3] + (np.asarray(i) + 0.5) * self._geom[4] if isinstance(i, np.ndarray) \
            else self._geom[3] + (i + 0.5) * self._geom[4]

    def label_scene_pos(self, side: str, index: int) -> QPointF:
        """Scene position of the centre of a token's label (``side`` "query" = left, "key" = right)."""
        item = self._labels[side][index]
        return item.mapToScene(item.boundingRect().center())

    def label_item(self, side: str, index: int) -> QGraphicsSimpleTextItem:
        return self._labels[side][index]

    def token_at(self, pos: QPointF) -> tuple[str, int] | None:
        """The token label under a scene position: ("query", i) on the left, ("key", j) on the right."""
        n = len(self._tokens)
        right_of_left, x_a, x_b, top, pitch = self._geom
        if n == 0 or pitch <= 0:
            return None
        i = math.floor((pos.y() - top) / pitch)
        if not 0 <= i < n:
            return None
        if pos.x() <= x_a and pos.x() >= right_of_left - MAX_LABEL_PX - LABEL_PAD:
            return "query", i
        if pos.x() >= x_b and pos.x() <= x_b + LABEL_PAD + MAX_LABEL_PX + LABEL_PAD:
            return "key", i
        return None

    # ---- interaction ------------------------------------------------------------------------
    def hover_at(self, pos: QPointF) -> None:
        self.hover_token(self.token_at(pos))

    def hover_token(self, token: tuple[str, int] | None) -> None:
        if token == self._hover:
            return
        self._hover = token
        if self._pinned is None:
            self._draw_lines()

    def click_at(self, pos: QPointF) -> None:
        hit = self.token_at(pos)
        self.pin_token(None if hit == self._pinned else hit)
        self.setFocus(Qt.FocusReason.MouseFocusReason)  # so that Esc reaches keyPressEvent

    def pin_token(self, token: tuple[str, int] | None) -> None:
        """Keep only ``token``'s lines until cleared (None, Esc or a click on it again)."""
        if token == self._pinned:
            return
        self._pinned = token
        self._draw_lines()

    @property
    def focus_token(self) -> tuple[str, int] | None:
        """The token whose lines alone are drawn: the pinned one, else the hovered one."""
        return self._pinned if self._pinned is not None else self._hover

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and (self._pinned is not None or self._hover is not None):
            self._hover = None
            self._pinned = None
            self._draw_lines()
            return
        super().keyPressEvent(event)

    # ---- drawing ----------------------------------------------------------------------------
    def _draw_lines(self) -> None:
        """One item per (chosen head, opacity bucket) that has lines; items not needed hide.
        Weights below MIN_WEIGHT are skipped, and past LINE_BUDGET lines only the strongest are
        drawn (``self.threshold`` is then the weakest weight drawn; the hint says so)."""
        n = len(self._tokens)
        focus = self.focus_token
        self._item_pairs = []
        self.threshold = MIN_WEIGHT
        used = 0
        heads = [h for h in self._heads if h < self.n_heads]
        if n and heads:
            _, x_a, x_b, _, _ = self._geom
            ys = np.asarray(self._row_y(np.arange(n)), dtype=np.float64)
            weights = self._weights[self._layer][heads]  # (k, n, n)
            if focus is not None:  # only the focused token's row (as a query) or column (as a key)
                keep = np.zeros_like(weights)
                if focus[0] == "query":
                    keep[:, focus[1], :] = weights[:, focus[1], :]
                else:
                    keep[:, :, focus[1]] = weights[:, :, focus[1]]
                weights = keep
            strong = weights[weights >= MIN_WEIGHT]
            if strong.size > LINE_BUDGET:
                self.threshold = float(np.partition(strong, strong.size - LINE_BUDGET)[strong.size - LINE_BUDGET])
            total = int(min(strong.size, LINE_BUDGET))
            width = 2.0 if total <= THICK_LINES else 1.0
            for h, w in zip(heads, weights):
                buckets = np.where(w >= self.threshold, weight_bucket(w), 0)
                q_all, k_all = np.nonzero(buckets)
                b_all = buckets[q_all, k_all]
                order = np.argsort(b_all, kind="stable")  # faint buckets first, so strong lines are on top
                q_all, k_all, b_all = q_all[order], k_all[order], b_all[order]
                splits = np.flatnonzero(np.diff(b_all)) + 1
                for q, k, bs in zip(np.split(q_all, splits), np.split(k_all, splits), np.split(b_all, splits)):
                    if not len(q):
                        continue
                    b = int(bs[0])
                    item = self._item(used)
                    item.setZValue(b * 1000 + h)  # stronger lines on top whatever their head: colours stay clear
                    pen = QPen(head_colour(h), width)
                    pen.setCosmetic(True)
                    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                    item.set_lines(x_a, ys[q], x_b, ys[k], pen)
                    item.setOpacity(b / BUCKETS)
                    item.setVisible(True)
                    self._item_pairs.append((h, b, q, k))
                    used += 1
        for item in self._items[used:self._n_items]:
            item.setVisible(False)
        self._n_items = used
        self._show_highlight(focus)
        self._update_hint()

    def _update_hint(self) -> None:
        if self._pinned is not None and self._pinned[1] < len(self._tokens):
            token = self._tokens[self._pinned[1]]
            text = (self.tr("Pinned: the lines of “{0}” as a query. Click it again or press Esc to clear.")
                    if self._pinned[0] == "query" else
                    self.tr("Pinned: the lines to “{0}” as a key. Click it again or press Esc to clear."))
            self.hint.setText(text.format(token))
        elif self.threshold > MIN_WEIGHT:
            self.hint.setText(self.tr("Showing the {0} strongest lines (weight ≥ {1:.3f}). Hover a token to see "
                                      "only its lines; click to pin it, Esc to clear.").format(LINE_BUDGET,
                                                                                              self.threshold))
        else:
            self.hint.setText(self.tr("Hover a token to see only its lines; click to pin it, Esc to clear."))

    def _item(self, k: int) -> LineBatch:
        while len(self._items) <= k:
            item = LineBatch()
            self.canvas.scene().addItem(item)
            self._items.append(item)
        return self._items[k]

    def _show_highlight(self, focus: tuple[str, int] | None) -> None:
        if focus is None or focus[1] >= len(self._tokens):
            self._highlight.setVisible(False)
            for side in ("query", "key"):
                for item in self._labels[side]:
                    item.setBrush(QBrush(QColor("black")))
            return
        label = self._labels[focus[0]][focus[1]]
        self._highlight.setRect(label.sceneBoundingRect().adjusted(-3, -1, 3, 1))
        self._highlight.setVisible(True)
        # the other side's tokens this one attends to (or is attended by) stay dark, the rest grey out
        other = "key" if focus[0] == "query" else "query"
        reached = set()
        for _, _, q, k in self._item_pairs:
            reached.update((k if focus[0] == "query" else q).tolist())
        for i, item in enumerate(self._labels[other][: len(self._tokens)]):
            item.setBrush(QBrush(QColor("black" if i in reached else "#aaaaaa")))
        for item in self._labels[focus[0]][: len(self._tokens)]:
            item.setBrush(QBrush(QColor("black")))

    # ---- what is on screen (tests, exports) -------------------------------------------------
    def line_items(self) -> list[LineBatch]:
        """The path items drawn now, one per (head, opacity bucket)."""
        return [item for item in self._items[: self._n_items] if item.isVisible()]

    def drawn_lines(self) -> list[tuple[int, int, int, float]]:
        """Every drawn line as (head, query, key, opacity)."""
        out = []
        for (h, _b, q, k), item in zip(self._item_pairs, self._items):
            out += [(h, int(a), int(b), item.opacity()) for a, b in zip(q, k)]
        return out
