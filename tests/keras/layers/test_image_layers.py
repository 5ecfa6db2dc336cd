"""UpSampling, ZeroPadding, Cropping, SpatialDropout, AlphaDropout, GroupNormalization and
RMSNormalization: shapes (eager and symbolic), values vs NumPy restatements, training
steps, configs, masks and errors."""
import numpy as np
import pytest

import ember
from ember import keras

L = keras.layers


def _round_trip(layer, x, **call_kwargs):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone(x, **call_kwargs)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x, **call_kwargs).numpy(),
                               layer(x, **call_kwargs).numpy(), rtol=1e-6, atol=1e-6)


def _check_shapes(layer, x):
    """Eager output, compute_output_shape and a symbolic call all agree."""
    y = layer(x)
    assert tuple(y.shape) == tuple(layer.compute_output_shape(x.shape))
    sym = layer(keras.Input(shape=x.shape[1:]))
    assert tuple(sym.shape) == (None,) + tuple(y.shape[1:])
    return y


def _sgd_lowers_loss(loss_fn, weights, steps=8, lr=0.1):
    losses = []
    for _ in range(steps):
        with ember.GradientTape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, weights)
        assert all(g is not None for g in grads)
        for v, g in zip(weights, grads):
            v.assign_sub(lr * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0]


# -- UpSampling ---------------------------------------------------------------------------
def test_upsampling_nearest_repeats(rng):
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    np.testing.assert_array_equal(_check_shapes(L.UpSampling1D(3), x).numpy(),
                                  np.repeat(x, 3, axis=1))
    x = rng.standard_normal((2, 3, 4, 2)).astype("float32")
    y = _check_shapes(L.UpSampling2D((2, 3)), x).numpy()
    np.testing.assert_array_equal(y, np.repeat(np.repeat(x, 2, 1), 3, 2))
    x = rng.standard_normal((1, 2, 2, 3, 2)).astype("float32")
    y = _check_shapes(L.UpSampling3D((1, 2, 3), data_format="channels_first"), x).numpy()
    np.testing.assert_array_equal(y, np.repeat(np.repeat(np.repeat(x, 1, 2), 2, 3), 3, 4))


def _bilinear_numpy(x, size):
    """Half-pixel bilinear upsampling along axes 1 and 2 (TensorFlow's definition)."""
    def axis(a, n_out, ax):
        n_in = a.shape[ax]
        pos = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
        lo = np.floor(pos)
        frac = pos - lo
        i0 = np.clip(lo.astype(int), 0, n_in - 1)
        i1 = np.clip(lo.astype(int) + 1, 0, n_in - 1)
        shape = [1] * a.ndim
        shape[ax] = n_out
        f = frac.reshape(shape)
        return np.take(a, i0, ax) * (1 - f) + np.take(a, i1, ax) * f
    return axis(axis(x, x.shape[1] * size[0], 1), x.shape[2] * size[1], 2)


def test_upsampling2d_bilinear_vs_numpy_and_channels_first(rng):
    x = rng.standard_normal((2, 3, 5, 2)).astype("float32")
    y = _check_shapes(L.UpSampling2D((2, 3), interpolation="bilinear"), x).numpy()
    np.testing.assert_allclose(y, _bilinear_numpy(x, (2, 3)), atol=1e-5)
    xf = np.transpose(x, (0, 3, 1, 2))
    yf = L.UpSampling2D((2, 3), interpolation="bilinear", data_format="channels_first")(xf)
    np.testing.assert_allclose(np.transpose(yf.numpy(), (0, 2, 3, 1)), y, atol=1e-6)


@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic", "lanczos3", "area",
                                           "nearest"])
def test_upsampling2d_gradients_match_finite_differences(interpolation, rng):
    x = ember.Variable(rng.standard_normal((1, 3, 2, 1)))
    w = ember.constant(rng.standard_normal((1, 6, 4, 1)))
    layer = L.UpSampling2D(2, interpolation=interpolation, dtype="float64")

    def f(v):
        return ember.reduce_sum(layer(v) * w)
    with ember.GradientTape() as tape:
        loss = f(x)
    grad = tape.gradient(loss, x).numpy()
    base = x.numpy()
    numeric = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        for sign in (1, -1):
            probe = base.copy()
            probe[idx] += sign * 1e-6
            numeric[idx] += sign * float(f(ember.constant(probe))) / 2e-6
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)


def test_upsampling2d_resampling_integers_keeps_the_dtype():
    # Keras rounds integer images half to even and keeps their dtype (values from Keras)
    x = np.array([[[[0], [3]], [[5], [255]]]], "uint8")
    y = L.UpSampling2D(2, interpolation="bilinear")(x)
    assert y.dtype == ember.uint8
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0], [[0, 1, 2, 3], [1, 17, 50, 66],
                                                         [4, 51, 145, 192],
                                                         [5, 68, 192, 255]])
    ints = L.UpSampling2D((1, 2), interpolation="bilinear")(
        np.array([[[[0], [1], [2], [3]]]], "int32"))
    assert ints.dtype == ember.int32
    assert ints.numpy()[0, :, :, 0].tolist() == [[0, 0, 1, 1, 2, 2, 3, 3]]


def test_upsampling_training_step_lowers_loss(rng):
    x = ember.Variable(rng.standard_normal((2, 3, 3, 2)).astype("float32"))
    target = ember.constant(rng.standard_normal((2, 6, 6, 2)).astype("float32"))
    layer = L.UpSampling2D(interpolation="bilinear")
    _sgd_lowers_loss(lambda: ember.reduce_mean(ember.square(layer(x) - target)), [x],
                     lr=1.0)


def test_upsampling_config_and_errors(rng):
    _round_trip(L.UpSampling2D((2, 1), interpolation="bicubic"),
                rng.standard_normal((1, 2, 3, 1)).astype("float32"))
    _round_trip(L.UpSampling1D(4), rng.standard_normal((1, 2, 3)).astype("float32"))
    _round_trip(L.UpSampling3D(2), rng.standard_normal((1, 1, 2, 1, 1)).astype("float32"))
    with pytest.raises(TypeError, match="integer"):
        L.UpSampling1D(2.0)
    with pytest.raises(ValueError, match="size"):
        L.UpSampling2D((2, 0))
    with pytest.raises(ValueError, match="interpolation"):
        L.UpSampling2D(interpolation="cubic")
    with pytest.raises(ValueError, match="expected ndim=4"):
        L.UpSampling2D()(ember.ones((2, 3, 4)))


# -- ZeroPadding and Cropping -------------------------------------------------------------
@pytest.mark.parametrize("cls,padding,shape,data_format,np_pad", [
    ("ZeroPadding1D", (1, 2), (2, 3, 2), None, [(0, 0), (1, 2), (0, 0)]),
    ("ZeroPadding2D", ((1, 0), (2, 1)), (2, 3, 2, 2), None,
     [(0, 0), (1, 0), (2, 1), (0, 0)]),
    ("ZeroPadding2D", (2, 1), (1, 2, 3, 2), "channels_first",
     [(0, 0), (0, 0), (2, 2), (1, 1)]),
    ("ZeroPadding3D", 1, (1, 2, 2, 1, 2), None,
     [(0, 0), (1, 1), (1, 1), (1, 1), (0, 0)]),
])
def test_zero_padding_vs_numpy(cls, padding, shape, data_format, np_pad, rng):
    x = rng.standard_normal(shape).astype("float32")
    kwargs = {} if data_format is None else {"data_format": data_format}
    layer = getattr(L, cls)(padding, **kwargs)
    np.testing.assert_array_equal(_check_shapes(layer, x).numpy(), np.pad(x, np_pad))
    _round_trip(layer, x)


@pytest.mark.parametrize("cls,cropping,shape,data_format,index", [
    ("Cropping1D", (1, 2), (2, 6, 2), None, np.s_[:, 1:-2, :]),
    ("Cropping2D", ((1, 0), (1, 2)), (2, 5, 6, 2), None, np.s_[:, 1:, 1:-2, :]),
    ("Cropping2D", 1, (1, 2, 4, 5), "channels_first", np.s_[:, :, 1:-1, 1:-1]),
    ("Cropping3D", ((0, 1), (1, 0), (2, 1)), (1, 3, 4, 5, 2), None,
     np.s_[:, 0:-1, 1:, 2:-1, :]),
])
def test_cropping_vs_numpy(cls, cropping, shape, data_format, index, rng):
    x = rng.standard_normal(shape).astype("float32")
    kwargs = {} if data_format is None else {"data_format": data_format}
    layer = getattr(L, cls)(cropping, **kwargs)
    np.testing.assert_array_equal(_check_shapes(layer, x).numpy(), x[index])
    _round_trip(layer, x)


def test_padding_and_cropping_are_differentiable(rng):
    x = ember.Variable(rng.standard_normal((1, 4, 4, 1)).astype("float32"))
    with ember.GradientTape() as tape:
        y = L.Cropping2D(1)(L.ZeroPadding2D(2)(x))
        loss = ember.reduce_sum(y * y)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), 2 * x.numpy(), rtol=1e-6)


def test_padding_and_cropping_errors():
    with pytest.raises(ValueError, match="should be smaller"):
        L.Cropping2D(((2, 2), (0, 0)))(ember.ones((1, 4, 4, 1)))
    with pytest.raises(ValueError, match="should be smaller"):
        L.Cropping1D((3, 3)).compute_output_shape((None, 5, 2))
    with pytest.raises(ValueError, match="2 elements|two elements"):
        L.ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match="cannot be negative"):
        L.Cropping3D(-1)
    with pytest.raises(ValueError, match=">= 0"):
        L.ZeroPadding1D((1, -1))
    assert L.Cropping2D(1).compute_output_shape((None, None, 5, 3)) == (None, None, 3, 3)


# -- SpatialDropout and AlphaDropout -----------------------------------------------------
@pytest.mark.parametrize("cls,shape,data_format,kept_axes", [
    ("SpatialDropout1D", (4, 6, 8), None, (0, 2)),
    ("SpatialDropout2D", (4, 3, 3, 8), None, (0, 3)),
    ("SpatialDropout2D", (4, 8, 3, 3), "channels_first", (0, 1)),
    ("SpatialDropout3D", (2, 2, 2, 2, 8), None, (0, 4)),
])
def test_spatial_dropout_drops_whole_channels(cls, shape, data_format, kept_axes):
    kwargs = {} if data_format is None else {"data_format": data_format}
    layer = getattr(L, cls)(0.5, seed=3, **kwargs)
    x = np.ones(shape, "float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)           # inference: identity
    y = layer(x, training=True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0 < (y == 0).mean() < 1
    spatial = tuple(a for a in range(len(shape)) if a not in kept_axes)
    assert np.all(y.min(axis=spatial) == y.max(axis=spatial))      # same over the map
    again = getattr(L, cls)(0.5, seed=3, **kwargs)(x, training=True).numpy()
    np.testing.assert_array_equal(y, again)                        # seeded
    _round_trip(layer, x)


def test_spatial_dropout_config_is_keras_shaped_and_checks_rank():
    layer = L.SpatialDropout2D(0.2, data_format="channels_first", seed=1, name="sd")
    assert layer.get_config() == {"rate": 0.2, "seed": 1, "name": "sd", "dtype": "float32",
                                  "data_format": "channels_first"}
    assert set(L.SpatialDropout1D(0.1).get_config()) == {"rate", "seed", "name", "dtype"}
    with pytest.raises(ValueError, match="expected ndim=3"):
        L.SpatialDropout1D(0.5)(ember.ones((2, 3)), training=True)


def test_spatial_dropout_repeatable_under_set_random_seed():
    x = np.ones((8, 2, 2, 6), "float32")
    outs = []
    for _ in range(2):
        keras.utils.set_random_seed(11)
        outs.append(L.SpatialDropout2D(0.5)(x, training=True).numpy())
    np.testing.assert_array_equal(*outs)


def test_alpha_dropout_values_and_statistics(rng):
    rate = 0.3
    layer = L.AlphaDropout(rate, seed=5)
    x = rng.standard_normal((400, 50)).astype("float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)
    y = layer(x, training=True).numpy()
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    kept = np.isclose(y, a * x + b, atol=1e-5)
    dropped = np.isclose(y, a * alpha_p + b, atol=1e-5)
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - rate) < 0.02
    assert abs(y.mean()) < 0.05 and abs(y.std() - 1) < 0.05     # self-normalizing
    shared = L.AlphaDropout(0.5, noise_shape=(None, 1), seed=1)(x[:20], training=True)
    rows = shared.numpy()
    row_dropped = np.isclose(rows, rows[:, :1]).all(axis=1)
    assert row_dropped.any() and not row_dropped.all()
    _round_trip(L.AlphaDropout(0.2, noise_shape=[None, 1], seed=2), x[:4])


def test_dropout_layers_pass_masks():
    x = ember.ones((2, 3, 4))
    x._keras_mask = ember.constant([[True, False, True], [True, True, False]])
    for layer in (L.SpatialDropout1D(0.5), L.AlphaDropout(0.5)):
        out = layer(x, training=True)
        np.testing.assert_array_equal(out._keras_mask.numpy(), x._keras_mask.numpy())


# -- GroupNormalization -------------------------------------------------------------------
def _group_norm_numpy(x, groups, axis, gamma, beta, eps):
    axis = axis % x.ndim
    c = x.shape[axis]
    grouped = x.reshape(x.shape[:axis] + (groups, c // groups) + x.shape[axis + 1:])
    red = tuple(i for i in range(1, grouped.ndim) if i != axis)
    mean = grouped.mean(axis=red, keepdims=True)
    var = grouped.var(axis=red, keepdims=True)
    y = ((grouped - mean) / np.sqrt(var + eps)).reshape(x.shape)
    shape = [1] * x.ndim
    shape[axis] = c
    return y * gamma.reshape(shape) + beta.reshape(shape)


@pytest.mark.parametrize("groups,axis,shape", [
    (2, -1, (2, 3, 4, 6)), (-1, -1, (2, 5, 4)), (1, -1, (2, 3, 3, 4)), (3, 1, (2, 6, 3, 2)),
])
def test_group_norm_vs_numpy(groups, axis, shape, rng):
    layer = L.GroupNormalization(groups, axis=axis, epsilon=1e-4,
                                 gamma_initializer="random_normal",
                                 beta_initializer="random_normal")
    x = rng.standard_normal(shape).astype("float32") * 3 + 1
    y = _check_shapes(layer, x).numpy()
    want = _group_norm_numpy(x, shape[axis] if groups == -1 else groups, axis,
                             layer.gamma.numpy(), layer.beta.numpy(), 1e-4)
    np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-4)
    _round_trip(layer, x)


def test_group_norm_weights_training_and_masks(rng):
    layer = L.GroupNormalization(2, center=False)
    layer.build((None, 4))
    assert [w.name for w in layer.weights] == ["gamma"]
    layer = L.GroupNormalization(4)
    x = rng.standard_normal((6, 5, 8)).astype("float32")
    target = ember.constant(rng.standard_normal((6, 5, 8)).astype("float32") * 0.1 + 0.5)
    layer(x)
    assert [w.name for w in layer.weights] == ["gamma", "beta"]
    _sgd_lowers_loss(lambda: ember.reduce_mean(ember.square(layer(x) - target)),
                     layer.trainable_weights)
    xm = ember.constant(x)
    xm._keras_mask = ember.ones((6, 5), dtype="bool")
    assert layer(xm)._keras_mask is not None


def test_group_norm_half_precision_and_errors(rng):
    x = rng.standard_normal((2, 4, 4)).astype("float16")
    y = L.GroupNormalization(2, dtype="float16")(x)
    assert y.dtype == ember.float16
    with pytest.raises(ValueError, match="groups"):
        L.GroupNormalization(0)
    with pytest.raises(ValueError, match="cannot be more than"):
        L.GroupNormalization(8)(ember.ones((1, 4)))
    with pytest.raises(ValueError, match="must be a multiple"):
        L.GroupNormalization(3)(ember.ones((1, 4)))
    layer = L.GroupNormalization(-1)
    layer(ember.ones((1, 2, 5)))
    assert layer.get_config()["groups"] == 5


# -- RMSNormalization ---------------------------------------------------------------------
@pytest.mark.parametrize("axis,shape", [(-1, (2, 3, 8)), ([-2, -1], (2, 3, 4)), (1, (2, 3, 4))])
def test_rms_norm_vs_numpy(axis, shape, rng):
    layer = L.RMSNormalization(axis=axis, epsilon=1e-3)
    x = rng.standard_normal(shape).astype("float32")
    layer(x)
    scale = rng.standard_normal(layer.scale.shape).astype("float32")
    layer.set_weights([scale])
    y = _check_shapes(layer, x).numpy()
    axes = tuple(a % len(shape) for a in (axis if isinstance(axis, list) else [axis]))
    bshape = [shape[i] if i in axes else 1 for i in range(len(shape))]
    want = x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + 1e-3) * \
        scale.reshape(bshape)
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-5)
    _round_trip(layer, x)


def test_rms_norm_weight_training_and_config(rng):
    layer = L.RMSNormalization()
    assert layer.get_config()["axis"] == -1
    x = rng.standard_normal((4, 6)).astype("float32")
    layer(x)
    assert [w.name for w in layer.weights] == ["scale"]
    assert layer.get_config()["axis"] == [-1]
    np.testing.assert_array_equal(layer.scale.numpy(), np.ones(6))
    target = ember.constant(rng.standard_normal((4, 6)).astype("float32"))
    _sgd_lowers_loss(lambda: ember.reduce_mean(ember.square(layer(x) - target)),
                     layer.trainable_weights)
    with pytest.raises(ValueError, match="out of bounds"):
        L.RMSNormalization(axis=3).compute_output_shape((2, 3))
