"""Help ▸ Keyboard shortcuts."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout


class ShortcutsDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = [
            ("PageUp / PageDown", self.tr("Previous / next example")),
            ("← / →", self.tr("Previous / next stage (in the step-through)")),
            (self.tr("Space"), self.tr("Play / pause the stages (in the step-through)")),
            ("Ctrl+1 / Ctrl+2", self.tr("Heads view / step-through")),
            ("Ctrl+L", self.tr("Edit the text")),
            ("Ctrl+M", self.tr("Causal mask on / off")),
            ("Ctrl+K", self.tr("Scaling by 1/√d_k on / off")),
            ("Ctrl+P", self.tr("Positional encoding on / off")),
            ("Ctrl+E", self.tr("Export image…")),
            ("Ctrl+Shift+C", self.tr("Copy image")),
            (self.tr("Esc"), self.tr("Back to all heads after enlarging one")),
            ("F1", self.tr("This list")),
            ("Ctrl+Q", self.tr("Quit")),
        ]
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("shortcuts_table")
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (keys, action) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(action))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(520, 460)
