"""Colour scales: deterministic shared top, per-row, square-root and log, and colour bars whose
tick labels are attention weights whatever the mode."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.colorscale import LOG_FLOOR, SCALES, apply_scale, colour_bar, shared_top
from explorer.state import ExplorerState


def _weights(seed: int, h: int = 4, n: int = 9) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.full(n, 0.3), size=(h, n))  # (h, n, n), rows sum to 1


@given(st.integers(0, 10_000))
@settings(max_examples=60, deadline=None)
def test_shared_top_is_the_next_tenth_above_the_largest_weight(seed):
    a, b = _weights(seed), _weights(seed + 1, h=1)
    top = shared_top(a, b)
    largest = max(a.max(), b.max())
    assert largest <= top + 1e-12 < largest + 0.1 + 1e-9
    assert round(top * 10) == pytest.approx(top * 10)
    assert shared_top(b, a) == top  # the order the maps come in does not matter


def test_same_settings_give_the_same_top_however_they_were_reached():
    text = "The animal didn't cross the street because it was too tired."
    fresh = ExplorerState()
    fresh.apply({"text": text, "d_model": 64, "n_heads": 8, "seed": 6917})
    direct = shared_top(fresh.pair().multi.weights, fresh.pair().single.weights)
    for path in ([(64, 4, 1), (128, 8, 6917)], [(32, 2, 5), (64, 16, 3), (256, 1, 0)]):
        state = ExplorerState()
        state.set_text(text)
        for d_model, heads, seed in path + [(64, 8, 6917)]:
            state.set_d_model(d_model)
            state.set_n_heads(heads)
            state.set_seed(seed)
            pair = state.pair()
        assert (state.d_model, state.n_heads) == (64, 8)
        assert shared_top(pair.multi.weights, pair.single.weights) == direct


@given(st.integers(0, 10_000), st.sampled_from(SCALES))
@settings(max_examples=80, deadline=None)
def test_every_scale_keeps_the_order_of_weights_within_a_row(seed, mode):
    w = _weights(seed)
    out = apply_scale(w, mode, shared_top(w))
    assert out.shape == w.shape and out.dtype == np.float32
    order = np.argsort(w, axis=-1, kind="stable")
    ranked = np.take_along_axis(out, order, axis=-1)
    assert np.all(np.diff(ranked, axis=-1) >= -1e-6)
    bar = colour_bar(mode, shared_top(w))
    lo, hi = bar.levels
    assert np.all(out >= lo - 1e-6) and np.all(out <= hi + 1e-6)


def test_per_row_scale_makes_every_rows_largest_weight_one():
    w = _weights(3)
    out = apply_scale(w, "row")
    np.testing.assert_allclose(out.max(axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(out * w.max(axis=-1, keepdims=True), w, rtol=1e-5)


def test_masked_cells_stay_masked_in_every_scale():
    w = _weights(4)
    w[:, 0, 1:] = np.nan  # a causal mask's hidden cells
    w[:, 0, 0] = 1.0
    for mode in SCALES:
        out = apply_scale(w, mode)
        assert np.isnan(out[:, 0, 1:]).all(), mode
        assert np.isfinite(out[:, 1:]).all(), mode


@pytest.mark.parametrize("mode", SCALES)
def test_colour_bar_ticks_name_weights_at_their_level(mode):
    bar = colour_bar(mode, 0.6)
    assert len(bar.ticks) >= 3 and bar.title
    for level, label in bar.ticks:
        weight = float(label)
        expected = {"linear": weight, "row": weight, "sqrt": math.sqrt(weight),
                    "log": math.log10(max(weight, LOG_FLOOR))}[mode]
        assert level == pytest.approx(expected)
        assert bar.levels[0] - 1e-9 <= level <= bar.levels[1] + 1e-9


def test_unknown_scale_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="linear, row, sqrt, log"):
        apply_scale(_weights(0), "gamma")
