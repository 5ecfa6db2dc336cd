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


def test_auto_get_config_spreads_a_var_keyword_parameter_of_any_name():
    class Shift(keras.layers.Layer):
        def __init__(self, offset=1.0, **kw):
            super().__init__(**kw)
            self.offset = offset

        def call(self, x):
            return x + self.offset

    config = Shift(offset=2.0, name="shift", dtype="float64").get_config()
    assert "kw" not in config and config["name"] == "shift" and config["offset"] == 2.0
    clone = Shift.from_config(config)
    assert clone.name == "shift" and clone.dtype_policy.name == "float64"


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


# -- input conversion and autocast (as Keras 3's Layer.__call__) ----------------------------
def test_array_inputs_take_the_compute_dtype():
    # Keras: arrays become tensors of the layer's compute dtype, float64 ones included
    conv = keras.layers.Conv2D(3, 3, dtype="float64")
    assert conv(np.ones((1, 5, 5, 2))).dtype == ember.float64
    q = np.ones((1, 2, 3))
    assert keras.layers.Attention(dtype="float64")([q, q]).dtype == ember.float64
    assert keras.layers.Dense(3)(np.ones((2, 4))).dtype == ember.float32
    assert keras.layers.Dense(2, dtype="float16")(np.ones((1, 3))).dtype == ember.float16
    # integer and bool inputs are never cast
    assert keras.layers.Activation("linear")(np.ones((2, 4), np.int32)).dtype == ember.int32
    assert keras.layers.Identity()(np.ones((1, 3), bool)).dtype == ember.bool


def test_autocast_casts_floating_tensor_inputs_of_every_argument():
    x64 = ember.constant(np.ones((2, 4)))
    assert keras.layers.Dense(3)(x64).dtype == ember.float32
    x16 = ember.ones((2, 4), dtype="float16")
    assert keras.layers.Dropout(0.5)(x16).dtype == ember.float32
    # a list input, and keyword tensors (initial_state) too
    out = keras.layers.Add()([x64, ember.ones((2, 4))])
    assert out.dtype == ember.float32
    lstm = keras.layers.LSTM(2, dtype="float64")
    out = lstm(np.ones((1, 3, 4), np.float32),
               initial_state=[ember.zeros((1, 2)), ember.zeros((1, 2))])
    assert out.dtype == ember.float64
    # autocast=False keeps what it gets (float64 arrays stay float64, as in Keras)
    relu = keras.layers.Activation("relu", autocast=False)
    assert relu(np.ones((2, 4))).dtype == ember.float64
    assert relu(x64).dtype == ember.float64


def test_autocast_keeps_the_mask_of_a_cast_input():
    x = ember.constant(np.ones((2, 3, 4)))
    x._keras_mask = ember.constant(np.array([[True, True, False], [True, False, False]]))
    out = keras.layers.Dense(2)(x)
    assert out.dtype == ember.float32
    np.testing.assert_array_equal(out._keras_mask.numpy(), x._keras_mask.numpy())


def test_mixed_policy_reads_float32_variables_as_float16_inside_call():
    rng = np.random.default_rng(0)
    layer = keras.layers.Dense(3, dtype="mixed_float16")
    x = rng.standard_normal((2, 4)).astype(np.float32)
    out = layer(ember.constant(x))
    assert out.dtype == ember.float16
    assert layer.kernel.dtype == ember.float32            # still the float32 variable
    assert isinstance(layer.kernel, ember.Variable)
    kernel, bias = (w.numpy() for w in layer.weights)
    want = x.astype(np.float16) @ kernel.astype(np.float16) + bias.astype(np.float16)
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-2, atol=1e-2)
    with ember.GradientTape() as tape:
        loss = ember.reduce_sum(ember.cast(layer(ember.constant(x)), "float32"))
    grad = tape.gradient(loss, layer.kernel)
    assert grad.dtype == ember.float32
    np.testing.assert_allclose(grad.numpy(), np.repeat(x.sum(0)[:, None], 3, axis=1),
                               rtol=1e-2)


# -- losses of the last call only --------------------------------------------------------
class _TwiceDense(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(1, kernel_initializer="ones",
                                        activity_regularizer="l2")

    def call(self, x):
        return self.dense(x) + self.dense(x)


def test_activity_regularizer_losses_are_those_of_the_last_outer_call():
    x = np.ones((2, 3), np.float32)
    layer = keras.layers.Dense(1, kernel_initializer="ones", activity_regularizer="l2")
    layer(x)
    layer(x)
    assert len(layer.losses) == 1                          # Keras: 1 (was 2)
    # l2(0.01) of outputs [[3], [3]] divided by the batch size
    np.testing.assert_allclose(float(layer.losses[0]), 0.01 * 18 / 2, rtol=1e-6)
    outer = _TwiceDense()
    outer(x)
    assert len(outer.losses) == 2                          # both inner calls of one call
    outer(x)
    assert len(outer.losses) == 2
    outer.dense(x)                                         # a direct call of the inner one
    assert len(outer.losses) == 1 and len(outer.dense.losses) == 1
    inp = keras.Input((3,))
    model = keras.Model(inp, keras.layers.Dense(1, activity_regularizer="l2")(inp))
    assert model.losses == []
    model(x)
    model(x)
    assert len(model.losses) == 1
    model.predict(x, verbose=0)
    assert len(model.losses) == 1


# -- input_spec on eager calls -----------------------------------------------------------------
def test_input_spec_is_checked_on_eager_calls():
    conv = keras.layers.Conv2D(2, 3, name="conv_spec")
    conv(np.ones((1, 5, 5, 3), np.float32))
    with pytest.raises(ValueError, match=r"Input 0 of layer 'conv_spec' is incompatible "
                                         r"with the layer: expected axis -1 of input shape "
                                         r"to have value 3, but received input with shape "
                                         r"\(1, 5, 5, 4\)"):
        conv(np.ones((1, 5, 5, 4), np.float32))
    with pytest.raises(ValueError, match="expected min_ndim=4, found ndim=3"):
        conv(np.ones((5, 5, 3), np.float32))
    assert conv(np.ones((2, 6, 6, 3), np.float32)).shape == (2, 4, 4, 2)


def test_symbolic_calls_keep_tuples():
    out = keras.layers.LSTM(2, return_state=True)(keras.Input((3, 4)))
    assert isinstance(out, tuple) and len(out) == 3
    assert [t.shape for t in out] == [(None, 2), (None, 2), (None, 2)]


class _Leaf(keras.layers.Layer):
    def build(self, input_shape):
        self.a = self.add_weight(shape=(2,))
        self.b = self.add_weight(shape=(2,), name="b")
        self.c = keras.Variable(np.zeros(2, "float32"))

    def call(self, x):
        return x


class _Outer(keras.layers.Layer):
    """Creates its sub-layer in __init__ and has no build: the sub-layer is built during
    the first call."""

    def __init__(self):
        super().__init__(name="outer")
        self.leaf = _Leaf(name="leaf")

    def call(self, x):
        return self.leaf(x)


def test_weights_of_lazily_built_sublayers_have_nested_paths_and_global_names():
    # Keras 3.15 opens a layer's name scope around its call, so paths nest
    # ('outer/leaf/...'), and unnamed variables are named by one global counter
    # ('variable', 'variable_1' ...; Ember gave 'variable_0' per layer, and 'leaf/...')
    from ember.keras.utils.naming import uniquify
    outer = _Outer()
    outer(np.ones((1, 2), "float32"))
    a, b = outer.leaf.a, outer.leaf.b
    n = int(a.name.rsplit("_", 1)[1]) if "_" in a.name else 0
    assert a.name.startswith("variable")
    assert outer.leaf.c.name == f"variable_{n + 1}"
    assert uniquify("variable") == f"variable_{n + 2}"
    assert [a.path, b.path, outer.leaf.c.path] == \
        [f"outer/leaf/{a.name}", "outer/leaf/b", f"outer/leaf/variable_{n + 1}"]


def test_subclassed_model_paths_include_intermediate_layers():
    class Model(keras.Model):
        def __init__(self):
            super().__init__(name="m")
            self.outer = _Outer()
            self.dense = keras.layers.Dense(2, name="d")

        def call(self, x):
            return self.dense(self.outer(x))

    model = Model()
    model(np.ones((1, 2), "float32"))
    paths = [w.path for w in model.weights]
    assert paths[-2:] == ["m/d/kernel", "m/d/bias"]
    assert [p.rsplit("/", 1)[0] for p in paths[:3]] == ["m/outer/leaf"] * 3


def test_a_layer_or_model_without_call_raises_as_keras():
    class NoCall(keras.layers.Layer):
        pass

    class NoCallModel(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

    for obj in (NoCall(), NoCallModel()):
        with pytest.raises(NotImplementedError, match="does not have a `call"):
            obj(np.ones((1, 3), "float32"))


def test_summary_after_fit_shows_an_open_batch():
    import numpy as np
    from ember import keras

    class Two(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(4)
            self.out = keras.layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))

    model = Two()
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 3)), np.ones((8, 1)), batch_size=4, verbose=0)
    # the compiled step serves every batch size (it was traced at trial sizes, never at
    # the data's): the batch shows as None, not a trial size
    assert model.hidden.get_build_config() == {"input_shape": [None, 3]}


def test_string_inputs_are_refused_clearly():
    import pytest
    from ember import keras
    with pytest.raises(ValueError, match="dtype='string' is not supported"):
        keras.Input(shape=(1,), dtype="string")
