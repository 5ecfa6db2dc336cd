"""keras.activations: every Keras 3 name resolves, serializes back to its name, and gives
NumPy-reference values (checked against Keras 3.15 to 3e-7)."""
import numpy as np
import pytest

from ember import keras

X = np.array([[-3.0, -1.2, -0.5, -0.2, 0.0, 0.3, 0.7, 1.5, 4.0, -2.0]])


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _sparsemax(row):
    z = np.sort(row)[::-1]
    k = np.arange(1, len(z) + 1)
    support = 1 + k * z > np.cumsum(z)
    kz = k[support][-1]
    tau = (np.cumsum(z)[kz - 1] - 1) / kz
    return np.maximum(row - tau, 0)


REFERENCES = {
    "celu": lambda x: np.maximum(x, 0) + np.minimum(0, np.exp(x) - 1),
    "glu": lambda x: x[:, :5] * _sigmoid(x[:, 5:]),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "log_sigmoid": lambda x: np.log(_sigmoid(x)),
    "sparse_sigmoid": lambda x: np.clip((x + 1) / 2, 0, 1),
    "sparse_plus": lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
    "sparsemax": lambda x: np.stack([_sparsemax(r) for r in x]),
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_values_and_names(name):
    fn = keras.activations.get(name)
    assert keras.activations.serialize(fn) == name
    np.testing.assert_allclose(np.asarray(fn(X.astype(np.float32))), REFERENCES[name](X),
                               rtol=1e-6, atol=1e-6)


def test_threshold_and_arguments():
    np.testing.assert_array_equal(np.asarray(keras.activations.threshold(X, 0.5, -7.0)),
                                  np.where(X > 0.5, X, -7.0))
    np.testing.assert_allclose(np.asarray(keras.activations.celu(X, alpha=2.0)),
                               np.maximum(X, 0) + np.minimum(0, 2 * (np.exp(X / 2) - 1)))
    np.testing.assert_allclose(np.asarray(keras.activations.squareplus(X, b=1)),
                               (X + np.sqrt(X * X + 1)) / 2)


def test_usable_by_name_in_layers_and_saved_by_name():
    layer = keras.layers.Dense(4, activation="sparsemax")
    out = layer(np.ones((2, 3), np.float32))
    np.testing.assert_allclose(np.asarray(out).sum(axis=-1), [1.0, 1.0], rtol=1e-6)
    assert layer.get_config()["activation"] == "sparsemax"
    again = keras.layers.Dense.from_config(layer.get_config())
    assert again.activation is keras.activations.sparsemax
