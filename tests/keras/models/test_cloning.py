"""keras.models.clone_model and model_from_json."""
import numpy as np
import pytest

from ember import keras


def _functional():
    x = keras.Input((3,), name="x")
    shared = keras.layers.Dense(3, name="shared")
    y = keras.layers.Dense(2, name="out")(shared(shared(x)))
    return keras.Model(x, y, name="net")


def test_clone_functional_has_new_layers_and_same_shapes():
    model = _functional()
    clone = keras.models.clone_model(model)
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert all(a is not b for a, b in zip(clone.layers, model.layers))
    assert len(clone.get_layer("shared")._inbound_nodes) == 2
    clone.set_weights(model.get_weights())
    data = np.ones((2, 3), "float32")
    np.testing.assert_allclose(clone.predict(data, verbose=0), model.predict(data, verbose=0),
                               atol=1e-6)


def test_clone_function_and_sequential_and_inputs():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="a"),
                              keras.layers.Dense(1, name="b")])
    seen = []

    def fn(layer):
        seen.append(layer.name)
        return type(layer).from_config(layer.get_config())
    clone = keras.models.clone_model(model, clone_function=fn)
    assert seen == ["a", "b"] and clone.output_shape == (None, 1)
    fun = keras.models.clone_model(_functional(), input_tensors=keras.Input((3,)))
    assert fun.output_shape == (None, 2)


def test_model_from_json_round_trip():
    model = _functional()
    again = keras.models.model_from_json(model.to_json())
    assert again.get_config()["layers"][1]["name"] == "shared"
    with pytest.raises(ValueError, match="not valid JSON"):
        keras.models.model_from_json("{oops")
