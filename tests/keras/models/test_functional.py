import numpy as np
import pytest

import ember
from ember import keras


def _mlp():
    x = keras.Input((3,), name="x")
    h = keras.layers.Dense(4, activation="relu", name="h")(x)
    y = keras.layers.Dense(2, name="y")(h)
    return keras.Model(x, y, name="mlp")


def test_functional_shapes_layers_and_call():
    model = _mlp()
    assert isinstance(model, keras.Model)
    assert model.input_shape == (None, 3) and model.output_shape == (None, 2)
    assert [l.name for l in model.layers] == ["x", "h", "y"]
    assert model(np.ones((5, 3), np.float32)).shape == (5, 2)
    assert model.get_layer("h").units == 4 and model.get_layer(index=2).name == "y"


def test_multiple_inputs_and_outputs_and_dicts():
    a = keras.Input((2,), name="a")
    b = keras.Input((3,), name="b")
    shared = keras.layers.Dense(4, name="shared")
    ha = shared(keras.layers.Dense(3)(a))
    hb = shared(b)
    model = keras.Model({"a": a, "b": b}, {"sum": ha + hb, "prod": ha * hb})
    out = model({"a": np.ones((2, 2), np.float32), "b": np.ones((2, 3), np.float32)})
    assert set(out) == {"sum", "prod"} and out["sum"].shape == (2, 4)
    # shared layer: one set of weights, two nodes
    assert len(shared._inbound_nodes) == 2
    model2 = keras.Model([a, b], [ha, hb])
    outs = model2([np.ones((1, 2), np.float32), np.ones((1, 3), np.float32)])
    assert len(outs) == 2
    by_name = model2({"a": np.ones((1, 2), np.float32), "b": np.ones((1, 3), np.float32)})
    np.testing.assert_allclose(by_name[0].numpy(), outs[0].numpy())


def test_nested_models():
    inner = _mlp()
    x = keras.Input((3,))
    outer = keras.Model(x, keras.layers.Dense(1)(inner(x)))
    assert outer(np.ones((2, 3), np.float32)).shape == (2, 1)
    assert len(outer.weights) == 6


def test_wrong_input_count_and_rank_errors():
    model = _mlp()
    with pytest.raises(ValueError, match="expects shape"):
        model(np.ones((3,), np.float32))
    a, b = keras.Input((1,)), keras.Input((1,))
    two = keras.Model([a, b], a + b)
    with pytest.raises(ValueError, match="expects 2 input"):
        two(np.ones((1, 1), np.float32))


def test_disconnected_graph_is_an_error():
    a, b = keras.Input((1,)), keras.Input((1,))
    with pytest.raises(ValueError, match="disconnected"):
        keras.Model(a, keras.layers.Dense(1)(b))


def test_symbolic_operators_and_slicing():
    x = keras.Input((4,))
    y = (x[:, :2] * 2.0 - 1.0) @ ember.ones((2, 3))
    model = keras.Model(x, y)
    assert model.output_shape == (None, 3)
    np.testing.assert_allclose(model(np.ones((1, 4), np.float32)).numpy(), [[2.0, 2.0, 2.0]])


def test_symbolic_tensor_misuse_errors():
    x = keras.Input((2,))
    with pytest.raises(TypeError, match="Python bool"):
        bool(x)
    with pytest.raises(TypeError, match="NumPy"):
        np.asarray(x)


def test_config_round_trip_keeps_graph():
    model = _mlp()
    clone = keras.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(3, 3)).astype(np.float32)
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy(), rtol=1e-6)
    assert [l.name for l in clone.layers] == ["x", "h", "y"]


def test_subclassed_model():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = keras.layers.Dense(4)
            self.d2 = keras.layers.Dense(1)

        def call(self, x):
            return self.d2(ember.nn.relu(self.d1(x)))

    net = Net()
    assert net(np.ones((2, 3), np.float32)).shape == (2, 1)
    assert len(net.trainable_weights) == 4
    net2 = Net()
    net2.build((None, 3))
    assert net2.built and len(net2.weights) == 4


def test_building_a_functional_model_runs_no_state_updates():
    class Counter(keras.layers.Layer):
        def build(self, input_shape):
            self.n = self.add_weight(shape=(), initializer="zeros", trainable=False)

        def call(self, x):
            self.n.assign_add(1.0)
            return x * 2.0

    counter = Counter()
    inp = keras.Input((3,))
    model = keras.Model(inp, counter(inp))
    assert float(counter.n.numpy()) == 0.0       # Keras builds symbolically: no call ran
    model.predict(np.ones((2, 3), np.float32), verbose=0)
    assert float(counter.n.numpy()) == 1.0


def test_more_python_operators_on_keras_tensors_record_ops():
    inp = keras.Input((3,))
    model = keras.Model(inp, [inp // 2.0, inp % 2.0, 7.0 % inp, (inp > 1.0) & (inp < 4.0),
                              (inp > 3.0) | ~(inp > 0.0), (inp > 1.0) ^ (inp > 2.0)])
    x = np.array([[-1.5, 2.5, 3.5]], np.float32)
    got = [np.asarray(o) for o in model(x)]
    want = [x // 2.0, x % 2.0, 7.0 % x, (x > 1) & (x < 4), (x > 3) | ~(x > 0),
            (x > 1) ^ (x > 2)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w)
    again = keras.Model.from_config(model.get_config())
    for g, w in zip(again(x), want):
        np.testing.assert_allclose(np.asarray(g), w)


def _flip_model():
    """A model whose nodes recorded training=True, as Keras saves augmentation layers."""
    inp = keras.Input((4, 4, 1))
    x = keras.layers.RandomFlip("horizontal", seed=3)(inp, training=True)
    return keras.Model(inp, keras.layers.Dropout(0.5, seed=4)(x, training=True))


def test_outer_training_value_replaces_the_recorded_one(tmp_path):
    images = np.arange(16 * 16, dtype=np.float32).reshape(16, 4, 4, 1) + 1.0
    path = str(tmp_path / "flip.keras")
    _flip_model().save(path)
    for model in (_flip_model(), keras.saving.load_model(path)):
        # inference: what predict/evaluate run, and an explicit training=False
        np.testing.assert_array_equal(model.predict(images, verbose=0), images)
        np.testing.assert_array_equal(model(images, training=False).numpy(), images)
        # no outer value: the recorded training=True applies (as in Keras)
        out = model(images).numpy()
        assert (out == 0).any()
        out = model(images, training=True).numpy()
        assert (out == 0).any()


def test_compute_output_shape_keeps_the_batch_size():
    x = keras.Input((4,))
    model = keras.Model(x, keras.layers.Dense(3)(x))
    assert model.compute_output_shape((7, 4)) == (7, 3)              # was (None, 3)
    assert model.compute_output_shape((None, 4)) == (None, 3)
    assert keras.layers.TimeDistributed(model).compute_output_shape((7, 5, 4)) == (7, 5, 3)
    seq = keras.Input((None, 4))
    assert keras.Model(seq, keras.layers.Dense(3)(seq)).compute_output_shape((7, 9, 4)) \
        == (7, 9, 3)
    a, b = keras.Input((4,)), keras.Input((2,))
    two = keras.Model([a, b], [keras.layers.Dense(3)(a), keras.layers.Dense(1)(b)])
    assert two.compute_output_shape([(7, 4), (7, 2)]) == [(7, 3), (7, 1)]
    named = keras.Model({"a": a, "b": b}, {"x": keras.layers.Dense(3)(a)})
    assert named.compute_output_shape({"a": (7, 4), "b": (7, 2)}) == {"x": (7, 3)}
    wide = keras.Input((4,), dtype="float64")
    spec = keras.Model(wide, keras.layers.Dense(3, dtype="float64")(wide)) \
        .compute_output_spec(keras.KerasTensor((7, 4)))
    assert spec.shape == (7, 3) and spec.dtype == "float64"
    with pytest.raises(ValueError, match=r"of layer '.*' is incompatible with the layer: "
                                         r"expected shape=\(None, 4\), found "
                                         r"shape=\(7, 5\)"):
        model.compute_output_shape((7, 5))


def test_inputs_are_converted_to_the_input_dtype():
    x = keras.Input((4,))
    model = keras.Model(x, keras.layers.Dense(2)(x))
    assert model(np.ones((2, 4), np.int32)).dtype == ember.float32     # was float64
    assert model(np.ones((2, 4))).dtype == ember.float32


def test_eager_call_checks_fixed_input_sizes():
    x = keras.Input((4,))
    model = keras.Model(x, keras.layers.Dense(2)(x))
    with pytest.raises(ValueError, match=r"Input 0 with name '.*' of layer '.*' is "
                                         r"incompatible with the layer: expected "
                                         r"shape=\(None, 4\), found shape=\(7, 5\)"):
        model(np.ones((7, 5), np.float32))


def test_symbolic_tensors_carry_masks_to_the_next_layers_call():
    # Keras 3.15: a functional Embedding(mask_zero=True) output has _keras_mask, a
    # supports_masking layer passes it on, and a layer's call(mask=...) gets it while
    # the model is being built (the masking guide's TemporalSoftmax asserts it)
    seen = []

    class PassThrough(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            seen.append(mask is not None)
            return inputs

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(10, 4, mask_zero=True)(inputs)
    assert x._keras_mask.shape == (None, None) and x._keras_mask.dtype == "bool"
    x = keras.layers.Dense(3)(x)
    assert x._keras_mask.shape == (None, None)
    x = PassThrough()(x)
    assert seen and all(seen)      # the shape-inference runs got the mask
    assert x._keras_mask.shape == (None, None)
    pooled = keras.layers.GlobalAveragePooling1D()(x)
    assert getattr(pooled, "_keras_mask", None) is None
    model = keras.Model(inputs, pooled)
    out = model(np.array([[1, 2, 0, 0]]))
    assert tuple(out.shape) == (1, 3)
