"""The head-score table: one row per layer x head with every score of ``explorer.headscores``
and the head's pattern type, sortable by any column; double-click or Enter opens a head."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ... import headscores
from ..style import WEIGHTS_CMAP, lut

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value a column sorts by


def pattern_name(pattern: str) -> str:
    """A pattern class of headscores.PATTERN_CLASSES in the UI language."""
    names = {
        "vertical": QCoreApplication.translate("HeadScoresView", "vertical"),
        "diagonal": QCoreApplication.translate("HeadScoresView", "diagonal"),
        "block": QCoreApplication.translate("HeadScoresView", "block"),
        "heterogeneous": QCoreApplication.translate("HeadScoresView", "heterogeneous"),
    }
    return names.get(pattern, pattern)


class HeadScoresModel(QAbstractTableModel):
    """Rows of ``headscores.score_table``; columns: layer, head, the scores, the pattern type.
    ``set_rows`` replaces everything in one model reset; ``sort`` reorders in place."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[headscores.ScoreRow] = []
        self.columns: list[str] = ["layer", "head", *headscores.SCORE_NAMES, "pattern"]
        self.titles: dict[str, str] = {}
        self.tips: dict[str, str] = {}
        self._tints = self._tint_table()
        self._sort: tuple[int, Qt.SortOrder] | None = None

    @staticmethod
    def _tint_table() -> list[QBrush]:
        """A light wash of the weights colour map for score cells (0 = white): text stays
        black and readable, the strong heads of a column stand out."""
        table = lut(WEIGHTS_CMAP).astype(np.float64)
        out = []
        for k in range(101):
            v = k / 100
            rgb = table[min(254, int(v * 254))]
            mix = 0.55 * v  # at most about half colour: the darkest cells still carry black text
            c = (1 - mix) * 255 + mix * rgb
            out.append(QBrush(QColor(int(c[0]), int(c[1]), int(c[2]))))
        return out

    def set_rows(self, rows: Sequence[headscores.ScoreRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        if self._sort is not None:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def value(self, row: int, column: int) -> object:
        return self.rows[row][self.columns[column]]  # type: ignore[literal-required]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        name = self.columns[index.column()]
        v = self.value(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if name == "pattern":
                return pattern_name(str(v))
            return f"{v:.2f}" if isinstance(v, float) else str(v)
        if role == SORT_ROLE:
            return v
        if role == Qt.ItemDataRole.TextAlignmentRole:
            left = name == "pattern"
            return int((Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignRight)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and isinstance(v, float):
            return self._tints[int(round(min(1.0, max(0.0, v)) * 100))]
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(v, float):
            return f"{self.titles.get(name, name)}: {v:.4f}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        name = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.titles.get(name, name)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tips.get(name)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort_rows(column, order)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        name = self.columns[column]
        # ties keep layer-major order, so equal scores read top-down by layer then head
        self.rows.sort(key=lambda r: (r["layer"], r["head"]))
        self.rows.sort(key=lambda r: r[name],  # type: ignore[literal-required]
                       reverse=order == Qt.SortOrder.DescendingOrder)


class _Table(QTableView):
    """A table view that emits ``rowActivated`` on double-click and on Enter / Return."""

    rowActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doubleClicked.connect(lambda index: self.rowActivated.emit(index.row()))

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.rowActivated.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class HeadScoresView(QWidget):
    """The score table with an "average over the built-in examples" switch.

    ``averageRequested(True)`` asks the window for averaged rows (``headscores.average_tables``
    over the example texts, with ``options()``), which it hands back with ``set_average_rows``;
    ``averageRequested(False)`` goes back to the current text's scores. The exclusion switches
    re-score the current text at once and, in average mode, ask for the average again."""

    headActivated = Signal(int, int)  # layer, head
    averageRequested = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("head_scores_view")
        self._weights: np.ndarray | None = None
        self._tokens: list[str] = []
        self._special: Collection[str] | None = None
        self._text_rows: list[headscores.ScoreRow] = []
        self._average_rows: list[headscores.ScoreRow] | None = None
        self._sized = False

        self.model = HeadScoresModel(self)
        self.model.titles = {
            "layer": self.tr("Layer"), "head": self.tr("Head"),
            "previous_token": self.tr("Previous"), "next_token": self.tr("Next"),
            "first_token": self.tr("First"), "to_sep": self.tr("[SEP]"),
            "to_punctuation": self.tr("Punctuation"), "duplicate_token": self.tr("Duplicate"),
            "induction": self.tr("Induction"), "entropy": self.tr("Entropy"), "pattern": self.tr("Pattern"),
        }
        # literal copies of headscores.DEFINITIONS, so that translation tools find them (a test
        # checks that they still match)
        self.model.tips = {
            "layer": self.tr("The layer, counted from 0 at the input"),
            "head": self.tr("The head within its layer, counted from 0"),
            "previous_token": self.tr("Share of the head's attention that each token pays to the token just before "
                                      "it."),
            "next_token": self.tr("Share of the head's attention that each token pays to the token just after it."),
            "first_token": self.tr("Share of the head's attention that goes to the first token ([CLS] or BOS)."),
            "to_sep": self.tr("Share of the head's attention that goes to separator tokens such as [SEP], </s> or "
                              "<|endoftext|>."),
            "to_punctuation": self.tr("Share of the head's attention that goes to punctuation tokens."),
            "duplicate_token": self.tr("Share of the head's attention that goes to other copies of the query's own "
                                       "token."),
            "induction": self.tr("Share of the head's attention that goes to the token right after an earlier copy "
                                 "of the query's token (meaningful on a repeated random sequence)."),
            "entropy": self.tr("Mean entropy of the attention rows, scaled so that 0 is one key per query and 1 is "
                               "uniform attention."),
            "pattern": self.tr("Kovaleva et al. (2019) pattern type: vertical (a few key columns), diagonal (the "
                               "token itself or a neighbour), block (within segments) or heterogeneous."),
        }
        self.table = _Table()
        self.table.setObjectName("head_scores_table")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # layer-major order until a header is clicked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)  # 30 layers x 12 heads
        self.table.setWordWrap(False)
        self.table.setToolTip(self.tr("One row per head. Click a column header to sort by it; "
                                      "double-click a row or press Enter to open that head."))
        self.table.rowActivated.connect(self._row_activated)

        self.average_box = QCheckBox(self.tr("Average over the built-in example texts"))
        self.average_box.setToolTip(self.tr("Show each head's scores averaged over all built-in example texts "
                                            "instead of the current text"))
        self.average_box.toggled.connect(self._average_toggled)
        self.exclude_first_box = QCheckBox(self.tr("Ignore the first token"))
        self.exclude_first_box.setToolTip(self.tr("Leave attention to the first token ([CLS] / BOS) out of the "
                                                  "scores: many heads park spare attention there"))
        self.exclude_current_box = QCheckBox(self.tr("Ignore the token itself"))
        self.exclude_current_box.setToolTip(self.tr("Leave each token's attention to itself out of the scores"))
        for box in (self.exclude_first_box, self.exclude_current_box):
            box.toggled.connect(self._options_changed)
        self.caption = QLabel()
        self.caption.setStyleSheet("color: #555;")
        bar = QHBoxLayout()
        bar.addWidget(self.average_box)
        bar.addSpacing(12)
        bar.addWidget(self.exclude_first_box)
        bar.addWidget(self.exclude_current_box)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)
        self._update_caption()

    # ---- data -------------------------------------------------------------------------------
    def options(self) -> dict[str, bool]:
        """The exclusion switches, as keyword arguments of headscores.score_table / average_tables."""
        return {"exclude_first": self.exclude_first_box.isChecked(),
                "exclude_current": self.exclude_current_box.isChecked()}

    def show_state(self, window: Any) -> None:
        """Score every layer and head of the window's current source on its current text."""
        weights = window.state.layer_weights()
        if weights is not None and weights.shape[-1] == len(window.state.tokens):
            self.set_data(weights, window.state.tokens)

    def set_data(self, weights: np.ndarray, tokens: list[str], special_tokens: Collection[str] | None = None) -> None:
        """Score every head of ``weights`` (layers, heads, n, n) or (heads, n, n) over ``tokens``;
        ``special_tokens`` are the strings that count as separators (default headscores.SEP_TOKENS)."""
        self._weights = np.asarray(weights, dtype=np.float64)
        self._tokens = [str(t) for t in tokens]
        self._special = special_tokens
        self._score_text()

    def set_induction_probe(self, scores: np.ndarray | None, length: int = 0) -> None:
        """(layers, heads) induction scores from a repeated random sequence (TransformerLens's
        probe); they replace the induction column of the current text's scores. None: off."""
        self._probe = None if scores is None else np.asarray(scores, dtype=np.float64)
        self._probe_length = length
        self._score_text()

    def set_average_rows(self, rows: Sequence[headscores.ScoreRow], n_texts: int | None = None) -> None:
        """Averaged rows (headscores.average_tables) to show while the average switch is on."""
        self._average_rows = list(rows)
        self._n_texts = n_texts
        if self.average_box.isChecked():
            self._show(self._average_rows)

    def rows(self) -> list[headscores.ScoreRow]:
        """The rows shown, in their on-screen order."""
        return list(self.model.rows)

    def _score_text(self) -> None:
        if self._weights is None:
            return
        self._text_rows = headscores.score_table(self._weights, self._tokens, sep_tokens=self._special,
                                                 **self.options())
        if not self.average_box.isChecked():
            self._show(self._text_rows)

    def _show(self, rows: list[headscores.ScoreRow]) -> None:
        probe = getattr(self, "_probe", None)
        if probe is not None and rows and probe.shape == (rows[-1]["layer"] + 1, rows[-1]["head"] + 1):
            rows = [{**r, "induction": float(probe[r["layer"], r["head"]])} for r in rows]  # type: ignore[typeddict-item]
        self.model.set_rows(rows)
        if not self._sized and rows:  # once: the columns' widths then stay put as values change
            self._sized = True
            self.table.resizeColumnsToContents()
            header = self.table.horizontalHeader()
            for c in range(self.model.columnCount()):
                header.resizeSection(c, max(header.sectionSize(c), 56))
            header.setStretchLastSection(True)
        self._update_caption()

    def _update_caption(self) -> None:
        if self.average_box.isChecked():
            if self._average_rows is None:
                self.caption.setText(self.tr("Computing the average over the example texts…"))
            elif getattr(self, "_n_texts", None):
                self.caption.setText(self.tr("Average over {0} example texts.").format(self._n_texts))
            else:
                self.caption.setText(self.tr("Average over the example texts."))
        else:
            self.caption.setText(self.tr("Scores of the current text, {0} tokens.").format(len(self._tokens)))
        if getattr(self, "_probe", None) is not None:
            self.caption.setText(self.caption.text() + " " + self.tr(
                "Induction: on a random sequence of {0} tokens repeated twice (as TransformerLens's head "
                "detector): the share of attention from each token of the second copy to the token that "
                "followed its first occurrence.").format(self._probe_length))

    # ---- interaction ------------------------------------------------------------------------
    def _average_toggled(self, on: bool) -> None:
        if on and self._average_rows is not None:
            self._show(self._average_rows)
        elif not on:
            self._show(self._text_rows)
        self._update_caption()
        self.averageRequested.emit(on)

    def _options_changed(self) -> None:
        self._score_text()
        if self.average_box.isChecked():
            self._average_rows = None  # stale: scored with the old options
            self._update_caption()
            self.averageRequested.emit(True)

    def _row_activated(self, row: int) -> None:
        if 0 <= row < len(self.model.rows):
            r = self.model.rows[row]
            self.headActivated.emit(r["layer"], r["head"])

    def save_state(self) -> dict:
        header = self.table.horizontalHeader()
        return {"average": self.average_box.isChecked(), **self.options(),
                "sort_column": header.sortIndicatorSection(),
                "sort_descending": header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder}

    def restore_state(self, state: dict) -> None:
        if not isinstance(state, dict):
            return
        for key, box in (("exclude_first", self.exclude_first_box), ("exclude_current", self.exclude_current_box)):
            if isinstance(state.get(key), bool):
                box.setChecked(state[key])
        column = state.get("sort_column")
        if isinstance(column, int) and 0 <= column < self.model.columnCount():
            order = Qt.SortOrder.DescendingOrder if state.get("sort_descending") else Qt.SortOrder.AscendingOrder
            self.table.sortByColumn(column, order)
        if isinstance(state.get("average"), bool):
            self.average_box.setChecked(state["average"])
