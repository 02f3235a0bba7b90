"""The incremental cache returns exactly what a fresh computation would."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine import AttentionConfig, AttentionEngine
from explorer.engine.attention import POSITIONS_MAX_BYTES

WORDS = ["a", "b", "c", "d", "e", "猫"]
FIELDS = ("x", "q", "k", "v", "scores", "scaled_scores", "weights", "head_outputs", "concat", "output")


def assert_same(a, b):
    assert a.tokens == b.tokens and a.config == b.config
    for name in FIELDS:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-12, atol=1e-12, err_msg=name)


step = st.tuples(
    st.sampled_from([8, 12, 24, 48]),
    st.sampled_from([1, 2, 3, 4, 6, 8]),
    st.integers(0, 3),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["sinusoidal", "none"]),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=14),
)


@settings(max_examples=40, deadline=None)
@given(steps=st.lists(step, min_size=2, max_size=12))
def test_random_walk_through_settings_matches_fresh_engine(steps):
    cached = AttentionEngine(max_traces=2)
    for d, h, seed, causal, scaled, pos, tokens in steps:
        if d % h:
            h = 1
        cfg = AttentionConfig(d_model=d, n_heads=h, seed=seed, causal=causal, scaled=scaled, positional=pos)
        assert_same(cached.compute(cfg, tokens), AttentionEngine().compute(cfg, tokens))


def test_heads_change_reuses_projections():
    eng = AttentionEngine()
    toks = [f"t{i}" for i in range(20)]
    eng.compute(AttentionConfig(d_model=64, n_heads=8), toks)
    rows = eng.stats["projection_rows_computed"]
    t = eng.compute(AttentionConfig(d_model=64, n_heads=4), toks)
    assert eng.stats["projection_rows_computed"] == rows  # no new projection work
    assert_same(t, AttentionEngine().compute(AttentionConfig(d_model=64, n_heads=4), toks))


def test_token_count_change_computes_only_new_rows():
    eng = AttentionEngine()
    toks = [f"t{i}" for i in range(30)]
    eng.compute(AttentionConfig(causal=True), toks[:10])
    assert eng.stats["projection_rows_computed"] == 10
    eng.compute(AttentionConfig(causal=True), toks[:25])
    assert eng.stats["projection_rows_computed"] == 25  # 15 new rows only
    shorter = eng.compute(AttentionConfig(causal=True), toks[:7])  # a prefix: sliced, nothing new
    assert eng.stats["projection_rows_computed"] == 25
    assert_same(shorter, AttentionEngine().compute(AttentionConfig(causal=True), toks[:7]))
    # causal: the rows of the shorter prefix are exactly the top-left block of the longer trace
    longer = eng.compute(AttentionConfig(causal=True), toks[:25])
    np.testing.assert_allclose(longer.weights[:, :7, :7], shorter.weights, atol=1e-15)


def test_mask_scale_and_temperature_reuse_scores():
    eng = AttentionEngine()
    toks = ["a", "b", "c"]
    eng.compute(AttentionConfig(), toks)
    n_scores = eng.stats["scores_computed"]
    eng.compute(AttentionConfig(causal=True, scaled=False, temperature=3.0), toks)
    assert eng.stats["scores_computed"] == n_scores


def test_changing_a_token_in_the_middle_invalidates_later_rows():
    eng = AttentionEngine()
    a = eng.compute(AttentionConfig(), ["a", "b", "c", "d"])
    b = eng.compute(AttentionConfig(), ["a", "b", "X", "d"])
    assert_same(b, AttentionEngine().compute(AttentionConfig(), ["a", "b", "X", "d"]))
    assert not np.allclose(a.weights, b.weights)


@settings(max_examples=30, deadline=None)
@given(steps=st.lists(step, min_size=2, max_size=10), order=st.randoms(use_true_random=False))
def test_stages_read_late_and_in_any_order_match_fresh_engine(steps, order):
    """V, the head outputs and the output are made on first access: reading them only after the
    cache has moved on (in any order) must still give exactly the fresh results."""
    cached = AttentionEngine(max_traces=2)
    made = []
    for d, h, seed, causal, scaled, pos, tokens in steps:
        if d % h:
            h = 1
        cfg = AttentionConfig(d_model=d, n_heads=h, seed=seed, causal=causal, scaled=scaled, positional=pos)
        for toks in (tokens, tokens[: max(1, len(tokens) // 2)]):  # the sequence, then a prefix: unread
            made.append((cached.compute(cfg, toks), cfg, toks))
    order.shuffle(made)
    for trace, cfg, tokens in made:
        assert_same(trace, AttentionEngine().compute(cfg, tokens))


def test_v_is_projected_only_when_read_and_then_shared():
    eng = AttentionEngine()
    toks = [f"t{i}" for i in range(20)]
    t8 = eng.compute(AttentionConfig(d_model=64, n_heads=8), toks)
    assert eng.stats["v_rows_computed"] == 0  # the weights do not need V
    assert "v_proj" not in t8.__dict__
    _ = t8.output
    assert eng.stats["v_rows_computed"] == 20
    t4 = eng.compute(AttentionConfig(d_model=64, n_heads=4), toks)  # same x: the same V
    shorter = eng.compute(AttentionConfig(d_model=64, n_heads=4), toks[:12])  # a prefix: its rows
    assert t4.v_proj is t8.v_proj and np.shares_memory(shorter.v_proj, t8.v_proj)
    assert eng.stats["v_rows_computed"] == 20
    longer = eng.compute(AttentionConfig(d_model=64, n_heads=4), toks + ["u", "v", "w"])
    _ = longer.output
    assert eng.stats["v_rows_computed"] == 23  # only the three new rows
    assert_same(longer, AttentionEngine().compute(AttentionConfig(d_model=64, n_heads=4), toks + ["u", "v", "w"]))
    np.testing.assert_allclose(longer.v_proj, longer.x @ longer.w_v, rtol=1e-12, atol=1e-12)


# ---- caches bounded by bytes -----------------------------------------------------------------------


def test_byte_budget_holds_after_many_changes():
    """Defect 5 (fails on the old code: no byte accounting at all, caches bounded by entries whose
    sizes differ 1000-fold): thousands of random setting changes never take the shared budget's
    accounted bytes over its limit, and every cached array is counted."""
    import random

    from explorer.engine import weights
    from explorer.engine.attention import trace_nbytes
    from explorer.engine.cache import DEFAULT_BUDGET, ByteBudget

    budget = ByteBudget(8 * 2**20)
    eng = AttentionEngine(max_traces=6, budget=budget)
    rng = random.Random(5)
    words = [f"w{i}" for i in range(400)]
    for _ in range(600):
        d = rng.choice([64, 128, 192, 256])
        h = rng.choice([h for h in (1, 2, 4, 8, 16) if d % h == 0])
        n = rng.randint(1, 96)
        cfg = AttentionConfig(d_model=d, n_heads=h, seed=rng.randint(0, 50), causal=rng.random() < 0.5)
        t = eng.compute(cfg, rng.sample(words, n))
        if rng.random() < 0.2:
            _ = t.output  # the lazy stages too
        assert budget.used <= budget.max_bytes
        assert DEFAULT_BUDGET.used <= DEFAULT_BUDGET.max_bytes
    assert budget.evictions > 0  # the budget, not an entry count, is what bounded the caches
    # every array a cached entry holds is accounted for: the real bytes are at most the accounted ones
    held = sum(trace_nbytes(t) for _, t in eng._traces.items())
    for cache in (eng._scores, eng._last, eng._causal):
        for _, value in cache.items():
            arrays = [value] if not isinstance(value, tuple) else [v for v in value if isinstance(v, np.ndarray)]
            held += sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))
    assert held <= budget.used <= budget.max_bytes
    # the positional tables: a small budget of their own, which also bounds what they hold
    positions = sum(table.nbytes for _, table in eng._pos.items())
    assert 0 < positions <= eng._pos.budget.used <= eng._pos.budget.max_bytes == POSITIONS_MAX_BYTES
    assert weights._matrices.budget is DEFAULT_BUDGET and weights._vectors.budget is DEFAULT_BUDGET


def test_byte_lru_evicts_least_recently_used_across_caches():
    from explorer.engine.cache import ENTRY_OVERHEAD, ByteBudget, ByteLRU

    budget = ByteBudget(3 * (800 + ENTRY_OVERHEAD))
    a, b = ByteLRU(budget), ByteLRU(budget)
    a.put("x", np.zeros(100))  # 800 bytes each
    b.put("y", np.zeros(100))
    a.put("z", np.zeros(100))
    assert a.get("x") is not None  # x is now newer than y
    b.put("w", np.zeros(100))  # over budget: y (the oldest, in the other cache) goes
    assert "y" not in b and "x" in a and "z" in a and "w" in b
    assert budget.used == 3 * (800 + ENTRY_OVERHEAD)
    big = np.zeros(10_000)
    assert a.put("big", big) is big and "big" not in a  # larger than the whole budget: not kept
    a.clear()
    b.clear()
    assert budget.used == 0 and len(budget) == 0


def test_trace_bound_covers_every_stage():
    from explorer.engine.attention import trace_nbytes, trace_nbytes_bound

    cfg = AttentionConfig(d_model=64, n_heads=8, causal=True)
    t = AttentionEngine().compute(cfg, [f"t{i}" for i in range(30)])
    names = ("x", "q_proj", "k_proj", "v_proj", "q", "k", "v", "scores", "scaled_scores", "masked_scores",
             "weights", "head_outputs", "concat", "output", "allowed")
    assert sum(getattr(t, name).nbytes for name in names) <= trace_nbytes_bound(cfg, 30)
    assert trace_nbytes(t) >= sum(getattr(t, name).nbytes for name in names)  # every stage read is counted
