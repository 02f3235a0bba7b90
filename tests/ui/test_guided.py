"""Guided (issue #10): examples select the head, query and key their note talks about, in the
grid, the drill-down and the step-through; the first start shows the first example; token focus
is shared by every matrix view; Esc lets go; the step keys survive a language switch."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt


def load(window, example_id: str) -> None:
    i = [e.id for e in window.library.examples].index(example_id)
    window.examples_bar.load(i)
    window.flush()


def test_loading_the_coreference_example_selects_its_head_and_cell(window):
    load(window, "coreference-it")
    s = window.state
    assert (s.head, s.query, s.key) == (7, 7, 1)  # "Head 8", the row of "it", the column of "animal"
    assert s.tokens[7] == "it" and s.tokens[1] == "animal"
    # the cell the note names is the one the engine says: head 8's largest weight for "it"
    w = window.trace.weights
    assert int(np.argmax(w[7, 7])) == 1 and w[7, 7, 1] > 0.9
    # the grid outlines head 8 and highlights the row and the column
    assert window.heads_view.selected == 7
    assert window.heads_view.focus == (7, 1)
    # the comparison and the step-through show the same focus; the drill-down follows head 8 and "it"
    assert window.compare_view.graphics.single.focus == (7, 1)
    window.show_view("step")
    window.flush()
    assert window.step_view.graphics.focus == (7, 1)
    assert (window.step_view.query, window.step_view.drill_head) == (7, 7)
    assert window.step_view.query_combo.currentIndex() == 7
    assert window.step_view.drill_head_combo.currentIndex() == 7


def test_every_example_with_a_named_cell_selects_it(window):
    for ex in window.library.examples:
        if getattr(ex, "model", "") or ex.head is None:
            continue
        load(window, ex.id)
        s = window.state
        assert (s.head, s.query, s.key) == (ex.head - 1, ex.query, ex.key), ex.id
        assert int(np.argmax(window.trace.weights[s.head, s.query])) == ex.key, ex.id


def test_first_launch_shows_the_first_example_with_its_note_and_cell(window):
    window.settings.remove("ui/first_run_done")
    assert window.welcome_if_first_launch() is True
    first = window.library.examples[0]
    assert window.examples_bar.current is first
    assert window.examples_bar.note_label.isVisible()
    assert window.examples_bar.note_label.text() == first.note_for("en")
    assert window.state.text == first.text
    assert (window.state.head, window.state.query, window.state.key) == (first.head - 1, first.query, first.key)
    assert window.heads_view.selected == first.head - 1
    # later starts keep what the user had
    window.state.set_text("something else")
    assert window.welcome_if_first_launch() is False
    assert window.state.text == "something else"


def test_hovering_a_token_focuses_it_everywhere_and_clicking_keeps_it_until_esc(window, qtbot):
    load(window, "coreference-it")
    window.state.clear_focus()
    window._on_token_hovered("key", 5)  # as the heads grid emits it for the "street" label
    assert window.heads_view.focus == (None, 5) and window.compare_view.graphics.single.focus == (None, 5)
    window._on_token_hovered("", -1)
    assert window.heads_view.focus == (None, None)
    window.heads_view.tokenClicked.emit("query", 3)
    assert window.state.query == 3
    assert window.heads_view.focus == (3, None) and window.compare_view.graphics.single.focus == (3, None)
    assert window.step_view.query == 3  # the drill-down follows the clicked query
    window.heads_view.tokenClicked.emit("key", 9)
    assert window.state.key == 9 and window.heads_view.focus == (3, 9)
    window._on_token_hovered("query", 0)  # hovering another query shows it while the pointer is there
    assert window.heads_view.focus == (0, 9)
    window._on_token_hovered("", -1)
    qtbot.keyClick(window.controls.seed_spin, Qt.Key.Key_Escape)
    assert (window.state.query, window.state.key) == (None, None)
    assert window.heads_view.focus == (None, None) and window.compare_view.graphics.single.focus == (None, None)


def test_esc_first_leaves_an_enlarged_head(window, qtbot):
    window.state.set_query(2)
    window.heads_view.toggle_focus(3)
    assert window.heads_view.focused == 3
    qtbot.keyClick(window.heads_view, Qt.Key.Key_Escape)
    assert window.heads_view.focused is None and window.state.query == 2
    qtbot.keyClick(window.heads_view, Qt.Key.Key_Escape)
    assert window.state.query is None


def test_step_keys_still_work_after_switching_the_language(window, qtbot):
    window.set_language("zh")
    window.set_language("en")
    window.show_view("step")
    window.step_view.set_stage(2)
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_Right)
    assert window.step_view.stage == 3
