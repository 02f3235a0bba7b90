"""Readable and guided (issue: labels, keys, export naming, presentation mode)."""
from PySide6.QtCore import Qt


def test_arrow_keys_step_right_after_switching_to_the_step_tab(window, qtbot):
    window.tabs.setCurrentIndex(0)
    window.tabs.setFocus()
    window.tabs.setCurrentIndex(1)  # as a click on the tab does: the tab bar keeps the focus
    window.step_view.set_stage(3)
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_Right)
    assert window.step_view.stage == 4 and window.tabs.currentIndex() == 1  # the tab did not switch
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_Left)
    assert window.step_view.stage == 3
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_End)
    assert window.step_view.stage == 10
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_Home)
    assert window.step_view.stage == 0


def test_ctrl_2_then_right_advances(window, qtbot):
    window.controls.heads_slider.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.step_view
    start = window.step_view.stage
    qtbot.keyClick(window.controls.heads_slider, Qt.Key.Key_Right)
    assert window.step_view.stage == min(start + 1, 10)


def test_typing_in_the_text_keeps_its_keys(window, qtbot):
    window.tabs.setCurrentWidget(window.step_view)
    window.step_view.set_stage(5)
    box = window.controls.text_input
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Left)
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert window.step_view.stage == 5
    assert " " in box.toPlainText()


def test_the_export_dialog_names_the_view_it_writes(window):
    asked = []
    window.exports.ask_save_path = lambda title, filters, suggested: asked.append(title) or None
    window.exports.export_image()
    assert asked[-1].endswith("the heads grid")
    window.tabs.setCurrentWidget(window.step_view)
    window.step_view.set_stage(5)
    window.exports.export_image()
    assert asked[-1].endswith("step 5 of the step-through")


def test_presentation_mode_scales_fonts_and_is_remembered(window, qtbot):
    from PySide6.QtWidgets import QApplication

    from explorer.ui import style

    base = QApplication.instance().font().pointSizeF()
    tick = style.tick_font().pointSizeF()
    try:
        assert window.zoom_step(+1) == style.ZOOM_STEPS[1]
        assert QApplication.instance().font().pointSizeF() > base
        assert style.tick_font().pointSizeF() > tick
        assert window.settings.value("ui/zoom", type=float) == style.ZOOM_STEPS[1]
        assert len(window.heads_view.images) == window.state.n_heads  # the rebuilt views draw
    finally:
        window.zoom_step(0)
    assert QApplication.instance().font().pointSizeF() == base and style.tick_font().pointSizeF() == tick


def test_dragging_d_model_keeps_the_head_count(window):
    slider = window.controls.d_model_slider
    window.controls.heads_slider.setValue(8)
    seen = set()
    for v in range(64, 81):  # the drag from the issue: 64 -> 80 with h = 8
        slider.setValue(v)
        seen.add(window.state.n_heads)
        assert window.state.d_model % 8 == 0
    assert seen == {8} and window.state.d_model == 80
    window.controls.free_d_model_check.setChecked(True)  # the old behaviour, on request
    slider.setValue(97)
    assert window.state.d_model == 97 and window.state.n_heads == 1
