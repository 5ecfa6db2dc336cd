"""The compiled tanh-RNN step kernels against the NumPy path of the same op."""
import numpy as np
import pytest

pytest.importorskip("numba")

from ember.ops import kernels, rnn_cells

T, B, U = 7, 5, 6
FWD = rnn_cells._srnn.primitive.forward
BWD = rnn_cells._srnn_grad.primitive.forward


def _inputs(rng):
    zx = rng.normal(size=(T, B, U)).astype(np.float32) * 2
    h0 = rng.normal(size=(B, U)).astype(np.float32)
    R = rng.normal(size=(U, U)).astype(np.float32) * 0.5
    mask = rng.random((T, B, 1)) > 0.3
    M = (rng.random((1, B, U)) > 0.3).astype(np.float32) / 0.7
    return zx, h0, R, mask, M


def _run(jit_switch, on, inputs, masked, rec_masked, dhs):
    zx, h0, R, mask, M = inputs
    extras = (mask,) * masked + (M,) * rec_masked
    kw = {"masked": masked, "rec_masked": rec_masked}
    jit_switch(on)
    (hs,) = FWD(np, zx, h0, R, *extras, **kw)
    return [hs] + list(BWD(np, dhs, h0, R, hs, *extras, **kw))


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("rec_masked", [False, True])
def test_kernels_equal_the_numpy_path(rng, jit_switch, kernels_match, masked, rec_masked):
    inputs = _inputs(rng)
    dhs = rng.normal(size=(T, B, U)).astype(np.float32)
    kernels_match(lambda on: _run(jit_switch, on, inputs, masked, rec_masked, dhs),
                  dtype=np.float32)


def test_strided_inputs_and_gradients(rng, jit_switch, kernels_match):
    """Keras's batch-major sequences reach the op as time-major views."""
    inputs = list(_inputs(rng))
    inputs[0] = np.ascontiguousarray(inputs[0].transpose(1, 0, 2)).transpose(1, 0, 2)
    dhs = rng.normal(size=(B, T, U)).astype(np.float32).transpose(1, 0, 2)
    kernels_match(lambda on: _run(jit_switch, on, inputs, True, False, dhs))


def test_masked_rows_carry_state_and_gradient(rng, jit_switch):
    zx, h0, R, _, _ = _inputs(rng)
    mask = np.ones((T, B, 1), bool)
    mask[:, 0] = False                          # row 0 skips every step
    mask[2:4, 1] = False                        # row 1 skips two steps in the middle
    jit_switch(True)
    (hs,) = FWD(np, zx, h0, R, mask, masked=True, rec_masked=False)
    np.testing.assert_array_equal(hs[:, 0], np.broadcast_to(h0[0], (T, U)))
    np.testing.assert_array_equal(hs[2:4, 1], np.broadcast_to(hs[1, 1], (2, U)))
    dhs = rng.normal(size=hs.shape).astype(np.float32)
    dP, dh, _ = BWD(np, dhs, h0, R, hs, mask, masked=True, rec_masked=False)
    assert not dP[:, 0].any() and not dP[2:4, 1].any()
    np.testing.assert_allclose(dh[0], dhs[:, 0].sum(axis=0), rtol=1e-5, atol=1e-6)


def test_float64_takes_the_numpy_path(jit_switch):
    assert kernels.kernels_for("simple_rnn", np.zeros(2, np.float64)) is None
    assert kernels.kernels_for("simple_rnn", np.zeros(2, np.float32)) is not None


def test_nan_in_the_inputs_reaches_the_outputs(rng, jit_switch):
    zx, h0, R, _, _ = _inputs(rng)
    zx[3, 1, 0] = np.nan
    jit_switch(True)
    (hs,) = FWD(np, zx, h0, R, masked=False, rec_masked=False)
    assert not np.isnan(hs[:3]).any()
    assert np.isnan(hs[3, 1, 0]) and np.isnan(hs[-1]).any()
    dhs = np.zeros_like(hs)
    dhs[-1, 1, 0] = np.nan
    dP, dh, _ = BWD(np, dhs, h0, R, hs, masked=False, rec_masked=False)
    assert np.isnan(dP[-1, 1, 0]) and np.isnan(dh).any()


def test_keras_simple_rnn_trains_the_same_with_and_without_kernels(
        fit_recurrent_with_and_without_kernels):
    fit_recurrent_with_and_without_kernels("SimpleRNN")
