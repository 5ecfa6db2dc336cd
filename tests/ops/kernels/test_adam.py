"""The compiled Adam update against the NumPy path of ``ember.raw_ops.apply_adam``."""
import numpy as np
import pytest

pytest.importorskip("numba")

import ember


def _step(jit_switch, on, shape, grad_of, rng_seed=0):
    rng = np.random.default_rng(rng_seed)
    jit_switch(on)
    w, m, v = (ember.Variable(rng.normal(size=shape).astype(np.float32)) for _ in range(3))
    v.assign(ember.abs(v))
    g = grad_of(rng.normal(size=shape).astype(np.float32))
    for _ in range(3):
        ember.raw_ops.apply_adam(w, m, v, g, 1e-2, 0.1, 0.001, 1e-7)
    return w.numpy(), m.numpy(), v.numpy()


@pytest.mark.parametrize("shape", [(7,), (33, 5), (2, 3, 4), ()])
def test_kernel_equals_the_numpy_path(jit_switch, shape):
    got = _step(jit_switch, True, shape, lambda g: g)
    want = _step(jit_switch, False, shape, lambda g: g)
    for a, b in zip(got, want):
        assert a.dtype == np.float32
        np.testing.assert_array_max_ulp(a, b, maxulp=1)


def test_strided_gradients_and_float64_take_the_numpy_path(jit_switch):
    got = _step(jit_switch, True, (6, 4), lambda g: np.asfortranarray(g))
    want = _step(jit_switch, False, (6, 4), lambda g: g)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
    w, m, v = ember.Variable(np.ones(3)), ember.Variable(np.zeros(3)), ember.Variable(
        np.zeros(3))
    ember.raw_ops.apply_adam(w, m, v, np.ones(3), 0.1, 0.1, 0.001, 1e-7)
    assert w.dtype == ember.float64 and np.allclose(w.numpy(), 1 - 0.1 * 0.1 / (
        np.sqrt(0.001) + 1e-7))


def test_keras_adam_fit_is_the_same_with_and_without_kernels(jit_switch):
    from ember import keras
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 6)).astype(np.float32)
    y = rng.normal(size=(32, 2)).astype(np.float32)
    weights = []
    for on in (True, False):
        jit_switch(on)
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, "relu"),
                                  keras.layers.Dense(2)])
        model.compile(keras.optimizers.Adam(1e-2), "mse")
        model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
