import os
import tempfile

# Headless unless a display is asked for explicitly (AE_TEST_DISPLAY=1 keeps the platform as set).
if os.environ.get("AE_TEST_DISPLAY") != "1":
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
# QSettings must never read or write the user's real configuration during tests.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="ae-test-config-")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _english_at_normal_size():
    """Every test starts in English at the normal presentation size and the default layout,
    whatever an earlier one (the fuzz test picks menu actions at random) chose and saved."""
    import sys

    style = sys.modules.get("explorer.ui.style")
    i18n = sys.modules.get("explorer.ui.i18n")
    if style is not None or i18n is not None:
        from PySide6.QtCore import QSettings

        settings = QSettings()
        for key in ("ui/zoom", "ui/language", "MainWindow"):  # MainWindow: geometry, docks, splitter
            settings.remove(key)
        if style is not None and style.zoom() != 1.0:
            from PySide6.QtWidgets import QApplication

            style.set_zoom(1.0)
            if QApplication.instance() is not None:
                style.apply_zoom_to_app(QApplication.instance())
        if i18n is not None and i18n.ui_language() != "en":
            i18n.install_language("en")
    yield


@pytest.fixture
def window(qtbot):
    from explorer.app import create_main_window

    win = create_main_window()
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    qtbot.waitExposed(win)
    win.flush()
    return win


@pytest.fixture
def disk_full_on_write(monkeypatch):
    """Make the k-th file an export writes fail with "No space left on device" (the ones before
    it are written for real); returns the list of paths attempted so far."""
    import errno

    from explorer.ui import export

    def arm(k: int) -> list:
        real, calls = export._write_bytes, []

        def write(path, data):
            calls.append(path)
            if len(calls) == k:
                raise OSError(errno.ENOSPC, "No space left on device")
            real(path, data)

        monkeypatch.setattr(export, "_write_bytes", write)
        return calls

    return arm
