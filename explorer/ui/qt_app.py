"""The one place the QApplication is made: its names (for QSettings), the icon, and the platform
for headless use. Views, exports and the window all get the application from here."""
from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ..resources_path import resource

ORGANIZATION = "AttentionExplorer"
APPLICATION = "Attention Explorer"


def ensure_app(headless: bool = False) -> QApplication:
    """The running QApplication, or a new one. ``headless`` (figures from the command line, no
    window): when no platform was chosen, draw on the offscreen platform (device pixel ratio 1)."""
    app = QApplication.instance()
    if app is None:
        if headless:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        app = QApplication(sys.argv[:1])
        icon = resource("icons", "attention-explorer.png")
        if icon.is_file():
            app.setWindowIcon(QIcon(str(icon)))
    assert isinstance(app, QApplication)
    return app
