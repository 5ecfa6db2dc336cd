"""keras.layers convolutional family: Conv1D/2D/3D, Conv*DTranspose, DepthwiseConv1D/2D,
SeparableConv1D/2D, checked against NumPy restatements of Keras's (TensorFlow's) formulas."""
import itertools

import numpy as np
import pytest

import ember
from ember import keras
from ember.keras import layers


# -- NumPy restatements -----------------------------------------------------------------------
def same_pads(sizes, ksize, strides, dilations):
    """TensorFlow's SAME padding: the extra zero goes after."""
    pads = []
    for n, k, s, d in zip(sizes, ksize, strides, dilations):
        eff = (k - 1) * d + 1
        total = max((-(-n // s) - 1) * s + eff - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def np_conv(x, w, strides, dilations, pads, groups=1):
    """Channels-last N-d cross-correlation, one kernel tap at a time."""
    n = x.ndim - 2
    xp = np.pad(x.astype(np.float64), [(0, 0)] + list(pads) + [(0, 0)])
    ksize = w.shape[:n]
    out = [(xp.shape[1 + i] - (ksize[i] - 1) * dilations[i] - 1) // strides[i] + 1
           for i in range(n)]
    cg, f = w.shape[-2], w.shape[-1]
    fg = f // groups
    y = np.zeros((x.shape[0], *out, f))
    for tap in itertools.product(*[range(k) for k in ksize]):
        window = tuple(slice(t * d, t * d + s * (o - 1) + 1, s)
                       for t, d, s, o in zip(tap, dilations, strides, out))
        patch = xp[(slice(None),) + window]
        for g in range(groups):
            y[..., g * fg:(g + 1) * fg] += patch[..., g * cg:(g + 1) * cg] @ \
                w[tap][:, g * fg:(g + 1) * fg]
    return y


def np_conv_transpose(x, w, strides, dilations, padding, out_sizes):
    """Channels-last transposed convolution: scatter every input position through the
    kernel (w: (*k, filters, channels)), then crop as TensorFlow pads for ``out_sizes``."""
    n = x.ndim - 2
    ksize = w.shape[:n]
    in_sp = x.shape[1:-1]
    eff = [(k - 1) * d + 1 for k, d in zip(ksize, dilations)]
    full = [(i - 1) * s + e for i, s, e in zip(in_sp, strides, eff)]
    lo = []
    for i, s, e, o in zip(in_sp, strides, eff, out_sizes):
        total = max((i - 1) * s + e - o, 0) if padding == "same" else 0
        lo.append(total // 2)
    big = np.zeros((x.shape[0], *[max(f, l + o) for f, l, o in zip(full, lo, out_sizes)],
                    w.shape[-2]))
    for tap in itertools.product(*[range(k) for k in ksize]):
        window = tuple(slice(t * d, t * d + s * (i - 1) + 1, s)
                       for t, d, s, i in zip(tap, dilations, strides, in_sp))
        big[(slice(None),) + window] += x.astype(np.float64) @ w[tap].T
    return big[(slice(None),) + tuple(slice(l, l + o) for l, o in zip(lo, out_sizes))]


def depthwise_as_grouped(w):
    """A (*k, C, m) depthwise kernel as a (*k, 1, C*m) grouped-conv kernel."""
    return w.reshape(w.shape[:-2] + (1, w.shape[-2] * w.shape[-1]))


def to_last(a):
    return np.moveaxis(a, 1, -1)


def to_first(a):
    return np.moveaxis(a, -1, 1)


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def np_(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def sgd_losses(loss_fn, variables, steps=4, lr=0.05):
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


BIAS = keras.initializers.RandomNormal(seed=3)


# -- values vs NumPy --------------------------------------------------------------------------
CONV_CASES = [
    # (cls, input shape (channels last), kwargs)
    (layers.Conv1D, (2, 9, 3), {"filters": 4, "kernel_size": 3}),
    (layers.Conv1D, (2, 9, 3), {"filters": 4, "kernel_size": 4, "strides": 2, "padding": "same"}),
    (layers.Conv1D, (2, 8, 4), {"filters": 6, "kernel_size": 3, "groups": 2, "dilation_rate": 2}),
    (layers.Conv2D, (2, 7, 6, 3), {"filters": 4, "kernel_size": (3, 2)}),
    (layers.Conv2D, (2, 7, 8, 3), {"filters": 2, "kernel_size": 3, "strides": (2, 3),
                                       "padding": "same"}),
    (layers.Conv2D, (1, 8, 7, 2), {"filters": 3, "kernel_size": 3, "dilation_rate": (2, 1),
                                       "padding": "same"}),
    (layers.Conv2D, (2, 5, 5, 6), {"filters": 4, "kernel_size": 2, "groups": 2}),
    (layers.Conv3D, (1, 4, 5, 6, 2), {"filters": 3, "kernel_size": 2, "strides": (1, 2, 2),
                                          "padding": "same"}),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls,shape,kwargs", CONV_CASES)
def test_conv_matches_numpy(cls, shape, kwargs, data_format):
    layer = cls(**kwargs, data_format=data_format, bias_initializer=BIAS)
    x = rand(*shape)
    xin = x if data_format == "channels_last" else to_first(x)
    y = np_(layer(xin))
    rank = layer.rank
    w = np_(layer.kernel)
    pads = same_pads(shape[1:-1], w.shape[:rank], layer.strides, layer.dilation_rate) \
        if layer.padding == "same" else [(0, 0)] * rank
    want = np_conv(x, w, layer.strides, layer.dilation_rate, pads, layer.groups) + \
        np_(layer.bias)
    if data_format == "channels_first":
        want = to_first(want)
    np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-5)
    assert w.shape == layer.kernel_size + (shape[-1] // layer.groups, layer.filters)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv1d_causal(data_format):
    layer = layers.Conv1D(3, 3, padding="causal", dilation_rate=2, data_format=data_format,
                          bias_initializer=BIAS)
    x = rand(2, 10, 2)
    y = np_(layer(x if data_format == "channels_last" else to_first(x)))
    want = np_conv(x, np_(layer.kernel), (1,), (2,), [(4, 0)]) + np_(layer.bias)
    np.testing.assert_allclose(y, want if data_format == "channels_last" else to_first(want),
                               rtol=1e-4, atol=1e-5)
    # causality: changing a late step leaves every earlier output alone
    x2 = x.copy()
    x2[:, 7] += 5.0
    layer2 = layers.Conv1D.from_config(layer.get_config())
    layer2.build(x.shape if data_format == "channels_last" else to_first(x).shape)
    layer2.set_weights(layer.get_weights())
    y2 = np_(layer2(x2 if data_format == "channels_last" else to_first(x2)))
    if data_format == "channels_first":
        y, y2 = to_last(y), to_last(y2)
    np.testing.assert_allclose(y2[:, :7], y[:, :7], rtol=1e-6)
    assert not np.allclose(y2[:, 7], y[:, 7])


TRANSPOSE_CASES = [
    (layers.Conv1DTranspose, (2, 5, 2), {"filters": 3, "kernel_size": 3}),
    (layers.Conv1DTranspose, (2, 5, 2), {"filters": 3, "kernel_size": 4, "strides": 2,
                                             "padding": "same"}),
    (layers.Conv1DTranspose, (2, 4, 3), {"filters": 2, "kernel_size": 2, "strides": 3}),
    (layers.Conv1DTranspose, (2, 5, 2), {"filters": 2, "kernel_size": 3, "dilation_rate": 2}),
    (layers.Conv2DTranspose, (2, 3, 4, 2), {"filters": 3, "kernel_size": 3, "strides": 2,
                                                "padding": "same"}),
    (layers.Conv2DTranspose, (2, 3, 3, 2), {"filters": 2, "kernel_size": 3, "strides": (2, 3),
                                                "output_padding": (1, 2)}),
    (layers.Conv2DTranspose, (1, 3, 4, 2), {"filters": 2, "kernel_size": 3, "strides": 2,
                                                "padding": "same", "output_padding": 1}),
    (layers.Conv2DTranspose, (1, 4, 4, 2), {"filters": 2, "kernel_size": 3, "dilation_rate": 2,
                                                "padding": "same"}),
    (layers.Conv3DTranspose, (1, 2, 3, 2, 2), {"filters": 2, "kernel_size": 2, "strides": 2}),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls,shape,kwargs", TRANSPOSE_CASES)
def test_conv_transpose_matches_numpy(cls, shape, kwargs, data_format):
    layer = cls(**kwargs, data_format=data_format, bias_initializer=BIAS)
    x = rand(*shape)
    y = np_(layer(x if data_format == "channels_last" else to_first(x)))
    w = np_(layer.kernel)
    assert w.shape == layer.kernel_size + (layer.filters, shape[-1])
    # Keras's output sizes
    sizes = []
    for i, k, s, d, op in zip(shape[1:-1], layer.kernel_size, layer.strides,
                              layer.dilation_rate,
                              layer.output_padding or (None,) * layer.rank):
        eff = (k - 1) * d + 1
        if layer.padding == "valid":
            sizes.append((i - 1) * s + eff + (max(eff, s) - eff if op is None else op))
        else:
            sizes.append(i * s if op is None else (i - 1) * s + eff % 2 + op)
    want = np_conv_transpose(x, w, layer.strides, layer.dilation_rate, layer.padding,
                             sizes) + np_(layer.bias)
    np.testing.assert_allclose(y, want if data_format == "channels_last" else to_first(want),
                               rtol=1e-4, atol=1e-5)


def test_conv_transpose_is_adjoint_of_conv():
    """<conv(z), x> == <conv_transpose(x), z> for the same kernel."""
    t = layers.Conv2DTranspose(3, 3, strides=2, padding="same", use_bias=False)
    x = rand(1, 4, 5, 2)
    y = np_(t(x))
    z = rand(*y.shape, seed=1)
    conv = np_conv(z, np_(t.kernel), (2, 2), (1, 1), same_pads(z.shape[1:-1], (3, 3),
                                                                   (2, 2), (1, 1)))
    np.testing.assert_allclose((conv * x).sum(), (y * z).sum(), rtol=1e-4)


DEPTHWISE_CASES = [
    (layers.DepthwiseConv1D, (2, 8, 3), {"kernel_size": 3, "depth_multiplier": 2}),
    (layers.DepthwiseConv1D, (2, 9, 2), {"kernel_size": 3, "strides": 2, "dilation_rate": 2,
                                             "padding": "same"}),
    (layers.DepthwiseConv2D, (2, 6, 7, 3), {"kernel_size": (3, 2), "strides": 2,
                                                "padding": "same", "depth_multiplier": 2}),
    (layers.DepthwiseConv2D, (1, 7, 6, 2), {"kernel_size": 2, "dilation_rate": (2, 1)}),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls,shape,kwargs", DEPTHWISE_CASES)
def test_depthwise_matches_numpy(cls, shape, kwargs, data_format):
    layer = cls(**kwargs, data_format=data_format, bias_initializer=BIAS)
    x = rand(*shape)
    y = np_(layer(x if data_format == "channels_last" else to_first(x)))
    w = np_(layer.kernel)
    c = shape[-1]
    assert w.shape == layer.kernel_size + (c, layer.depth_multiplier)
    assert tuple(layer.bias.shape) == (c * layer.depth_multiplier,)
    pads = same_pads(shape[1:-1], layer.kernel_size, layer.strides, layer.dilation_rate) \
        if layer.padding == "same" else [(0, 0)] * layer.rank
    want = np_conv(x, depthwise_as_grouped(w), layer.strides, layer.dilation_rate, pads,
                   groups=c) + np_(layer.bias)
    np.testing.assert_allclose(y, want if data_format == "channels_last" else to_first(want),
                               rtol=1e-4, atol=1e-5)


SEPARABLE_CASES = [
    (layers.SeparableConv1D, (2, 8, 3), {"filters": 4, "kernel_size": 3, "depth_multiplier": 2}),
    (layers.SeparableConv1D, (2, 9, 2), {"filters": 3, "kernel_size": 2, "strides": 2,
                                             "padding": "same"}),
    (layers.SeparableConv2D, (2, 6, 5, 3), {"filters": 4, "kernel_size": 3, "padding": "same",
                                                "depth_multiplier": 2}),
    (layers.SeparableConv2D, (1, 7, 6, 2), {"filters": 2, "kernel_size": 2, "dilation_rate": 2}),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("cls,shape,kwargs", SEPARABLE_CASES)
def test_separable_matches_numpy(cls, shape, kwargs, data_format):
    layer = cls(**kwargs, data_format=data_format, bias_initializer=BIAS)
    x = rand(*shape)
    y = np_(layer(x if data_format == "channels_last" else to_first(x)))
    dw, pw = np_(layer.depthwise_kernel), np_(layer.pointwise_kernel)
    c, m = shape[-1], layer.depth_multiplier
    assert dw.shape == layer.kernel_size + (c, m)
    assert pw.shape == (1,) * layer.rank + (c * m, layer.filters)
    assert [v.name for v in layer.weights] == ["depthwise_kernel", "pointwise_kernel", "bias"]
    pads = same_pads(shape[1:-1], layer.kernel_size, layer.strides, layer.dilation_rate) \
        if layer.padding == "same" else [(0, 0)] * layer.rank
    hidden = np_conv(x, depthwise_as_grouped(dw), layer.strides, layer.dilation_rate, pads,
                     groups=c)
    want = hidden @ pw.reshape(c * m, layer.filters) + np_(layer.bias)
    np.testing.assert_allclose(y, want if data_format == "channels_last" else to_first(want),
                               rtol=1e-4, atol=1e-5)


# -- shapes: eager, symbolic, compute_output_shape --------------------------------------------
SHAPE_CASES = [
    (layers.Conv1D, {"filters": 4, "kernel_size": 3, "padding": "causal"}, (2, 9, 3)),
    (layers.Conv2D, {"filters": 4, "kernel_size": 3, "strides": 2}, (2, 9, 8, 3)),
    (layers.Conv2D, {"filters": 4, "kernel_size": 3, "data_format": "channels_first"},
     (2, 3, 9, 8)),
    (layers.Conv3D, {"filters": 2, "kernel_size": 2, "padding": "same", "strides": 2},
     (1, 5, 4, 3, 2)),
    (layers.Conv1DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2}, (2, 5, 2)),
    (layers.Conv2DTranspose, {"filters": 3, "kernel_size": 2, "strides": 2, "padding": "same",
                                  "data_format": "channels_first"}, (2, 2, 4, 3)),
    (layers.Conv3DTranspose, {"filters": 2, "kernel_size": 3, "output_padding": (0, 1, 0),
                                  "strides": 2}, (1, 2, 3, 2, 2)),
    (layers.DepthwiseConv1D, {"kernel_size": 2, "depth_multiplier": 3}, (2, 6, 2)),
    (layers.DepthwiseConv2D, {"kernel_size": 3, "strides": 2, "padding": "same"}, (2, 7, 7, 3)),
    (layers.SeparableConv1D, {"filters": 5, "kernel_size": 3, "data_format": "channels_first"},
     (2, 3, 8)),
    (layers.SeparableConv2D, {"filters": 5, "kernel_size": 3, "strides": (1, 2)}, (2, 7, 8, 3)),
]


@pytest.mark.parametrize("cls,kwargs,shape", SHAPE_CASES)
def test_output_shapes(cls, kwargs, shape):
    layer = cls(**kwargs)
    y = layer(rand(*shape))
    assert tuple(layer.compute_output_shape(shape)) == tuple(y.shape)
    # symbolic, with an unknown batch size and (where meaningful) an unknown spatial size
    sym = cls(**kwargs)(keras.Input(shape=shape[1:]))
    assert tuple(sym.shape) == (None,) + tuple(y.shape)[1:]
    cf = kwargs.get("data_format") == "channels_first"
    open_shape = list(shape[1:])
    open_shape[1 if cf else 0] = None
    sym2 = cls(**kwargs)(keras.Input(shape=tuple(open_shape)))
    want = list((None,) + tuple(y.shape)[1:])
    want[2 if cf else 1] = None
    assert list(sym2.shape) == want


def test_aliases_are_the_same_classes():
    assert layers.Convolution1D is layers.Conv1D
    assert layers.Convolution2D is layers.Conv2D
    assert layers.Convolution3D is layers.Conv3D
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.SeparableConvolution1D is layers.SeparableConv1D
    assert layers.SeparableConvolution2D is layers.SeparableConv2D


# -- training ---------------------------------------------------------------------------------
TRAIN_CASES = [
    (layers.Conv1D, {"filters": 3, "kernel_size": 3, "padding": "causal"}, (4, 8, 2)),
    (layers.Conv2D, {"filters": 3, "kernel_size": 3, "activation": "tanh"}, (4, 6, 6, 2)),
    (layers.Conv3D, {"filters": 2, "kernel_size": 2}, (2, 3, 3, 3, 2)),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                                  "data_format": "channels_first"}, (4, 2, 3, 3)),
    (layers.Conv1DTranspose, {"filters": 2, "kernel_size": 2, "strides": 2}, (4, 4, 3)),
    (layers.DepthwiseConv2D, {"kernel_size": 2, "depth_multiplier": 2}, (4, 5, 5, 2)),
    (layers.DepthwiseConv1D, {"kernel_size": 3, "padding": "same"}, (4, 6, 2)),
    (layers.SeparableConv2D, {"filters": 3, "kernel_size": 3, "padding": "same"}, (4, 5, 5, 2)),
    (layers.SeparableConv1D, {"filters": 3, "kernel_size": 2}, (4, 6, 2)),
]


@pytest.mark.parametrize("cls,kwargs,shape", TRAIN_CASES)
def test_training_step_lowers_loss(cls, kwargs, shape):
    layer = cls(**kwargs)
    x = rand(*shape)
    target = np.tanh(rand(*layer.compute_output_shape(shape), seed=5))
    layer(x)
    assert layer.trainable_weights
    losses = sgd_losses(lambda: ember.reduce_mean(ember.square(layer(x) - target)),
                        layer.trainable_weights)
    assert losses[-1] < losses[0]


def test_gradient_reaches_the_input():
    layer = layers.Conv2D(2, 3, padding="same")
    x = ember.constant(rand(1, 4, 4, 1))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.reduce_sum(layer(x))
    g = np_(tape.gradient(y, x))
    assert g.shape == (1, 4, 4, 1) and np.abs(g).sum() > 0


def test_fit_a_small_convnet():
    keras.utils.set_random_seed(0)
    x = rand(32, 8, 8, 1)
    y = (x.mean(axis=(1, 2, 3)) > 0).astype("int64")
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(4, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.SeparableConv2D(4, 2, padding="same"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.predict(x, verbose=0).shape == (32, 2)


# -- configuration ----------------------------------------------------------------------------
ROUNDTRIP_CASES = [
    (layers.Conv1D, {"filters": 3, "kernel_size": 2, "padding": "causal", "activation": "relu",
                         "kernel_regularizer": "l2", "bias_constraint": "non_neg"}, (2, 5, 2)),
    (layers.Conv2D, {"filters": 4, "kernel_size": (2, 3), "strides": (1, 2), "groups": 2,
                         "data_format": "channels_first", "use_bias": False}, (2, 4, 5, 6)),
    (layers.Conv3D, {"filters": 2, "kernel_size": 2, "dilation_rate": 2}, (1, 5, 5, 5, 1)),
    (layers.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1},
     (2, 3, 2)),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "padding": "same",
                                  "kernel_initializer": "he_normal"}, (2, 3, 3, 2)),
    (layers.Conv3DTranspose, {"filters": 2, "kernel_size": 2, "strides": 2}, (1, 2, 2, 2, 1)),
    (layers.DepthwiseConv1D, {"kernel_size": 2, "depth_multiplier": 2,
                                  "depthwise_regularizer": "l1"}, (2, 5, 2)),
    (layers.DepthwiseConv2D, {"kernel_size": 3, "padding": "same", "activation": "relu"},
     (2, 4, 4, 2)),
    (layers.SeparableConv1D, {"filters": 3, "kernel_size": 2, "pointwise_constraint": "max_norm"},
     (2, 5, 2)),
    (layers.SeparableConv2D, {"filters": 3, "kernel_size": 2, "depth_multiplier": 2,
                                  "pointwise_initializer": "ones"}, (2, 4, 4, 2)),
]


@pytest.mark.parametrize("cls,kwargs,shape", ROUNDTRIP_CASES)
def test_config_roundtrip(cls, kwargs, shape):
    layer = cls(**kwargs)
    x = rand(*shape)
    out = np_(layer(x))
    config = layer.get_config()
    clone = cls.from_config(config)
    assert clone.get_config() == config
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np_(clone(x)), out, rtol=1e-6)
    for key in kwargs:
        if key in ("kernel_size", "strides", "dilation_rate", "output_padding"):
            assert tuple(config[key]) == layer.__dict__[key]


def test_config_keys_match_keras():
    conv = layers.Conv2D(4, 3).get_config()
    assert list(conv) == ["name", "trainable", "dtype", "filters", "kernel_size", "strides",
                          "padding", "data_format", "dilation_rate", "groups", "activation",
                          "use_bias", "kernel_initializer", "bias_initializer",
                          "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                          "kernel_constraint", "bias_constraint"]
    assert conv["kernel_size"] == (3, 3) and conv["strides"] == (1, 1)
    transpose = layers.Conv2DTranspose(4, 3).get_config()
    assert "output_padding" in transpose and "groups" not in transpose
    sep = layers.SeparableConv1D(4, 3).get_config()
    assert {"depthwise_initializer", "pointwise_initializer", "pointwise_constraint"} <= set(sep)


def test_default_data_format_follows_keras_config():
    keras.config.set_image_data_format("channels_first")
    try:
        layer = layers.Conv2D(2, 3)
    finally:
        keras.config.set_image_data_format("channels_last")
    assert layer.data_format == "channels_first"
    assert tuple(layer(rand(1, 3, 5, 5)).shape) == (1, 2, 3, 3)


def test_regularizers_add_losses():
    layer = layers.SeparableConv2D(2, 2, depthwise_regularizer=keras.regularizers.L2(0.1),
                                   pointwise_regularizer=keras.regularizers.L1(0.1),
                                   bias_regularizer="l2")
    layer(rand(1, 4, 4, 2))
    assert len(layer.losses) == 3
    dw, pw = np_(layer.depthwise_kernel), np_(layer.pointwise_kernel)
    np.testing.assert_allclose(float(layer.losses[0]), 0.1 * (dw ** 2).sum(), rtol=1e-5)
    np.testing.assert_allclose(float(layer.losses[1]), 0.1 * np.abs(pw).sum(), rtol=1e-5)


def test_mixed_precision_computes_in_float16():
    layer = layers.Conv2D(2, 3, dtype="mixed_float16")
    y = layer(rand(1, 5, 5, 1))
    assert y.dtype == "float16" and layer.kernel.dtype == "float32"


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("make,match", [
    (lambda: layers.Conv2D(0, 3), "filters"),
    (lambda: layers.Conv2D(5, 3, groups=2), "divisible by the number of groups"),
    (lambda: layers.Conv2D(4, 3, groups=0), "groups must be a positive"),
    (lambda: layers.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: layers.Conv2D(4, 0), "kernel_size"),
    (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate > 1"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: layers.Conv1D(4, 3, padding="full"), "padding"),
    (lambda: layers.Conv2D(4, 3, data_format="NHWC"), "data_format"),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda: layers.SeparableConv1D(0, 3), "filters"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_inputs_name_the_layer():
    with pytest.raises(ValueError, match="divisible by the number of groups"):
        layers.Conv2D(4, 3, groups=2)(rand(1, 5, 5, 3))
    with pytest.raises(ValueError, match="ndim"):
        layers.Conv2D(4, 3)(rand(2, 5, 3))
    with pytest.raises(ValueError, match="zero or negative"):
        layers.Conv2D(4, 3, name="tiny")(rand(1, 2, 5, 1))
    layer = layers.Conv2D(4, 3)
    layer(rand(1, 5, 5, 3))
    with pytest.raises(ValueError, match="axis -1"):
        layer(keras.Input(shape=(5, 5, 2)))
    with pytest.raises(ValueError, match="channel dimension"):
        layers.Conv1D(2, 2)(keras.Input(shape=(5, None)))
    with pytest.raises(NotImplementedError, match="LoRA"):
        layers.Conv2D(2, 3, lora_rank=2)
