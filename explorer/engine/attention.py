"""Scaled dot-product attention, single-head and multi-head, keeping every intermediate.

The stages are numbered as the app shows them (explorer.engine.stages):
  0 tokens  1 x  2 Q,K,V projections  3 split heads  4 scores  5 scale  6 mask  7 softmax
  8 weighted sum A.V  9 concat  10 output projection
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from .cache import ByteBudget, ByteLRU
from .config import MAX_TOKENS, AttentionConfig
from .memory import trim_if_slack
from .weights import positional_encoding, projection_columns, projection_matrix, token_embeddings

_FLOAT_MAX = np.finfo(np.float64).max
# Below this bound on |logit|, exp() cannot overflow even summed over MAX_TOKENS keys, so the
# softmax may skip subtracting the row maximum (one pass less over an (h, n, n) array).
_SAFE_LOGIT = 300.0


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class _SeededMatrix:
    """A Trace field holding one of the projection matrices: given, or (left out, None)
    generated from the trace's seed and d_model when first read, then kept."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __set_name__(self, owner: type, attr: str) -> None:
        self.slot = "_" + attr

    def __get__(self, obj: Trace | None, owner: type | None = None) -> np.ndarray | None:
        if obj is None:
            return None  # the dataclass default
        value: np.ndarray | None = obj.__dict__.get(self.slot)
        if value is None:
            value = projection_matrix(obj.config.seed, self.name, obj.config.d_model)
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj: Trace, value: np.ndarray | None) -> None:
        obj.__dict__[self.slot] = value


@dataclass(frozen=True, eq=False)
class Trace:
    """Every stage of one attention computation. Arrays are read-only float64.

    Stages 3, 5, 6, 8, 9 and 10 are computed on first access (and then kept): the live heads view
    only needs the weights, and a slider tick should not pay for what nobody draws."""

    config: AttentionConfig
    tokens: list[str]
    # 1) the attention input
    x: np.ndarray  # (n, d_model) (embedding + position) / sqrt(d_model)
    w_q: np.ndarray  # (d_model, d_model); q_proj = x @ w_q
    w_k: np.ndarray  # (d_model, d_model)
    # 2) projections (v_proj below: the weights do not need it, so it is made on first use)
    q_proj: np.ndarray  # (n, d_model)
    k_proj: np.ndarray  # (n, d_model)
    # 4) raw scores q.k^T, before scaling, temperature and mask
    scores: np.ndarray  # (n_heads, n, n)
    # 6) allowed[i, j] is True where query i may attend to key j
    allowed: np.ndarray  # (n, n) bool
    # 7) softmax over keys (rows sum to 1, masked keys get 0)
    weights: np.ndarray  # (n_heads, n, n)
    # where v_proj comes from: shared by every trace of the same x, so it is projected once
    v_source: Callable[[], np.ndarray] = field(repr=False)
    # True when every |scaled logit| was checked to be small (no overflow handling needed)
    small_logits: bool = field(default=False, repr=False)
    # (d_model, d_model) each; v_proj = x @ w_v, output = concat @ w_o. Left out (None), they are
    # generated from the seed when first read: a new seed on the heads grid needs neither
    w_v: np.ndarray | None = _SeededMatrix("w_v")  # type: ignore[assignment]
    w_o: np.ndarray | None = _SeededMatrix("w_o")  # type: ignore[assignment]

    @property
    def scale(self) -> float:
        """5) the factor on the raw scores: (1/sqrt(d_k) if scaled) / temperature."""
        return self.config.scale

    @cached_property
    def v_proj(self) -> np.ndarray:
        """2) x @ w_v: (n, d_model)."""
        return self.v_source()

    # 3) split into heads: head i is columns i*d_k .. (i+1)*d_k - 1 of q_proj, k_proj, v_proj
    @cached_property
    def q(self) -> np.ndarray:
        """(n_heads, n, d_k)"""
        return _frozen(np.ascontiguousarray(split_heads(self.q_proj, self.n_heads)))

    @cached_property
    def k(self) -> np.ndarray:
        """(n_heads, n, d_k)"""
        return _frozen(np.ascontiguousarray(split_heads(self.k_proj, self.n_heads)))

    @cached_property
    def v(self) -> np.ndarray:
        """(n_heads, n, d_k)"""
        return _frozen(np.ascontiguousarray(split_heads(self.v_proj, self.n_heads)))

    @cached_property
    def scaled_scores(self) -> np.ndarray:
        """5) scores * scale: (n_heads, n, n), saturating at the largest float."""
        if self.small_logits:  # known from the softmax: no product can overflow
            return _frozen(np.multiply(self.scores, self.scale))
        h = self.n_heads
        return _frozen(_scaled_scores(self.config, self.scores, split_heads(self.q_proj, h),
                                      split_heads(self.k_proj, h))[0])

    @cached_property
    def masked_scores(self) -> np.ndarray:
        """6) scaled scores with -inf where the mask forbids a key: (n_heads, n, n)."""
        if self.allowed.all():
            return self.scaled_scores
        return _frozen(np.where(self.allowed, self.scaled_scores, -np.inf))

    @cached_property
    def head_outputs(self) -> np.ndarray:
        """8) weights @ v: (n_heads, n, n) @ (n_heads, n, d_k) -> (n_heads, n, d_k)."""
        return _frozen(self.weights @ self.v)

    def head_output_row(self, head: int, i: int) -> np.ndarray:
        """8) head ``head``'s output for query i, weights[head, i] @ v[head]: (d_k,). The trace's
        own row if it made head_outputs; else from that head's d_k columns of V alone (a seeded
        trace whose V nobody projected yet: x @ those columns of W_V, not the whole of V)."""
        if "head_outputs" in self.__dict__:
            row: np.ndarray = self.head_outputs[head, i]
            return row
        dk = self.d_k
        src = self.v_source
        if "v_proj" not in self.__dict__ and self.__dict__.get("_w_v") is None and isinstance(src, _LazyV) \
                and src.pending():
            w_cols = projection_columns(self.config.seed, "w_v", self.config.d_model, head * dk, (head + 1) * dk)
            v_head = self.x @ w_cols  # (n, d_model) @ (d_model, d_k) -> (n, d_k)
        else:
            v_head = self.v[head]  # (n, d_k)
        out: np.ndarray = self.weights[head, i] @ v_head  # (n,) @ (n, d_k) -> (d_k,)
        return out

    @cached_property
    def concat(self) -> np.ndarray:
        """9) heads side by side: (n_heads, n, d_k) -> (n, d_model)."""
        return _frozen(merge_heads(self.head_outputs))

    @cached_property
    def output(self) -> np.ndarray:
        """10) concat @ w_o: (n, d_model)."""
        return _frozen(self.concat @ self.w_o)

    @property
    def n(self) -> int:
        return len(self.tokens)

    @property
    def n_heads(self) -> int:
        return self.config.n_heads

    @property
    def d_model(self) -> int:
        return self.config.d_model

    @property
    def d_k(self) -> int:
        return self.config.d_k


class TracePair(NamedTuple):
    """The h-head trace and the 1-head trace for the same tokens and weights."""

    multi: Trace
    single: Trace


def split_heads(a: np.ndarray, n_heads: int) -> np.ndarray:
    n, d_model = a.shape
    return a.reshape(n, n_heads, d_model // n_heads).transpose(1, 0, 2)  # (n, d_model) -> (h, n, d_k)


def merge_heads(a: np.ndarray) -> np.ndarray:
    h, n, d_k = a.shape
    return a.transpose(1, 0, 2).reshape(n, h * d_k)  # (h, n, d_k) -> (n, d_model)


def causal_allowed(n: int) -> np.ndarray:
    return np.tril(np.ones((n, n), dtype=bool))


def stable_softmax(masked_scores: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; -inf entries (masked keys) get weight 0.

    Every row must have a finite entry (each query may always see itself), so the row max is
    finite, the max entry becomes exp(0) = 1 and the sum is >= 1: no NaN, no inf, no 0/0."""
    w: NDArray[np.float64] = masked_scores - masked_scores.max(axis=-1, keepdims=True)  # (..., n, n), <= 0
    with np.errstate(under="ignore"):
        np.exp(w, out=w)
    _normalise_rows(w)
    return w


def _normalise_rows(e: np.ndarray) -> None:
    """Divide each row by its sum, in place: one reciprocal per row, then one multiply pass
    (a multiply is several times cheaper than a divide; the result differs by at most an ulp)."""
    row_sums = e.sum(axis=-1, keepdims=True)  # (..., n, 1), each >= 1 or a sum of positives
    np.reciprocal(row_sums, out=row_sums)
    e *= row_sums


def _scaled_scores(cfg: AttentionConfig, scores: np.ndarray, q: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, bool]:
    """5) scores * scale, and whether every |logit| is small enough to skip the max shift."""
    scale = cfg.scale
    if np.isfinite(scale):
        # Cauchy-Schwarz: |q_i . k_j| <= |q_i| |k_j|, a bound on every logit from (h, n) norms
        q_sq = np.einsum("hnd,hnd->hn", q, q).max()  # (h, n, d_k) -> largest |q_i|^2
        k_sq = np.einsum("hnd,hnd->hn", k, k).max()
        bound = scale * np.sqrt(q_sq * k_sq)
        if bound < _SAFE_LOGIT:
            return np.multiply(scores, scale), True
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(scale):
            logits = scores * scale
        else:  # a temperature so small that the factor itself overflows
            logits = scores * (1.0 / np.sqrt(cfg.d_k) if cfg.scaled else 1.0) / cfg.temperature
    np.clip(logits, -_FLOAT_MAX, _FLOAT_MAX, out=logits)
    return logits, False


def _softmax_weights(cfg: AttentionConfig, scores: np.ndarray, q: np.ndarray, k: np.ndarray,
                     causal: np.ndarray | None) -> tuple[np.ndarray, bool]:
    """5) scale, 6) mask and 7) softmax over keys, fused into as few passes as possible.
    Also says whether every logit was small (the trace's scaled scores then need no check)."""
    w, small = _scaled_scores(cfg, scores, q, k)  # (h, n, n), a new array we may overwrite
    if not small:
        # stable_softmax(np.where(causal > 0, w, -inf)), done in w itself: one (h, n, n) array
        # instead of three alive at once (the heap would keep the other two's blocks)
        if causal is not None:
            np.copyto(w, -np.inf, where=~(causal > 0))  # (n, n) broadcast over the heads
        w -= w.max(axis=-1, keepdims=True)  # (..., n, n), <= 0
        with np.errstate(under="ignore"):
            np.exp(w, out=w)
        _normalise_rows(w)
        return w, False
    # every |logit| < _SAFE_LOGIT: exp cannot overflow (nor the row sums underflow to 0), so no
    # max shift is needed; the diagonal keeps every causal row's sum > 0
    np.exp(w, out=w)
    if causal is not None:
        w *= causal  # masked keys -> 0
    _normalise_rows(w)
    return w, True


def trace_nbytes(trace: Trace) -> int:
    """The bytes of the arrays a trace holds now: its eager stages and the lazy ones read so far
    (views count at their own size; the weight matrices are accounted in their own cache)."""
    held = trace.__dict__
    return sum(a.nbytes for name, a in held.items() if isinstance(a, np.ndarray) and name not in _MATRIX_SLOTS)


_MATRIX_SLOTS = frozenset({"w_q", "w_k", "_w_v", "_w_o"})


def trace_nbytes_bound(cfg: AttentionConfig, n: int) -> int:
    """The bytes a trace of n tokens may hold once every stage was read: float64 (n, d_model)
    arrays x, q_proj|k_proj (two), v_proj, q, k, v, head_outputs, concat, output; (h, n, n)
    scores, weights, scaled and masked scores; the (n, n) mask. The weight matrices are views of
    the cached ones (accounted there)."""
    h, d = cfg.n_heads, cfg.d_model
    return 8 * (10 * n * d + 4 * h * n * n) + n * n


class _LazyV:
    """2) v_proj = x @ w_v, (n, d_model), projected on the first call and then kept.

    Either ``x`` with ``known``, its first rows if they were projected already (a common prefix
    with an earlier sequence), so only the rows after them are projected; or ``parent`` and
    ``n``: the first n rows of the parent's (a prefix of the cached sequence, so every trace made
    from it shares one projection). Parents are never children, so no chain builds up."""

    __slots__ = ("_x", "_w_v", "_known", "_parent", "_n", "_stats", "_value")

    def __init__(self, x: np.ndarray | None, w_v: Callable[[], np.ndarray] | None, known: np.ndarray | None = None,
                 parent: _LazyV | None = None, n: int = 0, stats: dict[str, int] | None = None) -> None:
        self._x, self._w_v, self._known, self._parent, self._n = x, w_v, known, parent, n
        self._stats = stats  # the engine's counters: "v_rows_computed"
        self._value: np.ndarray | None = None

    @classmethod
    def extending(cls, x: np.ndarray, w_v: Callable[[], np.ndarray], earlier: _LazyV, p: int,
                  stats: dict[str, int]) -> _LazyV:
        """For x whose first p rows are those of ``earlier``'s: reuse its projected rows if it has
        them (arrays only are kept, never ``earlier`` itself)."""
        known = earlier._value[:p] if earlier._value is not None and p else None
        return cls(x, w_v, known, stats=stats)

    @classmethod
    def prefix_of(cls, root: _LazyV, n: int, total: int) -> _LazyV:
        """The first n of the ``total`` rows of ``root`` (a _LazyV made from x itself)."""
        return root if n == total else cls(None, None, parent=root, n=n)

    def pending(self) -> bool:
        """True while nothing has projected V yet (here or, for a prefix, in the parent)."""
        if self._value is not None:
            return False
        return self._parent is None or self._parent.pending()

    def __call__(self) -> np.ndarray:
        if self._value is None:
            if self._parent is not None:
                value = self._parent()[: self._n]
            else:
                assert self._x is not None and self._w_v is not None  # made from x (not a parent), not yet projected
                p = 0 if self._known is None else len(self._known)
                rest = self._x[p:] @ self._w_v()  # (n - p, d_model) @ (d_model, d_model)
                if self._stats is not None:
                    self._stats["v_rows_computed"] += len(rest)
                value = np.concatenate([self._known, rest]) if p else rest  # (n, d_model)
            self._value = _frozen(value)
            self._x = self._w_v = self._known = self._parent = self._stats = None  # keep nothing else alive
        return self._value


def _check_tokens(tokens: Sequence[str]) -> list[str]:
    if isinstance(tokens, str):
        raise ValueError("tokens must be a sequence of token strings; call tokenize(text) first.")
    tokens = list(tokens)
    if not tokens:
        raise ValueError("There are no tokens to attend over: enter some text (at least one token).")
    if len(tokens) > MAX_TOKENS:
        raise ValueError(f"Too many tokens: {len(tokens)}; the engine takes at most {MAX_TOKENS}.")
    for t in tokens:
        if not isinstance(t, str) or not t:
            raise ValueError(f"Every token must be a non-empty string, got {t!r}.")
    return tokens


def _common_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    p = 0
    for s, t in zip(a, b):
        if s != t:
            break
        p += 1
    return p


_Projected = tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray, "_LazyV"]


POSITIONS_MAX_BYTES = 8 * 2**20  # positional tables kept: eight of 256 positions x 512 dimensions


class AttentionEngine:
    """Computes traces, reusing work a change did not touch.

    Caches (each exact, keyed by everything its result depends on):
      * projections per (seed, d_model, positional): x, x @ W_Q and x @ W_K of the last
        sequence (products with views of the cached weight matrices: no copy of them is kept);
        a new sequence reuses the rows of its common prefix with it (the token slider,
        typing at the end) and projects only the rest. x @ W_V is made the same way, but only
        when something reads it (the live heads view never does);
      * raw scores per (seed, d_model, positional, n_heads): a prefix of the cached tokens is a
        top-left block of the cached scores. Coarser head counts are sums of finer ones
        (sum over a group of heads of Q_h K_h^T = the merged head's QK^T), so h = 8 or the
        single head come from cached 16-head scores without another product;
      * the last few whole traces.

    Every cache is bounded by bytes: all of them, with the weight matrices and token vectors of
    explorer.engine.weights, share one ``ByteBudget`` (by default cache.DEFAULT_BUDGET, 64 MB),
    which drops the least recently used entry of any of them when the total passes it (the positional
    tables, which depend on d_model alone, have a small budget of their own). ``max_traces`` still
    bounds the count of whole traces. A trace is accounted at everything it may come to hold
    (``trace_nbytes_bound``: its lazy stages included), so the accounted bytes bound the real ones.
    """

    def __init__(self, max_traces: int = 8, budget: ByteBudget | None = None) -> None:
        self.budget = budget
        # d_model -> the positional table, in a small budget of its own: in the shared one the
        # traces (accounted at their bound) kept pushing these out, and a d_model walk over six
        # values recomputed the table on 135 of 200 computations
        self._pos: ByteLRU[int, np.ndarray] = ByteLRU(ByteBudget(POSITIONS_MAX_BYTES), max_entries=8)
        # (seed, d_model, positional) -> (tokens, x, x @ W_Q, x @ W_K, V source)
        self._last: ByteLRU[tuple[int, int, str], _Projected] = ByteLRU(budget, max_entries=4)
        # ((seed, d_model, positional), n_heads) -> (tokens, raw scores)
        self._scores: ByteLRU[tuple[tuple[int, int, str], int], tuple[tuple[str, ...], NDArray[np.float64]]] = ByteLRU(
            budget, max_entries=6)
        self._traces: ByteLRU[tuple[AttentionConfig, tuple[str, ...]], Trace] = ByteLRU(budget, max_entries=max_traces)
        # n -> the (n, n) float causal mask
        self._causal: ByteLRU[int, np.ndarray] = ByteLRU(budget, max_entries=4)
        self._max_traces = max_traces
        self.stats = {"trace_hits": 0, "projection_rows_computed": 0, "v_rows_computed": 0,
                      "scores_computed": 0, "scores_summed": 0}

    def clear(self, *, keep_projections: bool = False) -> None:
        """Forget cached results. The parameters and what depends on nothing else (the weight
        matrices, the positional encodings) are kept."""
        if not keep_projections:
            self._last.clear()
        self._scores.clear()
        self._traces.clear()


    # 1) + 2): x and the Q and K projections, (n, d_model) each; V comes from a _LazyV, projected
    # when something first reads it
    def _projections(self, cfg: AttentionConfig, tokens: list[str]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, _LazyV]:
        """Rows are per token and position, so the rows of the longest common prefix with the
        last sequence at these sizes are reused and only the rest is projected."""
        d, n = cfg.d_model, len(tokens)
        key = (cfg.seed, d, cfg.positional)
        last = self._last.get(key)
        p = 0
        if last is not None:
            p = _common_prefix(last[0], tokens)
            if p == n:  # a prefix of the last sequence (the token slider moving down): sliced
                return last[1][:n], last[2][:n], last[3][:n], _LazyV.prefix_of(last[4], n, len(last[0]))
        x_new = token_embeddings(cfg.seed, tokens[p:], d)  # (n - p, d_model)
        if cfg.positional == "sinusoidal":
            x_new += self._positions(d, n)[p:n]
        x_new *= 1.0 / np.sqrt(d)
        # two products with the cached matrices' crops (views: BLAS reads them in place, no
        # [W_Q | W_K] copy is made or kept), (n - p, d_model) @ (d_model, d_model) each
        # both matrices first: a new seed draws their tiles on two threads, which a BLAS product
        # between them would compete with
        w_q, w_k = projection_matrix(cfg.seed, "w_q", d), projection_matrix(cfg.seed, "w_k", d)
        q_new = x_new @ w_q
        k_new = x_new @ w_k
        self.stats["projection_rows_computed"] += n - p
        if p:
            assert last is not None  # p > 0 only after a last sequence
            x = np.concatenate([last[1][:p], x_new])  # (n, d_model)
            q_proj = np.concatenate([last[2][:p], q_new])  # (n, d_model)
            k_proj = np.concatenate([last[3][:p], k_new])
        else:
            x, q_proj, k_proj = x_new, q_new, k_new
        x, q_proj, k_proj = _frozen(x), _frozen(q_proj), _frozen(k_proj)
        def w_v() -> np.ndarray:  # W_V is generated only if V is ever read
            return projection_matrix(cfg.seed, "w_v", d)

        if p:
            assert last is not None  # p > 0 only after a last sequence
            v = _LazyV.extending(x, w_v, last[4], p, self.stats)
        else:
            v = _LazyV(x, w_v, stats=self.stats)
        # accounted with the V projection it may make: (n, d_model) more
        self._last.put(key, (tuple(tokens), x, q_proj, k_proj, v), 4 * x.nbytes + 64 * n)
        return x, q_proj, k_proj, v

    def _positions(self, d_model: int, n: int) -> np.ndarray:
        """Sinusoidal encodings of positions 0 .. n-1, (n, d_model), from a table of a power of two
        positions (at least 64): the token slider moving within 129 .. 256 never makes it again."""
        table = self._pos.get(d_model)
        if table is None or table.shape[0] < n:
            table = _frozen(positional_encoding(max(64, 1 << (n - 1).bit_length()), d_model))
            self._pos.put(d_model, table)
        return table[:n]

    # 4) raw scores per head, (h, n, n)
    def _raw_scores(self, cfg: AttentionConfig, tokens: list[str], q: np.ndarray, k: np.ndarray) -> np.ndarray:
        n, h = len(tokens), cfg.n_heads
        base = (cfg.seed, cfg.d_model, cfg.positional)
        finer: tuple[int, NDArray[np.float64]] | None = None  # (head count, its scores)
        for (b, c_h), (c_tokens, c_scores) in reversed(self._scores.items()):
            if b != base or c_h % h or _common_prefix(c_tokens, tokens) != n:
                continue
            if c_h == h:
                self._scores.get((b, c_h))  # now the most recently used
                return c_scores[:, :n, :n]
            finer = finer if finer is not None and finer[0] <= c_h else (c_h, c_scores)
        if finer is not None:
            c_h, c_scores = finer
            # sum each group of c_h / h consecutive heads: (c_h, n, n) -> (h, c_h/h, n, n) -> (h, n, n)
            block = c_scores[:, :n, :n]
            scores: np.ndarray = block.reshape(h, c_h // h, n, n).sum(axis=1) if c_h // h > 1 else block.copy()
            self.stats["scores_summed"] += 1
        else:
            scores = q @ k.transpose(0, 2, 1)  # (h, n, d_k) @ (h, d_k, n) -> (h, n, n)
            self.stats["scores_computed"] += 1
        self._scores.put((base, h), (tuple(tokens), _frozen(scores)))
        return scores

    def _causal_float(self, n: int) -> np.ndarray:
        m = self._causal.get(n)
        if m is None:
            m = self._causal.put(n, _frozen(np.tril(np.ones((n, n)))))
        return m

    def compute(self, cfg: AttentionConfig, tokens: Sequence[str]) -> Trace:
        if not isinstance(cfg, AttentionConfig):
            raise ValueError("compute_attention needs an AttentionConfig as its first argument.")
        tokens = _check_tokens(tokens)
        tkey = (cfg, tuple(tokens))
        hit = self._traces.get(tkey)
        if hit is not None:
            self.stats["trace_hits"] += 1
            return hit
        # what the last frames freed is free now: if too much of the heap lies free but resident
        # (the tuned allocator keeps it), give it back before this computation allocates
        trim_if_slack()

        n, d, h = len(tokens), cfg.d_model, cfg.n_heads
        # 1) x, 2) projections
        x, q_proj, k_proj, v_source = self._projections(cfg, tokens)  # (n, d_model) each
        # 3) split into heads
        q = split_heads(q_proj, h)  # (h, n, d_k) views; the trace makes contiguous copies if asked
        k = split_heads(k_proj, h)  # (h, n, d_k)
        # 4) raw scores
        scores = self._raw_scores(cfg, tokens, q, k)  # (h, n, n)
        # 5) scale, 6) mask, 7) softmax, fused (the trace derives stages 5 and 6 when asked)
        allowed = causal_allowed(n) if cfg.causal else np.ones((n, n), dtype=bool)
        weights, small = _softmax_weights(cfg, scores, q, k, self._causal_float(n) if cfg.causal else None)

        trace = Trace(
            config=cfg,
            tokens=tokens,
            x=x,
            w_q=projection_matrix(cfg.seed, "w_q", d),
            w_k=projection_matrix(cfg.seed, "w_k", d),
            q_proj=q_proj,
            k_proj=k_proj,
            scores=scores,
            allowed=_frozen(allowed),
            weights=_frozen(weights),
            v_source=v_source,
            small_logits=small,
        )
        # accounted at everything it may come to hold (its lazy stages included), so what the cache
        # keeps is never more than it is accounted at, whatever is read from the trace later
        self._traces.put(tkey, trace, trace_nbytes_bound(cfg, n) + sum(len(t) for t in tokens))
        return trace

    def compute_pair(self, cfg: AttentionConfig, tokens: Sequence[str]) -> TracePair:
        """The h-head trace and the single-head (h = 1) trace on the same tokens and weights."""
        multi = self.compute(cfg, tokens)
        single = multi if cfg.n_heads == 1 else self.compute(cfg.with_heads(1), tokens)
        return TracePair(multi, single)


_default_engine = AttentionEngine()


def compute_attention(config: AttentionConfig, tokens: Sequence[str]) -> Trace:
    """Compute every stage of attention for ``tokens`` under ``config`` (cached, see AttentionEngine)."""
    return _default_engine.compute(config, tokens)


def compute_pair(config: AttentionConfig, tokens: Sequence[str]) -> TracePair:
    return _default_engine.compute_pair(config, tokens)
