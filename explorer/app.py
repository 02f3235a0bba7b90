"""Application start-up: the QApplication, the main window, and the command-line entry."""
from __future__ import annotations

import sys


def _ensure_app():
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName("AttentionExplorer")
        QCoreApplication.setApplicationName("Attention Explorer")
        app = QApplication(sys.argv[:1])
        from pathlib import Path

        from PySide6.QtGui import QIcon

        icon = Path(__file__).resolve().parents[1] / "resources" / "icons" / "attention-explorer.png"
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
    return app


def create_main_window(state=None, library=None):
    """Build the main window (not shown, no event loop) so tests and scripts can drive it."""
    _ensure_app()
    from .engine.memory import tune_allocator
    from .ui.main_window import MainWindow

    tune_allocator()
    return MainWindow(state, library=library)


def error_hook(window, show=None):
    """A sys.excepthook for the window: an unexpected exception in a slot must not vanish into
    stderr or take the window down. It is shown as a short message (the traceback under
    "Show Details…"), and the window, with all the user's settings, keeps running."""
    import traceback

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    showing = []

    def hook(kind, value, tb) -> None:
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


def run_gui() -> int:
    from .platform_check import missing_x11_packages, x11_help

    missing = missing_x11_packages()
    if missing:
        print(x11_help(missing), file=sys.stderr)
        return 2
    app = _ensure_app()
    window = create_main_window()
    sys.excepthook = error_hook(window)
    window.show()
    return app.exec()


def main() -> int:
    """`attention-explorer` / `python main.py`: the window, or a subcommand (see --help)."""
    try:
        from .cli import main as cli_main
    except ImportError:  # the command line module is optional for the window itself
        return run_gui()
    return cli_main(sys.argv[1:])
