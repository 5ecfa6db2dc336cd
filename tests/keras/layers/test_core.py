"""keras.layers core family: EinsumDense, Activation, Embedding, Lambda, Identity, Masking."""
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


def roundtrip(layer, x, **kwargs):
    """from_config(get_config()): the same config, and the same outputs once weights match."""
    config = layer.get_config()
    clone = type(layer).from_config(config, **kwargs)
    assert clone.get_config() == config
    out = layer(x)
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(clone(x)), np.asarray(out), rtol=1e-6)
    return clone


def np_(t):
    return np.asarray(t.numpy() if hasattr(t, "numpy") else t)


# -- EinsumDense ------------------------------------------------------------------------------
# (equation, bias_axes, input_shape, output_shape, kernel, bias, output): Keras's own cases
EINSUM_CASES = [
    ("ab,b->a", None, (2, 32), (), (32,), None, (2,)),
    ("ab,bc->ac", None, (2, 32), 64, (32, 64), None, (2, 64)),
    ("abc,cde->abde", None, (2, 1, 2), (1, 3, 4), (2, 3, 4), None, (2, 1, 3, 4)),
    ("abc,cde->abde", "e", (2, 1, 2), (1, 3, 4), (2, 3, 4), (4,), (2, 1, 3, 4)),
    ("abc,cde->abde", "d", (2, 1, 2), (1, 3, 4), (2, 3, 4), (3, 1), (2, 1, 3, 4)),
    ("abc,cde->abde", "be", (2, 7, 2), (7, 3, 4), (2, 3, 4), (7, 1, 4), (2, 7, 3, 4)),
    ("BFNH,NHD->BFD", None, (2, 1, 2, 3), (1, 4), (2, 3, 4), None, (2, 1, 4)),
    ("abc,cd->abd", None, (2, 1, 2), (1, 4), (2, 4), None, (2, 1, 4)),
    ("i,d->id", None, (2,), (2,), (2,), None, (2, 2)),
    ("ibd,nd->ibn", None, (2, 2, 1), (2, 2), (2, 1), None, (2, 2, 2)),
    ("...b,bc->...c", None, (2, 32), (64,), (32, 64), None, (2, 64)),
    ("...bc,bc->...b", None, (2, 32, 64), (32,), (32, 64), None, (2, 32)),
    ("...b,bc->...c", None, (2, 3, 32), (64,), (32, 64), None, (2, 3, 64)),
    ("...c,cde->...de", "d", (2, 1, 2), (3, 4), (2, 3, 4), (3, 1), (2, 1, 3, 4)),
    ("...c,cde->...de", "de", (2, 1, 2), (3, 4), (2, 3, 4), (3, 4), (2, 1, 3, 4)),
    ("bc...,cd->bd...", None, (2, 1, 2, 3), (4,), (1, 4), None, (2, 4, 2, 3)),
    ("bc...,cde->bde...", "d", (2, 1, 2), (3, 4), (1, 3, 4), (3, 1, 1), (2, 3, 4, 2)),
    ("bc...,cde->bde...", "de", (2, 1, 2), (3, 4), (1, 3, 4), (3, 4, 1), (2, 3, 4, 2)),
]


@pytest.mark.parametrize("eq,bias_axes,in_shape,out_shape,kernel,bias,expected", EINSUM_CASES)
def test_einsum_dense_shapes(eq, bias_axes, in_shape, out_shape, kernel, bias, expected):
    layer = layers.EinsumDense(eq, output_shape=out_shape, bias_axes=bias_axes)
    y = layer(np.random.default_rng(0).random(in_shape, dtype=np.float32))
    assert tuple(y.shape) == expected
    assert tuple(layer.kernel.shape) == kernel
    assert (layer.bias is None) == (bias is None)
    if bias is not None:
        assert tuple(layer.bias.shape) == bias
    assert tuple(layer.compute_output_shape(in_shape)) == expected


def test_einsum_dense_weights_names_order_and_values(rng):
    layer = layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c", activation="relu",
                               name="proj")
    x = rng.normal(size=(5, 3)).astype(np.float32)
    y = layer(x)
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    assert [w.path for w in layer.weights] == ["proj/kernel", "proj/bias"]
    assert [tuple(w.shape) for w in layer.weights] == [(3, 4), (4,)]
    k = rng.normal(size=(3, 4)).astype(np.float32)
    b = rng.normal(size=(4,)).astype(np.float32)
    layer.set_weights([k, b])
    np.testing.assert_allclose(np_(layer(x)), np.maximum(np.einsum("ab,bc->ac", x, k) + b, 0),
                               rtol=1e-5, atol=1e-6)
    assert tuple(y.shape) == (5, 4)


def test_einsum_dense_bias_broadcast_values(rng):
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(7, 3, 4), bias_axes="be")
    x = rng.normal(size=(2, 7, 2)).astype(np.float32)
    layer(x)
    k = rng.normal(size=(2, 3, 4)).astype(np.float32)
    b = rng.normal(size=(7, 1, 4)).astype(np.float32)
    layer.set_weights([k, b])
    np.testing.assert_allclose(np_(layer(x)), np.einsum("abc,cde->abde", x, k) + b,
                               rtol=1e-5, atol=1e-6)


def test_einsum_dense_symbolic():
    out = layers.EinsumDense("ab,bc->ac", output_shape=64, bias_axes="c")(keras.Input((32,)))
    assert out.shape == (None, 64)
    out = layers.EinsumDense("abc,cd->abd", output_shape=(None, 64),
                             bias_axes="d")(keras.Input((32, 128)))
    assert out.shape == (None, 32, 64)
    # several elided dimensions keep their order
    out = layers.EinsumDense("...x,xy->...y", output_shape=64,
                             bias_axes="y")(keras.Input((3, 5, 128)))
    assert out.shape == (None, 3, 5, 64)
    y = layers.EinsumDense("...x,xy->...y", output_shape=6)(np.ones((2, 3, 5, 4), np.float32))
    assert tuple(y.shape) == (2, 3, 5, 6)


def test_einsum_dense_fans_follow_kernel_axes():
    # kernel (c, d, e) = (2, 30, 40): Keras counts fan_in = c = 2 (the input axis), so
    # he_uniform's limit is sqrt(6 / 2); a conv-style count would give sqrt(6 / 60).
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(1, 30, 40),
                               kernel_initializer=keras.initializers.HeUniform(seed=3))
    layer.build((None, 1, 2))
    k = np_(layer.kernel)
    assert k.shape == (2, 30, 40)
    assert np.abs(k).max() <= np.sqrt(6 / 2) + 1e-6
    assert np.abs(k).max() > np.sqrt(6 / 60)


def test_einsum_dense_training_step(rng):
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(4, 2), bias_axes="d")
    x = rng.normal(size=(3, 4, 5)).astype(np.float32)
    target = rng.normal(size=(3, 4, 2)).astype(np.float32)
    layer(x)
    losses = sgd_losses(lambda: ember.reduce_mean(ember.square(layer(x) - target)),
                        layer.trainable_weights)
    assert losses[-1] < losses[0]


def test_einsum_dense_config_roundtrip(rng):
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d",
                               activation="tanh", kernel_regularizer="l2")
    config = layer.get_config()
    assert config["equation"] == "abc,cd->abd"
    assert config["output_shape"] == (None, 3)
    assert config["bias_axes"] == "d"
    assert config["activation"] == "tanh"
    assert config["quantization_config"] is None
    for key in ("kernel_initializer", "bias_initializer", "kernel_regularizer",
                "bias_regularizer", "activity_regularizer", "kernel_constraint",
                "bias_constraint", "name", "trainable", "dtype"):
        assert key in config
    roundtrip(layer, rng.normal(size=(2, 4, 5)).astype(np.float32))
    # a config as JSON gives it (lists), from real Keras
    clone = layers.EinsumDense.from_config({**config, "output_shape": [None, 3]})
    assert clone.partial_output_shape == (None, 3)


def test_einsum_dense_errors():
    with pytest.raises(ValueError, match="Invalid einsum equation"):
        layers.EinsumDense("ab->b", output_shape=3)
    with pytest.raises(ValueError, match="Bias dimension 'z'"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="z").build((None, 4))
    with pytest.raises(ValueError, match="do not match at shared dimension"):
        layers.EinsumDense("abc,cd->abd", output_shape=(5, 3)).build((None, 4, 2))
    with pytest.raises(ValueError, match="expects inputs of rank 2"):
        layers.EinsumDense("ab,bc->ac", output_shape=3).build((None, 4, 2))
    with pytest.raises(NotImplementedError, match="LoRA"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, lora_rank=2)


# -- Activation -------------------------------------------------------------------------------
def test_activation_values_and_shapes(rng):
    x = rng.normal(size=(4, 3)).astype(np.float32)
    np.testing.assert_allclose(np_(layers.Activation("relu")(x)), np.maximum(x, 0))
    np.testing.assert_allclose(np_(layers.Activation(keras.activations.tanh)(x)), np.tanh(x),
                               rtol=1e-6)
    layer = layers.Activation("sigmoid")
    assert layer.built and layer.weights == []
    assert layer.compute_output_shape((None, 3)) == (None, 3)
    assert layer(keras.Input((5, 3))).shape == (None, 5, 3)


def test_activation_training_config_and_mask(rng):
    x = rng.normal(size=(4, 2)).astype(np.float32)
    losses = train_through(layers.Activation("tanh"), x)
    assert losses[-1] < losses[0]
    layer = layers.Activation("softplus", name="act")
    assert layer.get_config()["activation"] == "softplus"
    roundtrip(layer, x)
    t = ember.constant(x)
    t._keras_mask = ember.constant([True, False, True, True])
    assert np_(layers.Activation("relu")(t)._keras_mask).tolist() == [True, False, True, True]


# -- Embedding --------------------------------------------------------------------------------
def test_embedding_shapes_weights_values():
    layer = layers.Embedding(10, 4, name="emb")
    ids = np.array([[1, 2, 3], [9, 0, 5]], np.int32)
    y = layer(ids)
    assert tuple(y.shape) == (2, 3, 4) and y.dtype.name == "float32"
    assert [w.name for w in layer.weights] == ["embeddings"]
    assert layer.weights[0].path == "emb/embeddings"
    assert tuple(layer.embeddings.shape) == (10, 4)
    np.testing.assert_array_equal(np_(y), np_(layer.embeddings)[ids])
    # the default "uniform" initializer: RandomUniform(-0.05, 0.05)
    assert np.abs(np_(layer.embeddings)).max() <= 0.05
    assert layer.compute_output_shape((None, 3)) == (None, 3, 4)
    # float indices are cast
    np.testing.assert_array_equal(np_(layer(ids.astype(np.float32))), np_(y))


def test_embedding_symbolic_and_initial_weights():
    out = layers.Embedding(20, 8)(keras.Input((5,), dtype="int32"))
    assert out.shape == (None, 5, 8) and out.dtype == "float32"
    table = np.arange(12, dtype=np.float32).reshape(6, 2)
    layer = layers.Embedding(6, 2, weights=table)
    assert layer.built
    np.testing.assert_array_equal(np_(layer(np.array([[5, 1]]))), table[[[5, 1]]])


def test_embedding_mask_zero_reaches_downstream_layers():
    ids = np.array([[3, 1, 0, 0], [2, 0, 4, 0]], np.int32)
    expected = ids != 0
    emb = layers.Embedding(5, 3, mask_zero=True)
    y = emb(ids)
    np.testing.assert_array_equal(np_(y._keras_mask), expected)
    np.testing.assert_array_equal(np_(emb.compute_mask(ember.constant(ids))), expected)
    # a layer that supports masking passes it on
    z = layers.Dropout(0.5)(y)
    np.testing.assert_array_equal(np_(z._keras_mask), expected)
    # no mask without mask_zero
    assert getattr(layers.Embedding(5, 3)(ids), "_keras_mask", None) is None

    seen = []

    def apply_mask(x, mask=None):
        seen.append(mask)
        return x if mask is None else x * ember.cast(mask, x.dtype)[..., None]

    inputs = keras.Input((4,), dtype="int32")
    outputs = layers.Lambda(apply_mask)(layers.Embedding(5, 3, mask_zero=True)(inputs))
    model = keras.Model(inputs, outputs)
    out = np_(model(ids))
    np.testing.assert_array_equal(np_(seen[-1]), expected)
    assert np.all(out[~expected] == 0)


def test_embedding_training_step():
    layer = layers.Embedding(6, 3)
    ids = np.array([[1, 2], [3, 1]], np.int32)
    target = np.ones((2, 2, 3), np.float32)
    layer(ids)
    before = np_(layer.embeddings).copy()
    losses = sgd_losses(lambda: ember.reduce_mean(ember.square(layer(ids) - target)),
                        layer.trainable_weights, lr=1.0)
    assert losses[-1] < losses[0]
    after = np_(layer.embeddings)
    np.testing.assert_array_equal(after[[0, 4, 5]], before[[0, 4, 5]])  # unused rows


def test_embedding_config_and_errors():
    layer = layers.Embedding(7, 2, mask_zero=True, embeddings_regularizer="l2")
    config = layer.get_config()
    assert config["input_dim"] == 7 and config["output_dim"] == 2
    assert config["mask_zero"] is True
    assert config["embeddings_initializer"]["class_name"] == "RandomUniform"
    assert config["embeddings_initializer"]["config"]["minval"] == -0.05
    assert config["quantization_config"] is None
    clone = roundtrip(layer, np.array([[1, 0, 6]]))
    assert clone.mask_zero
    with pytest.raises(ValueError, match="`input_dim` must be a positive integer"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match="`output_dim` must be a positive integer"):
        layers.Embedding(3, 2.5)


# -- Lambda -----------------------------------------------------------------------------------
def add_offset(x, offset=0.0):
    return x + offset


def first_half(x):
    return x[:, : x.shape[1] // 2]


@keras.saving.register_keras_serializable(package="ember_test")
def registered_square(x):
    return x * x


def test_lambda_values_arguments_and_shapes(rng):
    x = rng.normal(size=(4, 6)).astype(np.float32)
    layer = layers.Lambda(add_offset, arguments={"offset": 2.0})
    np.testing.assert_allclose(np_(layer(x)), x + 2.0)
    assert layer.weights == []
    # output_shape inferred, given (without batch), or computed by a function
    assert layers.Lambda(first_half).compute_output_shape((None, 6)) == (None, 3)
    assert layers.Lambda(first_half, output_shape=(3,)).compute_output_shape((8, 6)) == (8, 3)
    assert layers.Lambda(first_half, output_shape=lambda s: (s[0], 3)) \
        .compute_output_shape((None, 6)) == (None, 3)
    assert layers.Lambda(first_half)(keras.Input((6,))).shape == (None, 3)
    assert layers.Lambda(first_half, output_shape=(3,))(keras.Input((6,))).shape == (None, 3)


def test_lambda_mask_and_training_arguments():
    calls = {}

    def fn(x, mask=None, training=None):
        calls["mask"], calls["training"] = mask, training
        return x

    t = ember.ones((2, 3))
    t._keras_mask = ember.constant([True, False])
    layers.Lambda(fn)(t, training=True)
    assert calls["training"] is True
    assert np_(calls["mask"]).tolist() == [True, False]
    # the output mask: fixed, or computed from inputs and the previous mask
    fixed = ember.constant([[True, False, True]])
    assert np_(layers.Lambda(add_offset, mask=fixed)(ember.ones((1, 3)))._keras_mask) \
        .tolist() == [[True, False, True]]
    out = layers.Lambda(add_offset, mask=lambda x, m: ember.not_equal(x, 0.0))(
        ember.constant([[0.0, 1.0]]))
    assert np_(out._keras_mask).tolist() == [[False, True]]
    assert getattr(layers.Lambda(add_offset)(t), "_keras_mask", None) is None


def test_lambda_training_step(rng):
    x = rng.normal(size=(4, 2)).astype(np.float32)
    losses = train_through(layers.Lambda(registered_square), x)
    assert losses[-1] < losses[0]


def test_lambda_config_named_and_registered_functions(rng):
    x = rng.normal(size=(2, 6)).astype(np.float32)
    layer = layers.Lambda(add_offset, output_shape=(6,), arguments={"offset": 1.5})
    config = layer.get_config()
    assert config["function"]["class_name"] == "function"
    assert config["function"]["config"] == "add_offset"
    assert config["output_shape"] == (6,) and config["arguments"] == {"offset": 1.5}
    assert "mask" not in config
    # an unregistered function needs custom_objects
    with pytest.raises(TypeError, match="could not locate function 'add_offset'"):
        layers.Lambda.from_config(config)
    roundtrip(layer, x, custom_objects={"add_offset": add_offset})
    # a registered one does not
    layer = layers.Lambda(registered_square)
    assert layer.get_config()["function"]["registered_name"] == "ember_test>registered_square"
    roundtrip(layer, x)
    # Keras built-in functions resolve by module
    layer = layers.Lambda(keras.activations.relu)
    assert layers.Lambda.from_config(layer.get_config()).function is keras.activations.relu
    # output_shape as JSON writes it
    config = layers.Lambda(registered_square, output_shape=(6,)).get_config()
    assert layers.Lambda.from_config({**config, "output_shape": [6]})._output_shape == (6,)


def test_lambda_lambdas_are_stored_by_name_only():
    fn = lambda x: x * 3.0  # noqa: E731
    layer = layers.Lambda(fn, output_shape=lambda s: s)
    config = layer.get_config()
    assert config["function"]["config"] == "<lambda>"
    assert "code" not in str(config)
    with pytest.raises(ValueError, match="Python lambda.*custom_objects"):
        layers.Lambda.from_config(config)
    clone = layers.Lambda.from_config(config, custom_objects={"<lambda>": fn})
    assert clone.function is fn
    # Keras's marshalled-bytecode form is refused, never executed
    keras_config = {**config, "function": {"class_name": "__lambda__", "config": {
        "code": "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwApAk7pAwAAAKkAKQHaAXhyAgAA",
        "defaults": None, "closure": None}}}
    keras_config.pop("output_shape")
    with pytest.raises(ValueError, match="bytecode"):
        layers.Lambda.from_config(keras_config)
    with pytest.raises(TypeError, match="must be callable"):
        layers.Lambda(3)


# -- Identity ---------------------------------------------------------------------------------
def test_identity(rng):
    x = ember.constant(rng.normal(size=(3, 2)).astype(np.float32))
    layer = layers.Identity(name="same")
    assert layer(x) is x
    assert layer.built and layer.weights == []
    x._keras_mask = ember.constant([True, True, False])
    assert np_(layer(x)._keras_mask).tolist() == [True, True, False]
    assert layers.Identity()(keras.Input((4,))).shape == (None, 4)
    assert tuple(layer.compute_output_shape((None, 7))) == (None, 7)
    losses = train_through(layers.Identity(), np_(x))
    assert losses[-1] < losses[0]
    assert layer.get_config() == {"name": "same", "trainable": True,
                                  "dtype": layer.get_config()["dtype"]}
    roundtrip(layer, np_(x))


def test_identity_symbolic_keeps_dtype():
    out = layers.Identity()(keras.Input((4,), dtype="int32"))
    assert out.shape == (None, 4) and out.dtype == "int32"


# -- Masking ----------------------------------------------------------------------------------
def test_masking_mask_and_zeroing():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]],
                  [[-1.0, -1.0], [-1.0, -1.0], [5.0, 6.0]]], np.float32)
    layer = layers.Masking(mask_value=-1.0)
    y = layer(x)
    expected = np.any(x != -1.0, axis=-1)
    np.testing.assert_array_equal(np_(y._keras_mask), expected)
    np.testing.assert_array_equal(np_(y), np.where(expected[..., None], x, 0.0))
    np.testing.assert_array_equal(np_(layer.compute_mask(ember.constant(x))), expected)
    # downstream layers that support masking pass it on
    np.testing.assert_array_equal(np_(layers.Activation("relu")(y)._keras_mask), expected)
    assert layer.compute_output_shape((None, 3, 2)) == (None, 3, 2)
    assert layer(keras.Input((3, 2))).shape == (None, 3, 2)


def test_masking_training_and_config(rng):
    x = rng.normal(size=(4, 2)).astype(np.float32)
    losses = train_through(layers.Masking(0.0), x)
    assert losses[-1] < losses[0]
    layer = layers.Masking(mask_value=0.5)
    assert layer.get_config()["mask_value"] == 0.5
    roundtrip(layer, np.array([[[0.5, 0.5], [1.0, 2.0]]], np.float32))


# -- against Keras 3.15: input_spec and mixed precision of Dense / EinsumDense --------------
def test_dense_input_spec_checked_on_every_call():
    dense = layers.Dense(2, name="dense_spec")
    dense(np.ones((1, 3), np.float32))
    with pytest.raises(ValueError, match=r"Input 0 of layer 'dense_spec' is incompatible "
                                         r"with the layer: expected axis -1 of input shape "
                                         r"to have value 3, but received input with shape "
                                         r"\(1, 4\)"):
        dense(np.ones((1, 4), np.float32))
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        layers.Dense(2)(np.ones((3,), np.float32))
    einsum = layers.EinsumDense("abc,cd->abd", output_shape=(None, 2))
    einsum(np.ones((1, 2, 3), np.float32))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        einsum(np.ones((1, 3), np.float32))


def test_einsum_dense_mixed_policy_computes_in_float16():
    layer = layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="c",
                               dtype="mixed_float16")
    x = np.random.default_rng(1).standard_normal((2, 4)).astype(np.float32)
    out = layer(ember.constant(x))
    assert out.dtype == ember.float16
    assert layer.kernel.dtype == ember.float32
    kernel, bias = (w.numpy() for w in layer.weights)
    np.testing.assert_allclose(out.numpy(), x.astype(np.float16) @ kernel.astype(np.float16)
                               + bias.astype(np.float16), rtol=1e-2, atol=1e-2)
