"""The compiled GRU step kernels against the NumPy path of the same op, with and without
``reset_after``, masks, recurrent masks and a gradient of the activations."""
import numpy as np
import pytest

pytest.importorskip("numba")

from ember.ops import kernels, rnn_cells

T, B, U = 7, 5, 6
FWD = rnn_cells._gru.primitive.forward
BWD = rnn_cells._gru_grad.primitive.forward


def _inputs(rng, reset_after=True):
    zx = rng.normal(size=(T, B, 3 * U)).astype(np.float32) * 2
    h0 = rng.normal(size=(B, U)).astype(np.float32)
    R = rng.normal(size=(U, 3 * U)).astype(np.float32) * 0.5
    rb = (rng.normal(size=(3 * U,)) if reset_after else np.zeros(3 * U)).astype(np.float32)
    mask = rng.random((T, B, 1)) > 0.3
    M = (rng.random((3, B, U)) > 0.3).astype(np.float32) / 0.7
    return zx, h0, R, rb, mask, M


def _run(jit_switch, on, inputs, masked, rec_masked, reset_after, grads):
    """Forward, then backward from ``grads`` (``dhs`` and, if not None, ``dacts``)."""
    zx, h0, R, rb, mask, M = inputs
    extras = (mask,) * masked + (M,) * rec_masked
    kw = {"masked": masked, "rec_masked": rec_masked, "reset_after": reset_after}
    jit_switch(on)
    hs, acts = FWD(np, zx, h0, R, rb, *extras, **kw)
    dhs, dacts = grads
    given = () if dacts is None else (dacts,)
    back = BWD(np, dhs, h0, R, hs, acts, *given, *extras, has_dacts=dacts is not None, **kw)
    return [hs, acts] + list(back)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("rec_masked", [False, True])
@pytest.mark.parametrize("with_dacts", [False, True])
def test_kernels_equal_the_numpy_path(rng, jit_switch, kernels_match, reset_after, masked,
                                      rec_masked, with_dacts):
    inputs = _inputs(rng, reset_after)
    n_acts = 4 * U if reset_after else 3 * U
    grads = (rng.normal(size=(T, B, U)).astype(np.float32),
             rng.normal(size=(T, B, n_acts)).astype(np.float32) if with_dacts else None)
    kernels_match(lambda on: _run(jit_switch, on, inputs, masked, rec_masked, reset_after,
                                  grads), dtype=np.float32)


def test_strided_inputs_and_gradients(rng, jit_switch, kernels_match):
    """Keras's batch-major sequences reach the op as time-major views."""
    inputs = list(_inputs(rng))
    inputs[0] = np.ascontiguousarray(inputs[0].transpose(1, 0, 2)).transpose(1, 0, 2)
    dhs = rng.normal(size=(B, T, U)).astype(np.float32).transpose(1, 0, 2)
    kernels_match(lambda on: _run(jit_switch, on, inputs, True, False, True, (dhs, None)))


@pytest.mark.parametrize("reset_after", [True, False])
def test_masked_rows_carry_state_and_gradient(rng, jit_switch, reset_after):
    zx, h0, R, rb, _, _ = _inputs(rng, reset_after)
    mask = np.ones((T, B, 1), bool)
    mask[:, 0] = False                          # row 0 skips every step
    kw = {"masked": True, "rec_masked": False, "reset_after": reset_after}
    jit_switch(True)
    hs, acts = FWD(np, zx, h0, R, rb, mask, **kw)
    np.testing.assert_array_equal(hs[:, 0], np.broadcast_to(h0[0], (T, U)))
    dhs = rng.normal(size=hs.shape).astype(np.float32)
    dZx, dh, _, _ = BWD(np, dhs, h0, R, hs, acts, mask, has_dacts=False, **kw)
    assert not dZx[:, 0].any()
    np.testing.assert_allclose(dh[0], dhs[:, 0].sum(axis=0), rtol=1e-5, atol=1e-6)


def test_float64_and_a_switched_off_jit_take_the_numpy_path(jit_switch):
    assert kernels.kernels_for("gru", np.zeros(2, np.float64)) is None
    assert kernels.kernels_for("gru", np.zeros(2, np.float32)) is not None
    jit_switch(False)
    assert kernels.kernels_for("gru", np.zeros(2, np.float32)) is None


@pytest.mark.parametrize("reset_after", [True, False])
def test_nan_in_the_inputs_reaches_the_outputs(rng, jit_switch, reset_after):
    zx, h0, R, rb, _, _ = _inputs(rng, reset_after)
    zx[3, 1, 2 * U] = np.nan                    # the candidate's input
    jit_switch(True)
    hs, _ = FWD(np, zx, h0, R, rb, masked=False, rec_masked=False, reset_after=reset_after)
    assert not np.isnan(hs[:3]).any()
    assert np.isnan(hs[3, 1]).any() and np.isnan(hs[-1]).any()
    dhs = np.zeros_like(hs)
    dhs[-1, 1, 0] = np.nan
    hs, acts = FWD(np, zx * 0, h0, R, rb, masked=False, rec_masked=False,
                   reset_after=reset_after)
    dZx, dh, _, _ = BWD(np, dhs, h0, R, hs, acts, has_dacts=False, masked=False,
                        rec_masked=False, reset_after=reset_after)
    assert np.isnan(dZx[-1, 1]).any() and np.isnan(dh).any()


@pytest.mark.parametrize("reset_after", [True, False])
def test_keras_gru_trains_the_same_with_and_without_kernels(
        fit_recurrent_with_and_without_kernels, reset_after):
    fit_recurrent_with_and_without_kernels("GRU", reset_after=reset_after)


def _reset_after_grads(rng, batch):
    return (rng.normal(size=(T, batch, U)).astype(np.float32), None)


@pytest.mark.parametrize("masked", [False, True])
def test_the_python_loop_equals_the_compiled_whole_loop(rng, jit_switch, monkeypatch,
                                                        masked):
    inputs = _inputs(rng)
    grads = _reset_after_grads(rng, B)
    calls = []
    module = kernels.kernels_for("gru", np.zeros(1, np.float32))
    for name in ("forward_rows", "backward_rows"):
        real = getattr(module, name)
        monkeypatch.setattr(module, name,
                            lambda *a, _n=name, _r=real: (calls.append(_n), _r(*a))[1])
    whole = _run(jit_switch, True, inputs, masked, False, True, grads)
    if calls != ["forward_rows", "backward_rows"]:
        pytest.skip("no callable cblas_sgemm: the per-step kernels ran")
    monkeypatch.setattr(rnn_cells, "_blas_address", lambda M: (0, False))
    steps = _run(jit_switch, True, inputs, masked, False, True, grads)
    for a, b in zip(whole, steps):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    calls.clear()       # a recurrent mask, or no reset_after: the per-step kernels
    monkeypatch.undo()
    _run(jit_switch, True, inputs, masked, True, True, grads)
    _run(jit_switch, True, _inputs(rng, False), masked, False, False, grads)
    assert calls == []


@pytest.mark.parametrize("masked", [False, True])
def test_rows_split_over_threads_equal_one_loop(rng, jit_switch, two_cpu_threads, masked,
                                                monkeypatch):
    big = 24                                    # three rows of 8: two parts
    zx, h0, R, rb, _, _ = _inputs(rng)
    zx = np.ascontiguousarray(np.concatenate([zx] * 5, axis=1)[:, :big])
    h0 = np.concatenate([h0] * 5)[:big]
    inputs = (zx, h0, R, rb, rng.random((T, big, 1)) > 0.3, None)
    grads = _reset_after_grads(rng, big)
    from ember.core import cpu_threads
    counts = []
    real = cpu_threads.parallel

    def spy(fn, count):
        counts.append(count)
        real(fn, count)
    cpu_threads.set_thread_count(1)
    want = _run(jit_switch, True, inputs, masked, False, True, grads)
    cpu_threads.set_thread_count(2)
    monkeypatch.setattr(cpu_threads, "parallel", spy)
    got = _run(jit_switch, True, inputs, masked, False, True, grads)
    assert counts == [2, 2]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)
