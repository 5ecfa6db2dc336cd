"""keras.random normal/uniform/randint/truncated_normal/categorical/dropout/shuffle."""
import numpy as np
import pytest

import ember
from ember import keras


@pytest.mark.parametrize("op", [keras.random.normal, keras.random.uniform,
                                keras.random.truncated_normal])
def test_float_draws_default_to_floatx(op):
    assert op((2, 3), seed=1).dtype == ember.float32
    assert op((2, 3), seed=1, dtype="float64").dtype == ember.float64
    assert op(4, seed=1).shape == (4,)
    keras.config.set_floatx("float64")
    try:
        assert op((2,), seed=1).dtype == ember.float64
    finally:
        keras.config.set_floatx("float32")


def test_moments_and_ranges():
    x = keras.random.normal((20000,), mean=2.0, stddev=3.0, seed=1).numpy()
    assert abs(x.mean() - 2.0) < 0.1 and abs(x.std() - 3.0) < 0.1
    u = keras.random.uniform((20000,), minval=-1.0, maxval=3.0, seed=2).numpy()
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    t = keras.random.truncated_normal((20000,), mean=1.0, stddev=0.5, seed=3).numpy()
    assert np.abs(t - 1.0).max() <= 1.0


def test_randint():
    r = keras.random.randint((1000,), 3, 7, seed=4)
    assert r.dtype == ember.int32
    assert set(np.unique(r.numpy()).tolist()) == {3, 4, 5, 6}
    assert keras.random.randint((2,), 0, 5, dtype="int64", seed=1).dtype == ember.int64


def test_dtype_errors_as_keras():
    with pytest.raises(ValueError, match="`keras.random.uniform` requires a floating point"):
        keras.random.uniform((2,), dtype="int32")
    with pytest.raises(ValueError, match="`keras.random.randint` requires an integer"):
        keras.random.randint((2,), 0, 5, dtype="float32")


def test_categorical():
    logits = np.log(np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]]) + 1e-30)
    draws = keras.random.categorical(logits, 200, seed=1)
    assert draws.dtype == ember.int32 and draws.shape == (2, 200)
    assert set(draws.numpy()[0].tolist()) == {1}
    assert set(draws.numpy()[1].tolist()) == {0, 2}
    with pytest.raises(ValueError, match="should be a 2-D tensor"):
        keras.random.categorical(np.zeros(3), 2)


def test_dropout():
    x = np.ones((200, 50), np.float32)
    y = keras.random.dropout(x, 0.25, seed=1).numpy()
    assert set(np.unique(y).tolist()) == {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.02
    shared = keras.random.dropout(x, 0.5, noise_shape=(1, 50), seed=2).numpy()
    assert (shared == shared[:1]).all()
    np.testing.assert_array_equal(keras.random.dropout(x, 0.0, seed=1).numpy(), x)
    assert not keras.random.dropout(x, 1.0, seed=1).numpy().any()
    assert keras.random.dropout(np.ones((2,)), 0.5, seed=1).dtype == ember.float64
    with pytest.raises(ValueError, match="floating point inputs"):
        keras.random.dropout(np.ones((2,), np.int32), 0.5)


def test_shuffle():
    x = np.arange(12).reshape(3, 4)
    rows = keras.random.shuffle(x, seed=1).numpy()
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, x.tolist()))
    cols = keras.random.shuffle(x, axis=1, seed=3).numpy()
    assert (np.sort(cols, axis=1) == x).all()
    assert not (cols == x).all()
    np.testing.assert_array_equal(keras.random.shuffle(x, seed=5).numpy(),
                                  keras.random.shuffle(x, seed=5).numpy())
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        keras.random.shuffle(x, axis=2)
