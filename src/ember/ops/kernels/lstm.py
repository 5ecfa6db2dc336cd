"""The LSTM cell step and its gradient as compiled loops (float32).

``ember.ops.rnn_cells`` runs the time loop in Python: per step one BLAS matmul for the
recurrence, then one of these kernels for everything elementwise (eight NumPy passes
forward, about fifteen backward), with the same formulas, gate layout (Keras's
``i, f, c, o``) and saved arrays as the NumPy path.

LLVM vectorizes a loop only when it can rule out overlap between the arrays it writes and
reads, and gives up when that takes more than a handful of run-time checks (one loop doing
the whole forward cell did not vectorize and ran 4x slower), or when the arrays do
overlap: a kernel that may write a result over its input (``in_place``) has a loop of its
own for that case.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .blas import sgemm
from .fast_tanh import FAST, tanh32


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def forward_step(zt, rz, scale, shift, h, c, hn, cn, tc, acts, keep, masked, in_place, lo,
                 hi):
    """One step: gates ``acts = act(zt + rz)`` (each ``tanh(z * scale) * scale + shift``:
    sigmoid for ``i, f, o``, tanh for ``g``), ``cn = f c + i g``, ``tc = tanh(cn)``,
    ``hn = o tc``; with ``masked``, rows where ``keep`` is True carry ``h, c`` over.
    With ``in_place``, ``acts`` holds ``zt`` on entry (``zt`` is not read): a loop whose
    input and output overlap would not vectorize, so it has a loop of its own.
    ``zt, rz, acts, scale, shift``: (B, 4U) / (4U,); ``h, c, hn, cn, tc``: (B, U);
    ``keep``: (B,) bool. Only rows ``lo:hi`` are computed."""
    U = c.shape[1]
    for b in range(lo, hi):
        r, a = rz[b], acts[b]
        if in_place:
            for j in range(4 * U):
                a[j] = tanh32((a[j] + r[j]) * scale[j]) * scale[j] + shift[j]
        else:
            z = zt[b]
            for j in range(4 * U):
                a[j] = tanh32((z[j] + r[j]) * scale[j]) * scale[j] + shift[j]
        cb, cnb, tcb, hnb = c[b], cn[b], tc[b], hn[b]
        for u in range(U):
            cnb[u] = a[U + u] * cb[u] + a[u] * a[2 * U + u]
        for u in range(U):
            tcb[u] = tanh32(cnb[u])
        for u in range(U):
            hnb[u] = a[3 * U + u] * tcb[u]
        if masked and keep[b]:
            cnb[:] = cb
            hnb[:] = h[b]


@njit(inline="always", fastmath=FAST, error_model="numpy", cache=True)
def _unit_grads(i, f, g, o, t, dh, dc, cprev):
    """One unit's gate pre-activation gradients ``(di, df, dg, do)`` and the carry's
    gradient for the step before, from the gradients ``dh, dc`` reaching its outputs."""
    bc = dc + dh * o * (1 - t * t)
    return (bc * g * i * (1 - i), bc * cprev * f * (1 - f), bc * i * (1 - g * g),
            dh * t * o * (1 - o), bc * f)


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def backward_step(dh, dhs, dc, acts, tc, cprev, dz, keep, masked, in_place, lo, hi):
    """One step back: from ``dh`` (the gradient carried from the step after) plus this
    step's ``dhs``, and ``dc`` (carried, in place), the gradient ``dz`` of the gate
    pre-activations and ``dc`` for the step before. With ``in_place`` the gradients
    overwrite ``acts`` (``dz`` is not written). With ``masked``, a row whose step was
    skipped (``keep`` True) gets ``dz = 0``, keeps ``dc`` and passes ``dh + dhs`` on in
    ``dh`` (in place); other rows' ``dh`` is left for the caller, who overwrites it with
    ``dz @ R.T`` and, when masked, adds the skipped rows' carry kept in ``dh`` (so kept
    rows' ``dh`` is zeroed here). Only rows ``lo:hi`` are computed.

    One loop per row writes the four gate gradients and ``dc`` (each unit's gates are
    read before they are overwritten): on an AMD EPYC (Zen 4) it ran a 64-row step in
    22-30 us against 34-41 us for one loop per array."""
    U = dc.shape[1]
    for b in range(lo, hi):
        dhb, dhsb, dcb, a, tcb, cpb = dh[b], dhs[b], dc[b], acts[b], tc[b], cprev[b]
        dzb = a if in_place else dz[b]
        if masked and keep[b]:
            for u in range(U):
                dhb[u] += dhsb[u]
            dzb[:] = 0
            continue
        if in_place:        # its own loop: one whose output may overlap an input would
            for u in range(U):      # not vectorize
                a[u], a[U + u], a[2 * U + u], a[3 * U + u], dcb[u] = _unit_grads(
                    a[u], a[U + u], a[2 * U + u], a[3 * U + u], tcb[u], dhb[u] + dhsb[u],
                    dcb[u], cpb[u])
        else:
            for u in range(U):
                dzb[u], dzb[U + u], dzb[2 * U + u], dzb[3 * U + u], dcb[u] = _unit_grads(
                    a[u], a[U + u], a[2 * U + u], a[3 * U + u], tcb[u], dhb[u] + dhsb[u],
                    dcb[u], cpb[u])
        if masked:
            dhb[:] = 0


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def forward_rows(fn, ilp64, zx, h0, c0, R, hs, cs, tcs, acts, scale, shift, keep, masked,
                 in_place, rz, lo, hi):
    """The whole forward time loop for batch rows ``lo:hi``: per step ``rz = h @ R``
    through ``cblas_sgemm`` at address ``fn`` (see ``ember.ops.kernels.blas``), then
    ``forward_step``. Rows never mix, so threads can run disjoint row ranges at once.
    All arrays C-contiguous; ``rz``: (B, 4U) scratch; ``in_place``: ``acts`` is ``zx``."""
    T, _, G = acts.shape
    U = G // 4
    for t in range(T):
        h, c = (h0, c0) if t == 0 else (hs[t - 1], cs[t - 1])
        sgemm(fn, ilp64, 0, 0, hi - lo, G, U, h.ravel(), lo * U, U, R.ravel(), 0, G,
              np.float32(0), rz.ravel(), lo * G, G)
        forward_step(zx[t], rz, scale, shift, h, c, hs[t], cs[t], tcs[t], acts[t], keep[t],
                     masked, in_place, lo, hi)


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def backward_rows(fn, ilp64, RT, c0, cs, acts, tcs, dhs, dcs, has_dcs, dh, dc, dZ, keep,
                  masked, in_place, lo, hi):
    """The whole backward time loop for batch rows ``lo:hi``: per step (last first)
    ``backward_step``, then ``dh = dz @ RT`` (added to ``dh`` when masked, which then
    holds the skipped rows' carry) through ``cblas_sgemm``; ``RT`` is ``R.T`` copied
    C-contiguous (OpenBLAS multiplies 32 rows by a transposed 128x512 at 58 GFLOP/s, by
    a copy at 90). ``dhs``: every step's
    gradient of ``h`` (zeros where none reaches it); ``dcs`` is read only with
    ``has_dcs``; ``dh, dc``: (B, U), zeros on entry, the gradients of ``h0, c0`` on exit;
    ``in_place``: ``dZ`` is ``acts``, overwritten step by step."""
    T, _, G = acts.shape
    U = G // 4
    for t in range(T - 1, -1, -1):
        if has_dcs:
            for b in range(lo, hi):
                dc[b] += dcs[t, b]
        cprev = c0 if t == 0 else cs[t - 1]
        backward_step(dh, dhs[t], dc, acts[t], tcs[t], cprev, dZ[t], keep[t], masked,
                      in_place, lo, hi)
        sgemm(fn, ilp64, 0, 0, hi - lo, U, G, dZ[t].ravel(), lo * G, G, RT.ravel(), 0, U,
              np.float32(1) if masked else np.float32(0), dh.ravel(), lo * U, U)
