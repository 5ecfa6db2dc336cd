"""Convolutions: ``tf.nn.conv1d/2d/3d``, ``convolution``, ``atrous_conv2d``, depthwise and
separable convolutions, and the transposed convolutions.

Everything runs through three N-d primitives that work channels-last (``(N, *spatial, C)``)
with any spatial rank, strides, dilations, explicit pad amounts and channel groups:

- ``_conv(x, w)``: the convolution (cross-correlation, as in TensorFlow). Its forward is an
  im2col: a strided *view* of the padded input holding every window, copied once into a
  ``(groups, positions, window)`` matrix (tap-major ``(groups, window, positions)`` when
  there are only a few channels per group: whole rows copy faster) and multiplied by the
  filters in one GEMM.
- ``_conv_input_grad(g, w)``: the adjoint of ``_conv`` in ``x`` (the transposed
  convolution): one batched GEMM giving each kernel tap's contribution contiguously,
  then a col2im that adds each tap's slab into the padded result (a loop over the few
  kernel taps, never over pixels).
- ``_conv_filter_grad(x, g)``: the adjoint in ``w``: the same im2col matrix, transposed,
  times ``g`` in one GEMM.

Depthwise convolutions (one input channel per group) skip the GEMM, which would be a
batch of tiny matrix-vector products, and contract a window view with ``einsum``.

The three are bilinear and each one's vjp is written with the other two, so gradients of
any order work. Channels-first layouts are handled by transposing in the public wrappers.
"""
from __future__ import annotations

import itertools
from typing import Any, Sequence

import numpy as np

from ..core.errors import InvalidArgumentError
from . import conv_compiled, gemm
from .activations import _relu, _relu_grad
from .elementwise import add
from .primitive import primitive
from .reduction import reduce_sum

__all__ = ["conv1d", "conv2d", "conv3d", "convolution", "depthwise_conv2d",
           "separable_conv2d", "conv2d_transpose", "conv1d_transpose", "conv3d_transpose",
           "conv_transpose", "atrous_conv2d"]


# =========================================================================================
# Array helpers (written against ``xp``; shared with pool.py)
# =========================================================================================
def _prod(values) -> int:
    p = 1
    for v in values:
        p *= int(v)
    return p


def _pad_array(xp, x, pads, value=0):
    """``x`` (N, *spatial, ...) with ``pads`` ((lo, hi) per spatial axis) added, contiguous."""
    if not any(lo or hi for lo, hi in pads):
        return xp.ascontiguousarray(x)
    n = len(pads)
    shape = (x.shape[0],) + tuple(x.shape[1 + i] + lo + hi for i, (lo, hi) in
                                  enumerate(pads)) + tuple(x.shape[1 + n:])
    if value == 0:
        out = xp.zeros(shape, x.dtype)
    else:
        out = xp.full(shape, value, x.dtype)
    inner = (slice(None),) + tuple(slice(lo, lo + x.shape[1 + i])
                                   for i, (lo, _) in enumerate(pads))
    out[inner] = x
    return out


def _crop(x, pads, in_sp):
    if not any(lo or hi for lo, hi in pads):
        return x
    return x[(slice(None),) + tuple(slice(lo, lo + d) for (lo, _), d in zip(pads, in_sp))]


def _out_size(size: int, k: int, s: int, d: int, lo: int, hi: int) -> int:
    """Output length of a window of ``k`` taps (dilation ``d``) sliding by ``s``."""
    return (size + lo + hi - ((k - 1) * d + 1)) // s + 1


def _out_spatial(in_sp, ksize, strides, dilations, pads):
    return tuple(_out_size(i, k, s, d, lo, hi) for i, k, s, d, (lo, hi)
                 in zip(in_sp, ksize, strides, dilations, pads))


def _offset_slices(kk, strides, dilations, out_sp):
    """Slices of the padded input seen by kernel tap ``kk`` at every output position."""
    return tuple(slice(k * d, k * d + s * (o - 1) + 1, s)
                 for k, s, d, o in zip(kk, strides, dilations, out_sp))


def _group_windows(xp, xpd, out_sp, ksize, strides, dilations, groups):
    """A strided view (G, N, *out, *k, C/G) of the padded channels-last input ``xpd``."""
    n = len(ksize)
    st = xpd.strides
    c = xpd.shape[-1]
    cg = c // groups
    shape = (groups, xpd.shape[0]) + tuple(out_sp) + tuple(ksize) + (cg,)
    strides_ = ((cg * st[-1], st[0]) + tuple(st[1 + i] * strides[i] for i in range(n))
                + tuple(st[1 + i] * dilations[i] for i in range(n)) + (st[-1],))
    return xp.lib.stride_tricks.as_strided(xpd, shape, strides_)


# Below this many channels per group the im2col matrix is built tap by tap in the
# transposed (G, K*C/G, P) layout: copying whole rows of a tap beats copying C-long runs.
_TAP_MAJOR_MAX_CG = 3


def _im2col(xp, x, ksize, strides, dilations, pads, groups):
    """Every window of ``x`` in one matrix per group, copied once.

    Returns (cols, out_sp, tap_major): cols is (G, P, K*C/G), or (G, K*C/G, P) when
    ``tap_major``; P = N * prod(out_sp) output positions, K = prod(ksize) taps.
    """
    xpd = _pad_array(xp, x, pads)
    in_sp = x.shape[1:-1]
    out_sp = _out_spatial(in_sp, ksize, strides, dilations, pads)
    nb = x.shape[0]
    cg = x.shape[-1] // groups
    k = _prod(ksize)
    p = nb * _prod(out_sp)
    if all(kk == 1 for kk in ksize) and all(s == 1 for s in strides):
        if groups == 1:
            return xpd.reshape(1, p, cg), out_sp, False
    if cg <= _TAP_MAJOR_MAX_CG:
        cols = xp.empty((groups, k, cg, nb) + tuple(out_sp), xpd.dtype)
        n = len(ksize)
        perm = (n + 1, n + 2, 0) + tuple(range(1, n + 1))    # (G, cg, N, *out)
        for t, kk in enumerate(itertools.product(*[range(q) for q in ksize])):
            src = xpd[(slice(None),) + _offset_slices(kk, strides, dilations, out_sp)]
            cols[:, t] = src.reshape(src.shape[:-1] + (groups, cg)).transpose(perm)
        return cols.reshape(groups, k * cg, p), out_sp, True
    view = _group_windows(xp, xpd, out_sp, ksize, strides, dilations, groups)
    return view.reshape(groups, p, k * cg), out_sp, False


def _col2im(xp, tap_source, padded_shape, out_sp, ksize, strides, dilations, dtype):
    """Sum each tap's windows back into a zero array of ``padded_shape`` (N, *spatial, ...).

    ``tap_source(t, kk)`` gives tap ``kk``'s contribution at every output position,
    shaped (N, *out_sp, ...). One vectorized add per kernel tap, never a loop over
    positions.
    """
    out = xp.zeros(padded_shape, dtype)
    overlap = any((k - 1) * d + 1 > s for k, s, d in zip(ksize, strides, dilations))
    for t, kk in enumerate(itertools.product(*[range(k) for k in ksize])):
        dst = (slice(None),) + _offset_slices(kk, strides, dilations, out_sp)
        if overlap:
            out[dst] += tap_source(t, kk)
        else:
            out[dst] = tap_source(t, kk)
    return out


# -- depthwise (one input channel per group): einsum over a window view, no GEMM -------
_SPATIAL_LETTERS = "abd"
_TAP_LETTERS = "ijk"


def _depthwise_view(xp, xpd, out_sp, ksize, strides, dilations):
    """A strided view (N, *out, C, *k) of the padded channels-last input ``xpd``."""
    n = len(ksize)
    st = xpd.strides
    shape = (xpd.shape[0],) + tuple(out_sp) + (xpd.shape[-1],) + tuple(ksize)
    strides_ = ((st[0],) + tuple(st[1 + i] * strides[i] for i in range(n)) + (st[-1],)
                + tuple(st[1 + i] * dilations[i] for i in range(n)))
    return xp.lib.stride_tricks.as_strided(xpd, shape, strides_)


def _dw_subscripts(n):
    sp, kk = _SPATIAL_LETTERS[:n], _TAP_LETTERS[:n]
    return "n" + sp + "c" + kk, kk + "c", "n" + sp + "c"


def _depthwise_forward(xp, x, w, strides, dilations, pads):
    n = x.ndim - 2
    ksize = tuple(w.shape[:n])
    c = x.shape[-1]
    mult = w.shape[-1] // c
    xpd = _pad_array(xp, x, pads)
    out_sp = _out_spatial(x.shape[1:-1], ksize, strides, dilations, pads)
    view = _depthwise_view(xp, xpd, out_sp, ksize, strides, dilations)
    wk = w.reshape(ksize + (c, mult))
    sv, sw, so = _dw_subscripts(n)
    ys = [xp.einsum(f"{sv},{sw}->{so}", view, wk[..., m]) for m in range(mult)]
    y = ys[0][..., None] if mult == 1 else xp.stack(ys, axis=-1)
    return y.reshape((x.shape[0],) + tuple(out_sp) + (c * mult,))


def _depthwise_input_grad(xp, g, w, x_shape, strides, dilations, pads):
    n = g.ndim - 2
    ksize = tuple(w.shape[:n])
    c = x_shape[-1]
    mult = w.shape[-1] // c
    nb = g.shape[0]
    out_sp = tuple(g.shape[1:-1])
    in_sp = tuple(x_shape[1:-1])
    padded = (nb,) + tuple(i + lo + hi for i, (lo, hi) in zip(in_sp, pads)) + (c,)
    g5 = g.reshape(g.shape[:-1] + (c, mult))
    wk = w.reshape(ksize + (c, mult))
    dtype = xp.result_type(g.dtype, w.dtype)
    if all(s == 1 for s in strides):
        # stride 1: a correlation of the fully padded gradient with the flipped filter
        full = tuple(((k - 1) * d, (k - 1) * d) for k, d in zip(ksize, dilations))
        flip = (slice(None, None, -1),) * n
        sv, sw, so = _dw_subscripts(n)
        dx = None
        for m in range(mult):
            gp = _pad_array(xp, g5[..., m], full)
            sp = tuple(padded[1:-1])
            view = _depthwise_view(xp, gp, sp, ksize, (1,) * n, dilations)
            part = xp.einsum(f"{sv},{sw}->{so}", view, wk[flip + (Ellipsis, m)])
            dx = part if dx is None else dx + part
    else:
        def src(t, kk):
            if mult == 1:
                return g5[..., 0] * wk[kk][..., 0]
            return xp.einsum("...cm,cm->...c", g5, wk[kk])
        dx = _col2im(xp, src, padded, out_sp, ksize, strides, dilations, dtype)
    return xp.ascontiguousarray(_crop(dx, pads, in_sp)).astype(dtype, copy=False)


def _depthwise_filter_grad(xp, x, g, w_shape, strides, dilations, pads):
    n = x.ndim - 2
    ksize = tuple(w_shape[:n])
    c = x.shape[-1]
    mult = w_shape[-1] // c
    xpd = _pad_array(xp, x, pads)
    out_sp = _out_spatial(x.shape[1:-1], ksize, strides, dilations, pads)
    view = _depthwise_view(xp, xpd, out_sp, ksize, strides, dilations)
    g5 = g.reshape(g.shape[:-1] + (c, mult))
    sv, sw, so = _dw_subscripts(n)
    parts = [xp.einsum(f"{sv},{so}->{sw}", view, g5[..., m]) for m in range(mult)]
    dw = parts[0][..., None] if mult == 1 else xp.stack(parts, axis=-1)
    return dw.reshape(w_shape)


def _is_depthwise(w_shape, groups):
    return groups > 1 and w_shape[-2] == 1


# The im2col matrix of a large batch would be huge (K * C values per output position), so
# batches are processed in chunks whose window matrix stays under this many elements.
_COLS_BUDGET = 1 << 24


def _batch_chunk(nb, per_sample):
    return max(1, min(nb, _COLS_BUDGET // max(per_sample, 1)))


def _conv_forward(xp, x, w, strides, dilations, pads, groups):
    w = xp.ascontiguousarray(w)
    if _is_depthwise(w.shape, groups):
        return _depthwise_forward(xp, x, w, strides, dilations, pads)
    n = x.ndim - 2
    out_sp = _out_spatial(x.shape[1:-1], w.shape[:n], strides, dilations, pads)
    compiled = conv_compiled.forward(xp, x, w, out_sp, strides, dilations, pads, groups)
    if compiled is not None:
        return compiled
    nb = x.shape[0]
    chunk = _batch_chunk(nb, _prod(out_sp) * _prod(w.shape[:n]) * x.shape[-1])
    if chunk >= nb:
        return _conv_forward_chunk(xp, x, w, strides, dilations, pads, groups)
    y = xp.empty((nb,) + tuple(out_sp) + (w.shape[-1],), xp.result_type(x.dtype, w.dtype))
    for s in range(0, nb, chunk):
        y[s:s + chunk] = _conv_forward_chunk(xp, x[s:s + chunk], w, strides, dilations,
                                             pads, groups)
    return y


def _conv_forward_chunk(xp, x, w, strides, dilations, pads, groups):
    n = x.ndim - 2
    ksize = w.shape[:n]
    cout = w.shape[-1]
    og = cout // groups
    cols, out_sp, tap_major = _im2col(xp, x, ksize, strides, dilations, pads, groups)
    kc = cols.shape[1] if tap_major else cols.shape[-1]
    if groups == 1:
        c = cols[0].T if tap_major else cols[0]
        y = gemm.matmul_xp(xp, c, w.reshape(kc, cout))
    else:
        c = cols.transpose(0, 2, 1) if tap_major else cols
        wm = w.reshape(kc, groups, og).transpose(1, 0, 2)
        y = gemm.matmul_xp(xp, c, wm).transpose(1, 0, 2)   # (P, G, og)
    return y.reshape((x.shape[0],) + tuple(out_sp) + (cout,))


def _conv_input_grad_forward(xp, g, w, x_shape, strides, dilations, pads, groups):
    g = xp.ascontiguousarray(g)   # BLAS needs it; gradients of sums arrive as broadcasts
    w = xp.ascontiguousarray(w)
    if _is_depthwise(w.shape, groups):
        return _depthwise_input_grad(xp, g, w, x_shape, strides, dilations, pads)
    n = g.ndim - 2
    if _out_spatial(x_shape[1:-1], w.shape[:n], strides, dilations, pads) \
            == tuple(g.shape[1:-1]):
        compiled = conv_compiled.input_grad(xp, g, w, x_shape, strides, dilations, pads,
                                            groups)
        if compiled is not None:
            return compiled
    nb = g.shape[0]
    chunk = _batch_chunk(nb, _prod(g.shape[1:-1]) * _prod(w.shape[:n]) * x_shape[-1])
    if chunk >= nb:
        return _conv_input_grad_chunk(xp, g, w, x_shape, strides, dilations, pads, groups)
    dx = xp.empty(tuple(x_shape), xp.result_type(g.dtype, w.dtype))
    for s in range(0, nb, chunk):
        part = g[s:s + chunk]
        dx[s:s + chunk] = _conv_input_grad_chunk(
            xp, part, w, (part.shape[0],) + tuple(x_shape[1:]), strides, dilations, pads,
            groups)
    return dx


def _conv_input_grad_chunk(xp, g, w, x_shape, strides, dilations, pads, groups):
    n = g.ndim - 2
    ksize = tuple(w.shape[:n])
    cg = w.shape[n]
    cout = w.shape[-1]
    og = cout // groups
    nb = g.shape[0]
    out_sp = tuple(g.shape[1:-1])
    p = nb * _prod(out_sp)
    k = _prod(ksize)
    in_sp = x_shape[1:-1]
    padded = (nb,) + tuple(i + lo + hi for i, (lo, hi) in zip(in_sp, pads)) + (x_shape[-1],)
    dtype = xp.result_type(g.dtype, w.dtype)
    # one tap-major batched GEMM: cols[t, grp] = g[grp] @ w[t, :, grp]^T, (K, G, P, cg)
    gm = g.reshape(p, groups, og).transpose(1, 0, 2)                     # (G, P, og)
    wk = w.reshape(k, cg, groups, og).transpose(0, 2, 3, 1)              # (K, G, og, cg)
    cols = gemm.matmul_xp(xp, gm[None], wk)
    if groups == 1:
        def src(t, kk):
            return cols[t, 0].reshape((nb,) + out_sp + (cg,))
        shape = padded
    else:
        def src(t, kk):
            return xp.moveaxis(cols[t].reshape((groups, nb) + out_sp + (cg,)), 0, -2)
        shape = padded[:-1] + (groups, cg)
    dx = _col2im(xp, src, shape, out_sp, ksize, strides, dilations, dtype)
    dx = dx.reshape(padded)
    return xp.ascontiguousarray(_crop(dx, pads, in_sp))


def _conv_filter_grad_forward(xp, x, g, w_shape, strides, dilations, pads, groups):
    g = xp.ascontiguousarray(g)
    if _is_depthwise(w_shape, groups):
        if _out_spatial(x.shape[1:-1], w_shape[:x.ndim - 2], strides, dilations,
                        pads) != tuple(g.shape[1:-1]):
            raise ValueError(   # the dispatcher prefixes the op's name and the shapes
                f"output gradient has spatial shape {tuple(g.shape[1:-1])}, which does not "
                f"match input shape {tuple(x.shape)}")
        return _depthwise_filter_grad(xp, x, g, w_shape, strides, dilations, pads)
    n = x.ndim - 2
    if _out_spatial(x.shape[1:-1], w_shape[:n], strides, dilations, pads) \
            == tuple(g.shape[1:-1]):
        compiled = conv_compiled.filter_grad(xp, x, g, w_shape, strides, dilations, pads,
                                             groups)
        if compiled is not None:
            return compiled
    nb = x.shape[0]
    chunk = _batch_chunk(nb, _prod(g.shape[1:-1]) * _prod(w_shape[:n]) * x.shape[-1])
    if chunk >= nb:
        return _conv_filter_grad_chunk(xp, x, g, w_shape, strides, dilations, pads, groups)
    dw = None
    for s in range(0, nb, chunk):
        part = _conv_filter_grad_chunk(xp, x[s:s + chunk], g[s:s + chunk], w_shape, strides,
                                       dilations, pads, groups)
        dw = part if dw is None else dw + part
    return dw


def _conv_filter_grad_chunk(xp, x, g, w_shape, strides, dilations, pads, groups):
    n = x.ndim - 2
    ksize = tuple(w_shape[:n])
    cout = w_shape[-1]
    og = cout // groups
    cols, out_sp, tap_major = _im2col(xp, x, ksize, strides, dilations, pads, groups)
    if tuple(out_sp) != tuple(g.shape[1:-1]):
        raise ValueError(   # the dispatcher prefixes the op's name and the shapes
            f"output gradient has spatial shape {tuple(g.shape[1:-1])}, expected "
            f"{tuple(out_sp)} for input shape {tuple(x.shape)}")
    p = cols.shape[-1] if tap_major else cols.shape[1]
    if groups == 1:
        c = cols[0] if tap_major else cols[0].T
        return gemm.matmul_xp(xp, c, g.reshape(p, cout)).reshape(w_shape)
    c = cols if tap_major else cols.transpose(0, 2, 1)                   # (G, K*cg, P)
    gm = g.reshape(p, groups, og).transpose(1, 0, 2)                      # (G, P, og)
    dw = gemm.matmul_xp(xp, c, gm)                                                 # (G, K*cg, og)
    return xp.ascontiguousarray(dw.transpose(1, 0, 2)).reshape(w_shape)


# =========================================================================================
# Primitives
# =========================================================================================
def _bfloat16_via_float32(xp, compute, a, b, *args):
    """``compute(xp, a, b, *args)``; bfloat16 operands (which BLAS and einsum do not
    take) are computed in float32 and the result rounded back to bfloat16, as TF does."""
    if a.dtype.name != "bfloat16" and b.dtype.name != "bfloat16":
        return compute(xp, a, b, *args)
    out = compute(xp, a.astype(xp.float32), b.astype(xp.float32), *args)
    return out.astype(a.dtype if a.dtype.name == "bfloat16" else b.dtype)


@primitive(name="conv")
def _conv(xp, x, w, strides=(), dilations=(), pads=(), groups=1):
    return _bfloat16_via_float32(xp, _conv_forward, x, w, strides, dilations, pads, groups)


@_conv.vjp
def _(g, y, x, w, strides=(), dilations=(), pads=(), groups=1, *, needs=(True, True)):
    kw = dict(strides=strides, dilations=dilations, pads=pads, groups=groups)
    # the first conv's input is data: its gradient is skipped when nothing wants it
    dx = _conv_input_grad(g, w, x_shape=tuple(x.shape), **kw) if needs[0] else None
    dw = _conv_filter_grad(x, g, w_shape=tuple(w.shape), **kw) if needs[1] else None
    return dx, dw


# -- conv, bias and ReLU in one pass: what the graph makes of a Conv layer's three ops -------
# ``relu(conv(x, w) + b)`` runs three passes over the output (11 MB for the first layer of
# the MNIST convnet at batch 128); the compiled kernels add the bias and clamp each chunk
# of rows right after its product, while it is in cache. The graph optimizer
# (``passes/conv_epilogue``) puts this op in place of the three nodes; its values are
# the three ops' exactly.
def _compiled_conv_bias(xp, x, w, b, strides, dilations, pads, groups, relu, pool=False):
    """``conv_bias`` (with ``pool``, ``conv_bias_pool``) through the compiled kernels, or
    None where they do not apply."""
    if b.shape != (w.shape[-1],):
        return None
    out_sp = _out_spatial(x.shape[1:-1], w.shape[:x.ndim - 2], strides, dilations, pads)
    return conv_compiled.forward(xp, x, w, out_sp, strides, dilations, pads, groups,
                                 bias=b, relu=relu, pool=pool)


@primitive(name="conv_bias")
def _conv_bias(xp, x, w, b, strides=(), dilations=(), pads=(), groups=1, relu=False):
    """``conv(x, w) + b`` for filters ``w`` (..., O) and ``b`` (O,), through ReLU with
    ``relu``."""
    compiled = _compiled_conv_bias(xp, x, w, b, strides, dilations, pads, groups, relu)
    if compiled is not None:
        return compiled
    y = add.primitive.forward(xp, _conv.primitive.forward(
        xp, x, w, strides=strides, dilations=dilations, pads=pads, groups=groups), b)
    return _relu.primitive.forward(xp, y) if relu else y


@_conv_bias.vjp
def _(g, y, x, w, b, strides=(), dilations=(), pads=(), groups=1, relu=False, *,
      needs=(True, True, True)):
    if relu:
        g = _relu_grad(g, y)
    dx, dw = _conv.primitive.vjp_rule(g, None, x, w, strides=strides, dilations=dilations,
                                      pads=pads, groups=groups, needs=needs[:2])
    db = reduce_sum(g, axis=tuple(range(g.ndim - 1))) if needs[2] else None
    return dx, dw, db


#: the max pool that ``conv_bias_pool`` computes: 2x2 tiles, no padding
POOL_2X2 = {"ksize": (2, 2), "strides": (2, 2), "dilations": (1, 1),
            "pads": ((0, 0), (0, 0))}


@primitive(name="conv_bias_pool", multiple_results=True)
def _conv_bias_pool(xp, x, w, b, strides=(), dilations=(), pads=(), groups=1, relu=False):
    """``(z, max_pool(z))`` for ``z = conv_bias(x, w, b)`` (2-D) and a 2x2 max pool
    (``POOL_2X2``): the compiled kernel pools each chunk of ``z`` while it is in cache
    instead of reading all of ``z`` back (``passes/conv_epilogue``)."""
    found = _compiled_conv_bias(xp, x, w, b, strides, dilations, pads, groups, relu,
                                pool=True)
    if found is not None:
        return found
    from .pool import _max_pool  # pool imports this module
    z = _conv_bias.primitive.forward(xp, x, w, b, strides=strides, dilations=dilations,
                                     pads=pads, groups=groups, relu=relu)
    return z, _max_pool.primitive.forward(xp, z, **POOL_2X2)


@_conv_bias_pool.vjp(takes_none=True)
def _(grads, outs, x, w, b, strides=(), dilations=(), pads=(), groups=1, relu=False, *,
      needs=(True, True, True)):
    from .pool import _max_pool  # pool imports this module
    gz, gy = grads
    z, y = outs
    if gy is not None:
        through_pool = _max_pool.primitive.vjp_rule(gy, y, z, **POOL_2X2)
        gz = through_pool if gz is None else gz + through_pool
    if gz is None:
        return None, None, None
    return _conv_bias.primitive.vjp_rule(gz, z, x, w, b, strides=strides,
                                         dilations=dilations, pads=pads, groups=groups,
                                         relu=relu, needs=needs)


@primitive(name="conv_input_grad")
def _conv_input_grad(xp, g, w, x_shape=(), strides=(), dilations=(), pads=(), groups=1):
    return _bfloat16_via_float32(xp, _conv_input_grad_forward, g, w, x_shape, strides,
                                 dilations, pads, groups)


@_conv_input_grad.vjp
def _(gg, dx, g, w, x_shape=(), strides=(), dilations=(), pads=(), groups=1):
    kw = dict(strides=strides, dilations=dilations, pads=pads, groups=groups)
    # <conv_input_grad(g, w), gg> = <g, conv(gg, w)>
    d_g = _conv(gg, w, **kw)
    d_w = _conv_filter_grad(gg, g, w_shape=tuple(w.shape), **kw)
    return d_g, d_w


@primitive(name="conv_filter_grad")
def _conv_filter_grad(xp, x, g, w_shape=(), strides=(), dilations=(), pads=(), groups=1):
    return _bfloat16_via_float32(xp, _conv_filter_grad_forward, x, g, w_shape, strides,
                                 dilations, pads, groups)


@_conv_filter_grad.vjp
def _(gw, dw, x, g, w_shape=(), strides=(), dilations=(), pads=(), groups=1):
    kw = dict(strides=strides, dilations=dilations, pads=pads, groups=groups)
    # <conv_filter_grad(x, g), gw> = <conv(x, gw), g>
    d_x = _conv_input_grad(g, gw, x_shape=tuple(x.shape), **kw)
    d_g = _conv(x, gw, **kw)
    return d_x, d_g


# -- the filter and bias gradients of a conv, ReLU, tiled max pool: one pass ---------------
# A Conv2D(relu) layer before a max pool gets, in the backward pass,
# ``(dz, db) = max_pool_relu_grad_sum(g, z, y)`` then ``conv_filter_grad(x, dz)``: the
# first writes the input-sized ``dz`` (11 MB for the MNIST convnet's first layer), the
# second reads it back. When nothing else reads ``dz`` (the first layer: no input
# gradient) the graph optimizer (``passes/folding``) puts this op in place of the pair;
# the kernel makes ``dz`` a few samples at a time, right before their product.
@primitive(name="conv_filter_grad_pooled", multiple_results=True)
def _conv_filter_grad_pooled(xp, x, g, z, y, ksize=(), w_shape=(), strides=(), dilations=(),
                             pads=(), groups=1):
    """``(conv_filter_grad(x, dz), db)`` for ``(dz, db) = max_pool_relu_grad_sum(g, z,
    y)``."""
    from .pool import _max_pool_relu_grad_sum  # pool imports this module
    kw = {"strides": strides, "dilations": dilations, "pads": pads, "groups": groups}
    if tuple(g.shape) == tuple(y.shape) and _out_spatial(
            x.shape[1:-1], w_shape[:x.ndim - 2], strides, dilations, pads) \
            == tuple(z.shape[1:-1]) and tuple(z.shape[-1:]) == tuple(w_shape[-1:]):
        found = conv_compiled.filter_grad_pooled(xp, x, g, z, y, ksize, w_shape, **kw)
        if found is not None:
            return found
    dz, db = _max_pool_relu_grad_sum.primitive.forward(xp, g, z, y, ksize=ksize)
    return _conv_filter_grad.primitive.forward(xp, x, dz, w_shape=w_shape, **kw), db


@_conv_filter_grad_pooled.vjp(takes_none=True)
def _(grads, outs, x, g, z, y, ksize=(), w_shape=(), strides=(), dilations=(), pads=(),
      groups=1):
    from .pool import _max_pool_relu_grad, _max_pool_relu_grad_sum
    gdw, gdb = grads
    dz = _max_pool_relu_grad(g, z, y, ksize=ksize)
    d_x, d_dz = None, None
    if gdw is not None:
        d_x, d_dz = _conv_filter_grad.primitive.vjp_rule(
            gdw, outs[0], x, dz, w_shape=w_shape, strides=strides, dilations=dilations,
            pads=pads, groups=groups)
    d_g, d_z, d_y = _max_pool_relu_grad_sum.primitive.vjp_rule(
        (d_dz, gdb), (dz, outs[1]), g, z, y, ksize=ksize)
    return d_x, d_g, d_z, d_y


@primitive(name="transpose")
def _permute(xp, x, perm=()):
    return xp.ascontiguousarray(xp.transpose(x, perm))


@_permute.vjp
def _(g, y, x, perm=()):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return _permute(g, perm=tuple(inv))


# =========================================================================================
# Argument normalization (shared with pool.py)
# =========================================================================================
def _shape_of(x: Any) -> tuple:
    v = getattr(x, "_value", None)
    if v is not None and hasattr(v, "shape"):
        return tuple(v.shape)
    if hasattr(x, "shape"):
        try:
            return tuple(int(d) if d is not None else -1 for d in x.shape)
        except TypeError:
            pass
    return tuple(np.shape(x))


def _to_ints(value: Any, what: str, op: str) -> list:
    if hasattr(value, "_value"):
        value = np.asarray(value._value)
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (int, np.integer)):
        return [int(value)]
    try:
        return [int(v) for v in value]
    except (TypeError, ValueError):
        raise TypeError(f"ember.{op}: {what} must be an int or a list of ints; "
                        f"got {value!r}") from None


def _channels_first(data_format: Any, rank: int, op: str) -> bool:
    """Whether ``data_format`` (None: channels-last) puts channels second."""
    if data_format is None:
        return False
    if not isinstance(data_format, str):
        raise TypeError(f"ember.{op}: data_format must be a string; got {data_format!r}")
    fmt = data_format.upper()
    if fmt in ("CHANNELS_LAST",):
        return False
    if fmt in ("CHANNELS_FIRST",):
        return True
    spatial = {1: ("W",), 2: ("HW",), 3: ("DHW",)}.get(rank, ())
    last = {"N" + s + "C" for s in spatial}
    first = {"NC" + s for s in spatial}
    if fmt in last:
        return False
    if fmt in first:
        return True
    want = " or ".join(sorted(last) + sorted(first)) or "a channels-last or channels-first format"
    raise InvalidArgumentError(
        f"ember.{op}: data_format {data_format!r} is not valid for {rank}-D spatial data; "
        f"expected {want}")


def _spatial_param(value: Any, rank: int, channels_first: bool, what: str, op: str,
                   default: int = 1) -> tuple:
    """An int or list of 1, rank or rank+2 ints as one positive int per spatial axis."""
    if value is None:
        return (default,) * rank
    vals = _to_ints(value, what, op)
    if len(vals) == 1:
        vals = vals * rank
    elif len(vals) == rank + 2:
        outer = (vals[0], vals[1]) if channels_first else (vals[0], vals[-1])
        if any(v != 1 for v in outer):
            raise InvalidArgumentError(
                f"ember.{op}: {what} {list(_to_ints(value, what, op))} must be 1 in the batch "
                f"and channel dimensions")
        vals = vals[2:] if channels_first else vals[1:-1]
    elif len(vals) != rank:
        raise InvalidArgumentError(
            f"ember.{op}: {what} must be an int or a list of 1, {rank} or {rank + 2} ints "
            f"for {rank}-D spatial data; got {value!r}")
    if any(v < 1 for v in vals):
        raise InvalidArgumentError(
            f"ember.{op}: {what} must be positive integers; got {value!r}")
    return tuple(vals)


def _resolve_padding(padding: Any, in_sp: Sequence[int], ksize: Sequence[int],
                     strides: Sequence[int], dilations: Sequence[int], channels_first: bool,
                     op: str) -> tuple:
    """((lo, hi), ...) per spatial axis for 'SAME', 'VALID' or an explicit list."""
    rank = len(in_sp)
    if isinstance(padding, bytes):
        padding = padding.decode()
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            return ((0, 0),) * rank
        if mode == "SAME":
            pads = []
            for i, k, s, d in zip(in_sp, ksize, strides, dilations):
                eff = (k - 1) * d + 1
                out = -(-i // s)
                total = max((out - 1) * s + eff - i, 0)
                pads.append((total // 2, total - total // 2))
            return tuple(pads)
        raise InvalidArgumentError(
            f"ember.{op}: padding must be 'SAME', 'VALID' or a list of (before, after) "
            f"pairs; got {padding!r}")
    try:
        pairs = [tuple(int(v) for v in p) for p in
                 (np.asarray(padding._value).tolist() if hasattr(padding, "_value")
                  else padding)]
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            f"ember.{op}: padding must be 'SAME', 'VALID' or a list of (before, after) "
            f"pairs; got {padding!r}") from None
    if any(len(p) != 2 for p in pairs):
        raise InvalidArgumentError(
            f"ember.{op}: explicit padding must be a list of (before, after) pairs; "
            f"got {padding!r}")
    if len(pairs) == rank + 2:
        outer = [pairs[0], pairs[1]] if channels_first else [pairs[0], pairs[-1]]
        if any(p != (0, 0) for p in outer):
            raise InvalidArgumentError(
                f"ember.{op}: explicit padding of the batch and channel dimensions must be "
                f"zero; got {padding!r}")
        pairs = pairs[2:] if channels_first else pairs[1:-1]
    elif len(pairs) != rank:
        raise InvalidArgumentError(
            f"ember.{op}: explicit padding needs {rank + 2} (or {rank}) (before, after) "
            f"pairs for {rank}-D spatial data; got {padding!r}")
    if any(v < 0 for p in pairs for v in p):
        raise InvalidArgumentError(
            f"ember.{op}: explicit padding must be non-negative; got {padding!r}")
    return tuple(pairs)


def _check_fits(op, x_shape, in_sp, ksize, dilations, pads, what="filters"):
    for i, k, d, (lo, hi) in zip(in_sp, ksize, dilations, pads):
        if i + lo + hi < (k - 1) * d + 1:
            raise InvalidArgumentError(
                f"ember.{op}: the window of {what} {tuple(ksize)} (dilations "
                f"{tuple(dilations)}) is larger than the padded input; input shape "
                f"{tuple(x_shape)}, padding {tuple(pads)}")


def _to_channels_last(x, rank):
    return _permute(x, perm=(0,) + tuple(range(2, rank + 2)) + (1,))


def _to_channels_first(y, rank):
    return _permute(y, perm=(0, rank + 1) + tuple(range(1, rank + 1)))


def _flatten_batch(x, x_shape, rank, op, what="input"):
    """Merge extra leading batch dims into one; returns (x, batch_shape or None)."""
    if len(x_shape) < rank + 2:
        raise InvalidArgumentError(
            f"ember.{op}: {what} must have rank {rank + 2} ({rank}-D spatial data with batch "
            f"and channel dimensions); got shape {tuple(x_shape)}")
    if len(x_shape) == rank + 2:
        return x, None
    from .shape import reshape
    batch = tuple(x_shape[:len(x_shape) - rank - 1])
    return reshape(x, (-1,) + tuple(x_shape[-rank - 1:])), batch


def _unflatten_batch(y, batch):
    if batch is None:
        return y
    from .shape import reshape
    return reshape(y, batch + _shape_of(y)[1:])


# =========================================================================================
# Public convolutions
# =========================================================================================
def _conv_nd(op, input, filters, strides, padding, data_format, dilations, rank=None):  # noqa: A002
    w_shape = _shape_of(filters)
    x_shape = _shape_of(input)
    if rank is None:
        rank = len(w_shape) - 2
        if rank not in (1, 2, 3):
            raise InvalidArgumentError(
                f"ember.{op}: filters must have rank 3, 4 or 5 (1-3 spatial dims, in, out); "
                f"got shape {w_shape}")
    if len(w_shape) != rank + 2:
        raise InvalidArgumentError(
            f"ember.{op}: filters must have rank {rank + 2} (spatial dims, in_channels, "
            f"out_channels); got shape {w_shape}")
    cf = _channels_first(data_format, rank, op)
    strides = _spatial_param(strides, rank, cf, "strides", op)
    dilations = _spatial_param(dilations, rank, cf, "dilations", op)
    x, batch = _flatten_batch(input, x_shape, rank, op)
    core_shape = x_shape[-rank - 2:] if batch is None else (-1,) + x_shape[-rank - 1:]
    if cf:
        in_sp, c = tuple(core_shape[2:]), core_shape[1]
    else:
        in_sp, c = tuple(core_shape[1:-1]), core_shape[-1]
    ksize = tuple(w_shape[:rank])
    cg, cout = w_shape[rank], w_shape[rank + 1]
    if cg < 1 or c % cg != 0:
        raise InvalidArgumentError(
            f"ember.{op}: input depth {c} (input shape {x_shape}, data_format "
            f"{data_format!r}) must be a multiple of the filters' in_channels {cg} (filters "
            f"shape {w_shape})")
    groups = c // cg
    if cout % groups != 0:
        raise InvalidArgumentError(
            f"ember.{op}: with {groups} groups (input depth {c} / filter in_channels {cg}) "
            f"out_channels {cout} must be a multiple of {groups}; filters shape {w_shape}")
    pads = _resolve_padding(padding, in_sp, ksize, strides, dilations, cf, op)
    _check_fits(op, x_shape, in_sp, ksize, dilations, pads)
    if cf:
        x = _to_channels_last(x, rank)
    y = _conv(x, filters, strides=strides, dilations=dilations, pads=pads, groups=groups)
    if cf:
        y = _to_channels_first(y, rank)
    return _unflatten_batch(y, batch)


def conv1d(input: Any, filters: Any, stride: Any, padding: Any,  # noqa: A002
           data_format: str = "NWC", dilations: Any = None, name=None):
    """1-D convolution of ``input`` (N, W, C) with ``filters`` (k, C_in, C_out).

    >>> import ember, numpy as np
    >>> x = np.ones((1, 5, 2), np.float32); w = np.ones((3, 2, 4), np.float32)
    >>> ember.nn.conv1d(x, w, stride=1, padding="VALID").shape
    TensorShape([1, 3, 4])
    """
    return _conv_nd("conv1d", input, filters, stride, padding, data_format, dilations, 1)


def conv2d(input: Any, filters: Any, strides: Any, padding: Any,  # noqa: A002
           data_format: str = "NHWC", dilations: Any = None, name=None):
    """2-D convolution of ``input`` (N, H, W, C) with ``filters`` (kh, kw, C_in, C_out).

    ``padding`` is 'SAME', 'VALID' or explicit pairs ``[[0,0],[t,b],[l,r],[0,0]]``. An input
    depth that is a multiple of the filters' in-channels is a grouped convolution.

    >>> import ember, numpy as np
    >>> x = np.ones((2, 28, 28, 1), np.float32); w = np.ones((3, 3, 1, 8), np.float32)
    >>> ember.nn.conv2d(x, w, strides=1, padding="SAME").shape
    TensorShape([2, 28, 28, 8])
    """
    return _conv_nd("conv2d", input, filters, strides, padding, data_format, dilations, 2)


def atrous_conv2d(value: Any, filters: Any, rate: int, padding: str, name=None):
    """2-D convolution with holes: ``conv2d`` with ``dilations=rate`` (stride 1)."""
    rate = int(rate)
    if rate < 1:
        raise InvalidArgumentError(f"ember.nn.atrous_conv2d: rate must be >= 1; got {rate}")
    return conv2d(value, filters, strides=1, padding=padding, dilations=rate)


def conv3d(input: Any, filters: Any, strides: Any, padding: Any,  # noqa: A002
           data_format: str = "NDHWC", dilations: Any = None, name=None):
    """3-D convolution of ``input`` (N, D, H, W, C) with ``filters`` (kd, kh, kw, C_in, C_out).

    >>> import ember, numpy as np
    >>> x = np.ones((1, 4, 4, 4, 1), np.float32); w = np.ones((2, 2, 2, 1, 3), np.float32)
    >>> ember.nn.conv3d(x, w, strides=[1, 1, 1, 1, 1], padding="VALID").shape
    TensorShape([1, 3, 3, 3, 3])
    """
    return _conv_nd("conv3d", input, filters, strides, padding, data_format, dilations, 3)


def convolution(input: Any, filters: Any, strides: Any = None, padding: Any = "VALID",  # noqa: A002
                data_format: str | None = None, dilations: Any = None, name=None):
    """N-d convolution (1-3 spatial dims, taken from the rank of ``filters``).

    >>> import ember, numpy as np
    >>> x = np.ones((1, 5, 5, 1), np.float32); w = np.ones((3, 3, 1, 2), np.float32)
    >>> ember.nn.convolution(x, w).shape
    TensorShape([1, 3, 3, 2])
    """
    return _conv_nd("convolution", input, filters, strides, padding, data_format, dilations)


def depthwise_conv2d(input: Any, filter: Any, strides: Any, padding: Any,  # noqa: A002
                     data_format: str | None = None, dilations: Any = None, name=None):
    """Depthwise 2-D convolution: each input channel convolved with its own ``multiplier``
    filters; ``filter`` is (kh, kw, C_in, multiplier), the output has C_in * multiplier
    channels (channel ``c * multiplier + m``).

    >>> import ember, numpy as np
    >>> x = np.ones((1, 5, 5, 3), np.float32); w = np.ones((3, 3, 3, 2), np.float32)
    >>> ember.nn.depthwise_conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME").shape
    TensorShape([1, 5, 5, 6])
    """
    op = "depthwise_conv2d"
    w_shape = _shape_of(filter)
    if len(w_shape) != 4:
        raise InvalidArgumentError(
            f"ember.{op}: filter must have rank 4 (kh, kw, in_channels, channel_multiplier); "
            f"got shape {w_shape}")
    x_shape = _shape_of(input)
    cf = _channels_first(data_format, 2, op)
    if len(x_shape) >= 4:
        c = x_shape[-3] if cf else x_shape[-1]
        if c != w_shape[2]:
            raise InvalidArgumentError(
                f"ember.{op}: input depth {c} (input shape {x_shape}) must equal the "
                f"filter's in_channels {w_shape[2]} (filter shape {w_shape})")
    from .shape import reshape
    w = reshape(filter, (w_shape[0], w_shape[1], 1, w_shape[2] * w_shape[3]))
    return _conv_nd(op, input, w, strides, padding, data_format, dilations, 2)


def separable_conv2d(input: Any, depthwise_filter: Any, pointwise_filter: Any,  # noqa: A002
                     strides: Any, padding: Any, data_format: str | None = None,
                     dilations: Any = None, name=None):
    """A depthwise convolution followed by a 1x1 ``pointwise_filter``
    (1, 1, C_in * multiplier, C_out) convolution.

    >>> import ember, numpy as np
    >>> x = np.ones((1, 5, 5, 3), np.float32)
    >>> dw = np.ones((3, 3, 3, 2), np.float32); pw = np.ones((1, 1, 6, 4), np.float32)
    >>> ember.nn.separable_conv2d(x, dw, pw, strides=[1, 1, 1, 1], padding="VALID").shape
    TensorShape([1, 3, 3, 4])
    """
    op = "separable_conv2d"
    pw_shape = _shape_of(pointwise_filter)
    dw_shape = _shape_of(depthwise_filter)
    if len(pw_shape) != 4 or pw_shape[:2] != (1, 1):
        raise InvalidArgumentError(
            f"ember.{op}: pointwise_filter must have shape (1, 1, in*multiplier, out); got "
            f"{pw_shape}")
    if len(dw_shape) == 4 and pw_shape[2] != dw_shape[2] * dw_shape[3]:
        raise InvalidArgumentError(
            f"ember.{op}: pointwise_filter in_channels {pw_shape[2]} must equal "
            f"in_channels * channel_multiplier = {dw_shape[2] * dw_shape[3]} of "
            f"depthwise_filter shape {dw_shape}")
    h = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return _conv_nd(op, h, pointwise_filter, 1, "VALID", data_format, None, 2)


# -- transposed convolutions ------------------------------------------------------------
def _conv_transpose_nd(op, input, filters, output_shape, strides,  # noqa: A002
                       padding, data_format, dilations, rank=None):
    w_shape = _shape_of(filters)
    x_shape = _shape_of(input)
    if rank is None:
        rank = len(w_shape) - 2
        if rank not in (1, 2, 3):
            raise InvalidArgumentError(
                f"ember.{op}: filters must have rank 3, 4 or 5; got shape {w_shape}")
    if len(w_shape) != rank + 2:
        raise InvalidArgumentError(
            f"ember.{op}: filters must have rank {rank + 2} (spatial dims, out_channels, "
            f"in_channels); got shape {w_shape}")
    if len(x_shape) != rank + 2:
        raise InvalidArgumentError(
            f"ember.{op}: input must have rank {rank + 2}; got shape {x_shape}")
    cf = _channels_first(data_format, rank, op)
    strides = _spatial_param(strides, rank, cf, "strides", op)
    dilations = _spatial_param(dilations, rank, cf, "dilations", op)
    out = _to_ints(output_shape, "output_shape", op)
    ksize = tuple(w_shape[:rank])
    c_mid, c_in = w_shape[rank], w_shape[rank + 1]
    if len(out) == rank:
        sp_out = tuple(out)
        full = None
    elif len(out) == rank + 2:
        full = tuple(out)
        sp_out = tuple(out[2:]) if cf else tuple(out[1:-1])
    else:
        raise InvalidArgumentError(
            f"ember.{op}: output_shape must have {rank + 2} entries; got {list(out)}")
    xc = x_shape[1] if cf else x_shape[-1]
    x_sp = tuple(x_shape[2:]) if cf else tuple(x_shape[1:-1])
    if xc != c_in:
        raise InvalidArgumentError(
            f"ember.{op}: input depth {xc} (input shape {x_shape}) must equal the filters' "
            f"in_channels (last dimension) {c_in} (filters shape {w_shape})")
    if full is not None:
        oc = full[1] if cf else full[-1]
        if full[0] != x_shape[0]:
            raise InvalidArgumentError(
                f"ember.{op}: output_shape batch {full[0]} differs from the input batch "
                f"{x_shape[0]} (input shape {x_shape})")
    else:
        oc = c_mid
    if c_mid < 1 or oc % c_mid != 0 or c_in % (oc // c_mid) != 0:
        raise InvalidArgumentError(
            f"ember.{op}: output depth {oc} (output_shape {list(out)}) must be a multiple of "
            f"the filters' out_channels {c_mid} (filters shape {w_shape})")
    groups = oc // c_mid
    pads = _resolve_padding(padding, sp_out, ksize, strides, dilations, cf, op)
    _check_fits(op, (x_shape[0],) + sp_out + (oc,), sp_out, ksize, dilations, pads)
    want = _out_spatial(sp_out, ksize, strides, dilations, pads)
    if tuple(want) != x_sp:
        raise InvalidArgumentError(
            f"ember.{op}: input spatial shape {x_sp} (input shape {x_shape}) does not match "
            f"output_shape {list(out)}: a convolution of that shape with filters {w_shape}, "
            f"strides {strides}, padding {padding!r} gives spatial shape {tuple(want)}")
    x = _to_channels_last(input, rank) if cf else input
    y = _conv_input_grad(x, filters, x_shape=(x_shape[0],) + sp_out + (oc,), strides=strides,
                         dilations=dilations, pads=pads, groups=groups)
    return _to_channels_first(y, rank) if cf else y


def conv1d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any,  # noqa: A002
                     padding: Any = "SAME", data_format: str = "NWC", dilations: Any = None,
                     name=None):
    """Transposed 1-D convolution (the gradient of conv1d); ``filters`` is (k, out, in).

    >>> import ember, numpy as np
    >>> x = np.ones((1, 4, 3), np.float32); w = np.ones((3, 2, 3), np.float32)
    >>> ember.nn.conv1d_transpose(x, w, [1, 8, 2], strides=2).shape
    TensorShape([1, 8, 2])
    """
    return _conv_transpose_nd("conv1d_transpose", input, filters, output_shape, strides,
                              padding, data_format, dilations, 1)


def conv2d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any,  # noqa: A002
                     padding: Any = "SAME", data_format: str = "NHWC", dilations: Any = None,
                     name=None):
    """Transposed 2-D convolution (the gradient of conv2d w.r.t. its input);
    ``filters`` is (kh, kw, out_channels, in_channels) and ``output_shape`` the full shape.

    >>> import ember, numpy as np
    >>> x = np.ones((1, 4, 4, 3), np.float32); w = np.ones((3, 3, 2, 3), np.float32)
    >>> ember.nn.conv2d_transpose(x, w, [1, 8, 8, 2], strides=2).shape
    TensorShape([1, 8, 8, 2])
    """
    return _conv_transpose_nd("conv2d_transpose", input, filters, output_shape, strides,
                              padding, data_format, dilations, 2)


def conv3d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any,  # noqa: A002
                     padding: Any = "SAME", data_format: str = "NDHWC", dilations: Any = None,
                     name=None):
    """Transposed 3-D convolution; ``filters`` is (kd, kh, kw, out, in).

    >>> import ember, numpy as np
    >>> x = np.ones((1, 2, 2, 2, 3), np.float32); w = np.ones((2, 2, 2, 1, 3), np.float32)
    >>> ember.nn.conv3d_transpose(x, w, [1, 4, 4, 4, 1], strides=2).shape
    TensorShape([1, 4, 4, 4, 1])
    """
    return _conv_transpose_nd("conv3d_transpose", input, filters, output_shape, strides,
                              padding, data_format, dilations, 3)


def conv_transpose(input: Any, filters: Any, output_shape: Any, strides: Any,  # noqa: A002
                   padding: Any = "SAME", data_format: str | None = None,
                   dilations: Any = None, name=None):
    """N-d transposed convolution (rank from ``filters``).

    >>> import ember, numpy as np
    >>> x = np.ones((1, 3, 3, 1), np.float32); w = np.ones((3, 3, 1, 1), np.float32)
    >>> ember.nn.conv_transpose(x, w, [1, 5, 5, 1], strides=1, padding="VALID").shape
    TensorShape([1, 5, 5, 1])
    """
    return _conv_transpose_nd("conv_transpose", input, filters, output_shape, strides,
                              padding, data_format, dilations)
