import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.utils import normalize, to_categorical


def test_to_categorical_basic():
    out = to_categorical([0, 1, 2, 3], num_classes=4)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64   # as Keras 3
    np.testing.assert_array_equal(out, np.eye(4))


def test_to_categorical_infers_classes_and_shapes():
    assert to_categorical([2, 0]).shape == (2, 3)
    assert to_categorical(np.array([[1], [0], [2]])).shape == (3, 3)     # (n, 1) -> (n, c)
    labels = np.array([[0, 1, 2], [2, 1, 0]])
    out = to_categorical(labels, 5)
    assert out.shape == (2, 3, 5)
    np.testing.assert_array_equal(out.argmax(-1), labels)
    assert to_categorical(np.array([[1, 0]]), 2).shape == (1, 2, 2)
    np.testing.assert_array_equal(to_categorical(1, 3), [0.0, 1.0, 0.0])
    assert to_categorical([1.0, 0.0], 2).shape == (2, 2)   # float labels are cast


def test_to_categorical_bad_labels():
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\).*from 0 to 3"):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="labels must be in"):
        to_categorical([-1, 1], num_classes=3)
    with pytest.raises(ValueError, match="num_classes"):
        to_categorical([])
    assert to_categorical([], num_classes=3).shape == (0, 3)


def test_to_categorical_tensor():
    out = to_categorical(ember.constant([[1], [0]]), 3)
    assert isinstance(out, ember.Tensor) and out.dtype == ember.float32
    np.testing.assert_array_equal(out.numpy(), [[0, 1, 0], [1, 0, 0]])
    assert to_categorical(ember.constant([0, 2])).shape == (2, 3)


def test_normalize_numpy_matches_formula(rng):
    x = rng.normal(size=(4, 5))
    for axis in (-1, 0):
        for order in (1, 2, 3):
            expected = x / np.linalg.norm(x, order, axis, keepdims=True)
            out = normalize(x, axis=axis, order=order)
            assert isinstance(out, np.ndarray)
            np.testing.assert_allclose(out, expected)


def test_normalize_numpy_zero_rows_and_1d():
    out = normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    # Ember keeps a 1-D input 1-D (Keras 3 returns shape (1, n) here)
    np.testing.assert_allclose(normalize(np.array([3.0, 4.0])), [0.6, 0.8])


def test_normalize_tensor(rng):
    x = rng.normal(size=(3, 4)).astype(np.float32)
    out = normalize(ember.constant(x))
    assert isinstance(out, ember.Tensor) and out.dtype == ember.float32
    np.testing.assert_allclose(out.numpy(), x / np.linalg.norm(x, 2, -1, keepdims=True),
                               rtol=1e-5)
    out = normalize(ember.constant(x), axis=0, order=1)
    np.testing.assert_allclose(out.numpy(), x / np.abs(x).sum(0, keepdims=True), rtol=1e-5)
    zero = normalize(ember.zeros((2, 3)))
    np.testing.assert_array_equal(zero.numpy(), np.zeros((2, 3)))
    np.testing.assert_allclose(normalize(ember.constant([[3, 4]])).numpy(), [[0.6, 0.8]])
    with pytest.raises(ValueError, match="order` must be an int >= 1"):
        normalize(ember.constant(x), order=0)


def test_normalize_tensor_gradient():
    x = ember.Variable([[3.0, 4.0]])
    with ember.GradientTape() as tape:
        y = ember.reduce_sum(normalize(x) * ember.constant([[1.0, 0.0]]))
    g = tape.gradient(y, x).numpy()
    # d(x0/|x|)/dx = (|x|^2 e0 - x0 x) / |x|^3
    np.testing.assert_allclose(g, [[(25 - 9) / 125, -12 / 125]], rtol=1e-5)


def test_public_names():
    assert keras.utils.to_categorical is to_categorical
    assert keras.utils.normalize is normalize
