"""Readable and guided: every token labelled where it can be read (checked from the drawn label
boxes), token focus and hover, colour scales and clearing of the heads grid and a MatrixPlot."""
import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtWidgets import QApplication

SIZES = [(1024, 700), (1280, 720), (1440, 880), (1920, 1080)]


@pytest.fixture
def example_window(qtbot):
    from explorer.app import create_main_window

    win = create_main_window()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)

    def load(width, height):
        win.resize(width, height)
        i = [e.id for e in win.library.examples].index("coreference-it")
        win.examples_bar.load(i)
        win.flush()
        for _ in range(5):
            QApplication.processEvents()
        return win
    return load


def assert_readable(rects: dict, tokens: list[str], inside: QRectF) -> None:
    for kind in ("query", "key"):
        boxes = rects[kind]
        labelled = {text for text, _ in boxes}
        assert labelled >= set(tokens), (kind, set(tokens) - labelled)  # every token, in every panel row / column
        for text, r in boxes:
            assert inside.contains(r), (kind, text, r, inside)
            assert r.width() > 0 and r.height() > 0
        ordered = sorted((r for _, r in boxes), key=lambda r: (r.left(), r.top()))
        for i, a in enumerate(ordered):  # no two labels overlap (a touching edge is fine)
            for b in ordered[i + 1:]:
                if b.left() >= a.right():
                    break
                inter = a.intersected(b)
                assert inter.width() < 0.01 or inter.height() < 0.01, (kind, a, b)


@pytest.mark.parametrize("size", SIZES)
def test_every_token_is_labelled_on_both_axes_without_overlap(example_window, size):
    win = example_window(*size)
    view = win.heads_view
    tokens = win.trace.tokens
    assert len(tokens) == 12 and win.trace.n_heads == 8
    rects = view.label_rects()
    assert len(rects["query"]) == 12 * view.mosaic.rows and len(rects["key"]) == 12 * view.mosaic.cols
    assert_readable(rects, tokens, QRectF(view.rect()))
    assert view.label_stride == 1


@pytest.mark.parametrize("size", [(1024, 700), (1440, 880)])
def test_colour_bar_keeps_its_tick_labels(example_window, size):
    win = example_window(*size)
    bar = win.heads_view.colorbar
    ticks = bar.axis._tickLevels[0]
    assert [label for _, label in ticks][:2] == ["0", "0.1"] or len(ticks) >= 4
    assert bar.axis.isVisible() and bar.axis.style["showValues"]
    assert "linear" in bar.getAxis("left").labelText


def test_enlarged_head_labels_every_token(example_window):
    win = example_window(1440, 880)
    view = win.heads_view
    view.toggle_focus(7)
    win.flush()
    QApplication.processEvents()
    assert len(view.images) == 1
    assert_readable(view.label_rects(), win.trace.tokens, QRectF(view.rect()))
    view.toggle_focus(7)


def test_focus_bands_and_bold_labels(example_window):
    win = example_window(1440, 880)
    view = win.heads_view
    view.set_focus(7, 1)
    assert view.plot.getAxis("left").focus == 7 and view.plot.getAxis("bottom").focus == 1
    path = view.bands.path.boundingRect()
    m = view.mosaic
    assert path.width() == pytest.approx(m.width, abs=1e-6)  # a band in every panel
    x0, y0 = m.origin(0)
    assert view.bands.path.contains(QPointF(x0 + 5.5, y0 + 7.5))  # row 7
    assert view.bands.path.contains(QPointF(x0 + 1.5, y0 + 10.5))  # column 1
    assert not view.bands.path.contains(QPointF(x0 + 5.5, y0 + 3.5))
    shot_focus = view.grab().toImage()
    view.set_focus(None, None)
    assert view.bands.path.isEmpty() and view.plot.getAxis("left").focus is None
    assert view.grab().toImage() != shot_focus
    view.set_selected_head(7)
    assert view.selected_box.isVisible()
    r = view.selected_box.rect()
    assert (r.left(), r.top()) == pytest.approx(m.origin(7))
    view.set_selected_head(None)
    assert not view.selected_box.isVisible()


def test_hovering_and_clicking_token_labels(example_window, qtbot):
    win = example_window(1440, 880)
    view = win.heads_view
    rects = view.label_rects()
    (text_q, rq), = [(t, r) for t, r in rects["query"] if t == "it"][:1]
    (text_k, rk), = [(t, r) for t, r in rects["key"] if t == "animal"][:1]
    hovered, clicked = [], []
    view.tokenHovered.connect(lambda kind, i: hovered.append((kind, i)))
    view.tokenClicked.connect(lambda kind, i: clicked.append((kind, i)))
    # the pointer's path, fed to the view's own move handler at scene positions: synthetic mouse
    # moves in an offscreen run are dropped when an earlier test's window left the pointer there
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    hovered.clear()
    for target in (rq.center().toPoint(), rk.center().toPoint(), view.mapFromScene(view.cell_center(0, 3, 3))):
        view._on_mouse_moved(view.mapToScene(target))
    assert hovered == [("query", 7), ("key", 1), ("", -1)]
    assert view.hover_box.isVisible() and view.hover_box.rect().topLeft() == QPointF(*view.mosaic.origin(0)) + \
        QPointF(3, 3)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rk.center().toPoint())
    assert clicked == [("key", 1)] and view.focused is None  # a label click does not enlarge a head
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(view.cell_center(2, 1, 1)))
    assert view.focused == 2 and clicked == [("key", 1)]


def test_readout_names_head_tokens_and_weight(example_window):
    win = example_window(1440, 880)
    view = win.heads_view
    w = win.trace.weights[7, 7, 1]
    assert view.readout(7, 7, 1) == f"Head 8 · query 7 “it” → key 1 “animal”: {w:.3f}"


def test_colour_scale_applies_now_and_next(example_window):
    from explorer.colorscale import apply_scale, colour_bar, shared_top

    win = example_window(1440, 880)
    view = win.heads_view
    top = shared_top(win.trace.weights)
    assert view.levels == colour_bar("linear", top).levels  # no scale set: the deterministic shared top
    view.set_colour_scale("log", top)
    assert view.levels == colour_bar("log", top).levels
    np.testing.assert_allclose(view.images[0].image, apply_scale(win.trace.weights[0], "log", top), rtol=1e-6)
    assert [label for _, label in view.colorbar.axis._tickLevels[0]] == [t[1] for t in colour_bar("log").ticks]
    assert "log" in view.colorbar.getAxis("left").labelText
    view.set_colour_scale("linear", top)
    np.testing.assert_allclose(view.images[0].image, win.trace.weights[0], rtol=1e-6)


def test_clear_removes_the_heatmaps_and_set_trace_brings_them_back(example_window):
    win = example_window(1024, 700)
    view = win.heads_view
    trace = win.trace
    view.clear("Type some text")
    assert view.images == [] and view.hint_text() == "Type some text"
    assert view.label_rects() == {"query": [], "key": []}
    assert not any(img.scene() is not None for img in view._pool)
    view.set_trace(trace)
    assert len(view.images) == 8 and view.hint_text() == ""


def test_zoom_scales_the_label_font(example_window):
    from explorer.ui import style

    win = example_window(1920, 1080)
    view = win.heads_view
    before = view.plot.getAxis("left").style["tickFont"].pointSizeF()
    try:
        win.zoom_step(+1)
        QApplication.processEvents()
        after = view.plot.getAxis("left").style["tickFont"].pointSizeF()
        assert after > before
        assert_readable(view.label_rects(), win.trace.tokens, QRectF(view.rect()))
    finally:
        win.zoom_step(0)
    assert style.zoom() == 1.0


# ---- MatrixPlot ------------------------------------------------------------------------------------
TOKENS = ["The", "animal", "didn't", "cross", "the", "street", "because", "it", "was", "too", "tired", "."]


@pytest.fixture
def matrix(qtbot):
    import pyqtgraph as pg

    from explorer.ui.matrix_plot import MatrixPlot
    from explorer.ui.style import WEIGHTS_CMAP, lut

    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    widget.resize(520, 460)
    plot = MatrixPlot(title="Head 8", lut=lut(WEIGHTS_CMAP), axis_titles=True)
    widget.addItem(plot)
    widget.show()
    qtbot.waitExposed(widget)
    data = np.random.default_rng(0).random((12, 12))
    plot.set_matrix(data, (0.0, 1.0))
    plot.set_labels(TOKENS, TOKENS)
    for _ in range(3):
        QApplication.processEvents()
    return widget, plot, data


def test_matrix_plot_labels_every_token(matrix):
    widget, plot, data = matrix
    rects = plot.label_rects()
    assert [t for t, _ in rects["query"]] == TOKENS and [t for t, _ in rects["key"]] == TOKENS
    assert_readable(rects, TOKENS, QRectF(widget.rect()))
    assert plot.getAxis("left").title.startswith("query")
    assert plot.corner.text.startswith("key")


def test_matrix_plot_focus_readout_hover_and_clear(matrix, qtbot):
    widget, plot, data = matrix
    plot.set_focus(7, 1)
    assert plot.getAxis("left").focus == 7 and plot.getAxis("bottom").focus == 1
    assert plot.bands.path.contains(QPointF(5.5, 7.5)) and plot.bands.path.contains(QPointF(1.5, 0.5))
    assert plot.readout(7, 1) == f"Head 8 · query 7 “it” → key 1 “animal”: {data[7, 1]:.3f}"
    plot.set_readout(lambda r, c: f"cell {r},{c}")
    assert plot.readout(2, 3) == "cell 2,3"
    hovered, clicked = [], []
    plot.tokenHovered.connect(lambda kind, i: hovered.append((kind, i)))
    plot.tokenClicked.connect(lambda kind, i: clicked.append((kind, i)))
    (_, rk), = [(t, r) for t, r in plot.label_rects()["key"] if t == "street"]
    pos = widget.mapFromScene(rk.center())
    qtbot.wait(50)  # pyqtgraph's scene passes on one move every few ms
    qtbot.mouseMove(widget.viewport(), pos)
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert hovered[-1] == ("key", 5) and clicked == [("key", 5)]
    cell = plot.getViewBox().mapViewToScene(QPointF(2.5, 4.5))
    qtbot.wait(50)
    qtbot.mouseMove(widget.viewport(), widget.mapFromScene(cell))
    assert hovered[-1] == ("", -1) and plot.hover_box.isVisible() and plot.hover_box.rect() == QRectF(2, 4, 1, 1)
    plot.set_colour_scale("row", 1.0)
    np.testing.assert_allclose(plot.image.image.max(axis=1), 1.0, rtol=1e-6)
    plot.clear()
    assert not plot.image.isVisible() and plot.label_rects() == {"query": [], "key": []}
    plot.set_matrix(data, (0.0, 1.0))
    plot.set_labels(TOKENS, TOKENS)
    assert plot.image.isVisible()


# ---- figures -------------------------------------------------------------------------------------
def words(n: int) -> str:
    base = ("the cat sat on a mat while it was warm and the dog ran to its bed because it liked sleep more "
            "than anything else in this small quiet house near the river").split()
    return " ".join((base * 10)[:n])


def test_figures_label_every_token_up_to_64_and_say_when_they_thin(qapp):
    from explorer.engine import AttentionConfig, compute_pair, tokenize
    from explorer.ui.export import FIGURE_SIZES, build_figure

    pair = compute_pair(AttentionConfig(d_model=64, n_heads=8), tokenize(words(64)))
    fig = build_figure(pair, "heads")
    assert fig.note == "" and fig.graphics.label_stride == 1
    assert fig.width >= FIGURE_SIZES["heads"][0]  # grown if it had to, never smaller
    assert_readable(fig.graphics.label_rects(), pair.multi.tokens, QRectF(fig.graphics.rect()))
    fig = build_figure(pair, "compare")
    assert fig.note == ""
    fig = build_figure(pair, "step", 7)  # the note says whether the step's panels could label them all
    assert (fig.note == "") == all(p.label_stride == 1 for p in fig.graphics.plots)
    pair = compute_pair(AttentionConfig(d_model=64, n_heads=8), tokenize(words(80)))
    fig = build_figure(pair, "heads")
    assert (fig.width, fig.height) == FIGURE_SIZES["heads"]  # beyond 64 tokens: thinned evenly, and said
    assert fig.graphics.label_stride > 1 and fig.note.endswith("labelled")
    small = compute_pair(AttentionConfig(d_model=64, n_heads=8), tokenize("The animal didn't cross the street"))
    fig = build_figure(small, "heads")
    assert (fig.width, fig.height) == FIGURE_SIZES["heads"] and fig.note == ""
