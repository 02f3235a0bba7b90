"""Deterministic parameters: token embeddings, positional encodings and W_Q, W_K, W_V, W_O.

Everything is derived from the seed with stable hashes (BLAKE2b and numpy's SeedSequence),
so the same token gets the same vector on every run and every machine.

Nesting: the parameters for d_model = d are the top-left crop of those for any larger d_model.
Each matrix is generated in fixed TILE x TILE tiles, each tile seeded by its own position, and
each token vector in TILE-long chunks, so cropping never depends on the size asked for. That is
what keeps the pictures continuous while the d_model slider moves.

Scale: matrix entries are N(0, 1) whatever d_model is (nesting forbids a 1/sqrt(d_model) factor
in the weights), so the attention input carries it instead (see AttentionEngine._projections):
x = (embedding + position) / sqrt(d_model) has rows of norm ~1.2 at every d_model, and q, k, v
entries and q.k/sqrt(d_k) stay O(1).
"""
from __future__ import annotations

import hashlib
import math
from functools import lru_cache

import numpy as np

TILE = 64
MATRIX_NAMES = ("w_q", "w_k", "w_v", "w_o")
_MATRIX_TAG = {name: i + 1 for i, name in enumerate(MATRIX_NAMES)}
_EMBEDDING_TAG = 100


def token_id(token: str) -> int:
    """A stable 64-bit number for a token string (Python's own hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def _tiles(d: int) -> int:
    return math.ceil(d / TILE)


@lru_cache(maxsize=64)
def _matrix(seed: int, name: str, n_tiles: int) -> np.ndarray:
    tag = _MATRIX_TAG[name]
    full = np.empty((n_tiles * TILE, n_tiles * TILE))
    for bi in range(n_tiles):
        for bj in range(n_tiles):
            rng = np.random.default_rng([seed, tag, bi, bj])
            full[bi * TILE:(bi + 1) * TILE, bj * TILE:(bj + 1) * TILE] = rng.standard_normal((TILE, TILE))
    full.setflags(write=False)
    return full


def projection_matrix(seed: int, name: str, d_model: int) -> np.ndarray:
    """One of w_q, w_k, w_v, w_o: (d_model, d_model), entries N(0, 1), nested across d_model."""
    return _matrix(seed, name, _tiles(d_model))[:d_model, :d_model]


@lru_cache(maxsize=65536)
def _token_vector(seed: int, token: str, n_tiles: int) -> np.ndarray:
    tid = token_id(token)
    chunks = [
        np.random.default_rng([seed, _EMBEDDING_TAG, tid, c]).standard_normal(TILE) for c in range(n_tiles)
    ]
    vec = np.concatenate(chunks)
    vec.setflags(write=False)
    return vec


def token_embeddings(seed: int, tokens: list[str] | tuple[str, ...], d_model: int) -> np.ndarray:
    """(n, d_model): one N(0, 1) vector per token string, the same at every position."""
    n_tiles = _tiles(d_model)
    out = np.empty((len(tokens), d_model))
    for i, tok in enumerate(tokens):
        out[i] = _token_vector(seed, tok, n_tiles)[:d_model]
    return out


def positional_encoding(n: int, d_model: int, start: int = 0) -> np.ndarray:
    """(n, d_model) sinusoidal encodings of positions start .. start+n-1 (Vaswani et al. 2017):
    PE[pos, 2i] = sin(pos / 10000^(2i/d_model)), PE[pos, 2i+1] = cos(same)."""
    pos = np.arange(start, start + n, dtype=float)[:, None]  # (n, 1)
    i2 = np.arange(0, d_model, 2, dtype=float)[None, :]  # (1, ceil(d_model/2))
    angle = pos / np.power(10000.0, i2 / d_model)  # (n, ceil(d_model/2))
    pe = np.empty((n, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d_model // 2])
    return pe
