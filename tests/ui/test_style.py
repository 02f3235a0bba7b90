"""Small pure helpers of the views."""
from explorer.ui.style import nice_max, steady_top, thinned_ticks


def test_colour_bar_top_is_steady_while_the_data_fills_half_of_it():
    assert nice_max(0.37) == 0.4
    assert steady_top(0.4, 0.25) == 0.4  # still more than half: keep the scale
    assert steady_top(0.4, 0.41) == 0.45  # above the top: grow
    assert steady_top(0.4, 0.1) == 0.1  # less than half: shrink to fit


def test_thinned_ticks_keep_labels_apart():
    labels = [f"t{i}" for i in range(100)]
    ticks = thinned_ticks(labels, label_px=12, pixels=300)  # 3 px per cell, 12 px per label
    assert [pos for pos, _ in ticks][:3] == [0.5, 4.5, 8.5]
    assert ticks[1][1] == "t4" and len(ticks) == 25
    assert thinned_ticks(labels[:5], 12, 300) == [(i + 0.5, f"t{i}") for i in range(5)]


def test_grid_columns_prefer_full_rows_when_panels_stay_nearly_as_big():
    from explorer.ui.grid import grid_columns

    assert grid_columns(16, 500, 770) == 4  # 4 x 4 (panels 125 px) rather than 3 x 6 with one alone (128 px)
    assert grid_columns(8, 1000, 500) == 4  # 4 x 2: the largest and full
    assert grid_columns(16, 1600, 100) == 16  # a strip: one row
    assert grid_columns(5, 600, 600) == 2  # 2 x 3 with one empty: no full grid comes close (5 x 1: 120 px vs 200)
    assert grid_columns(1, 10, 10) == 1 and grid_columns(7, 0, 0) == 3
    # the step-through's fixed arrangement keeps the largest panels (it adds a column of its own)
    assert grid_columns(8, 4, 3, prefer_full_rows=False) == 3 and grid_columns(16, 4, 3, prefer_full_rows=False) == 4


def test_mosaic_spacing_is_the_same_on_screen_for_any_token_count():
    from explorer.ui.heads_view import GAP_PX, TITLE_PX, Mosaic

    for n in (1, 3, 12, 256):
        m = Mosaic.fit(n, 4, 2, width_px=500, height_px=600)  # 2 x 2 panels
        unit_x, unit_y = 500 / m.width, 600 / m.height  # pixels per view unit, each way
        assert abs(m.gap_x * unit_x - GAP_PX) < 1e-9 and abs(m.gap_y * unit_y - GAP_PX) < 1e-9
        assert abs(m.title * unit_y - TITLE_PX) < 1e-9
        for k in range(4):  # every cell centre maps back to its panel, row and column
            x0, y0 = m.origin(k)
            for row, col in ((0, 0), (n - 1, n - 1), (n // 2, 0)):
                assert m.cell(x0 + col + 0.5, y0 + row + 0.5) == (k, row, col)
        x0, y0 = m.origin(3)
        assert m.cell(x0 - m.gap_x / 2, y0 + 0.5) is None  # in the gap between columns
        assert m.cell(x0 + 0.5, y0 - m.title / 2) is None  # in the title band
    tiny = Mosaic.fit(12, 16, 4, width_px=60, height_px=60)  # no room for fixed pixels: proportional
    assert tiny.gap_x == tiny.gap_y == 1.0 and abs(tiny.title - 0.14 * 12) < 1e-12


def test_fitted_labels_shorten_only_what_does_not_fit(qapp):
    """Each label is its token elided to 24 characters if that fits the room, else the longest
    middle elision that does (at least 2 characters); the widest is the widest label returned.
    Checked against the definition, written out here, over random tokens and rooms (the labels
    are measured once per tokens and font, and each room shortens only the wide ones)."""
    import random

    from PySide6.QtGui import QFontMetricsF

    from explorer.textfit import elide_middle
    from explorer.ui.style import TICK_FONT_STEPS, fitted_labels, tick_font

    rng = random.Random(11)
    words = ["a", "the", "animal", "didn't", "x" * 40, "猫", "internationalization", "https://example.com/a/b/c/d",
             "é" * 30, "."]
    for _ in range(300):
        tokens = tuple(rng.choice(words) + str(rng.randint(0, 3)) for _ in range(rng.randint(0, 30)))
        pt = rng.choice(TICK_FONT_STEPS)
        room = rng.choice([6, 12.5, 20, 33.3, 60, 120, 500])
        fm = QFontMetricsF(tick_font(pt))
        expected = []
        for token in tokens:
            chars = len(elide_middle(token, 24))
            text = elide_middle(token, chars)
            while chars > 2 and fm.horizontalAdvance(text) > room:
                chars -= 1
                text = elide_middle(token, chars)
            expected.append(text)
        labels, widest, line = fitted_labels(tokens, pt, room)
        assert labels == tuple(expected)
        assert widest == max((fm.horizontalAdvance(t) for t in expected), default=0.0)
        assert line == fm.height()
