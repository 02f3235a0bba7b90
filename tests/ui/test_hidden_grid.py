"""The heads grid behind another tab waits: a change draws only the view in front (one frame),
the grid holds the newest trace and draws it before it can be seen."""

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture
def win(window):
    return window  # the shared fixture: shown, exposed, drawn once


def settle():
    for _ in range(3):
        QApplication.processEvents()


def test_hidden_grid_waits_and_draws_the_newest_trace_when_shown(win):
    hv = win.heads_view
    win.show_view("step")
    settle()
    before = [image.image for image in hv.images]
    win.state.apply({"n_heads": 4, "d_model": 64, "seed": 99})
    win.flush()
    assert not win._rest_timer.isActive()  # the step-through drew in the same pass: one frame
    assert win.step_view._drawn[0] is win.pair
    assert hv.pending is win.trace and hv.pending.n_heads == 4
    assert [image.image for image in hv.images] == before  # nothing drawn while hidden
    win.state.apply({"seed": 100})
    win.flush()
    assert hv.pending is win.trace and win.trace.config.seed == 100  # only the newest is kept
    win.show_view("heads")
    settle()
    assert hv.pending is None and len(hv.images) == 4
    for k, image in enumerate(hv.images):  # the newest trace's weights, not a stale one
        np.testing.assert_allclose(image.image, win.trace.weights[k].astype(np.float32), atol=1e-7)


def test_grid_in_front_draws_first_and_the_rest_next_turn(win):
    hv = win.heads_view
    win.show_view("heads")
    settle()
    win.state.apply({"n_heads": 2, "d_model": 64})
    win.flush(defer_rest=True)
    assert hv.pending is None and len(hv.images) == 2
    assert win._rest_timer.isActive()  # the comparison and step-through follow on the next turn


def test_colour_scale_and_focus_while_hidden_reach_the_grid(win):
    hv = win.heads_view
    win.show_view("step")
    settle()
    win.state.apply({"n_heads": 8, "d_model": 64})
    win.flush()
    win._set_colour_scale(win.pair)
    hv.toggle_focus(5)  # enlarging a head while the grid waits draws the newest trace, that head alone
    assert hv.focused == 5 and hv.pending is win.trace  # still waiting: drawn when shown
    win.show_view("heads")
    settle()
    assert hv.pending is None
    assert len(hv.images) == 1
    np.testing.assert_allclose(hv.images[0].image, win.trace.weights[5].astype(np.float32), atol=1e-7)
