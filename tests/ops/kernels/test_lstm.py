"""The compiled LSTM step kernels against the NumPy path of the same op, and the switch
that picks between them (``ember.config.optimizer.set_jit``)."""
import numpy as np
import pytest

pytest.importorskip("numba")

import ember
from ember.ops import kernels, rnn_cells

T, B, U = 7, 5, 6
FWD = rnn_cells._lstm.primitive.forward
BWD = rnn_cells._lstm_grad.primitive.forward


def _inputs(rng, dtype=np.float32):
    zx = rng.normal(size=(T, B, 4 * U)).astype(dtype) * 2
    h0 = rng.normal(size=(B, U)).astype(dtype)
    c0 = rng.normal(size=(B, U)).astype(dtype)
    R = rng.normal(size=(U, 4 * U)).astype(dtype) * 0.5
    mask = rng.random((T, B, 1)) > 0.3
    M = (rng.random((4, B, U)) > 0.3).astype(dtype) / 0.7
    return zx, h0, c0, R, mask, M


def _run(jit_switch, on, inputs, masked, rec_masked, given, grads):
    zx, h0, c0, R, mask, M = inputs
    extras = (mask,) * masked + (M,) * rec_masked
    jit_switch(on)
    outs = FWD(np, zx, h0, c0, R, *extras, masked=masked, rec_masked=rec_masked)
    gs = [g for g, k in zip(grads, given) if k]
    back = BWD(np, h0, c0, R, *outs, *gs, *extras, given=given, masked=masked,
               rec_masked=rec_masked)
    return list(outs) + list(back)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("rec_masked", [False, True])
@pytest.mark.parametrize("given", [(True, False, False, False), (True, True, False, False),
                                   (False, True, False, False), (True, True, True, True)])
def test_kernels_equal_the_numpy_path(rng, jit_switch, kernels_match, masked, rec_masked,
                                      given):
    inputs = _inputs(rng)
    shapes = [(T, B, U), (T, B, U), (T, B, 4 * U), (T, B, U)]
    grads = [rng.normal(size=s).astype(np.float32) for s in shapes]
    kernels_match(lambda on: _run(jit_switch, on, inputs, masked, rec_masked, given, grads),
                  dtype=np.float32)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("python_loop", [False, True])
def test_donated_inputs_take_the_results_bit_for_bit(rng, jit_switch, monkeypatch, masked,
                                                     python_loop):
    """``donate=True`` writes the gate activations over ``zx`` and ``dZ`` over them,
    with the values of separate arrays."""
    zx, h0, c0, R, mask, _ = _inputs(rng)
    extras = (mask,) * masked
    jit_switch(True)
    if python_loop:
        monkeypatch.setattr(rnn_cells, "_blas_address", lambda M: (0, False))
    want = FWD(np, zx, h0, c0, R, *extras, masked=masked, rec_masked=False)
    mine = zx.copy()
    got = FWD(np, mine, h0, c0, R, *extras, masked=masked, rec_masked=False, donate=True)
    assert got[2].base is mine or got[2] is mine
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    dhs = rng.normal(size=(T, B, U)).astype(np.float32)
    given = (True, False, False, False)
    back = BWD(np, h0, c0, R, *want, dhs, *extras, given=given, masked=masked,
               rec_masked=False)
    acts = want[2].copy()
    back_in_place = BWD(np, h0, c0, R, want[0], want[1], acts, want[3], dhs, *extras,
                        given=given, masked=masked, rec_masked=False, donate=True)
    assert back_in_place[0] is acts
    for g, w in zip(back_in_place, back):
        np.testing.assert_array_equal(g, w)


def test_a_donated_array_that_cannot_take_a_result_is_left_alone(rng, jit_switch):
    zx, h0, c0, R, _, _ = _inputs(rng)
    jit_switch(True)
    locked = zx.copy()
    locked.flags.writeable = False
    strided = np.repeat(zx, 2, axis=2)[:, :, ::2]
    for given in (locked, strided):
        before = given.copy()
        outs = FWD(np, given, h0, c0, R, masked=False, rec_masked=False, donate=True)
        np.testing.assert_array_equal(given, before)
        assert not np.shares_memory(outs[2], given)


def test_masked_rows_carry_state_and_gradient(rng, jit_switch):
    zx, h0, c0, R, _, _ = _inputs(rng)
    mask = np.ones((T, B, 1), bool)
    mask[:, 0] = False                          # row 0 skips every step
    jit_switch(True)
    hs, cs, _, _ = FWD(np, zx, h0, c0, R, mask, masked=True, rec_masked=False)
    np.testing.assert_array_equal(hs[:, 0], np.broadcast_to(h0[0], (T, U)))
    np.testing.assert_array_equal(cs[:, 0], np.broadcast_to(c0[0], (T, U)))
    dhs = rng.normal(size=hs.shape).astype(np.float32)
    dZ, dh, dc, _ = BWD(np, h0, c0, R, hs, cs, *FWD(np, zx, h0, c0, R, mask, masked=True,
                                                     rec_masked=False)[2:], dhs, mask,
                        given=(True, False, False, False), masked=True, rec_masked=False)
    assert not dZ[:, 0].any()
    np.testing.assert_allclose(dh[0], dhs[:, 0].sum(axis=0), rtol=1e-6)
    assert not dc[0].any()


def test_float64_and_a_switched_off_jit_take_the_numpy_path(jit_switch):
    assert kernels.kernels_for("lstm", np.zeros(2, np.float64)) is None
    assert kernels.kernels_for("lstm", np.zeros(2, np.float32)) is not None
    jit_switch(False)
    assert kernels.kernels_for("lstm", np.zeros(2, np.float32)) is None


def test_nan_in_the_inputs_reaches_the_outputs(rng, jit_switch):
    zx, h0, c0, R, _, _ = _inputs(rng)
    zx[3, 1, 0] = np.nan
    jit_switch(True)
    hs, cs, _, _ = FWD(np, zx, h0, c0, R, masked=False, rec_masked=False)
    assert not np.isnan(hs[:3]).any()
    assert np.isnan(hs[3, 1]).any() and np.isnan(cs[-1, 1]).any()


def test_keras_lstm_trains_the_same_with_and_without_kernels(
        fit_recurrent_with_and_without_kernels):
    fit_recurrent_with_and_without_kernels("LSTM", pad=False)


def test_config_optimizer_jit_switch(jit_switch):
    ember.config.optimizer.set_jit(False)
    assert ember.config.optimizer.get_jit() == ""
    assert kernels.kernels_for("lstm", np.zeros(2, np.float32)) is None
    ember.config.optimizer.set_jit("autoclustering")
    assert ember.config.optimizer.get_jit() == "autoclustering"
    with pytest.raises(ValueError, match="set_jit"):
        ember.config.optimizer.set_jit("xla")
    with pytest.raises(TypeError, match="set_jit"):
        ember.config.optimizer.set_jit(1)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("given", [(True, False, False, False), (True, True, False, False)])
def test_rows_split_over_threads_equal_one_loop(rng, jit_switch, two_cpu_threads, masked,
                                                given):
    zx, h0, c0, R, _, _ = _inputs(rng)
    big = 24                                    # three rows of 8: two parts
    zx, h0, c0 = (np.concatenate([a] * 5)[:big] if a.ndim == 2 else
                  np.concatenate([a] * 5, axis=1)[:, :big] for a in (zx, h0, c0))
    mask = rng.random((T, big, 1)) > 0.3
    shapes = [(T, big, U), (T, big, U), (T, big, 4 * U), (T, big, U)]
    grads = [rng.normal(size=s).astype(np.float32) for s in shapes]
    inputs = (np.ascontiguousarray(zx), h0, c0, R, mask, None)
    from ember.core import cpu_threads
    cpu_threads.set_thread_count(1)
    want = _run(jit_switch, True, inputs, masked, False, given, grads)
    cpu_threads.set_thread_count(2)
    got = _run(jit_switch, True, inputs, masked, False, given, grads)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)


def test_the_python_loop_equals_the_compiled_loop(rng, jit_switch, monkeypatch):
    inputs = _inputs(rng)
    mask = inputs[4]
    grads = [rng.normal(size=s).astype(np.float32)
             for s in [(T, B, U), (T, B, U), (T, B, 4 * U), (T, B, U)]]
    given = (True, True, False, False)
    want = _run(jit_switch, True, inputs, True, False, given, grads)
    monkeypatch.setattr(rnn_cells, "_blas_address", lambda M: (0, False))
    got = _run(jit_switch, True, inputs, True, False, given, grads)
    assert mask is inputs[4]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)


def test_a_compiled_keras_lstm_splits_its_loops_over_two_threads(two_cpu_threads,
                                                                 monkeypatch):
    """A compiled LSTM train step runs its forward and backward loops in two parts each,
    and ends with the weights training on one thread gives."""
    from ember import keras
    from ember.core import cpu_threads
    counts = []
    real = cpu_threads.parallel

    def spy(fn, count):
        counts.append(count)
        real(fn, count)
    monkeypatch.setattr(cpu_threads, "parallel", spy)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 20, 5)).astype(np.float32)
    y = rng.integers(0, 3, size=64)
    weights = []
    for count in (1, 2):
        cpu_threads.set_thread_count(count)
        counts.clear()
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((20, 5)), keras.layers.LSTM(16),
                                  keras.layers.Dense(3)])
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, epochs=2, batch_size=32, verbose=0)
        weights.append(model.get_weights())
    assert counts.count(2) >= 8        # 4 steps, a forward and a backward loop each
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
