import numpy as np
import pytest

from explorer.engine import AttentionConfig, AttentionEngine, attention_cost, single_vs_mean, trace_metrics
from explorer.engine.metrics import js_divergence, row_entropy_bits


def test_entropy_of_uniform_and_one_hot_rows():
    assert row_entropy_bits(np.full((1, 4, 4), 0.25)).tolist() == [[2.0] * 4]
    assert row_entropy_bits(np.eye(3)[None]).tolist() == [[0.0] * 3]


def test_huge_temperature_gives_uniform_rows_and_max_entropy():
    t = AttentionEngine().compute(AttentionConfig(d_model=16, n_heads=2, temperature=1e9), list("abcdefgh"))
    m = trace_metrics(t)
    np.testing.assert_allclose(m.entropy_bits, 3.0, atol=1e-6)
    np.testing.assert_allclose(m.entropy_norm, 1.0, atol=1e-6)
    # uniform over 8 keys: mean |i-j| over all pairs
    i = np.arange(8)
    np.testing.assert_allclose(m.distance, np.abs(i[:, None] - i).mean(), atol=1e-6)
    np.testing.assert_allclose(m.diversity, 0.0, atol=1e-9)
    assert m.mean_diversity == pytest.approx(0.0, abs=1e-9)


def test_causal_entropy_normalises_by_visible_keys():
    t = AttentionEngine().compute(AttentionConfig(d_model=8, n_heads=1, causal=True, temperature=1e9), list("abcd"))
    bits, norm = trace_metrics(t).entropy_bits, trace_metrics(t).entropy_norm
    np.testing.assert_allclose(bits, np.mean([0, 1, np.log2(3), 2]), atol=1e-6)
    np.testing.assert_allclose(norm, 0.75, atol=1e-6)  # row 0 sees one key: counts as 0


def test_js_divergence_bounds():
    p = np.array([1.0, 0.0])
    q = np.array([0.0, 1.0])
    assert js_divergence(p, q) == pytest.approx(1.0)
    assert js_divergence(p, p) == pytest.approx(0.0)


def test_diversity_matrix_symmetric_with_zero_diagonal():
    t = AttentionEngine().compute(AttentionConfig(d_model=32, n_heads=4), list("abcdef"))
    div = trace_metrics(t).diversity
    np.testing.assert_allclose(div, div.T, atol=1e-12)
    np.testing.assert_allclose(np.diag(div), 0.0, atol=1e-12)
    assert (div[~np.eye(4, dtype=bool)] > 0).all()


def test_single_vs_mean_is_zero_for_one_head():
    pair = AttentionEngine().compute_pair(AttentionConfig(d_model=16, n_heads=1), list("abc"))
    c = single_vs_mean(pair)
    assert c.js == pytest.approx(0.0, abs=1e-12) and c.max_abs == 0.0


def test_cost_multi_equals_single_in_params_and_macs():
    single, multi = attention_cost(128, 512, 1), attention_cost(128, 512, 16)
    assert single.params == multi.params == 4 * 512 * 512
    assert single.macs["project"] == 3 * 128 * 512 * 512
    assert multi.macs["scores"] == single.macs["scores"] == 128 * 128 * 512
    assert multi.total_macs - single.total_macs == 15 * 128 * 128  # only the per-head scaling differs
    assert multi.attention_floats == 16 * single.attention_floats == 16 * 128 * 128
    assert multi.attention_bytes == 4 * 16 * 128 * 128
