"""Fused recurrences (LSTM, GRU, tanh RNN): values against NumPy loops of Keras's
formulas, gradients against finite differences in float64 (first order through the fused
backward kernel, second order through the Ember-op rule)."""
from __future__ import annotations

import numpy as np
import pytest
from opcheck import (
    OpCase,
    check_fused_and_op_backward_agree,
    check_grad,
    check_second_order,
    check_values,
)

import ember
from ember.ops.rnn_cells import gru_sequence, lstm_sequence, simple_rnn_sequence

T, B, U = 4, 2, 3


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _rec(h, R, M, gates):
    if M is None:
        return h @ R
    Uo = R.shape[1] // gates
    return np.concatenate([(h * M[g]) @ R[:, g * Uo:(g + 1) * Uo] for g in range(gates)],
                          axis=1)


def ref_lstm(zx, h0, c0, R, mask=None, M=None):
    h, c, hs, cs = h0, c0, [], []
    for t in range(zx.shape[0]):
        z = zx[t] + _rec(h, R, M, 4)
        i, f, g, o = np.split(z, 4, axis=1)
        cn = _sig(f) * c + _sig(i) * np.tanh(g)
        hn = _sig(o) * np.tanh(cn)
        if mask is not None:
            hn, cn = np.where(mask[t], hn, h), np.where(mask[t], cn, c)
        h, c = hn, cn
        hs.append(h)
        cs.append(c)
    return np.stack(hs), np.stack(cs)


def ref_gru(zx, h0, R, rb, mask=None, M=None, reset_after=True):
    h, hs = h0, []
    Uh = h0.shape[1]
    for t in range(zx.shape[0]):
        xz, xr, xh = np.split(zx[t], 3, axis=1)
        hm = [h if M is None else h * M[g] for g in range(3)]
        Rz, Rr, Rh = np.split(R, 3, axis=1)
        if reset_after:
            bz, br, bh = np.split(rb, 3)
            z = _sig(xz + hm[0] @ Rz + bz)
            r = _sig(xr + hm[1] @ Rr + br)
            n = np.tanh(xh + r * (hm[2] @ Rh + bh))
        else:
            z = _sig(xz + hm[0] @ Rz)
            r = _sig(xr + hm[1] @ Rr)
            n = np.tanh(xh + (r * hm[2]) @ Rh)
        hn = z * h + (1 - z) * n
        if mask is not None:
            hn = np.where(mask[t], hn, h)
        h = hn
        hs.append(h)
    assert h.shape[1] == Uh
    return np.stack(hs)


def ref_srnn(zx, h0, R, mask=None, M=None):
    h, hs = h0, []
    for t in range(zx.shape[0]):
        hn = np.tanh(zx[t] + _rec(h, R, M, 1))
        if mask is not None:
            hn = np.where(mask[t], hn, h)
        h = hn
        hs.append(h)
    return np.stack(hs)


def _mask(rng):
    m = rng.uniform(size=(T, B, 1)) > 0.35
    m[0, 0] = False       # a sequence starting masked
    m[-1, 1] = False      # and one ending masked
    return m


def _rmask(rng, gates):
    return (rng.uniform(size=(gates, B, U)) > 0.3) / 0.7


def _inputs(gates, n_states, masked, rec_masked, bias=False):
    def make(rng):
        arrays = [rng.uniform(-1.5, 1.5, (T, B, gates * U))]
        arrays += [rng.uniform(-1, 1, (B, U)) for _ in range(n_states)]
        arrays.append(rng.uniform(-1, 1, (U, gates * U)))
        if bias:
            arrays.append(rng.uniform(-0.5, 0.5, (gates * U,)))
        if masked:
            arrays.append(_mask(rng))
        if rec_masked:
            arrays.append(_rmask(rng, gates))
        return arrays
    return make


def _variants():
    for masked in (False, True):
        for rec_masked in (False, True):
            yield masked, rec_masked


def _lstm_case(masked, rec_masked):
    n_float = 4

    def fn(zx, h0, c0, R, *extra):
        kw = _kw(extra, masked, rec_masked)
        return lstm_sequence(zx, h0, c0, R, **kw)

    def ref(zx, h0, c0, R, *extra):
        kw = _kw(extra, masked, rec_masked)
        return ref_lstm(zx, h0, c0, R, kw.get("mask"), kw.get("recurrent_mask"))
    return OpCase(f"lstm_m{int(masked)}_r{int(rec_masked)}", fn, ref, [],
                  make_inputs=_inputs(4, 2, masked, rec_masked),
                  grad_argnums=list(range(n_float)), second_order=True)


def _gru_case(masked, rec_masked, reset_after):
    def fn(zx, h0, R, *extra):
        rb = extra[0] if reset_after else None
        kw = _kw(extra[1:] if reset_after else extra, masked, rec_masked)
        return gru_sequence(zx, h0, R, rb, reset_after=reset_after, **kw)

    def ref(zx, h0, R, *extra):
        rb = extra[0] if reset_after else None
        kw = _kw(extra[1:] if reset_after else extra, masked, rec_masked)
        return ref_gru(zx, h0, R, rb, kw.get("mask"), kw.get("recurrent_mask"),
                       reset_after)
    n_float = 4 if reset_after else 3
    return OpCase(f"gru_a{int(reset_after)}_m{int(masked)}_r{int(rec_masked)}", fn, ref,
                  [], make_inputs=_inputs(3, 1, masked, rec_masked, bias=reset_after),
                  grad_argnums=list(range(n_float)), second_order=True)


def _srnn_case(masked, rec_masked):
    def fn(zx, h0, R, *extra):
        return simple_rnn_sequence(zx, h0, R, **_kw(extra, masked, rec_masked))

    def ref(zx, h0, R, *extra):
        kw = _kw(extra, masked, rec_masked)
        return ref_srnn(zx, h0, R, kw.get("mask"), kw.get("recurrent_mask"))
    return OpCase(f"srnn_m{int(masked)}_r{int(rec_masked)}", fn, ref, [],
                  make_inputs=_inputs(1, 1, masked, rec_masked),
                  grad_argnums=[0, 1, 2], second_order=True)


def _kw(extra, masked, rec_masked):
    extra = list(extra)
    kw = {}
    if masked:
        kw["mask"] = extra.pop(0)
    if rec_masked:
        kw["recurrent_mask"] = extra.pop(0)
    return kw


CASES = ([_lstm_case(m, r) for m, r in _variants()]
         + [_gru_case(m, r, a) for m, r in _variants() for a in (True, False)]
         + [_srnn_case(m, r) for m, r in _variants()])
SECOND = [c for c in CASES if c.name.endswith(("m0_r0", "m1_r1"))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_values(case):
    check_values(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_gradients(case):
    check_grad(case)


@pytest.mark.parametrize("case", SECOND, ids=lambda c: c.name)
def test_second_order(case):
    check_second_order(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fused_and_op_backward_agree(case):
    """The fused kernel (no outer tape) and the Ember-op rule (under one) agree."""
    check_fused_and_op_backward_agree(case)


def test_float16_runs_in_float32():
    rng = np.random.default_rng(0)
    zx, h0, c0, R = _inputs(4, 2, False, False)(rng)
    hs, _ = lstm_sequence(zx.astype("float16"), h0.astype("float16"),
                          c0.astype("float16"), R.astype("float16"))
    assert hs.dtype == ember.float16
    want, _ = ref_lstm(zx, h0, c0, R)
    np.testing.assert_allclose(hs.numpy().astype(np.float64), want, atol=5e-3)


def test_shape_errors_name_the_op():
    with pytest.raises(ember.errors.InvalidArgumentError, match="lstm_sequence.*recurrent"):
        lstm_sequence(ember.zeros((3, 2, 8)), ember.zeros((2, 2)), ember.zeros((2, 2)),
                      ember.zeros((3, 8)))
    with pytest.raises(ember.errors.InvalidArgumentError, match="gru_sequence.*4 \\* units|3 \\* units"):
        gru_sequence(ember.zeros((3, 2, 8)), ember.zeros((2, 2)), ember.zeros((2, 8)))
    with pytest.raises(ember.errors.InvalidArgumentError, match="mask"):
        simple_rnn_sequence(ember.zeros((3, 2, 2)), ember.zeros((2, 2)), ember.zeros((2, 2)),
                            mask=np.ones((2, 3), bool))


@pytest.mark.parametrize("used", ["hs", "cs", "last h"])
def test_lstm_gradient_from_some_results_only(used):
    """Results no gradient reaches are never filled with zeros (``vjp(takes_none)``):
    the fused kernel agrees with the Ember-op rule and with finite differences."""
    rng = np.random.default_rng(1)
    zx, h0, c0, R = _inputs(4, 2, False, False)(rng)
    zx = ember.constant(zx)

    def loss(zx):
        hs, cs = lstm_sequence(zx, ember.constant(h0), ember.constant(c0),
                               ember.constant(R))
        out = {"hs": hs, "cs": cs, "last h": hs[-1]}[used]
        return ember.reduce_sum(out * ember.cos(out))

    def grad():
        with ember.GradientTape() as tape:
            tape.watch(zx)
            y = loss(zx)
        return tape.gradient(y, zx).numpy()
    fused = grad()
    with ember.GradientTape():
        composite = grad()
    np.testing.assert_allclose(fused, composite, rtol=1e-10, atol=1e-12)
    e = np.zeros(zx.shape)
    e[0, 0, 1] = e[-1, -1, -1] = 1e-6
    fd = (loss(zx + e).numpy() - loss(zx - e).numpy()) / 2e-6
    np.testing.assert_allclose((fused * e).sum() / 1e-6, fd, rtol=1e-6)


def test_gru_gradient_skips_the_unread_activations():
    """Only ``hs`` is read: the GRU kernel gets no ``dacts`` (``vjp(takes_none)``) and
    still agrees with the Ember-op rule."""
    from ember.ops import rnn_cells
    rng = np.random.default_rng(2)
    zx, h0, R, rb = _inputs(3, 1, False, False, bias=True)(rng)
    zx = ember.constant(zx)
    assert rnn_cells._gru.primitive.vjp_takes_none

    def grad():
        with ember.GradientTape() as tape:
            tape.watch(zx)
            hs = gru_sequence(zx, ember.constant(h0), ember.constant(R), ember.constant(rb))
            y = ember.reduce_sum(ember.sin(hs))
        return tape.gradient(y, zx).numpy()
    fused = grad()
    with ember.GradientTape():
        composite = grad()
    np.testing.assert_allclose(fused, composite, rtol=1e-10, atol=1e-12)
