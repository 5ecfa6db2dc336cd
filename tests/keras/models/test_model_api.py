"""The Model API as objects, checked against what Keras 3.15 gives (values observed in
real Keras and written down here)."""
import numpy as np
import pytest

from ember import keras


def test_functional_layers_and_weights_follow_keras_depth_order():
    # Keras orders layers by depth from the outputs, not by a depth-first walk; weights,
    # get_weights and a .keras file's "layers/dense_N" entries follow that order
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    d1, d2, d3 = (keras.layers.Dense(n, name=f"d{i}") for i, n in ((1, 3), (2, 4), (3, 4)))
    model = keras.Model([a, b], keras.layers.Concatenate(name="cat")([d3(b), d2(d1(a))]))
    assert [l.name for l in model.layers] == ["a", "b", "d1", "d3", "d2", "cat"]
    assert [w.path for w in model.weights] == ["d1/kernel", "d1/bias", "d3/kernel",
                                               "d3/bias", "d2/kernel", "d2/bias"]
    shared = keras.layers.Dense(2, name="shared")
    model = keras.Model([a, b], keras.layers.Add(name="add")([shared(a), shared(b)]))
    assert [l.name for l in model.layers] == ["a", "b", "shared", "add"]
    assert [l["name"] for l in model.get_config()["layers"]] == ["a", "b", "shared", "add"]


def test_unused_input_comes_first_at_its_depth():
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    model = keras.Model([a, b], keras.layers.Dense(1, name="d")(a))
    assert [l.name for l in model.layers] == ["a", "b", "d"]
    assert model([np.ones((1, 3)), np.ones((1, 3))]).shape == (1, 1)


def test_graph_disconnected_and_duplicate_names():
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, keras.layers.Dense(1)(b))
    x = keras.layers.Dense(2, name="same")(a)
    with pytest.raises(ValueError, match='The name "same" is used 2 times'):
        keras.Model(a, keras.layers.Dense(2, name="same")(x))
    with pytest.raises(ValueError, match="All `outputs` values must be KerasTensors"):
        keras.Model(a, np.ones((1, 3)))


def test_single_output_in_a_list_returns_the_tensor_on_data():
    x = keras.Input((3,))
    model = keras.Model(x, [keras.layers.Dense(2)(x)])
    out = model(np.ones((1, 3), "float32"))
    assert not isinstance(out, (list, tuple)) and out.shape == (1, 2)   # as Keras
    assert isinstance(model(keras.Input((3,))), list)       # a symbolic call keeps it
    assert isinstance(model.output, list) and model.output_shape == (None, 2)
    pair = keras.Model(x, [keras.layers.Dense(1)(x), keras.layers.Dense(2)(x)])
    assert isinstance(pair(np.ones((1, 3), "float32")), list)


def test_single_input_given_as_a_list_and_trailing_unit_axis():
    x = keras.Input((3,))
    model = keras.Model([x], keras.layers.Dense(1, kernel_initializer="ones")(x))
    np.testing.assert_allclose(model([np.ones((1, 3), "float32")]).numpy(), [[3.0]])
    np.testing.assert_allclose(model(np.ones((1, 3), "float32")).numpy(), [[3.0]])
    np.testing.assert_allclose(model(np.ones((2, 3, 1), "float32")).numpy(), [[3.0], [3.0]])
    one = keras.Input((1,))
    scale = keras.Model(one, keras.layers.Dense(1, kernel_initializer="ones")(one))
    np.testing.assert_allclose(scale(np.array([1.0, 2.0], "float32")).numpy(), [[1.0], [2.0]])


def test_dict_for_list_inputs_matches_names_and_ignores_other_keys():
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    model = keras.Model([a, b], keras.layers.Subtract()([a, b]))
    out = model({"b": np.ones((1, 3)), "a": np.zeros((1, 3)), "extra": np.ones((1,))})
    np.testing.assert_allclose(out.numpy(), -np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"no value for \['a'\]"):
        model({"b": np.ones((1, 3))})


def test_model_from_an_intermediate_tensor_shares_the_layers():
    a = keras.Input((3,), name="a")
    h = keras.layers.Dense(2, name="h", kernel_initializer="ones")(a)
    out = keras.layers.Dense(1, name="o", kernel_initializer="ones")(h)
    model = keras.Model(a, out)
    decoder = keras.Model(model.get_layer("h").output, model.output)
    assert [type(l).__name__ for l in decoder.layers] == ["InputLayer", "Dense"]
    assert decoder.get_layer("o") is model.get_layer("o") and decoder.input_shape == (None, 2)
    np.testing.assert_allclose(decoder(np.ones((2, 2), "float32")).numpy(), [[2.0], [2.0]])
    np.testing.assert_allclose(model(np.ones((1, 3), "float32")).numpy(), [[6.0]])


def test_ops_on_keras_tensors_are_nodes_not_layers():
    x = keras.Input((3,), name="x")
    y = keras.ops.mean(keras.ops.concatenate([(x + 1) * 2.0, x], axis=-1), axis=-1,
                       keepdims=True)
    model = keras.Model(x, y)
    assert [type(l).__name__ for l in model.layers] == ["InputLayer"]
    np.testing.assert_allclose(model(np.arange(6, dtype="float32").reshape(2, 3)).numpy(),
                               [[2.5], [7.0]])


def test_layers_put_in_list_and_dict_attributes_later_are_tracked():
    class Model(keras.Model):
        def __init__(self):
            super().__init__()
            self.blocks = []
            self.blocks.append(keras.layers.Dense(2))
            self.blocks += [keras.layers.Dense(2)]
            self.grid = [[keras.layers.Dense(2)], []]
            self.grid[1].append(keras.layers.Dense(2))
            self.heads = {}
            self.heads["out"] = keras.layers.Dense(1)

        def call(self, x):
            for layer in self.blocks + self.grid[0] + self.grid[1]:
                x = layer(x)
            return self.heads["out"](x)

    model = Model()
    model(np.ones((1, 2), "float32"))
    assert len(model.layers) == 5 and len(model.trainable_weights) == 10   # Keras: 5, 10
    removed = model.blocks.pop()
    assert all(l is not removed for l in model.layers) and len(model.weights) == 8
    del model.heads["out"]
    assert len(model.layers) == 3


def test_nested_sequential_weight_paths_name_each_model_once():
    inner = keras.Sequential([keras.layers.Dense(3, name="in1")], name="inner")
    model = keras.Sequential([keras.Input((4,)), inner, keras.layers.Dense(2, name="out")],
                             name="outer")
    assert [w.path for w in model.weights] == ["outer/inner/in1/kernel", "outer/inner/in1/bias",
                                               "outer/out/kernel", "outer/out/bias"]


def test_sequential_errors_and_properties_like_keras():
    with pytest.raises(ValueError, match="cannot be built because it has no layers"):
        keras.Sequential()(np.ones((2, 3), "float32"))
    model = keras.Sequential([keras.layers.Dense(3)])
    for name in ("inputs", "outputs", "input_shape", "output_shape"):
        with pytest.raises(AttributeError):
            getattr(model, name)
    model = keras.Sequential([keras.Input((4,), name="i"), keras.layers.Dense(3, name="d")])
    config = model.get_config()
    assert config["build_input_shape"] == (None, 4)
    assert config["dtype"]["config"] == {"name": "float32"}
    with pytest.raises(ValueError, match="Received: index=0, name=d"):
        model.get_layer("d", 0)


def test_input_layer_config_and_repr_have_ragged():
    x = keras.Input((3,), name="x")
    assert "ragged=False" in repr(x)
    assert x._keras_history[0].get_config()["ragged"] is False
    with pytest.raises(ValueError, match="ragged"):
        keras.Input((3,), ragged=True)


def test_subclassed_model_config_keeps_the_dtype_policy():
    # Keras 3.15's Model.get_config (Layer's) holds the dtype policy: a mixed-precision
    # subclassed model comes back mixed-precision (Ember's config lacked it)
    class Custom(keras.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def call(self, x):
            return x

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    config = Custom(5, name="c", dtype="mixed_float16").get_config()
    assert config["dtype"] == {"module": "keras", "class_name": "DTypePolicy",
                               "config": {"name": "mixed_float16"}, "registered_name": None}
    back = Custom.from_config(config)
    assert (back.name, back.units, back.dtype_policy.name) == ("c", 5, "mixed_float16")

    class NoKwargs(keras.Model):       # automatic config: only what __init__ takes back
        def __init__(self, units=3):
            super().__init__()
            self.units = units

        def call(self, x):
            return x

    assert NoKwargs(7).get_config() == {"units": 7}
    assert NoKwargs.from_config(NoKwargs(7).get_config()).units == 7
