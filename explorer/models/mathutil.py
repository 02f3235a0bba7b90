"""Vectorised special functions in numpy float64: erf, erfc and the exact (erf) GELU.

numpy has no vectorised erf, and ``math.erf`` works on one float at a time (far too slow for a
(128, 1536) activation). These follow W. J. Cody's rational Chebyshev approximations ("Rational
Chebyshev approximations for the error function", Math. Comp. 23, 1969, pp. 631-638; the
coefficients of netlib's specfun CALERF), which are accurate to about 18 significant digits in
theory, so the result is within a few ulps of the correctly rounded value in float64.

Three intervals of y = |x|:
  1) y <= 0.46875:       erf(x) = x * P(y^2) / Q(y^2)
  2) 0.46875 < y <= 4:   erfc(y) = exp(-y^2) * P(y) / Q(y)
  3) y > 4:              erfc(y) = exp(-y^2) / y * (1/sqrt(pi) - z * P(z) / Q(z)),  z = 1 / y^2
and erf(x) = sign(x) * (1 - erfc(y)) outside the first.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["erf", "erfc", "gelu"]

_THRESH = 0.46875
_FOUR = 4.0
# Above this, erfc(y) underflows to 0 in float64 (Cody's XBIG for IEEE double).
_XBIG = 26.543
_SQRPI = 0.56418958354775628695  # 1 / sqrt(pi)
_INV_SQRT2 = 1.0 / math.sqrt(2.0)

# 1) erf on |x| <= 0.46875: numerator A (A[4] is the highest power) over denominator B
_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
      1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03)
# 2) erfc on 0.46875 < y <= 4
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
      8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
      2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
      3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03)
# 3) erfc on y > 4
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
      6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
      2.33520497626869185e-3)


def _erf_small(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """1) erf(x) for |x| <= 0.46875 (Horner's rule in x^2, as Cody evaluates it)."""
    ysq = x * x
    num = _A[4] * ysq
    den = ysq.copy()
    for i in range(3):
        num += _A[i]
        num *= ysq
        den += _B[i]
        den *= ysq
    num += _A[3]
    den += _B[3]
    num *= x
    num /= den
    return num


def _erfc_mid(y: NDArray[np.float64]) -> NDArray[np.float64]:
    """2) erfc(y) for 0.46875 < y <= 4 (y >= 0)."""
    num = _C[8] * y
    den = y.copy()
    for i in range(7):
        num += _C[i]
        num *= y
        den += _D[i]
        den *= y
    num += _C[7]
    den += _D[7]
    num /= den
    # exp(-y^2): y^2 <= 16 carries a relative rounding error of at most ~2e-15, which is below
    # 1e-15 in absolute terms after the multiply by erfc <= 0.51 (Cody splits y^2 in two to keep
    # relative accuracy deep in the tail; the absolute accuracy wanted here does not need it)
    e = y * y
    np.negative(e, out=e)
    np.exp(e, out=e)
    num *= e
    return num


def _erfc_large(y: NDArray[np.float64]) -> NDArray[np.float64]:
    """3) erfc(y) for y > 4 (0 beyond 26.543, where it underflows)."""
    out = np.zeros_like(y)
    keep = y < _XBIG
    yk = y[keep]
    z = 1.0 / (yk * yk)
    num = _P[5] * z
    den = z.copy()
    for i in range(4):
        num += _P[i]
        num *= z
        den += _Q[i]
        den *= z
    r = z * (num + _P[4]) / (den + _Q[4])
    r = (_SQRPI - r) / yk
    with np.errstate(under="ignore"):
        out[keep] = np.exp(-yk * yk) * r
    return out


def erfc(x: ArrayLike) -> NDArray[np.float64]:
    """The complementary error function 1 - erf(x), elementwise, float64.

    Accurate to a few ulps relative for x < 26 (erfc is then > 1e-300) by picking each value's
    interval with masks; use ``erf`` when absolute accuracy is enough (it is faster)."""
    a = np.asarray(x, dtype=np.float64)
    y = np.abs(a)
    out = np.empty_like(y)
    small = y <= _THRESH
    large = y > _FOUR
    mid = ~(small | large)
    if small.any():
        out[small] = 1.0 - _erf_small(a[small])
    if mid.any():
        out[mid] = _erfc_mid(y[mid])
    if large.any():
        out[large] = _erfc_large(y[large])
    # erfc(-y) = 2 - erfc(y) (the small interval already used the signed x)
    neg = (a < 0) & ~small
    out[neg] = 2.0 - out[neg]
    out[np.isnan(a)] = np.nan
    return out


def _power_coefficients() -> NDArray[np.float64]:
    """(6, 5): the coefficients of z^0 .. z^4, z = y^2, of six polynomials. Rows 0-3 are the
    second interval's numerator and denominator (degree 8 in y) split into even and odd parts,
    P(y) = E(z) + y * O(z); rows 4-5 are the first interval's numerator and denominator, which
    are polynomials in x^2 = z already."""
    # Cody's Horner order as coefficients of y^0 .. y^8:
    #   2) num = C8 y^8 + C0 y^7 + ... + C6 y + C7,  den = y^8 + D0 y^7 + ... + D6 y + D7
    #   1) num = A4 z^4 + A0 z^3 + A1 z^2 + A2 z + A3,  den = z^4 + B0 z^3 + B1 z^2 + B2 z + B3
    num = [_C[7], *(_C[7 - j] for j in range(1, 8)), _C[8]]
    den = [_D[7], *(_D[7 - j] for j in range(1, 8)), 1.0]
    m = np.zeros((6, 5))
    m[0], m[2] = num[0::2], den[0::2]  # even powers y^0, y^2, .. y^8 -> z^0 .. z^4
    m[1, :4], m[3, :4] = num[1::2], den[1::2]  # odd powers y^1, y^3, .. y^7 -> y * z^0 .. z^3
    m[4] = [_A[3], _A[2], _A[1], _A[0], _A[4]]
    m[5] = [_B[3], _B[2], _B[1], _B[0], 1.0]
    return m


_POWERS = _power_coefficients()
# Values per block: a block's scratch (5 + 6 rows of 64 KB) stays in the L2 cache.
_BLOCK = 8192


def _scratch(m: int) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """A block's scratch arrays: (5, m) powers z^0..z^4 (row 0 is 1 once and for all), (6, m)
    polynomials, (m,) |x| clipped, (m,) interval flags."""
    powers = np.empty((5, m))
    powers[0] = 1.0
    return powers, np.empty((6, m)), np.empty(m), np.empty(m, dtype=bool)


def erf(x: ArrayLike) -> NDArray[np.float64]:
    """The error function, elementwise, float64: within a few ulps of math.erf (absolute error
    <= 4.5e-16, relative <= 9e-16, measured on a dense grid over [-30, 30]).

    Picking each value's interval with boolean masks costs more than the formulas themselves (a
    masked gather or scatter of a 200,000-value activation costs as much as ~30 in-place
    multiplies), so the first and the second interval's formulas are evaluated on every value and
    blended with 0/1 weights (exact: one weight is 0); only the rare |x| > 4 are gathered and
    fixed one by one. And rather than Horner's rule (32 passes over the values for the second
    interval alone), the powers z^0..z^4 of z = x^2 are formed once and all six polynomials come
    out of one (6, 5) @ (5, k) product. Every coefficient is positive, so summing the powers loses
    no accuracy (no cancellation), as Horner would not either."""
    a = np.asarray(x, dtype=np.float64)
    u = np.ascontiguousarray(a).reshape(-1)  # (...) -> (N,)
    out = np.empty_like(u)
    powers, polys, y, in_small = _scratch(min(_BLOCK, u.size))
    # an infinite x gives inf * 0 in the blend; its value is replaced below, as is a NaN's
    with np.errstate(invalid="ignore", over="ignore"):
        for start in range(0, u.size, _BLOCK):
            stop = min(start + _BLOCK, u.size)
            k = stop - start
            _erf_block(u[start:stop], out[start:stop], powers[:, :k], polys[:, :k], y[:k], in_small[:k])
    # 3) |x| > 4: erf(4) = 1 - 1.5e-8, so these cannot keep their clipped value
    large = np.flatnonzero(np.abs(u) > _FOUR)  # (k,) few or none
    if large.size:
        ul = u[large]
        out[large] = np.copysign(1.0 - _erfc_large(np.abs(ul)), ul)
    nan = np.isnan(u)
    if nan.any():
        out[nan] = np.nan
    return out.reshape(a.shape)  # (N,) -> (...)


def _erf_block(u: NDArray[np.float64], out: NDArray[np.float64], powers: NDArray[np.float64],
               polys: NDArray[np.float64], y: NDArray[np.float64], in_small: NDArray[np.bool_]) -> None:
    """erf on one block for |u| <= 4 (larger |u| are fixed by the caller). powers[0] is all 1."""
    np.abs(u, out=y)
    np.less_equal(y, _THRESH, out=in_small)
    np.minimum(y, _FOUR, out=y)  # keeps z^4 <= 65536 and every product finite
    z = powers[1]
    np.multiply(y, y, out=z)
    np.multiply(z, z, out=powers[2])
    np.multiply(powers[2], z, out=powers[3])
    np.multiply(powers[2], powers[2], out=powers[4])
    np.matmul(_POWERS, powers, out=polys)  # (6, 5) @ (5, k) -> (6, k)
    num_even, num_odd, den_even, den_odd, small_num, small_den = polys
    # 2) erf(u) = sign(u) * (1 - erfc(|u|)), erfc(y) = exp(-y^2) * P(y) / Q(y), P = E(z) + y O(z).
    #    exp(-y^2): y^2 <= 16 carries a relative rounding error of at most ~2e-15, below 1e-15 in
    #    absolute terms after the product with erfc <= 0.51 (Cody splits y^2 in two for relative
    #    accuracy deep in the tail, which erf does not need)
    num_odd *= y
    num_even += num_odd
    den_odd *= y
    den_even += den_odd
    num_even /= den_even
    np.negative(z, out=den_even)
    np.exp(den_even, out=den_even)
    num_even *= den_even  # erfc(|u|)
    np.subtract(1.0, num_even, out=num_even)
    np.copysign(num_even, u, out=num_even)
    # 1) erf(u) = u * P(u^2) / Q(u^2)
    np.divide(small_num, small_den, out=out)
    out *= u
    # blend: out = first * w + second * (1 - w) with w = 1 on the first interval, else 0. Each
    # product by 0 or 1 is exact and both terms are finite, so the sum is exactly one of them.
    out *= in_small
    np.logical_not(in_small, out=in_small)
    num_even *= in_small
    out += num_even


def gelu(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """The exact GELU, x * Phi(x) = x * (1 + erf(x / sqrt(2))) / 2, as BERT's "gelu" computes it
    (not the tanh approximation). Absolute error <= 1e-15 * max(1, |x|) against math.erf.

    The same blocks as ``erf``, with the scaling before and the "(1 + erf) * x / 2" after done
    on each block while it is in the cache, instead of four more passes over the activation."""
    a = np.asarray(x, dtype=np.float64)
    flat = np.ascontiguousarray(a).reshape(-1)  # (...) -> (N,)
    out = np.empty_like(flat)
    m = min(_BLOCK, flat.size)
    u = np.empty(m)  # (block,) x / sqrt(2)
    powers, polys, y, in_small = _scratch(m)
    with np.errstate(invalid="ignore", over="ignore"):
        for start in range(0, flat.size, _BLOCK):
            stop = min(start + _BLOCK, flat.size)
            k = stop - start
            xb, ob, ub = flat[start:stop], out[start:stop], u[:k]
            np.multiply(xb, _INV_SQRT2, out=ub)
            _erf_block(ub, ob, powers[:, :k], polys[:, :k], y[:k], in_small[:k])
            ob += 1.0
            ob *= xb
            ob *= 0.5
        # |x / sqrt(2)| > 4 (|x| > 5.657): the third interval, recomputed exactly; the margin
        # (5.6) only sends a few more values through the exact path, which is right for them too
        large = np.flatnonzero(np.abs(flat) > 5.6)  # (k,) few or none
        if large.size:
            xl = flat[large]
            out[large] = 0.5 * xl * (1.0 + erf(xl * _INV_SQRT2))
    return out.reshape(a.shape)  # (N,) -> (...)
