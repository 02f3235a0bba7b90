"""The control panel. Widgets call the state's setters; state changes update the widgets with
their signals blocked, so nothing loops."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSignalBlocker, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..colorscale import SCALE_NAMES, SCALES
from ..limits import D_MODEL_MAX, D_MODEL_MIN, HEADS_MAX, HEADS_MIN, SEED_MAX, TEMPERATURE_MAX, TEMPERATURE_MIN
from ..state import NOTICE_TEXT, ExplorerState, Notice
from .i18n import translate_notice


class ControlsPanel(QWidget):
    def __init__(self, state: ExplorerState, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("controls_panel")
        self.state = state

        self.text_input = QPlainTextEdit(self)
        self.text_input.setObjectName("text_input")
        self.text_input.setPlaceholderText(self.tr("Type or paste text (English, 中文, or mixed)…"))
        self.text_input.setToolTip(self.tr("The input text. It is split into tokens: words and punctuation, "
                                           "one token per Chinese character. At most 256 tokens are used."))
        self.text_input.setTabChangesFocus(True)
        self.text_input.setMaximumHeight(110)

        self.d_model_slider = self._slider("d_model_slider", D_MODEL_MIN, D_MODEL_MAX, self.tr(
            "d_model: the width of every token vector (4–512). Head counts that don't divide it are skipped."))
        self.d_model_slider.setPageStep(16)
        self.free_d_model_check = QCheckBox(self.tr("free d_model"), self)
        self.free_d_model_check.setObjectName("free_d_model_check")
        self.free_d_model_check.setToolTip(self.tr(
            "Off (default): d_model moves in multiples of h, so the head count never jumps while you drag. "
            "On: any d_model; h then snaps to a count that divides it."))
        self.heads_slider = self._slider("heads_slider", HEADS_MIN, HEADS_MAX, self.tr(
            "h: the number of heads (1–16). Only counts that divide d_model can be chosen; "
            "each head gets d_k = d_model / h dimensions."))
        self.tokens_slider = self._slider("tokens_slider", 1, 1, self.tr(
            "n: how many tokens of the text to use (its maximum is the text's token count, at most 256)."))
        self.d_model_value = QLabel(self)
        self.heads_value = QLabel(self)
        self.tokens_value = QLabel(self)
        for lab in (self.d_model_value, self.heads_value, self.tokens_value):
            lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.fit_value_labels()

        self.d_k_label = QLabel(self)
        self.d_k_label.setObjectName("d_k_label")
        self.d_k_label.setToolTip(self.tr("Each head works in d_k = d_model / h dimensions."))
        self.d_k_label.setWordWrap(True)
        self.d_k_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.seed_spin = QSpinBox(self)
        self.seed_spin.setObjectName("seed_spin")
        self.seed_spin.setRange(0, SEED_MAX)
        self.seed_spin.setToolTip(self.tr("Seed of the random embeddings and weights: same seed, same numbers."))

        self.temperature_spin = QDoubleSpinBox(self)
        self.temperature_spin.setObjectName("temperature_spin")
        self.temperature_spin.setRange(TEMPERATURE_MIN, TEMPERATURE_MAX)
        self.temperature_spin.setDecimals(2)
        self.temperature_spin.setSingleStep(0.1)
        self.temperature_spin.setToolTip(self.tr(
            "Softmax temperature T: scores are divided by T. T < 1 sharpens attention, T > 1 flattens it."))

        self.causal_check = QCheckBox(self.tr("Causal mask"), self)
        self.causal_check.setObjectName("causal_check")
        self.causal_check.setToolTip(self.tr("Decoder-style: each token may only attend to itself and earlier tokens "
                                             "(Ctrl+M)."))
        self.scale_check = QCheckBox(self.tr("Scale by 1/√d_k"), self)
        self.scale_check.setObjectName("scale_check")
        self.scale_check.setToolTip(self.tr("Divide the scores by √d_k before the softmax, as in the paper. "
                                            "Without it, large d_k saturates the softmax (Ctrl+K)."))
        self.positional_check = QCheckBox(self.tr("Positional encoding"), self)
        self.positional_check.setObjectName("positional_check")
        self.positional_check.setToolTip(self.tr("Add sinusoidal position vectors to the token embeddings. Without "
                                                 "them, attention cannot tell positions apart (Ctrl+P)."))

        self.scale_combo = QComboBox(self)
        self.scale_combo.setObjectName("scale_combo")
        for mode in SCALES:  # the names are marked for translation in explorer.colorscale
            self.scale_combo.addItem(QCoreApplication.translate("ColourScale", SCALE_NAMES[mode]), mode)
        self.scale_combo.setToolTip(self.tr(
            "How attention weights become colours, the same for every map in a view. Linear: 0 to the largest "
            "weight shown (rounded up to a tenth). Per row: each query row divided by its own largest weight. "
            "Square root and logarithmic: small weights become visible, for long inputs. The colour bar says "
            "which scale is in use."))

        self.message_label = QLabel(self)
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("d_model"), self._row(self.d_model_slider, self.d_model_value))
        form.addRow("", self.free_d_model_check)
        form.addRow(self.tr("heads h"), self._row(self.heads_slider, self.heads_value))
        form.addRow("", self.d_k_label)
        form.addRow(self.tr("tokens n"), self._row(self.tokens_slider, self.tokens_value))
        form.addRow(self.tr("seed"), self.seed_spin)
        form.addRow(self.tr("temperature"), self.temperature_spin)
        form.addRow(self.tr("colour scale"), self.scale_combo)

        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("Text"), self))
        lay.addWidget(self.text_input)
        lay.addWidget(self.message_label)
        lay.addLayout(form)
        lay.addWidget(self.causal_check)
        lay.addWidget(self.scale_check)
        lay.addWidget(self.positional_check)
        lay.addStretch(1)

        # widget -> state; then mirror the state back, since a setter may snap or clamp the value
        # without changing the state (e.g. 5 heads asked for while 4 divide d_model = 4)
        self.text_input.textChanged.connect(lambda: state.set_text(self.text_input.toPlainText()))
        for signal, setter in (
            (self.d_model_slider.valueChanged, self._set_d_model),
            (self.heads_slider.valueChanged, state.set_n_heads),
            (self.tokens_slider.valueChanged, state.set_n_tokens),
            (self.seed_spin.valueChanged, state.set_seed),
            (self.temperature_spin.valueChanged, state.set_temperature),
            (self.causal_check.toggled, state.set_causal),
            (self.scale_check.toggled, state.set_scaled),
            (self.positional_check.toggled, state.set_positional),
        ):
            signal.connect(lambda value, setter=setter: self._write(setter, value))
        self.scale_combo.currentIndexChanged.connect(
            lambda i: self._write(state.set_color_scale, self.scale_combo.itemData(i)))
        # state -> widget
        state.changed.connect(self._on_state_change)
        self._mirrored = False
        self._on_state_change(frozenset(("text", "d_model", "n_heads", "tokens_wanted", "seed", "causal", "scaled",
                                         "temperature", "positional")))

    def fit_value_labels(self) -> None:
        """The slider values' labels, fixed both ways for the current font: a new value then
        repaints the label alone, without laying the panel (and the window around it) out again on
        every slider step."""
        for lab in (self.d_model_value, self.heads_value, self.tokens_value):
            fm = QFontMetrics(QApplication.font())
            lab.setFixedSize(max(44, fm.horizontalAdvance("888/888") + 6), fm.height() + 4)

    def _set_d_model(self, value: int) -> None:
        """The slider's d_model: a multiple of the current h unless "free d_model" is on."""
        if not self.free_d_model_check.isChecked():
            h = self.state.n_heads
            lo, hi = -(-D_MODEL_MIN // h) * h, (D_MODEL_MAX // h) * h
            value = max(lo, min(hi, int(round(value / h)) * h))
        self.state.set_d_model(value)

    def _write(self, setter, value) -> None:
        """Widget -> state. The state's change event mirrors every widget once; only when the
        setter changed nothing (it snapped or clamped to the value it had) is the widget
        written back here, so a tick writes each widget once."""
        self._mirrored = False
        setter(value)
        if not self._mirrored:
            self._on_state_change(frozenset())

    def _slider(self, name: str, lo: int, hi: int, tip: str) -> QSlider:
        s = QSlider(Qt.Orientation.Horizontal, self)
        s.setObjectName(name)
        s.setRange(lo, hi)
        s.setToolTip(tip)
        s.setTracking(True)
        return s

    def _row(self, slider: QSlider, label: QLabel) -> QWidget:
        w = QWidget(self)
        h = QHBoxLayout(w)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(slider, 1)
        h.addWidget(label)
        return w

    def _on_state_change(self, fields: frozenset) -> None:
        self._mirrored = True
        s = self.state
        fixed = set(s.info.fixed)
        for key, widget in (("d_model", self.d_model_slider), ("n_heads", self.heads_slider),
                            ("seed", self.seed_spin), ("temperature", self.temperature_spin),
                            ("causal", self.causal_check), ("scaled", self.scale_check),
                            ("positional", self.positional_check)):
            widget.setEnabled(key not in fixed)
        if "text" in fields and self.text_input.toPlainText() != s.text:
            with QSignalBlocker(self.text_input):
                self.text_input.setPlainText(s.text)
        with QSignalBlocker(self.d_model_slider):
            self.d_model_slider.setSingleStep(1 if self.free_d_model_check.isChecked() else s.n_heads)
            self.d_model_slider.setValue(s.d_model)
        with QSignalBlocker(self.heads_slider):
            self.heads_slider.setValue(s.n_heads)
        with QSignalBlocker(self.tokens_slider):
            self.tokens_slider.setMaximum(max(1, s.max_tokens))
            self.tokens_slider.setValue(max(1, s.n_tokens))
        # a spin box rewrites (and repaints) its text even for the value it has: only on change
        if self.seed_spin.value() != s.seed:
            with QSignalBlocker(self.seed_spin):
                self.seed_spin.setValue(s.seed)
        if self.temperature_spin.value() != s.temperature:
            with QSignalBlocker(self.temperature_spin):
                self.temperature_spin.setValue(s.temperature)
        for box, on in ((self.causal_check, s.causal), (self.scale_check, s.scaled),
                        (self.positional_check, s.positional == "sinusoidal")):
            with QSignalBlocker(box):
                box.setChecked(on)
        if self.scale_combo.currentData() != s.color_scale:
            with QSignalBlocker(self.scale_combo):
                self.scale_combo.setCurrentIndex(max(0, self.scale_combo.findData(s.color_scale)))
        self.d_model_value.setText(str(s.d_model))
        self.heads_value.setText(str(s.n_heads))
        self.tokens_value.setText(f"{s.n_tokens}/{s.max_tokens}")
        valid = ", ".join(map(str, s.valid_heads()))
        self.d_k_label.setText(self.tr("d_k = {0} / {1} = {2}").format(s.d_model, s.n_heads, s.d_k))
        self.heads_slider.setToolTip(self.tr("h: the number of heads. For d_model = {0} the valid counts are {1}; "
                                             "others are skipped.").format(s.d_model, valid))
        if fixed:  # a model's own sizes, shown where the sliders are
            info = s.info
            self.d_model_value.setText(str(info.d_model))
            self.heads_value.setText(str(info.n_heads))
            self.d_k_label.setText(self.tr("d_k = {0} / {1} = {2} (fixed by the model)").format(
                info.d_model, info.n_heads, info.d_model // info.n_heads))

    def show_notices(self, notices: list[Notice], extra: str | None = None) -> None:
        lines = [translate_notice(n) for n in notices]
        if extra:
            lines.append(extra)
        error = any(n.kind == "error" for n in notices) or bool(extra)
        shown = ("\n".join(lines), error)
        if shown == getattr(self, "_shown_notices", None):
            return  # called on every frame: restyling a label re-polishes it
        self._shown_notices = shown
        self.message_label.setStyleSheet("color: #b00020;" if error else "color: #8a5a00;")
        self.message_label.setText(shown[0])
        self.message_label.setVisible(bool(lines))


__all__ = ["ControlsPanel", "NOTICE_TEXT"]
