"""The live window, driven through its widgets; assertions read what is on screen."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QPlainTextEdit, QSlider, QSpinBox

from explorer.engine import AttentionEngine, single_vs_mean, trace_metrics


def shown(win):
    return [image.image for image in win.heads_view.images]


def axis_labels(view, side):
    """The tick labels of the heads grid's shared axis, for the first panel row / column."""
    ticks = view.plot.getAxis(side)._tickLevels[0]
    n = view.mosaic.n
    first = view.mosaic.origin(0)[1 if side == "left" else 0]
    return [label for pos, label in ticks if first <= pos < first + n]


def test_object_names_and_types(window):
    for name, cls in [("d_model_slider", QSlider), ("heads_slider", QSlider), ("tokens_slider", QSlider),
                      ("seed_spin", QSpinBox), ("causal_check", QCheckBox), ("text_input", QPlainTextEdit),
                      ("heads_view", pg.GraphicsLayoutWidget)]:
        w = window.findChild(cls, name)
        assert w is not None, name
    assert window.findChild(QSlider, "d_model_slider").maximum() == 512
    assert window.findChild(QSlider, "d_model_slider").minimum() == 4
    assert window.findChild(QSlider, "heads_slider").maximum() == 16


def test_default_window_shows_the_engine_weights(window):
    state = window.state
    assert state.n_heads == 8 and len(window.heads_view.images) == 8
    assert sum(isinstance(i, pg.ImageItem) for i in window.heads_view.plot.items) == 8
    expected = AttentionEngine().compute(state.config, state.tokens).weights
    for i, img in enumerate(shown(window)):
        assert img.dtype == np.float32 and img.flags.c_contiguous
        np.testing.assert_allclose(img, expected[i], rtol=1e-6, atol=1e-7)
    assert window.shapes_label.text() == "n = 12 · d_model = 64 · h = 8 · d_k = 8"
    assert window.controls.d_k_label.text() == "d_k = 64 / 8 = 8"


def test_each_slider_updates_state_and_panels(window, qtbot):
    c = window.controls
    c.heads_slider.setValue(16)
    window.flush()
    assert window.state.n_heads == 16 and len(window.heads_view.images) == 16
    assert sum(isinstance(i, pg.ImageItem) for i in window.heads_view.plot.items) == 16
    c.d_model_slider.setValue(128)
    window.flush()
    assert window.state.d_model == 128 and window.state.d_k == 8
    c.tokens_slider.setValue(5)
    window.flush()
    assert window.state.n_tokens == 5
    expected = AttentionEngine().compute(window.state.config, window.state.tokens).weights
    assert expected.shape == (16, 5, 5)
    for i, img in enumerate(shown(window)):
        np.testing.assert_allclose(img, expected[i], rtol=1e-6, atol=1e-7)
    c.seed_spin.setValue(7)
    window.flush()
    assert window.state.seed == 7
    assert not np.allclose(shown(window)[0], expected[0])


def test_heads_change_draws_on_the_next_event_loop_turn(window, qtbot):
    window.controls.heads_slider.setValue(2)
    qtbot.waitUntil(lambda: len(window.heads_view.images) == 2, timeout=2000)
    assert [t.toPlainText() for t in window.heads_view.titles] == ["Head 1", "Head 2"]


def test_grid_draws_first_and_the_comparison_follows_on_the_next_turn(window, qtbot):
    """The update timer draws the heads grid at once and the comparison panel one event-loop turn
    later; the hover readout follows the grid, and after that turn both show the same trace."""
    g = window.compare_view.graphics
    before = g.single.image.image.copy()
    window.controls.d_model_slider.setValue(96)  # 96 / 8 heads: d_k = 12
    window.flush(defer_rest=True)  # what the timer runs
    expected = AttentionEngine().compute_pair(window.state.config, window.state.tokens)
    np.testing.assert_allclose(shown(window)[0], expected.multi.weights[0], rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(g.single.image.image, before)  # not yet
    token = window.state.tokens
    assert window.hover_text(0, 1, 2) == f'head 1 · query "{token[1]}" → key "{token[2]}" = ' \
        f"{expected.multi.weights[0, 1, 2]:.3f}"
    qtbot.waitUntil(lambda: not np.array_equal(g.single.image.image, before), timeout=2000)
    np.testing.assert_allclose(g.single.image.image, expected.single.weights[0], rtol=1e-6, atol=1e-7)
    assert window.pair.multi is window.trace


def test_invalid_heads_value_is_never_reached(window):
    c = window.controls
    for d in (4, 6, 12, 48, 97, 100, 512):
        c.d_model_slider.setValue(d)
        for v in list(range(1, 17)) + list(range(16, 0, -1)):
            c.heads_slider.setValue(v)
            assert window.state.d_model % window.state.n_heads == 0
            assert c.heads_slider.value() == window.state.n_heads
        window.flush()
        assert len(window.heads_view.images) == window.state.n_heads
        in_view = [i for i in window.heads_view.plot.items if isinstance(i, pg.ImageItem)]
        assert len(in_view) == window.state.n_heads


def test_typing_text_updates_the_axis_tokens(window, qtbot):
    window.controls.text_input.setPlainText("注意力 is all")
    window.flush()
    assert window.state.tokens == ["注", "意", "力", "is", "all"]
    view = window.heads_view
    assert axis_labels(view, "left") == ["注", "意", "力", "is", "all"]
    assert axis_labels(view, "bottom") == ["注", "意", "力", "is", "all"]
    assert window.controls.tokens_slider.maximum() == 5
    assert window.controls.tokens_value.text() == "5/5"


def test_long_text_is_thinned_on_the_axes(window):
    window.controls.text_input.setPlainText(" ".join(f"word{i}" for i in range(200)))
    window.controls.heads_slider.setValue(16)
    window.flush()
    labels = axis_labels(window.heads_view, "left")
    assert 1 < len(labels) < 200
    assert labels[0] == "word0"


def test_key_labels_of_neighbouring_panels_do_not_overlap(window):
    from explorer.ui.style import label_extent

    window.controls.text_input.setPlainText(" ".join(["Attention lets every token look at every other token."] * 30))
    window.controls.heads_slider.setValue(4)
    window.flush()
    view = window.heads_view
    assert view.mosaic.cols > 1
    ticks = sorted(pos for pos, _ in view.plot.getAxis("bottom")._tickLevels[0])
    px = view.plot.getViewBox().sceneBoundingRect().width() / view.mosaic.width  # pixels per unit
    widest = label_extent(window.state.tokens)[1]
    gaps = [(b - a) * px for a, b in zip(ticks, ticks[1:])]
    assert min(gaps) >= widest  # centres a whole label apart, also across the gap between panels
    assert len(ticks) >= 2 * view.mosaic.cols  # and still labelled


def test_hover_readout_names_head_tokens_and_value(window, qtbot):
    view = window.heads_view
    scene_pos = view.cell_center(2, 7, 1)  # head 3: query 7 "it", key 1 "animal"
    qtbot.mouseMove(view.viewport(), view.mapFromScene(scene_pos))
    qtbot.waitUntil(lambda: window.hover_label.text() != "", timeout=2000)
    w = window.pair.multi.weights[2, 7, 1]
    assert window.hover_label.text() == f'head 3 · query "it" → key "animal" = {w:.3f}'


def test_hover_readout_follows_new_numbers_while_the_pointer_rests(window, qtbot):
    view = window.heads_view
    qtbot.mouseMove(view.viewport(), view.mapFromScene(view.cell_center(0, 0, 0)))  # a real move:
    qtbot.mouseMove(view.viewport(), view.mapFromScene(view.cell_center(2, 7, 1)))  # the cursor is global
    qtbot.waitUntil(lambda: window.hover_label.text().startswith("head 3"), timeout=2000)
    before = window.hover_label.text()
    window.controls.seed_spin.setValue(5)  # new weights under a pointer that does not move
    window.flush()
    w = window.trace.weights[2, 7, 1]
    assert window.hover_label.text() == f'head 3 · query "it" → key "animal" = {w:.3f}' != before
    window.controls.heads_slider.setValue(2)  # head 3 is gone: the cell under the pointer changes
    window.flush()
    hit = view.cell_under(view._pointer)
    expected = "" if hit is None else window.hover_text(*hit)
    assert window.hover_label.text() == expected


def test_causal_toggle_zeroes_the_upper_triangle_on_screen(window):
    window.controls.causal_check.setChecked(True)
    window.flush()
    assert window.state.causal
    for img in shown(window):
        assert np.all(np.triu(img, 1) == 0)
        assert np.all(np.diag(img) > 0)
    window.controls.causal_check.setChecked(False)
    window.flush()
    assert np.triu(shown(window)[0], 1).sum() > 0


def test_scaling_and_positions_toggles(window):
    before = shown(window)[0].copy()
    window.controls.scale_check.setChecked(False)
    window.flush()
    assert not window.state.scaled
    assert not np.allclose(shown(window)[0], before)
    window.controls.positional_check.setChecked(False)
    window.flush()
    assert window.state.positional == "none"


def test_clicking_a_head_enlarges_it_and_escape_returns(window, qtbot):
    view = window.heads_view
    scene_pos = view.cell_center(4, 2, 2)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(scene_pos))
    qtbot.waitUntil(lambda: len(view.images) == 1, timeout=2000)
    assert view.focused == 4
    assert view.titles[0].toPlainText().startswith("Head 5")
    np.testing.assert_allclose(view.images[0].image, window.pair.multi.weights[4], rtol=1e-6)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.focused is None and len(view.images) == 8


def test_model_to_widget_updates_do_not_loop(window):
    calls = []
    window.state.changed.connect(calls.append)
    window.state.set_d_model(128)
    assert window.controls.d_model_slider.value() == 128
    assert len(calls) == 1  # the slider update did not echo back into the state


@pytest.mark.parametrize("text, fragment", [
    ("", "Enter some text"),
    ("   \n ", "only whitespace"),
])
def test_unusable_text_clears_the_views_with_a_hint_and_keeps_the_settings(window, text, fragment):
    window.state.apply({"d_model": 96, "n_heads": 6, "seed": 42})
    window.flush()
    assert shown(window)
    window.controls.text_input.setPlainText(text)
    window.flush()
    assert window.controls.message_label.isVisible()
    assert fragment in window.controls.message_label.text()
    assert not any(image.isVisible() and image.scene() is not None for image in window.heads_view.images)
    assert window.heads_view.hint_text() == "Type some text in the Controls panel to see its attention."
    assert (window.state.d_model, window.state.n_heads, window.state.seed) == (96, 6, 42)
    window.controls.text_input.setPlainText("back again")
    window.flush()
    assert [img.shape for img in shown(window)] == [(2, 2)] * 6
    assert window.heads_view.hint_text() == ""


def test_too_many_tokens_are_truncated_with_a_notice(window):
    window.controls.text_input.setPlainText(" ".join(f"w{i}" for i in range(300)))
    window.flush()
    assert window.state.n_tokens == 256
    assert "has 300 tokens; only the first 256 are used" in window.controls.message_label.text()
    assert shown(window)[0].shape == (256, 256)


def test_control_characters_are_reported(window):
    window.controls.text_input.setPlainText("hello\x00 wor\x07ld")
    window.flush()
    assert "Removed 2 control character(s)" in window.controls.message_label.text()
    assert window.state.tokens == ["hello", "wor", "ld"]


def test_engine_error_is_shown_and_the_last_picture_stays(window):
    before = [img.copy() for img in shown(window)]
    window.state.d_model = 63  # bypass the setters: an invalid pair reaches the engine
    window.flush()
    text = window.controls.message_label.text()
    assert "Cannot compute" in text and "not divisible by n_heads=8" in text
    for a, b in zip(before, shown(window)):
        np.testing.assert_array_equal(a, b)


def test_comparison_panel_shows_single_mean_difference_and_metrics(window):
    pair = window.pair
    g = window.compare_view.graphics
    np.testing.assert_allclose(g.single.image.image, pair.single.weights[0], rtol=1e-6)
    np.testing.assert_allclose(g.mean.image.image, pair.multi.weights.mean(0), rtol=1e-6)
    np.testing.assert_allclose(g.diff.image.image, pair.single.weights[0] - pair.multi.weights.mean(0), atol=1e-6)
    window.compare_view.refresh_tables()
    table = window.compare_view.metrics_table
    m = trace_metrics(pair.multi)
    assert table.rowCount() == 9
    assert table.verticalHeaderItem(3).text() == "Head 3"
    assert float(table.item(3, 0).text()) == pytest.approx(m.entropy_bits[2], abs=5e-4)
    assert float(table.item(3, 2).text()) == pytest.approx(m.distance[2], abs=5e-4)
    assert float(table.item(0, 3).text()) == pytest.approx(single_vs_mean(pair).js, abs=5e-4)
    cost = window.compare_view.cost_table
    assert cost.item(0, 0).text() == cost.item(0, 1).text() == f"{4 * 64 * 64:,}"
    assert cost.item(2, 2).text() == "× 8.000"


def test_window_geometry_is_remembered(qtbot):
    from explorer.app import create_main_window

    first = create_main_window()
    qtbot.addWidget(first)
    first.resize(640, 480)  # within the offscreen screen (800 x 800)
    first.show()
    first.close()
    second = create_main_window()
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (640, 480)


def test_status_bar_reports_times(window):
    window.controls.heads_slider.setValue(4)
    window.flush()
    window.heads_view.repaint()
    window._update_labels()
    assert window.timing_label.text().startswith("compute ")
    assert window.heads_view.last_paint_ms > 0


def test_unexpected_errors_become_a_message_and_the_window_stays(window, capsys):
    from explorer.app import error_hook

    shown = []
    hook = error_hook(window, show=shown.append)
    try:
        raise RuntimeError("boom")
    except RuntimeError as e:
        hook(type(e), e, e.__traceback__)
    assert len(shown) == 1
    box = shown[0]
    assert "Something went wrong: boom" in box.text() and "settings are kept" in box.text()
    assert "RuntimeError: boom" in box.detailedText()
    assert "RuntimeError: boom" in capsys.readouterr().err
    assert window.isVisible() and window.pair is not None
