import numpy as np
import pytest

import ember
from ember import keras


class Scale(keras.layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.frozen = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                      name="frozen")

    def call(self, x, training=None):
        out = x * self.w * self.factor
        return out + 1.0 if training else out


def test_build_on_first_call_and_weights():
    layer = Scale(2.0)
    assert not layer.built
    out = layer(np.ones((2, 3), np.float32))
    assert layer.built and out.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), 2.0)
    assert [w.name for w in layer.weights] == ["w", "frozen"]
    assert [w.path for w in layer.trainable_weights] == [f"{layer.name}/w"]
    assert len(layer.non_trainable_weights) == 1
    assert layer.count_params() == 4


def test_training_flag_reaches_call_and_nested_layers():
    class Outer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = Scale()

        def call(self, x, training=None):
            return self.inner(x)

    outer = Outer()
    x = np.ones((1, 2), np.float32)
    np.testing.assert_allclose(outer(x).numpy(), 1.0)
    np.testing.assert_allclose(outer(x, training=True).numpy(), 2.0)
    assert outer.weights == outer.inner.weights


def test_freezing_removes_trainable_weights():
    layer = Scale()
    layer(np.ones((1, 2), np.float32))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_unique_names():
    a, b = keras.layers.Dense(1), keras.layers.Dense(1)
    assert a.name != b.name and a.name.startswith("dense")
    assert keras.layers.Dense(1, name="head").name == "head"


def test_get_set_weights_and_shape_check():
    layer = keras.layers.Dense(2)
    layer(np.ones((1, 3), np.float32))
    weights = layer.get_weights()
    assert [w.shape for w in weights] == [(3, 2), (2,)]
    layer.set_weights([np.ones((3, 2)), np.zeros(2)])
    np.testing.assert_allclose(layer(np.ones((1, 3), np.float32)).numpy(), [[3.0, 3.0]])
    with pytest.raises(ValueError, match="weight shape"):
        layer.set_weights([np.ones((2, 2)), np.zeros(2)])
    with pytest.raises(ValueError, match="expecting 2 weights"):
        layer.set_weights([np.ones((3, 2))])


def test_add_loss_and_regularizers():
    layer = keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.5))
    layer(np.ones((1, 3), np.float32))
    (reg,) = layer.losses
    np.testing.assert_allclose(float(reg), 0.5 * np.sum(layer.kernel.numpy() ** 2),
                               rtol=1e-6)


def test_auto_get_config_for_custom_layers():
    layer = Scale(factor=3.0, name="s")
    config = layer.get_config()
    assert config["factor"] == 3.0 and config["name"] == "s"
    clone = Scale.from_config(config)
    assert clone.factor == 3.0


def test_dense_config_round_trip():
    layer = keras.layers.Dense(4, activation="relu", use_bias=False, name="d")
    clone = keras.layers.Dense.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


def test_masks_pass_through_supporting_layers():
    x = ember.constant(np.ones((2, 3, 4), np.float32))
    x._keras_mask = ember.constant([[True, True, False], [True, False, False]])
    out = keras.layers.Dense(2)(x)
    assert out._keras_mask.numpy().tolist() == [[True, True, False], [True, False, False]]


def test_mask_argument_filled_from_input():
    seen = {}

    class Probe(keras.layers.Layer):
        def call(self, x, mask=None):
            seen["mask"] = mask
            return x

    x = ember.ones((1, 2))
    x._keras_mask = ember.constant([[True, False]])
    Probe()(x)
    assert seen["mask"].numpy().tolist() == [[True, False]]


def test_unknown_constructor_argument_is_an_error():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        keras.layers.Dense(2, foo=1)


def test_dense_gradient_step_lowers_loss():
    layer = keras.layers.Dense(1)
    x = np.random.default_rng(0).normal(size=(16, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [2.0], [-1.0]], np.float32)
    losses = []
    for _ in range(20):
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean(ember.square(layer(x) - y))
        grads = tape.gradient(loss, layer.trainable_weights)
        for v, g in zip(layer.trainable_weights, grads):
            v.assign_sub(0.1 * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0] * 0.1
