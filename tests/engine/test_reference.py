"""The engine against an independent loop-based implementation written here."""
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine import AttentionConfig, AttentionEngine, compute_attention, tokenize

WORDS = ["the", "cat", "sat", "on", "mat", "it", "was", "tired", ".", "猫", "🙂"]


def reference(x, w_q, w_k, w_v, w_o, n_heads, causal, scaled, temperature):
    """Plain loops over heads, queries and keys (no reshapes, no batched products)."""
    n, d_model = x.shape
    d_k = d_model // n_heads
    q_all, k_all, v_all = x @ w_q, x @ w_k, x @ w_v
    weights = np.zeros((n_heads, n, n))
    outputs = np.zeros((n_heads, n, d_k))
    for h in range(n_heads):
        cols = slice(h * d_k, (h + 1) * d_k)
        for i in range(n):
            logits = []
            for j in range(n):
                s = float(np.dot(q_all[i, cols], k_all[j, cols]))
                if scaled:
                    s /= math.sqrt(d_k)
                s /= temperature
                logits.append(s if (not causal or j <= i) else None)
            top = max(v for v in logits if v is not None)
            exps = [math.exp(v - top) if v is not None else 0.0 for v in logits]
            total = sum(exps)
            for j in range(n):
                weights[h, i, j] = exps[j] / total
                outputs[h, i] += weights[h, i, j] * v_all[j, cols]
    concat = np.concatenate([outputs[h] for h in range(n_heads)], axis=1)
    return weights, outputs, concat, concat @ w_o


configs = st.builds(
    lambda d_k, h, seed, causal, scaled, temp, pos: AttentionConfig(
        d_model=d_k * h, n_heads=h, seed=seed, causal=causal, scaled=scaled, temperature=temp, positional=pos
    ),
    d_k=st.integers(1, 12),
    h=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    causal=st.booleans(),
    scaled=st.booleans(),
    temp=st.floats(0.25, 4.0),
    pos=st.sampled_from(["sinusoidal", "none"]),
)
token_lists = st.lists(st.sampled_from(WORDS), min_size=1, max_size=9)


@settings(max_examples=60, deadline=None)
@given(cfg=configs, tokens=token_lists)
def test_engine_matches_loop_reference(cfg, tokens):
    t = AttentionEngine().compute(cfg, tokens)
    w, o, c, out = reference(t.x, t.w_q, t.w_k, t.w_v, t.w_o, cfg.n_heads, cfg.causal, cfg.scaled, cfg.temperature)
    np.testing.assert_allclose(t.weights, w, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(t.head_outputs, o, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(t.concat, c, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(t.output, out, rtol=1e-9, atol=1e-11)


def test_contract_shapes_and_names():
    tokens = tokenize("The animal didn't cross the street because it was too tired.")
    cfg = AttentionConfig(d_model=64, n_heads=8, seed=0)
    assert (cfg.causal, cfg.scaled, cfg.temperature, cfg.positional) == (False, True, 1.0, "sinusoidal")
    t = compute_attention(cfg, tokens)
    n = len(tokens)
    assert t.tokens == tokens and n == 12
    assert t.x.shape == (n, 64)
    for w in (t.w_q, t.w_k, t.w_v, t.w_o):
        assert w.shape == (64, 64)
    for a in (t.q, t.k, t.v, t.head_outputs):
        assert a.shape == (8, n, 8)
    for a in (t.scores, t.weights):
        assert a.shape == (8, n, n)
    assert t.concat.shape == t.output.shape == (n, 64)
    np.testing.assert_allclose(t.q[3], (t.x @ t.w_q)[:, 24:32])
    np.testing.assert_allclose(t.scores[2], t.q[2] @ t.k[2].T)
    np.testing.assert_allclose(t.output, t.concat @ t.w_o)


def test_raw_scores_are_before_scaling_temperature_and_mask():
    tokens = ["a", "b", "c", "d"]
    t = compute_attention(AttentionConfig(d_model=16, n_heads=2, causal=True, temperature=2.0), tokens)
    np.testing.assert_allclose(t.scores, t.q @ t.k.transpose(0, 2, 1))
    np.testing.assert_allclose(t.scaled_scores, t.scores / math.sqrt(8) / 2.0)
    assert np.isneginf(t.masked_scores[:, 0, 1:]).all()
    assert np.isfinite(t.scores).all()
