import os
import tempfile

# Headless unless a display is asked for explicitly (AE_TEST_DISPLAY=1 keeps the platform as set).
if os.environ.get("AE_TEST_DISPLAY") != "1":
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
# QSettings must never read or write the user's real configuration during tests.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="ae-test-config-")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _normal_zoom():
    """Every test starts at the normal presentation size, whatever an earlier one chose."""
    import sys

    style = sys.modules.get("explorer.ui.style")
    if style is not None and style.zoom() != 1.0:
        style.set_zoom(1.0)
        from PySide6.QtCore import QSettings

        QSettings().remove("ui/zoom")
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
