"""The step-through and the comparison panel fit the window at the sizes people use: every panel
and colour bar on screen, colour bars labelled, no two tick labels on top of each other, the
token list whole, no table header or number elided. Checked from the widgets' geometry at four
window sizes; plus the token-focus and colour-scale API the window drives."""

import numpy as np
import pytest
from geometry_helpers import drawn_tick_labels
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication

from explorer.colorscale import apply_scale, colour_bar

SIZES = [(1024, 700), (1280, 720), (1440, 880), (1920, 1080)]
EXAMPLE = "coreference-it"


@pytest.fixture
def win(qtbot):
    from explorer.app import create_main_window

    w = create_main_window()
    qtbot.addWidget(w)
    return w


def show_example(w, qtbot, size):
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    i = [e.id for e in w.library.examples].index(EXAMPLE)
    w.examples_bar.load(i)
    w.flush()
    settle()


def settle():
    for _ in range(3):  # layout requests, then the axes' label fits that follow the new sizes
        QApplication.processEvents()


def set_heads(w, heads, d_model):
    w.state.apply({"n_heads": heads, "d_model": d_model})
    w.flush()
    settle()


# ---- geometry helpers ----------------------------------------------------------------------------
def view_rect(view) -> QRectF:
    return QRectF(view.viewport().rect())


def on_screen(view, scene_rect: QRectF) -> QRectF:
    """A scene rectangle in the view's viewport coordinates."""
    return view.mapFromScene(scene_rect).boundingRect().toRectF()


def assert_inside(view, scene_rect: QRectF, what: str, tol: float = 1.5):
    r, v = on_screen(view, scene_rect), view_rect(view)
    assert r.width() > 0 and r.height() > 0, f"{what} has no size"
    assert (r.left() >= v.left() - tol and r.top() >= v.top() - tol and r.right() <= v.right() + tol
            and r.bottom() <= v.bottom() + tol), f"{what} at {r.getRect()} is outside the view {v.getRect()}"


def axis_labels(axis) -> list[tuple[str, QRectF]]:
    """The labels a pyqtgraph axis draws, with their boxes in scene coordinates."""
    if hasattr(axis, "label_rects"):
        return list(axis.label_rects())
    return drawn_tick_labels(axis)


def plot_labels(plot) -> list[tuple[str, QRectF]]:
    out = []
    for side in ("left", "bottom"):
        ax = plot.getAxis(side)
        if ax.isVisible():
            out += axis_labels(ax)
    for ax in getattr(plot, "key_axes", []):  # the step-through's mosaic: a key axis under each panel row
        if ax.isVisible():
            out += axis_labels(ax)
    return out


def bar_labels(bar) -> list[tuple[str, QRectF]]:
    return axis_labels(bar.axis) if bar.isVisible() else []


def assert_no_overlap(labels: list[tuple[str, QRectF]], what: str):
    if len(labels) < 2:
        return
    box = np.array([r.adjusted(0.5, 0.5, -0.5, -0.5).getCoords() for _, r in labels])  # (m, 4): x0, y0, x1, y1
    x0, y0, x1, y1 = box.T
    w = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
    h = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :])
    hit = (w > 0) & (h > 0)
    np.fill_diagonal(hit, False)
    if hit.any():
        a, b = np.argwhere(hit)[0]
        raise AssertionError(f"{what}: tick labels {labels[a][0]!r} {labels[a][1].getRect()} and "
                             f"{labels[b][0]!r} {labels[b][1].getRect()} overlap")


def assert_graphics_fit(view, plots, bars, what: str):
    """Every panel and colour bar inside the view; bars labelled; no two labels overlap."""
    assert plots, f"{what}: no panels"
    labels = []
    for j, plot in enumerate(plots):
        assert_inside(view, plot.sceneBoundingRect(), f"{what}: panel {j}")
        assert_inside(view, plot.getViewBox().sceneBoundingRect(), f"{what}: matrix {j}")
        for i in range(len(getattr(plot, "images", []))):  # a mosaic: each of its matrices
            assert_inside(view, plot.panel_rect(i), f"{what}: matrix {i} of the mosaic")
        labels += plot_labels(plot)
    for bar in bars:
        assert_inside(view, bar.sceneBoundingRect(), f"{what}: colour bar")
        ticks = bar_labels(bar)
        assert len(ticks) >= 2, f"{what}: a colour bar without numbers"
        for text, r in ticks:
            assert_inside(view, r, f"{what}: colour bar label {text!r}")
        labels += ticks
    assert_no_overlap(labels, what)


def header_lines_fit(header, texts: list[str], what: str, extra: int = 4):
    fm = header.fontMetrics()
    for section, text in enumerate(texts):
        widest = max(fm.horizontalAdvance(line) for line in text.split("\n"))
        size = header.sectionSize(section) if header.orientation() == Qt.Orientation.Horizontal else header.width()
        assert widest + extra <= size, f"{what}: header {text!r} ({widest} px) elided in {size} px"


# ---- the step-through ----------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_step_through_fits_the_window(win, qtbot, size):
    show_example(win, qtbot, size)
    win.show_view("step")
    settle()
    step = win.step_view
    g = step.graphics
    # stage 0: every token of the list on screen, none cut off
    step.set_stage(0)
    settle()
    label = g.tokens_label
    text = label.item.toPlainText().replace("\u00a0", " ")
    for i, token in enumerate(win.pair.multi.tokens):
        assert f"{i} {token}" in text, token
    assert len(win.pair.multi.tokens) == 12
    assert_inside(g, label.item.mapRectToScene(label.item.boundingRect()), "token list")
    # stages 3 and 8 (numbered axes side by side), 7 (weights and the colour scale), all stages
    for k in (3, 8, 7, 1, 2, 4, 9, 10):
        step.set_stage(k)
        settle()
        assert_graphics_fit(g, g.plots, [g.colorbar], f"stage {k} at {size}")
    # the drill-down: all eight columns on screen, no header or number elided
    table = step.drilldown_table
    assert table.isVisible()
    hh, vh = table.horizontalHeader(), table.verticalHeader()
    model = table.model()
    header_lines_fit(hh, [model.headerData(c, Qt.Orientation.Horizontal) for c in range(8)], "drill-down")
    assert sum(hh.sectionSize(c) for c in range(8)) <= table.viewport().width(), "columns scrolled off"
    fm = table.fontMetrics()
    for r in range(model.rowCount()):
        assert fm.horizontalAdvance(model.headerData(r, Qt.Orientation.Vertical)) + 4 <= vh.width()
        for c in range(8):
            assert fm.horizontalAdvance(model.index(r, c).data()) + 4 <= hh.sectionSize(c)
    # the drill-down sits in the view, beside or under the matrices
    top_left = table.mapTo(step, table.rect().topLeft())
    assert top_left.x() >= 0 and top_left.x() + table.width() <= step.width() + 1


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("d_model", [64, 512])
def test_sixteen_heads_stay_on_screen(win, qtbot, size, d_model):
    show_example(win, qtbot, size)
    win.show_view("step")
    set_heads(win, 16, d_model)
    step = win.step_view
    g = step.graphics
    for k in (7, 3, 8):
        step.set_stage(k)
        settle()
        assert len(g.plots) == {7: 1, 3: 48, 8: 17}[k]  # stage 7: one mosaic of the 16 heads and the single head
        if k == 7:
            assert g.plots == [g.mosaic] and len(g.mosaic.images) == 17
        assert_graphics_fit(g, g.plots, [g.colorbar], f"16 heads, d_model {d_model}, stage {k} at {size}")


def test_drilldown_columns_follow_the_presentation_zoom(win, qtbot):
    """Two zoom steps up: the drill-down's columns are sized again for the bigger font, so no
    number or header is elided (they kept the widths sized for the normal font)."""
    show_example(win, qtbot, (1440, 880))
    win.show_view("step")
    step = win.step_view
    step.set_stage(7)
    try:
        for _ in range(2):
            win.zoom_step(+1)
        for _ in range(3):
            settle()
        table = step.drilldown_table
        hh, model = table.horizontalHeader(), table.model()
        fm = table.fontMetrics()
        assert fm.height() > 16  # the bigger font reached the table
        header_lines_fit(hh, [model.headerData(c, Qt.Orientation.Horizontal) for c in range(8)], "zoomed drill-down")
        for r in range(model.rowCount()):
            for c in range(8):
                assert fm.horizontalAdvance(model.index(r, c).data()) + 4 <= hh.sectionSize(c), (r, c)
    finally:
        win.zoom_step(0)


# ---- the comparison panel ------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("heads", [8, 16])
def test_comparison_fits_the_window(win, qtbot, size, heads):
    show_example(win, qtbot, size)
    win.show_view("heads")
    if heads != 8:
        set_heads(win, heads, 512)
    cv = win.compare_view
    cv.refresh_tables()
    settle()
    g = cv.graphics
    plots = [p for p in g.plots if p.isVisible()]  # the difference may give way in a small panel
    assert g.single in plots and g.mean in plots
    bars = [b for b in (g.weights_bar, g.diff_bar) if b.isVisible()]
    assert g.weights_bar in bars and (g.diff in plots) == (g.diff_bar in bars)
    assert_graphics_fit(g, plots, bars, f"comparison at {size}")
    for plot in (g.single, g.mean):  # every token labelled on both axes
        for fit in getattr(plot, "fits", ()):
            assert fit is None or fit.stride == 1, (size, fit)
    for table in (cv.metrics_table, cv.cost_table):
        hh = table.horizontalHeader()
        texts = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        header_lines_fit(hh, texts, table.objectName())
        fm = table.fontMetrics()
        for r in range(table.rowCount()):
            for c in range(table.columnCount()):
                item = table.item(r, c)
                assert item is not None and fm.horizontalAdvance(item.text()) + 4 <= hh.sectionSize(c), \
                    f"{table.objectName()}: {item.text()!r} elided"
    rows = [cv.cost_table.verticalHeaderItem(r).text() for r in range(4)]
    header_lines_fit(cv.cost_table.verticalHeader(), rows, "cost rows")


# ---- notation ------------------------------------------------------------------------------------
def test_formulas_number_tokens_from_zero_and_heads_with_i():
    from explorer.engine import STAGES

    assert "t<sub>0</sub> … t<sub>n−1</sub>" in STAGES[0].formula
    for stage in STAGES:  # h is the head count (head_h is the last head), i a head
        for name in ("Q", "K", "V", "S", "S'", "S''", "A"):
            assert f"{name}<sub>h</sub>" not in stage.formula, stage.key
    assert "Q<sub>i</sub>" in STAGES[3].formula and "head<sub>i</sub>" in STAGES[8].formula


def test_elementwise_stages_say_so(win, qtbot):
    show_example(win, qtbot, (1280, 720))
    win.show_view("step")
    step = win.step_view
    for k, word in ((5, "elementwise"), (6, "elementwise"), (7, "row by row")):
        step.set_stage(k)
        assert word in step.shapes_label.text()
        assert "·(" not in step.shapes_label.text().split(" · scale")[0]  # no matrix product shape
    step.set_stage(4)
    assert "(12×8)·(8×12)" in step.shapes_label.text()


# ---- token focus, colour scale, clearing ---------------------------------------------------------
def focus_of(plot):
    return getattr(plot, "_focus", None)


def test_focus_reaches_every_panel_and_the_drilldown(win, qtbot):
    show_example(win, qtbot, (1440, 880))
    win.show_view("step")
    step = win.step_view
    step.set_stage(7)
    step.set_focus(3, 5)
    assert step.query == 3 and step.query_combo.currentIndex() == 3
    if hasattr(step.graphics.plots[0], "set_focus"):
        assert all(focus_of(p) == (3, 5) for p in step.graphics.plots)
        step.set_stage(3)  # columns are dimensions there: only the query row is highlighted
        assert all(focus_of(p) == (3, None) for p in step.graphics.plots)
    win.compare_view.set_focus(2, 4)
    if hasattr(win.compare_view.graphics.single, "set_focus"):
        assert all(focus_of(p) == (2, 4) for p in win.compare_view.graphics.plots)


def test_token_signals_are_re_emitted(win, qtbot):
    show_example(win, qtbot, (1440, 880))
    win.show_view("step")
    step = win.step_view
    plot = step.graphics.plots[0] if step.graphics.plots else None
    step.set_stage(7)
    plot = step.graphics.plots[0]
    if not hasattr(plot, "tokenHovered"):
        pytest.skip("MatrixPlot has no token signals yet")
    got = []
    step.tokenHovered.connect(lambda kind, i: got.append(("hover", kind, i)))
    step.tokenClicked.connect(lambda kind, i: got.append(("click", kind, i)))
    plot.tokenHovered.emit("key", 2)
    plot.tokenClicked.emit("query", 4)
    step.set_stage(3)
    step.graphics.plots[0].tokenHovered.emit("key", 2)  # a dimension, not a token
    assert got == [("hover", "key", 2), ("click", "query", 4), ("hover", "key", -1)]
    got.clear()
    cv = win.compare_view
    cv.tokenHovered.connect(lambda kind, i: got.append((kind, i)))
    cv.graphics.mean.tokenHovered.emit("query", 6)
    assert got == [("query", 6)]


@pytest.mark.parametrize("mode", ["linear", "row", "sqrt", "log"])
def test_colour_scale_is_shared_and_history_free(win, qtbot, mode):
    show_example(win, qtbot, (1440, 880))
    win.show_view("step")
    step, cv = win.step_view, win.compare_view
    pair = win.pair
    step.set_stage(7)
    top = 0.9
    for first in ((mode, 0.3), ("log", 1.0), (mode, top)):  # reached by another road: the same picture
        step.set_colour_scale(*first)
        cv.set_colour_scale(*first)
    settle()
    bar = colour_bar(mode, top)
    g = step.graphics
    assert g.levels == bar.levels
    expected = apply_scale(pair.multi.weights[2], mode, top)
    assert g.plots == [g.mosaic]  # stage 7: every head in one plot
    np.testing.assert_allclose(g.mosaic.images[2].image, expected, rtol=1e-6, atol=1e-6)
    single = apply_scale(pair.single.weights.mean(axis=0), mode, top)
    np.testing.assert_allclose(cv.graphics.single.image.image, single, rtol=1e-5, atol=1e-6)
    assert cv.graphics.levels == bar.levels
    step.set_stage(4)  # raw scores keep their own diverging scale
    assert g.levels[0] == -g.levels[1]


def test_empty_text_clears_both_views(win, qtbot):
    show_example(win, qtbot, (1280, 720))
    win.show_view("step")
    step, cv = win.step_view, win.compare_view
    step.set_stage(7)
    step.clear()
    cv.clear()
    assert step.graphics.plots == [] and step.drill_model.rowCount() == 0
    assert step.query_combo.count() == 0 and step.shapes_label.text() == ""
    assert cv.metrics_table.rowCount() == 0 and cv.caption_label.text() == ""
    assert not cv.graphics.single.image.isVisible() or cv.graphics.single.image.image is None
    win.pair = None  # the window draws again what it has
    win.flush()
    settle()
    assert step.graphics.plots == [step.graphics.mosaic] and len(step.graphics.mosaic.images) == 9
    assert step.drill_model.rowCount() == 12
