"""The tanh-RNN step and its gradient as compiled loops (float32).

Each replaces the few NumPy passes of a step of ``ember.ops.rnn_cells``'s simple RNN
(add, tanh and the mask's copy forward; add, square, subtract, multiply and the mask's
splits backward) with one pass, using the vectorized ``tanh32`` (NumPy's float32
``tanh`` took 12.7 us for 64 x 128 values here, the whole compiled step 7 us). The
recurrent matmul stays in BLAS.

Backward, the gradient carried to the step before is kept in two parts, as in
``gru.py``: ``back``, BLAS's ``dp @ R.T``, and ``direct``, what rows a mask skips carry
past their step; the next call adds them while reading them.
"""
from __future__ import annotations

from numba import njit

from .fast_tanh import FAST, tanh32


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def forward_step(zt, h, hn, keep, masked):
    """``hn = tanh(hn + zt)`` in place, ``hn`` holding ``h @ R`` on entry; with
    ``masked``, rows where ``keep`` (B,) is True carry ``h`` over instead."""
    B, U = h.shape
    for b in range(B):
        hnb = hn[b]
        if masked and keep[b]:
            hnb[:] = h[b]
            continue
        z = zt[b]
        for u in range(U):
            hnb[u] = tanh32(hnb[u] + z[u])


@njit(fastmath=FAST, error_model="numpy", boundscheck=False, nogil=True, cache=True)
def backward_step(back, direct, dhs, hs, dp, keep, masked):
    """One step back: ``dh = dhs + back (+ direct with a mask)`` reaches the step's
    output ``hs``; writes ``dp = dh (1 - hs^2)``, the gradient of its pre-activation.
    With ``masked``, a row the mask skips gets ``dp = 0`` and keeps ``dh`` in
    ``direct`` (other rows' ``direct`` is zeroed); without, ``direct`` is not read."""
    B, U = hs.shape
    for b in range(B):
        bk, gb, hb, dpb = back[b], dhs[b], hs[b], dp[b]
        if not masked:
            for u in range(U):
                h = hb[u]
                dpb[u] = (gb[u] + bk[u]) * (1 - h * h)
            continue
        dr = direct[b]
        if keep[b]:
            for u in range(U):
                dr[u] += gb[u] + bk[u]
            dpb[:] = 0
            continue
        for u in range(U):
            h = hb[u]
            dpb[u] = (gb[u] + bk[u] + dr[u]) * (1 - h * h)
        dr[:] = 0
