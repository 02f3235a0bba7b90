"""A new seed's weight tiles are drawn from PCG64 states computed for all tiles at once
(``weights._tile_streams``): each must be exactly the state np.random.default_rng([seed, tag,
bi, bj]) starts from, and each tile exactly that generator's numbers, for any 32-bit words."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine import weights

WORD = st.integers(0, 2**32 - 1)


def tile(seed: int, tag: int, bi: int, bj: int) -> np.ndarray:
    """Tile (bi, bj) as the matrices draw it: its stream, then that stream's numbers."""
    (stream,) = weights._tile_streams(seed, tag, [(bi, bj)])
    return weights._draw_tile(stream)


@settings(max_examples=60, deadline=None)
@given(seed=WORD, tag=WORD, tiles=st.lists(st.tuples(WORD, WORD), min_size=1, max_size=12))
def test_streams_are_numpys_own_seeding(seed, tag, tiles):
    streams = weights._tile_streams(seed, tag, tiles)
    assert len(streams) == len(tiles)
    for (bi, bj), stream in zip(tiles, streams):
        reference = np.random.PCG64(np.random.SeedSequence([seed, tag, bi, bj])).state
        assert reference["state"] == {"state": stream[0], "inc": stream[1]}, (seed, tag, bi, bj)


@settings(max_examples=30, deadline=None)
@given(seed=WORD, tag=st.integers(1, 4), bi=st.integers(0, 70), bj=st.integers(0, 70))
def test_a_tile_is_numpys_draw(seed, tag, bi, bj):
    expected = np.random.default_rng([seed, tag, bi, bj]).standard_normal((weights.TILE, weights.TILE))
    np.testing.assert_array_equal(tile(seed, tag, bi, bj), expected)


def test_words_of_32_bits_or_more_take_numpys_own_path():
    """A value of 2**32 or more is more than one entropy word for numpy: the list is used as it is."""
    big = 2**40 + 3
    (stream,) = weights._tile_streams(big, 1, [(0, 2)])
    assert stream == [big, 1, 0, 2]
    expected = np.random.default_rng([big, 1, 0, 2]).standard_normal((weights.TILE, weights.TILE))
    np.testing.assert_array_equal(tile(big, 1, 0, 2), expected)
