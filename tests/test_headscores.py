"""Head scores on hand-made patterns whose right answers are known exactly."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import headscores as hs

SENTENCE = "[CLS] the animal didn't cross the street because it was too tired . [SEP]".split()
N = len(SENTENCE)  # 14


def rows_to(columns: list[int], n: int = N) -> np.ndarray:
    """Row i puts all its weight on key columns[i]."""
    a = np.zeros((n, n))
    a[np.arange(n), columns] = 1.0
    return a


def previous_pattern(n: int = N) -> np.ndarray:
    return rows_to([0] + list(range(n - 1)), n)  # query 0 has no previous token: itself


def next_pattern(n: int = N) -> np.ndarray:
    return rows_to([*range(1, n), n - 1], n)


def uniform(n: int = N) -> np.ndarray:
    return np.full((n, n), 1.0 / n)


def causal_uniform(n: int = N) -> np.ndarray:
    return np.tril(np.ones((n, n))) / np.arange(1, n + 1)[:, None]


def test_perfect_previous_token_head():
    a = previous_pattern()
    assert hs.previous_token(a) == 1.0
    assert hs.next_token(a) == 0.0
    assert hs.pattern_class(a) == "diagonal"


def test_perfect_next_token_head():
    a = next_pattern()
    assert hs.next_token(a) == 1.0
    assert hs.previous_token(a) == 0.0


def test_uniform_pattern_has_normalised_entropy_one_and_known_shares():
    assert hs.entropy(uniform()) == pytest.approx(1.0)
    assert hs.entropy(uniform(), normalised=False) == pytest.approx(np.log2(N))
    assert hs.entropy(causal_uniform()) == pytest.approx(1.0)  # each query over the keys it may see
    assert hs.entropy(causal_uniform(), causal=False) < 1.0
    assert hs.previous_token(uniform()) == pytest.approx(1.0 / N)
    assert hs.first_token(uniform()) == pytest.approx(1.0 / N)
    assert hs.pattern_class(uniform()) == "heterogeneous"


def test_one_hot_rows_have_zero_entropy():
    assert hs.entropy(np.eye(N)) == 0.0
    assert hs.entropy(np.eye(N), normalised=False) == 0.0


@pytest.mark.parametrize("n", [4, 12, 64])
def test_pattern_classes_of_the_textbook_shapes(n):
    assert hs.pattern_class(np.eye(n)) == "diagonal"
    assert hs.pattern_class(rows_to([0] * n, n)) == "vertical"
    block = np.zeros((n, n))
    size = n // 2 if n < 12 else 4
    for s in range(0, n, size):
        block[s:s + size, s:s + size] = 1.0 / size
    assert hs.pattern_class(block) == ("diagonal" if size == 2 else "block")  # 2-blocks are a band


def test_block_from_sentence_spans_of_the_tokens():
    tokens = "[CLS] a cat sat . the dog ran off . [SEP]".split()
    n = len(tokens)
    spans = hs.segments_from_tokens(tokens)
    assert spans == [(0, 5), (5, 10), (10, 11)]
    a = np.zeros((n, n))
    for start, stop in spans:
        a[start:stop, start:stop] = 1.0 / (stop - start)
    assert hs.pattern_class(a, tokens) == "block"
    # the same sentence spans do not make a previous-token head a block
    assert hs.pattern_class(previous_pattern(n), tokens) == "diagonal"


def test_to_first_sep_and_punctuation():
    assert hs.first_token(rows_to([0] * N)) == 1.0
    sep, dot = SENTENCE.index("[SEP]"), SENTENCE.index(".")
    assert hs.to_sep(rows_to([sep] * N), SENTENCE) == 1.0
    assert hs.to_sep(rows_to([dot] * N), SENTENCE) == 0.0
    assert hs.to_punctuation(rows_to([dot] * N), SENTENCE) == 1.0
    assert hs.to_punctuation(rows_to([sep] * N), SENTENCE) == 0.0  # [SEP] has letters: not punctuation
    assert hs.is_punctuation("Ġ,") and hs.is_punctuation("...") and not hs.is_punctuation("didn't")
    for tokens in (["<s>", "hi", "</s>"], ["<|endoftext|>", "hi", "<|endoftext|>"]):
        assert hs.to_sep(rows_to([2, 2, 2], 3), tokens) == 1.0
    assert hs.to_sep(rows_to([2, 2, 2], 3), ["a", "b", "END"], sep_tokens={"END"}) == 1.0


def test_duplicate_token_elsewhere_or_earlier():
    tokens = ["the", "cat", "Ġthe", "dog"]  # "Ġthe" is the same word as "the"
    a = rows_to([2, 1, 0, 3], 4)  # the -> later the; the -> earlier the
    assert hs.duplicate_token(a, tokens) == 1.0  # only the two "the" queries have duplicates
    assert hs.duplicate_token(a, tokens, earlier_only=True) == 1.0  # only query 2 has an earlier copy
    b = rows_to([2, 1, 2, 3], 4)  # the second "the" attends to itself, not to its copy
    assert hs.duplicate_token(b, tokens) == 0.5
    assert hs.duplicate_token(b, tokens, earlier_only=True) == 0.0
    assert hs.duplicate_token(np.eye(3), ["a", "b", "c"]) == 0.0  # no repeats at all


def test_perfect_induction_head_on_a_repeated_random_sequence():
    half = 10
    ids = hs.repeated_random_tokens(vocab_size=100, length=half, seed=3)
    assert len(ids) == 2 * half and ids[:half] == ids[half:] and len(set(ids[:half])) == half
    n = len(ids)
    # first half: nothing to copy yet, attend to the first token; second half: the token after
    # the earlier copy of the current token, i.e. i - half + 1
    a = rows_to([0] * half + [i - half + 1 for i in range(half, n)], n)
    assert hs.induction(a, ids) == 1.0
    assert hs.induction(a, ids, exclude_first=True) == 1.0
    assert hs.duplicate_token(a, ids) == 0.0  # attends one past the copy, not to it
    assert hs.pattern_class(a) != "block"
    assert hs.induction(previous_pattern(n), ids) == 0.0


def test_exclude_first_ignores_attention_parked_on_the_first_token():
    # every query sends half its weight to position 0 and half to its previous token
    a = 0.5 * rows_to([0] * N) + 0.5 * previous_pattern()
    assert hs.previous_token(a) == pytest.approx((1.0 + 0.5 * (N - 2)) / (N - 1))  # query 1's previous is 0
    assert hs.previous_token(a, exclude_first=True) == 1.0
    b = 0.5 * rows_to([0] * N) + 0.5 * next_pattern()
    assert hs.next_token(b, exclude_first=True) == 1.0 and hs.next_token(b) == pytest.approx(0.5)


def test_exclude_current_ignores_attention_to_self():
    # causal: query 0 can only attend to itself (= the first token); the rest split self / first
    a = 0.5 * np.eye(N) + 0.5 * rows_to([0] * N)
    assert hs.first_token(a) == pytest.approx(0.5 + 0.5 / N)  # query 0's self-attention counts
    assert hs.first_token(a, exclude_current=True) == 1.0
    # a [SEP] query attending to itself counts as to-sep unless excluded
    sep = SENTENCE.index("[SEP]")
    b = rows_to([sep] * (N - 1) + [0])
    c = rows_to([sep] * N)
    assert hs.to_sep(c, SENTENCE) == 1.0
    assert hs.to_sep(c, SENTENCE, exclude_current=True) == 1.0  # its self-attention left the total too
    assert hs.to_sep(b, SENTENCE) == pytest.approx((N - 1) / N)
    # half on itself, half on the previous token
    d = 0.5 * np.eye(N) + 0.5 * previous_pattern()
    assert hs.previous_token(d) == pytest.approx(0.5) and hs.previous_token(d, exclude_current=True) == 1.0


def test_score_table_rows_and_average():
    w = np.stack([previous_pattern(), next_pattern(), rows_to([0] * N), uniform()])[None]  # (1, 4, n, n)
    rows = hs.score_table(w, SENTENCE)
    assert [(r["layer"], r["head"]) for r in rows] == [(0, 0), (0, 1), (0, 2), (0, 3)]
    assert rows[0]["previous_token"] == 1.0 and rows[1]["next_token"] == 1.0 and rows[2]["first_token"] == 1.0
    assert [r["pattern"] for r in rows] == ["diagonal", "diagonal", "vertical", "heterogeneous"]
    assert rows[3]["entropy"] == pytest.approx(1.0)
    assert set(hs.SCORE_NAMES) | {"pattern"} <= set(hs.DEFINITIONS) and set(rows[0]) == {"layer", "head",
                                                                                       *hs.SCORE_NAMES, "pattern"}
    # (h, n, n) of the synthetic engine is one layer
    assert hs.score_table(w[0], SENTENCE) == rows
    # averaging a text with a shorter one, where head 0 attends uniformly instead
    short = SENTENCE[:6]
    w2 = np.stack([uniform(6), next_pattern(6), rows_to([0] * 6, 6), uniform(6)])[None]
    avg = hs.average_tables([(w, SENTENCE), (w2, short)])
    assert avg[0]["previous_token"] == pytest.approx((1.0 + 1.0 / 6) / 2)
    assert avg[1]["next_token"] == 1.0
    assert avg[2]["pattern"] == "vertical"
    assert avg[0]["pattern"] == "diagonal"  # a 1-1 tie goes to the earlier type in PATTERN_CLASSES
    assert hs.average_tables([]) == []
    with pytest.raises(ValueError):
        hs.average_tables([(w, SENTENCE), (w[:, :2], SENTENCE)])


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError):
        hs.previous_token(np.ones((2, 3)))
    with pytest.raises(ValueError):
        hs.to_sep(np.eye(3), ["a", "b"])
    with pytest.raises(ValueError):
        hs.score_table(np.ones((1, 1, 3, 3)) / 3, ["a"])


@st.composite
def softmax_patterns(draw):
    n = draw(st.integers(1, 12))
    causal = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    temp = draw(st.sampled_from([0.05, 1.0, 20.0]))
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(n, n)) * temp
    if causal:
        scores[np.triu_indices(n, 1)] = -np.inf
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    vocab = draw(st.sampled_from([["[CLS]", "a", "b", ".", "[SEP]"], ["x", "y"], ["<|endoftext|>", "Ġz", ","]]))
    tokens = [vocab[i] for i in rng.integers(0, len(vocab), size=n)]
    return a, tokens


@settings(max_examples=150, deadline=None)
@given(softmax_patterns(), st.booleans(), st.booleans())
def test_every_score_is_in_unit_interval(pattern, ef, ec):
    a, tokens = pattern
    both = {"exclude_first": ef, "exclude_current": ec}
    values = [
        hs.previous_token(a, **both), hs.next_token(a, **both),
        hs.first_token(a, exclude_current=ec), hs.to_sep(a, tokens, **both), hs.to_punctuation(a, tokens, **both),
        hs.duplicate_token(a, tokens, **both), hs.duplicate_token(a, tokens, earlier_only=True, **both),
        hs.induction(a, tokens, **both), hs.entropy(a), hs.entropy(a, causal=False),
    ]
    for v in values:
        assert 0.0 <= v <= 1.0
    assert 0.0 <= hs.entropy(a, normalised=False) <= np.log2(len(a)) + 1e-9
    assert hs.pattern_class(a, tokens) in hs.PATTERN_CLASSES
    row = hs.score_table(a[None, None], tokens, exclude_first=ef, exclude_current=ec)[0]
    assert all(0.0 <= row[name] <= 1.0 for name in hs.SCORE_NAMES)
