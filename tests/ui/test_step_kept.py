"""The step-through keeps the arrangements it laid out: going back to a head count it showed
before puts that layout on screen again as it was (same panels, same geometry, no placing), and
what it shows is the new trace's numbers. A new view size or zoom places it again. Panels for
more layouts are made in idle time only: a change never waits for new panels it can borrow.

These are the stages drawn as a grid of plots; stage 8 (each head's output beside the single
head's) has one panel per head, as the weights had before they became one mosaic
(tests/ui/test_step_mosaic.py)."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from explorer.ui import stage_view


@pytest.fixture
def win(window):
    """The shared window fixture with the step-through in front at stage 8 (a plot per head)."""
    window.show_view("step")
    window.step_view.set_stage(8)
    settle()
    return window


def settle():
    for _ in range(3):
        QApplication.processEvents()


def set_heads(w, heads, d_model=512, seed=None):
    change = {"n_heads": heads, "d_model": d_model}
    if seed is not None:
        change["seed"] = seed
    w.state.apply(change)
    w.flush()
    settle()


def idle(qtbot, g):
    """Wait while the view makes its spare panels (after TOP_UP_IDLE_MS without a change)."""
    qtbot.waitUntil(lambda: len(g._free) >= stage_view.SPARE_PLOTS or g._plots_made() >= stage_view.MAX_PLOTS,
                    timeout=10_000)


def geometry(g):
    return [(p.sceneBoundingRect().getRect(), p.getViewBox().sceneBoundingRect().getRect()) for p in g.plots]


def shown_outputs(g, n_heads):
    """The head outputs each head panel holds (the image's data), (h, n, d_k)."""
    return np.stack([g.plots[j]._data for j in range(n_heads)])


def test_a_head_count_shown_before_comes_back_without_placing(win, monkeypatch, qtbot):
    g = win.step_view.graphics
    set_heads(win, 16)
    idle(qtbot, g)
    plots16, geom16 = list(g.plots), geometry(g)
    assert len(plots16) == 17
    set_heads(win, 4)
    assert len(g.plots) == 5 and not set(map(id, g.plots)) & set(map(id, plots16))
    assert all(not p.isVisible() for p in plots16)  # the kept layout is hidden, not drawn over
    placed = []
    monkeypatch.setattr(g, "_place", lambda *a: placed.append(a) or stage_view.StageGraphics._place(g, *a))
    set_heads(win, 16, seed=1234)  # back, with other numbers
    assert placed == []  # no placing: the kept layout as it was
    assert [id(p) for p in g.plots] == [id(p) for p in plots16] and geometry(g) == geom16
    assert all(p.isVisible() for p in g.plots)
    t = win.pair.multi
    assert t.n_heads == 16 and t.config.seed == 1234
    np.testing.assert_array_equal(shown_outputs(g, 16), t.head_outputs.astype(np.float32))
    np.testing.assert_array_equal(g.plots[16]._data, win.pair.single.head_outputs[0].astype(np.float32))
    # the hover readout names the new numbers
    assert f"{float(t.head_outputs[3, 2, 1]):.3f}" in g.readout(3, 2, 1)


def test_a_new_view_size_places_a_kept_layout_again(win, monkeypatch, qtbot):
    g = win.step_view.graphics
    set_heads(win, 16)
    idle(qtbot, g)
    set_heads(win, 8)
    assert len(g._kept) >= 2
    win.resize(1280, 720)
    settle()
    placed = []
    monkeypatch.setattr(g, "_place", lambda *a: placed.append(a) or stage_view.StageGraphics._place(g, *a))
    set_heads(win, 16)
    assert len(placed) == 1  # laid out for the old size: placed again
    view = g.viewport().rect()
    for p in g.plots:  # every panel inside the view at the new size
        r = g.mapFromScene(p.sceneBoundingRect()).boundingRect()
        assert view.adjusted(-2, -2, 2, 2).contains(r), (r, view)


def test_changes_never_make_panels_they_can_borrow(win, monkeypatch):
    """Back-to-back head-count changes (no idle time) make no panel beyond what the largest
    arrangement needs: a new arrangement borrows the panels of the least recently used one."""
    g = win.step_view.graphics
    made = []
    orig = g._make_plot
    monkeypatch.setattr(g, "_make_plot", lambda: made.append(1) or orig())
    set_heads(win, 16)
    first = len(made)
    for heads, d_model in ((4, 512), (8, 512), (16, 512), (3, 480), (15, 480), (16, 512), (1, 512), (16, 512)):
        set_heads(win, heads, d_model)
        assert win.pair.multi.n_heads == heads
        assert len(g.plots) == heads + 1
        assert g._plots_made() <= 17
    assert len(made) == first


def test_kept_layouts_are_bounded_and_reused(win, qtbot):
    g = win.step_view.graphics
    for heads in (1, 2, 4, 8, 16, 2, 1):
        set_heads(win, heads)
        idle(qtbot, g)
        assert len(g.plots) == heads + 1
        assert len(g._kept) <= stage_view.KEPT_LAYOUTS
    layouts = [item for item in g.scene().items() if isinstance(item, type(g.ci)) and item.parentItem() is None]
    assert len(layouts) <= stage_view.KEPT_LAYOUTS  # evicted layouts are re-used, not left in the scene
    assert sum(item.isVisible() for item in layouts) == 1


def test_an_emptied_text_places_every_kept_layout_again(win, qtbot):
    g = win.step_view.graphics
    set_heads(win, 16)
    idle(qtbot, g)
    set_heads(win, 8)
    win.controls.text_input.setPlainText("")
    win.flush()
    settle()
    assert g.plots == []
    win.controls.text_input.setPlainText("the cat sat on the mat")
    win.flush()
    settle()
    set_heads(win, 16)
    assert len(g.plots) == 17 and all(p.isVisible() for p in g.plots)
    d_k = 512 // 16
    assert all(p._data is not None and p._data.shape == (6, d_k) for p in g.plots[:16])
    assert g.plots[16]._data.shape == (6, 512)  # the single head's output


def test_panels_are_bounded_across_kept_layouts(win, qtbot):
    """Stage 3 with 16 heads needs 48 panels; the other layouts then give theirs back instead of
    the window making more (each costs time and memory)."""
    g = win.step_view.graphics
    set_heads(win, 16)
    set_heads(win, 8)
    idle(qtbot, g)
    for k in (3, 8, 2):
        win.step_view.set_stage(k)
        settle()
    set_heads(win, 16)
    win.step_view.set_stage(3)
    settle()
    assert len(g.plots) == 48
    assert g._plots_made() <= stage_view.MAX_PLOTS
    for k in (8, 2, 3, 8):
        win.step_view.set_stage(k)
        settle()
        t = win.pair.multi
        assert all(p.isVisible() for p in g.plots)
        assert len(g.plots) == len(g.panels) == (48 if k == 3 else len(g.panels))
        for plot, panel in zip(g.plots, g.panels):  # every panel shows its own numbers
            np.testing.assert_allclose(plot._data, np.asarray(panel.data, dtype=np.float32), rtol=1e-6, atol=1e-6)
        if k == 8:
            np.testing.assert_allclose(shown_outputs(g, 16), t.head_outputs.astype(np.float32), atol=1e-7)
        idle(qtbot, g)
        assert g._plots_made() <= stage_view.MAX_PLOTS


def test_a_language_switch_carries_the_panels_over(win, monkeypatch):
    """The rebuilt step-through adopts the old one's panels: none is made again, the titles are
    in the new language, and a token hovered in a panel reaches the new view."""
    from explorer.ui.i18n import install_language

    set_heads(win, 8)
    old = win.step_view.graphics
    panels = {id(p) for p in old.plots}
    made = []
    orig = stage_view.StageGraphics._make_plot
    monkeypatch.setattr(stage_view.StageGraphics, "_make_plot", lambda self: made.append(1) or orig(self))
    try:
        win.set_language("zh")
        settle()
        g = win.step_view.graphics
        assert g is not old and made == []
        assert {id(p) for p in g.plots} <= panels | {id(p) for p in g._free} and len(g.plots) == 9
        assert all(p.scene() is g.scene() for p in g.plots)
        assert g.plots[0].titleLabel.text.startswith("头")  # "Head 1" in Chinese
        seen = []
        win.step_view.tokenHovered.connect(lambda kind, i: seen.append((kind, i)))
        g.plots[0].tokenHovered.emit("query", 3)
        assert seen == [("query", 3)]
    finally:
        win.set_language("en")
        install_language("en")


class _Paints(QObject):
    """Records the region of every paint event of a widget."""

    def __init__(self) -> None:
        super().__init__()
        self.rects = []

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.region().boundingRect())
        return False


def paints_of_a_change(w, change: dict) -> list:
    """From the step-through at 16 heads with nothing left to paint: apply ``change``, let the
    window draw it, and return the rectangles its matrix view painted."""
    g = w.step_view.graphics
    set_heads(w, 16)
    for _ in range(10):
        QApplication.processEvents()
    paints = _Paints()
    g.viewport().installEventFilter(paints)
    try:
        w.state.apply(change)
        w.flush()
        for _ in range(10):
            QApplication.processEvents()
    finally:
        g.viewport().removeEventFilter(paints)
    return paints.rects


@pytest.mark.parametrize("heads", [4, 8])
def test_a_placed_arrangement_is_painted_once(win, heads):
    """A head change that places the panels anew (no kept layout, no spare panels) paints the view
    once: the view boxes the layout resized apply their new transforms before the paint. They
    did it in the paint, which moved every image and scheduled a second paint of every view box."""
    rects = paints_of_a_change(win, {"n_heads": heads})
    assert len(win.step_view.graphics.plots) == heads + 1
    assert len(rects) == 1


@pytest.mark.parametrize("change", [{"seed": 77}, {"n_heads": 4}, {"d_model": 448}])
def test_a_change_repaints_the_whole_view_at_once(win, change):
    """Nearly every item of the stage changes with a setting: the view is repainted whole, in
    one paint, rather than as the union of every changed item's rectangles (which left out the
    margins and cost more to work out than to paint)."""
    assert paints_of_a_change(win, change) == [win.step_view.graphics.viewport().rect()]
