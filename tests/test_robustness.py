"""Robustness of the Qt-free parts: text of any length fits, token vectors are fast, stable and
nested, the stages carry what the step-through shows."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine import STAGES, AttentionConfig, AttentionEngine, weights
from explorer.textfit import elide_middle


def test_elide_middle_example():
    assert elide_middle("abcdefghijklmnopqrstuvwxyz", 13) == "abcdef…uvwxyz"
    assert elide_middle("short") == "short"
    assert len(elide_middle("x" * 10_000)) == 24
    assert elide_middle("a\nb\tc") == "a b c"


@settings(max_examples=200, deadline=None)
@given(text=st.text(), limit=st.integers(1, 60))
def test_elide_middle_never_exceeds_its_limit(text, limit):
    out = elide_middle(text, limit)
    assert len(out) <= max(limit, 1)
    assert "\n" not in out and "\t" not in out
    if len(text) <= limit and "\n" not in text and "\r" not in text and "\t" not in text:
        assert out == text


def test_token_vectors_are_nested_and_independent_of_the_batch():
    weights._vectors.clear()
    alone = weights.token_embeddings(7, ["cat"], 512)[0]
    weights._vectors.clear()
    batch = weights.token_embeddings(7, ["the", "cat", "sat", "cat"], 512)
    np.testing.assert_array_equal(batch[1], alone)
    np.testing.assert_array_equal(batch[3], alone)
    small = weights.token_embeddings(7, ["cat"], 40)[0]
    np.testing.assert_array_equal(small, alone[:40])  # d_model nesting
    assert not np.array_equal(weights.token_embeddings(8, ["cat"], 512)[0], alone)  # the seed matters


def test_token_vectors_are_pinned():
    """The same token gets the same vector on every machine: a few numbers pinned here."""
    weights._vectors.clear()
    v = weights.token_embeddings(3, ["abc"], 4)[0]
    np.testing.assert_allclose(v, [-0.75506974, 3.30195602, -2.44001765, -0.34016075], atol=1e-8)
    assert weights.token_key(3, "abc") == 17360588881984042298


def test_token_vectors_are_standard_normal():
    keys = np.array([weights.token_key(0, f"t{i}") for i in range(4000)], dtype=np.uint64)
    x = weights.stream_normals(keys, 256)
    assert abs(x.mean()) < 0.01 and abs(x.std() - 1) < 0.01
    assert np.isfinite(x).all() and np.abs(x).max() < 4.1
    # independent neighbours: no correlation between numbers 2c and 2c + 1 (one word's two halves)
    assert abs(np.corrcoef(x[:, 0::2].ravel(), x[:, 1::2].ravel())[0, 1]) < 0.01


@pytest.mark.parametrize("d", [1, 7, 64, 65, 512])
def test_engine_embeddings_are_nested_across_d_model(d):
    toks = ["a", "b", "猫", "x" * 1000]
    e = weights.token_embeddings(0, toks, d)
    big = weights.token_embeddings(0, toks, 576)
    np.testing.assert_array_equal(e, big[:, :d])


def test_hostile_tokens_compute():
    toks = ["\x00", "a\u0301", "👩\u200d💻", "\u202eabc", "x" * 10_000, "\ud800"]
    t = AttentionEngine().compute(AttentionConfig(), toks)
    assert np.isfinite(t.weights).all()


def test_stages_carry_title_formula_and_layout():
    assert [s.number for s in STAGES] == list(range(11))
    assert STAGES[7].title == "Softmax" and "softmax" in STAGES[7].formula
    assert {s.layout for s in STAGES} == {"tokens", "matrix", "split", "per_head", "multi_single"}
    for s in STAGES:
        assert s.title and s.formula and s.label.startswith(f"{s.number} · ")
