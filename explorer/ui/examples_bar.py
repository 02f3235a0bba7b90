"""The example picker: a list, ◀ ▶ (PageUp/PageDown), and the example's note."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ..examples import Example, ExampleLibrary
from ..state import ExplorerState
from .i18n import ui_language


class ExamplesBar(QWidget):
    exampleLoaded = Signal(object)  # the Example

    def __init__(self, state: ExplorerState, library: ExampleLibrary, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("examples_bar")
        self.state = state
        self.library = library
        self.language = ui_language()
        self.example_combo = QComboBox(self)
        self.example_combo.setObjectName("example_combo")
        # long titles must not widen the dock: show what fits, the list shows them whole
        self.example_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.example_combo.setMinimumContentsLength(18)
        self.example_combo.setPlaceholderText(self.tr("Choose a worked example…"))
        self.example_combo.setToolTip(self.tr("Worked examples: each loads its text and suggested settings."))
        self.example_prev = self._button("example_prev", "◀", self.tr("Previous example (PageUp)"))
        self.example_next = self._button("example_next", "▶", self.tr("Next example (PageDown)"))
        self.note_label = QLabel(self)
        self.note_label.setObjectName("example_note")
        self.note_label.setWordWrap(True)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.setStyleSheet("background: #f4f1e8; padding: 6px; border-radius: 4px;")
        self.problems_label = QLabel(self)
        self.problems_label.setObjectName("examples_problems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b00020;")
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        if library.problems:
            self.problems_label.setText("\n".join(library.problems))
        self.problems_label.setVisible(bool(library.problems))

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.example_prev)
        row.addWidget(self.example_combo, 1)
        row.addWidget(self.example_next)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.note_label)
        lay.addWidget(self.problems_label)

        self._fill_titles()
        self.example_combo.setCurrentIndex(-1)
        self.note_label.hide()
        self.example_combo.activated.connect(self.load)
        self.example_prev.clicked.connect(lambda: self.step(-1))
        self.example_next.clicked.connect(lambda: self.step(1))
        self.current: Example | None = None

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        b = QToolButton(self)
        b.setObjectName(name)
        b.setText(text)
        b.setToolTip(tip)
        return b

    def _fill_titles(self) -> None:
        index = self.example_combo.currentIndex()
        self.example_combo.blockSignals(True)
        self.example_combo.clear()
        for ex in self.library.examples:
            self.example_combo.addItem(ex.title_for(self.language), ex.id)
        self.example_combo.setCurrentIndex(index)
        self.example_combo.blockSignals(False)

    def set_language(self, lang: str) -> None:
        self.language = lang
        self._fill_titles()
        if self.current is not None:
            self.note_label.setText(self.current.note_for(lang))

    def step(self, delta: int) -> None:
        n = len(self.library.examples)
        if n:
            i = self.example_combo.currentIndex()
            self.load((i + delta) % n if i >= 0 else (0 if delta > 0 else n - 1))

    def load(self, index: int) -> None:
        """Apply example ``index``: its text and suggested settings, one state change."""
        if not 0 <= index < len(self.library.examples):
            return
        ex = self.library.examples[index]
        self.current = ex
        self.example_combo.setCurrentIndex(index)
        if not getattr(ex, "model", ""):  # a trained model's example is applied once the model is open
            # one step: the text, then the settings, then the query token checked against this text
            # and the head and key token the note talks about (a head number in the note is 1-based)
            head = getattr(ex, "head", None)
            self.state.apply({"text": ex.text, **ex.settings, "query": ex.query, "key": getattr(ex, "key", None),
                              "head": head - 1 if isinstance(head, int) else 0})
        self.note_label.setText(ex.note_for(self.language))
        self.note_label.show()
        self.exampleLoaded.emit(ex)
