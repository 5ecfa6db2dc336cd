"""The compiled layer-norm kernels against the NumPy path of ``ember.raw_ops.layer_norm``
and its gradient."""
import numpy as np
import pytest

pytest.importorskip("numba")

import ember


def _run(jit_switch, on, x, gamma, beta, axis, dtype=np.float32):
    jit_switch(on)
    xs = ember.Variable(x.astype(dtype))
    gs, bs = ember.Variable(gamma), ember.Variable(beta)
    with ember.GradientTape() as tape:
        y = ember.raw_ops.layer_norm(xs, gs, bs, axis=axis, epsilon=1e-3)
        loss = ember.reduce_sum(y * np.arange(y.shape.num_elements(), dtype=np.float32)
                                .reshape(y.shape).astype(dtype) / y.shape.num_elements())
    return [y.numpy()] + [t.numpy() for t in tape.gradient(loss, [xs, gs, bs])]


@pytest.mark.parametrize("shape, axis, pshape", [
    ((8, 16), -1, (16,)), ((3, 5, 32), -1, (32,)), ((4, 3, 6), (1, 2), (3, 6)),
    ((6, 10), -1, (1, 10)),            # kept leading 1: still one value per row element
    ((5, 7), -1, ()),                  # scalar gamma/beta: the NumPy path
    ((5, 7), 0, (5, 1)),               # a leading axis: the NumPy path
])
def test_kernels_equal_the_numpy_path(rng, jit_switch, kernels_match, shape, axis, pshape):
    x = rng.normal(size=shape).astype(np.float32) * 4 + 2
    gamma = rng.normal(size=pshape).astype(np.float32)
    beta = rng.normal(size=pshape).astype(np.float32)
    kernels_match(lambda on: _run(jit_switch, on, x, gamma, beta, axis), atol=2e-5)


def test_float16_inputs_run_in_float32(rng, jit_switch):
    x = rng.normal(size=(6, 8)).astype(np.float32)
    gamma, beta = np.ones(8, np.float32), np.zeros(8, np.float32)
    got = _run(jit_switch, True, x, gamma, beta, -1, np.float16)
    want = _run(jit_switch, False, x, gamma, beta, -1, np.float16)
    assert got[0].dtype == np.float16
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.astype(np.float32), w.astype(np.float32), atol=2e-3)


def test_nan_rows_stay_nan(jit_switch):
    jit_switch(True)
    x = np.ones((3, 4), np.float32)
    x[1, 2] = np.nan
    y = ember.raw_ops.layer_norm(x, np.ones(4, np.float32), np.zeros(4, np.float32)).numpy()
    assert np.isnan(y[1]).all() and not np.isnan(y[[0, 2]]).any()


def test_keras_layer_normalization_fit_is_the_same_with_and_without_kernels(
        fit_with_and_without_kernels):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(32, 5, 8)).astype(np.float32)
    y = rng.normal(size=(32, 5, 8)).astype(np.float32)

    def build(keras):
        model = keras.Sequential([keras.Input((5, 8)), keras.layers.Dense(8),
                                  keras.layers.LayerNormalization()])
        model.compile(keras.optimizers.SGD(0.1), "mse")
        return model
    fit_with_and_without_kernels(build, x, y, epochs=3)
