"""keras.layers regularization family: Dropout, GaussianNoise, GaussianDropout,
ActivityRegularization."""
import math

import numpy as np
import pytest

import ember
from ember import keras
from ember.keras import layers
from ember.keras.utils import set_random_seed


# -- helpers ----------------------------------------------------------------------------------
def sgd_losses(loss_fn, variables, steps=5, lr=0.1):
    """Plain SGD by hand; returns the loss before each step."""
    losses = []
    for _ in range(steps):
        with ember.GradientTape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, variables)
        for v, g in zip(variables, grads):
            assert g is not None, f"no gradient for {v.name}"
            v.assign_sub(lr * g)
        losses.append(float(loss))
    return losses


def train_through(layer, x, units=3, steps=5, lr=0.05, training=True):
    """Train a Dense placed before ``layer`` to push ``layer``'s output towards 1."""
    dense = layers.Dense(units, kernel_initializer=keras.initializers.RandomNormal(seed=1))
    dense(x)
    target = np.ones((x.shape[0], units), np.float32)
    return sgd_losses(
        lambda: ember.reduce_mean(ember.square(layer(dense(x), training=training) - target)),
        dense.trainable_weights, steps=steps, lr=lr)


def roundtrip(layer, x):
    """from_config(get_config()): the same config, and the same inference outputs."""
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    np.testing.assert_allclose(np_(clone(x)), np_(layer(x)), rtol=1e-6)
    return clone


def np_(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def check_shapes(layer, shape=(4, 3)):
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    assert tuple(layer(x, training=True).shape) == shape
    assert tuple(layer.compute_output_shape((None,) + shape[1:])) == (None,) + shape[1:]
    assert layer(keras.Input(shape[1:])).shape == (None,) + shape[1:]


ONES = np.ones((200, 50), np.float32)


# -- Dropout ----------------------------------------------------------------------------------
def test_dropout_training_vs_inference():
    layer = layers.Dropout(0.3, seed=1)
    np.testing.assert_array_equal(np_(layer(ONES)), ONES)  # training defaults to False
    np.testing.assert_array_equal(np_(layer(ONES, training=False)), ONES)
    out = np_(layer(ONES, training=True))
    assert set(np.unique(out).tolist()) <= {0.0, np.float32(1 / 0.7)}
    assert abs((out == 0).mean() - 0.3) < 0.03
    assert abs(out.mean() - 1.0) < 0.05  # the sum is kept on average
    assert layer.built and layer.weights == [] and layer.get_weights() == []


def test_dropout_values_are_the_kept_inputs_scaled(rng):
    x = rng.normal(size=(6, 5)).astype(np.float32)
    out = np_(layers.Dropout(0.5, seed=4)(x, training=True))
    kept = out != 0
    assert 0 < kept.sum() < x.size
    np.testing.assert_allclose(out[kept], x[kept] / 0.5, rtol=1e-6)


def test_dropout_rate_edges():
    np.testing.assert_array_equal(np_(layers.Dropout(0.0)(ONES, training=True)), ONES)
    np.testing.assert_array_equal(np_(layers.Dropout(1.0)(ONES, training=True)), 0.0)


def test_dropout_noise_shape():
    x = np.ones((4, 6, 5), np.float32)
    out = np_(layers.Dropout(0.5, noise_shape=(None, 1, 5), seed=2)(x, training=True))
    assert (out == out[:, :1, :]).all()  # one draw per (batch, feature), shared over time
    assert 0 < (out == 0).sum() < out.size
    with pytest.raises(ValueError, match="noise_shape"):
        layers.Dropout(0.5, noise_shape="abc")
    with pytest.raises(ValueError, match="integers or None"):
        layers.Dropout(0.5, noise_shape=(None, 1.5))
    with pytest.raises(ValueError, match="positive integers"):
        layers.Dropout(0.5, noise_shape=(None, 0))
    with pytest.raises(ValueError, match="rank of the inputs"):
        layers.Dropout(0.5, noise_shape=(None, 1))(x, training=True)


def test_dropout_seeds_repeat_and_calls_differ():
    a = layers.Dropout(0.5, seed=7)
    b = layers.Dropout(0.5, seed=7)
    first = np_(a(ONES, training=True))
    np.testing.assert_array_equal(np_(b(ONES, training=True)), first)
    assert (np_(a(ONES, training=True)) != first).any()  # each call draws a new mask
    assert (np_(layers.Dropout(0.5, seed=8)(ONES, training=True)) != first).any()


def test_set_random_seed_makes_dropout_repeatable():
    def run():
        layer = layers.Dropout(0.5)
        return np_(layer(ONES, training=True)), np_(layer(ONES, training=True))

    set_random_seed(11)
    first = run()
    set_random_seed(11)
    second = run()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    set_random_seed(12)
    assert (run()[0] != first[0]).any()


def test_dropout_training_flag_reaches_it_inside_a_model():
    inputs = keras.Input((50,))
    model = keras.Model(inputs, layers.Dropout(0.5, seed=3)(inputs))
    np.testing.assert_array_equal(np_(model(ONES)), ONES)
    assert (np_(model(ONES, training=True)) == 0).any()


def test_dropout_gradient_and_training():
    x = ember.Variable(ONES[:4, :8])
    layer = layers.Dropout(0.25, seed=5)
    with ember.GradientTape() as tape:
        y = layer(x, training=True)
        total = ember.reduce_sum(y)
    g = np_(tape.gradient(total, x))
    np.testing.assert_allclose(g, np_(y))  # mask / (1 - rate), the same mask
    losses = train_through(layers.Dropout(0.2, seed=1), ONES[:8, :4], training=False)
    assert losses[-1] < losses[0]


def test_dropout_mask_shapes_config_errors():
    t = ember.constant(ONES[:2, :3])
    t._keras_mask = ember.constant([True, False])
    assert np_(layers.Dropout(0.5)(t, training=True)._keras_mask).tolist() == [True, False]
    check_shapes(layers.Dropout(0.5))
    layer = layers.Dropout(0.4, noise_shape=[None, 1], seed=9)
    config = layer.get_config()
    assert (config["rate"], config["seed"], config["noise_shape"]) == (0.4, 9, (None, 1))
    roundtrip(layer, ONES[:3, :4])
    with pytest.raises(ValueError, match="Expected a float value between 0 and 1"):
        layers.Dropout(1.5)


# -- GaussianNoise ----------------------------------------------------------------------------
def test_gaussian_noise_training_vs_inference():
    layer = layers.GaussianNoise(0.2, seed=3)
    np.testing.assert_array_equal(np_(layer(ONES)), ONES)
    noise = np_(layer(ONES, training=True)) - ONES
    assert abs(noise.mean()) < 0.01
    assert abs(noise.std() - 0.2) < 0.01
    assert (np_(layer(ONES, training=True)) - ONES != noise).any()
    np.testing.assert_array_equal(
        np_(layers.GaussianNoise(0.2, seed=3)(ONES, training=True)) - ONES, noise)
    assert layer.weights == []


def test_gaussian_noise_shapes_training_config_errors():
    check_shapes(layers.GaussianNoise(0.1))
    losses = train_through(layers.GaussianNoise(0.01, seed=1), ONES[:8, :4])
    assert losses[-1] < losses[0]
    layer = layers.GaussianNoise(0.3, seed=2)
    config = layer.get_config()
    assert (config["stddev"], config["seed"]) == (0.3, 2)
    roundtrip(layer, ONES[:2, :3])
    np.testing.assert_array_equal(np_(layers.GaussianNoise(0.0)(ONES, training=True)), ONES)
    with pytest.raises(ValueError, match="`stddev`"):
        layers.GaussianNoise(-0.1)
    set_random_seed(3)
    a = np_(layers.GaussianNoise(0.5)(ONES, training=True))
    set_random_seed(3)
    np.testing.assert_array_equal(np_(layers.GaussianNoise(0.5)(ONES, training=True)), a)


# -- GaussianDropout --------------------------------------------------------------------------
def test_gaussian_dropout_training_vs_inference():
    rate = 0.3
    layer = layers.GaussianDropout(rate, seed=4)
    np.testing.assert_array_equal(np_(layer(ONES)), ONES)
    x = 2.0 * ONES
    factor = np_(layer(x, training=True)) / x
    assert abs(factor.mean() - 1.0) < 0.02
    assert abs(factor.std() - math.sqrt(rate / (1 - rate))) < 0.02
    np.testing.assert_allclose(np_(layers.GaussianDropout(rate, seed=4)(x, training=True)),
                               factor * x, rtol=1e-6)
    assert layer.weights == []


def test_gaussian_dropout_shapes_training_config_errors():
    check_shapes(layers.GaussianDropout(0.1))
    losses = train_through(layers.GaussianDropout(0.01, seed=1), ONES[:8, :4])
    assert losses[-1] < losses[0]
    layer = layers.GaussianDropout(0.25, seed=6)
    config = layer.get_config()
    assert (config["rate"], config["seed"]) == (0.25, 6)
    roundtrip(layer, ONES[:2, :3])
    with pytest.raises(ValueError, match="`rate`"):
        layers.GaussianDropout(2.0)
    with pytest.raises(ValueError, match="rate=1"):
        layers.GaussianDropout(1.0)(ONES, training=True)


# -- ActivityRegularization -------------------------------------------------------------------
def test_activity_regularization_passes_inputs_and_adds_a_loss(rng):
    x = rng.normal(size=(4, 3)).astype(np.float32)
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    np.testing.assert_array_equal(np_(layer(x)), x)
    assert len(layer.losses) == 1
    assert layer.weights == []
    assert isinstance(layer.activity_regularizer, keras.regularizers.L1L2)
    check_shapes(layers.ActivityRegularization(l1=0.1))


def test_activity_regularization_loss_value(rng):
    x = rng.normal(size=(4, 3)).astype(np.float32)
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    layer(x)
    expected = (0.1 * np.abs(x).sum() + 0.01 * np.square(x).sum()) / x.shape[0]
    np.testing.assert_allclose(float(layer.losses[0]), expected, rtol=1e-5)


def test_activity_regularization_training_lowers_the_penalty(rng):
    x = rng.normal(size=(8, 3)).astype(np.float32)
    dense = layers.Dense(4, kernel_initializer=keras.initializers.RandomNormal(seed=1))
    reg = layers.ActivityRegularization(l2=0.5)
    dense(x)

    def loss():
        reg._clear_losses()
        reg(dense(x))
        return ember.add_n(reg.losses)

    losses = sgd_losses(loss, dense.trainable_weights, lr=0.05)
    assert losses[-1] < losses[0]


def test_activity_regularization_config():
    layer = layers.ActivityRegularization(l1=0.2, l2=0.3)
    config = layer.get_config()
    assert config["l1"] == 0.2 and config["l2"] == 0.3
    assert "activity_regularizer" not in config
    clone = roundtrip(layer, ONES[:2, :3])
    assert clone.activity_regularizer.l1 == 0.2
    t = ember.constant(ONES[:2, :3])
    t._keras_mask = ember.constant([True, False])
    assert np_(layer(t)._keras_mask).tolist() == [True, False]


@pytest.mark.parametrize("make", [
    lambda: layers.Dropout(0.5), lambda: layers.AlphaDropout(0.5),
    lambda: layers.SpatialDropout1D(0.5), lambda: layers.GaussianNoise(0.5),
    lambda: layers.GaussianDropout(0.5),
])
def test_noise_layers_refuse_integer_inputs_while_training(make):
    # Keras raises here; NumPy promotion would silently give float64 (int32 * float32)
    x = np.ones((2, 3, 4), np.int32)
    layer = make()
    assert layer(x, training=False).dtype == ember.int32     # inference: passed through
    with pytest.raises(ValueError, match=f"{type(layer).__name__}.*int32.*float"):
        layer(x, training=True)
