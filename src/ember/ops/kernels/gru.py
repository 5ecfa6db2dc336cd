"""The GRU cell step and its gradient as compiled loops (float32).

``ember.ops.rnn_cells`` runs the time loop in Python with the recurrent matmuls in
NumPy (BLAS); per step these kernels do everything elementwise, with the formulas, gate
layout (Keras's ``z, r, h``) and saved ``acts`` of the NumPy path, so either backward
works on either forward's results.

With ``reset_after`` (Keras's default) one kernel per step does the whole cell, and with
no recurrent dropout mask ``forward_rows`` and ``backward_rows`` run the whole time loop,
the recurrent matmuls through ``cblas_sgemm``, for a range of batch rows (so threads can
take disjoint ranges, as in ``lstm.py``). Without it the candidate needs ``(r h) @ R_h`` in the middle of the step, so the step is split
around that matmul: ``gates_step`` before it, ``output_step`` after (and likewise
backward: ``backward_step`` before ``dn @ R_h.T``, ``reset_grad_step`` after).

The gradient carried to the step before is kept in two parts: ``back``, the result of
the recurrent matmul ``din @ R.T`` (written by BLAS), and ``direct``, the part this
kernel computes (``dh z``, and the whole carry for rows a mask skips). The next kernel
call adds them while it reads them, so no separate pass joins them.

As in ``lstm.py``, each loop writes one array: LLVM vectorizes a loop only when a few
run-time checks rule out overlap between what it writes and what it reads. And every
loop runs ``u`` over ``range(U)`` with indices ``k * U + u``: an index LLVM cannot
prove non-negative, such as ``u - U`` in a loop over ``range(3 * U, 4 * U)``, keeps
Numba's negative-index wraparound in the loop and stopped it vectorizing (the forward
step took 52 us instead of 19 at 64 x 128).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .blas import sgemm
from .fast_tanh import FAST, sigmoid32, tanh32


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def forward_step(zt, inner, rb, h, hn, acts, keep, masked, lo, hi):
    """One ``reset_after`` step. ``inner = h @ R`` (B, 3U) as BLAS left it; ``rb`` the
    recurrent bias (3U,). Writes ``acts`` (B, 4U): ``z, r = sigmoid(zt + (inner + rb))``,
    ``n = tanh(zt_h + r ih)``, then ``ih = inner_h + rb_h``; and ``hn = z (h - n) + n``.
    With ``masked``, rows where ``keep`` (B,) is True carry ``h`` over. Only rows
    ``lo:hi`` are computed."""
    U = h.shape[1]
    for b in range(lo, hi):
        z, q, a, hb, hnb = zt[b], inner[b], acts[b], h[b], hn[b]
        for u in range(U):
            a[3 * U + u] = q[2 * U + u] + rb[2 * U + u]
        for j in range(2 * U):
            a[j] = sigmoid32(z[j] + (q[j] + rb[j]))
        for u in range(U):
            a[2 * U + u] = tanh32(a[U + u] * a[3 * U + u] + z[2 * U + u])
        _blend(a, hb, hnb, U)
        if masked and keep[b]:
            hnb[:] = hb


@njit(inline="always", fastmath=FAST, error_model="numpy", cache=True)
def _blend(a, hb, hnb, U):
    """``hn = z (h - n) + n`` for one row."""
    for u in range(U):
        n = a[2 * U + u]
        hnb[u] = a[u] * (hb[u] - n) + n


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def gates_step(zt, inner, h, mh, rh, acts, rec_masked):
    """First half of a step without ``reset_after``: ``z, r = sigmoid(zt + inner)`` into
    ``acts`` (B, 3U), and ``rh = r (h mh)`` (``mh`` only with ``rec_masked``), the
    left operand of the candidate's matmul ``rh @ R_h``."""
    B, U = h.shape
    for b in range(B):
        z, q, a, hb, rhb = zt[b], inner[b], acts[b], h[b], rh[b]
        for j in range(2 * U):
            a[j] = sigmoid32(z[j] + q[j])
        if rec_masked:
            mb = mh[b]
            for u in range(U):
                rhb[u] = a[U + u] * (hb[u] * mb[u])
        else:
            for u in range(U):
                rhb[u] = a[U + u] * hb[u]


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def output_step(zt, nr, h, hn, acts, keep, masked):
    """Second half of a step without ``reset_after``: ``n = tanh(nr + zt_h)`` with
    ``nr = rh @ R_h``, and ``hn = z (h - n) + n`` (kept rows carry ``h`` over)."""
    B, U = h.shape
    for b in range(B):
        z, p, a, hb, hnb = zt[b], nr[b], acts[b], h[b], hn[b]
        for u in range(U):
            a[2 * U + u] = tanh32(p[u] + z[2 * U + u])
        _blend(a, hb, hnb, U)
        if masked and keep[b]:
            hnb[:] = hb


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def backward_step(back, direct, dhs, acts, hprev, dzx, din, keep, masked, reset_after, lo,
                  hi):
    """One step back, up to the recurrent matmuls. ``dh = dhs + back + direct`` is the
    gradient reaching this step's output. Writes ``dzx`` (B, 3U), the gradient of the
    step's inputs ``zt`` (with ``reset_after`` all three blocks; without it ``dz, dn``,
    the ``r`` block being ``reset_grad_step``'s), ``din`` (the gradient of the recurrent
    matmul's output, (B, 3U) or (B, 2U) of which only the ``z`` block is written here
    without ``reset_after``) and ``direct = dh z``. A row a mask skips gets zeros in
    ``dzx, din`` and ``direct = dh``. Only rows ``lo:hi`` are computed."""
    U = hprev.shape[1]
    for b in range(lo, hi):
        bk, dr, gb, a, hp, dx, di = back[b], direct[b], dhs[b], acts[b], hprev[b], dzx[b], din[b]
        if masked and keep[b]:
            for u in range(U):
                dr[u] += bk[u] + gb[u]
            dx[:] = 0
            di[:] = 0
            continue
        for u in range(U):
            dr[u] += bk[u] + gb[u]          # ``direct`` holds dh until the last loop
        for u in range(U):
            z = a[u]
            dx[u] = dr[u] * (hp[u] - a[2 * U + u]) * (z * (1 - z))
        for u in range(U):
            n = a[2 * U + u]
            dx[2 * U + u] = dr[u] * (1 - a[u]) * (1 - n * n)
        for u in range(U):
            di[u] = dx[u]
        if reset_after:
            for u in range(U):
                r = a[U + u]
                dx[U + u] = dx[2 * U + u] * a[3 * U + u] * (r * (1 - r))
            for u in range(U):
                di[U + u] = dx[U + u]
            for u in range(U):
                di[2 * U + u] = dx[2 * U + u] * a[U + u]
        for u in range(U):
            dr[u] *= a[u]


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def reset_grad_step(drh, hprev, mh, acts, dzx, din, direct, rec_masked):
    """The rest of a step back without ``reset_after``, from ``drh = dn @ R_h.T``: the
    reset gate's ``dr = drh (h mh) r (1 - r)`` into ``dzx`` and ``din``, and
    ``direct += drh r mh`` (``mh`` only with ``rec_masked``)."""
    B, U = hprev.shape
    for b in range(B):
        g, hp, a, dx, di, dr = drh[b], hprev[b], acts[b], dzx[b], din[b], direct[b]
        if rec_masked:
            mb = mh[b]
            for u in range(U):
                r = a[U + u]
                dx[U + u] = g[u] * (hp[u] * mb[u]) * (r * (1 - r))
            for u in range(U):
                dr[u] += g[u] * a[U + u] * mb[u]
        else:
            for u in range(U):
                r = a[U + u]
                dx[U + u] = g[u] * hp[u] * (r * (1 - r))
            for u in range(U):
                dr[u] += g[u] * a[U + u]
        for u in range(U):
            di[U + u] = dx[U + u]


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def forward_rows(fn, ilp64, zx, h0, R, rb, hs, acts, keep, masked, inner, lo, hi):
    """The whole ``reset_after`` forward loop for batch rows ``lo:hi``: per step
    ``inner = h @ R`` through ``cblas_sgemm`` at address ``fn``, then ``forward_step``.
    All arrays C-contiguous; ``inner``: (B, 3U) scratch."""
    T, _, U = hs.shape
    G = 3 * U
    for t in range(T):
        h = h0 if t == 0 else hs[t - 1]
        sgemm(fn, ilp64, 0, 0, hi - lo, G, U, h, lo * U, U, R, 0, G, np.float32(0), inner,
              lo * G, G)
        forward_step(zx[t], inner, rb, h, hs[t], acts[t], keep[t], masked, lo, hi)


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def backward_rows(fn, ilp64, RT, h0, hs, acts, dhs, keep, masked, back, direct, dzx, din,
                  lo, hi):
    """The whole ``reset_after`` backward loop for batch rows ``lo:hi``: per step (last
    first) ``backward_step``, then ``back = din @ RT`` through ``cblas_sgemm`` (``RT``:
    ``R.T`` copied C-contiguous, as for the LSTM's).
    ``back, direct``: (B, U), zeros on entry; on exit ``back + direct`` is the gradient
    of ``h0``."""
    T, _, U = hs.shape
    G = 3 * U
    for t in range(T - 1, -1, -1):
        h_prev = h0 if t == 0 else hs[t - 1]
        backward_step(back, direct, dhs[t], acts[t], h_prev, dzx[t], din[t], keep[t],
                      masked, True, lo, hi)
        sgemm(fn, ilp64, 0, 0, hi - lo, U, G, din[t], lo * G, G, RT, 0, U, np.float32(0),
              back, lo * U, U)
