"""BatchNormalization, LayerNormalization, UnitNormalization vs NumPy formulas."""
import warnings

import numpy as np
import pytest

import ember
from ember import keras

L = keras.layers


def _bn_numpy(x, axis, mean, var, gamma, beta, eps):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    r = lambda v: np.reshape(v, shape)
    return r(gamma) * (x - r(mean)) / np.sqrt(r(var) + eps) + r(beta)


def _sgd_lowers_loss(model_fn, weights, steps=6, lr=0.05):
    losses = []
    for _ in range(steps):
        with ember.GradientTape() as tape:
            loss = model_fn()
        grads = tape.gradient(loss, weights)
        assert all(g is not None for g in grads)
        for v, g in zip(weights, grads):
            v.assign_sub(lr * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0]


def _round_trip(layer, x, **call_kwargs):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone(x, **call_kwargs)  # build
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x, **call_kwargs).numpy(),
                               layer(x, **call_kwargs).numpy(), rtol=1e-6, atol=1e-6)


# -- BatchNormalization -------------------------------------------------------------------
def test_batch_norm_weights_in_keras_order():
    bn = L.BatchNormalization()
    bn.build((None, 3))
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean",
                                            "moving_variance"]
    assert [w.name for w in bn.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in bn.non_trainable_weights] == ["moving_mean", "moving_variance"]
    assert all(tuple(w.shape) == (3,) for w in bn.weights)
    np.testing.assert_array_equal(bn.moving_variance.numpy(), np.ones(3))
    bn2 = L.BatchNormalization(center=False, scale=False)
    bn2.build((None, 3))
    assert [w.name for w in bn2.weights] == ["moving_mean", "moving_variance"]


@pytest.mark.parametrize("shape,axis,eps", [
    ((8, 3), -1, 1e-3),            # fused, channels last
    ((4, 3, 5, 2), 1, 1e-3),       # fused, channels first
    ((4, 3, 5, 2), 2, 1e-3),       # a middle axis: moments path
    ((6, 4), -1, 1e-7),            # epsilon below the fused minimum: moments path
    ((4, 5, 3), -1, 0.01),
])
def test_batch_norm_training_values_and_moving_updates(shape, axis, eps, rng):
    bn = L.BatchNormalization(axis=axis, epsilon=eps, momentum=0.9,
                              gamma_initializer="random_normal",
                              beta_initializer="random_normal")
    c = shape[axis]
    red = tuple(i for i in range(len(shape)) if i != axis % len(shape))
    mm, mv = np.zeros(c), np.ones(c)
    for step in range(3):
        x = (rng.standard_normal(shape) * 2 + step).astype(np.float32)
        y = bn(x, training=True).numpy()
        gamma, beta = bn.gamma.numpy(), bn.beta.numpy()
        m, v = x.mean(axis=red), x.var(axis=red)
        np.testing.assert_allclose(y, _bn_numpy(x, axis, m, v, gamma, beta, eps),
                                   rtol=1e-4, atol=1e-4)
        mm = mm * 0.9 + m * (1 - 0.9)
        mv = mv * 0.9 + v * (1 - 0.9)
        np.testing.assert_allclose(bn.moving_mean.numpy(), mm, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(bn.moving_variance.numpy(), mv, rtol=1e-5, atol=1e-6)
    # inference: the moving statistics, no update
    y = bn(x, training=False).numpy()
    np.testing.assert_allclose(y, _bn_numpy(x, axis, mm, mv, gamma, beta, eps),
                               rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(bn.moving_mean.numpy(), mm, rtol=1e-5, atol=1e-6)
    assert tuple(bn(x).shape) == bn.compute_output_shape(shape) == shape


def test_batch_norm_default_call_is_inference_and_trainable_false_freezes(rng):
    x = rng.standard_normal((5, 3)).astype(np.float32) + 4
    bn = L.BatchNormalization()
    y = bn(x).numpy()  # training defaults to None: inference
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), np.zeros(3))
    bn.trainable = False
    y = bn(x, training=True).numpy()  # frozen: inference mode, as in Keras 3
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), np.zeros(3))
    assert bn.trainable_weights == []


def test_batch_norm_training_flag_reaches_nested_layer(rng):
    model = keras.Sequential([keras.Input((3,)), L.Dense(3), L.BatchNormalization()])
    x = rng.standard_normal((6, 3)).astype(np.float32)
    model(x, training=True)
    assert np.any(model.layers[-1].moving_mean.numpy() != 0)


def test_batch_norm_mask_excludes_masked_entries(rng):
    x = rng.standard_normal((3, 4, 2)).astype(np.float32)
    mask = np.array([[1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 1, 0]], bool)
    bn = L.BatchNormalization(momentum=0.5)
    y = bn(x, training=True, mask=ember.constant(mask)).numpy()
    w = mask[..., None].astype(np.float32)
    n = w.sum(axis=(0, 1)) + 1e-7
    m = (x * w).sum(axis=(0, 1)) / n
    v = (((x - m) * w) ** 2).sum(axis=(0, 1)) / n
    np.testing.assert_allclose(y, _bn_numpy(x, 2, m, v, np.ones(2), np.zeros(2), 1e-3),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), m * 0.5, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.5 + v * 0.5, rtol=1e-5)
    # a mask attached by a previous layer is used too, and passed on
    t = ember.constant(x)
    t._keras_mask = ember.constant(mask)
    out = L.BatchNormalization()(t, training=True)
    np.testing.assert_allclose(out.numpy(), y, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(out._keras_mask.numpy(), mask)
    with pytest.raises(ValueError, match="one dimension less than the inputs"):
        bn(x, training=True, mask=ember.constant(np.ones((3, 4, 2), bool)))


def test_batch_norm_gradients_match_composed_ops(rng):
    x = ember.Variable(rng.standard_normal((6, 4)).astype(np.float32))
    bn = L.BatchNormalization(gamma_initializer="random_normal")
    up = ember.constant(rng.standard_normal((6, 4)).astype(np.float32))
    with ember.GradientTape() as tape:
        loss = ember.reduce_sum(bn(x, training=True) * up)
    got = tape.gradient(loss, [x, bn.gamma, bn.beta])
    with ember.GradientTape() as tape:
        m, v = ember.nn.moments(x, [0])
        y = (x - m) / ember.sqrt(v + 1e-3) * bn.gamma + bn.beta
        loss = ember.reduce_sum(y * up)
    want = tape.gradient(loss, [x, bn.gamma, bn.beta])
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-4, atol=1e-5)


def test_batch_norm_training_step_lowers_loss(rng):
    x = (rng.standard_normal((16, 3)) * 3 + 1).astype(np.float32)
    target = ember.constant(rng.standard_normal((16, 3)).astype(np.float32))
    bn = L.BatchNormalization()
    bn.build(x.shape)
    _sgd_lowers_loss(lambda: ember.reduce_mean(ember.square(bn(x, training=True) - target)),
                     bn.trainable_weights)


def test_batch_norm_config_symbolic_and_errors(rng):
    bn = L.BatchNormalization(axis=1, momentum=0.8, epsilon=0.01, center=False,
                              gamma_regularizer="l2", gamma_constraint="non_neg")
    config = bn.get_config()
    for key in ("axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
                "gamma_initializer", "moving_mean_initializer",
                "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
                "beta_constraint", "gamma_constraint", "synchronized", "renorm",
                "renorm_clipping", "renorm_momentum"):
        assert key in config
    x = rng.standard_normal((4, 3, 2)).astype(np.float32)
    bn(x, training=True)
    _round_trip(bn, x)
    assert len(bn.losses) == 1  # the gamma regularizer
    assert L.BatchNormalization()(keras.Input((5, 3))).shape == (None, 5, 3)
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer = L.BatchNormalization()
        layer(np.ones((2, 3), np.float32))
        layer(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match="out of bounds"):
        L.BatchNormalization(axis=3)(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="must be defined"):
        L.BatchNormalization()(keras.Input((None,)))


def test_batch_norm_renorm(rng):
    bn = L.BatchNormalization(renorm=True, renorm_clipping={"rmax": 2.0, "dmax": 1.0},
                              momentum=0.5)
    x = (rng.standard_normal((8, 2)) * 3 + 2).astype(np.float32)
    y = bn(x, training=True).numpy()
    assert [w.name for w in bn.weights][4:] == ["moving_stddev", "renorm_mean",
                                                "renorm_stddev"]
    m, v = x.mean(0), x.var(0)
    std = np.sqrt(v + 1e-3)
    r = np.minimum(std / 1.0, 2.0)  # renorm_stddev starts at sqrt(1)
    d = np.clip((m - 0.0) / 1.0, -1.0, 1.0)
    np.testing.assert_allclose(y, (x - m) / std * r + d, rtol=1e-4, atol=1e-4)
    new_std = 1.0 * 0.5 + std * 0.5
    np.testing.assert_allclose(bn.moving_variance.numpy(), new_std ** 2 - 1e-3, rtol=1e-5)
    with pytest.raises(ValueError, match="invalid keys"):
        L.BatchNormalization(renorm=True, renorm_clipping={"foo": 1})


def test_batch_norm_half_precision_inputs(rng):
    x = (rng.standard_normal((8, 3)) * 2).astype(np.float16)
    bn = L.BatchNormalization(dtype="mixed_float16")
    y = bn(ember.constant(x), training=True)
    assert y.dtype == ember.float16 and bn.moving_mean.dtype == ember.float32
    xf = x.astype(np.float32)
    np.testing.assert_allclose(y.numpy(), _bn_numpy(xf, 1, xf.mean(0), xf.var(0),
                                                    np.ones(3), np.zeros(3), 1e-3),
                               atol=1e-2)


# -- LayerNormalization -------------------------------------------------------------------
def _ln_numpy(x, axes, gamma, beta, eps):
    m = x.mean(axis=tuple(axes), keepdims=True)
    v = x.var(axis=tuple(axes), keepdims=True)
    y = (x - m) / np.sqrt(v + eps)
    return y * gamma + beta


def test_layer_norm_values_last_axis(rng):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32) * 3 + 1
    ln = L.LayerNormalization(gamma_initializer="random_normal",
                              beta_initializer="random_normal")
    y = ln(x).numpy()
    assert [w.name for w in ln.weights] == ["gamma", "beta"]
    np.testing.assert_allclose(y, _ln_numpy(x, [2], ln.gamma.numpy(), ln.beta.numpy(), 1e-3),
                               rtol=1e-4, atol=1e-5)
    assert tuple(ln(x).shape) == ln.compute_output_shape(x.shape) == x.shape
    assert L.LayerNormalization()(keras.Input((4, 5))).shape == (None, 4, 5)


def test_layer_norm_several_axes_and_options(rng):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    ln = L.LayerNormalization(axis=[-1, 1], epsilon=1e-5, beta_initializer="ones")
    y = ln(x).numpy()
    # Keras keeps the given axes, sorted; the weights span them in the input's order
    assert ln.axis == [-1, 1] and tuple(ln.gamma.shape) == (4, 5)
    np.testing.assert_allclose(y, _ln_numpy(x, [1, 2], np.ones((4, 5)), np.ones((4, 5)),
                                            1e-5), rtol=1e-4, atol=1e-5)
    ln = L.LayerNormalization(axis=1, center=False, scale=False)
    np.testing.assert_allclose(ln(x).numpy(), _ln_numpy(x, [1], 1, 0, 1e-3),
                               rtol=1e-4, atol=1e-5)
    assert ln.weights == []
    with pytest.warns(UserWarning, match="rms_scaling"):
        ln = L.LayerNormalization(rms_scaling=True)
    y = ln(x).numpy()
    assert [w.name for w in ln.weights] == ["gamma"]
    np.testing.assert_allclose(y, x / np.sqrt(x.var(-1, keepdims=True) + 1e-3), rtol=1e-4)
    with pytest.raises(TypeError, match="int or a list/tuple"):
        L.LayerNormalization(axis="x")
    with pytest.raises(ValueError, match="Duplicate axes"):
        L.LayerNormalization(axis=[1, -2])(x)


def test_layer_norm_config_mask_training(rng):
    x = rng.standard_normal((4, 6)).astype(np.float32)
    ln = L.LayerNormalization(epsilon=1e-4, gamma_regularizer="l2")
    ln(x)
    assert ln.get_config()["axis"] == [-1]      # as Keras: not [1]
    _round_trip(ln, x)
    t = ember.constant(x)
    t._keras_mask = ember.constant(np.array([True, False, True, True]))
    np.testing.assert_array_equal(ln(t)._keras_mask.numpy(), [True, False, True, True])
    target = ember.constant(rng.standard_normal((4, 6)).astype(np.float32))
    ln2 = L.LayerNormalization()
    ln2.build(x.shape)
    _sgd_lowers_loss(lambda: ember.reduce_mean(ember.square(ln2(x) - target)),
                     ln2.trainable_weights)


def test_layer_norm_half_precision(rng):
    x = rng.standard_normal((4, 8)).astype(np.float16)
    y = L.LayerNormalization(dtype="mixed_float16")(ember.constant(x))
    assert y.dtype == ember.float16
    np.testing.assert_allclose(y.numpy(), _ln_numpy(x.astype(np.float32), [1], 1, 0, 1e-3),
                               atol=1e-2)


# -- UnitNormalization ----------------------------------------------------------------------
def test_unit_normalization(rng):
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    layer = L.UnitNormalization()
    y = layer(x).numpy()
    np.testing.assert_allclose(y, x / np.linalg.norm(x, axis=-1, keepdims=True), rtol=1e-5)
    y = L.UnitNormalization(axis=[1, 2])(x).numpy()
    np.testing.assert_allclose(y, x / np.sqrt((x ** 2).sum(axis=(1, 2), keepdims=True)),
                               rtol=1e-5)
    assert np.all(L.UnitNormalization()(np.zeros((1, 3), np.float32)).numpy() == 0)
    assert layer.compute_output_shape((2, 5)) == (2, 5)
    assert L.UnitNormalization()(keras.Input((5,))).shape == (None, 5)
    assert layer.get_config()["axis"] == -1
    _round_trip(L.UnitNormalization(axis=[1, 2]), x)
    with pytest.raises(TypeError, match="expected an int or a list/tuple"):
        L.UnitNormalization(axis=1.5)
    with pytest.raises(ValueError, match="out of bounds"):
        L.UnitNormalization(axis=3)(np.ones((2, 3), np.float32))
    w = ember.Variable(np.ones((5, 2), np.float32))
    target = ember.constant(rng.standard_normal((3, 4, 2)).astype(np.float32))
    _sgd_lowers_loss(lambda: ember.reduce_mean(ember.square(
        ember.tensordot(layer(x), w, 1) - target)), [w], lr=0.5)


def test_normalization_layers_warn_nothing_on_import():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.LayerNormalization()
        L.BatchNormalization(synchronized=True)


@pytest.mark.parametrize("axis,before,after", [
    (-1, -1, [-1]), (1, 1, [1]), ([2, 1], [2, 1], [1, 2]), ((-1, -2), [-1, -2], [-2, -1]),
])
def test_layer_norm_config_axis_as_keras(axis, before, after):
    # Keras 3.15: the config holds the axis as given, and after build a sorted list of the
    # given values (negative ones stay negative)
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    ln = L.LayerNormalization(axis=axis)
    assert ln.get_config()["axis"] == before
    ln(x)
    assert ln.get_config()["axis"] == after
    again = L.LayerNormalization.from_config(ln.get_config())
    np.testing.assert_allclose(again(x).numpy(), ln(x).numpy())
