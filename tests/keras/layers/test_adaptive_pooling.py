"""keras.layers.AdaptiveAverage/AdaptiveMaxPooling1D/2D/3D, checked against a NumPy
restatement of Keras 3's bin rule: bin i of n inputs pooled to m covers
[floor(i*n/m), ceil((i+1)*n/m))."""
import itertools
import math

import numpy as np
import pytest

import ember
from ember import keras
from ember.keras import layers


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def np_adaptive_pool(x, out, mode):
    """Channels-last adaptive pooling, one output position at a time."""
    sizes = x.shape[1:-1]
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    for pos in itertools.product(*[range(m) for m in out]):
        window = tuple(slice(math.floor(i * n / m), math.ceil((i + 1) * n / m))
                       for i, n, m in zip(pos, sizes, out))
        patch = x[(slice(None),) + window].reshape(x.shape[0], -1, x.shape[-1])
        y[(slice(None),) + pos] = patch.max(1) if mode == "Max" else patch.mean(1)
    return y


def to_first(a):
    return np.moveaxis(a, -1, 1)


def layer_cls(kind, d):
    return getattr(layers, f"Adaptive{kind}Pooling{d}D")


CASES = [
    (1, (10,), (4,)), (1, (7,), (3,)), (1, (3,), (5,)), (1, (1,), (3,)), (1, (13,), (1,)),
    (2, (10, 7), (4, 3)), (2, (5, 6), (7, 7)), (2, (3, 8), (5, 2)), (2, (9, 9), (9, 9)),
    (3, (5, 6, 7), (2, 3, 4)), (3, (3, 4, 5), (5, 2, 3)), (3, (2, 3, 1), (3, 3, 2)),
]


@pytest.mark.parametrize("kind", ["Average", "Max"])
@pytest.mark.parametrize("d,spatial,out", CASES)
def test_values_match_the_bin_rule(kind, d, spatial, out):
    x = rand(2, *spatial, 3)
    want = np_adaptive_pool(x, out, kind)
    y = layer_cls(kind, d)(out)(ember.constant(x))
    assert tuple(y.shape) == (2, *out, 3)
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-5, atol=1e-6)
    y = layer_cls(kind, d)(out, data_format="channels_first")(ember.constant(to_first(x)))
    assert tuple(y.shape) == (2, 3, *out)
    np.testing.assert_allclose(y.numpy(), to_first(want), rtol=1e-5, atol=1e-6)


def test_overlapping_bins_known_values():
    # Real Keras 3.15: 5 steps into 3 bins are [0, 2), [1, 4), [3, 5).
    x = ember.constant(np.arange(5, dtype=np.float32).reshape(1, 5, 1))
    np.testing.assert_allclose(layers.AdaptiveAveragePooling1D(3)(x).numpy().ravel(),
                               [0.5, 2.0, 3.5])
    np.testing.assert_allclose(layers.AdaptiveMaxPooling1D(3)(x).numpy().ravel(),
                               [1.0, 3.0, 4.0])
    # 3 steps into 5 bins: [0,1), [0,2), [1,2), [1,3), [2,3).
    x = ember.constant(np.array([1.0, 3.0, 8.0], np.float32).reshape(1, 3, 1))
    np.testing.assert_allclose(layers.AdaptiveAveragePooling1D(5)(x).numpy().ravel(),
                               [1.0, 2.0, 3.0, 5.5, 8.0])


def test_int_output_size_is_repeated_and_int_inputs_average_as_float():
    assert layers.AdaptiveMaxPooling3D(2).output_size == (2, 2, 2)
    assert layers.AdaptiveAveragePooling2D([3, 4]).output_size == (3, 4)
    x = ember.constant(np.arange(6, dtype=np.int32).reshape(1, 6, 1))
    y = layers.AdaptiveAveragePooling1D(2)(x)
    assert y.dtype == ember.float32
    np.testing.assert_allclose(y.numpy().ravel(), [1.0, 4.0])
    y = layers.AdaptiveMaxPooling1D(2)(x)
    assert y.dtype == ember.int32
    np.testing.assert_array_equal(y.numpy().ravel(), [2, 5])


def test_gradients():
    x = ember.constant(rand(2, 5, 3))
    with ember.GradientTape() as tape:
        tape.watch(x)
        loss = ember.reduce_sum(layers.AdaptiveAveragePooling1D(3)(x))
    grad = tape.gradient(loss, x).numpy()
    want = np.array([1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2])
    np.testing.assert_allclose(grad, np.broadcast_to(want[None, :, None], (2, 5, 3)),
                               rtol=1e-6)

    xv = rand(2, 7, 5, 3, seed=1)
    x = ember.constant(xv)
    upstream = rand(2, 3, 4, 3, seed=2)
    with ember.GradientTape() as tape:
        tape.watch(x)
        loss = ember.reduce_sum(layers.AdaptiveMaxPooling2D((3, 4))(x) * upstream)
    grad = tape.gradient(loss, x).numpy()
    want = np.zeros_like(xv)
    for i, j in itertools.product(range(3), range(4)):
        hs = slice(math.floor(i * 7 / 3), math.ceil((i + 1) * 7 / 3))
        ws = slice(math.floor(j * 5 / 4), math.ceil((j + 1) * 5 / 4))
        for b, c in itertools.product(range(2), range(3)):
            patch = xv[b, hs, ws, c]
            r, s = np.unravel_index(np.argmax(patch), patch.shape)
            want[b, hs.start + r, ws.start + s, c] += upstream[b, i, j, c]
    np.testing.assert_allclose(grad, want, rtol=1e-6, atol=1e-6)


def test_training_step_in_a_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((None, None, 2)),
        layers.Conv2D(4, 3, padding="same"),
        layers.AdaptiveMaxPooling2D((3, 2)),
        layers.AdaptiveAveragePooling2D(2),
        layers.Flatten(),
        layers.Dense(1),
    ])
    assert model.output_shape == (None, 1)
    model.compile(optimizer="sgd", loss="mse")
    before = model.layers[0].get_weights()[0].copy()
    history = model.fit(rand(8, 9, 7, 2), rand(8, 1), epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert not np.allclose(before, model.layers[0].get_weights()[0])


def test_symbolic_output_shape_and_config_round_trip():
    layer = layers.AdaptiveAveragePooling3D((2, 3, 4), data_format="channels_first")
    assert layer(keras.Input((5, None, None, None))).shape == (None, 5, 2, 3, 4)
    assert layer.compute_output_shape((None, 5, 8, 8, 8)) == (None, 5, 2, 3, 4)
    config = layer.get_config()
    assert config["output_size"] == (2, 3, 4)
    assert config["data_format"] == "channels_first"
    clone = layers.AdaptiveAveragePooling3D.from_config(config)
    x = ember.constant(rand(1, 5, 6, 7, 8))
    np.testing.assert_allclose(clone(x).numpy(), layer(x).numpy())
    assert layers.AdaptiveMaxPooling1D(4).get_config()["data_format"] == "channels_last"
    restored = keras.layers.deserialize(keras.layers.serialize(layers.AdaptiveMaxPooling2D(3)))
    assert isinstance(restored, layers.AdaptiveMaxPooling2D)
    assert restored.output_size == (3, 3)


def test_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match="length 1"):
        layers.AdaptiveMaxPooling1D((2, 2))
    with pytest.raises(TypeError, match="output_size"):
        layers.AdaptiveMaxPooling2D((2,))
    with pytest.raises(TypeError, match="output_size"):
        layers.AdaptiveAveragePooling3D(2.0)
    with pytest.raises(ValueError, match="positive"):
        layers.AdaptiveAveragePooling2D((0, 2))
    with pytest.raises(ValueError, match="data_format"):
        layers.AdaptiveAveragePooling2D(2, data_format="channels_middle")
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.AdaptiveAveragePooling2D(2)(ember.ones((1, 6, 3)))
