"""Scores that say what kind of head an attention pattern belongs to. Qt-free, numpy only.

Every pattern score is TransformerLens's "mul" measure (``transformer_lens/head_detector.py``):
for a head's pattern ``A`` (n x n, rows = queries, columns = keys, rows summing to 1) and a 0/1
reference pattern ``P`` of the query-key pairs a head of that kind would attend to,

    score = sum(A * P) / sum(A)

i.e. the share of the head's attention that falls on the reference pairs, in [0, 1]. One
difference from TransformerLens: queries that have no reference key at all (query 0 has no
previous token, a token seen for the first time has no induction target) are left out of both
sums, so a perfect head scores 1 and a text without, say, separators scores 0. Options:

* ``exclude_first``: the first key column (BOS / [CLS]) is zeroed in ``A`` before both sums.
  Many heads park spare attention on the first token; excluding it asks "of the attention that
  went somewhere else, how much fits the pattern?". The reference pairs on key 0 go too (query
  1's previous token), so a query whose only reference key was 0 drops out of the score.
* ``exclude_current``: the diagonal (each query's attention to itself) goes the same way.

Where an option would make a score meaningless it is not offered (``first_token`` has no
``exclude_first``: it would exclude everything the score counts). ``entropy`` and
``pattern_class`` are not ratios; their docstrings define them. ``score_table`` scores every
head of a model; ``average_tables`` averages those tables over several texts.
"""
from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Sequence
from functools import lru_cache
from typing import TypedDict

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Separator / end-of-text tokens of the common tokenizers (BERT, RoBERTa/BART, GPT-2).
SEP_TOKENS: frozenset[str] = frozenset({"[SEP]", "</s>", "<|endoftext|>"})
# Sub-word markers stripped before comparing or classifying token strings: GPT-2's "Ġ" and
# SentencePiece's "▁" mark a leading space, WordPiece's "##" a word continuation.
_MARKERS = ("Ġ", "▁", "##")
_SENTENCE_END = frozenset({".", "!", "?", "。", "！", "？"})

SCORE_NAMES: tuple[str, ...] = (
    "previous_token", "next_token", "first_token", "to_sep", "to_punctuation",
    "duplicate_token", "induction", "entropy",
)

DEFINITIONS: dict[str, str] = {
    "previous_token": "Share of the head's attention that each token pays to the token just before it.",
    "next_token": "Share of the head's attention that each token pays to the token just after it.",
    "first_token": "Share of the head's attention that goes to the first token ([CLS] or BOS).",
    "to_sep": "Share of the head's attention that goes to separator tokens such as [SEP], </s> or <|endoftext|>.",
    "to_punctuation": "Share of the head's attention that goes to punctuation tokens.",
    "duplicate_token": "Share of the head's attention that goes to other copies of the query's own token.",
    "induction": "Share of the head's attention that goes to the token right after an earlier copy of the "
                 "query's token (meaningful on a repeated random sequence).",
    "entropy": "Mean entropy of the attention rows, scaled so that 0 is one key per query and 1 is uniform attention.",
    "pattern": "Kovaleva et al. (2019) pattern type: vertical (a few key columns), diagonal (the token itself or "
               "a neighbour), block (within segments) or heterogeneous.",
}

# pattern_class thresholds (see its docstring)
VERTICAL_MIN = 0.6  # share of the mass on the top-k key columns
DIAGONAL_MIN = 0.6  # share of the mass on the main diagonal and the two next to it
BLOCK_MIN = 0.8  # share of the mass inside the segments
BLOCK_OFF_BAND_MIN = 0.3  # share of the mass inside the segments but off the +-1 band
BLOCK_BASELINE_MAX = 0.5  # share a uniform pattern would have inside the segments
BOUNDARY_MAX = 0.1  # share of two neighbouring queries' attention that may cross the boundary between them
PATTERN_CLASSES: tuple[str, ...] = ("vertical", "diagonal", "block", "heterogeneous")
_PATTERN_ORDER = PATTERN_CLASSES


class ScoreRow(TypedDict):
    """One head's line of ``score_table``; score keys are those of ``SCORE_NAMES``."""

    layer: int
    head: int
    previous_token: float
    next_token: float
    first_token: float
    to_sep: float
    to_punctuation: float
    duplicate_token: float
    induction: float
    entropy: float
    pattern: str


# ---- helpers --------------------------------------------------------------------------------------
def _square(a: npt.ArrayLike) -> FloatArray:
    m = np.array(a, dtype=np.float64)  # a copy: the exclusions zero parts of it
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ValueError(f"an attention pattern is a square (n, n) matrix; got shape {m.shape}")
    return m


def _norm_token(token: Hashable) -> Hashable:
    """A token for comparison: strings lose their sub-word markers and surrounding spaces, so
    "Ġthe" and "the" are the same word; other tokens (ids) compare as they are."""
    if isinstance(token, str):
        t = token.strip()
        for marker in _MARKERS:
            if t.startswith(marker) and len(t) > len(marker):
                t = t[len(marker):]
        return t
    return token


def _check_length(tokens: Sequence[Hashable], n: int) -> None:
    if len(tokens) != n:
        raise ValueError(f"{len(tokens)} tokens for a pattern of {n} positions")


@lru_cache(maxsize=64)
def _token_ids(tokens: tuple[Hashable, ...]) -> npt.NDArray[np.int64]:
    """One id per distinct token (after _norm_token). Cached, like the references built from it:
    a score table asks for the same text's references once per head."""
    index: dict[Hashable, int] = {}
    ids = np.array([index.setdefault(_norm_token(t), len(index)) for t in tokens], dtype=np.int64)
    ids.setflags(write=False)
    return ids


@lru_cache(maxsize=64)
def _punctuation_keys(tokens: tuple[str, ...]) -> BoolArray:
    keys = np.array([is_punctuation(str(t)) for t in tokens], dtype=bool)
    keys.setflags(write=False)
    return keys


def _ratio(a: FloatArray, p: BoolArray, exclude_first: bool = False, exclude_current: bool = False) -> float:
    """sum(A * P) / sum(A) over the queries that have a reference key, after the exclusions;
    0 when no query has one (or no attention is left)."""
    p = np.array(p, dtype=bool)
    if exclude_first and a.shape[0]:
        a[:, 0] = 0.0
        p[:, 0] = False
    if exclude_current:
        np.fill_diagonal(a, 0.0)
        np.fill_diagonal(p, False)
    rows = p.any(axis=1)
    total = float(a[rows].sum())
    if total <= 0.0 or not math.isfinite(total):
        return 0.0
    return min(1.0, max(0.0, float(a[rows][p[rows]].sum()) / total))  # clip: rounding may land just past 1


def is_punctuation(token: str) -> bool:
    """True if ``token`` (sub-word markers stripped) is one or more punctuation characters."""
    t = str(_norm_token(token))
    return bool(t) and all(unicodedata.category(c).startswith("P") for c in t)


def _key_columns(n: int, keys: BoolArray) -> BoolArray:
    return np.repeat(keys[None, :], n, axis=0)


# ---- pattern scores -------------------------------------------------------------------------------
def previous_token(a: npt.ArrayLike, *, exclude_first: bool = False, exclude_current: bool = False) -> float:
    """Previous-token score: P[i, i-1] = 1, i.e. the share of attention on the key just before
    each query (query 0 has none and is left out). ``exclude_first`` drops key column 0, so
    query 1 (whose previous token is key 0) drops out too and attention parked on the first
    token no longer counts against the head. ``exclude_current`` leaves attention to itself out."""
    m = _square(a)
    return _ratio(m, np.eye(m.shape[0], k=-1, dtype=bool), exclude_first, exclude_current)


def next_token(a: npt.ArrayLike, *, exclude_first: bool = False, exclude_current: bool = False) -> float:
    """Next-token score: P[i, i+1] = 1, the share of attention on the key just after each query
    (0 for a causal model). ``exclude_first`` drops key column 0 (never a next token) from the
    total, which raises the score of a head that parks spare attention on the first token;
    ``exclude_current`` does the same for attention to itself."""
    m = _square(a)
    return _ratio(m, np.eye(m.shape[0], k=1, dtype=bool), exclude_first, exclude_current)


def first_token(a: npt.ArrayLike, *, exclude_current: bool = False) -> float:
    """First-token score: P[:, 0] = 1, the share of attention on position 0 ([CLS] / BOS).
    ``exclude_current`` drops the diagonal, so query 0 attending to itself does not count
    (in a causal model it has no other choice)."""
    m = _square(a)
    keys = np.zeros(m.shape[0], dtype=bool)
    keys[:1] = True
    return _ratio(m, _key_columns(m.shape[0], keys), exclude_current=exclude_current)


def to_sep(a: npt.ArrayLike, tokens: Sequence[str], *, sep_tokens: Collection[str] = SEP_TOKENS,
           exclude_first: bool = False, exclude_current: bool = False) -> float:
    """Separator score: P[:, j] = 1 where ``tokens[j]`` is one of ``sep_tokens`` ([SEP], </s>,
    <|endoftext|> by default), the share of attention on separator keys. ``exclude_first``
    drops key 0 (GPT-2 uses <|endoftext|> as BOS too, which would otherwise count);
    ``exclude_current`` drops a separator's attention to itself."""
    m = _square(a)
    keys = np.array([str(t).strip() in sep_tokens for t in tokens], dtype=bool)
    if keys.size != m.shape[0]:
        raise ValueError(f"{keys.size} tokens for a pattern of {m.shape[0]} positions")
    return _ratio(m, _key_columns(m.shape[0], keys), exclude_first, exclude_current)


def to_punctuation(a: npt.ArrayLike, tokens: Sequence[str], *, exclude_first: bool = False,
                   exclude_current: bool = False) -> float:
    """Punctuation score: P[:, j] = 1 where ``tokens[j]`` is punctuation (every character a
    Unicode P* character once sub-word markers are stripped: ".", ",", "Ġ'", "--"), the share
    of attention on punctuation keys. ``exclude_current`` drops a punctuation token's
    attention to itself."""
    m = _square(a)
    _check_length(tokens, m.shape[0])
    keys = _punctuation_keys(tuple(tokens))
    return _ratio(m, _key_columns(m.shape[0], keys), exclude_first, exclude_current)


def duplicate_token_reference(tokens: Sequence[Hashable], *, earlier_only: bool = False) -> BoolArray:
    """P[i, j] = 1 where token j is the same token as query i, j != i (and j < i if ``earlier_only``)."""
    ids = _token_ids(tuple(tokens))
    p = ids[:, None] == ids[None, :]
    np.fill_diagonal(p, False)  # a token always equals itself: that is not a duplicate
    return np.tril(p) if earlier_only else p


def duplicate_token(a: npt.ArrayLike, tokens: Sequence[Hashable], *, earlier_only: bool = False,
                    exclude_first: bool = False, exclude_current: bool = False) -> float:
    """Duplicate-token score: P[i, j] = 1 where key j holds the same token as query i and
    j != i (anywhere else in the text; only earlier if ``earlier_only``, as TransformerLens
    defines it for causal models). Tokens compare without sub-word markers ("Ġthe" == "the")."""
    m = _square(a)
    _check_length(tokens, m.shape[0])
    return _ratio(m, duplicate_token_reference(tokens, earlier_only=earlier_only), exclude_first, exclude_current)


def induction_reference(tokens: Sequence[Hashable]) -> BoolArray:
    """P[i, j + 1] = 1 where token j equals token i and j < i: the key right after an earlier
    copy of the query's token (TransformerLens's duplicate pattern shifted one key right)."""
    earlier = duplicate_token_reference(tokens, earlier_only=True)  # [i, j]: j < i, same token
    p = np.zeros_like(earlier)
    p[:, 1:] = earlier[:, :-1]  # j -> j + 1; j + 1 <= i always, so p stays lower triangular
    return p


def induction(a: npt.ArrayLike, tokens: Sequence[Hashable], *, exclude_first: bool = False,
              exclude_current: bool = False) -> float:
    """Induction score: P[i, j+1] = 1 where token j equals token i and j < i, the share of
    attention on "what came after this token last time". Defined on a repeated random
    sequence (``repeated_random_tokens``): there a perfect induction head's second half
    attends to the same position of the first half plus one and scores 1 (the first half has
    no earlier copies, so no target, and is left out). Natural text has few repeats: the score
    then rests on those few queries, and is 0 without any. ``exclude_current`` drops the case
    where the key after the earlier copy is the query itself (a token repeated twice in a row)."""
    m = _square(a)
    _check_length(tokens, m.shape[0])
    return _ratio(m, induction_reference(tokens), exclude_first, exclude_current)


def _is_causal(a: FloatArray) -> bool:
    return a.shape[-1] > 1 and not np.triu(a, k=1).any()


def entropy(a: npt.ArrayLike, *, normalised: bool = True, causal: bool | None = None) -> float:
    """Mean row entropy in bits: H_i = -sum_j A[i, j] log2 A[i, j], averaged over the queries.

    ``normalised`` divides each row by the most it could have, log2 of the number of keys the
    query may attend to (all n, or i + 1 for query i of a ``causal`` model), so 0 is all
    attention on one key and 1 is uniform attention; rows with a single possible key (query 0
    of a causal model) are left out of that mean. ``causal=None`` takes a pattern whose upper
    triangle is exactly 0 as causal (softmax never gives an exact 0 otherwise). Rows are
    rescaled to sum to 1 first, so a pattern with exclusions or rounding still scores in range."""
    m = _square(a)
    n = m.shape[0]
    if n == 0:
        return 0.0
    m = np.clip(m, 0.0, None)
    sums = m.sum(axis=1, keepdims=True)
    p = np.divide(m, sums, out=np.zeros_like(m), where=sums > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(p > 0, np.log2(np.where(p > 0, p, 1.0)), 0.0)
    h = -(p * logs).sum(axis=1)
    if not normalised:
        return float(max(0.0, h.mean()))
    if causal is None:
        causal = _is_causal(m)
    allowed = np.arange(1, n + 1) if causal else np.full(n, n)
    rows = allowed > 1
    if not rows.any():
        return 0.0
    return float(np.clip((h[rows] / np.log2(allowed[rows])).mean(), 0.0, 1.0))


# ---- pattern type -------------------------------------------------------------------------------
def segments_from_tokens(tokens: Sequence[str], sep_tokens: Collection[str] = SEP_TOKENS) -> list[tuple[int, int]]:
    """Contiguous [start, stop) spans that end after each separator or sentence-final mark."""
    spans, start = [], 0
    for i, t in enumerate(tokens):
        s = str(t).strip()
        if s in sep_tokens or str(_norm_token(s)) in _SENTENCE_END:
            spans.append((start, i + 1))
            start = i + 1
    if start < len(tokens):
        spans.append((start, len(tokens)))
    return spans


def segments_from_pattern(a: npt.ArrayLike, boundary_max: float = BOUNDARY_MAX) -> list[tuple[int, int]]:
    """Contiguous [start, stop) spans of a pattern: a boundary goes between positions k - 1 and
    k when those two queries send at most ``boundary_max`` of their attention across it (k - 1
    to keys >= k, k to keys < k). Local on purpose: the share of the whole pattern that crosses
    shrinks with n, so a global threshold would cut inside blocks of a long text."""
    m = _square(a)
    n = m.shape[0]
    if n <= 1:
        return [(0, n)] if n else []
    # suffix / prefix row sums: after[i, k] = sum(A[i, k:]), before[i, k] = sum(A[i, :k])
    before = np.zeros((n, n + 1))
    before[:, 1:] = m.cumsum(axis=1)
    after = before[:, -1:] - before
    k = np.arange(1, n)
    crossing = after[k - 1, k] + before[k, k]
    mass = before[k - 1, n] + before[k, n]
    local = np.divide(crossing, mass, out=np.ones_like(crossing), where=mass > 0)
    cuts = [0, *(int(x) for x in k[local <= boundary_max]), n]
    return list(zip(cuts[:-1], cuts[1:]))


def _block_shares(m: FloatArray, spans: list[tuple[int, int]]) -> tuple[float, float, float]:
    """(in-segment share, in-segment share off the +-1 band, uniform in-segment share)."""
    n = m.shape[0]
    seg = np.empty(n, dtype=np.int64)
    for s, (start, stop) in enumerate(spans):
        seg[start:stop] = s
    inside = seg[:, None] == seg[None, :]
    i = np.arange(n)
    band = np.abs(i[:, None] - i[None, :]) <= 1
    total = float(m.sum())
    baseline = sum((stop - start) ** 2 for start, stop in spans) / n**2
    return float(m[inside].sum()) / total, float(m[inside & ~band].sum()) / total, baseline


def pattern_shares(a: npt.ArrayLike) -> tuple[float, float]:
    """(vertical share, diagonal share) of a pattern, as ``pattern_class`` uses them."""
    m = np.clip(_square(a), 0.0, None)
    n, total = m.shape[0], float(m.sum())
    if n == 0 or total <= 0:
        return 0.0, 0.0
    k = max(1, min(3, n // 4))
    columns = np.sort(m.sum(axis=0))[::-1]
    i = np.arange(n)
    band = np.abs(i[:, None] - i[None, :]) <= 1
    return float(columns[:k].sum()) / total, float(m[band].sum()) / total


def pattern_class(a: npt.ArrayLike, tokens: Sequence[str] | None = None, *,
                  sep_tokens: Collection[str] = SEP_TOKENS) -> str:
    """The pattern type of Kovaleva et al. 2019 ("Revealing the Dark Secrets of BERT"), by rule
    instead of their trained classifier; the first rule that holds wins:

    1. "vertical": the k = clamp(n // 4, 1, 3) key columns with the most mass hold at least
       VERTICAL_MIN (0.6) of it: every query looks at the same few tokens ([CLS], [SEP], ".").
    2. "block": the positions split into 2+ contiguous segments that hold at least BLOCK_MIN
       (0.8) of the mass, at least BLOCK_OFF_BAND_MIN (0.3) of it off the +-1 diagonal band
       (spread inside the segment, not just a neighbour), where a uniform pattern would hold at
       most BLOCK_BASELINE_MAX (0.5) (the segments really partition the text). Segments are
       read from the pattern (boundaries that the two queries next to them cross with at most
       BOUNDARY_MAX = 0.1 of their attention, see ``segments_from_pattern``) or,
       if ``tokens`` are given, from the text (ending after separators and ". ! ?").
    3. "diagonal": the main diagonal and the two next to it hold at least DIAGONAL_MIN (0.6).
    4. "heterogeneous": anything else.
    """
    m = np.clip(_square(a), 0.0, None)
    n = m.shape[0]
    if n == 0 or float(m.sum()) <= 0:
        return "heterogeneous"
    vertical, diagonal = pattern_shares(m)
    if vertical >= VERTICAL_MIN:
        return "vertical"
    candidates = [segments_from_pattern(m)]
    if tokens is not None and len(tokens) == n:
        candidates.append(segments_from_tokens(tokens, sep_tokens))
    for spans in candidates:
        if len(spans) < 2:
            continue
        inside, off_band, baseline = _block_shares(m, spans)
        if inside >= BLOCK_MIN and off_band >= BLOCK_OFF_BAND_MIN and baseline <= BLOCK_BASELINE_MAX:
            return "block"
    if diagonal >= DIAGONAL_MIN:
        return "diagonal"
    return "heterogeneous"


# ---- tables -------------------------------------------------------------------------------------
def _weights(weights: npt.ArrayLike) -> FloatArray:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 3:  # one layer (h, n, n), as the synthetic engine gives
        w = w[None]
    if w.ndim != 4 or w.shape[-1] != w.shape[-2]:
        raise ValueError(f"weights are (layers, heads, n, n); got shape {w.shape}")
    return w


def score_table(weights: npt.ArrayLike, tokens: Sequence[str], *, sep_tokens: Collection[str] | None = None,
                exclude_first: bool = False, exclude_current: bool = False) -> list[ScoreRow]:
    """One ScoreRow per (layer, head) of ``weights`` (L, h, n, n) or (h, n, n), in layer-major
    order. ``exclude_first`` / ``exclude_current`` go to every score that takes them;
    ``sep_tokens`` replaces SEP_TOKENS. Entropy is normalised, with causality decided once for
    the whole model (every upper triangle exactly 0), so every head is scaled alike."""
    w = _weights(weights)
    n_layers, n_heads, n, _ = w.shape
    if len(tokens) != n:
        raise ValueError(f"{len(tokens)} tokens for patterns of {n} positions")
    seps = SEP_TOKENS if sep_tokens is None else frozenset(str(s) for s in sep_tokens)
    causal = n > 1 and not np.triu(w, k=1).any()
    ef, ec = exclude_first, exclude_current
    rows: list[ScoreRow] = []
    for layer in range(n_layers):
        for head in range(n_heads):
            a = w[layer, head]
            rows.append(ScoreRow(
                layer=layer, head=head,
                previous_token=previous_token(a, exclude_first=ef, exclude_current=ec),
                next_token=next_token(a, exclude_first=ef, exclude_current=ec),
                first_token=first_token(a, exclude_current=exclude_current),
                to_sep=to_sep(a, tokens, sep_tokens=seps, exclude_first=ef, exclude_current=ec),
                to_punctuation=to_punctuation(a, tokens, exclude_first=ef, exclude_current=ec),
                duplicate_token=duplicate_token(a, tokens, exclude_first=ef, exclude_current=ec),
                induction=induction(a, tokens, exclude_first=ef, exclude_current=ec),
                entropy=entropy(a, normalised=True, causal=causal),
                pattern=pattern_class(a, tokens, sep_tokens=seps),
            ))
    return rows


def average_tables(texts: Iterable[tuple[npt.ArrayLike, Sequence[str]]], *,
                   sep_tokens: Collection[str] | None = None, exclude_first: bool = False,
                   exclude_current: bool = False) -> list[ScoreRow]:
    """Mean of ``score_table`` over several (weights, tokens) texts of the same model (same
    layers and heads; token counts may differ). Each score is the plain mean over the texts;
    the pattern is the type most texts gave (ties: the first in "vertical", "diagonal",
    "block", "heterogeneous" order). The options go to ``score_table``."""
    tables = [score_table(w, t, sep_tokens=sep_tokens, exclude_first=exclude_first,
                          exclude_current=exclude_current) for w, t in texts]
    if not tables:
        return []
    if any(len(t) != len(tables[0]) for t in tables):
        raise ValueError("texts of different models (layer x head counts differ) cannot be averaged")
    out: list[ScoreRow] = []
    for rows in zip(*tables):
        def mean(name: str) -> float:
            return float(np.mean([float(r[name]) for r in rows]))

        votes = Counter(r["pattern"] for r in rows)
        pattern = max(votes, key=lambda p: (votes[p], -_PATTERN_ORDER.index(p)))
        out.append(ScoreRow(
            layer=rows[0]["layer"], head=rows[0]["head"],
            previous_token=mean("previous_token"), next_token=mean("next_token"),
            first_token=mean("first_token"), to_sep=mean("to_sep"), to_punctuation=mean("to_punctuation"),
            duplicate_token=mean("duplicate_token"), induction=mean("induction"), entropy=mean("entropy"),
            pattern=pattern,
        ))
    return out


def repeated_random_tokens(vocab_size: int, length: int, seed: int = 0) -> list[int]:
    """A random sequence of ``length`` token ids from range(vocab_size) followed by the same
    sequence again (2 * length ids): the standard induction probe. The first half has no repeats
    when vocab_size >= length, so every induction target is unambiguous."""
    if vocab_size < 1 or length < 0:
        raise ValueError("vocab_size must be >= 1 and length >= 0")
    rng = np.random.default_rng(seed)
    if vocab_size >= length:
        half = rng.choice(vocab_size, size=length, replace=False)
    else:
        half = rng.integers(0, vocab_size, size=length)
    ids = [int(x) for x in half]
    return ids + ids
