"""The house issue's contracts: a view is one registration; sessions round-trip to the same
pixels; bad session files change nothing; a slider tick computes and writes back once."""
import json

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from explorer.engine import AttentionEngine
from explorer.session import load_session
from explorer.ui.views.registry import VIEWS, ViewSpec, register, unregister


def pixels(widget) -> np.ndarray:
    img = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_ARGB32)
    ptr = img.constBits()
    return np.frombuffer(ptr, np.uint8, count=img.sizeInBytes()).reshape(img.height(), img.bytesPerLine()).copy()


class TrivialView(QLabel):
    """A view in one class: it shows the token count of the state it was last given."""

    def __init__(self, window) -> None:
        super().__init__("—", window)
        self.setObjectName("trivial_view")
        self.calls = 0

    def show_state(self, window) -> None:
        self.calls += 1
        self.setText(f"{window.state.n_tokens} tokens")

    def save_state(self) -> dict:
        return {"text": self.text()}

    def restore_state(self, state: dict) -> None:
        self.setText(state.get("text", ""))


@pytest.fixture
def trivial():
    register(ViewSpec("trivial", "Trivial", TrivialView))  # the one registration a new view needs
    yield
    unregister("trivial")


def test_a_new_view_is_one_registration(trivial, qtbot, tmp_path):
    from explorer.app import create_main_window

    win = create_main_window()
    qtbot.addWidget(win)
    win.show()
    win.flush()
    view = win.views["trivial"]
    titles = [win.tabs.tabText(i) for i in range(win.tabs.count())]
    assert "Trivial" in titles
    assert view.calls == 0  # hidden: it draws when shown, never stale
    win.show_view("trivial")
    assert view.calls == 1 and view.text() == f"{win.state.n_tokens} tokens"
    win.state.set_n_tokens(5)
    win.flush()
    assert view.text() == "5 tokens"
    assert win.state.view == "trivial"
    # the exporter draws it as it is
    assert win.exports.current_view()[0] == "trivial"
    out = tmp_path / "trivial.png"
    assert win.exports.export_image_to(out, scale=1)
    assert out.stat().st_size > 1000
    # the session remembers it by name
    assert win.session().view == "trivial"


def test_session_round_trip_draws_the_same_pixels(qtbot, tmp_path):
    from explorer.app import create_main_window

    a = create_main_window()
    qtbot.addWidget(a)
    a.resize(1200, 800)
    a.show()
    qtbot.waitExposed(a)
    s = a.state
    s.apply({"text": "The cat sat on the mat because it was warm.", "d_model": 48, "n_heads": 6, "seed": 3,
             "causal": True, "temperature": 0.7})
    s.set_n_tokens(9)
    s.set_regroup_heads(2)
    a.flush()
    before = pixels(a.heads_view)
    compare_before = pixels(a.compare_view)
    path = tmp_path / "s.json"
    assert a.save_session_to(str(path))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "attention-explorer-session" and doc["version"] == 1
    assert doc["settings"]["n_heads"] == 6 and doc["regroup_heads"] == 2 and doc["settings"]["n_tokens"] == 9
    a.close()

    b = create_main_window()
    qtbot.addWidget(b)
    b.resize(1200, 800)
    b.show()
    qtbot.waitExposed(b)
    assert b.open_session_file(str(path))
    b.flush()
    assert (b.state.d_model, b.state.n_heads, b.state.seed, b.state.causal, b.state.n_tokens) == (48, 6, 3, True, 9)
    assert b.state.regroup_heads == 2 and b.pair.single.n_heads == 2
    np.testing.assert_array_equal(pixels(b.heads_view), before)
    np.testing.assert_array_equal(pixels(b.compare_view), compare_before)


@pytest.mark.parametrize("content, fragment", [
    (b"\xff\xfe not text", "not a text"),
    (b"{not json", "not valid JSON"),
    (b'{"format": "something-else", "version": 1}', "not an Attention Explorer session"),
    (b'{"format": "attention-explorer-session", "version": 99}', "newer Attention Explorer"),
    (b'{"format": "attention-explorer-session", "version": 1, "settings": {"n_heads": 5, "d_model": 12}}',
     "invalid settings"),
    (b'{"format": "attention-explorer-session", "version": 1, "source": {"kind": "nope"}}', "unknown source"),
])
def test_bad_session_files_get_one_message_and_change_nothing(window, tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    shown = []
    window.exports.show_error = shown.append
    before = (window.state.text, window.state.settings, window.state.view)
    assert not window.open_session_file(str(path))
    assert len(shown) == 1 and fragment in shown[0], shown
    assert (window.state.text, window.state.settings, window.state.view) == before


def test_missing_session_file_is_one_message(window, tmp_path):
    shown = []
    window.exports.show_error = shown.append
    assert not window.open_session_file(str(tmp_path / "nope.json"))
    assert "does not exist" in shown[0]


def test_a_session_saved_now_opens_with_every_selection(window, tmp_path):
    window.state.apply({"head": 3, "query": 4, "key": 2, "stage": 5})
    path = tmp_path / "sel.json"
    assert window.save_session_to(str(path))
    session = load_session(path)
    assert (session.head, session.query, session.key) == (3, 4, 2)
    assert path.read_text(encoding="utf-8").endswith("\n")
    assert not list(tmp_path.glob(".*tmp*"))  # written atomically: no temporary left


def test_one_slider_tick_computes_once_and_writes_each_widget_once(window, monkeypatch):
    computes, mirrors, notices = [], [], []
    real_compute = AttentionEngine.compute
    monkeypatch.setattr(AttentionEngine, "compute",
                        lambda self, *a, **k: computes.append(a) or real_compute(self, *a, **k))
    real_mirror = type(window.controls)._on_state_change
    monkeypatch.setattr(window.controls, "_on_state_change",
                        lambda f: mirrors.append(f) or real_mirror(window.controls, f))
    real_notices = window.controls.show_notices
    monkeypatch.setattr(window.controls, "show_notices", lambda *a: notices.append(a) or real_notices(*a))
    window.state.changed.disconnect(real_mirror.__get__(window.controls))
    window.state.changed.connect(window.controls._on_state_change)
    window.controls.heads_slider.setValue(4)  # one tick
    window.flush()
    assert window.state.n_heads == 4
    assert len(computes) == 2  # the 4-head trace and the 1-head trace: one each (was 3 calls)
    assert len(mirrors) == 1  # the controls are written back once (was twice)
    assert len(notices) == 1  # notices shown once (was three times)


def test_registry_names_the_cli_views():
    from explorer.cli import FIGURE_VIEWS

    assert FIGURE_VIEWS[:3] == ("heads", "compare", "step")
    assert set(FIGURE_VIEWS) <= set(VIEWS)
