"""Rescaling and Normalization (adapt, given statistics, models, configs)."""
import json

import numpy as np
import pytest

import ember
from ember import keras

L = keras.layers


def _sgd_lowers_loss(loss_fn, weights, steps=6, lr=0.05):
    losses = []
    for _ in range(steps):
        with ember.GradientTape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, weights)
        for v, g in zip(weights, grads):
            v.assign_sub(lr * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0]


# -- Rescaling ----------------------------------------------------------------------------
def test_rescaling_values_and_dtypes(rng):
    x = rng.integers(0, 256, (2, 4, 4, 3)).astype(np.uint8)
    layer = L.Rescaling(1 / 127.5, offset=-1)
    y = layer(ember.constant(x))
    assert y.dtype == ember.float32
    np.testing.assert_allclose(y.numpy(), x.astype(np.float32) / 127.5 - 1, rtol=1e-6,
                               atol=1e-6)
    assert tuple(y.shape) == layer.compute_output_shape(x.shape)
    assert L.Rescaling(2.0)(keras.Input((4, 3))).shape == (None, 4, 3)
    per_channel = L.Rescaling(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(per_channel(np.ones((1, 2, 3), np.float32)).numpy(),
                               np.broadcast_to([1.0, 2.0, 3.0], (1, 2, 3)))


def test_rescaling_channels_first_reshapes_scale():
    keras.config.set_image_data_format("channels_first")
    try:
        layer = L.Rescaling([1.0, 2.0])
        y = layer(np.ones((1, 2, 3, 3), np.float32)).numpy()
    finally:
        keras.config.set_image_data_format("channels_last")
    np.testing.assert_allclose(y[0, 1], np.full((3, 3), 2.0))
    np.testing.assert_allclose(y[0, 0], np.full((3, 3), 1.0))


def test_rescaling_config_round_trip_and_mask(rng):
    x = rng.standard_normal((2, 3)).astype(np.float32)
    for layer in (L.Rescaling(0.5, offset=2.0), L.Rescaling(np.array([1.0, 2.0, 3.0]))):
        config = layer.get_config()
        json.dumps(config)
        clone = L.Rescaling.from_config(json.loads(json.dumps(config)))
        np.testing.assert_allclose(clone(x).numpy(), layer(x).numpy())
    assert L.Rescaling(0.5).get_config()["scale"] == 0.5
    t = ember.constant(x)
    t._keras_mask = ember.constant([True, False])
    np.testing.assert_array_equal(L.Rescaling(2.0)(t)._keras_mask.numpy(), [True, False])


def test_rescaling_training_step(rng):
    x = rng.standard_normal((8, 3)).astype(np.float32) * 100
    target = ember.constant(rng.standard_normal((8, 2)).astype(np.float32))
    dense = L.Dense(2)
    model = keras.Sequential([keras.Input((3,)), L.Rescaling(0.01), dense])
    _sgd_lowers_loss(lambda: ember.reduce_mean(ember.square(model(x) - target)),
                     model.trainable_weights)


# -- Normalization ----------------------------------------------------------------------------
def test_normalization_adapt_numpy_values_and_weights(rng):
    data = (rng.standard_normal((50, 3)) * [1, 2, 3] + [0, 5, -2]).astype(np.float32)
    layer = L.Normalization()
    layer.adapt(data)
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 3
    assert layer.weights[2].dtype == ember.int64
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), data.var(0), rtol=1e-5)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(layer(x).numpy(), (x - data.mean(0)) / data.std(0),
                               rtol=1e-4, atol=1e-5)


def test_normalization_adapt_sources_agree(rng):
    data = rng.standard_normal((40, 2, 3)).astype(np.float32)
    want_mean, want_var = data.mean((0, 1)), data.var((0, 1))
    sources = [
        lambda: data,
        lambda: ember.constant(data),
        lambda: [data[:15], data[15:32], data[32:]],
        lambda: (b for b in np.split(data, 4)),
        lambda: [(data[:20], np.zeros(20)), (data[20:], np.zeros(20))],  # (x, y) batches
    ]
    for make in sources:
        layer = L.Normalization()
        layer.adapt(make())
        np.testing.assert_allclose(layer.adapt_mean.numpy(), want_mean, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(layer.adapt_variance.numpy(), want_var, rtol=1e-5)
    layer = L.Normalization()
    layer.adapt(data, batch_size=7)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), want_var, rtol=1e-5)
    layer.adapt([data[:10], data[10:20], data[20:]], steps=2)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data[:20].mean((0, 1)), rtol=1e-5,
                               atol=1e-6)


def test_normalization_axes(rng):
    data = rng.standard_normal((10, 4, 3)).astype(np.float32)
    layer = L.Normalization(axis=None)
    layer.adapt(data)
    assert tuple(layer.adapt_mean.shape) == ()
    np.testing.assert_allclose(layer(data).numpy(), (data - data.mean()) / data.std(),
                               rtol=1e-4, atol=1e-5)
    layer = L.Normalization(axis=(1, 2))
    layer.adapt(data)
    assert tuple(layer.adapt_mean.shape) == (4, 3)
    np.testing.assert_allclose(layer(data).numpy(), (data - data.mean(0)) / data.std(0),
                               rtol=1e-4, atol=1e-4)
    layer = L.Normalization(axis=1)
    layer.adapt(data)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean((0, 2)), rtol=1e-5,
                               atol=1e-6)


def test_normalization_given_statistics_and_invert(rng):
    x = rng.standard_normal((3, 2)).astype(np.float32)
    layer = L.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.0])
    y = layer(x).numpy()
    np.testing.assert_allclose(y, (x - [1.0, 2.0]) / np.maximum(np.sqrt([4.0, 0.0]), 1e-7),
                               rtol=1e-5)
    assert layer.weights == []
    inv = L.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0], invert=True)
    np.testing.assert_allclose(inv(x).numpy(), x * [2.0, 3.0] + [1.0, 2.0], rtol=1e-6)
    scalar = L.Normalization(mean=3.0, variance=2.0)
    np.testing.assert_allclose(scalar(np.array([[1.0], [3.0]], np.float32)).numpy(),
                               [[-2 / np.sqrt(2)], [0.0]], rtol=1e-6)
    adapted = L.Normalization(invert=True)
    adapted.adapt(np.array([[0.0, 7.0], [2.0, 9.0]], np.float32))
    np.testing.assert_allclose(adapted(np.array([[1.0, 2.0]], np.float32)).numpy(),
                               [[2.0, 10.0]], rtol=1e-6)


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        L.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="must have the same shape"):
        L.Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match="rank of `mean`"):
        L.Normalization(axis=-1, mean=[[1.0]], variance=[[1.0]])
    with pytest.raises(ValueError, match="cannot be broadcast"):
        L.Normalization(mean=[1.0, 2.0], variance=[1.0, 1.0])(np.ones((2, 3), np.float32))
    layer = L.Normalization()
    layer.adapt(np.ones((4, 3), np.float32))
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(np.ones((4, 5), np.float32))
    with pytest.raises(ValueError, match="empty iterable"):
        L.Normalization().adapt([])
    with pytest.raises(ValueError, match="known shape"):
        L.Normalization()(keras.Input((None,)))
    with pytest.raises(TypeError, match="Unsupported data type"):
        L.Normalization().adapt(3.0)


def test_normalization_config_round_trip(rng):
    x = rng.standard_normal((3, 2)).astype(np.float32)
    layer = L.Normalization(axis=-1, mean=[1.0, 2.0], variance=[4.0, 9.0], invert=False)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["mean"] == [1.0, 2.0] and config["variance"] == [4.0, 9.0]
    clone = L.Normalization.from_config(config)
    np.testing.assert_allclose(clone(x).numpy(), layer(x).numpy())
    adapted = L.Normalization()
    adapted.adapt(x)
    config = adapted.get_config()
    assert config["mean"] is None and config["variance"] is None
    clone = L.Normalization.from_config(config)
    clone.build_from_config(adapted.get_build_config())
    clone.set_weights(adapted.get_weights())
    np.testing.assert_allclose(clone(x).numpy(), adapted(x).numpy())


def test_normalization_in_a_model_and_training(rng):
    data = (rng.standard_normal((32, 3)) * 10 + 50).astype(np.float32)
    norm = L.Normalization()
    inp = keras.Input((3,))
    out = L.Dense(1)(norm(inp))
    model = keras.Model(inp, out)
    assert norm(inp).shape == (None, 3)
    norm.adapt(data)  # adapt after the model was built
    target = ember.constant(rng.standard_normal((32, 1)).astype(np.float32))
    assert [w.name for w in model.trainable_weights] == ["kernel", "bias"]
    _sgd_lowers_loss(lambda: ember.reduce_mean(ember.square(model(data) - target)),
                     model.trainable_weights)
    h = norm(data).numpy()
    np.testing.assert_allclose(h.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(h.std(0), 1, atol=1e-3)
    xv = ember.Variable(data[:2])
    with ember.GradientTape() as tape:
        s = ember.reduce_sum(norm(xv))
    np.testing.assert_allclose(tape.gradient(s, xv).numpy(),
                               np.broadcast_to(1 / data.std(0), (2, 3)), rtol=1e-4)
