"""The source picker at the top of the controls: random weights or a trained model, its layer,
the head count the comparison regroups into, and the progress of a model's forward pass."""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from ..state import ExplorerState

RANDOM = "__random__"
OPEN = "__open__"


class SourcePanel(QWidget):
    """Widgets write the state (or ask the window to open a model); the state updates them."""

    sourceRequested = Signal(str)  # a model path, RANDOM, or OPEN (ask for a folder or file)
    cancelRequested = Signal()

    def __init__(self, state: ExplorerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("source_panel")
        self.state = state
        self.source_combo = QComboBox(self)
        self.source_combo.setObjectName("source_combo")
        self.source_combo.setToolTip(self.tr(
            "Where the attention comes from: random weights (explore the architecture with the sliders) or a "
            "trained model read from disk (File ▸ Open model…)."))
        self.source_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.source_combo.setMinimumContentsLength(12)
        self.source_combo.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.layer_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.layer_slider.setObjectName("layer_slider")
        self.layer_slider.setToolTip(self.tr("Which layer of the model the views show (0 is the first)."))
        self.layer_value = QLabel(self)
        self.layer_value.setMinimumWidth(44)
        self.layer_value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.regroup_combo = QComboBox(self)
        self.regroup_combo.setObjectName("regroup_combo")
        self.regroup_combo.setToolTip(self.tr(
            "Single vs multi: recompute the same Q and K split into h′ heads (h′ divides d_model). 1 is one head "
            "over all of d_model: plain self-attention on the same weights."))
        self.fixed_label = QLabel(self)
        self.fixed_label.setObjectName("fixed_label")
        self.fixed_label.setWordWrap(True)
        self.fixed_label.setStyleSheet("color: #555;")
        # long model names must not widen the dock: the label wraps inside whatever width it gets
        self.fixed_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.fixed_label.setMinimumWidth(80)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("model_progress")
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.setToolTip(self.tr("Stop loading or running the model; the last picture stays."))
        self.cancel_button.clicked.connect(self.cancelRequested)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        self.busy_row = QWidget(self)
        self.busy_row.setLayout(busy)
        busy.setContentsMargins(0, 0, 0, 0)
        self.busy_row.hide()

        layer_row = QWidget(self)
        lr = QHBoxLayout(layer_row)
        lr.setContentsMargins(0, 0, 0, 0)
        lr.addWidget(self.layer_slider, 1)
        lr.addWidget(self.layer_value)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Source"), self.source_combo)
        self.layer_label = QLabel(self.tr("layer"), self)
        form.addRow(self.layer_label, layer_row)
        self.layer_row = layer_row
        form.addRow(self.tr("compare with h′"), self.regroup_combo)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(form)
        lay.addWidget(self.fixed_label)
        lay.addWidget(self.busy_row)

        self._entries: list[tuple[str, str]] = []  # (label, ref)
        self.source_combo.activated.connect(self._on_pick)
        self.layer_slider.valueChanged.connect(self._write_layer)
        self.regroup_combo.activated.connect(
            lambda i: self.state.set_regroup_heads(int(self.regroup_combo.itemData(i))))
        state.changed.connect(self._on_state_change)
        self.set_models([])
        self._on_state_change(frozenset(("source",)))

    # ---- the list of sources ---------------------------------------------------------------
    def set_models(self, models: list[tuple[str, str]]) -> None:
        """``models``: (name, path) of every model that can be opened."""
        self._entries = [(self.tr("Random weights (explore the architecture)"), RANDOM)] + list(models)
        self._entries.append((self.tr("Open model…"), OPEN))
        with QSignalBlocker(self.source_combo):
            self.source_combo.clear()
            for label, ref in self._entries:
                self.source_combo.addItem(label, ref)
                self.source_combo.setItemData(self.source_combo.count() - 1, ref if ref not in (RANDOM, OPEN)
                                              else label, Qt.ItemDataRole.ToolTipRole)
        self._select_current()

    def _select_current(self) -> None:
        info = self.state.info
        ref = RANDOM if info.kind == "synthetic" else info.ref
        i = self.source_combo.findData(ref)
        if i < 0 and ref != RANDOM:
            self.source_combo.insertItem(1, info.name, ref)
            i = 1
        with QSignalBlocker(self.source_combo):
            self.source_combo.setCurrentIndex(max(0, i))

    def _on_pick(self, index: int) -> None:
        ref = str(self.source_combo.itemData(index))
        self._select_current()  # the combo follows the state, not the click, until the model is open
        self.sourceRequested.emit(ref)

    def _write_layer(self, value: int) -> None:
        self.state.set_layer(value)

    # ---- state -> widgets ----------------------------------------------------------------------
    def _on_state_change(self, fields: frozenset) -> None:
        s = self.state
        info = s.info
        if "source" in fields:
            self._select_current()
        many = info.n_layers > 1
        self.layer_row.setVisible(many)
        self.layer_label.setVisible(many)
        with QSignalBlocker(self.layer_slider):
            self.layer_slider.setRange(0, max(0, info.n_layers - 1))
            self.layer_slider.setValue(s.layer)
        self.layer_value.setText(f"{s.layer}/{info.n_layers - 1}")
        regroups = s.valid_regroups()
        wanted = [(str(h), h) for h in regroups]
        if [self.regroup_combo.itemData(i) for i in range(self.regroup_combo.count())] != regroups:
            with QSignalBlocker(self.regroup_combo):
                self.regroup_combo.clear()
                for text, h in wanted:
                    self.regroup_combo.addItem(text, h)
        with QSignalBlocker(self.regroup_combo):
            self.regroup_combo.setCurrentIndex(max(0, self.regroup_combo.findData(s.regroup_heads)))
        if info.kind == "synthetic":
            self.fixed_label.hide()
        else:
            self.fixed_label.setText(self.tr(
                "{0}: {1} layers × {2} heads, d_model = {3}. d_model, the heads, the seed and the options are "
                "fixed by the trained model; the text and the token slider work as before.").format(
                info.name, info.n_layers, info.n_heads, info.d_model))
            groups = info.kv_groups()
            if groups:  # grouped-query attention: say which key/value head each query head reads
                parts = [self.tr("heads {0}–{1} use K/V {2}").format(g[0] + 1, g[-1] + 1, k + 1)
                         for k, g in enumerate(groups)]
                self.fixed_label.setText(self.fixed_label.text() + " " + self.tr(
                    "{0} query heads share {1} key/value heads: {2}.").format(
                    info.n_heads, len(groups), "; ".join(parts)))
            self.fixed_label.show()

    def show_progress(self, done: int, total: int, what: str) -> None:
        self.busy_row.show()
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(f"{what} %p%")

    def hide_progress(self) -> None:
        self.busy_row.hide()
