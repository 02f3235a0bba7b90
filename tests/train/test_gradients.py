"""Every parameter's hand-written gradient against central finite differences (float64)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.train.model import IGNORE, ModelShape, init_params, loss_and_grads, param_names


def finite_difference_check(shape: ModelShape, seed: int, head_mask=None, scale: float = 1.0) -> None:
    rng = np.random.default_rng(seed)
    params = init_params(shape, rng)
    for name in params:  # non-zero biases, and larger weights to reach sharper softmaxes
        params[name] = params[name] * scale + (rng.normal(0, 0.1, params[name].shape) if "bias" in name else 0)
    b = 3
    tokens = rng.integers(0, shape.vocab, size=(b, shape.n))
    targets = {t: rng.integers(0, shape.vocab, size=(b, shape.n)) for t in shape.targets}
    targets[shape.targets[0]][0, 0] = IGNORE  # an ignored position must not count
    _, grads, _ = loss_and_grads(shape, params, tokens, targets, head_mask)
    eps = 1e-6
    for name in param_names(shape.targets):
        p = params[name]
        g = grads[name]
        assert g.shape == p.shape, name
        num = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + eps
            up = loss_and_grads(shape, params, tokens, targets, head_mask, need_grads=False)[0]
            p[idx] = old - eps
            down = loss_and_grads(shape, params, tokens, targets, head_mask, need_grads=False)[0]
            p[idx] = old
            num[idx] = (up - down) / (2 * eps)
        np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-8, err_msg=name)


@settings(max_examples=12, deadline=None)
@given(
    heads_log=st.integers(0, 2),
    d_k=st.sampled_from([1, 2, 3]),
    vocab=st.integers(2, 5),
    n=st.integers(1, 4),
    n_targets=st.integers(1, 2),
    causal=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_gradients_match_finite_differences(heads_log, d_k, vocab, n, n_targets, causal, seed):
    h = 2 ** heads_log
    shape = ModelShape(vocab, n, h * d_k, h, ("a", "b")[:n_targets], causal)
    finite_difference_check(shape, seed)


def test_gradients_causal_mask_edge_case():
    """Causal mask with n tokens: row 0 sees only itself (softmax of one entry is exactly 1, its
    score gradient 0); large weights make other rows nearly one-hot (saturated softmax)."""
    shape = ModelShape(vocab=3, n=4, d_model=4, heads=2, targets=("a",), causal=True)
    finite_difference_check(shape, seed=5, scale=3.0)


def test_gradients_with_an_ablated_head():
    shape = ModelShape(vocab=3, n=3, d_model=4, heads=2, targets=("a", "b"), causal=False)
    finite_difference_check(shape, seed=11, head_mask=np.array([1.0, 0.0]))


def test_single_token_causal_weights_are_one():
    shape = ModelShape(vocab=3, n=1, d_model=2, heads=2, targets=("a",), causal=True)
    params = init_params(shape, np.random.default_rng(0))
    _, grads, f = loss_and_grads(shape, params, np.array([[1]]), {"a": np.array([[2]])})
    assert np.array_equal(f.weights, np.ones((1, 2, 1, 1)))
    assert np.all(grads["w_q"] == 0) and np.all(grads["w_k"] == 0)  # a one-key softmax has no score gradient
