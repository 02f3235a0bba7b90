"""The File menu's export actions on the live window: dialogs are replaced (monkeypatched), every
file is read back, and every failure shows one message and leaves no partial file."""
from __future__ import annotations

import csv
import errno
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QAction, QGuiApplication, QImage, QKeySequence

from explorer.ui import export
from explorer.ui.export import FIGURE_SIZES, HANDOUT_SIZE
from explorer.ui.export_actions import SETTINGS_KEY, ExportController

ACTIONS = {
    "export_image_action": "Ctrl+E",
    "export_heads_action": None,
    "copy_image_action": "Ctrl+Shift+C",
    "export_data_action": None,
    "export_handout_action": None,
}


@pytest.fixture
def ctrl(window, monkeypatch):
    c = window.exports  # the controller the window installed in its File menu
    assert isinstance(c, ExportController)
    c.errors = []
    c.asked = []
    monkeypatch.setattr(c, "show_error", c.errors.append)
    monkeypatch.setattr(c, "ask_scale", lambda: 1.0)

    def no_dialog(*args):
        raise AssertionError(f"unexpected dialog {args}")

    monkeypatch.setattr(c, "confirm_overwrite", no_dialog)
    return c


def answer_save(ctrl, monkeypatch, path):
    def ask(title, filters, suggested):
        ctrl.asked.append((title, filters, suggested))
        return None if path is None else str(path)
    monkeypatch.setattr(ctrl, "ask_save_path", ask)


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def png_size(path) -> tuple[int, int]:
    img = QImage(str(path))
    assert not img.isNull(), path
    return img.width(), img.height()


def pdf_pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", Path(path).read_bytes()))


def assert_one_error(ctrl, fragment: str) -> None:
    assert len(ctrl.errors) == 1, ctrl.errors
    msg = ctrl.errors[0]
    assert fragment in msg, msg
    assert "Traceback" not in msg and "\n" not in msg


# ---- the menu ------------------------------------------------------------------------------------
def test_actions_in_the_file_menu_before_quit(window, ctrl):
    menu_actions = window.file_menu.actions()
    quit_index = next(i for i, a in enumerate(menu_actions) if a.text().replace("&", "") == "Quit")
    assert menu_actions[quit_index - 1].isSeparator()
    for name, key in ACTIONS.items():
        act = window.findChild(QAction, name)
        assert act is not None, name
        assert act in menu_actions and menu_actions.index(act) < quit_index, name
        assert act.toolTip() and act.toolTip() != act.text().replace("&", ""), name
        if key:
            assert act.shortcut() == QKeySequence(key), name
    texts = [a.text().replace("&", "") for a in menu_actions]
    for text in ("Export image…", "Export all heads…", "Copy image", "Export data…", "Export step-through…"):
        assert text in texts


def test_action_triggers_the_export(window, ctrl, monkeypatch, tmp_path):
    out = tmp_path / "via_menu.png"
    answer_save(ctrl, monkeypatch, out)
    window.findChild(QAction, "export_image_action").trigger()
    assert ctrl.errors == []
    assert png_size(out) == FIGURE_SIZES["heads"]


# ---- images --------------------------------------------------------------------------------------
def test_export_image_heads_png_at_scale(window, ctrl, monkeypatch, tmp_path):
    out = tmp_path / "grid.png"
    answer_save(ctrl, monkeypatch, out)
    monkeypatch.setattr(ctrl, "ask_scale", lambda: 3.0)
    assert ctrl.current_view() == ("heads", 7)
    assert ctrl.export_image() is True
    assert ctrl.errors == []
    w, h = FIGURE_SIZES["heads"]
    assert png_size(out) == (3 * w, 3 * h)
    assert entries(tmp_path) == ["grid.png"]


def test_export_image_compare_when_it_has_focus(window, ctrl, tmp_path, qtbot):
    window.compare_view.metrics_table.setFocus()
    qtbot.waitUntil(lambda: window.compare_view.metrics_table.hasFocus(), timeout=2000)
    assert ctrl.current_view()[0] == "compare"
    assert ctrl.export_image_to(tmp_path / "cmp.png", 1) is True
    assert png_size(tmp_path / "cmp.png") == FIGURE_SIZES["compare"]


def test_export_image_current_stage(window, ctrl, tmp_path):
    window.tabs.setCurrentWidget(window.step_view)
    window.step_view.set_stage(3)
    assert ctrl.current_view() == ("step", 3)
    assert ctrl.export_image_to(tmp_path / "s.svg") is True
    text = (tmp_path / "s.svg").read_text(encoding="utf-8")
    assert "Step 3" in text and "Split into heads" in text


def test_export_svg_and_pdf_from_the_window(window, ctrl, monkeypatch, tmp_path):
    for name in ("fig.svg", "fig.pdf"):
        answer_save(ctrl, monkeypatch, tmp_path / name)
        monkeypatch.setattr(ctrl, "ask_scale", lambda: pytest.fail("no scale for vectors"))
        assert ctrl.export_image() is True
    assert "animal" in (tmp_path / "fig.svg").read_text(encoding="utf-8")
    assert (tmp_path / "fig.pdf").read_bytes().startswith(b"%PDF") and pdf_pages(tmp_path / "fig.pdf") == 1
    assert ctrl.errors == []


def test_copy_image(window, ctrl):
    QGuiApplication.clipboard().clear()
    assert ctrl.copy_image() is True
    img = QGuiApplication.clipboard().image()
    w, h = FIGURE_SIZES["heads"]
    assert (img.width(), img.height()) == (2 * w, 2 * h)
    assert ctrl.errors == []


# ---- all heads, handout ----------------------------------------------------------------------------
def test_export_all_heads(window, ctrl, monkeypatch, tmp_path):
    monkeypatch.setattr(ctrl, "ask_folder", lambda: str(tmp_path))
    monkeypatch.setattr(ctrl, "ask_format", lambda: "png")
    assert ctrl.export_heads() is True
    h = window.pair.multi.n_heads
    assert entries(tmp_path) == [f"head_{i:02d}.png" for i in range(1, h + 1)]
    for p in tmp_path.iterdir():
        assert png_size(p) == FIGURE_SIZES["head"]
    assert ctrl.errors == []


def test_export_all_heads_overwrite_declined(window, ctrl, monkeypatch, tmp_path):
    (tmp_path / "head_02.png").write_bytes(b"mine")
    monkeypatch.setattr(ctrl, "ask_folder", lambda: str(tmp_path))
    monkeypatch.setattr(ctrl, "ask_format", lambda: "png")
    asked = []
    monkeypatch.setattr(ctrl, "confirm_overwrite", lambda p: asked.append(p) or False)
    assert ctrl.export_heads() is False
    assert asked == [str(tmp_path / "head_02.png")]
    assert entries(tmp_path) == ["head_02.png"] and (tmp_path / "head_02.png").read_bytes() == b"mine"


def test_export_handout_pdf(window, ctrl, monkeypatch, tmp_path):
    out = tmp_path / "handout.pdf"
    answer_save(ctrl, monkeypatch, out)
    assert ctrl.export_handout() is True
    assert out.read_bytes().startswith(b"%PDF") and pdf_pages(out) == 11
    assert ctrl.errors == []


def test_export_handout_pngs_ask_before_overwriting(window, ctrl, monkeypatch, tmp_path):
    (tmp_path / "h_10.png").write_bytes(b"mine")
    answer_save(ctrl, monkeypatch, tmp_path / "h.png")
    asked = []
    monkeypatch.setattr(ctrl, "confirm_overwrite", lambda p: asked.append(p) or True)
    assert ctrl.export_handout() is True
    assert asked == [str(tmp_path / "h_10.png")]
    assert entries(tmp_path) == [f"h_{k:02d}.png" for k in range(11)]
    assert png_size(tmp_path / "h_10.png") == (2 * HANDOUT_SIZE[0], 2 * HANDOUT_SIZE[1])


# ---- data ----------------------------------------------------------------------------------------
def test_export_data_equals_the_window(window, ctrl, monkeypatch, tmp_path):
    weights = window.pair.multi.weights
    tokens = window.pair.multi.tokens
    for name in ("w.npz", "w.csv", "w.json"):
        answer_save(ctrl, monkeypatch, tmp_path / name)
        assert ctrl.export_data() is True, ctrl.errors
    with np.load(tmp_path / "w.npz") as z:
        np.testing.assert_array_equal(z["weights"], weights)
        assert z["tokens"].tolist() == tokens
    doc = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    np.testing.assert_array_equal(np.array(doc["weights"]), weights)
    with open(tmp_path / "w.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["head"] != "single"]
    got = np.zeros_like(weights)
    for r in rows:
        got[int(r["head"]) - 1, int(r["query_index"]), int(r["key_index"])] = float(r["weight"])
    assert len(rows) == weights.size
    np.testing.assert_array_equal(got, weights)
    assert ctrl.errors == []


def test_export_data_follows_the_controls(window, ctrl, tmp_path):
    window.controls.heads_slider.setValue(4)
    window.flush()
    assert window.pair.multi.n_heads == 4
    assert ctrl.export_data_to(tmp_path / "four.npz") is True
    with np.load(tmp_path / "four.npz") as z:
        assert z["weights"].shape[0] == 4
        np.testing.assert_array_equal(z["weights"], window.pair.multi.weights)


# ---- bad input: one message, no file ---------------------------------------------------------------
@pytest.mark.parametrize("method,name,fragment", [
    ("export_image", "missing/f.png", "does not exist"),
    ("export_image", "f.gif", "Unknown image type"),
    ("export_image", "f", "no suffix"),
    ("export_data", "missing/f.csv", "does not exist"),
    ("export_data", "f.txt", "Unknown data type"),
    ("export_data", "f.png", "Unknown data type"),
    ("export_handout", "missing/h.pdf", "does not exist"),
    ("export_handout", "h.svg", "Unknown handout type"),
])
def test_bad_paths_show_one_error(window, ctrl, monkeypatch, tmp_path, method, name, fragment):
    answer_save(ctrl, monkeypatch, tmp_path / name)
    assert getattr(ctrl, method)() is False
    assert_one_error(ctrl, fragment)
    assert entries(tmp_path) == []


def test_path_is_a_folder(window, ctrl, monkeypatch, tmp_path):
    (tmp_path / "d.png").mkdir()
    answer_save(ctrl, monkeypatch, tmp_path / "d.png")
    assert ctrl.export_image() is False
    assert_one_error(ctrl, "is a folder")
    assert entries(tmp_path) == ["d.png"] and not any((tmp_path / "d.png").iterdir())


def test_heads_into_a_missing_folder(window, ctrl, monkeypatch, tmp_path):
    monkeypatch.setattr(ctrl, "ask_folder", lambda: str(tmp_path / "nope"))
    monkeypatch.setattr(ctrl, "ask_format", lambda: "svg")
    assert ctrl.export_heads() is False
    assert_one_error(ctrl, "does not exist")
    assert entries(tmp_path) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write to a read-only folder")
@pytest.mark.parametrize("method", ["export_image", "export_data", "export_handout"])
def test_unwritable_folder(window, ctrl, monkeypatch, tmp_path, method):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        answer_save(ctrl, monkeypatch, locked / ("x.pdf" if method != "export_data" else "x.json"))
        assert getattr(ctrl, method)() is False
        assert_one_error(ctrl, "permission denied")
        assert entries(locked) == []
    finally:
        locked.chmod(0o700)


def test_unwritable_folder_simulated(window, ctrl, monkeypatch, tmp_path):
    """Also as root: the write itself is refused."""
    def refused(path, data):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(export, "_write_bytes", refused)
    assert ctrl.export_image_to(tmp_path / "x.png") is False
    assert_one_error(ctrl, "permission denied")
    assert entries(tmp_path) == []


@pytest.mark.parametrize("name", ["old.png", "old.svg", "old.pdf"])
def test_full_disk_image_keeps_the_old_file(window, ctrl, monkeypatch, tmp_path, name):
    out = tmp_path / name
    out.write_bytes(b"precious")

    def full(path, data):
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "_write_bytes", full)
    answer_save(ctrl, monkeypatch, out)
    monkeypatch.setattr(ctrl, "confirm_overwrite", lambda p: True)
    assert ctrl.export_image() is False
    assert_one_error(ctrl, "disk is full")
    assert out.read_bytes() == b"precious"
    assert entries(tmp_path) == [name]


@pytest.mark.parametrize("name", ["old.npz", "old.csv", "old.json"])
def test_full_disk_data_keeps_the_old_file(window, ctrl, monkeypatch, tmp_path, name):
    out = tmp_path / name
    out.write_bytes(b"precious")

    def fsync_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    import explorer.atomic

    monkeypatch.setattr(explorer.atomic.os, "fsync", fsync_full)
    answer_save(ctrl, monkeypatch, out)
    monkeypatch.setattr(ctrl, "confirm_overwrite", lambda p: True)
    assert ctrl.export_data() is False
    assert_one_error(ctrl, "disk is full")
    assert out.read_bytes() == b"precious"
    assert entries(tmp_path) == [name]


def test_full_disk_heads_all_or_nothing(window, ctrl, disk_full_on_write, tmp_path):
    (tmp_path / "head_01.png").write_bytes(b"precious")
    disk_full_on_write(3)
    assert ctrl.export_heads_to(tmp_path, "png", 1) is False
    assert_one_error(ctrl, "disk is full")
    assert entries(tmp_path) == ["head_01.png"]
    assert (tmp_path / "head_01.png").read_bytes() == b"precious"


def test_unexpected_failure_is_one_sentence(window, ctrl, monkeypatch, tmp_path):
    def boom(*args, **kwargs):
        raise RuntimeError("renderer exploded\nwith details")

    monkeypatch.setattr(export, "figure_bytes", boom)
    assert ctrl.export_image_to(tmp_path / "x.png") is False
    assert_one_error(ctrl, "renderer exploded")
    assert entries(tmp_path) == []


# ---- overwrite, cancel ---------------------------------------------------------------------------
def test_overwrite_declined_leaves_the_file(window, ctrl, monkeypatch, tmp_path):
    for name in ("keep.png", "keep.csv"):
        out = tmp_path / name
        out.write_bytes(b"original")
        asked = []
        monkeypatch.setattr(ctrl, "confirm_overwrite", lambda p: asked.append(p) or False)
        answer_save(ctrl, monkeypatch, out)
        method = ctrl.export_image if name.endswith(".png") else ctrl.export_data
        assert method() is False
        assert asked == [str(out)]
        assert out.read_bytes() == b"original"
    assert ctrl.errors == []
    assert entries(tmp_path) == ["keep.csv", "keep.png"]


def test_overwrite_accepted_replaces_the_file(window, ctrl, monkeypatch, tmp_path):
    out = tmp_path / "again.png"
    out.write_bytes(b"original")
    monkeypatch.setattr(ctrl, "confirm_overwrite", lambda p: True)
    answer_save(ctrl, monkeypatch, out)
    assert ctrl.export_image() is True
    assert png_size(out) == FIGURE_SIZES["heads"]
    assert entries(tmp_path) == ["again.png"]


def test_cancelled_dialogs_do_nothing(window, ctrl, monkeypatch, tmp_path):
    answer_save(ctrl, monkeypatch, None)
    assert ctrl.export_image() is False and ctrl.export_data() is False and ctrl.export_handout() is False
    answer_save(ctrl, monkeypatch, tmp_path / "x.png")
    monkeypatch.setattr(ctrl, "ask_scale", lambda: None)
    assert ctrl.export_image() is False
    monkeypatch.setattr(ctrl, "ask_folder", lambda: None)
    assert ctrl.export_heads() is False
    assert ctrl.errors == [] and entries(tmp_path) == []


# ---- the remembered folder -----------------------------------------------------------------------
def test_last_folder_is_remembered(window, ctrl, monkeypatch, tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    answer_save(ctrl, monkeypatch, first / "a.png")
    assert ctrl.export_image() is True
    assert window.settings.value(SETTINGS_KEY) == str(first.resolve())
    answer_save(ctrl, monkeypatch, first / "b.json")
    assert ctrl.export_data() is True
    assert Path(ctrl.asked[-1][2]).parent == first.resolve()  # offered next time
    # a new controller (as after a restart) offers it too
    other = ExportController(window)
    seen = []
    monkeypatch.setattr(other, "ask_save_path", lambda t, f, s: seen.append(s) or None)
    other.export_handout()
    assert Path(seen[0]).parent == first.resolve()


def test_failed_export_does_not_change_the_folder(window, ctrl, monkeypatch, tmp_path):
    window.settings.setValue(SETTINGS_KEY, str(tmp_path))
    answer_save(ctrl, monkeypatch, tmp_path / "missing" / "x.png")
    assert ctrl.export_image() is False
    assert window.settings.value(SETTINGS_KEY) == str(tmp_path)
