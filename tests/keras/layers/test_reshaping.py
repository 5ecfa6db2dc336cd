"""Flatten, Reshape, Permute, RepeatVector: shapes, values, gradients, configs."""
import numpy as np
import pytest

import ember
from ember import keras


def _round_trip(layer, x):
    """from_config(get_config()) gives the same config and the same outputs."""
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    np.testing.assert_allclose(clone(x).numpy(), layer(x).numpy())


def _training_lowers_loss(layer, x, out_features):
    """A weight after ``layer`` learns through it with plain SGD."""
    rng = np.random.default_rng(1)
    w = ember.Variable(rng.standard_normal(out_features).astype(np.float32))
    target = ember.constant(rng.standard_normal(out_features).astype(np.float32))
    xv = ember.Variable(x)
    losses = []
    for _ in range(5):
        with ember.GradientTape() as tape:
            y = layer(xv) * w
            loss = ember.reduce_mean(ember.square(y - target))
        gw, gx = tape.gradient(loss, [w, xv])
        assert gx is not None and tuple(gx.shape) == x.shape
        w.assign_sub(0.1 * gw)
        losses.append(float(loss))
    assert losses[-1] < losses[0]


def _symbolic(layer, sample_shape):
    out = layer(keras.Input(sample_shape))
    assert out.shape == layer.compute_output_shape((None,) + tuple(sample_shape))
    return out.shape


# -- Flatten ------------------------------------------------------------------------------
def test_flatten_shapes_and_values(rng):
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    layer = keras.layers.Flatten()
    y = layer(x)
    assert tuple(y.shape) == (2, 12) == layer.compute_output_shape((2, 3, 4))
    np.testing.assert_array_equal(y.numpy(), x.reshape(2, 12))
    assert tuple(layer(np.ones((5,), np.float32)).shape) == (5, 1)
    assert layer.compute_output_shape((5,)) == (5, 1)


def test_flatten_channels_first_matches_channels_last_order(rng):
    x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)  # (batch, C, H, W)
    y = keras.layers.Flatten(data_format="channels_first")(x)
    np.testing.assert_array_equal(y.numpy(), x.transpose(0, 2, 3, 1).reshape(2, -1))


def test_flatten_symbolic_and_config(rng):
    assert _symbolic(keras.layers.Flatten(), (3, 4)) == (None, 12)
    assert _symbolic(keras.layers.Flatten(), (3, None)) == (None, None)
    layer = keras.layers.Flatten(data_format="channels_first")
    assert layer.get_config()["data_format"] == "channels_first"
    _round_trip(layer, rng.standard_normal((2, 3, 4)).astype(np.float32))
    with pytest.raises(ValueError, match="channels_last"):
        keras.layers.Flatten(data_format="nchw")


def test_flatten_training_step(rng):
    _training_lowers_loss(keras.layers.Flatten(), rng.standard_normal((2, 3, 2))
                          .astype(np.float32), 6)


# -- Reshape ------------------------------------------------------------------------------
def test_reshape_values_and_minus_one(rng):
    x = rng.standard_normal((5, 12)).astype(np.float32)
    layer = keras.layers.Reshape((-1, 2, 2))
    y = layer(x)
    assert tuple(y.shape) == (5, 3, 2, 2) == layer.compute_output_shape((5, 12))
    np.testing.assert_array_equal(y.numpy(), x.reshape(5, 3, 2, 2))
    assert _symbolic(keras.layers.Reshape((3, 4)), (12,)) == (None, 3, 4)
    assert _symbolic(keras.layers.Reshape((-1, 4)), (12,)) == (None, 3, 4)
    assert _symbolic(keras.layers.Reshape((-1, 4)), (None,)) == (None, None, 4)


def test_reshape_errors():
    with pytest.raises(ValueError, match="at most one unknown dimension"):
        keras.layers.Reshape((-1, -1))
    with pytest.raises(ValueError, match="non-negative integer"):
        keras.layers.Reshape((-2, 3))
    with pytest.raises(ValueError, match=r"input_shape=\(12,\), target_shape=\(5,\)"):
        keras.layers.Reshape((5,))(np.ones((2, 12), np.float32))
    with pytest.raises(ValueError, match="cannot by divided"):
        keras.layers.Reshape((-1, 5))(np.ones((2, 12), np.float32))
    with pytest.raises(ValueError, match="total size"):
        keras.layers.Reshape((5,))(keras.Input((12,)))


def test_reshape_config_and_training(rng):
    x = rng.standard_normal((2, 6)).astype(np.float32)
    layer = keras.layers.Reshape((3, 2))
    assert layer.get_config()["target_shape"] == (3, 2)
    _round_trip(layer, x)
    config = layer.get_config()
    config["target_shape"] = list(config["target_shape"])  # as JSON gives it back
    assert keras.layers.Reshape.from_config(config).target_shape == (3, 2)
    _training_lowers_loss(keras.layers.Reshape((2, 3)), x, (2, 3))


# -- Permute ------------------------------------------------------------------------------
def test_permute_values_and_shapes(rng):
    x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    layer = keras.layers.Permute((3, 1, 2))
    y = layer(x)
    np.testing.assert_array_equal(y.numpy(), x.transpose(0, 3, 1, 2))
    assert tuple(y.shape) == layer.compute_output_shape((2, 3, 4, 5)) == (2, 5, 3, 4)
    assert _symbolic(keras.layers.Permute((2, 1)), (10, 64)) == (None, 64, 10)


def test_permute_errors_config_training(rng):
    with pytest.raises(ValueError, match="consecutive and start from 1"):
        keras.layers.Permute((0, 1))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        keras.layers.Permute((2, 1))(np.ones((2, 3), np.float32))
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    layer = keras.layers.Permute((2, 1))
    assert layer.get_config()["dims"] == (2, 1)
    _round_trip(layer, x)
    _training_lowers_loss(keras.layers.Permute((2, 1)), x, (4, 3))


# -- RepeatVector ---------------------------------------------------------------------------
def test_repeat_vector_values_shapes_gradient(rng):
    x = rng.standard_normal((2, 4)).astype(np.float32)
    layer = keras.layers.RepeatVector(3)
    y = layer(x)
    np.testing.assert_array_equal(y.numpy(), np.repeat(x[:, None, :], 3, axis=1))
    assert tuple(y.shape) == layer.compute_output_shape((2, 4)) == (2, 3, 4)
    assert _symbolic(keras.layers.RepeatVector(3), (32,)) == (None, 3, 32)
    xv = ember.Variable(x)
    with ember.GradientTape() as tape:
        s = ember.reduce_sum(layer(xv))
    np.testing.assert_allclose(tape.gradient(s, xv).numpy(), np.full_like(x, 3.0))


def test_repeat_vector_errors_config_training(rng):
    with pytest.raises(TypeError, match="integer value for `n`"):
        keras.layers.RepeatVector(2.0)
    with pytest.raises(ValueError, match="positive integer"):
        keras.layers.RepeatVector(0)
    with pytest.raises(ValueError, match="expected ndim=2"):
        keras.layers.RepeatVector(2)(np.ones((2, 3, 4), np.float32))
    x = rng.standard_normal((2, 3)).astype(np.float32)
    layer = keras.layers.RepeatVector(2)
    assert layer.get_config()["n"] == 2
    _round_trip(layer, x)
    _training_lowers_loss(keras.layers.RepeatVector(2), x, (2, 3))


def test_reshaping_layers_in_a_model(rng):
    inp = keras.Input((3, 4))
    h = keras.layers.Permute((2, 1))(inp)
    h = keras.layers.Flatten()(h)
    h = keras.layers.RepeatVector(2)(h)
    out = keras.layers.Reshape((-1,))(h)
    model = keras.Model(inp, out)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    expected = np.repeat(x.transpose(0, 2, 1).reshape(2, 1, 12), 2, axis=1).reshape(2, 24)
    np.testing.assert_array_equal(model(x).numpy(), expected)
    assert out.shape == (None, 24)


@pytest.mark.parametrize("layer", [keras.layers.Flatten(), keras.layers.Reshape((-1,)),
                                   keras.layers.Permute((2, 1))])
def test_symbolic_integer_inputs_keep_their_dtype(layer):
    # Keras: a shape-only layer keeps integer/bool dtypes; floats take the compute dtype
    for dtype in ("int32", "int64", "bool"):
        assert layer(keras.Input((3, 4), dtype=dtype)).dtype == dtype
    assert layer(keras.Input((3, 4), dtype="float64")).dtype == "float32"
    inp = keras.Input((3, 4), dtype="int32")
    model = keras.Model(inp, layer(inp))
    assert model(np.ones((2, 3, 4), "int32")).dtype == ember.int32
