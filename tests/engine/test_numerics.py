"""Numerical stability and clear errors for bad input."""
import re

import numpy as np
import pytest

from explorer.engine import AttentionConfig, AttentionEngine, compute_attention


@pytest.mark.parametrize("temperature", [1e-300, 1e-12, 1e-3, 1e3, 1e300])
@pytest.mark.parametrize("causal", [False, True])
def test_extreme_temperatures_stay_finite(temperature, causal):
    t = AttentionEngine().compute(
        AttentionConfig(d_model=64, n_heads=2, temperature=temperature, causal=causal), ["a", "b", "c", "a"]
    )
    assert np.isfinite(t.weights).all() and np.isfinite(t.output).all()
    np.testing.assert_allclose(t.weights.sum(-1), 1.0)
    if temperature >= 1e300:
        allowed = t.allowed.sum(axis=1)
        np.testing.assert_allclose(t.weights.max(-1), 1 / allowed[None, :].repeat(2, 0))
    if temperature <= 1e-12:
        # the limit is the argmax: one-hot rows (ties would share)
        np.testing.assert_allclose(t.weights.max(-1), 1.0)


def test_huge_logits_do_not_overflow():
    t = AttentionEngine().compute(AttentionConfig(d_model=512, n_heads=1, scaled=False, temperature=1e-200), ["x", "y"])
    assert np.isfinite(t.scaled_scores).all() and np.isfinite(t.weights).all()


def test_heads_not_dividing_lists_valid_counts():
    with pytest.raises(ValueError) as e:
        AttentionConfig(d_model=12, n_heads=5)
    assert "Valid head counts for d_model=12: 1, 2, 3, 4, 6, 12" in str(e.value)


@pytest.mark.parametrize(
    "kwargs, pattern",
    [
        ({"d_model": 0}, "d_model must be between 1"),
        ({"d_model": 10**6, "n_heads": 1}, "d_model must be between 1"),
        ({"n_heads": 0}, "n_heads must be between 1"),
        ({"temperature": 0.0}, "temperature must be a finite number greater than 0"),
        ({"temperature": -1.0}, "temperature must be a finite number greater than 0"),
        ({"temperature": float("nan")}, "temperature must be a finite number"),
        ({"temperature": float("inf")}, "temperature must be a finite number"),
        ({"positional": "rope"}, "Unknown positional mode 'rope'; choose one of: sinusoidal, none"),
        ({"seed": -1}, "seed must be between 0"),
        ({"d_model": 64.0}, "d_model must be a whole number"),
    ],
)
def test_bad_config_raises_clear_value_error(kwargs, pattern):
    with pytest.raises(ValueError, match=re.escape(pattern)):
        AttentionConfig(**kwargs)


def test_empty_tokens_raise_and_leave_the_cache_untouched():
    eng = AttentionEngine()
    good = eng.compute(AttentionConfig(), ["a", "b"])
    with pytest.raises(ValueError, match="enter some text"):
        eng.compute(AttentionConfig(), [])
    with pytest.raises(ValueError, match="tokenize"):
        eng.compute(AttentionConfig(), "a string")
    with pytest.raises(ValueError, match="non-empty string"):
        eng.compute(AttentionConfig(), ["a", ""])
    assert eng.compute(AttentionConfig(), ["a", "b"]) is good


def test_trace_arrays_are_read_only():
    t = compute_attention(AttentionConfig(d_model=8, n_heads=2), ["a", "b"])
    with pytest.raises(ValueError):
        t.weights[0, 0, 0] = 1.0
    with pytest.raises(ValueError):
        t.w_q[0, 0] = 1.0
