"""Deterministic parameters: token embeddings, positional encodings and W_Q, W_K, W_V, W_O.

Everything is derived from the seed with stable hashes (BLAKE2b, SplitMix64 and numpy's
SeedSequence), so the same token gets the same vector on every run and every machine.

Nesting: the parameters for d_model = d are the top-left crop of those for any larger d_model.
Each matrix is generated in fixed TILE x TILE tiles, each tile seeded by its own position, and
each number of a token vector from its own counter, so cropping never depends on the size asked
for. That is what keeps the pictures continuous while the d_model slider moves.

Token vectors: BLAKE2b hashes (seed, token) to a 64-bit key; number j of the vector comes from
counter j // 2: SplitMix64 mixes key + (counter + 1) * golden gamma (the counter-th output of a
SplitMix64 stream seeded with the key) into 64 bits, whose two 32-bit halves are the uniforms of
one Box-Muller pair, numbers 2c and 2c + 1. Every step is a numpy operation over all new tokens
at once: a paragraph of new words costs one vectorised draw, and a token's vector does not
depend on the batch it arrives in.

Scale: matrix entries are N(0, 1) whatever d_model is (nesting forbids a 1/sqrt(d_model) factor
in the weights), so the attention input carries it instead (see AttentionEngine._projections):
x = (embedding + position) / sqrt(d_model) has rows of norm ~1.2 at every d_model, and q, k, v
entries and q.k/sqrt(d_k) stay O(1).

Caches: the generated matrices and token vectors are kept in byte-bounded caches that share the
engine's budget (explorer.engine.cache.DEFAULT_BUDGET). One array per (seed, matrix): the largest
size asked for so far, grown tile by tile (smaller d_model are crops, views of it), and only the
matrices of the last two seeds (a seed left behind is rarely asked for again; regenerating one
512 x 512 matrix costs about 6 ms on one core; a matrix missing many tiles is drawn on two
threads, which take tiles from one list, so a late helper thread never holds the other up).
"""
from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import NDArray

from .cache import ByteLRU

TILE = 64
MATRIX_NAMES = ("w_q", "w_k", "w_v", "w_o")
_MATRIX_TAG = {name: i + 1 for i, name in enumerate(MATRIX_NAMES)}
_EMBEDDING_TAG = 100

_GAMMA = np.uint64(0x9E3779B97F4A7C15)  # SplitMix64's increment (2^64 / golden ratio)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_LOW32 = np.uint64(0xFFFFFFFF)

MATRICES_KEPT = 8  # (seed, name) matrices: all four of the last two seeds
_matrices: ByteLRU[tuple[int, str], NDArray[np.float64]] = ByteLRU(max_entries=MATRICES_KEPT)  # (seed, name)
_vectors: ByteLRU[tuple[int, str, int], NDArray[np.float64]] = ByteLRU()  # (seed, token, n_tiles)
STRIPS_KEPT = 16  # tile columns made alone (one head's columns of W_V): a few seeds' worth
_strips: ByteLRU[tuple[int, str, int, int], NDArray[np.float64]] = ByteLRU(max_entries=STRIPS_KEPT)


def token_id(token: str) -> int:
    """A stable 64-bit number for a token string (Python's own hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def token_key(seed: int, token: str) -> int:
    """The 64-bit key of (seed, token)'s embedding stream: BLAKE2b of the seed (8 bytes), a tag
    (2 bytes) and the token's UTF-8."""
    prefix = int(seed).to_bytes(8, "little") + _EMBEDDING_TAG.to_bytes(2, "little")
    return int.from_bytes(hashlib.blake2b(prefix + token.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "little")


def _tiles(d: int) -> int:
    return math.ceil(d / TILE)


def _matrix(seed: int, name: str, n_tiles: int) -> np.ndarray:
    """The (seed, name) matrix with at least n_tiles x n_tiles tiles: the cached one, or it grown
    by the missing tiles (each tile depends on its position only, so the old tiles are copied)."""
    key = (seed, name)
    have = _matrices.get(key)
    if have is not None and have.shape[0] >= n_tiles * TILE:
        return have
    done = 0 if have is None else have.shape[0] // TILE
    tag = _MATRIX_TAG[name]
    full = np.empty((n_tiles * TILE, n_tiles * TILE))
    if have is not None:
        full[: done * TILE, : done * TILE] = have
    missing = [(bi, bj) for bi in range(n_tiles) for bj in range(n_tiles) if not (bi < done and bj < done)]
    streams = dict(zip(missing, _tile_streams(seed, tag, missing)))

    def draw(bi: int, bj: int) -> None:
        full[bi * TILE:(bi + 1) * TILE, bj * TILE:(bj + 1) * TILE] = _draw_tile(streams[bi, bj])

    job = _Tiles(missing, draw)
    if len(missing) >= PARALLEL_TILES:  # numpy draws the normals without the GIL: a helper thread takes tiles too
        _helper().submit(job.work)
    job.work()
    job.finish()
    full.setflags(write=False)
    return _matrices.put(key, full)


class _Tiles:
    """Tiles still to draw, shared by the threads drawing them: each takes the next tile nobody
    has taken. On a busy machine a helper thread that starts late or is paused draws fewer tiles
    instead of holding the change up (an even split made the calling thread wait for the
    helper's half). ``finish`` waits for the tiles taken by others, and raises what drawing one raised."""

    def __init__(self, tiles: list[tuple[int, int]], draw: Callable[[int, int], None]) -> None:
        self._tiles, self._draw = tiles, draw
        self._next = 0
        self._left = len(tiles)
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._error: BaseException | None = None
        if not tiles:
            self._done.set()

    def work(self) -> None:
        while True:
            with self._lock:
                if self._next >= len(self._tiles):
                    return
                bi, bj = self._tiles[self._next]
                self._next += 1
            try:
                self._draw(bi, bj)
            except BaseException as e:  # noqa: BLE001 - handed to the thread that waits in finish()
                self._error = e
            with self._lock:
                self._left -= 1
                if self._left == 0:
                    self._done.set()

    def finish(self) -> None:
        self._done.wait()
        if self._error is not None:
            raise self._error


PARALLEL_TILES = 16  # a matrix missing at least this many tiles is drawn on two threads
_HELPER: list[ThreadPoolExecutor] = []


def _helper() -> ThreadPoolExecutor:
    """One helper thread for drawing tiles (each tile comes from its own stream, so which thread
    draws it changes no number)."""
    if not _HELPER:
        _HELPER.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="weights"))
    return _HELPER[0]


# numpy's SeedSequence (entropy mixed into a pool of 4 words, then hashed out) and PCG64's seeding,
# for many tiles at once: the states np.random.default_rng([seed, tag, bi, bj]) starts from
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_M32 = np.uint64(0xFFFFFFFF)
_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645
_M128 = (1 << 128) - 1


def _tile_streams(seed: int, tag: int, tiles: list[tuple[int, int]]) -> list[tuple[int, int] | list[int]]:
    """For each tile, the PCG64 (state, increment) that ``np.random.default_rng([seed, tag, bi, bj])``
    starts from, computed for all tiles in a few numpy passes: made one by one, numpy's seeding
    held the GIL for ~35 us a tile, which kept the two threads drawing a new seed's tiles from
    running side by side. Entropy words of 32 bits or more take numpy's own path (the
    [seed, tag, bi, bj] list itself, which ``_draw_tile`` hands to default_rng)."""
    if not tiles:
        return []
    if not (0 <= seed <= 0xFFFFFFFF and 0 <= tag <= 0xFFFFFFFF
            and all(0 <= v <= 0xFFFFFFFF for t in tiles for v in t)):
        return [[seed, tag, bi, bj] for bi, bj in tiles]
    entropy = np.empty((len(tiles), 4), dtype=np.uint64)  # 32-bit words, kept in 64 bits so products can be masked
    entropy[:, 0], entropy[:, 1] = seed, tag
    entropy[:, 2:] = tiles
    h = _INIT_A

    def hashmix(value: np.ndarray) -> np.ndarray:
        nonlocal h
        value = value ^ np.uint64(h)
        h = (h * _MULT_A) & 0xFFFFFFFF
        value = (value * np.uint64(h)) & _M32
        return value ^ (value >> np.uint64(16))

    def mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        # MIX_L * x - MIX_R * y in 32 bits: uint64 arithmetic wraps mod 2^64, then masked
        r = np.bitwise_and(np.subtract(np.multiply(x, np.uint64(_MIX_L)), np.multiply(y, np.uint64(_MIX_R))), _M32)
        out: np.ndarray = np.bitwise_xor(r, np.right_shift(r, np.uint64(16)))
        return out

    pool = [hashmix(entropy[:, i]) for i in range(4)]
    for src in range(4):
        for dst in range(4):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    hb = _INIT_B
    words = []  # generate_state(4, uint64): 8 words of 32 bits, little-endian pairs
    for i in range(8):
        w = pool[i % 4] ^ np.uint64(hb)
        hb = (hb * _MULT_B) & 0xFFFFFFFF
        w = (w * np.uint64(hb)) & _M32
        words.append((w ^ (w >> np.uint64(16))).tolist())
    out: list[tuple[int, int] | list[int]] = []
    for t in range(len(tiles)):
        v = [words[2 * i][t] | (words[2 * i + 1][t] << 32) for i in range(4)]
        init_state, init_seq = (v[0] << 64) | v[1], (v[2] << 64) | v[3]
        inc = ((init_seq << 1) | 1) & _M128
        state = ((inc + init_state) * _PCG_MULT + inc) & _M128  # pcg64_srandom_r: step from 0, add, step
        out.append((state, inc))
    return out


_LOCAL = threading.local()  # each drawing thread's own generator


def _draw_tile(stream: tuple[int, int] | list[int]) -> np.ndarray:
    """(TILE, TILE) N(0, 1) from a PCG64 stream: a (state, increment) from _tile_streams, set on
    this thread's generator; or a seed list, for numpy's own seeding."""
    if isinstance(stream, list):
        return np.random.default_rng(stream).standard_normal((TILE, TILE))
    gen = getattr(_LOCAL, "gen", None)
    if gen is None:
        gen = _LOCAL.gen = np.random.Generator(np.random.PCG64(0))
    state, inc = stream
    gen.bit_generator.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                               "has_uint32": 0, "uinteger": 0}
    tile: np.ndarray = gen.standard_normal((TILE, TILE))
    return tile


def projection_columns(seed: int, name: str, d_model: int, start: int, stop: int) -> np.ndarray:
    """Columns start .. stop - 1 of projection_matrix(seed, name, d_model): (d_model, stop - start),
    the same numbers, made from the tiles of those columns only when the whole matrix is not
    cached (one head's d_k columns of W_V are one tile column of eight at d_model = 512)."""
    if not 0 <= start <= stop <= d_model:
        raise ValueError(f"columns {start}..{stop} are not inside d_model = {d_model}")
    n_tiles = _tiles(d_model)
    have = _matrices.get((seed, name))
    first, last = start // TILE, max(start, stop - 1) // TILE
    if (have is not None and have.shape[0] >= n_tiles * TILE) or 2 * (last - first + 1) > n_tiles:
        return projection_matrix(seed, name, d_model)[:, start:stop]  # most of the matrix: make (or use) it whole
    tag = _MATRIX_TAG[name]
    strips = []
    for bj in range(first, last + 1):
        strip = _strips.get((seed, name, bj, n_tiles))
        if strip is None:
            # n_tiles x (TILE, TILE) -> (n_tiles * TILE, TILE)
            column = [(bi, bj) for bi in range(n_tiles)]
            strip = np.concatenate([_draw_tile(s) for s in _tile_streams(seed, tag, column)])
            strip.setflags(write=False)
            _strips.put((seed, name, bj, n_tiles), strip)
        strips.append(strip)
    block = strips[0] if len(strips) == 1 else np.concatenate(strips, axis=1)  # (n_tiles * TILE, k * TILE)
    return block[:d_model, start - first * TILE:stop - first * TILE]


def projection_matrix(seed: int, name: str, d_model: int) -> np.ndarray:
    """One of w_q, w_k, w_v, w_o: (d_model, d_model), entries N(0, 1), nested across d_model
    (a read-only view of the cached matrix)."""
    return _matrix(seed, name, _tiles(d_model))[:d_model, :d_model]


def splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's output function over a uint64 array (wrapping arithmetic), in place."""
    x ^= x >> np.uint64(30)
    x *= _MIX1
    x ^= x >> np.uint64(27)
    x *= _MIX2
    x ^= x >> np.uint64(31)
    return x


def stream_normals(keys: np.ndarray, length: int) -> np.ndarray:
    """(len(keys), length) N(0, 1) numbers: row r is the first ``length`` numbers of key r's
    stream, so a shorter row is a prefix of a longer one (length is rounded up to even and cropped).

    Each 64-bit word of the stream gives two numbers, one per 32-bit half, through the inverse
    normal CDF: the top QUANTILE_BITS pick a cell of a quantile table, the other bits interpolate
    linearly inside it. Integer mixing, a table look-up and one multiply-add: no transcendental
    function per number, so every machine gets the same bits (the table is made once with
    Python's own math)."""
    pairs = (length + 1) // 2
    counters = np.arange(1, pairs + 1, dtype=np.uint64) * _GAMMA  # (pairs,) wrapping
    z = keys.astype(np.uint64)[:, None] + counters[None, :]  # (m, 1) + (1, pairs) -> (m, pairs), wrapping
    z = splitmix64(z)
    # word c -> numbers 2c (high half), 2c + 1 (low)
    halves: NDArray[np.uint32] = np.empty((len(keys), pairs, 2), dtype=np.uint32)
    halves[:, :, 0] = z >> np.uint64(32)
    halves[:, :, 1] = z  # the low 32 bits
    halves = halves.reshape(len(keys), 2 * pairs)  # (m, pairs, 2) -> (m, 2 * pairs)
    table, steps = _quantiles()
    cell = (halves >> np.uint32(32 - QUANTILE_BITS)).astype(np.intp)  # (m, 2 * pairs) table index, converted once
    frac = (halves & np.uint32((1 << (32 - QUANTILE_BITS)) - 1)).astype(np.float64)
    frac *= 2.0 ** -(32 - QUANTILE_BITS)
    out = steps.take(cell)
    out *= frac
    out += table.take(cell)
    return out[:, :length]


QUANTILE_BITS = 14
_QUANTILES: tuple[np.ndarray, np.ndarray] | None = None


def _quantiles() -> tuple[np.ndarray, np.ndarray]:
    """The inverse normal CDF at 2^QUANTILE_BITS + 1 evenly spaced probabilities strictly inside
    (0, 1) (the table spans about ±4 standard deviations), and the steps between neighbours."""
    global _QUANTILES
    if _QUANTILES is None:
        from statistics import NormalDist

        cells = 1 << QUANTILE_BITS
        inv = NormalDist().inv_cdf
        table = np.array([inv((i + 0.5) / (cells + 1)) for i in range(cells + 1)])  # (cells + 1,)
        table.setflags(write=False)
        steps = np.diff(table)  # (cells,)
        steps.setflags(write=False)
        _QUANTILES = (table, steps)
    return _QUANTILES


def token_embeddings(seed: int, tokens: list[str] | tuple[str, ...], d_model: int) -> np.ndarray:
    """(n, d_model): one N(0, 1) vector per token string, the same at every position. Vectors of
    tokens not seen before (at this seed and size) are drawn together in one vectorised pass."""
    n_tiles = _tiles(d_model)
    out = np.empty((len(tokens), d_model))
    missing: dict[str, list[int]] = {}
    for i, tok in enumerate(tokens):
        vec = _vectors.get((seed, tok, n_tiles))
        if vec is None:
            missing.setdefault(tok, []).append(i)
        else:
            out[i] = vec[:d_model]
    if missing:
        new = list(missing)
        prefix = int(seed).to_bytes(8, "little") + _EMBEDDING_TAG.to_bytes(2, "little")  # as in token_key
        digests = b"".join(hashlib.blake2b(prefix + tok.encode("utf-8", "surrogatepass"), digest_size=8).digest()
                           for tok in new)
        keys = np.frombuffer(digests, dtype="<u8")  # (m,) the keys, as token_key makes them
        vecs = stream_normals(keys, n_tiles * TILE)  # (m, n_tiles * TILE)
        rows = [i for tok in new for i in missing[tok]]
        which = [j for j, tok in enumerate(new) for _ in missing[tok]]
        out[rows] = vecs[which, :d_model]
        for tok, vec in zip(new, vecs):
            vec = vec.copy()  # its own memory: a cached row must not keep the whole batch alive
            vec.setflags(write=False)
            _vectors.put((seed, tok, n_tiles), vec, vec.nbytes + len(tok))
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
