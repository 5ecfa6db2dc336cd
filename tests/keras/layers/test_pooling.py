"""keras.layers pooling family: Max/AveragePooling1D/2D/3D and the global poolings,
checked against NumPy restatements of Keras's (TensorFlow's) formulas."""
import itertools

import numpy as np
import pytest

import ember
from ember import keras
from ember.keras import layers


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def np_(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def np_pool(x, pool, strides, padding, mode):
    """Channels-last pooling; SAME windows use only the positions inside the input."""
    sizes = x.shape[1:-1]
    if padding == "same":
        out = [-(-n // s) for n, s in zip(sizes, strides)]
        starts = [-(max((o - 1) * s + k - n, 0) // 2)
                  for n, k, s, o in zip(sizes, pool, strides, out)]
    else:
        out = [(n - k) // s + 1 for n, k, s in zip(sizes, pool, strides)]
        starts = [0] * len(sizes)
    y = np.zeros((x.shape[0], *out, x.shape[-1]))
    for pos in itertools.product(*[range(o) for o in out]):
        window = tuple(slice(max(st + p * s, 0), min(st + p * s + k, n))
                       for st, p, s, k, n in zip(starts, pos, strides, pool, sizes))
        patch = x[(slice(None),) + window].reshape(x.shape[0], -1, x.shape[-1])
        y[(slice(None),) + pos] = patch.max(1) if mode == "max" else patch.mean(1)
    return y


def to_first(a):
    return np.moveaxis(a, -1, 1)


POOL_CASES = [
    (layers.MaxPooling1D, {}, (2, 7, 3)),
    (layers.MaxPooling1D, {"pool_size": 3, "strides": 1, "padding": "same"}, (2, 6, 2)),
    (layers.MaxPooling2D, {}, (2, 6, 7, 3)),
    (layers.MaxPooling2D, {"pool_size": (3, 2), "strides": 2, "padding": "same"}, (2, 7, 5, 2)),
    (layers.MaxPooling3D, {"pool_size": 2, "strides": (1, 2, 2)}, (1, 3, 5, 4, 2)),
    (layers.AveragePooling1D, {"pool_size": 2}, (2, 7, 3)),
    (layers.AveragePooling1D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 8, 2)),
    (layers.AveragePooling2D, {"pool_size": (2, 3), "strides": 1, "padding": "same"}, (2, 4, 5, 2)),
    (layers.AveragePooling2D, {"pool_size": 3, "strides": 2}, (1, 7, 8, 2)),
    (layers.AveragePooling3D, {"pool_size": 3, "strides": 2, "padding": "same"}, (1, 5, 4, 3, 2)),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls,kwargs,shape", POOL_CASES)
def test_pooling_matches_numpy(cls, kwargs, shape, data_format):
    layer = cls(**kwargs, data_format=data_format)
    x = rand(*shape)
    y = np_(layer(x if data_format == "channels_last" else to_first(x)))
    want = np_pool(x, layer.pool_size, layer.strides, layer.padding, layer.pool_mode)
    np.testing.assert_allclose(y, want if data_format == "channels_last" else to_first(want),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls,kwargs,shape", POOL_CASES)
def test_pooling_shapes(cls, kwargs, shape):
    layer = cls(**kwargs)
    assert layer.built and not layer.weights          # built at creation, as in Keras
    y = layer(rand(*shape))
    assert tuple(layer.compute_output_shape(shape)) == tuple(y.shape)
    sym = cls(**kwargs)(keras.Input(shape=shape[1:]))
    assert tuple(sym.shape) == (None,) + tuple(y.shape)[1:]
    sym2 = cls(**kwargs)(keras.Input(shape=(None,) + shape[2:]))
    assert tuple(sym2.shape) == (None, None) + tuple(y.shape)[2:]


def test_keras_defaults():
    assert layers.MaxPooling1D().pool_size == (2,)
    assert layers.MaxPooling2D().strides == (2, 2)
    assert layers.MaxPooling3D().pool_size == (2, 2, 2)
    with pytest.raises(TypeError):
        layers.AveragePooling2D()                     # Keras 3 requires pool_size here
    assert layers.AveragePooling2D(3, strides=1).strides == (1, 1)
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D
    assert layers.GlobalMaxPool2D is layers.GlobalMaxPooling2D


def test_padding_is_kept_as_given():
    layer = layers.MaxPooling2D(2, strides=1, padding="SAME")
    assert layer.get_config()["padding"] == "SAME"
    assert tuple(layer(rand(1, 3, 3, 1)).shape) == (1, 3, 3, 1)
    assert layer.compute_output_shape((1, 3, 3, 1)) == (1, 3, 3, 1)


GLOBAL_CASES = [
    (layers.GlobalMaxPooling1D, (2, 5, 3), "max"),
    (layers.GlobalMaxPooling2D, (2, 4, 5, 3), "max"),
    (layers.GlobalMaxPooling3D, (2, 2, 3, 4, 3), "max"),
    (layers.GlobalAveragePooling1D, (2, 5, 3), "mean"),
    (layers.GlobalAveragePooling2D, (2, 4, 5, 3), "mean"),
    (layers.GlobalAveragePooling3D, (2, 2, 3, 4, 3), "mean"),
]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls,shape,reduce", GLOBAL_CASES)
def test_global_pooling(cls, shape, reduce, data_format, keepdims):
    layer = cls(data_format=data_format, keepdims=keepdims)
    assert layer.built
    x = rand(*shape)
    xin = x if data_format == "channels_last" else to_first(x)
    axes = tuple(range(1, x.ndim - 1)) if data_format == "channels_last" else \
        tuple(range(2, x.ndim))
    y = np_(layer(xin))
    want = getattr(np, reduce)(xin, axis=axes, keepdims=keepdims)
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-6)
    assert tuple(layer.compute_output_shape(xin.shape)) == y.shape
    sym = cls(data_format=data_format, keepdims=keepdims)(keras.Input(shape=xin.shape[1:]))
    assert tuple(sym.shape) == (None,) + y.shape[1:]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_global_average_pooling1d_mask(data_format):
    x = rand(3, 4, 2)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1], [0, 1, 0, 1]], bool)
    layer = layers.GlobalAveragePooling1D(data_format=data_format)
    xin = x if data_format == "channels_last" else to_first(x)
    y = layer(xin, mask=ember.constant(mask))
    want = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    np.testing.assert_allclose(np_(y), want, rtol=1e-5)
    assert getattr(y, "_keras_mask", None) is None        # the mask stops here


@pytest.mark.parametrize("cls", [layers.GlobalAveragePooling1D, layers.GlobalAveragePooling2D])
def test_global_average_pooling_of_integers_is_a_float_mean(cls):
    # Keras: the mean of integer inputs is float32, not a truncated integer
    x = np.array([[[1], [2]], [[4], [4]]], "int32")
    if cls is layers.GlobalAveragePooling2D:
        x = x[:, :, None, :]
    y = cls()(x)
    assert y.dtype == ember.float32
    np.testing.assert_array_equal(np_(y), [[1.5], [4.0]])
    if cls is layers.GlobalAveragePooling1D:
        masked = cls()(x, mask=np.array([[True, True], [True, False]]))
        assert masked.dtype == ember.float32
        np.testing.assert_array_equal(np_(masked), [[1.5], [4.0]])
    booleans = cls()(x > 1)
    np.testing.assert_array_equal(np_(booleans), [[0.5], [1.0]])


def test_global_average_pooling1d_takes_the_embedding_mask():
    emb = layers.Embedding(10, 3, mask_zero=True)
    ids = np.array([[1, 2, 0, 0], [3, 4, 5, 0]])
    h = emb(ids)
    y = layers.GlobalAveragePooling1D()(h)
    table = np_(emb.embeddings)
    want = np.stack([table[[1, 2]].mean(0), table[[3, 4, 5]].mean(0)])
    np.testing.assert_allclose(np_(y), want, rtol=1e-5)


def test_gradient_flows_through_pooling():
    """A training step through each pooling layer lowers the loss of a conv before it."""
    x = rand(4, 6, 6, 2)
    for pool in (layers.MaxPooling2D(), layers.AveragePooling2D(2, padding="same"),
                 layers.GlobalMaxPooling2D(), layers.GlobalAveragePooling2D()):
        conv = layers.Conv2D(3, 3, padding="same",
                             kernel_initializer=keras.initializers.RandomNormal(seed=1))
        target = np.ones(tuple(pool.compute_output_shape((4, 6, 6, 3))), np.float32)
        conv(x)
        losses = []
        for _ in range(4):
            with ember.GradientTape() as tape:
                loss = ember.reduce_mean(ember.square(pool(conv(x)) - target))
            grads = tape.gradient(loss, conv.trainable_weights)
            for v, g in zip(conv.trainable_weights, grads):
                v.assign_sub(0.05 * g)
            losses.append(float(loss))
        assert losses[-1] < losses[0], type(pool).__name__


def test_max_pool_gradient_goes_to_the_maximum():
    x = ember.constant(np.array([[[1.0], [3.0], [2.0], [0.0]]], np.float32))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.reduce_sum(layers.MaxPooling1D()(x))
    np.testing.assert_array_equal(np_(tape.gradient(y, x)).ravel(), [0, 1, 1, 0])


@pytest.mark.parametrize("layer", [
    layers.MaxPooling1D(3, strides=2, padding="same", data_format="channels_first"),
    layers.AveragePooling3D((1, 2, 3)),
    layers.GlobalMaxPooling2D(keepdims=True, data_format="channels_first"),
    layers.GlobalAveragePooling1D(),
])
def test_config_roundtrip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    assert set(config) - {"name", "trainable", "dtype"} in (
        {"pool_size", "padding", "strides", "data_format"}, {"data_format", "keepdims"})


def test_errors():
    with pytest.raises(ValueError, match="ndim=4"):
        layers.MaxPooling2D()(rand(2, 4, 4))
    with pytest.raises(ValueError, match="ndim=3"):
        layers.GlobalAveragePooling1D()(rand(2, 4, 4, 1))
    with pytest.raises(ValueError, match="padding"):
        layers.MaxPooling2D(padding="causal")
    with pytest.raises(ValueError, match="pool_size"):
        layers.MaxPooling2D(pool_size=(2, 2, 2))
    with pytest.raises(ValueError, match="zero or negative"):
        layers.MaxPooling2D(3).compute_output_shape((1, 2, 5, 1))
    with pytest.raises(ValueError, match="data_format"):
        layers.GlobalMaxPooling1D(data_format="NWC")


@pytest.mark.parametrize("cls", [layers.MaxPooling2D, layers.AveragePooling2D])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_window_larger_than_the_input_is_the_layers_error(cls, data_format):
    # Keras's compute_output_shape error, naming the layer (not the op's)
    layer = cls((3, 4), strides=(2, 3), data_format=data_format, name="pool")
    with pytest.raises(ValueError, match='zero or negative.*layer "pool"'):
        layer(rand(1, 9, 1, 1) if data_format == "channels_last" else rand(1, 1, 9, 1))
    same = cls((3, 4), padding="same", data_format=data_format)
    assert same(rand(1, 9, 1, 1) if data_format == "channels_last" else
                rand(1, 1, 9, 1)).shape[0] == 1
