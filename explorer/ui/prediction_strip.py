"""The prediction strip under the views, for causal language models: the ten most likely next
tokens with their probabilities, a temperature for them, and a click that appends one to the
text (the model then runs again on the longer text)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from ..models.readable import readable_byte_level
from ..textfit import elide_middle

TOP_K = 10


def shown(text: str) -> str:
    """A next token as the grid shows tokens: a leading space as ·, a newline as ↵."""
    return readable_byte_level(text.replace(" ", "Ġ").replace("\n", "Ċ").replace("\t", "ĉ"))


class PredictionStrip(QWidget):
    appendRequested = Signal(str)  # the decoded text of the chosen token
    temperatureChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prediction_strip")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        self.title = QLabel(self.tr("Next token:"), self)
        self.title.setToolTip(self.tr("The model's prediction after the last token: the ten most likely next "
                                      "tokens and their probabilities. Click one to append it and run again."))
        lay.addWidget(self.title)
        self.buttons: list[QPushButton] = []
        for i in range(TOP_K):
            b = QPushButton(self)
            b.setObjectName(f"prediction_{i}")
            b.setFlat(False)
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            b.setMinimumWidth(40)
            b.clicked.connect(lambda checked=False, i=i: self._clicked(i))
            lay.addWidget(b, 1)
            self.buttons.append(b)
        self.temperature = QDoubleSpinBox(self)
        self.temperature.setObjectName("prediction_temperature")
        self.temperature.setRange(0.05, 5.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(1.0)
        self.temperature.setPrefix(self.tr("T = "))
        self.temperature.setToolTip(self.tr("Temperature of the prediction: probabilities are softmax(logits / T). "
                                            "T < 1 sharpens them, T > 1 flattens them. The attention is not changed."))
        self.temperature.valueChanged.connect(self.temperatureChanged)
        lay.addWidget(self.temperature)
        self.predictions: list[tuple[str, float]] = []

    def set_predictions(self, predictions: list[tuple[str, float]]) -> None:
        self.predictions = list(predictions)[:TOP_K]
        for i, b in enumerate(self.buttons):
            if i < len(self.predictions):
                text, p = self.predictions[i]
                b.setText(f"{elide_middle(shown(text), 14)}  {p:.1%}")
                b.setToolTip(self.tr("Append {0!r} (probability {1:.4f}) and run again").format(text, p))
                b.show()
            else:
                b.hide()

    def _clicked(self, i: int) -> None:
        if i < len(self.predictions):
            self.appendRequested.emit(self.predictions[i][0])
