"""Tiled 2-D max pooling (window == stride, no padding, channels last) and its gradient,
as compiled loops (float32), for ``ember.nn.max_pool`` and the graph's fused
``max_pool_relu_grad``.

Each window's taps are whole rows of channels, so every loop runs over the contiguous
channel axis (vectorized) and the input is read once. NumPy needs one strided pass per
tap and axis, and the gradient builds comparison masks over the whole input first. The
values are the NumPy paths' exactly: NaN propagates through the maximum, and the
gradient goes to each window's first maximum in row-major tap order (the last tap when
the maximum is NaN, equal to nothing), as in TensorFlow.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .fast_tanh import FAST

_F = np.float32


@njit(inline="always", fastmath=FAST, error_model="numpy")
def _max(v, m):
    # NaN wins, as in NumPy's maximum; bitwise "|", since a branch stops vectorization
    return v if (v > m) | (v != v) else m  # noqa: PLR0124 - the NaN test


@njit(inline="always", fastmath=FAST, error_model="numpy")
def _grad_at(g, v, hit, relu):
    # g where the window's maximum is; with relu, only where that x is positive
    return g * (_F(1.0) if (v > 0) | (not relu) else _F(0.0)) if hit else _F(0.0)


@njit(inline="always", boundscheck=False)
def _taps_2x2(a, n, i, j):
    """The four channel rows of window (i, j) of image n, in row-major tap order."""
    return (a[n, 2 * i, 2 * j], a[n, 2 * i, 2 * j + 1],
            a[n, 2 * i + 1, 2 * j], a[n, 2 * i + 1, 2 * j + 1])


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def _forward_any(x, kh, kw, y):
    """Any window: a running maximum per window, one tap at a time."""
    N, OH, OW, C = y.shape
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for c in range(C):
                    y[n, i, j, c] = x[n, i * kh, j * kw, c]
                # nested loops over the taps: t // kw would divide (slow) per tap
                for a in range(i * kh, i * kh + kh):
                    for b in range(j * kw, j * kw + kw):
                        for c in range(C):
                            y[n, i, j, c] = _max(x[n, a, b, c], y[n, i, j, c])


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def _backward_any(g, x, y, kh, kw, relu, dx, rest, sums):
    """Any window, one tap at a time; ``rest`` (C,) is 1 while no earlier tap of the
    window held its maximum; ``sums`` (C,) float64, unless empty, gets what is written
    added per channel."""
    N, OH, OW, C = g.shape
    last = kh * kw - 1
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                for c in range(C):
                    rest[c] = _F(1.0)
                t = 0
                for a in range(i * kh, i * kh + kh):
                    for b in range(j * kw, j * kw + kw):
                        at_last = t == last
                        t += 1
                        for c in range(C):
                            v = x[n, a, b, c]
                            hit = (rest[c] > 0) & ((v == y[n, i, j, c]) | at_last)
                            dx[n, a, b, c] = _grad_at(g[n, i, j, c], v, hit, relu)
                        if sums.size:
                            for c in range(C):
                                sums[c] += dx[n, a, b, c]
                        if not at_last:
                            for c in range(C):
                                rest[c] = _F(0.0) if x[n, a, b, c] == y[n, i, j, c] \
                                    else rest[c]


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def _forward_2x2(x, y):
    N, OH, OW, C = y.shape
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                x0, x1, x2, x3 = _taps_2x2(x, n, i, j)
                yr = y[n, i, j]
                for c in range(C):
                    yr[c] = _max(_max(x1[c], x0[c]), _max(x3[c], x2[c]))


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def _backward_2x2(g, x, y, relu, dx, first, sums):
    # each loop writes one array (LLVM vectorizes a loop only when a few run-time overlap
    # checks suffice): ``first`` (C,), the tap holding each lane's first maximum (the
    # last tap when none does), then one loop per tap
    N, OH, OW, C = g.shape
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                x0, x1, x2, x3 = _taps_2x2(x, n, i, j)
                gr, yr = g[n, i, j], y[n, i, j]
                for c in range(C):
                    first[c] = _F(0.0) if x0[c] == yr[c] else _F(1.0) if x1[c] == yr[c] \
                        else _F(2.0) if x2[c] == yr[c] else _F(3.0)
                d0, d1, d2, d3 = _taps_2x2(dx, n, i, j)
                for t, (xt, dt) in enumerate(zip((x0, x1, x2, x3), (d0, d1, d2, d3))):
                    for c in range(C):
                        dt[c] = _grad_at(gr[c], xt[c], first[c] == t, relu)
                if sums.size:
                    for c in range(C):
                        sums[c] += d0[c] + d1[c] + d2[c] + d3[c]


@njit(error_model="numpy", boundscheck=False, nogil=True, cache=True)
def backward_tiles(g, x, y, kh, kw, relu, dx, scratch, sums):
    """``backward`` for compiled callers: ``scratch`` (C,) of ``x``'s dtype, ``sums``
    empty for none."""
    if kh == 2 and kw == 2:
        _backward_2x2(g, x, y, relu, dx, scratch, sums)
    else:
        _backward_any(g, x, y, kh, kw, relu, dx, scratch, sums)


def forward(x, kh: int, kw: int, y) -> None:
    """``x`` (N, H, W, C) -> ``y`` (N, H // kh, W // kw, C), the maximum of each tile
    (NaN wins)."""
    if kh == 2 and kw == 2:
        _forward_2x2(x, y)
    else:
        _forward_any(x, kh, kw, y)


_NO_SUMS = np.empty(0, np.float64)


def backward(g, x, y, kh: int, kw: int, relu: bool, dx, sums=_NO_SUMS) -> None:
    """``dx`` (N, H, W, C): ``g`` (N, OH, OW, C) at each window's first maximum of ``x``
    (``y`` the forward's result), times ``x > 0`` there when ``relu`` (the gradient of
    a ReLU before the pool); zeros elsewhere. ``dx`` must be zero outside whole tiles
    already. ``sums`` (C,) float64, if given, gets ``dx`` summed over all but the
    channel axis added to it (the bias gradient of the layer before)."""
    backward_tiles(g, x, y, kh, kw, relu, dx, np.empty(x.shape[-1], x.dtype), sums)
