"""Summary numbers of attention patterns: entropy, distance, head diversity."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .attention import Trace, TracePair


def _xlogx(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """p * log2(p) with 0 log 0 = 0."""
    logs = np.zeros_like(p)
    np.log2(p, out=logs, where=p > 0)
    return p * logs


def row_entropy_bits(weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """(..., n, n) -> (..., n): the Shannon entropy of each row, in bits."""
    bits: NDArray[np.float64] = -_xlogx(weights).sum(axis=-1)
    return bits


def entropy(trace: Trace) -> tuple[np.ndarray, np.ndarray]:
    """Per-head mean row entropy: (bits (h,), normalised (h,)).

    Normalised divides each row by log2 of the number of keys it may see, so 1 is uniform
    over the allowed keys and 0 is one-hot. A row that sees a single key counts as 0."""
    bits = row_entropy_bits(trace.weights)  # (h, n)
    n_allowed = trace.allowed.sum(axis=1)  # (n,)
    max_bits = np.log2(n_allowed)  # (n,)
    with np.errstate(divide="ignore", invalid="ignore"):
        norm = np.where(max_bits > 0, bits / np.where(max_bits > 0, max_bits, 1.0), 0.0)
    return bits.mean(axis=1), np.clip(norm.mean(axis=1), 0.0, 1.0)


def attention_distance(trace: Trace) -> NDArray[np.float64]:
    """Per-head mean |i - j| weighted by attention, in tokens: (h,)."""
    idx = np.arange(trace.n)
    dist = np.abs(idx[:, None] - idx[None, :])  # (n, n)
    mean_dist: NDArray[np.float64] = (trace.weights * dist).sum(axis=-1).mean(axis=-1)
    return mean_dist


def js_divergence(p: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
    """Jensen-Shannon divergence in bits (0..1) between distributions on the last axis:
    JS(p, q) = H((p + q) / 2) - (H(p) + H(q)) / 2."""
    h_m = -_xlogx(0.5 * (p + q)).sum(axis=-1)
    h_p = -_xlogx(p).sum(axis=-1)
    h_q = -_xlogx(q).sum(axis=-1)
    js: NDArray[np.float64] = np.clip(h_m - 0.5 * (h_p + h_q), 0.0, 1.0)
    return js


def head_diversity(trace: Trace) -> np.ndarray:
    """(h, h): mean over query rows of the JS divergence between heads a and b (bits)."""
    w = trace.weights  # (h, n, n)
    h = w.shape[0]
    row_h = row_entropy_bits(w)  # (h, n)
    out = np.zeros((h, h))
    for a in range(h - 1):  # one head against all later ones: (h - a - 1, n, n) at a time
        h_m = -_xlogx(0.5 * (w[a] + w[a + 1:])).sum(axis=-1)  # (h - a - 1, n)
        js = np.clip(h_m - 0.5 * (row_h[a] + row_h[a + 1:]), 0.0, 1.0).mean(axis=-1)
        out[a, a + 1:] = js
        out[a + 1:, a] = js
    return out


@dataclass(frozen=True)
class Metrics:
    entropy_bits: np.ndarray  # (h,)
    entropy_norm: np.ndarray  # (h,)
    distance: np.ndarray  # (h,)
    diversity: np.ndarray  # (h, h)

    @property
    def mean_diversity(self) -> float:
        """Mean JS divergence over distinct head pairs; 0 for a single head."""
        h = self.diversity.shape[0]
        if h < 2:
            return 0.0
        return float(self.diversity[~np.eye(h, dtype=bool)].mean())


def trace_metrics(trace: Trace) -> Metrics:
    bits, norm = entropy(trace)
    return Metrics(bits, norm, attention_distance(trace), head_diversity(trace))


@dataclass(frozen=True)
class Comparison:
    """How far single-head attention is from the mean of the h heads."""

    js: float  # mean row JS divergence (bits) between single-head and the head mean
    max_abs: float  # largest |single - mean| over all cells


def single_vs_mean(pair: TracePair) -> Comparison:
    mean = pair.multi.weights.mean(axis=0)  # (n, n)
    single = pair.single.weights[0]  # (n, n)
    return Comparison(float(js_divergence(single, mean).mean()), float(np.abs(single - mean).max()))
