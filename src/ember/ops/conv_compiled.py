"""The compiled path of the convolution primitives (``ember.ops.kernels.conv``): 1-D and
2-D, channels last, one group, NumPy float32, with Numba and NumPy's OpenBLAS.

The im2col path (``ember.ops.conv``) copies every window of the whole batch into one
matrix (18 MB for 128 images of 13x13x32 under a 3x3 filter), reads it back for one
product, and its input gradient writes one such slab per tap before adding each back
into the image. The kernels copy the windows of a few samples at a time (about 512 KB)
and multiply them while they are in cache, and the CPU threads
(``ember.core.cpu_threads``) take disjoint ranges of samples. For that layer (B 128,
64 filters) this measured, on two cores: forward 5.8 -> 4.3 ms, input gradient 7.2 ->
4.3 ms, filter gradient 5.3 -> 4.2 ms.

Each function returns None where the kernels do not apply, and the caller runs the
im2col path. A 1-D convolution runs as a 2-D one of height 1.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core import cpu_threads
from .kernels import kernels_for

#: the windows of this many values (per thread) are built and multiplied at a time
_CHUNK_VALUES = 1 << 17
#: below this many multiply-adds a split would not pay for the hand-off (~30 us)
_MIN_SPLIT_WORK = 1 << 21
#: up to this many input channels the windows are built a tap at a time, along image rows
_BY_TAP_MAX_CHANNELS = 4


def _usable(xp: Any, groups: int, arrays: Sequence[Any]) -> Any:
    """The kernel module and ``cblas_sgemm``'s address, or None."""
    if xp is not np or groups != 1 or arrays[0].ndim not in (3, 4) \
            or any(a.size == 0 for a in arrays):
        return None
    kernels = kernels_for("conv", *arrays)
    if kernels is None:
        return None
    from .kernels import blas  # imports Numba: only once the kernels apply
    fn, ilp64 = blas.address()
    return (kernels, fn, ilp64) if fn else None


def _as_2d(a: Any) -> Any:
    """(N, L, C) data as (N, 1, L, C), C-contiguous."""
    return np.ascontiguousarray(a if a.ndim == 4 else a[:, None])


def _geometry(ksize, strides, dilations, pads) -> tuple:
    """The kernels' window tuple, a 1-D window as a 2-D one of height 1."""
    if len(ksize) == 1:
        ksize, strides, dilations, pads = ((1,) + tuple(ksize), (1,) + tuple(strides),
                                           (1,) + tuple(dilations), ((0, 0),) + tuple(pads))
    return (int(ksize[0]), int(ksize[1]), int(strides[0]), int(strides[1]),
            int(dilations[0]), int(dilations[1]), int(pads[0][0]), int(pads[1][0]))


def _plan(w_shape: Sequence[int], nb: int, per: int, strides, dilations, pads) -> tuple:
    """``(geometry, chunk, most parts)`` for ``nb`` samples of ``per`` output positions
    each under filters of ``w_shape``: a chunk's windows hold about ``_CHUNK_VALUES``
    values, and one thread takes the whole when the work would not pay for a split."""
    k = int(np.prod(w_shape[:-1]))
    geometry = _geometry(tuple(w_shape[:len(w_shape) - 2]), strides, dilations, pads)
    chunk = max(1, _CHUNK_VALUES // max(per * k, 1))
    return geometry, chunk, 1 if nb * per * k * w_shape[-1] < _MIN_SPLIT_WORK else nb


def _filters(w: Any) -> Any:
    """(KH, KW, C, O) filters as the kernels' (KH * KW * C, O) matrix."""
    return np.ascontiguousarray(w).reshape(-1, w.shape[-1])


def _by_tap(x: Any) -> int:
    return int(x.shape[-1] <= _BY_TAP_MAX_CHANNELS)


#: the forward kernel's "no bias" and "no pool" arguments
_NO_BIAS, _NO_POOL = np.empty(0, np.float32), np.empty((0, 0, 0, 0), np.float32)


def forward(xp: Any, x: Any, w: Any, out_sp: Sequence[int], strides, dilations, pads,
            groups: int, bias: Any = None, relu: bool = False, pool: bool = False) -> Any:
    """``conv(x, w)`` (N, *out_sp, O), plus ``bias`` (O,) and through ReLU when given
    (``ember.ops.conv``'s ``conv_bias``), or None where the kernels do not apply. With
    ``pool`` (2-D only), ``(that, its 2x2 max pool)``."""
    found = _usable(xp, groups, (x, w) if bias is None else (x, w, bias))
    if found is None or (pool and x.ndim != 4):
        return None
    kernels, fn, ilp64 = found
    nb, cout = x.shape[0], w.shape[-1]
    x2, w2 = _as_2d(x), _filters(w)
    out = np.empty((nb,) + (1,) * (4 - x.ndim) + tuple(out_sp) + (cout,), np.float32)
    geometry, chunk, most = _plan(w.shape, nb, out.shape[1] * out.shape[2], strides,
                                  dilations, pads)
    b = _NO_BIAS if bias is None else np.ascontiguousarray(bias).reshape(-1)
    pooled = np.empty((nb, out.shape[1] // 2, out.shape[2] // 2, cout), np.float32) \
        if pool else _NO_POOL
    cpu_threads.parallel_ranges(nb, lambda lo, hi: kernels.forward(
        fn, ilp64, x2, w2, out, geometry, _by_tap(x), chunk, lo, hi, b, relu, pooled),
        most)
    out = out.reshape((nb,) + tuple(out_sp) + (cout,))
    return (out, pooled) if pool else out


def input_grad(xp: Any, g: Any, w: Any, x_shape: Sequence[int], strides, dilations, pads,
               groups: int) -> Any:
    """The gradient of ``conv`` in its input, shaped ``x_shape``, or None."""
    found = _usable(xp, groups, (g, w))
    if found is None or 0 in tuple(x_shape):
        return None
    kernels, fn, ilp64 = found
    nb = g.shape[0]
    g2, wt = _as_2d(g), np.ascontiguousarray(_filters(w).T)
    dx = np.empty((nb,) + (1,) * (4 - g.ndim) + tuple(x_shape[1:]), np.float32)
    geometry, chunk, most = _plan(w.shape, nb, g2.shape[1] * g2.shape[2], strides,
                                  dilations, pads)
    cpu_threads.parallel_ranges(nb, lambda lo, hi: kernels.input_grad(
        fn, ilp64, g2, wt, dx, geometry, chunk, lo, hi), most)
    return dx.reshape(tuple(x_shape))


def filter_grad(xp: Any, x: Any, g: Any, w_shape: Sequence[int], strides, dilations, pads,
                groups: int) -> Any:
    """The gradient of ``conv`` in its filters, shaped ``w_shape``, or None."""
    found = _usable(xp, groups, (x, g))
    if found is None:
        return None
    kernels, fn, ilp64 = found
    nb = x.shape[0]
    x2, g2 = _as_2d(x), _as_2d(g)
    geometry, chunk, most = _plan(w_shape, nb, g2.shape[1] * g2.shape[2], strides,
                                  dilations, pads)
    dw, = _summed_over_sample_parts(nb, most, lambda lo, hi, dw: kernels.filter_grad(
        fn, ilp64, x2, g2, dw, geometry, _by_tap(x), chunk, lo, hi),
        ((int(np.prod(w_shape[:-1])), w_shape[-1]), np.float32))
    return dw.reshape(tuple(w_shape))


def _summed_over_sample_parts(nb: int, most: int, run, *outputs) -> list:
    """``run(lo, hi, *outs)`` over ranges of the ``nb`` samples at once, one per thread
    (``most`` at most), each range with zeroed ``outputs`` ((shape, dtype) each) of its
    own; returns each output summed over the ranges, in range order (the same bits
    whichever range finished first)."""
    count = min(cpu_threads.parts(), most)
    parts = [np.zeros((count,) + tuple(shape), dtype) for shape, dtype in outputs]
    cuts = [nb * p // count for p in range(count + 1)]
    cpu_threads.parallel(lambda p: run(cuts[p], cuts[p + 1], *(a[p] for a in parts)),
                         count)
    return [a[0] if count == 1 else a.sum(axis=0) for a in parts]


def filter_grad_pooled(xp: Any, x: Any, gp: Any, z: Any, y: Any, ksize: Sequence[int],
                       w_shape: Sequence[int], strides, dilations, pads,
                       groups: int) -> Any:
    """``(filter gradient, bias gradient)`` of a 2-D convolution followed by a ReLU
    (output ``z``) and a tiled ``ksize`` max pool (output ``y``, its gradient ``gp``),
    the convolution's output gradient made a chunk at a time and never stored whole; or
    None where the kernels do not apply. For the first layer of the MNIST convnet (128
    images, 26x26x32) this took 1.53 ms against 2.66 ms for the pool's gradient, then
    the filters', each over the whole 11 MB array."""
    found = _usable(xp, groups, (x, gp, z, y))
    if found is None or x.ndim != 4 or len(ksize) != 2:
        return None
    kernels, fn, ilp64 = found
    nb, oh, ow, cout = z.shape
    x2, gp, z, y = (np.ascontiguousarray(a) for a in (x, gp, z, y))
    k = int(np.prod(w_shape[:-1]))
    geometry, _, most = _plan(w_shape, nb, oh * ow, strides, dilations, pads)
    chunk = max(1, _CHUNK_VALUES // (oh * ow * (k + cout)))    # windows and gradient
    kh, kw = int(ksize[0]), int(ksize[1])
    whole = y.shape[1] * kh == oh and y.shape[2] * kw == ow
    dw, db = _summed_over_sample_parts(
        nb, most, lambda lo, hi, dw, db: kernels.filter_grad_pooled(
            fn, ilp64, x2, gp, z, y, kh, kw, whole, dw, db, geometry, _by_tap(x), chunk,
            lo, hi),
        ((k, cout), np.float32), ((cout,), np.float64))
    return dw.reshape(tuple(w_shape)), db.astype(np.float32)
