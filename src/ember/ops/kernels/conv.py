"""2-D convolution (channels last, one group) and its two gradients as compiled loops
(float32), for ``ember.ops.conv_compiled``.

Each loop takes a few samples at a time (``chunk``): it copies their windows into a
small matrix (rows are output positions, columns the taps' channels, zeros where a tap
falls in the padding) and multiplies it by the filters with ``cblas_sgemm``
(``ember.ops.kernels.blas``) while it is in cache. The input gradient runs the other
way: one product gives every tap's contribution for the samples' positions, which is
then added into their part of the image. Samples never mix, so threads run disjoint
ranges of them at once (``lo:hi``); the filter gradient sums over samples, so each range
gets its own ``dw``.

Arrays: ``x`` and ``dx`` (N, H, W, C) and ``g`` / ``out`` (N, OH, OW, O), C-contiguous;
the filters ``w`` (KH * KW * C, O), C-contiguous. ``geometry`` is the window's
``(kh, kw, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left)``.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .blas import sgemm
from .max_pool import _forward_2x2, backward_tiles


@njit(inline="always", boundscheck=False)
def _move(image, at, cols, to, count, gather):
    """``count`` values between flat ``image[at:]`` and flat ``cols[to:]``: copied into
    ``cols`` with ``gather``, else added into ``image``. The indices are unsigned: with
    signed ones Numba wraps negative indices around, a check per value that kept LLVM
    from vectorizing the loop (a 13x13x32 layer's windows took 1.05 ms, 0.14 unsigned)."""
    a, t = np.uint64(at), np.uint64(to)
    if gather:
        for q in range(np.uint64(count)):
            cols[t + q] = image[a + q]
    else:
        for q in range(np.uint64(count)):
            image[a + q] += cols[t + q]


@njit(inline="always", boundscheck=False)
def _walk(image, n0, n1, geometry, oh, ow, cols, gather):
    """Rows ``(n, i, j)`` of ``cols`` against the windows of samples ``n0:n1`` of
    ``image`` (N, H, W, C), each row window (i, j)'s taps, each its C channels: with
    ``gather``, copy the windows into the rows (zeros in the padding); else add the rows
    into the windows (the input gradient's col2im). A window row that lies inside the
    image with no dilation across is one run of ``kw * C`` values."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    H, W, C = image.shape[1], image.shape[2], image.shape[3]
    flat, rows = image.reshape(-1), cols.reshape(-1)
    K = cols.shape[1]
    r = 0
    for n in range(n0, n1):
        for i in range(oh):
            for j in range(ow):
                z0 = j * sw - pl
                whole = dw == 1 and z0 >= 0 and z0 + kw <= W
                for a in range(kh):
                    y = i * sh + a * dh - pt
                    col = r * K + a * kw * C
                    if whole and 0 <= y < H:
                        _move(flat, ((n * H + y) * W + z0) * C, rows, col, kw * C, gather)
                        continue
                    for b in range(kw):
                        z = z0 + b * dw
                        if 0 <= y < H and 0 <= z < W:
                            _move(flat, ((n * H + y) * W + z) * C, rows, col + b * C, C,
                                  gather)
                        elif gather:
                            for q in range(np.uint64(C)):
                                rows[np.uint64(col + b * C) + q] = 0
                r += 1


@njit(inline="always", boundscheck=False)
def _windows_by_tap(x, n0, n1, geometry, oh, ow, cols):
    """The transpose of ``_walk``'s gather: row ``(tap, channel)`` of ``cols`` holds that value
    at every output position of samples ``n0:n1``. With few channels the copies then
    run along image rows rather than over a window's few values."""
    kh, kw, sh, sw, dh, dw, pt, pl = geometry
    H, W, C = x.shape[1], x.shape[2], x.shape[3]
    flat, rows = x.reshape(-1), cols.reshape(-1)
    per, width = oh * ow, cols.shape[1]
    step = np.uint64(sw * C)
    for a in range(kh):
        for b in range(kw):
            shift = b * dw - pl          # column j reads image column j * sw + shift
            first = min(ow, max(0, (-shift + sw - 1) // sw))
            last = max(first, min(ow, (W - 1 - shift) // sw + 1)) if W > shift else first
            for c in range(C):
                for n in range(n0, n1):
                    for i in range(oh):
                        dst = np.uint64(((a * kw + b) * C + c) * width + (n - n0) * per +
                                        i * ow)
                        y = i * sh + a * dh - pt
                        if y < 0 or y >= H:
                            for j in range(np.uint64(ow)):
                                rows[dst + j] = 0
                            continue
                        for j in range(np.uint64(first)):
                            rows[dst + j] = 0
                        src = np.uint64(((n * H + y) * W + first * sw + shift) * C + c)
                        at = dst + np.uint64(first)
                        for j in range(np.uint64(last - first)):
                            rows[at + j] = flat[src + j * step]
                        for j in range(np.uint64(last), np.uint64(ow)):
                            rows[dst + j] = 0


@njit(inline="always", boundscheck=False)
def _gather(x, n0, n1, geometry, oh, ow, cols, by_tap):
    """The windows of samples ``n0:n1`` into ``cols``, built ``_windows_by_tap`` when
    ``by_tap`` (``cols`` is then (K, rows), else (rows, K): ``_scratch``)."""
    if by_tap:
        _windows_by_tap(x, n0, n1, geometry, oh, ow, cols)
    else:
        _walk(x, n0, n1, geometry, oh, ow, cols, True)


@njit(inline="always")
def _scratch(k, rows, by_tap):
    return np.empty((k, rows) if by_tap else (rows, k), np.float32)


@njit(inline="always", boundscheck=False)
def _bias_relu(out, at, count, bias, relu):
    """Values ``at:at + count`` of ``out``'s memory (whole rows of its last axis): plus
    ``bias`` when it has values, then ``maximum(v, 0)`` when ``relu``, with the rule of
    ``ember.ops.kernels.relu.bias_relu`` (a NaN stays NaN, -0.0 becomes 0.0)."""
    width = np.uint64(out.shape[-1])
    flat = out.reshape(-1)
    for r in range(np.uint64(at), np.uint64(at + count), width):
        if bias.size:
            for o in range(width):
                flat[r + o] += bias[o]
        if relu:
            for o in range(width):
                v = flat[r + o]
                flat[r + o] = np.float32(0) if v <= 0 else v


@njit(error_model="numpy", boundscheck=False, nogil=True, cache=True)
def forward(fn, ilp64, x, w, out, geometry, by_tap, chunk, lo, hi, bias, relu, pooled):
    """``out[lo:hi]``: the convolution of samples ``lo:hi`` of ``x`` with ``w``, plus
    ``bias`` (O,) unless it is empty, then ReLU with ``relu``, and unless ``pooled`` is
    empty, its 2x2 max pool into ``pooled[lo:hi]``: all on each chunk's rows while they
    are in cache."""
    oh, ow, cout = out.shape[1], out.shape[2], out.shape[3]
    K = w.shape[0]
    per = oh * ow
    cols = _scratch(K, chunk * per, by_tap)
    for n0 in range(lo, hi, chunk):
        n1 = min(n0 + chunk, hi)
        _gather(x, n0, n1, geometry, oh, ow, cols, by_tap)
        sgemm(fn, ilp64, by_tap, 0, (n1 - n0) * per, cout, K, cols, 0, cols.shape[1], w, 0,
              cout, np.float32(0), out, n0 * per * cout, cout)
        if bias.size or relu:
            _bias_relu(out, n0 * per * cout, (n1 - n0) * per * cout, bias, relu)
        if pooled.size:
            _forward_2x2(out[n0:n1], pooled[n0:n1])


@njit(error_model="numpy", boundscheck=False, nogil=True, cache=True)
def input_grad(fn, ilp64, g, wt, dx, geometry, chunk, lo, hi):
    """``dx[lo:hi]``: the gradient of samples ``lo:hi``'s input from ``g``; ``wt`` is the
    filters' matrix transposed, (O, K) C-contiguous (OpenBLAS multiplies by it 5% faster
    than by a transposed view)."""
    oh, ow, cout = g.shape[1], g.shape[2], g.shape[3]
    K = wt.shape[1]
    per = oh * ow
    cols = np.empty((chunk * per, K), np.float32)
    for n0 in range(lo, hi, chunk):
        n1 = min(n0 + chunk, hi)
        sgemm(fn, ilp64, 0, 0, (n1 - n0) * per, K, cout, g, n0 * per * cout, cout, wt, 0,
              K, np.float32(0), cols, 0, K)
        dx[n0:n1] = 0
        _walk(dx, n0, n1, geometry, oh, ow, cols, False)


@njit(error_model="numpy", boundscheck=False, nogil=True, cache=True)
def filter_grad(fn, ilp64, x, g, dw, geometry, by_tap, chunk, lo, hi):
    """``dw`` (K, O): the filters' gradient summed over samples ``lo:hi`` (``lo < hi``)."""
    oh, ow, cout = g.shape[1], g.shape[2], g.shape[3]
    K = dw.shape[0]
    per = oh * ow
    cols = _scratch(K, chunk * per, by_tap)
    beta = np.float32(0)
    for n0 in range(lo, hi, chunk):
        n1 = min(n0 + chunk, hi)
        _gather(x, n0, n1, geometry, oh, ow, cols, by_tap)
        sgemm(fn, ilp64, 1 - by_tap, 0, K, cout, (n1 - n0) * per, cols, 0, cols.shape[1], g,
              n0 * per * cout, cout, beta, dw, 0, cout)
        beta = np.float32(1)


@njit(error_model="numpy", boundscheck=False, nogil=True, cache=True)
def filter_grad_pooled(fn, ilp64, x, gp, z, y, kh, kw, whole, dw, sums, geometry, by_tap,
                       chunk, lo, hi):
    """``filter_grad`` where ``g`` is the gradient through a ReLU then a tiled
    ``kh x kw`` max pool (``z`` the ReLU's output, ``y`` the pool's, ``gp`` the gradient
    of ``y``): each chunk's ``g`` is made by the pool's gradient kernel into a scratch
    array just before its product, never written whole; ``sums`` (O,) float64 gets it
    added up over the samples (the bias gradient). ``whole``: the tiles cover ``z``."""
    oh, ow, cout = z.shape[1], z.shape[2], z.shape[3]
    K = dw.shape[0]
    per = oh * ow
    cols = _scratch(K, chunk * per, by_tap)
    g = np.empty((chunk, oh, ow, cout), np.float32)
    scratch = np.empty(cout, np.float32)
    beta = np.float32(0)
    for n0 in range(lo, hi, chunk):
        n1 = min(n0 + chunk, hi)
        part = g[:n1 - n0]
        if not whole:
            part[...] = 0
        backward_tiles(gp[n0:n1], z[n0:n1], y[n0:n1], kh, kw, True, part, scratch, sums)
        _gather(x, n0, n1, geometry, oh, ow, cols, by_tap)
        sgemm(fn, ilp64, 1 - by_tap, 0, K, cout, (n1 - n0) * per, cols, 0, cols.shape[1], g,
              0, cout, beta, dw, 0, cout)
        beta = np.float32(1)
