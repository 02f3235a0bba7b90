"""The line view, the model view and the head-score table: what they put on screen and emit."""
import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt

from explorer import headscores
from explorer.ui.style import WEIGHTS_CMAP, lut
from explorer.ui.views.head_scores_view import HeadScoresView
from explorer.ui.views.line_view import BUCKETS, LINE_BUDGET, LineView, head_colour, weight_bucket
from explorer.ui.views.model_view import ModelView

TOKENS = "[CLS] the animal didn't cross the street because it was too tired . [SEP]".split()
N = len(TOKENS)


def structured(n: int = N, layers: int = 1, heads: int = 4, floor: float = 0.0) -> np.ndarray:
    """Head 0 previous-token, 1 next-token, 2 to-first, 3 uniform; further heads random and
    peaked; layer l > 0 rolls the heads by l, so layers differ."""
    rng = np.random.default_rng(7)
    base = [np.eye(n, k=-1), np.eye(n, k=1), np.zeros((n, n)), np.full((n, n), 1.0 / n)]
    base[0][0, 0] = 1.0
    base[1][-1, -1] = 1.0
    base[2][:, 0] = 1.0
    for _ in range(4, heads):
        r = rng.random((n, n)) ** 6
        base.append(r / r.sum(1, keepdims=True))
    layer0 = np.stack(base[:heads])
    w = np.stack([np.roll(layer0, k, axis=0) for k in range(layers)])
    return (1 - floor) * w + floor / n


def show(qtbot, widget, size=(1000, 700)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def near(colour, rgb, tol=3) -> bool:
    return all(abs(a - b) <= tol for a, b in zip((colour.red(), colour.green(), colour.blue()), rgb))


# ---- line view ----------------------------------------------------------------------------------
@pytest.fixture
def line_view(qtbot):
    view = show(qtbot, LineView())
    view.set_data(structured(floor=0.1), TOKENS)
    return view


def test_lines_are_batched_per_head_and_bucket_with_the_weight_as_opacity(line_view):
    w = structured(floor=0.1)[0]
    want_items = sum(len(set(weight_bucket(w[h])[weight_bucket(w[h]) > 0].tolist())) for h in range(4))
    assert len(line_view.line_items()) == want_items <= 4 * BUCKETS
    lines = line_view.drawn_lines()
    assert len(lines) == int((w >= 0.01).sum())
    strong = {(h, q, k): o for h, q, k, o in lines}
    # the previous-token head's line from "because" (7) to "street" (6): weight 0.9 + 0.1 / n
    assert strong[(0, 7, 6)] == pytest.approx(int(weight_bucket(w[0, 7, 6])) / BUCKETS)
    assert strong[(0, 7, 6)] == pytest.approx(np.ceil(w[0, 7, 6] * BUCKETS) / BUCKETS)
    assert strong[(2, 9, 0)] == 15 / BUCKETS  # to-first head: 0.9 + 0.1 / 14 = 0.907 rounds up to 15 / 16
    assert (0, 7, 7) not in strong  # the floor, 0.1 / 14 < MIN_WEIGHT: not drawn
    assert strong[(3, 7, 7)] == 2 / BUCKETS  # the uniform head: 0.9 / 14 + 0.1 / 14 = 0.071, faint


def test_a_single_strong_line_is_drawn_in_its_head_colour(qtbot):
    view = show(qtbot, LineView())
    w = np.zeros((1, 2, 6, 6))
    w[0, 1, 0, 3] = 1.0  # head 1: query 0 -> key 3, nothing else
    view.set_data(w, list("abcdef"))
    qtbot.wait(10)
    (item,) = view.line_items()
    assert item.opacity() == 1.0 and item.count == 1
    _, x_a, x_b, _, _ = view._geom
    a, b = view.label_scene_pos("query", 0), view.label_scene_pos("key", 3)
    mid = view.canvas.mapFromScene((x_a + x_b) / 2, (a.y() + b.y()) / 2)
    image = view.canvas.viewport().grab().toImage()
    c = head_colour(1)
    hits = [image.pixelColor(QPoint(mid.x(), mid.y() + dy)) for dy in (-1, 0, 1)]
    assert any(near(p, (c.red(), c.green(), c.blue()), 40) for p in hits)
    empty = view.canvas.mapFromScene((x_a + x_b) / 2, view.label_scene_pos("query", 5).y())
    assert near(image.pixelColor(QPoint(empty.x(), empty.y())), (255, 255, 255))


def hover(qtbot, view, side, index):
    pos = view.canvas.mapFromScene(view.label_scene_pos(side, index))
    qtbot.mouseMove(view.canvas.viewport(), pos)
    qtbot.wait(5)
    return pos


def test_hovering_a_query_or_a_key_leaves_only_its_lines(qtbot, line_view):
    w = structured(floor=0.1)[0]
    hover(qtbot, line_view, "query", 7)
    assert line_view.focus_token == ("query", 7)
    lines = line_view.drawn_lines()
    assert lines and {q for _, q, _, _ in lines} == {7}
    assert len(lines) == int((w[:, 7, :] >= 0.01).sum())
    hover(qtbot, line_view, "key", 0)
    lines = line_view.drawn_lines()
    assert {k for _, _, k, _ in lines} == {0} and len(lines) == int((w[:, :, 0] >= 0.01).sum())
    line_view.canvas.leaveEvent(None)  # the pointer leaves: all lines again
    assert len(line_view.drawn_lines()) == int((w >= 0.01).sum())


def test_click_pins_a_token_and_escape_clears_it(qtbot, line_view):
    pos = hover(qtbot, line_view, "query", 3)
    qtbot.mouseClick(line_view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    hover(qtbot, line_view, "query", 9)  # moving elsewhere does not change a pinned token
    assert line_view.focus_token == ("query", 3)
    assert {q for _, q, _, _ in line_view.drawn_lines()} == {3}
    assert line_view.save_state()["pinned"] == ["query", 3]
    assert "didn't" in line_view.hint.text()  # the hint names the pinned token
    qtbot.keyClick(line_view.canvas, Qt.Key.Key_Escape)  # from the drawing, as after a click
    assert line_view.focus_token is None
    assert len({q for _, q, _, _ in line_view.drawn_lines()}) == N


def test_head_chips_all_and_none_change_the_drawn_heads(qtbot, line_view):
    with qtbot.waitSignal(line_view.headsChanged) as sig:
        qtbot.mouseClick(line_view.chips[1], Qt.MouseButton.LeftButton)
    assert sig.args == [[0, 2, 3]] and line_view.selected_heads() == [0, 2, 3]
    assert {h for h, _, _, _ in line_view.drawn_lines()} == {0, 2, 3}
    qtbot.mouseClick(line_view.none_button, Qt.MouseButton.LeftButton)
    assert line_view.line_items() == [] and not any(c.isChecked() for c in line_view.chips)
    qtbot.mouseClick(line_view.all_button, Qt.MouseButton.LeftButton)
    assert {h for h, _, _, _ in line_view.drawn_lines()} == {0, 1, 2, 3}
    line_view.set_heads([2])
    assert {h for h, _, _, _ in line_view.drawn_lines()} == {2} and [c.isChecked() for c in line_view.chips] == [
        False, False, True, False]


def test_layer_picker_shows_only_for_several_layers_and_switches_weights(qtbot, line_view):
    assert not line_view.layer_spin.isVisibleTo(line_view)  # one layer: no picker
    line_view.set_data(structured(layers=3), TOKENS)
    assert line_view.layer_spin.isVisibleTo(line_view) and line_view.layer_spin.maximum() == 2
    with qtbot.waitSignal(line_view.layerChanged) as sig:
        line_view.layer_spin.setValue(1)
    assert sig.args == [1]
    # layer 1 rolls the heads by one: head 1 is now the previous-token head
    lines = {(h, q, k): o for h, q, k, o in line_view.drawn_lines()}
    assert lines[(1, 7, 6)] == 1.0 and lines[(0, 7, 6)] == 2 / BUCKETS  # head 0 is now the uniform one


def test_long_tokens_are_elided_in_the_middle_with_the_whole_token_as_tooltip(qtbot):
    view = show(qtbot, LineView())
    long = "supercalifragilisticexpialidocious_" * 3
    view.set_data(structured(n=3), ["a", long, "b"])
    label = view.label_item("query", 1)
    assert "…" in label.text() and label.text() != long and label.toolTip() == long
    assert label.text()[:3] == long[:3] and label.text()[-3:] == long[-3:]
    assert view.label_item("key", 0).toolTip() == ""


def test_line_view_state_round_trip(qtbot, line_view):
    line_view.set_data(structured(layers=2), TOKENS)
    line_view.set_layer(1)
    line_view.set_heads([0, 3])
    line_view.pin_token(("key", 2))
    state = line_view.save_state()
    other = show(qtbot, LineView())
    other.set_data(structured(layers=2), TOKENS)
    other.restore_state(state)
    assert other.layer == 1 and other.selected_heads() == [0, 3] and other.focus_token == ("key", 2)
    other.restore_state({"layer": "x", "heads": [99], "pinned": ["side", 1]})  # nonsense is ignored
    assert other.layer == 1 and other.selected_heads() == []


def test_64_tokens_by_12_heads_draws_fast_and_within_the_line_budget(qtbot):
    view = show(qtbot, LineView())
    rng = np.random.default_rng(0)
    w = rng.random((2, 12, 64, 64)) ** 3
    w /= w.sum(-1, keepdims=True)
    t0 = time.perf_counter()
    view.set_data(w, [f"t{i}" for i in range(64)])
    view.canvas.viewport().repaint()
    elapsed = time.perf_counter() - t0
    assert len(view.line_items()) <= 12 * BUCKETS
    assert len(view.drawn_lines()) <= LINE_BUDGET + 64 and view.threshold > 0.01
    assert elapsed < 2.0  # ~0.2 s alone; the machine is shared with other test runs
    hover(qtbot, view, "query", 10)
    assert {q for _, q, _, _ in view.drawn_lines()} == {10}


def test_synthetic_single_layer_random_weights(qtbot):
    view = show(qtbot, LineView())
    w = np.random.default_rng(3).dirichlet(np.ones(5), size=(3, 5))  # (h, n, n)
    view.set_data(w, list("vwxyz"))
    assert view.n_layers == 1 and not view.layer_spin.isVisibleTo(view)
    assert {h for h, _, _, _ in view.drawn_lines()} == {0, 1, 2}


# ---- model view ---------------------------------------------------------------------------------
@pytest.fixture
def model_view(qtbot):
    view = show(qtbot, ModelView())
    view.set_data(structured(layers=3, heads=5), TOKENS)
    qtbot.wait(10)
    return view


def test_model_view_pixels_are_the_lut_colour_of_the_weight(model_view):
    w = structured(layers=3, heads=5)
    table = lut(WEIGHTS_CMAP)
    vmax = model_view.levels[1]
    shot = model_view.graphics.grab().toImage()
    checked = 0
    for layer, head, row, col in [(0, 0, 5, 4), (0, 0, 5, 5), (1, 3, 7, 0), (2, 4, 3, 3), (2, 1, 0, 0), (1, 2, 9, 2)]:
        p = model_view.graphics.mapFromScene(model_view.thumb_center(layer, head, row, col))
        want = table[min(int(w[layer, head, row, col] * 255 / vmax), 254)]
        assert near(shot.pixelColor(QPoint(p.x(), p.y())), want), (layer, head, row, col)
        checked += 1
    assert checked == 6
    # a gap between thumbnails stays background
    r = model_view.thumb_rect(0, 0)
    gap = model_view.graphics.mapFromScene(model_view.plot.getViewBox().mapViewToScene(
        QPointF(r.right() + model_view._gap / 2, r.center().y())))
    assert near(shot.pixelColor(QPoint(gap.x(), gap.y())), (255, 255, 255))


def test_clicking_a_thumbnail_emits_its_layer_and_head(qtbot, model_view):
    p = model_view.graphics.mapFromScene(model_view.thumb_center(2, 3))
    with qtbot.waitSignal(model_view.headActivated) as sig:
        qtbot.mouseClick(model_view.graphics.viewport(), Qt.MouseButton.LeftButton, pos=p)
    assert sig.args == [2, 3] and model_view.current == (2, 3)
    assert model_view.save_state()["current"] == [2, 3]


def test_hovering_a_thumbnail_names_it(qtbot, model_view):
    p = model_view.graphics.mapFromScene(model_view.thumb_center(1, 4))
    qtbot.mouseMove(model_view.graphics.viewport(), p)
    qtbot.wait(5)
    assert model_view.hovered == (1, 4)
    assert "1" in model_view.status.text() and "4" in model_view.status.text()


def test_hovering_a_cell_outlines_it_and_reads_it_out_next_to_the_pointer(qtbot, model_view):
    from PySide6.QtWidgets import QToolTip

    w = structured(layers=3, heads=5)
    col = int(np.argmax(w[2, 1, 8]))  # the strongest key of query 8 ("it") in layer 2, head 1
    assert w[2, 1, 8, col] > 0.1
    p = model_view.graphics.mapFromScene(model_view.thumb_center(2, 1, row=8, col=col))
    qtbot.mouseMove(model_view.graphics.viewport(), p)
    qtbot.wait(5)
    assert model_view.hovered_cell == (2, 1, 8, col)
    box = model_view._cell_box
    r = model_view.thumb_rect(2, 1)
    assert box.isVisible() and box.rect() == QRectF(r.left() + col, r.top() + 8, 1, 1)
    text = model_view.cell_text(2, 1, 8, col)
    assert text.endswith(f'"{TOKENS[col]}": {w[2, 1, 8, col]:.3f}') and 'query 8 "it"' in text
    assert QToolTip.isVisible() and QToolTip.text() == text


def test_focused_tokens_are_outlined_in_every_thumbnail(model_view):
    model_view.set_focus(8, None)
    rects = [model_view._focus_bands.path().toSubpathPolygons()[i].boundingRect() for i in range(15)]
    assert len(model_view._focus_bands.path().toSubpathPolygons()) == 3 * 5
    for layer in range(3):
        for head in range(5):
            r = model_view.thumb_rect(layer, head)
            assert any(q.top() == r.top() + 8 and q.height() == 1 and q.width() == N and q.left() == r.left()
                       for q in rects)
    model_view.set_focus(8, 2)
    assert len(model_view._focus_bands.path().toSubpathPolygons()) == 2 * 3 * 5
    model_view.set_focus(None, None)
    assert model_view._focus_bands.path().isEmpty()


def test_model_view_draws_in_the_chosen_colour_scale(model_view):
    w = structured(layers=3, heads=5, floor=0.05)
    model_view.mode = "row"
    model_view.set_data(w, TOKENS)
    n = N
    thumb = model_view.mosaic[:n, :n]  # layer 0, head 0
    np.testing.assert_allclose(np.nanmax(thumb, axis=1), 1.0, rtol=1e-6)
    assert model_view.levels == (0.0, 1.0)
    model_view.mode = "linear"
    model_view.set_data(w, TOKENS)
    assert model_view.levels == (0.0, pytest.approx(np.ceil(w.max() * 10) / 10))


def test_model_view_labels_and_a_30_layer_model(qtbot, model_view):
    left = [t for _, t in model_view.plot.getAxis("left")._tickLevels[0]]
    top = [t for _, t in model_view.plot.getAxis("top")._tickLevels[0]]
    assert left == ["L0", "L1", "L2"] and top == ["H0", "H1", "H2", "H3", "H4"]
    w = np.random.default_rng(0).random((30, 9, 64, 64)).astype(np.float64)
    w /= w.sum(-1, keepdims=True)
    t0 = time.perf_counter()
    model_view.set_data(w, [f"t{i}" for i in range(64)])
    model_view.graphics.repaint()
    assert time.perf_counter() - t0 < 1.5
    assert model_view.mosaic.shape == (30 * 72 - 8, 9 * 72 - 8)  # 64 + gap of 8 per thumbnail
    assert model_view.head_at(model_view.thumb_center(29, 8)) == (29, 8)


# ---- head-score table ---------------------------------------------------------------------------
@pytest.fixture
def scores_view(qtbot):
    view = show(qtbot, HeadScoresView())
    view.set_data(structured(layers=2, heads=4, floor=0.1), TOKENS)
    return view


def column(view, name):
    return view.model.columns.index(name)


def test_table_has_a_row_per_head_and_header_tooltips_are_the_definitions(scores_view):
    m = scores_view.model
    assert m.rowCount() == 8 and m.columnCount() == 2 + len(headscores.SCORE_NAMES) + 1
    for name, definition in headscores.DEFINITIONS.items():
        assert m.headerData(column(scores_view, name), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) \
            == definition


def test_sorting_by_a_score_shows_the_right_values(qtbot, scores_view):
    rows = headscores.score_table(structured(layers=2, heads=4, floor=0.1), TOKENS)
    c = column(scores_view, "next_token")
    qtbot.mouseClick(scores_view.table.horizontalHeader().viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(scores_view.table.horizontalHeader().sectionViewportPosition(c) + 10, 8))
    scores_view.table.sortByColumn(c, Qt.SortOrder.DescendingOrder)
    m = scores_view.model
    shown = [m.data(m.index(r, c)) for r in range(m.rowCount())]
    want = sorted((r["next_token"] for r in rows), reverse=True)
    assert shown == [f"{v:.2f}" for v in want]
    # the top rows are the next-token heads: head 1 of layer 0 and head 2 of layer 1 (rolled)
    top = {(int(m.data(m.index(r, 0))), int(m.data(m.index(r, 1)))) for r in range(2)}
    assert top == {(0, 1), (1, 2)}
    assert m.data(m.index(0, column(scores_view, "pattern"))) == "diagonal"


def test_double_click_and_enter_emit_the_head_of_the_row(qtbot, scores_view):
    scores_view.table.sortByColumn(column(scores_view, "first_token"), Qt.SortOrder.DescendingOrder)
    rect = scores_view.table.visualRect(scores_view.model.index(0, 3))
    top = scores_view.rows()[0]
    assert top["first_token"] > 0.9
    with qtbot.waitSignal(scores_view.headActivated) as sig:  # a real double-click: a click, then the second
        qtbot.mouseClick(scores_view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(scores_view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == [top["layer"], top["head"]]
    second = scores_view.rows()[1]
    scores_view.table.setCurrentIndex(scores_view.model.index(1, 0))
    with qtbot.waitSignal(scores_view.headActivated) as sig:
        qtbot.keyClick(scores_view.table, Qt.Key.Key_Return)
    assert sig.args == [second["layer"], second["head"]]


def test_average_switch_asks_for_and_shows_averaged_rows(qtbot, scores_view):
    with qtbot.waitSignal(scores_view.averageRequested) as sig:
        scores_view.average_box.setChecked(True)
    assert sig.args == [True]
    texts = [(structured(layers=2, heads=4), TOKENS), (structured(n=6, layers=2, heads=4), TOKENS[:6])]
    avg = headscores.average_tables(texts, **scores_view.options())
    scores_view.set_average_rows(avg, n_texts=2)
    assert scores_view.model.rowCount() == 8 and "2" in scores_view.caption.text()
    c = column(scores_view, "previous_token")
    values = sorted(scores_view.model.data(scores_view.model.index(r, c)) for r in range(8))
    assert values == sorted(f"{r['previous_token']:.2f}" for r in avg)
    with qtbot.waitSignal(scores_view.averageRequested) as sig:
        scores_view.average_box.setChecked(False)
    assert sig.args == [False]
    own = headscores.score_table(structured(layers=2, heads=4, floor=0.1), TOKENS)
    key = lambda r: (r["layer"], r["head"])  # noqa: E731
    assert sorted(scores_view.rows(), key=key) == sorted(own, key=key)


def test_exclusion_switches_rescore_the_text(qtbot, scores_view):
    def first_token_of(layer, head):
        return next(r["first_token"] for r in scores_view.rows() if (r["layer"], r["head"]) == (layer, head))

    before = first_token_of(0, 0)  # previous-token head: its row 0 attends to itself = the first token
    scores_view.exclude_current_box.setChecked(True)
    assert scores_view.options() == {"exclude_first": False, "exclude_current": True}
    assert first_token_of(0, 0) < before
    with qtbot.waitSignal(scores_view.averageRequested):
        scores_view.average_box.setChecked(True)
    with qtbot.waitSignal(scores_view.averageRequested) as sig:  # new options: the average is asked again
        scores_view.exclude_first_box.setChecked(True)
    assert sig.args == [True]
    state = scores_view.save_state()
    assert state["exclude_first"] and state["exclude_current"] and state["average"]
