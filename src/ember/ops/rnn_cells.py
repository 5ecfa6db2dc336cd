"""Fused recurrences: a whole LSTM, GRU or tanh-RNN loop over time as one primitive.

Each op takes the input projections of every timestep at once (``zx``, time-major
``(time, batch, gates * units)``, computed by one matmul before the loop), the initial
state and the recurrent kernel, and runs the time loop on arrays (NumPy or CuPy), so an
eager train step records one op for the whole sequence instead of a dozen per timestep.
Gate layout and formulas are Keras's (LSTM gates ``i, f, c, o``; GRU gates ``z, r, h``).

Optional inputs shared by the three ops:

- ``mask``: boolean ``(time, batch, 1)``; where False the step is skipped and the state
  carried over unchanged (Keras's masking).
- ``recurrent_mask``: ``(gates, batch, units)`` multipliers applied to the state before
  the recurrent matmul of each gate (Keras's recurrent dropout, one mask per gate).

Gradients: each forward also returns the gate activations it computed, so the backward
pass needs no recomputation. When no tape is recording the backward pass (the common
case) the whole backpropagation through time runs as one fused array kernel; under an
outer tape (gradients of gradients) the same rule is evaluated with Ember ops, so it is
differentiable again.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core import cpu_threads
from ..core.convert import to_array
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from ..core.variable import Variable
from . import gemm
from .elementwise import cast
from .kernels import kernels_for
from .linalg import matmul
from .long_rows import long_rows
from .primitive import STATE, primitive
from .reduction import reduce_sum
from .shape import concat, reshape, stack, transpose, unstack

__all__ = ["gru_sequence", "lstm_sequence", "simple_rnn_sequence"]


# -- array helpers ----------------------------------------------------------------------------
def _work(xp, *arrays):
    """Half-precision arrays are computed in float32 (NumPy has no fast half matmul)."""
    dt = arrays[0].dtype
    if dt.itemsize < 4 or dt.name == "bfloat16":
        return [None if a is None else a.astype(xp.float32) for a in arrays], dt
    return list(arrays), None


def _back(xp, arrays, dt):
    return tuple(a if dt is None else a.astype(dt) for a in arrays)


def _sigmoid_(xp, a):
    """In-place logistic sigmoid as ``0.5 * tanh(0.5 a) + 0.5`` (one transcendental)."""
    a *= 0.5
    xp.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


class _Recurrence:
    """``h @ R`` for ``G`` gate blocks, optionally with a per-gate mask on ``h``."""

    def __init__(self, xp, R, M, gates: int):
        self.xp, self.R, self.M, self.G = xp, R, M, gates
        self.U = R.shape[0]
        self.Uo = R.shape[1] // gates
        if M is not None:
            self.R4 = xp.ascontiguousarray(R.reshape(self.U, gates, self.Uo).transpose(1, 0, 2))

    def forward(self, h, out):
        xp = self.xp
        if self.M is None:
            xp.matmul(h, self.R, out=out)
            return out
        p = xp.matmul(h[None] * self.M, self.R4)               # (G, B, Uo)
        out[...] = p.transpose(1, 0, 2).reshape(out.shape)
        return out

    def backward(self, dz, out=None):
        """Gradient reaching ``h`` from the gradient of ``h @ R`` (into ``out`` if given)."""
        xp = self.xp
        if self.M is None:
            return xp.matmul(dz, self.R.T, out=out)
        B = dz.shape[0]
        dz4 = dz.reshape(B, self.G, self.Uo).transpose(1, 0, 2)
        dhm = xp.matmul(dz4, self.R4.transpose(0, 2, 1))      # (G, B, U)
        dhm *= self.M
        return dhm.sum(axis=0)

    def weight_grad(self, H, dZ):
        """Gradient of ``R`` from every step's input ``H`` (T, B, U) and ``dZ``."""
        xp = self.xp
        T, B, _ = H.shape
        if self.M is None:
            return gemm.matmul_xp(xp, H.reshape(T * B, self.U).T, dZ.reshape(T * B, -1))
        Hm = (H[None] * self.M[:, None]).reshape(self.G, T * B, self.U)
        dZ4 = dZ.reshape(T * B, self.G, self.Uo).transpose(1, 0, 2)
        dR4 = xp.matmul(Hm.transpose(0, 2, 1), dZ4)            # (G, U, Uo)
        return dR4.transpose(1, 0, 2).reshape(self.U, self.G * self.Uo)

    def weight_grad_after(self, first, seq, dZ):
        """``weight_grad`` when each step's input is the state before it: ``first``,
        then ``seq[0], ..., seq[T-2]``. Without a mask, two products (the steps after
        the first over the contiguous ``seq[:-1]``, plus the first's) rather than one
        over a shifted copy of ``seq``: 3.07 against 3.25 ms for an LSTM(128) of 50
        steps, batch 64, with cold caches."""
        xp = self.xp
        T, B, U = seq.shape
        if self.M is not None or T < 2:
            return self.weight_grad(_previous(xp, seq, first), dZ)
        dR = gemm.matmul_xp(xp, seq[:-1].reshape((T - 1) * B, U).T,
                            dZ[1:].reshape((T - 1) * B, -1))
        dR += gemm.matmul_xp(xp, first.T, dZ[0])
        return dR


def _previous(xp, seq, first):
    """``[first, seq[0], ..., seq[T-2]]``: each step's incoming state."""
    return xp.concatenate([first[None], seq[:-1]], axis=0)


def _split_masked(xp, m, d):
    """(the part of gradient ``d`` through the new step, the part carried past it)."""
    if m is None:
        return d, None
    return xp.where(m, d, 0), xp.where(m, 0, d)


# -- LSTM -------------------------------------------------------------------------------------
def _gate_affine(xp, U: int, dtype):
    """``(pre, mul, add)`` with ``act(z) = tanh(z * pre) * mul + add`` for the gates
    ``i, f, c, o``: sigmoid(z) = 0.5 tanh(z / 2) + 0.5, so one tanh covers all four."""
    half = xp.full((4 * U,), 0.5, dtype)
    pre = half.copy()
    pre[2 * U:3 * U] = 1
    add = half.copy()
    add[2 * U:3 * U] = 0
    return pre, pre, add


@primitive(name="lstm_sequence", multiple_results=True, donates=(0, 2), fresh_results=True)
def _lstm(xp, zx, h0, c0, R, *extras, masked=False, rec_masked=False, donate=False):
    """``donate``: ``zx`` is the caller's to overwrite (a graph's memory plan sets it when
    nothing else reads it); the compiled kernels then write the gate activations over it."""
    mask, M = _extras(extras, masked, rec_masked)
    (zx, h0, c0, R, M), dt = _work(xp, zx, h0, c0, R, M)
    T, B, G = zx.shape
    U = G // 4
    hs = xp.empty((T, B, U), zx.dtype)
    cs = xp.empty((T, B, U), zx.dtype)
    tcs = xp.empty((T, B, U), zx.dtype)         # tanh of each step's new carry
    kernels = kernels_for("lstm", zx, h0, c0, R)
    if kernels is not None:
        acts = _lstm_compiled(kernels, zx, h0, c0, R, M, mask, hs, cs, tcs, donate)
        return _back(xp, (hs, cs, acts, tcs), dt)
    acts = xp.empty((T, B, G), zx.dtype)
    pre, mul, add = _gate_affine(xp, U, zx.dtype)
    # the pre-tanh scaling (powers of two: exact) applied to the kernel and, written
    # straight into ``acts``, to the inputs once: no scaled copy of ``zx``
    long_rows(xp.multiply, zx, pre, out=acts)
    rec = _Recurrence(xp, R * pre, M, 4)
    rz = xp.empty((B, G), acts.dtype)           # each step's h @ R
    keep = None if mask is None else ~mask
    h, c = h0, c0
    for t in range(T):
        a = acts[t]
        a += rec.forward(h, rz)
        xp.tanh(a, out=a)
        a *= mul
        a += add
        cn, hn, tc = cs[t], hs[t], tcs[t]
        xp.multiply(a[:, U:2 * U], c, out=cn)
        cn += a[:, :U] * a[:, 2 * U:3 * U]
        xp.tanh(cn, out=tc)
        xp.multiply(tc, a[:, 3 * U:], out=hn)
        if keep is not None:
            xp.copyto(cn, c, where=keep[t])
            xp.copyto(hn, h, where=keep[t])
        h, c = hn, cn
    return _back(xp, (hs, cs, acts, tcs), dt)


def _lstm_compiled(kernels, zx, h0, c0, R, M, mask, hs, cs, tcs, donate):
    """The forward loop with the compiled cell step (``ember.ops.kernels.lstm``): the
    whole loop compiled, split by batch rows over Ember's CPU threads, when NumPy's BLAS
    can be called from it and there is no recurrent dropout; else a Python loop. Returns
    the gate activations: written over ``zx`` when it is ``donate``d and writable."""
    T, B, G = zx.shape
    in_place = donate and _overwritable(zx)
    zx = np.ascontiguousarray(zx)               # a strided view would not vectorize
    acts = zx if in_place else np.empty((T, B, G), np.float32)
    scale, _, shift = _gate_affine(np, G // 4, acts.dtype)
    keep, masked = _keep_rows(mask, T, B)
    fn, ilp64 = _blas_address(M)
    if fn:
        h0, c0, R = (np.ascontiguousarray(a) for a in (h0, c0, R))
        _by_rows(B, lambda lo, hi: kernels.forward_rows(
            fn, ilp64, zx, h0, c0, R, hs, cs, tcs, acts, scale, shift, keep, masked,
            in_place, _scratch((B, G)), lo, hi))
        return acts
    rz = np.empty((B, G), np.float32)           # each step's h @ R
    rec = _Recurrence(np, R, M, 4)
    h, c = h0, c0
    for t in range(T):
        kernels.forward_step(zx[t], rec.forward(h, rz), scale, shift, h, c, hs[t], cs[t],
                             tcs[t], acts[t], keep[t], masked, in_place, 0, B)
        h, c = hs[t], cs[t]
    return acts


def _overwritable(a) -> bool:
    """Whether a donated array can take a kernel's result in place: a C-contiguous,
    writable float32 NumPy array."""
    return type(a) is np.ndarray and a.dtype == np.float32 and a.flags.c_contiguous \
        and a.flags.writeable


def _scratch(shape: tuple, zeros: bool = False):
    """A new float32 array of ``shape`` for one part of a loop split by rows, which uses
    only its own rows of it. Parts that wrote neighbouring rows of one scratch array
    (each step's ``h @ R``) ran 3-10% slower than with an array each: on the AMD EPYC
    measured, one thread's per-step product took 145-155 kcycles against 135 (likely
    the other core's prefetcher running past the end of its own rows and pulling the
    next ones away from the thread that writes them)."""
    return (np.zeros if zeros else np.empty)(shape, np.float32)


def _blas_address(M) -> tuple:
    """``(address of cblas_sgemm, ilp64)`` for the whole-loop kernels; address 0 (the
    Python loop) with a recurrent mask ``M`` or without a callable BLAS."""
    if M is not None:
        return 0, False
    from .kernels import blas
    return blas.address()


def _by_rows(batch: int, run) -> None:
    """``run(lo, hi)`` on row ranges covering ``range(batch)``, one per CPU thread
    (``ember.core.cpu_threads``), rows of 8 at least."""
    cpu_threads.parallel_ranges(batch, run, batch // 8)


def _by_rows_carrying(batch: int, run, *carries) -> None:
    """``_by_rows`` for loops that carry gradients in ``carries`` (zeros on entry): each
    part runs ``run(lo, hi, *own)`` on zeroed arrays of its own (see ``_scratch``), and
    its rows are copied into ``carries`` afterwards."""
    def part(lo, hi):
        own = [_scratch(c.shape, zeros=True) for c in carries]
        run(lo, hi, *own)
        for c, o in zip(carries, own):
            c[lo:hi] = o[lo:hi]
    _by_rows(batch, part)


def _keep_rows(mask, steps: int, batch: int):
    """(per step, the rows a mask skips as (B,) bools (all False without a mask);
    whether there is a mask)."""
    if mask is None:
        return np.zeros((steps, batch), np.bool_), False
    return ~mask[:, :, 0], True


@primitive(name="lstm_sequence_grad", multiple_results=True, donates=(5, 0))
def _lstm_grad(xp, h0, c0, R, hs, cs, acts, tcs, *rest, given=(True,) * 4, masked=False,
               rec_masked=False, donate=False):
    """``rest``: the gradients of ``hs, cs, acts, tcs`` that ``given`` marks as reached
    (the others are zeros, never made), then the extras. ``donate``: ``acts`` is the
    caller's to overwrite; the compiled kernels then write ``dZ`` over it."""
    it = iter(rest)
    dhs, dcs, dacts, dtcs = (next(it) if has else None for has in given)
    mask, M = _extras(tuple(it), masked, rec_masked)
    (h0, c0, R, hs, cs, acts, tcs, dhs, dcs, dacts, dtcs, M), dt = _work(
        xp, h0, c0, R, hs, cs, acts, tcs, dhs, dcs, dacts, dtcs, M)
    T, B, G = acts.shape
    U = G // 4
    kernels = kernels_for("lstm", h0, c0, R, hs, acts)
    if kernels is not None and dacts is None and dtcs is None:
        dZ, dh, dc, dR = _lstm_grad_compiled(kernels, h0, c0, R, hs, cs, acts, tcs, dhs,
                                             dcs, mask, M, donate)
        return _back(xp, (dZ, dh, dc, dR), dt)
    rec = _Recurrence(xp, R, M, 4)
    dh = xp.zeros((B, U), acts.dtype)
    dc = xp.zeros((B, U), acts.dtype)
    bh, bc, tmp = (xp.empty((B, U), acts.dtype) for _ in range(3))
    da = xp.empty((B, G), acts.dtype)           # each step's gradient of the activations
    # every step's activation derivatives at once (few large ops beat many small ones),
    # in the array that then becomes dZ (each step multiplies its row by ``da``):
    # sigmoid' = s (1 - s) for i, f, o; tanh' = 1 - g^2 for g; and tanh'(c) = 1 - tc^2
    dZ = xp.subtract(1, acts)
    dZ *= acts
    gsl = acts[:, :, 2 * U:3 * U]
    xp.multiply(gsl, gsl, out=dZ[:, :, 2 * U:3 * U])
    xp.subtract(1, dZ[:, :, 2 * U:3 * U], out=dZ[:, :, 2 * U:3 * U])
    dtanh_c = xp.multiply(tcs, tcs)
    xp.subtract(1, dtanh_c, out=dtanh_c)
    dacts_zero = dacts is None        # the usual case: nothing reads the gate activations
    dtcs_zero = dtcs is None
    for t in range(T - 1, -1, -1):
        a = acts[t]
        i, f, g, o = a[:, :U], a[:, U:2 * U], a[:, 2 * U:3 * U], a[:, 3 * U:]
        tc = tcs[t]
        bh, dh = _add_or_swap(xp, dhs, t, dh, bh)
        bc, dc = _add_or_swap(xp, dcs, t, dc, bc)
        if mask is not None:                    # split off what skips a masked step
            keep_h, keep_c = xp.where(mask[t], 0, bh), xp.where(mask[t], 0, bc)
            xp.copyto(bh, 0, where=~mask[t])
            xp.copyto(bc, 0, where=~mask[t])
        xp.multiply(bh, tc, out=da[:, 3 * U:])                 # d o
        xp.multiply(bh, o, out=tmp)
        if not dtcs_zero:
            tmp += dtcs[t]                                      # d tanh(c)
        tmp *= dtanh_c[t]
        bc += tmp                                               # d c
        xp.multiply(bc, g, out=da[:, :U])                       # d i
        xp.multiply(bc, cs[t - 1] if t else c0, out=da[:, U:2 * U])  # d f
        xp.multiply(bc, i, out=da[:, 2 * U:3 * U])              # d g
        if not dacts_zero:
            da += dacts[t]
        dz = dZ[t]
        dz *= da                                                # derivative x gradient
        dh = rec.backward(dz, dh)
        dc = xp.multiply(bc, f, out=dc)
        if mask is not None:
            dh += keep_h
            dc += keep_c
    dR = rec.weight_grad_after(h0, hs, dZ)
    return _back(xp, (dZ, dh, dc, dR), dt)


def _lstm_grad_compiled(kernels, h0, c0, R, hs, cs, acts, tcs, dhs, dcs, mask, M,
                        donate):
    """The backward loop with the compiled cell step: per step the kernel, then the
    recurrent matmul ``dz @ R.T`` (gradients reaching ``acts`` or ``tcs``, which only
    second-order rules send, take the NumPy loop); the whole loop compiled and split by
    rows as in ``_lstm_compiled`` when it can be. ``dZ`` is written over ``acts`` when
    it is ``donate``d and writable."""
    T, B, G = acts.shape
    U = G // 4
    # the gradient of a batch-major output arrives as a strided time-major view: one copy
    # costs less than the kernels' strided (not vectorized) loops
    dhs = None if dhs is None else np.ascontiguousarray(dhs)
    dh = np.zeros((B, U), np.float32)
    dc = np.zeros((B, U), np.float32)
    in_place = donate and _overwritable(acts)
    dZ = acts if in_place else np.empty((T, B, G), np.float32)
    keep, masked = _keep_rows(mask, T, B)
    rec = _Recurrence(np, R, M, 4)
    fn, ilp64 = _blas_address(M)
    if fn:
        c0, RT = np.ascontiguousarray(c0), np.ascontiguousarray(R.T)
        if dhs is None:
            dhs = np.zeros((T, B, U), np.float32)
        seq_dc = dh[None] if dcs is None else dcs
        _by_rows_carrying(B, lambda lo, hi, dh_part, dc_part: kernels.backward_rows(
            fn, ilp64, RT, c0, cs, acts, tcs, dhs, seq_dc, dcs is not None, dh_part,
            dc_part, dZ, keep, masked, in_place, lo, hi), dh, dc)
    else:
        zeros = np.zeros((B, U), np.float32)
        for t in range(T - 1, -1, -1):
            if dcs is not None:
                dc += dcs[t]
            kernels.backward_step(dh, zeros if dhs is None else dhs[t], dc, acts[t],
                                  tcs[t], cs[t - 1] if t else c0, dZ[t], keep[t], masked,
                                  in_place, 0, B)
            if masked:
                dh += rec.backward(dZ[t])
            else:
                dh = rec.backward(dZ[t], dh)
    dR = rec.weight_grad_after(h0, hs, dZ)
    return dZ, dh, dc, dR


def _add_or_swap(xp, seq, t, carried, spare):
    """``(seq[t] + carried, a free buffer)``: the sum goes into ``spare``; a missing
    ``seq`` (None) holds zeros, so ``carried`` itself is the sum and ``spare`` stays free."""
    if seq is None:
        return carried, spare
    xp.add(seq[t], carried, out=spare)
    return spare, carried


def _zeros_for_missing(grads: tuple, outs: tuple) -> tuple:
    from .creation import zeros_like
    return tuple(zeros_like(o) if g is None else g for g, o in zip(grads, outs))


@_lstm.vjp(takes_none=True)
def _(g, outs, zx, h0, c0, R, *extras, masked=False, rec_masked=False):
    hs, cs, acts, tcs = outs
    none = (None,) * len(extras)
    if not STATE.tapes:
        given = tuple(d is not None for d in g)
        return tuple(_lstm_grad(h0, c0, R, hs, cs, acts, tcs,
                                *[d for d in g if d is not None], *extras, given=given,
                                masked=masked, rec_masked=rec_masked)) + none
    dhs, dcs, dacts, dtcs = _zeros_for_missing(g, outs)
    return _lstm_grad_ops(dhs, dcs, dacts, dtcs, h0, c0, R, hs, cs, acts, tcs, extras,
                          masked, rec_masked) + none


def _lstm_grad_ops(dhs, dcs, dacts, dtcs, h0, c0, R, hs, cs, acts, tcs, extras, masked,
                   rec_masked):
    """The fused rule above, in Ember ops (differentiable again)."""
    mask, M = _extras(extras, masked, rec_masked)
    T = acts.shape[0]
    U = acts.shape[2] // 4
    rec = _RecurrenceOps(R, M, 4)
    masks = _float_masks(mask, acts.dtype)
    A, C, TC = unstack(acts), unstack(cs), unstack(tcs)
    DH, DC, DA, DT = unstack(dhs), unstack(dcs), unstack(dacts), unstack(dtcs)
    dh = dc = None
    dZ = [None] * T
    for t in range(T - 1, -1, -1):
        i, f, gg, o = A[t][:, :U], A[t][:, U:2 * U], A[t][:, 2 * U:3 * U], A[t][:, 3 * U:]
        tc = TC[t]
        dh_t = DH[t] if dh is None else DH[t] + dh
        dc_t = DC[t] if dc is None else DC[t] + dc
        m = None if masks is None else masks[t]
        if m is not None:
            keep_h, keep_c = dh_t * (1 - m), dc_t * (1 - m)
            dh_t, dc_t = dh_t * m, dc_t * m
        dc_t = dc_t + (dh_t * o + DT[t]) * (1 - tc * tc)
        c_prev = C[t - 1] if t else c0
        da = concat([dc_t * gg, dc_t * c_prev, dc_t * i, dh_t * tc], axis=1) + DA[t]
        deriv = concat([i * (1 - i), f * (1 - f), 1 - gg * gg, o * (1 - o)], axis=1)
        dz = da * deriv
        dZ[t] = dz
        dh = rec.backward(dz)
        dc = dc_t * f
        if m is not None:
            dh, dc = dh + keep_h, dc + keep_c
    dZs = stack(dZ)
    dR = rec.weight_grad(_previous_ops(hs, h0), dZs)
    return dZs, dh, dc, dR


# -- GRU --------------------------------------------------------------------------------------
@primitive(name="gru_sequence", multiple_results=True)
def _gru(xp, zx, h0, R, rb, *extras, masked=False, rec_masked=False, reset_after=True):
    mask, M = _extras(extras, masked, rec_masked)
    (zx, h0, R, rb, M), dt = _work(xp, zx, h0, R, rb, M)
    T, B, G = zx.shape
    U = G // 3
    hs = xp.empty((T, B, U), zx.dtype)
    acts = xp.empty((T, B, 4 * U if reset_after else G), zx.dtype)
    rec, R_h, _ = _gru_recurrence(xp, R, M, U, reset_after)
    kernels = kernels_for("gru", zx, h0, R, rb)
    if kernels is not None:
        _gru_compiled(kernels, zx, h0, rb, M, mask, rec, R_h, hs, acts)
        return _back(xp, (hs, acts), dt)
    keep = None if mask is None else ~mask
    inner = xp.empty((B, G if reset_after else 2 * U), zx.dtype)
    h = h0
    for t in range(T):
        a = acts[t]
        z, r, n = a[:, :U], a[:, U:2 * U], a[:, 2 * U:3 * U]
        rec.forward(h, inner)
        if reset_after:
            inner += rb
            a[:, 3 * U:] = inner[:, 2 * U:]                     # h @ R_h + b_h, kept
        xp.add(zx[t, :, :2 * U], inner[:, :2 * U], out=a[:, :2 * U])
        _sigmoid_(xp, a[:, :2 * U])
        if reset_after:
            xp.multiply(r, a[:, 3 * U:], out=n)
        else:
            h_h = h if M is None else h * M[2]
            n[...] = xp.matmul(r * h_h, R_h)
        n += zx[t, :, 2 * U:]
        xp.tanh(n, out=n)
        hn = hs[t]
        xp.subtract(h, n, out=hn)
        hn *= z
        hn += n                                                 # z h + (1 - z) n
        if keep is not None:
            xp.copyto(hn, h, where=keep[t])
        h = hn
    return _back(xp, (hs, acts), dt)


def _gru_recurrence(xp, R, M, U: int, reset_after: bool):
    """``(rec, R_h, M_h)``: the recurrent matmul run at the start of each step (all three
    gates with ``reset_after``; else ``z, r`` only, the candidate's ``R_h`` and its
    recurrent mask ``M_h`` (or None) being applied to ``r h`` later in the step)."""
    if reset_after:
        return _Recurrence(xp, R, M, 3), None, None
    rec = _Recurrence(xp, xp.ascontiguousarray(R[:, :2 * U]), None if M is None else M[:2], 2)
    return rec, xp.ascontiguousarray(R[:, 2 * U:]), None if M is None else M[2]


def _gru_compiled(kernels, zx, h0, rb, M, mask, rec, R_h, hs, acts):
    """The forward loop with the compiled cell step (``ember.ops.kernels.gru``): per step
    the recurrent matmul, then one kernel (with ``reset_after``, ``R_h`` None), or a
    kernel, the candidate's matmul ``(r h) @ R_h`` and a second kernel."""
    T, B, U = hs.shape
    zx = np.ascontiguousarray(zx)               # a strided view would not vectorize
    keep, masked = _keep_rows(mask, T, B)
    fn, ilp64 = _blas_address(M) if R_h is None else (0, False)
    if fn:                  # the whole loop compiled, split by rows over the CPU threads
        R, h0 = np.ascontiguousarray(rec.R), np.ascontiguousarray(h0)
        _by_rows(B, lambda lo, hi: kernels.forward_rows(
            fn, ilp64, zx, h0, R, rb, hs, acts, keep, masked, _scratch((B, 3 * U)), lo,
            hi))
        return
    inner = np.empty((B, 3 * U if R_h is None else 2 * U), np.float32)
    rh, nr = np.empty((B, U), np.float32), np.empty((B, U), np.float32)
    mh = h0 if M is None else M[2]              # read only when there is a recurrent mask
    h = h0
    for t in range(T):
        keep_t = keep[t]
        rec.forward(h, inner)
        if R_h is None:
            kernels.forward_step(zx[t], inner, rb, h, hs[t], acts[t], keep_t, masked, 0, B)
        else:
            kernels.gates_step(zx[t], inner, h, mh, rh, acts[t], M is not None)
            np.matmul(rh, R_h, out=nr)
            kernels.output_step(zx[t], nr, h, hs[t], acts[t], keep_t, masked)
        h = hs[t]


@primitive(name="gru_sequence_grad", multiple_results=True)
def _gru_grad(xp, dhs, h0, R, hs, acts, *rest, has_dacts=True, masked=False,
              rec_masked=False, reset_after=True):
    """``rest``: the gradient of ``acts`` when ``has_dacts`` (else zeros, never made),
    then the extras."""
    dacts, extras = (rest[0], rest[1:]) if has_dacts else (None, rest)
    mask, M = _extras(extras, masked, rec_masked)
    (dhs, dacts, h0, R, hs, acts, M), dt = _work(xp, dhs, dacts, h0, R, hs, acts, M)
    T, B, _ = acts.shape
    U = hs.shape[2]
    rec, R_h, M_h = _gru_recurrence(xp, R, M, U, reset_after)
    kernels = kernels_for("gru", dhs, h0, R, hs, acts)
    if kernels is not None and dacts is None:
        dZx, dIn, dh = _gru_grad_compiled(kernels, dhs, h0, hs, acts, mask, rec, R_h, M_h)
        dR, drb = _gru_weight_grads(xp, hs, h0, acts, dZx, dIn, rec, M_h, reset_after)
        return _back(xp, (dZx, dh, dR, drb), dt)
    dZx = xp.empty((T, B, 3 * U), acts.dtype)
    dIn = xp.empty((T, B, 3 * U if reset_after else 2 * U), acts.dtype)
    dh = xp.zeros((B, U), acts.dtype)
    for t in range(T - 1, -1, -1):
        a, ga = acts[t], None if dacts is None else dacts[t]
        z, r, n = a[:, :U], a[:, U:2 * U], a[:, 2 * U:3 * U]
        m = None if mask is None else mask[t]
        dh_t, keep_h = _split_masked(xp, m, dhs[t] + dh)
        h_prev = hs[t - 1] if t else h0
        dx = dZx[t]
        xp.multiply(dh_t, h_prev - n, out=dx[:, :U])
        _add_part(dx[:, :U], ga, 0, U)
        dx[:, :U] *= z * (1 - z)                                # d z_pre
        dn = _add_part(dh_t * (1 - z), ga, 2 * U, 3 * U)
        dn *= 1 - n * n                                         # d n_pre
        dx[:, 2 * U:] = dn
        di = dIn[t]
        if reset_after:
            ih = a[:, 3 * U:]
            dr = _add_part(dn * ih, ga, U, 2 * U)
            di[:, 2 * U:] = _add_part(dn * r, ga, 3 * U, 4 * U)
            dh_rec = None
        else:
            h_h = h_prev if M_h is None else h_prev * M_h
            drh = xp.matmul(dn, R_h.T)
            dr = _add_part(drh * h_h, ga, U, 2 * U)
            dh_rec = drh * r if M_h is None else drh * r * M_h
        dr *= r * (1 - r)
        dx[:, U:2 * U] = dr
        di[:, :2 * U] = dx[:, :2 * U]
        dh = rec.backward(di)
        dh += dh_t * z
        if dh_rec is not None:
            dh += dh_rec
        if keep_h is not None:
            dh += keep_h
    dR, drb = _gru_weight_grads(xp, hs, h0, acts, dZx, dIn, rec, M_h, reset_after)
    return _back(xp, (dZx, dh, dR, drb), dt)


def _gru_grad_compiled(kernels, dhs, h0, hs, acts, mask, rec, R_h, M_h):
    """The backward loop with the compiled step: per step a kernel, then (without
    ``reset_after``, ``R_h`` given) ``dn @ R_h.T`` and a second kernel, then the
    recurrent matmul ``din @ R.T``. Returns ``(dZx, dIn, dh0)``. The carried gradient
    stays split between the matmul's result and the kernel's part (see
    ``ember.ops.kernels.gru``) until the end."""
    T, B, U = hs.shape
    # the gradient of a batch-major output arrives as a strided time-major view: one copy
    # here costs less than the kernels' strided loops
    dhs = np.ascontiguousarray(dhs)
    dZx = np.empty((T, B, 3 * U), np.float32)
    dIn = np.empty((T, B, 3 * U if R_h is None else 2 * U), np.float32)
    back, direct = np.zeros((B, U), np.float32), np.zeros((B, U), np.float32)
    keep, masked = _keep_rows(mask, T, B)
    fn, ilp64 = _blas_address(rec.M) if R_h is None else (0, False)
    if fn:                  # the whole loop compiled, split by rows over the CPU threads
        RT, h0 = np.ascontiguousarray(rec.R.T), np.ascontiguousarray(h0)
        _by_rows_carrying(B, lambda lo, hi, back_part, direct_part: kernels.backward_rows(
            fn, ilp64, RT, h0, hs, acts, dhs, keep, masked, back_part, direct_part, dZx,
            dIn, lo, hi), back, direct)
        return dZx, dIn, back + direct
    drh = np.empty((B, U), np.float32)
    mh = h0 if M_h is None else M_h             # read only when there is a recurrent mask
    for t in range(T - 1, -1, -1):
        h_prev = hs[t - 1] if t else h0
        kernels.backward_step(back, direct, dhs[t], acts[t], h_prev, dZx[t], dIn[t],
                              keep[t], masked, R_h is None, 0, B)
        if R_h is not None:
            np.matmul(dZx[t, :, 2 * U:], R_h.T, out=drh)
            kernels.reset_grad_step(drh, h_prev, mh, acts[t], dZx[t], dIn[t], direct,
                                    M_h is not None)
        back = rec.backward(dIn[t], back)
    return dZx, dIn, back + direct


def _gru_weight_grads(xp, hs, h0, acts, dZx, dIn, rec, M_h, reset_after: bool):
    """``(dR, drb)`` from every step's gradients: ``dIn`` of the matmul at the start of
    each step, and, without ``reset_after``, ``dZx``'s candidate block for ``R_h``,
    whose input was ``r (h M_h)`` (``drb`` is then zeros: there is no recurrent bias)."""
    T, B, U = hs.shape
    if reset_after:
        return rec.weight_grad_after(h0, hs, dIn), dIn.sum(axis=(0, 1))
    H = _previous(xp, hs, h0)
    Hh = H if M_h is None else H * M_h
    RH = acts[:, :, U:2 * U] * Hh
    dR_h = xp.matmul(RH.reshape(T * B, U).T, dZx[:, :, 2 * U:].reshape(T * B, U))
    dR = xp.concatenate([rec.weight_grad(H, dIn), dR_h], axis=1)
    return dR, xp.zeros((3 * U,), acts.dtype)


def _add_part(arr, grads, lo, hi):
    """``arr += grads[:, lo:hi]`` (in place; nothing when ``grads`` is None)."""
    if grads is not None:
        arr += grads[:, lo:hi]
    return arr


@_gru.vjp(takes_none=True)
def _(g, outs, zx, h0, R, rb, *extras, masked=False, rec_masked=False, reset_after=True):
    hs, acts = outs
    none = (None,) * len(extras)
    if not STATE.tapes:
        (dhs,), dacts = _zeros_for_missing(g[:1], outs[:1]), g[1]
        extra_in = () if dacts is None else (dacts,)
        return tuple(_gru_grad(dhs, h0, R, hs, acts, *extra_in, *extras,
                               has_dacts=dacts is not None, masked=masked,
                               rec_masked=rec_masked, reset_after=reset_after)) + none
    dhs, dacts = _zeros_for_missing(g, outs)
    return _gru_grad_ops(dhs, dacts, h0, R, hs, acts, extras, masked, rec_masked,
                         reset_after) + none


def _gru_grad_ops(dhs, dacts, h0, R, hs, acts, extras, masked, rec_masked, reset_after):
    mask, M = _extras(extras, masked, rec_masked)
    T = acts.shape[0]
    U = hs.shape[2]
    masks = _float_masks(mask, acts.dtype)
    if reset_after:
        rec = _RecurrenceOps(R, M, 3)
    else:
        rec = _RecurrenceOps(R[:, :2 * U], None if M is None else M[:2], 2)
        R_h = R[:, 2 * U:]
        M_h = None if M is None else M[2]
    A, H, DH, DA = unstack(acts), unstack(hs), unstack(dhs), unstack(dacts)
    dh = None
    dZx, dIn = [None] * T, [None] * T
    for t in range(T - 1, -1, -1):
        a, ga = A[t], DA[t]
        z, r, n = a[:, :U], a[:, U:2 * U], a[:, 2 * U:3 * U]
        dh_t = DH[t] if dh is None else DH[t] + dh
        m = None if masks is None else masks[t]
        if m is not None:
            keep_h, dh_t = dh_t * (1 - m), dh_t * m
        h_prev = H[t - 1] if t else h0
        dz = (dh_t * (h_prev - n) + ga[:, :U]) * (z * (1 - z))
        dn = (dh_t * (1 - z) + ga[:, 2 * U:3 * U]) * (1 - n * n)
        if reset_after:
            ih = a[:, 3 * U:]
            dr = (dn * ih + ga[:, U:2 * U]) * (r * (1 - r))
            dIn[t] = concat([dz, dr, dn * r + ga[:, 3 * U:]], axis=1)
            dh = rec.backward(dIn[t]) + dh_t * z
        else:
            h_h = h_prev if M_h is None else h_prev * M_h
            drh = matmul(dn, R_h, transpose_b=True)
            dr = (drh * h_h + ga[:, U:2 * U]) * (r * (1 - r))
            dIn[t] = concat([dz, dr], axis=1)
            dh_rec = drh * r if M_h is None else drh * r * M_h
            dh = rec.backward(dIn[t]) + dh_t * z + dh_rec
        dZx[t] = concat([dz, dr, dn], axis=1)
        if m is not None:
            dh = dh + keep_h
    dZs, dIns = stack(dZx), stack(dIn)
    Hp = _previous_ops(hs, h0)
    if reset_after:
        dR = rec.weight_grad(Hp, dIns)
        drb = reduce_sum(dIns, axis=(0, 1))
    else:
        Hh = Hp if M_h is None else Hp * M_h
        B = hs.shape[1]
        RH = reshape(acts[:, :, U:2 * U] * Hh, (T * B, U))
        dR_h = matmul(RH, reshape(dZs[:, :, 2 * U:], (T * B, U)), transpose_a=True)
        dR = concat([rec.weight_grad(Hp, dIns), dR_h], axis=1)
        drb = None
    return dZs, dh, dR, drb


# -- simple (tanh) RNN ------------------------------------------------------------------------
@primitive(name="simple_rnn_sequence", multiple_results=True)
def _srnn(xp, zx, h0, R, *extras, masked=False, rec_masked=False):
    mask, M = _extras(extras, masked, rec_masked)
    (zx, h0, R, M), dt = _work(xp, zx, h0, R, M)
    T, B, U = zx.shape
    hs = xp.empty((T, B, U), zx.dtype)
    rec = _Recurrence(xp, R, M, 1)
    kernels = kernels_for("simple_rnn", zx, h0, R)
    if kernels is not None:
        _srnn_compiled(kernels, zx, h0, mask, rec, hs)
        return _back(xp, (hs,), dt)
    keep = None if mask is None else ~mask
    h = h0
    for t in range(T):
        hn = rec.forward(h, hs[t])
        hn += zx[t]
        xp.tanh(hn, out=hn)
        if keep is not None:
            xp.copyto(hn, h, where=keep[t])
        h = hn
    return _back(xp, (hs,), dt)


def _srnn_compiled(kernels, zx, h0, mask, rec, hs):
    """The forward loop with the compiled step (``ember.ops.kernels.simple_rnn``): per
    step the recurrent matmul into ``hs[t]``, then the kernel's tanh in place."""
    T, B, _ = hs.shape
    zx = np.ascontiguousarray(zx)               # a strided view would not vectorize
    keep, masked = _keep_rows(mask, T, B)
    h = h0
    for t in range(T):
        kernels.forward_step(zx[t], h, rec.forward(h, hs[t]), keep[t],
                             masked)
        h = hs[t]


@primitive(name="simple_rnn_sequence_grad", multiple_results=True)
def _srnn_grad(xp, dhs, h0, R, hs, *extras, masked=False, rec_masked=False):
    mask, M = _extras(extras, masked, rec_masked)
    (dhs, h0, R, hs, M), dt = _work(xp, dhs, h0, R, hs, M)
    T, B, U = hs.shape
    rec = _Recurrence(xp, R, M, 1)
    kernels = kernels_for("simple_rnn", dhs, h0, R, hs)
    if kernels is not None:
        dP, dh = _srnn_grad_compiled(kernels, dhs, hs, mask, rec)
        return _back(xp, (dP, dh, rec.weight_grad_after(h0, hs, dP)), dt)
    dP = xp.empty_like(hs)
    dh = xp.zeros((B, U), hs.dtype)
    for t in range(T - 1, -1, -1):
        m = None if mask is None else mask[t]
        dh_t, keep_h = _split_masked(xp, m, dhs[t] + dh)
        d = dP[t]
        xp.multiply(hs[t], hs[t], out=d)
        xp.subtract(1, d, out=d)
        d *= dh_t
        dh = rec.backward(d)
        if keep_h is not None:
            dh += keep_h
    dR = rec.weight_grad_after(h0, hs, dP)
    return _back(xp, (dP, dh, dR), dt)


def _srnn_grad_compiled(kernels, dhs, hs, mask, rec):
    """The backward loop with the compiled step: per step the kernel, then the recurrent
    matmul ``dp @ R.T``; the carried gradient stays split between the matmul's result and
    what masked rows carry (see ``ember.ops.kernels.simple_rnn``). Returns ``(dP, dh0)``."""
    T, B, U = hs.shape
    dhs = np.ascontiguousarray(dhs)             # as in ``_gru_grad_compiled``
    dP = np.empty((T, B, U), np.float32)
    back, direct = np.zeros((B, U), np.float32), np.zeros((B, U), np.float32)
    keep, masked = _keep_rows(mask, T, B)
    for t in range(T - 1, -1, -1):
        kernels.backward_step(back, direct, dhs[t], hs[t], dP[t],
                              keep[t], masked)
        back = rec.backward(dP[t], back)
    return dP, back + direct if masked else back


@_srnn.vjp
def _(g, outs, zx, h0, R, *extras, masked=False, rec_masked=False):
    (dhs,) = g
    (hs,) = outs
    none = (None,) * len(extras)
    if not STATE.tapes:
        return tuple(_srnn_grad(dhs, h0, R, hs, *extras, masked=masked,
                                rec_masked=rec_masked)) + none
    mask, M = _extras(extras, masked, rec_masked)
    T = hs.shape[0]
    rec = _RecurrenceOps(R, M, 1)
    masks = _float_masks(mask, hs.dtype)
    H, DH = unstack(hs), unstack(dhs)
    dh = None
    dP = [None] * T
    for t in range(T - 1, -1, -1):
        dh_t = DH[t] if dh is None else DH[t] + dh
        m = None if masks is None else masks[t]
        if m is not None:
            keep_h, dh_t = dh_t * (1 - m), dh_t * m
        dP[t] = dh_t * (1 - H[t] * H[t])
        dh = rec.backward(dP[t])
        if m is not None:
            dh = dh + keep_h
    dPs = stack(dP)
    return (dPs, dh, rec.weight_grad(_previous_ops(hs, h0), dPs)) + none


# -- Ember-op helpers for the differentiable backward -----------------------------------------
class _RecurrenceOps:
    """``_Recurrence``'s backward and weight gradient, in Ember ops."""

    def __init__(self, R, M, gates: int):
        self.R, self.M, self.G = R, M, gates
        self.U = R.shape[0]
        self.Uo = R.shape[1] // gates
        if M is not None:
            self.R4 = transpose(reshape(R, (self.U, gates, self.Uo)), (1, 0, 2))

    def backward(self, dz):
        if self.M is None:
            return matmul(dz, self.R, transpose_b=True)
        B = dz.shape[0]
        dz4 = transpose(reshape(dz, (B, self.G, self.Uo)), (1, 0, 2))
        return reduce_sum(matmul(dz4, self.R4, transpose_b=True) * self.M, axis=0)

    def weight_grad(self, H, dZ):
        T, B, _ = H.shape
        if self.M is None:
            return matmul(reshape(H, (T * B, self.U)), reshape(dZ, (T * B, -1)),
                          transpose_a=True)
        Hm = reshape(H[None] * self.M[:, None], (self.G, T * B, self.U))
        dZ4 = transpose(reshape(dZ, (T * B, self.G, self.Uo)), (1, 0, 2))
        dR4 = matmul(Hm, dZ4, transpose_a=True)
        return reshape(transpose(dR4, (1, 0, 2)), (self.U, self.G * self.Uo))


def _previous_ops(seq, first):
    return concat([first[None], seq[:-1]], axis=0)


def _float_masks(mask, dtype):
    if mask is None:
        return None
    return unstack(cast(mask, dtype))


def _extras(extras: tuple, masked: bool, rec_masked: bool):
    it = iter(extras)
    mask = next(it) if masked else None
    M = next(it) if rec_masked else None
    return mask, M


# -- public wrappers --------------------------------------------------------------------------
def _tensor(x: Any) -> Any:
    if isinstance(x, (Tensor, Variable)):
        return x
    return Tensor(to_array(x))


def _check(op: str, zx, states: dict, R, gates: int, mask, rmask) -> tuple:
    zv = zx._value
    if zv.ndim != 3 or zv.dtype.kind != "f" and zv.dtype.name != "bfloat16":
        raise InvalidArgumentError(
            f"ember.{op}: zx must be a float tensor of shape (time, batch, {gates} * units); "
            f"got {zv.dtype.name} tensor of shape {tuple(zv.shape)}")
    T, B, G = zv.shape
    if G % gates:
        raise InvalidArgumentError(
            f"ember.{op}: the last axis of zx ({G}) must be {gates} * units")
    U = G // gates
    rv = R._value
    if tuple(rv.shape) != (U, G):
        raise InvalidArgumentError(
            f"ember.{op}: recurrent_kernel must have shape ({U}, {G}) for zx of shape "
            f"{tuple(zv.shape)}; got {tuple(rv.shape)}")
    for name, s in states.items():
        if tuple(s._value.shape) != (B, U):
            raise InvalidArgumentError(
                f"ember.{op}: {name} must have shape ({B}, {U}); got "
                f"{tuple(s._value.shape)}")
    extras = []
    if mask is not None:
        mask = _tensor(mask)
        mv = mask._value
        if mv.ndim == 2:
            mv = mv[..., None]
        if tuple(mv.shape) != (T, B, 1):
            raise InvalidArgumentError(
                f"ember.{op}: mask must have shape ({T}, {B}) or ({T}, {B}, 1); got "
                f"{tuple(mask._value.shape)}")
        from .shape import reshape
        extras.append(cast(reshape(mask, (T, B, 1)), np.bool_))
    if rmask is not None:
        rmask = _tensor(rmask)
        if tuple(rmask._value.shape) != (gates, B, U):
            raise InvalidArgumentError(
                f"ember.{op}: recurrent_mask must have shape ({gates}, {B}, {U}); got "
                f"{tuple(rmask._value.shape)}")
        extras.append(rmask)
    return tuple(extras), mask is not None, rmask is not None


def lstm_sequence(zx: Any, h0: Any, c0: Any, recurrent_kernel: Any, mask: Any = None,
                  recurrent_mask: Any = None) -> tuple:
    """Run an LSTM over time: returns ``(hs, cs)``, the hidden and carry states after
    every step, both ``(time, batch, units)``.

    ``zx`` is ``x_t @ kernel + bias`` for every step, time-major ``(time, batch,
    4 * units)`` in Keras's gate order ``i, f, c, o``; ``recurrent_kernel`` is ``(units,
    4 * units)``. Per step: ``z = zx_t + h @ recurrent_kernel``; ``i, f, o = sigmoid``,
    ``g = tanh`` of its four blocks; ``c = f c + i g``; ``h = o tanh(c)``.

    >>> import ember, numpy as np
    >>> zx = ember.zeros((5, 2, 12)); h0 = c0 = ember.zeros((2, 3))
    >>> hs, cs = lstm_sequence(zx, h0, c0, ember.zeros((3, 12)))
    >>> hs.shape, cs.shape
    (TensorShape([5, 2, 3]), TensorShape([5, 2, 3]))
    """
    zx, h0, c0, R = _tensor(zx), _tensor(h0), _tensor(c0), _tensor(recurrent_kernel)
    extras, masked, rec_masked = _check("lstm_sequence", zx, {"h0": h0, "c0": c0}, R, 4,
                                        mask, recurrent_mask)
    hs, cs, _, _ = _lstm(zx, h0, c0, R, *extras, masked=masked, rec_masked=rec_masked)
    return hs, cs


def gru_sequence(zx: Any, h0: Any, recurrent_kernel: Any, recurrent_bias: Any = None,
                 mask: Any = None, recurrent_mask: Any = None, reset_after: bool = True):
    """Run a GRU over time: returns ``hs``, the state after every step ``(time, batch,
    units)``.

    ``zx`` is ``x_t @ kernel + input_bias``, time-major ``(time, batch, 3 * units)`` in
    Keras's gate order ``z, r, h``. With ``reset_after`` (Keras's default) the reset gate
    multiplies ``h @ R_h + recurrent_bias_h``; otherwise it multiplies ``h`` before that
    matmul (and there is no recurrent bias). ``h = z h_prev + (1 - z) n``.

    >>> import ember
    >>> hs = gru_sequence(ember.zeros((4, 2, 9)), ember.zeros((2, 3)), ember.zeros((3, 9)))
    >>> hs.shape
    TensorShape([4, 2, 3])
    """
    zx, h0, R = _tensor(zx), _tensor(h0), _tensor(recurrent_kernel)
    extras, masked, rec_masked = _check("gru_sequence", zx, {"h0": h0}, R, 3, mask,
                                        recurrent_mask)
    if recurrent_bias is None:
        rb = Tensor(np.zeros((R._value.shape[1],), zx._value.dtype)
                    if type(zx._value) is np.ndarray
                    else zx.xp.zeros((R._value.shape[1],), zx._value.dtype))
    else:
        if not reset_after:
            raise InvalidArgumentError("ember.gru_sequence: recurrent_bias needs "
                                       "reset_after=True (otherwise fold it into zx)")
        rb = _tensor(recurrent_bias)
        if tuple(rb._value.shape) != (R._value.shape[1],):
            raise InvalidArgumentError(
                f"ember.gru_sequence: recurrent_bias must have shape "
                f"({R._value.shape[1]},); got {tuple(rb._value.shape)}")
    hs, _ = _gru(zx, h0, R, rb, *extras, masked=masked, rec_masked=rec_masked,
                 reset_after=bool(reset_after))
    return hs


def simple_rnn_sequence(zx: Any, h0: Any, recurrent_kernel: Any, mask: Any = None,
                        recurrent_mask: Any = None):
    """Run a tanh RNN over time: ``h_t = tanh(zx_t + h_{t-1} @ recurrent_kernel)``;
    returns every ``h_t``, ``(time, batch, units)``.

    >>> import ember
    >>> simple_rnn_sequence(ember.zeros((4, 2, 3)), ember.zeros((2, 3)),
    ...                     ember.zeros((3, 3))).shape
    TensorShape([4, 2, 3])
    """
    zx, h0, R = _tensor(zx), _tensor(h0), _tensor(recurrent_kernel)
    extras, masked, rec_masked = _check("simple_rnn_sequence", zx, {"h0": h0}, R, 1, mask,
                                        recurrent_mask)
    (hs,) = _srnn(zx, h0, R, *extras, masked=masked, rec_masked=rec_masked)
    return hs
