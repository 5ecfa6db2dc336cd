"""Scaled dot-product attention and its gradient as compiled loops over (batch, head)
pairs (float32), for ``ember.nn.dot_product_attention_heads``.

Per pair, the scores ``Q K^T`` go through ``cblas_sgemm`` (``ember.ops.kernels.blas``)
straight into the pair's block of the probabilities, the softmax runs over those rows
while they are in cache, and a second product gives the output; the backward pass does
the same for its four products and the softmax gradient. The separate ops write and
read the whole (B, N, T, S) scores several times over and transpose the heads in and
out; here the heads are read in place, through row strides, except that each pair's K
(forward) and V (backward) block is copied transposed (8 KB), so that no product takes a
transposed second operand, which OpenBLAS ran at half speed for these sizes. Pairs
never mix, so threads run disjoint ranges of pairs at once (``lo:hi``).

Arrays are (B, T, N, H) with the last axis contiguous; ``probs`` (B, N, T, S) and the
scratch rows are C-contiguous.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .blas import sgemm
from .fast_exp import exp32
from .fast_tanh import FAST
from .softmax import _max


@njit(inline="always", cache=True)
def _at(x, b, n):
    """Element offset of ``x[b, 0, n, 0]`` and the row stride (elements) of ``x[b, :, n]``."""
    s = x.strides
    return (b * s[0] + n * s[2]) // 4, s[1] // 4


@njit(inline="always", cache=True)
def _transposed(x, b, n, into):
    """``into = x[b, :, n].T``: a head's (S, H) block as (H, S), C-contiguous. A product
    by the transpose of a strided block (``cblas_sgemm`` with ``B^T``) took 4.0-4.5 us for
    64x64x32 here, against 2.4 us plain plus 0.5 us for this copy."""
    block = x[b, :, n]
    for s in range(block.shape[0]):
        for h in range(block.shape[1]):
            into[h, s] = block[s, h]


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def forward(fn, ilp64, q, k, v, scale, mask, masked, fill, out, probs, lo, hi):
    """For pairs ``lo:hi`` of ``B * N``: ``probs[b, n] = softmax(scale q k^T)`` (where
    ``masked``, logits at False entries of ``mask[b, n]`` become ``fill``) and
    ``out[b, :, n] = probs[b, n] @ v[b, :, n]``."""
    N = q.shape[2]
    T, S = probs.shape[2], probs.shape[3]
    H, Hv = q.shape[3], v.shape[3]
    kt = np.empty((H, S), np.float32)
    for p in range(lo, hi):
        b, n = p // N, p % N
        qa, ql = _at(q, b, n)
        va, vl = _at(v, b, n)
        oa, ol = _at(out, b, n)
        pa = p * T * S
        _transposed(k, b, n, kt)
        sgemm(fn, ilp64, 0, 0, T, S, H, q, qa, ql, kt, 0, S, np.float32(0), probs, pa, S)
        rows = probs[b, n]
        if masked:
            for t in range(T):
                r, keep = rows[t], mask[b, n, t]
                for j in range(S):
                    r[j] = r[j] * scale if keep[j] else fill
        else:
            for t in range(T):
                r = rows[t]
                for j in range(S):
                    r[j] *= scale
        for t in range(T):
            r = rows[t]
            m = r[0]
            for j in range(S):
                m = _max(m, r[j])
            total = np.float32(0)
            for j in range(S):
                e = exp32(r[j] - m)
                r[j] = e
                total += e
            inv = 1 / total
            for j in range(S):
                r[j] *= inv
        sgemm(fn, ilp64, 0, 0, T, Hv, S, probs, pa, S, v, va, vl, np.float32(0), out, oa,
              ol)


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def backward(fn, ilp64, q, k, v, probs, dout, dprobs, has_dprobs, scale, mask, masked, dq,
             dk, dv, lo, hi):
    """Gradients for pairs ``lo:hi`` from the output's ``dout`` (and the probabilities'
    ``dprobs`` when ``has_dprobs``): ``dP = dout v^T (+ dprobs)``, ``dv = P^T dout``,
    ``dS = scale P (dP - rowsum(dP P))`` (zero at masked entries), ``dq = dS k``,
    ``dk = dS^T q``."""
    N = q.shape[2]
    T, S = probs.shape[2], probs.shape[3]
    H, Hv = q.shape[3], v.shape[3]
    work = np.empty((T, S), np.float32)
    vt = np.empty((Hv, S), np.float32)
    for p in range(lo, hi):
        b, n = p // N, p % N
        qa, ql = _at(q, b, n)
        ka, kl = _at(k, b, n)
        ga, gl = _at(dout, b, n)
        pa = p * T * S
        _transposed(v, b, n, vt)
        sgemm(fn, ilp64, 0, 0, T, S, Hv, dout, ga, gl, vt, 0, S, np.float32(0), work, 0, S)
        dva, dvl = _at(dv, b, n)
        sgemm(fn, ilp64, 1, 0, S, Hv, T, probs, pa, S, dout, ga, gl, np.float32(0), dv,
              dva, dvl)
        rows = probs[b, n]
        for t in range(T):
            r, w = rows[t], work[t]
            if has_dprobs:
                extra = dprobs[b, n, t]
                for j in range(S):
                    w[j] += extra[j]
            total = np.float32(0)
            for j in range(S):
                total += r[j] * w[j]
            for j in range(S):
                w[j] = scale * r[j] * (w[j] - total)
            if masked:
                keep = mask[b, n, t]
                for j in range(S):
                    if not keep[j]:
                        w[j] = 0
        dqa, dql = _at(dq, b, n)
        sgemm(fn, ilp64, 0, 0, T, H, S, work, 0, S, k, ka, kl, np.float32(0), dq, dqa, dql)
        dka, dkl = _at(dk, b, n)
        sgemm(fn, ilp64, 1, 0, S, H, T, work, 0, S, q, qa, ql, np.float32(0), dk, dka, dkl)
