"""The step-through's per-head stages (4 scores, 5 scaled, 6 masked, 7 softmax) are one mosaic:
a matrix per head and the single head's, in one plot. A head-count change moves images inside
it and never places plots again; every matrix keeps its own title, query labels on its row and
key labels under it; hovering a cell reads out that head's number; the token focus reaches every
matrix. Checked against the trace's own arrays and the drawn geometry."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from explorer.ui import stage_view


@pytest.fixture
def win(window):
    window.show_view("step")
    window.step_view.set_stage(7)
    settle()
    return window


def settle():
    for _ in range(3):
        QApplication.processEvents()


def set_heads(w, heads, d_model=64, **more):
    w.state.apply({"n_heads": heads, "d_model": d_model, **more})
    w.flush()
    settle()


def expected(pair, k):
    name = {4: "scores", 5: "scaled_scores", 6: "masked_scores", 7: "weights"}[k]
    arrays = [*getattr(pair.multi, name), getattr(pair.single, name)[0]]
    return [np.where(np.isfinite(a), a, np.nan).astype(np.float32) for a in arrays]


@pytest.mark.parametrize("k", [4, 5, 6, 7])
def test_every_head_and_the_single_head_in_one_plot(win, k):
    w = win
    w.state.apply({"causal": True})  # stage 6 masks the keys after each query
    set_heads(w, 8)
    w.step_view.set_stage(k)
    settle()
    g = w.step_view.graphics
    m = g.mosaic
    assert g.plots == [m] and m.isVisible()
    assert [t.text for t in m.titles] == [f"Head {i}" for i in range(1, 9)] + ["Single head"]
    shown = [image.image for image in m.images]
    want = expected(w.pair, k)
    assert len(shown) == len(want) == 9
    for j, (img, arr) in enumerate(zip(shown, want)):
        np.testing.assert_array_equal(np.isnan(img), np.isnan(arr), err_msg=f"panel {j}")
        np.testing.assert_allclose(img, arr, rtol=1e-6, atol=1e-6, equal_nan=True, err_msg=f"panel {j}")
    if k == 6:
        assert np.isnan(shown[0][0, 1]) and not np.isnan(shown[0][1, 0])  # key 1 is after query 0: masked


def test_a_head_change_moves_images_and_places_nothing(win, monkeypatch):
    g = win.step_view.graphics
    set_heads(win, 16, 512)
    placed = []
    monkeypatch.setattr(g, "_place", lambda *a: placed.append(a) or stage_view.StageGraphics._place(g, *a))
    for heads in (4, 8, 1, 16, 2):
        set_heads(win, heads, 512)
        m = g.mosaic
        assert len(m.images) == heads + 1 and g.plots == [m]
        rects = [m.panel_rect(j) for j in range(heads + 1)]
        vb = m.getViewBox().sceneBoundingRect()
        for j, r in enumerate(rects):
            assert vb.adjusted(-1, -1, 1, 1).contains(r), (heads, j, r, vb)
            for i in range(j):
                assert not r.intersected(rects[i]).isValid() or r.intersected(rects[i]).isEmpty(), (heads, i, j)
        # the single head is beside the first row of heads, at its right
        assert rects[-1].left() > max(r.right() for r in rects[:-1]) - 1e-6 and \
            abs(rects[-1].top() - rects[0].top()) < 1e-6
        np.testing.assert_array_equal(m.images[-1].image, win.pair.single.weights[0].astype(np.float32))
    assert placed == []  # one plot: a head count never lays out the grid again


def test_each_matrix_has_its_own_labels(win):
    """Every matrix has its key labels right under it (all its tokens, in order, within its width),
    and every row of matrices its query labels on the left, each at its row."""
    set_heads(win, 8)
    m = win.step_view.graphics.mosaic
    tokens = win.pair.multi.tokens
    assert m.label_stride == 1
    keys = m.label_rects()["key"]
    queries = m.label_rects()["query"]
    for j in range(len(m.images)):
        r = m.panel_rect(j)
        under = sorted((rect.center().x(), text) for text, rect in keys
                       if r.left() <= rect.center().x() <= r.right() and r.bottom() - 1 <= rect.top() <= r.bottom() + 8)
        assert [text for _, text in under] == tokens, j
        # each label at its own column's centre
        for c, (x, _) in enumerate(under):
            assert abs(x - (r.left() + (c + 0.5) * r.width() / len(tokens))) < 1.0, (j, c)
    panel_rows = sorted({round(m.panel_rect(j).top(), 3) for j in range(len(m.images))})
    assert len(panel_rows) == 2  # 8 heads on two rows at this size
    for top in panel_rows:
        row = sorted((rect.center().y(), text) for text, rect in queries
                     if top - 1 <= rect.center().y() <= top + m.panel_rect(0).height() + 1)
        assert [text for _, text in row] == tokens, top


def test_hover_reads_out_the_cell_of_that_head(win):
    set_heads(win, 8, seed=99)
    g = win.step_view.graphics
    m = g.mosaic
    t = win.pair.multi
    for j, row, col in ((0, 0, 0), (3, 7, 1), (7, 11, 11), (8, 2, 5)):
        pos = m.cell_center(j, row, col)
        assert m.cell_under(pos) == (j, row, col)
        value = t.weights[j, row, col] if j < 8 else win.pair.single.weights[0, row, col]
        text = m.readout(j, row, col)
        assert f"{float(value):.3f}" in text and text.startswith("Head" if j < 8 else "Single head")
        m._on_mouse_moved(pos)
        hover = m.hover_box.mapRectToScene(m.hover_box.rect())
        assert hover.contains(pos) and m.hover_box.isVisible()
    gap = (m.panel_rect(0).right() + m.panel_rect(1).left()) / 2  # between two matrices: no cell
    assert m.cell_under(QPointF(gap, m.panel_rect(0).center().y())) is None


def test_token_labels_and_focus_reach_every_matrix(win):
    set_heads(win, 4)
    step = win.step_view
    m = step.graphics.mosaic
    got = []
    step.tokenHovered.connect(lambda kind, i: got.append(("hover", kind, i)))
    # the pointer on key label "animal" of the single head, then on query label "it"
    single = m.panel_rect(len(m.images) - 1)
    label = next(rect for text, rect in m.label_rects()["key"]
                 if text == "animal" and single.left() <= rect.center().x() <= single.right())
    m._on_mouse_moved(label.center())
    query = next(rect for text, rect in m.label_rects()["query"] if text == "it")
    m._on_mouse_moved(query.center())
    assert got == [("hover", "key", 1), ("hover", "query", 7)]
    step.set_focus(7, 1)
    assert m.focus == (7, 1)
    assert m.getAxis("left").focus == 7 and all(ax.focus == 1 for ax in m.key_axes if ax.isVisible())
    band = m.bands.path.boundingRect()  # the bands cover every matrix's row 7 and column 1
    for j in range(len(m.images)):
        r = m.panel_rect(j)
        assert m.bands.mapRectToScene(band).adjusted(-1, -1, 1, 1).contains(r), j
    path = m.bands.path
    assert path.contains(m.bands.mapFromScene(m.cell_center(0, 7, 4)))  # row 7 of head 1
    assert path.contains(m.bands.mapFromScene(m.cell_center(4, 2, 1)))  # column 1 of the single head
    assert not path.contains(m.bands.mapFromScene(m.cell_center(2, 3, 4)))


@pytest.mark.parametrize("size", [(1024, 700), (1440, 880)])
def test_key_labels_take_no_more_of_a_panel_than_a_panel_plot_gave_them(win, size):
    """Each panel row's key strip takes at most AXIS_SHARE of that row's height (the matrix and
    its strip), as a panel's own plot allowed; longer labels are elided. Sized against the whole
    view instead, the strips squeezed every matrix flat in a small window."""
    from explorer.ui.matrix_plot import AXIS_SHARE

    win.resize(*size)
    set_heads(win, 8)
    settle()
    m = win.step_view.graphics.mosaic
    heights = {round(m.panel_rect(j).top(), 3): m.panel_rect(j).height() for j in range(len(m.images))}
    strips = [ax.geometry().height() for ax in m.key_axes if ax.isVisible()]
    assert len(strips) == len(heights) == 2
    for (top, matrix), strip in zip(sorted(heights.items()), strips):
        assert strip <= AXIS_SHARE * (matrix + strip) + 2, (size, top, matrix, strip)  # + rounding up
        assert matrix >= strip, (size, matrix, strip)  # the matrix keeps most of its row


def test_the_real_pointer_reads_cells_and_follows_token_labels(win, qtbot):
    """Through Qt's own mouse events on the view (the scene's signals the mosaic connects to when
    it is placed): hovering a cell outlines it, hovering and clicking a key label of the single
    head reaches the step-through as that token."""
    from PySide6.QtCore import Qt

    set_heads(win, 4)
    step = win.step_view
    g = step.graphics
    m = g.mosaic
    hovered, clicked = [], []
    step.tokenHovered.connect(lambda kind, i: hovered.append((kind, i)))
    step.tokenClicked.connect(lambda kind, i: clicked.append((kind, i)))
    cell = m.cell_center(2, 5, 3)
    qtbot.wait(50)  # pyqtgraph's scene passes on one move every few ms
    qtbot.mouseMove(g.viewport(), g.mapFromScene(cell))
    qtbot.waitUntil(m.hover_box.isVisible, timeout=2000)
    box = m.hover_box.mapRectToScene(m.hover_box.rect())
    assert box.contains(cell) and box.width() < m.panel_rect(2).width() / 5
    single = m.panel_rect(len(m.images) - 1)
    label = next(rect for text, rect in m.label_rects()["key"]
                 if text == "street" and single.left() <= rect.center().x() <= single.right())
    pos = g.mapFromScene(label.center())
    qtbot.wait(50)
    qtbot.mouseMove(g.viewport(), pos)
    qtbot.waitUntil(lambda: ("key", 5) in hovered, timeout=2000)
    qtbot.mouseClick(g.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert clicked == [("key", 5)]
