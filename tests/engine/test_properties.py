"""Invariants of attention over random configurations."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine import AttentionConfig, AttentionEngine, compute_pair

WORDS = ["the", "cat", "sat", "on", "mat", "it", "was", "tired", ".", "猫", "🙂", "x"]
settings.register_profile("engine", max_examples=50, deadline=None)
settings.load_profile("engine")

configs = st.builds(
    lambda d_k, h, seed, causal, scaled, temp, pos: AttentionConfig(
        d_model=d_k * h, n_heads=h, seed=seed, causal=causal, scaled=scaled, temperature=temp, positional=pos
    ),
    d_k=st.integers(1, 16),
    h=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
    causal=st.booleans(),
    scaled=st.booleans(),
    temp=st.floats(0.05, 20.0),
    pos=st.sampled_from(["sinusoidal", "none"]),
)
token_lists = st.lists(st.sampled_from(WORDS), min_size=1, max_size=20)


@given(cfg=configs, tokens=token_lists)
def test_rows_sum_to_one_and_are_nonnegative(cfg, tokens):
    w = AttentionEngine().compute(cfg, tokens).weights
    assert (w >= 0).all()
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-12)


@given(cfg=configs, tokens=token_lists)
def test_causal_mask_zeroes_above_diagonal(cfg, tokens):
    cfg = AttentionConfig(**{**cfg.__dict__, "causal": True})
    w = AttentionEngine().compute(cfg, tokens).weights
    n = len(tokens)
    assert (w[:, np.triu_indices(n, 1)[0], np.triu_indices(n, 1)[1]] == 0).all()
    np.testing.assert_allclose(w[:, 0, 0], 1.0)


@given(cfg=configs, tokens=token_lists)
def test_one_head_is_single_head_self_attention(cfg, tokens):
    pair = AttentionEngine().compute_pair(cfg, tokens)
    single = pair.single
    assert single.n_heads == 1 and single.d_k == cfg.d_model
    # single-head self-attention from scratch: softmax(x W_Q (x W_K)^T * s) x W_V
    q, k, v = single.x @ single.w_q, single.x @ single.w_k, single.x @ single.w_v
    logits = q @ k.T * (1 / np.sqrt(cfg.d_model) if cfg.scaled else 1.0) / cfg.temperature
    if cfg.causal:
        logits = np.where(np.tri(len(tokens), dtype=bool), logits, -np.inf)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(single.weights[0], a, atol=1e-10)
    np.testing.assert_allclose(single.output, (a @ v) @ single.w_o, atol=1e-9)
    # the same weights serve both
    for name in ("x", "w_q", "w_k", "w_v", "w_o"):
        np.testing.assert_array_equal(getattr(single, name), getattr(pair.multi, name))


@given(cfg=configs, tokens=token_lists)
def test_sum_of_head_logits_is_single_head_logits(cfg, tokens):
    pair = AttentionEngine().compute_pair(cfg, tokens)
    # sum_h Q_h K_h^T = Q K^T (raw, before the per-configuration scale)
    np.testing.assert_allclose(pair.multi.scores.sum(axis=0), pair.single.scores[0], rtol=1e-9, atol=1e-9)
    # with scaling: sum_h sqrt(d_k) * scaled_h = sqrt(d_model) * scaled_single
    if cfg.scaled:
        lhs = pair.multi.scaled_scores.sum(axis=0) * np.sqrt(cfg.d_k)
        rhs = pair.single.scaled_scores[0] * np.sqrt(cfg.d_model)
        np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-9)


@given(cfg=configs, tokens=token_lists, data=st.data())
def test_without_positions_permuting_tokens_permutes_outputs(cfg, tokens, data):
    cfg = AttentionConfig(**{**cfg.__dict__, "positional": "none", "causal": False})
    perm = data.draw(st.permutations(range(len(tokens))))
    eng = AttentionEngine()
    a = eng.compute(cfg, tokens)
    b = eng.compute(cfg, [tokens[i] for i in perm])
    np.testing.assert_allclose(b.output, a.output[perm], atol=1e-9)
    np.testing.assert_allclose(b.weights, a.weights[:, perm][:, :, perm], atol=1e-12)


@given(cfg=configs, tokens=token_lists)
def test_same_input_and_seed_give_same_output_on_two_engines(cfg, tokens):
    a = AttentionEngine().compute(cfg, tokens)
    b = AttentionEngine().compute(cfg, list(tokens))
    for name in ("x", "w_q", "scores", "weights", "output"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


@given(seed=st.integers(0, 2**32 - 1), small=st.integers(1, 100), extra=st.integers(1, 150))
def test_weights_are_nested_across_d_model(seed, small, extra):
    big = small + extra
    a = AttentionEngine().compute(AttentionConfig(d_model=small, n_heads=1, seed=seed, positional="none"), ["w"])
    b = AttentionEngine().compute(AttentionConfig(d_model=big, n_heads=1, seed=seed, positional="none"), ["w"])
    for name in ("w_q", "w_k", "w_v", "w_o"):
        np.testing.assert_array_equal(getattr(b, name)[:small, :small], getattr(a, name))
    # token embeddings are nested too (x carries the 1/sqrt(d_model) factor)
    np.testing.assert_allclose(b.x[:, :small] * np.sqrt(big), a.x * np.sqrt(small))


def test_different_seeds_give_different_weights():
    a = compute_pair(AttentionConfig(seed=1), ["a", "b"]).multi
    b = compute_pair(AttentionConfig(seed=2), ["a", "b"]).multi
    assert not np.allclose(a.w_q, b.w_q)
    assert not np.allclose(a.weights, b.weights)


def test_same_word_same_vector_at_every_position():
    t = AttentionEngine().compute(AttentionConfig(d_model=32, n_heads=4, positional="none"), ["it", "was", "it"])
    np.testing.assert_array_equal(t.x[0], t.x[2])
    assert not np.allclose(t.x[0], t.x[1])
    t2 = AttentionEngine().compute(AttentionConfig(d_model=32, n_heads=4), ["it", "was", "it"])
    assert not np.allclose(t2.x[0], t2.x[2])  # positions tell them apart


def test_activations_stay_order_one_across_d_model():
    toks = [f"w{i}" for i in range(32)]
    for d in (4, 16, 64, 256, 512):
        t = AttentionEngine().compute(AttentionConfig(d_model=d, n_heads=4), toks)
        assert 0.5 < np.linalg.norm(t.x, axis=1).mean() < 2.0
        assert 0.5 < t.q.std() < 2.5
        assert 0.5 < t.scaled_scores.std() < 3.0
