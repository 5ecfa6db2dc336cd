"""keras.layers activation family: ReLU, LeakyReLU, PReLU, ELU, Softmax."""
import numpy as np
import pytest

import ember
from ember import keras
from ember.keras import layers


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


def train_through(layer, x, units=3, steps=5, lr=0.05):
    """Train a Dense placed before ``layer`` to push ``layer``'s output towards 1."""
    dense = layers.Dense(units, kernel_initializer=keras.initializers.RandomNormal(seed=1))
    dense(x)
    target = np.ones((x.shape[0], units), np.float32)
    return sgd_losses(lambda: ember.reduce_mean(ember.square(layer(dense(x)) - target)),
                      dense.trainable_weights, steps=steps, lr=lr)


def roundtrip(layer, x):
    """from_config(get_config()): the same config, and the same outputs once weights match."""
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    out = layer(x)
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np_(clone(x)), np_(out), rtol=1e-6)
    return clone


def np_(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


def check_shapes(layer, shape=(4, 3)):
    """Eager and symbolic output shapes equal the input's, as compute_output_shape says."""
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    assert tuple(layer(x).shape) == shape
    assert tuple(layer.compute_output_shape((None,) + shape[1:])) == (None,) + shape[1:]
    assert layer(keras.Input(shape[1:])).shape == (None,) + shape[1:]


X = np.array([[-10.0, -5.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 5.0, 10.0]], np.float32)


# -- ReLU -------------------------------------------------------------------------------------
def np_relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    """Keras: ``x`` above the threshold (capped at max_value), else
    ``negative_slope * (x - threshold)``."""
    pos = np.where(x > threshold, x, 0.0)
    if max_value is not None:
        pos = np.clip(pos, 0.0, max_value)
    return pos - negative_slope * np.maximum(threshold - x, 0.0)


@pytest.mark.parametrize("kwargs", [
    {}, {"max_value": 6.0}, {"max_value": 10.0, "negative_slope": 0.5},
    {"threshold": 1.0}, {"negative_slope": 0.1}, {"max_value": 3.0, "threshold": 0.5},
    {"max_value": 4.0, "negative_slope": 0.2, "threshold": 1.0},
])
def test_relu_values(kwargs):
    np.testing.assert_allclose(np_(layers.ReLU(**kwargs)(X)), np_relu(X, **kwargs),
                               rtol=1e-6)


def test_relu_layer_doc_example():
    out = layers.ReLU(max_value=10, negative_slope=0.5, threshold=0)(
        np.array([-10, -5, 0.0, 5, 10], np.float32))
    assert np_(out).tolist() == [-5.0, -2.5, 0.0, 5.0, 10.0]


def test_relu_shapes_training_config_errors():
    layer = layers.ReLU(max_value=6.0)
    assert layer.built and layer.weights == []
    check_shapes(layer)
    losses = train_through(layers.ReLU(negative_slope=0.1), X[:, :4].T.copy())
    assert losses[-1] < losses[0]
    config = layer.get_config()
    assert (config["max_value"], config["negative_slope"], config["threshold"]) == \
        (6.0, 0.0, 0.0)
    roundtrip(layers.ReLU(max_value=3.0, negative_slope=0.2, threshold=0.5), X)
    with pytest.raises(ValueError, match="max_value of a ReLU layer cannot be a negative"):
        layers.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="negative_slope of a ReLU layer"):
        layers.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="threshold of a ReLU layer"):
        layers.ReLU(threshold=-1.0)


# -- LeakyReLU --------------------------------------------------------------------------------
def test_leaky_relu_values_default_slope():
    layer = layers.LeakyReLU()
    assert layer.negative_slope == 0.3
    np.testing.assert_allclose(np_(layer(X)), np.where(X >= 0, X, 0.3 * X), rtol=1e-6)
    np.testing.assert_allclose(np_(layers.LeakyReLU(negative_slope=0.5)(X)),
                               np.where(X >= 0, X, 0.5 * X), rtol=1e-6)


def test_leaky_relu_shapes_training_config_errors():
    layer = layers.LeakyReLU(0.2)
    check_shapes(layer)
    losses = train_through(layer, X[:, :4].T.copy())
    assert losses[-1] < losses[0]
    assert layer.get_config()["negative_slope"] == 0.2
    roundtrip(layer, X)
    with pytest.warns(UserWarning, match="alpha"):
        assert layers.LeakyReLU(alpha=0.1).negative_slope == 0.1
    with pytest.raises(ValueError, match="negative_slope value of a Leaky ReLU"):
        layers.LeakyReLU(negative_slope=-0.1)


# -- PReLU ------------------------------------------------------------------------------------
def test_prelu_weight_shape_name_and_values(rng):
    layer = layers.PReLU(name="prelu")
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    y = layer(x)
    assert tuple(y.shape) == (2, 5, 3)
    assert [w.name for w in layer.weights] == ["alpha"]
    assert layer.weights[0].path == "prelu/alpha"
    assert tuple(layer.alpha.shape) == (5, 3)
    np.testing.assert_array_equal(np_(layer.alpha), 0.0)  # "Zeros" by default
    np.testing.assert_allclose(np_(y), np.maximum(x, 0))
    alpha = rng.uniform(0.1, 0.9, size=(5, 3)).astype(np.float32)
    layer.set_weights([alpha])
    np.testing.assert_allclose(np_(layer(x)), np.where(x >= 0, x, alpha * x), rtol=1e-6)


@pytest.mark.parametrize("shared_axes,alpha_shape", [
    (None, (4, 5, 3)), ([1, 2], (1, 1, 3)), (1, (1, 5, 3)), ((3,), (4, 5, 1)),
])
def test_prelu_shared_axes(shared_axes, alpha_shape, rng):
    layer = layers.PReLU(alpha_initializer="ones", shared_axes=shared_axes)
    x = rng.normal(size=(2, 4, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(np_(layer(x)), x, rtol=1e-6)  # alpha = 1: identity
    assert tuple(layer.alpha.shape) == alpha_shape


def test_prelu_symbolic_training_config_errors(rng):
    layer = layers.PReLU(shared_axes=[1])
    assert layer(keras.Input((7, 3))).shape == (None, 7, 3)
    assert tuple(layer.alpha.shape) == (1, 3)
    assert layer.compute_output_shape((None, 7, 3)) == (None, 7, 3)
    # alpha learns: push negative inputs to -1
    layer = layers.PReLU(alpha_initializer=keras.initializers.Constant(0.1))
    x = -rng.uniform(1.0, 2.0, size=(4, 3)).astype(np.float32)
    layer(x)
    assert layer.trainable_weights == [layer.alpha]
    losses = sgd_losses(lambda: ember.reduce_mean(ember.square(layer(x) + 1.0)),
                        layer.trainable_weights)
    assert losses[-1] < losses[0]
    layer = layers.PReLU(alpha_initializer="ones", alpha_regularizer="l2", shared_axes=[1])
    config = layer.get_config()
    assert config["shared_axes"] == [1]
    assert config["alpha_initializer"]["class_name"] == "Ones"
    assert config["alpha_regularizer"]["class_name"] == "L2"
    assert config["alpha_constraint"] is None
    roundtrip(layer, rng.normal(size=(2, 3, 4)).astype(np.float32))
    assert len(layer.losses) == 1  # the alpha regularizer
    with pytest.raises(ValueError, match="non-batch dimension is unknown"):
        layers.PReLU()(keras.Input((None, 3)))
    assert layers.PReLU(shared_axes=[1])(keras.Input((None, 3))).shape == (None, None, 3)


# -- ELU --------------------------------------------------------------------------------------
@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
def test_elu_values(alpha):
    np.testing.assert_allclose(np_(layers.ELU(alpha=alpha)(X)),
                               np.where(X > 0, X, alpha * np.expm1(X)), rtol=1e-5, atol=1e-7)


def test_elu_shapes_training_config_and_finite_gradient():
    layer = layers.ELU(alpha=0.7)
    check_shapes(layer)
    losses = train_through(layer, X[:, :4].T.copy())
    assert losses[-1] < losses[0]
    assert layer.get_config()["alpha"] == 0.7
    roundtrip(layer, X)
    x = ember.Variable(np.array([-3.0, 0.5, 100.0], np.float32))
    with ember.GradientTape() as tape:
        y = ember.reduce_sum(layers.ELU()(x))
    g = np_(tape.gradient(y, x))
    np.testing.assert_allclose(g, [np.exp(-3.0), 1.0, 1.0], rtol=1e-5)


# -- Softmax ----------------------------------------------------------------------------------
def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_softmax_values(rng):
    np.testing.assert_allclose(np_(layers.Softmax()(np.array([1.0, 2.0, 1.0], np.float32))),
                               [0.21194157, 0.5761169, 0.21194157], rtol=1e-6)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    for axis in (-1, 1, 0, [1]):
        ax = axis[0] if isinstance(axis, list) else axis
        np.testing.assert_allclose(np_(layers.Softmax(axis=axis)(x)), np_softmax(x, ax),
                                   rtol=1e-5)
    np.testing.assert_allclose(np_(layers.Softmax(axis=[1, 2])(x)), np_softmax(x, (1, 2)),
                               rtol=1e-5)


def test_softmax_mask(rng):
    x = rng.normal(size=(2, 4)).astype(np.float32)
    mask = np.array([[True, True, False, True], [False, False, False, False]])
    out = np_(layers.Softmax()(x, mask=mask))
    masked = np.where(mask, x, -1e9)
    np.testing.assert_allclose(out, np.where(mask, np_softmax(masked), 0.0), rtol=1e-5)
    assert out[1].tolist() == [0.0, 0.0, 0.0, 0.0]  # fully masked row: zeros
    # float masks keep positions > 0.5, and broadcast
    out = np_(layers.Softmax()(x, mask=np.array([[1.0, 0.0, 1.0, 1.0]], np.float32)))
    keep = np.array([[True, False, True, True]])
    np.testing.assert_allclose(out, np.where(keep, np_softmax(np.where(keep, x, -1e9)), 0),
                               rtol=1e-5)
    with pytest.raises(ValueError, match="must be broadcastable"):
        layers.Softmax()(x, mask=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match="must be broadcastable"):
        layers.Softmax()(x, mask=np.ones((1, 2, 4), bool))


def test_softmax_receives_upstream_mask():
    logits = ember.constant([[1.0, 2.0, 3.0]])
    keep = ember.constant([[True, False, True]])
    masked = layers.Lambda(lambda x: x, mask=keep)(logits)
    out = np_(layers.Softmax()(masked))
    expected = np_softmax(np.array([[1.0, 3.0]]))
    np.testing.assert_allclose(out, [[expected[0, 0], 0.0, expected[0, 1]]], rtol=1e-5)
    np.testing.assert_array_equal(np_(layers.Softmax()(masked)._keras_mask), np_(keep))


def test_softmax_shapes_training_config(rng):
    layer = layers.Softmax(axis=-1)
    check_shapes(layer)
    x = rng.normal(size=(4, 2)).astype(np.float32)
    dense = layers.Dense(3, kernel_initializer=keras.initializers.RandomNormal(seed=2))
    dense(x)
    target = np.eye(3, dtype=np.float32)[[0, 1, 2, 0]]
    losses = sgd_losses(lambda: ember.reduce_mean(ember.square(layer(dense(x)) - target)),
                        dense.trainable_weights, lr=1.0)
    assert losses[-1] < losses[0]
    assert layers.Softmax(axis=[1, 2]).get_config()["axis"] == [1, 2]
    roundtrip(layers.Softmax(axis=1), rng.normal(size=(2, 3, 4)).astype(np.float32))
