"""What the caches hold in real bytes, and the allocator's kept memory (issue #15)."""
import numpy as np

from explorer.engine import AttentionConfig, AttentionEngine, memory, weights


def _fresh_tiles(seed: int, name: str, n_tiles: int) -> np.ndarray:
    """The matrix generated tile by tile from nothing (what the cache must reproduce)."""
    t = weights.TILE
    full = np.empty((n_tiles * t, n_tiles * t))
    for bi in range(n_tiles):
        for bj in range(n_tiles):
            rng = np.random.default_rng([seed, weights._MATRIX_TAG[name], bi, bj])
            full[bi * t:(bi + 1) * t, bj * t:(bj + 1) * t] = rng.standard_normal((t, t))
    return full


def test_one_matrix_per_seed_and_name_grown_in_place_of_copies():
    weights._matrices.clear()
    small = weights.projection_matrix(7, "w_q", 100).copy()  # 2 tiles
    big = weights.projection_matrix(7, "w_q", 300)  # grown to 5 tiles
    np.testing.assert_array_equal(big, _fresh_tiles(7, "w_q", 5)[:300, :300])
    np.testing.assert_array_equal(big[:100, :100], small)  # nested: the crop did not change
    again = weights.projection_matrix(7, "w_q", 100)  # a crop (a view) of the grown matrix
    assert np.shares_memory(again, big) and not again.flags.writeable
    assert len([k for k, _ in weights._matrices.items() if k[:2] == (7, "w_q")]) == 1


def test_matrices_of_old_seeds_are_not_kept():
    weights._matrices.clear()
    for seed in range(3 * weights.MATRICES_KEPT):
        weights.projection_matrix(seed, "w_q", 64)
    assert len(weights._matrices) <= weights.MATRICES_KEPT


def test_projections_keep_no_copy_of_the_weights():
    """x @ W_Q and x @ W_K are made from views of the cached matrices: the engine keeps no
    [W_Q | W_K] copy, and Q and K are arrays of their own (not halves of a wider one)."""
    eng = AttentionEngine()
    cfg = AttentionConfig(d_model=96, n_heads=4, seed=3)
    t = eng.compute(cfg, [f"t{i}" for i in range(10)])
    assert not hasattr(eng, "_w_cache")
    assert t.q_proj.base is None and t.k_proj.base is None
    np.testing.assert_allclose(t.q_proj, t.x @ t.w_q, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(t.k_proj, t.x @ t.w_k, rtol=1e-12, atol=1e-12)


def test_softmax_with_large_logits_in_place_matches_the_reference():
    """The path for logits too large for the shortcut (a tiny temperature) works in one array;
    it must give exactly what masking with np.where and stable_softmax give."""
    from explorer.engine.attention import _scaled_scores, causal_allowed, split_heads, stable_softmax

    cfg = AttentionConfig(d_model=32, n_heads=4, seed=1, causal=True, temperature=1e-3)
    t = AttentionEngine().compute(cfg, [f"w{i}" for i in range(12)])
    assert not t.small_logits
    logits, _ = _scaled_scores(cfg, t.scores, split_heads(t.q_proj, 4), split_heads(t.k_proj, 4))
    expected = stable_softmax(np.where(causal_allowed(12), logits, -np.inf))
    np.testing.assert_array_equal(t.weights, expected)


def test_trim_if_slack_is_inert_unless_the_allocator_is_tuned(monkeypatch):
    monkeypatch.setattr(memory, "_tuned", False)
    assert memory.trim_if_slack(0) is False
    info = memory.heap_info()
    if info is not None:  # glibc >= 2.33
        assert info["in_use"] > 0 and info["free"] >= 0


def test_trim_if_slack_trims_only_past_the_bound(monkeypatch):
    if memory.heap_info() is None:
        return  # not glibc: nothing to test
    monkeypatch.setattr(memory, "_tuned", True)
    monkeypatch.setattr(memory, "_base", None)
    assert memory.trim_if_slack(0) is False  # the first check only measures what lies outside the heap
    trims = memory.stats["trims"]
    assert memory.trim_if_slack(2**40) is False and memory.stats["trims"] == trims  # a bound nothing passes
    monkeypatch.setattr(memory, "_base", 0)  # as if everything outside the used heap were free heap
    assert memory.trim_if_slack(0) is True and memory.stats["trims"] == trims + 1
    assert memory._base is not None and memory._base > 0  # measured again right after the trim


def test_a_helper_that_starts_late_never_holds_a_new_matrix_up(monkeypatch):
    """A matrix missing many tiles is drawn by the calling thread and a helper thread taking tiles
    from one list: while the helper has not started, the caller draws every tile and returns
    (with an even split it waited for the helper's half). Same numbers, whoever drew them."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    release = threading.Event()
    drawn_by: list[str] = []
    real_draw = weights._draw_tile

    def draw(stream):
        drawn_by.append(threading.current_thread().name)
        return real_draw(stream)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="late")
    pool.submit(release.wait, 10)  # the helper is busy until released
    monkeypatch.setattr(weights, "_helper", lambda: pool)
    monkeypatch.setattr(weights, "_draw_tile", draw)
    weights._matrices.clear()
    try:
        m = weights.projection_matrix(4242, "w_k", 512)  # 64 tiles
        assert not release.is_set() and len(drawn_by) == 64
        assert set(drawn_by) == {threading.current_thread().name}  # the caller drew them all
    finally:
        release.set()
        pool.shutdown(wait=True)
    np.testing.assert_array_equal(m, _fresh_tiles(4242, "w_k", 8))


def test_a_tile_that_fails_fails_the_matrix(monkeypatch):
    """An error while drawing a tile (on either thread) reaches the caller, and no half-drawn
    matrix is kept."""
    import pytest

    real_draw = weights._draw_tile
    calls = []

    def draw(stream):
        calls.append(1)
        if len(calls) == 30:
            raise MemoryError("tile 30")
        return real_draw(stream)

    monkeypatch.setattr(weights, "_draw_tile", draw)
    weights._matrices.clear()
    with pytest.raises(MemoryError, match="tile 30"):
        weights.projection_matrix(777, "w_q", 512)
    assert (777, "w_q") not in weights._matrices
    monkeypatch.undo()
    np.testing.assert_array_equal(weights.projection_matrix(777, "w_q", 512), _fresh_tiles(777, "w_q", 8))
