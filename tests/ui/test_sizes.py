"""Layouts that fit (issue #10): at 1024×700, 1280×720, 1440×880 and 1920×1080, checked from the
widgets' own geometry with the 12-token coreference example: every token label is drawn inside
the view and no two overlap, no table header is elided, every colour bar has tick labels, and
every panel of the step-through is on screen."""
from __future__ import annotations

import pyqtgraph as pg
import pytest
from geometry_helpers import drawn_tick_labels
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

SIZES = [(1024, 700), (1280, 720), (1440, 880), (1920, 1080)]


@pytest.fixture
def sized(qtbot, request):
    from explorer.app import create_main_window

    win = create_main_window()
    qtbot.addWidget(win)
    win.resize(*request.param)
    win.show()
    qtbot.waitExposed(win)
    i = [e.id for e in win.library.examples].index("coreference-it")
    win.examples_bar.load(i)
    settle(win)
    assert (win.width(), win.height()) == request.param  # the window's minimum size allows it
    return win


def settle(win) -> None:
    for _ in range(4):
        QApplication.processEvents()
        win.flush()
    win.compare_view.refresh_tables()
    QApplication.processEvents()


def overlaps(rects: list[QRectF]) -> list[tuple[int, int]]:
    """Pairs of rectangles that overlap by more than half a pixel each way."""
    bad = []
    for i, a in enumerate(rects):
        for j in range(i + 1, len(rects)):
            b = rects[j]
            inter = a.intersected(b)
            if inter.width() > 0.5 and inter.height() > 0.5:
                bad.append((i, j))
    return bad


def check_labels(rects: dict, bounds: QRectF, tokens: list[str], where: str) -> None:
    """Every token on both axes of a matrix view, inside ``bounds``, no two overlapping.
    ``rects``: the view's label_rects(), {"query"|"key": [(text, rect)]}."""
    assert len(set(tokens)) == len(tokens)  # the example's tokens are distinct: a label names its token
    for kind in ("query", "key"):
        by_token: dict[int, list[QRectF]] = {}
        for text, rect in rects[kind]:
            index = tokens.index(text)  # short tokens are drawn whole
            by_token.setdefault(index, []).append(rect)
            assert bounds.contains(rect), f"{where}: {kind} label {text!r} at {rect} outside {bounds}"
        assert sorted(by_token) == list(range(len(tokens))), f"{where}: {kind} labels {sorted(by_token)}"
        # each panel row / column labels every token once: check one set at a time
        copies = min(len(v) for v in by_token.values())
        assert copies >= 1
        every = [r for v in by_token.values() for r in v]
        assert not overlaps(every), f"{where}: {kind} labels overlap: {overlaps(every)}"


def elided_headers(root) -> list[str]:
    """Header texts of every visible table under ``root`` that do not fit their section."""
    bad = []
    for table in root.findChildren(QAbstractItemView):
        if not table.isVisible() or not hasattr(table, "horizontalHeader"):
            continue
        header = table.horizontalHeader()
        if not header.isVisible():
            continue
        model = table.model()
        fm = header.fontMetrics()
        for col in range(model.columnCount()):
            if header.isSectionHidden(col):
                continue
            text = model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            if not text:
                continue
            need = max(fm.horizontalAdvance(line) for line in str(text).split("\n")) + 6
            if need > header.sectionSize(col):
                bad.append(f"{table.objectName() or type(table).__name__}: {text!r} needs {need} px, "
                           f"has {header.sectionSize(col)}")
    return bad


def colour_bar_problems(root) -> list[str]:
    """Colour bars (pg.ColorBarItem) of visible graphics views without tick labels on screen."""
    bad = []
    for gv in root.findChildren(pg.GraphicsView):
        if not gv.isVisible():
            continue
        visible = QRectF(gv.viewport().rect())
        for item in gv.scene().items():
            if not isinstance(item, pg.ColorBarItem) or not item.isVisible():
                continue
            labels = drawn_tick_labels(item.axis)
            if len(labels) < 2:
                bad.append(f"a colour bar in {gv.objectName()} has {len(labels)} tick label(s)")
                continue
            for text, scene_rect in labels:
                view_rect = QRectF(gv.mapFromScene(scene_rect).boundingRect())
                if not visible.contains(view_rect.adjusted(1, 1, -1, -1)):
                    bad.append(f"tick {text!r} of a colour bar in {gv.objectName()} is off screen")
    return bad


@pytest.mark.parametrize("sized", SIZES, indirect=True, ids=[f"{w}x{h}" for w, h in SIZES])
def test_heads_tab_fits(sized):
    win = sized
    tokens = win.state.tokens
    assert len(tokens) == 12
    view = win.heads_view
    check_labels(view.label_rects(), QRectF(view.rect()), tokens, "heads grid")
    graphics = win.compare_view.graphics
    scene_bounds = graphics.mapToScene(graphics.viewport().rect()).boundingRect()
    for name in ("single", "mean"):
        plot = getattr(graphics, name)
        check_labels(plot.label_rects(), scene_bounds, tokens, f"comparison {name}")
    assert elided_headers(win.views["compare"]) == []
    assert colour_bar_problems(win) == []


@pytest.mark.parametrize("sized", SIZES, indirect=True, ids=[f"{w}x{h}" for w, h in SIZES])
def test_step_through_fits_at_every_stage_and_16_heads(sized):
    win = sized
    win.show_view("step")
    sv = win.step_view
    for heads in (8, 16):
        win.state.apply({"n_heads": heads})
        settle(win)
        for stage in range(11):
            sv.set_stage(stage)
            QApplication.processEvents()
            where = f"{heads} heads, stage {stage}"
            assert elided_headers(sv) == [], where
            assert colour_bar_problems(sv) == [], where
            gv = sv.graphics
            visible = QRectF(gv.viewport().rect())
            for panel in sv.graphics.panel_rects():  # every matrix panel of the stage, in view pixels
                assert visible.contains(panel.adjusted(1, 1, -1, -1)), f"{where}: panel {panel} off {visible}"


@pytest.mark.parametrize("sized", [(1440, 880)], indirect=True, ids=["1440x880"])
def test_presentation_mode_keeps_labels_and_headers_whole(sized, qtbot):
    win = sized
    win.zoom_step(+1)
    win.zoom_step(+1)
    qtbot.wait(20)  # the tables are measured again once they have the new font
    settle(win)
    tokens = win.state.tokens
    check_labels(win.heads_view.label_rects(), QRectF(win.heads_view.rect()), tokens, "heads grid, zoomed")
    assert elided_headers(win.views["compare"]) == []
    assert colour_bar_problems(win) == []
    status = [win.shapes_label, win.timing_label]
    for label in status:  # the status bar's fixed-size labels grew with the font
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width(), label.text()
