"""What the heatmaps put on screen: the colour of each cell is the colour map's colour for the
engine's number, masked cells are transparent, and the titles and labels are drawn."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint

from explorer.engine import AttentionEngine
from explorer.ui.matrix_plot import NAN_INDEX, argb_pixels, argb_words
from explorer.ui.style import WEIGHTS_CMAP, lut


def test_argb_words_are_opaque_colours_and_one_transparent_word():
    table = lut(WEIGHTS_CMAP)  # (256, 3) uint8
    words = argb_words(table)
    r, g, b = table[17]
    assert words[17] == (0xFF << 24) | (int(r) << 16) | (int(g) << 8) | int(b)
    assert words[NAN_INDEX] == 0 and (words[:NAN_INDEX] >> 24 == 0xFF).all()


def test_argb_pixels_maps_levels_clips_and_makes_nan_transparent():
    words = np.arange(256, dtype=np.uint32) + 1000  # word = 1000 + index: the index is readable
    data = np.array([[0.0, 0.5, 1.0, -3.0], [7.0, np.nan, 0.25, 0.999]])
    got = argb_pixels(words, data, (0.0, 1.0)) - 1000
    assert got.tolist() == [[0, 127, 254, 0], [254, NAN_INDEX, 63, 254]]
    # levels not starting at 0 (the diverging maps)
    assert (argb_pixels(words, np.array([-1.0, 0.0, 1.0]), (-1.0, 1.0)) - 1000).tolist() == [0, 127, 254]
    # a stack of heads maps exactly as each head alone
    stack = np.random.default_rng(0).random((3, 5, 5))
    together = argb_pixels(words, stack, (0.0, 0.8))
    for k in range(3):
        np.testing.assert_array_equal(together[k], argb_pixels(words, stack[k], (0.0, 0.8)))


def screen_colour(view, image, panel, row, col):
    """The colour the grabbed heads view shows at the centre of one cell."""
    pos = view.mapFromScene(view.cell_center(panel, row, col))
    return image.pixelColor(QPoint(pos.x(), pos.y()))


@pytest.mark.parametrize("focus", [None, 2])
def test_each_cell_on_screen_has_the_colour_of_the_engine_weight(window, focus):
    window.controls.heads_slider.setValue(4)
    window.flush()
    view = window.heads_view
    if focus is not None:
        view.toggle_focus(focus)
    weights = AttentionEngine().compute(window.state.config, window.state.tokens).weights
    shot = view.grab().toImage()
    table = lut(WEIGHTS_CMAP)
    vmax = view.levels[1]
    heads = [focus] if focus is not None else range(4)
    checked = 0
    for panel, head in enumerate(heads):
        for row, col in [(0, 0), (1, 3), (5, 2), (11, 11), (7, 4)]:
            index = min(int(weights[head, row, col] * 255 / vmax), 254)
            c = screen_colour(view, shot, panel, row, col)
            want = table[index]
            assert abs(c.red() - want[0]) <= 2 and abs(c.green() - want[1]) <= 2 and abs(c.blue() - want[2]) <= 2, \
                (head, row, col)
            checked += 1
    assert checked == 5 * len(heads)


def test_causal_cells_above_the_diagonal_show_the_lowest_colour_and_titles_are_drawn(window):
    window.controls.causal_check.setChecked(True)
    window.controls.heads_slider.setValue(2)
    window.flush()
    view = window.heads_view
    shot = view.grab().toImage()
    low = lut(WEIGHTS_CMAP)[0]
    c = screen_colour(view, shot, 1, 2, 9)  # query 2 may not see key 9: weight 0
    assert (c.red(), c.green(), c.blue()) == tuple(int(v) for v in low)
    # the title band above panel 0 holds dark text pixels (the "Head 1" title)
    top = view.mapFromScene(view.cell_center(0, 0, 5))
    band = [shot.pixelColor(QPoint(x, y)).lightness() for x in range(top.x() - 30, top.x() + 30)
            for y in range(max(0, top.y() - 40), top.y() - 8)]
    assert min(band) < 100 and max(band) > 200
