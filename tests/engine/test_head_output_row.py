"""The drill-down's one output row: the same numbers as the trace's whole head outputs, made
from one head's columns of W_V without projecting (or generating) the whole of V."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine import AttentionConfig, AttentionEngine, weights

TOKENS = "the animal did not cross the street because it was too tired".split()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(10_000, 2**31), d_model=st.integers(1, 300), data=st.data())
def test_projection_columns_are_the_matrix_columns(seed, d_model, data):
    start = data.draw(st.integers(0, d_model))
    stop = data.draw(st.integers(start, d_model))
    cols = weights.projection_columns(seed, "w_v", d_model, start, stop)  # fresh seed: made from strips first
    # an independent reference: the tiles written out here from their streams, the whole matrix
    n_tiles = -(-d_model // weights.TILE)
    tile = weights.TILE
    full = np.block([[np.random.default_rng([seed, 3, bi, bj]).standard_normal((tile, tile))
                      for bj in range(n_tiles)] for bi in range(n_tiles)])  # (n_tiles * TILE, n_tiles * TILE)
    np.testing.assert_array_equal(cols, full[:d_model, start:stop])
    np.testing.assert_array_equal(cols, weights.projection_matrix(seed, "w_v", d_model)[:, start:stop])


def test_projection_columns_refuse_columns_outside_d_model():
    import pytest

    with pytest.raises(ValueError, match="not inside"):
        weights.projection_columns(1, "w_v", 64, 10, 65)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(20_000, 2**31), heads=st.sampled_from([1, 2, 4, 8, 16]), n=st.integers(1, len(TOKENS)),
       causal=st.booleans(), data=st.data())
def test_head_output_row_is_the_head_outputs_row_without_projecting_v(seed, heads, n, causal, data):
    d_model = heads * data.draw(st.integers(1, 40))
    cfg = AttentionConfig(d_model=d_model, n_heads=heads, seed=seed, causal=causal)
    engine = AttentionEngine()
    t = engine.compute(cfg, TOKENS[:n])
    head, i = data.draw(st.integers(0, heads - 1)), data.draw(st.integers(0, n - 1))
    row = t.head_output_row(head, i)
    assert "v_proj" not in t.__dict__ and engine.stats["v_rows_computed"] == 0  # V was not projected
    # reference: softmax(q k^T / sqrt(d_k)) row i times the head's V, written out here
    w_q, w_k, w_v = (weights.projection_matrix(seed, m, d_model) for m in ("w_q", "w_k", "w_v"))
    dk = d_model // heads
    cols = slice(head * dk, (head + 1) * dk)
    q, k, v = t.x @ w_q[:, cols], t.x @ w_k[:, cols], t.x @ w_v[:, cols]
    s = q[i] @ k.T / np.sqrt(dk)
    if causal:
        s[i + 1:] = -np.inf
    p = np.exp(s - s.max())
    p /= p.sum()
    np.testing.assert_allclose(row, p @ v, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(row, t.head_outputs[head, i], rtol=1e-12, atol=1e-14)
    assert row.shape == (dk,)
