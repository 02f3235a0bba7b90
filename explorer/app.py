"""The window's start-up: the main window, the error hook and the event loop.

``explorer.cli.main`` is the one entry point (``main.py``, the ``attention-explorer`` script); it
calls ``run_gui`` when no command is given. Nothing here imports the command line."""
from __future__ import annotations

import sys
from typing import Any


def create_main_window(state: Any = None, library: Any = None, language: str | None = None) -> Any:
    """Build the main window (not shown, no event loop) so tests and scripts can drive it.
    ``language``: "zh" or "en" for this window's UI language; None keeps the current choice."""
    from .engine.memory import tune_allocator
    from .ui.main_window import MainWindow
    from .ui.qt_app import ensure_app

    ensure_app()
    tune_allocator()
    return MainWindow(state, library=library, language=language)


def error_hook(window: Any, show: Any = None) -> Any:
    """A sys.excepthook for the window: an unexpected exception in a slot must not vanish into
    stderr or take the window down. It is shown as a short message (the traceback under
    "Show Details…"), and the window, with all the user's settings, keeps running."""
    import traceback

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    showing: list[Any] = []

    def hook(kind: Any, value: Any, tb: Any) -> None:
        details = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(details)
        if showing:  # one message at a time; the rest are on stderr
            return
        box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("App", "Attention Explorer"),
                          QCoreApplication.translate("App", "Something went wrong: {0}\nYour settings are kept; "
                                                     "you can go on working.").format(value), parent=window)
        box.setDetailedText(details)
        showing.append(box)
        try:
            (show or QMessageBox.exec)(box)
        finally:
            showing.clear()

    return hook


def run_gui(session: Any = None, language: str | None = None) -> int:
    """Open the window (at ``session``'s state, when given) and run the event loop."""
    from .platform_check import missing_x11_packages, x11_help

    missing = missing_x11_packages()
    if missing:
        print(x11_help(missing), file=sys.stderr)
        return 2
    from .ui.qt_app import ensure_app

    app = ensure_app()
    window = create_main_window(language=language)
    if session is not None:
        window.apply_session(session)
    else:
        window.welcome_if_first_launch()
    sys.excepthook = error_hook(window)
    window.show()
    return int(app.exec())
