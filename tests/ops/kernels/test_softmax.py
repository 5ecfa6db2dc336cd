"""The compiled softmax kernels against the NumPy path of ``ember.nn.softmax`` and its
gradient, and the values they must keep (NaN rows, infinities, large logits)."""
import numpy as np
import pytest

pytest.importorskip("numba")

import ember


def _run(jit_switch, on, x, axis=-1):
    jit_switch(on)
    xs = ember.Variable(x)
    with ember.GradientTape() as tape:
        y = ember.nn.softmax(xs, axis=axis)
        w = np.arange(y.shape.num_elements(), dtype=np.float32).reshape(y.shape)
        loss = ember.reduce_sum(y * np.sin(w))
    return y.numpy(), tape.gradient(loss, xs).numpy()


@pytest.mark.parametrize("shape, axis", [
    ((4, 3, 16, 16), -1), ((7, 10), 1), ((1, 64), -1), ((5,), -1), ((3, 1), -1),
    ((6, 33), -1),                 # a row length that is not a multiple of 8
    ((6, 5, 4), 1),                # not the last axis: the NumPy path
])
def test_kernels_equal_the_numpy_path(rng, jit_switch, kernels_match, shape, axis):
    x = (rng.normal(size=shape) * 5).astype(np.float32)
    kernels_match(lambda on: _run(jit_switch, on, x, axis), rtol=3e-6, atol=1e-6,
                  dtype=np.float32)


def test_against_float64(rng, jit_switch):
    jit_switch(True)
    x = (rng.normal(size=(200, 64)) * 10).astype(np.float32)
    got = ember.nn.softmax(x).numpy()
    e = np.exp(x.astype(np.float64) - x.max(-1, keepdims=True))
    np.testing.assert_allclose(got, e / e.sum(-1, keepdims=True), rtol=2e-6, atol=1e-9)
    assert np.abs(got.sum(-1) - 1).max() < 1e-6


def test_nan_and_infinite_rows_as_numpy(jit_switch):
    x = np.array([[1, 2, np.nan, 3], [1, np.inf, 2, 3], [-np.inf, 0, 1, 2],
                  [-np.inf] * 4, [5, 5, 5, 5], [1e30, -1e30, 0, 1e30]], np.float32)
    with np.errstate(invalid="ignore"):
        got = _run(jit_switch, True, x)[0]
        want = _run(jit_switch, False, x)[0]
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert np.isnan(got[:2]).all() and np.isnan(got[3]).all()
    assert got[2, 0] == 0 and got[4].tolist() == [0.25] * 4


def test_strided_and_float64_inputs_take_the_numpy_path(rng, jit_switch):
    jit_switch(True)
    x = rng.normal(size=(8, 16)).astype(np.float32)
    got = ember.nn.softmax(x.T).numpy()
    e = np.exp(x.T - x.T.max(-1, keepdims=True))
    np.testing.assert_allclose(got, e / e.sum(-1, keepdims=True), rtol=1e-6)
    y64 = ember.nn.softmax(x.astype(np.float64)).numpy()
    assert y64.dtype == np.float64
