"""Guards on the Qt stack and on the layering."""
import subprocess
import sys

import pytest


def test_pyside6_refcount_bug_is_not_installed():
    """PySide6 6.12.0 on Python 3.11 takes a reference from None on every void QPainter call
    and the interpreter aborts with none_dealloc after a few thousand repaints."""
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # widgets tests share this process
    img = QImage(8, 8, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(img)
    before = sys.getrefcount(None)
    for _ in range(1000):
        painter.drawLine(0, 0, 7, 7)
        painter.setPen(painter.pen())
    after = sys.getrefcount(None)
    painter.end()
    assert after - before > -100, f"None lost {before - after} references in 2000 void QPainter calls"
    assert app is not None


def test_pin_excludes_the_bad_combination():
    import PySide6

    bad = sys.version_info < (3, 12) and PySide6.__version__.startswith("6.12.0")
    assert not bad, f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} crashes"


@pytest.mark.parametrize("module", ["explorer.engine", "explorer.state", "explorer.examples"])
def test_qt_free_layers_do_not_import_qt(module):
    code = (
        f"import {module}, sys; bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
