"""Pooling: ``tf.nn.max_pool``/``avg_pool`` (1-D, 2-D, 3-D) and ``tf.nn.pool``.

The primitives work channels-last with any spatial rank, strides, dilations and explicit
pad amounts; their forwards reduce the few strided slices of the padded input that one
kernel tap sees at every output position (one vectorized op per tap, never a loop over
pixels).

- Max pooling routes each window's gradient to the window's (first) maximum: the backward
  pass finds the flat index of each window's argmax, then ``_pool_scatter`` scatters the
  gradient there; its vjp is ``_pool_gather`` (and the other way round), so second-order
  gradients work. Tiled windows (kernel == stride, unpadded, undilated, e.g. 2x2/2) take
  a faster route: their forward folds one spatial axis at a time, and their gradient
  ``_max_pool_grad`` scatters through a boolean mask of each window's first maximum (a
  temporary of that one op); its vjp and the second order use the adjoint pair
  ``_window_scatter``/``_window_gather``.
- Average pooling is linear; ``_avg_pool`` and ``_avg_pool_grad`` are each other's
  adjoints. With SAME (or explicit) padding a window averages only the elements that lie
  inside the input, as TensorFlow does.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ..core import cpu_threads
from ..core.errors import InvalidArgumentError
from .activations import _relu_grad
from .conv import (
    _channels_first,
    _check_fits,
    _col2im,
    _crop,
    _flatten_batch,
    _offset_slices,
    _out_spatial,
    _pad_array,
    _prod,
    _resolve_padding,
    _shape_of,
    _spatial_param,
    _to_channels_first,
    _to_channels_last,
    _unflatten_batch,
)
from .kernels import kernels_for
from .primitive import primitive
from .reduction import _reduce_sum
from .shape import broadcast_to

__all__ = [
    "avg_pool",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "max_pool",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "pool",
]


# =========================================================================================
# Array helpers
# =========================================================================================
def _lowest(xp, dtype):
    if dtype.kind == "f" or dtype.name == "bfloat16":
        return -xp.inf
    if dtype.kind == "b":
        return False
    return xp.iinfo(dtype).min


def _taps(ksize):
    return itertools.product(*[range(k) for k in ksize])


def _tap_views(xpd, ksize, strides, dilations, out_sp):
    """Each kernel tap's strided view (N, *out, C) of the padded input."""
    for kk in _taps(ksize):
        yield (slice(None),) + _offset_slices(kk, strides, dilations, out_sp)


def _has_padding(pads) -> bool:
    return any(lo or hi for lo, hi in pads)


def _combine_taps(combine, xpd, out_sp, ksize, strides, dilations):
    """Every kernel tap's strided view of the padded input ``xpd`` folded together with
    ``combine`` (an in-place binary ufunc: ``xp.maximum``, ``xp.add``), shape (N, *out, C)."""
    y = None
    for sl in _tap_views(xpd, ksize, strides, dilations, out_sp):
        if y is None:
            y = xpd[sl].copy()
        else:
            combine(y, xpd[sl], out=y)
    return y


def _max_pool_forward(xp, x, ksize, strides, dilations, pads):
    if _tiled(ksize, strides, dilations, pads):
        return _tiled_max_pool(xp, x, ksize)
    xpd = _pad_array(xp, x, pads, _lowest(xp, x.dtype)) if _has_padding(pads) else x
    out_sp = _out_spatial(x.shape[1:-1], ksize, strides, dilations, pads)
    return _combine_taps(xp.maximum, xpd, out_sp, ksize, strides, dilations)


# -- tiled windows, one spatial axis at a time ------------------------------------------
# A max over a tile is the max over its last axis, then the one before, ...: each step
# folds the k strided taps of one axis (a pass over ever smaller arrays with long
# contiguous runs) instead of k1*k2*... taps over the whole input.
def _axis_tap(axis, t, k, o):
    """Index of tap ``t`` of the ``o`` tiles of ``k`` along array axis ``axis``."""
    return (slice(None),) * axis + (slice(t, t + k * (o - 1) + 1, k),)


def _axis_max(xp, v, axis, k, o):
    """``v`` with axis ``axis`` folded into ``o`` tiles of ``k`` by their maximum."""
    if k == 1:
        return v[_axis_tap(axis, 0, 1, o)]
    m = xp.maximum(v[_axis_tap(axis, 0, k, o)], v[_axis_tap(axis, 1, k, o)])
    for t in range(2, k):
        xp.maximum(m, v[_axis_tap(axis, t, k, o)], out=m)
    return m


def _tiled_max_pool(xp, x, ksize):
    out_sp = tuple(d // k for d, k in zip(x.shape[1:-1], ksize))
    kernels = _tiled_kernels(ksize, x)
    if kernels is not None:
        y = np.empty((x.shape[0],) + out_sp + (x.shape[-1],), x.dtype)
        if y.size:
            window = _kernel_window(ksize)
            _by_samples(lambda xs, ys: kernels.forward(xs, *window, ys), _as_2d(x),
                        _as_2d(y))
        return y
    v = x
    for i, (k, o) in enumerate(zip(ksize, out_sp)):     # first axis first: longest runs
        v = _axis_max(xp, v, 1 + i, k, o)
    if all(k == 1 for k in ksize):      # a (cropped) view of x: the output must own data
        return v.copy()
    return xp.ascontiguousarray(v)


def _argmax_flat(xp, x, y, ksize, strides, dilations, pads):
    """Flat indices into the padded input of each window's first maximum, (N, *out, C).

    ``y`` is the max pool of ``x``: the first tap equal to it wins (a NaN maximum, equal
    to nothing, goes to the last tap).
    """
    xpd = _pad_array(xp, x, pads, _lowest(xp, x.dtype))
    out_sp = tuple(y.shape[1:-1])
    n = len(ksize)
    k = _prod(ksize)
    tap_dtype = xp.uint8 if k < 256 else (xp.uint16 if k < 65536 else xp.int64)
    tap = xp.zeros(y.shape, tap_dtype)
    missing = None          # no tap so far equals the maximum
    for t, sl in enumerate(_tap_views(xpd, ksize, strides, dilations, out_sp)):
        if t == k - 1:
            break
        ne = xpd[sl] != y
        if missing is None:
            missing = ne
        else:
            missing &= ne
        tap += missing
    # element strides of the padded array and each tap's flat offset
    est = [s // xpd.itemsize for s in xpd.strides]
    offsets = xp.asarray(np.array(
        [sum(kk[i] * dilations[i] * est[1 + i] for i in range(n)) for kk in _taps(ksize)],
        dtype=np.int64))
    flat = xp.take(offsets, tap)
    base = xp.arange(x.shape[-1], dtype=xp.int64) * est[-1]
    for i in reversed(range(n)):
        pos = xp.arange(out_sp[i], dtype=xp.int64) * (strides[i] * est[1 + i])
        base = pos.reshape((-1,) + (1,) * base.ndim) + base
    flat += base[None]
    flat += (xp.arange(x.shape[0], dtype=xp.int64) * est[0]).reshape((-1,) + (1,) * (n + 1))
    return flat


def _padded_shape(x_shape, pads):
    return ((x_shape[0],) + tuple(d + lo + hi for d, (lo, hi) in zip(x_shape[1:-1], pads))
            + (x_shape[-1],))


def _window_counts(xp, in_sp, ksize, strides, dilations, pads, dtype):
    """How many taps of each output window fall inside the input, shape (1, *out, 1)."""
    out_sp = _out_spatial(in_sp, ksize, strides, dilations, pads)
    n = len(ksize)
    count = None
    for i, (d_in, k, s, d, (lo, _)) in enumerate(zip(in_sp, ksize, strides, dilations, pads)):
        pos = (xp.arange(out_sp[i])[:, None] * s + xp.arange(k)[None, :] * d) - lo
        c = ((pos >= 0) & (pos < d_in)).sum(axis=1).astype(dtype)
        shp = [1] * (n + 2)
        shp[1 + i] = out_sp[i]
        c = c.reshape(shp)
        count = c if count is None else count * c
    return xp.maximum(count, 1)


def _avg_pool_forward(xp, x, ksize, strides, dilations, pads):
    xpd = _pad_array(xp, x, pads, 0) if _has_padding(pads) else x
    out_sp = _out_spatial(x.shape[1:-1], ksize, strides, dilations, pads)
    y = _combine_taps(xp.add, xpd, out_sp, ksize, strides, dilations)
    if _has_padding(pads):
        y /= _window_counts(xp, x.shape[1:-1], ksize, strides, dilations, pads, y.dtype)
    else:
        y *= y.dtype.type(1.0 / _prod(ksize))
    return y


def _avg_pool_grad_forward(xp, g, x_shape, ksize, strides, dilations, pads):
    out_sp = g.shape[1:-1]
    if _has_padding(pads):
        g = g / _window_counts(xp, x_shape[1:-1], ksize, strides, dilations, pads, g.dtype)
    else:
        g = g * g.dtype.type(1.0 / _prod(ksize))
    dx = _col2im(xp, lambda t, kk: g, _padded_shape(x_shape, pads), out_sp, ksize, strides,
                 dilations, g.dtype)
    return xp.ascontiguousarray(_crop(dx, pads, x_shape[1:-1]))


# =========================================================================================
# Primitives
# =========================================================================================
@primitive(name="max_pool")
def _max_pool(xp, x, ksize=(), strides=(), dilations=(), pads=()):
    return _max_pool_forward(xp, x, ksize, strides, dilations, pads)


def _overlapping(ksize, strides, dilations) -> bool:
    return any((k - 1) * d + 1 > s for k, s, d in zip(ksize, strides, dilations))


@_max_pool.vjp
def _(g, y, x, ksize=(), strides=(), dilations=(), pads=()):
    if _tiled(ksize, strides, dilations, pads):
        return _max_pool_grad(g, x, y, ksize=ksize)
    idx = _max_pool_argmax(x, y, ksize=ksize, strides=strides, dilations=dilations, pads=pads)
    return _pool_scatter(g, idx, x_shape=tuple(x.shape), pads=pads,
                         overlap=_overlapping(ksize, strides, dilations))


# -- compiled kernels (ops/kernels/max_pool.py): tiled 1-D and 2-D windows, float32 ------
def _tiled_kernels(ksize, *arrays):
    """The compiled tiled max-pool kernels when they apply: one or two spatial axes,
    contiguous float32 NumPy arrays."""
    return None if len(ksize) > 2 else kernels_for("max_pool", *arrays, contiguous=True)


def _as_2d(a):
    """A (N, L, C) array as (N, 1, L, C); (N, H, W, C) as it is."""
    return a if a.ndim == 4 else a.reshape(a.shape[0], 1, a.shape[1], a.shape[2])


def _kernel_window(ksize) -> tuple:
    return tuple(ksize) if len(ksize) == 2 else (1, ksize[0])


#: a pooling kernel over fewer input values than this runs on one thread (a split's
#: hand-off costs about 30 us; the gradient kernel takes about 1 ns a value)
_MIN_SPLIT_VALUES = 1 << 18


def _by_samples(run, x, *arrays) -> None:
    """``run(x[lo:hi], *(a[lo:hi] for a in arrays))`` over ranges of samples, split over
    the CPU threads (``ember.core.cpu_threads``) when ``x`` is large enough."""
    nb = x.shape[0]
    cpu_threads.parallel_ranges(nb, lambda lo, hi: run(
        x[lo:hi], *(a[lo:hi] for a in arrays)), nb if x.size >= _MIN_SPLIT_VALUES else 1)


def _tiled_grad_kernel(g, x, y, ksize, relu: bool, sums: bool = False):
    """``max_pool_grad`` (with ``relu``: ``max_pool_relu_grad``) through the compiled
    kernel, or None when it does not apply; with ``sums``, ``(dx, dx summed over all
    but the channel axis)``, added up in float64 as the kernel writes ``dx``."""
    if type(g) is np.ndarray:
        g = np.ascontiguousarray(g)
    kernels = _tiled_kernels(ksize, g, x, y)
    if kernels is None or g.shape != y.shape:
        return None
    whole = all(o * k == d for o, k, d in zip(y.shape[1:-1], ksize, x.shape[1:-1]))
    dx = (np.empty if whole else np.zeros)(x.shape, x.dtype)
    parts: list = []            # (address of its first sample, a range's sums)
    if g.size:
        kh, kw = _kernel_window(ksize)

        def run(xs, gs, ys, dxs):
            if not sums:
                kernels.backward(gs, xs, ys, kh, kw, relu, dxs)
                return
            total = np.zeros(x.shape[-1], np.float64)
            kernels.backward(gs, xs, ys, kh, kw, relu, dxs, total)
            parts.append((xs.ctypes.data, total))
        _by_samples(run, _as_2d(x), _as_2d(g), _as_2d(y), _as_2d(dx))
    if not sums:
        return dx
    total = np.zeros(x.shape[-1], np.float64)
    for _, part in sorted(parts, key=lambda p: p[0]):   # in sample order: the same
        total += part                                   # bits whichever finished first
    return dx, total.astype(x.dtype)


# -- tiled windows (kernel == stride, no padding, no dilation: 2x2/2 and the like) -------
# Each window is a tile of the input, so the input (cropped to whole tiles) reshapes to
# (N, o1, k1, o2, k2, ..., C) without a copy, and the backward routes the gradient
# through a boolean mask of each window's first maximum instead of flat argmax indices
# (no index arithmetic, no fancy-index scatter).
def _tiled(ksize, strides, dilations, pads) -> bool:
    return (tuple(ksize) == tuple(strides) and all(d == 1 for d in dilations)
            and not _has_padding(pads))


def _tiles(x, ksize, out_sp):
    """The whole tiles of ``x`` as a view (N, o1, k1, o2, k2, ..., C)."""
    crop = (slice(None),) + tuple(slice(0, o * k) for o, k in zip(out_sp, ksize))
    shape = (x.shape[0],) + tuple(d for o, k in zip(out_sp, ksize) for d in (o, k)) \
        + (x.shape[-1],)
    return x[crop].reshape(shape)


def _tap_index(n, kk):
    """Index of tap ``kk`` in the tiled view (N, o1, k1, ..., C)."""
    return (slice(None),) + tuple(a for k in kk for a in (slice(None), k))


def _expand_windows(v, n):
    """``v`` (N, o1, ..., C) with a length-1 axis after each spatial axis."""
    return v.reshape((v.shape[0],) + tuple(d for o in v.shape[1:-1] for d in (o, 1))
                     + (v.shape[-1],))


@primitive(name="max_pool_window_mask")
def _max_pool_window_mask(xp, x, y, ksize=()):
    return _window_mask(xp, x, y, ksize)


def _window_mask(xp, x, y, ksize):
    """Boolean (N, o1, k1, ..., C): True at each window's first maximum (row-major tap
    order, as TensorFlow); a NaN maximum, equal to nothing, goes to the last tap."""
    n = len(ksize)
    eq = _tiles(x, ksize, tuple(y.shape[1:-1])) == _expand_windows(y, n)
    taps = list(_taps(ksize))
    missing = None          # no tap so far equals the maximum
    for kk in taps[:-1]:
        e = eq[_tap_index(n, kk)]
        if missing is None:
            missing = ~e
        else:
            e &= missing
            missing &= ~e
    eq[_tap_index(n, taps[-1])] = True if missing is None else missing
    return eq


@primitive(name="window_scatter")
def _window_scatter(xp, g, mask, x_shape=(), ksize=()):
    return _window_scatter_array(xp, g, mask, x_shape, ksize)


def _window_scatter_array(xp, g, mask, x_shape, ksize):
    """``g`` of each window put at its mask position, zeros elsewhere, shape ``x_shape``."""
    n = len(ksize)
    out_sp = tuple(g.shape[1:-1])
    whole = all(o * k == d for o, k, d in zip(out_sp, ksize, x_shape[1:-1]))
    dx = (xp.empty if whole else xp.zeros)(tuple(x_shape), g.dtype)
    dxt = _tiles(dx, ksize, out_sp)
    gw = _expand_windows(g, n)
    if bool(xp.isfinite(g).all()):
        xp.multiply(gw, mask, out=dxt)
    else:                   # inf * 0 would leak NaN into the non-maximum positions
        dxt[...] = xp.where(mask, gw, xp.zeros((), g.dtype))
    return dx


@_window_scatter.vjp
def _(gg, dx, g, mask, x_shape=(), ksize=()):
    return _window_gather(gg, mask, ksize=ksize), None


@primitive(name="window_gather")
def _window_gather(xp, h, mask, ksize=()):
    """The value of ``h`` at each window's mask position, shape (N, o1, ..., C)."""
    out_sp = tuple(mask.shape[1:-1:2])
    ht = _tiles(h, ksize, out_sp)
    axes = tuple(2 + 2 * i for i in range(len(ksize)))
    return xp.where(mask, ht, xp.zeros((), h.dtype)).sum(axis=axes, dtype=h.dtype)


@_window_gather.vjp
def _(g, y, h, mask, ksize=()):
    return _window_scatter(g, mask, x_shape=tuple(h.shape), ksize=ksize), None


def _unique_max_scatter(xp, g, x, ym, expected, ksize):
    """``g`` of each window put where the window's ``x`` equals ``ym`` (a NaN in ``ym``
    matches nothing), zeros elsewhere; None when the matches are not ``expected`` in all,
    which is when some window holds its maximum twice and the first must be picked.

    ``ym`` is the pool of ``x``, so each window but the NaN ones matches at least once:
    the count is right exactly when no window matches twice. Every pass here runs over
    long contiguous rows: ``ym`` and ``g`` are widened along every tap axis but the first
    once, and each first-axis tap then compares or scales whole rows of ``x``; the
    first-maximum mask of ``_window_mask`` needs many passes over short strided runs
    (2.8M elements, 2x2 windows: 7.7 ms there, 4.3 ms here).
    """
    n = len(ksize)
    out_sp = tuple(ym.shape[1:-1])
    tiles = _tiles(x, ksize, out_sp)                        # (N, o1, k1, o2, k2, ..., C)
    wide = tiles.shape[:2] + (1,) + tiles.shape[3:]
    hits = tiles == xp.ascontiguousarray(xp.broadcast_to(_expand_windows(ym, n), wide))
    if int(xp.count_nonzero(hits)) != expected:
        return None
    dxt = hits.astype(g.dtype)
    dxt *= xp.ascontiguousarray(xp.broadcast_to(_expand_windows(g, n), wide))
    if all(o * k == d for o, k, d in zip(out_sp, ksize, x.shape[1:-1])):
        return dxt.reshape(x.shape)
    dx = xp.zeros(x.shape, g.dtype)
    _tiles(dx, ksize, out_sp)[...] = dxt
    return dx


def _finite_sum(xp, a) -> bool:
    """Whether ``a`` sums to a finite value (so it holds no NaN or infinity)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(xp.isfinite(a.sum()))


@primitive(name="max_pool_grad")
def _max_pool_grad(xp, g, x, y, ksize=()):
    """The gradient of a tiled max pool: ``g`` at each window's first maximum (one op,
    so the mask is a temporary, never a tensor of the graph)."""
    dx = _tiled_grad_kernel(g, x, y, ksize, relu=False)
    if dx is not None:
        return dx
    if _finite_sum(xp, y) and _finite_sum(xp, g):
        dx = _unique_max_scatter(xp, g, x, y, y.size, ksize)
        if dx is not None:
            return dx
    return _first_max_scatter(xp, g, x, y, ksize)


def _first_max_scatter(xp, g, x, y, ksize):
    """``g`` at each window's first maximum through the mask (ties, NaN, infinities)."""
    return _window_scatter_array(xp, g, _window_mask(xp, x, y, ksize), tuple(x.shape), ksize)


@_max_pool_grad.vjp
def _(gg, dx, g, x, y, ksize=()):
    # linear in g; piecewise constant in x and y
    mask = _max_pool_window_mask(x, y, ksize=ksize)
    return _window_gather(gg, mask, ksize=ksize), None, None


# -- relu then a tiled max pool: the relu's gradient on the pooled grid --------------------
# ``relu_grad(max_pool_grad(g, x, y), x)`` with ``x`` the relu's output: the pool's
# gradient is nonzero only at each window's maximum, where ``x == y``, so masking by
# ``x > 0`` afterwards is masking ``g`` by ``y > 0`` before: one pass over the pooled
# array instead of the input-sized one. The graph optimizer (``passes/folding``) puts this
# op in place of the pair. A NaN in ``y`` (its window's gradient goes where ``x`` may
# differ from ``y``) or a sum of ``y`` too large for the check takes the pair's own route.
@primitive(name="max_pool_relu_grad")
def _max_pool_relu_grad(xp, g, x, y, ksize=()):
    """``relu_grad(max_pool_grad(g, x, y), x)`` (tiled windows; see above)."""
    dx = _tiled_grad_kernel(g, x, y, ksize, relu=True)
    if dx is not None:
        return dx
    relu_grad = _relu_grad.primitive.forward
    if not _finite_sum(xp, y):
        return relu_grad(xp, _first_max_scatter(xp, g, x, y, ksize), x)
    if _finite_sum(xp, g):
        # windows whose maximum is not positive get no gradient: NaN matches nothing
        positive = y > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            ym = y / positive
        dx = _unique_max_scatter(xp, g, x, ym, int(xp.count_nonzero(positive)), ksize)
        if dx is not None:
            return dx
    # a positive maximum held twice, or a non-finite gradient: the mask picks the first
    return _first_max_scatter(xp, relu_grad(xp, g, y), x, y, ksize)


@_max_pool_relu_grad.vjp
def _(gg, dx, g, x, y, ksize=()):
    mask = _max_pool_window_mask(x, y, ksize=ksize)
    return _window_gather(_relu_grad(gg, x), mask, ksize=ksize), None, None


# -- and the bias gradient of the layer before: the sums of that gradient per channel ----
# A Conv2D layer's bias gradient is ``reduce_sum(dz, axis=(0, 1, 2))`` of the gradient
# ``dz`` that ``max_pool_relu_grad`` writes: one more pass over an input-sized array. The
# kernel adds each window's values up as it writes them (in float64), and the graph
# optimizer (``passes/folding``) puts this op in place of the pair.
@primitive(name="max_pool_relu_grad_sum", multiple_results=True)
def _max_pool_relu_grad_sum(xp, g, x, y, ksize=()):
    """``(dx, reduce_sum(dx, all axes but the last))`` for ``dx =
    max_pool_relu_grad(g, x, y)``."""
    found = _tiled_grad_kernel(g, x, y, ksize, relu=True, sums=True)
    if found is not None:
        return found
    dx = _max_pool_relu_grad.primitive.forward(xp, g, x, y, ksize=ksize)
    return dx, _reduce_sum.primitive.forward(xp, dx, axis=tuple(range(dx.ndim - 1)))


@_max_pool_relu_grad_sum.vjp(takes_none=True)
def _(grads, outs, g, x, y, ksize=()):
    gdx, gsum = grads
    if gsum is not None:        # each value of dx also counts once in its channel's sum
        gsum = broadcast_to(gsum, tuple(x.shape))
        gdx = gsum if gdx is None else gdx + gsum
    if gdx is None:
        return None, None, None
    return _max_pool_relu_grad.primitive.vjp_rule(gdx, outs[0], g, x, y, ksize=ksize)


@primitive(name="max_pool_argmax")
def _max_pool_argmax(xp, x, y, ksize=(), strides=(), dilations=(), pads=()):
    return _argmax_flat(xp, x, y, ksize, strides, dilations, pads)


@primitive(name="pool_scatter")
def _pool_scatter(xp, g, idx, x_shape=(), pads=(), overlap=True):
    """Add each ``g`` into the padded-input position ``idx`` names; crop the padding."""
    padded = _padded_shape(x_shape, pads)
    size = _prod(padded)
    if overlap:
        flat = xp.bincount(idx.reshape(-1), weights=g.reshape(-1), minlength=size)
        flat = flat.astype(g.dtype, copy=False)
    else:
        flat = xp.zeros(size, g.dtype)
        flat[idx.reshape(-1)] = g.reshape(-1)
    return xp.ascontiguousarray(_crop(flat.reshape(padded), pads, x_shape[1:-1]))


@_pool_scatter.vjp
def _(gg, dx, g, idx, x_shape=(), pads=(), overlap=True):
    return _pool_gather(gg, idx, pads=pads, overlap=overlap), None


@primitive(name="pool_gather")
def _pool_gather(xp, h, idx, pads=(), overlap=True):
    """The values of ``h`` (zero-padded by ``pads``) at flat positions ``idx``.

    ``overlap`` says whether ``idx`` may repeat a position (only its vjp cares).
    """
    hp = _pad_array(xp, h, pads, 0)
    return xp.take(hp.reshape(-1), idx)


@_pool_gather.vjp
def _(g, y, h, idx, pads=(), overlap=True):
    return _pool_scatter(g, idx, x_shape=tuple(h.shape), pads=pads, overlap=overlap), None


@primitive(name="avg_pool")
def _avg_pool(xp, x, ksize=(), strides=(), dilations=(), pads=()):
    return _avg_pool_forward(xp, x, ksize, strides, dilations, pads)


@_avg_pool.vjp
def _(g, y, x, ksize=(), strides=(), dilations=(), pads=()):
    return _avg_pool_grad(g, x_shape=tuple(x.shape), ksize=ksize, strides=strides,
                          dilations=dilations, pads=pads)


@primitive(name="avg_pool_grad")
def _avg_pool_grad(xp, g, x_shape=(), ksize=(), strides=(), dilations=(), pads=()):
    return _avg_pool_grad_forward(xp, g, x_shape, ksize, strides, dilations, pads)


@_avg_pool_grad.vjp
def _(gg, dx, g, x_shape=(), ksize=(), strides=(), dilations=(), pads=()):
    return _avg_pool(gg, ksize=ksize, strides=strides, dilations=dilations, pads=pads)


# =========================================================================================
# Public pooling
# =========================================================================================
def _pool_nd(op, kind, input, ksize, strides, padding, data_format, dilations=None,
             rank=None):
    x_shape = _shape_of(input)
    if rank is None:
        rank = len(x_shape) - 2
        if rank not in (1, 2, 3):
            raise InvalidArgumentError(
                f"ember.{op}: input must have rank 3, 4 or 5 (batch, 1-3 spatial dims, "
                f"channels); got shape {x_shape}")
    cf = _channels_first(data_format, rank, op)
    ksize = _spatial_param(ksize, rank, cf, "ksize", op)
    strides = _spatial_param(strides, rank, cf, "strides", op)
    dilations = _spatial_param(dilations, rank, cf, "dilations", op)
    x, batch = _flatten_batch(input, x_shape, rank, op)
    core = x_shape[-rank - 2:]
    in_sp = tuple(core[2:]) if cf else tuple(core[1:-1])
    pads = _resolve_padding(padding, in_sp, ksize, strides, dilations, cf, op)
    _check_fits(op, x_shape, in_sp, ksize, dilations, pads, what="ksize")
    if kind == "AVG":
        v = getattr(input, "_value", input)
        dt = v.dtype if isinstance(getattr(v, "dtype", None), np.dtype) else \
            np.asarray(v).dtype
        if dt.kind not in "fc" and dt.name != "bfloat16":
            raise TypeError(f"ember.{op}: average pooling needs a floating-point input; got "
                            f"{dt.name} of shape {x_shape}")
    if cf:
        x = _to_channels_last(x, rank)
    prim = _max_pool if kind == "MAX" else _avg_pool
    y = prim(x, ksize=ksize, strides=strides, dilations=dilations, pads=pads)
    if cf:
        y = _to_channels_first(y, rank)
    return _unflatten_batch(y, batch)


def max_pool(input: Any, ksize: Any, strides: Any, padding: Any,
             data_format: str | None = None, name=None):
    """Max pooling over 1-3 spatial dims (taken from the input's rank).

    ``ksize`` and ``strides`` are an int or a list of 1, N or N+2 ints; ``padding`` is
    'SAME' (padded positions never win), 'VALID' or explicit pairs.

    >>> import ember
    >>> x = ember.reshape(ember.range(16.), [1, 4, 4, 1])
    >>> ember.nn.max_pool(x, 2, 2, "VALID").numpy()[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
    """
    return _pool_nd("max_pool", "MAX", input, ksize, strides, padding, data_format)


def avg_pool(input: Any, ksize: Any, strides: Any, padding: Any,
             data_format: str | None = None, name=None):
    """Average pooling over 1-3 spatial dims; with SAME padding each window averages only
    the elements inside the input.

    >>> import ember
    >>> x = ember.reshape(ember.range(16.), [1, 4, 4, 1])
    >>> ember.nn.avg_pool(x, 2, 2, "VALID").numpy()[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]], dtype=float32)
    """
    return _pool_nd("avg_pool", "AVG", input, ksize, strides, padding, data_format)


def max_pool1d(input: Any, ksize: Any, strides: Any, padding: Any,
               data_format: str = "NWC", name=None):
    """1-D max pooling of ``input`` (N, W, C).

    >>> import ember
    >>> ember.nn.max_pool1d([[[1.], [3.], [2.], [0.]]], 2, 2, "VALID").numpy().ravel()
    array([3., 2.], dtype=float32)
    """
    return _pool_nd("max_pool1d", "MAX", input, ksize, strides, padding, data_format, rank=1)


def max_pool2d(input: Any, ksize: Any, strides: Any, padding: Any,
               data_format: str = "NHWC", name=None):
    """2-D max pooling of ``input`` (N, H, W, C).

    >>> import ember, numpy as np
    >>> ember.nn.max_pool2d(np.ones((1, 4, 4, 2), np.float32), 2, 2, "SAME").shape
    TensorShape([1, 2, 2, 2])
    """
    return _pool_nd("max_pool2d", "MAX", input, ksize, strides, padding, data_format, rank=2)


def max_pool3d(input: Any, ksize: Any, strides: Any, padding: Any,
               data_format: str = "NDHWC", name=None):
    """3-D max pooling of ``input`` (N, D, H, W, C).

    >>> import ember, numpy as np
    >>> ember.nn.max_pool3d(np.ones((1, 4, 4, 4, 1), np.float32), 2, 2, "VALID").shape
    TensorShape([1, 2, 2, 2, 1])
    """
    return _pool_nd("max_pool3d", "MAX", input, ksize, strides, padding, data_format, rank=3)


def avg_pool1d(input: Any, ksize: Any, strides: Any, padding: Any,
               data_format: str = "NWC", name=None):
    """1-D average pooling of ``input`` (N, W, C).

    >>> import ember
    >>> ember.nn.avg_pool1d([[[1.], [3.], [2.], [0.]]], 2, 2, "VALID").numpy().ravel()
    array([2., 1.], dtype=float32)
    """
    return _pool_nd("avg_pool1d", "AVG", input, ksize, strides, padding, data_format, rank=1)


def avg_pool2d(input: Any, ksize: Any, strides: Any, padding: Any,
               data_format: str = "NHWC", name=None):
    """2-D average pooling of ``input`` (N, H, W, C).

    >>> import ember, numpy as np
    >>> ember.nn.avg_pool2d(np.ones((1, 4, 4, 2), np.float32), 3, 1, "SAME").shape
    TensorShape([1, 4, 4, 2])
    """
    return _pool_nd("avg_pool2d", "AVG", input, ksize, strides, padding, data_format, rank=2)


def avg_pool3d(input: Any, ksize: Any, strides: Any, padding: Any,
               data_format: str = "NDHWC", name=None):
    """3-D average pooling of ``input`` (N, D, H, W, C).

    >>> import ember, numpy as np
    >>> ember.nn.avg_pool3d(np.ones((1, 4, 4, 4, 1), np.float32), 2, 2, "VALID").shape
    TensorShape([1, 2, 2, 2, 1])
    """
    return _pool_nd("avg_pool3d", "AVG", input, ksize, strides, padding, data_format, rank=3)


def pool(input: Any, window_shape: Any, pooling_type: str, strides: Any = None,
         padding: Any = "VALID", data_format: str | None = None, dilations: Any = None,
         name=None):
    """N-d pooling: ``pooling_type`` 'MAX' or 'AVG' over ``window_shape`` (N ints), with
    optional ``strides`` and ``dilations``.

    >>> import ember, numpy as np
    >>> ember.nn.pool(np.ones((1, 6, 6, 1), np.float32), [2, 2], "MAX", strides=[2, 2]).shape
    TensorShape([1, 3, 3, 1])
    """
    kind = str(pooling_type).upper()
    if kind not in ("MAX", "AVG"):
        raise InvalidArgumentError(
            f"ember.pool: pooling_type must be 'MAX' or 'AVG'; got {pooling_type!r}")
    window = _to_intlist(window_shape)
    x_shape = _shape_of(input)
    rank = len(window)
    if len(x_shape) < rank + 2:
        raise InvalidArgumentError(
            f"ember.pool: input of shape {x_shape} must have rank {rank + 2} for a "
            f"window_shape of {rank} dims {window}")
    if rank not in (1, 2, 3):
        raise InvalidArgumentError(
            f"ember.pool: window_shape must have 1, 2 or 3 entries; got {window}")
    return _pool_nd("pool", kind, input, window, strides, padding, data_format, dilations,
                    rank=rank)


def _to_intlist(v):
    if hasattr(v, "_value"):
        v = np.asarray(v._value).tolist()
    if isinstance(v, (int, np.integer)):
        return [int(v)]
    return [int(a) for a in v]
