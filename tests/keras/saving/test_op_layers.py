"""Operations on Keras tensors (``x + y``, ``keras.ops.sum(x, axis=1)``) are saved as
real Keras writes them (``keras.src.ops.numpy`` / ``Add``) and Keras's own op entries
load in Ember."""
import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from ember import keras

# what Keras 3.15.1 writes for the op layers of `sum(relu(dense(x) + x) * 2.0, axis=1)`
KERAS_OP_LAYERS = [
    {"module": "keras.src.ops.numpy", "class_name": "Add", "config": {"name": "add"},
     "registered_name": "Add"},
    {"module": "keras.src.ops.nn", "class_name": "Relu", "config": {"name": "relu"},
     "registered_name": "Relu"},
    {"module": "keras.src.ops.numpy", "class_name": "Multiply",
     "config": {"name": "multiply"}, "registered_name": "Multiply"},
    {"module": "keras.src.ops.numpy", "class_name": "Sum",
     "config": {"name": "sum", "axis": 1, "keepdims": True}, "registered_name": "Sum"},
]


def _model():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((3,))
    h = keras.layers.Dense(3)(inputs) + inputs
    out = keras.ops.sum(keras.ops.relu(h) * 2.0, axis=1, keepdims=True)
    return keras.Model(inputs, out)


def _x():
    return np.random.default_rng(0).random((4, 3)).astype("float32")


def test_op_layers_are_written_in_keras_form():
    keras.backend.clear_session()           # op names count from "add", as in a new session
    layers = json.loads(_model().to_json())["config"]["layers"][2:]
    got = [{k: layer[k] for k in ("module", "class_name", "config", "registered_name")}
           for layer in layers]
    assert got == KERAS_OP_LAYERS


def test_op_layers_round_trip_through_a_keras_file(tmp_path):
    model = _model()
    model.save(tmp_path / "ops.keras")
    loaded = keras.models.load_model(tmp_path / "ops.keras")
    np.testing.assert_allclose(loaded.predict(_x(), verbose=0),
                               model.predict(_x(), verbose=0), rtol=1e-6)


def test_keras_op_entries_rebuild_in_ember():
    config = json.loads(_model().to_json())
    rebuilt = keras.models.model_from_json(json.dumps(config))
    assert [type(layer).__name__ for layer in rebuilt._layers[2:]] == ["OperationLayer"] * 4
    rebuilt.set_weights(_model().get_weights())
    np.testing.assert_allclose(rebuilt.predict(_x(), verbose=0),
                               _model().predict(_x(), verbose=0), rtol=1e-6)


def test_an_unknown_keras_operation_is_refused_clearly():
    config = json.loads(_model().to_json())
    config["config"]["layers"][2]["class_name"] = "NoSuchOp"
    with pytest.raises(ValueError, match="Unknown Keras operation 'NoSuchOp'"):
        keras.models.model_from_json(json.dumps(config))


@pytest.mark.skipif(importlib.util.find_spec("keras") is None
                    or importlib.util.find_spec("tensorflow") is None
                    or importlib.util.find_spec("h5py") is None,
                    reason="real Keras is not installed")
def test_real_keras_loads_ember_op_layers_and_the_other_way(tmp_path):
    model = _model()
    model.save(tmp_path / "ember.keras")
    np.save(tmp_path / "x.npy", _x())
    np.save(tmp_path / "y.npy", model.predict(_x(), verbose=0))
    script = textwrap.dedent(f"""
        import numpy as np, keras
        d = {str(tmp_path)!r}
        x = np.load(d + "/x.npy")
        m = keras.models.load_model(d + "/ember.keras")
        assert np.allclose(m.predict(x, verbose=0), np.load(d + "/y.npy"), atol=1e-5)
        i = keras.Input((3,))
        out = keras.ops.sum(keras.ops.relu(keras.layers.Dense(3)(i) + i) * 2.0, axis=1,
                            keepdims=True)
        k = keras.Model(i, out)
        k.save(d + "/keras.keras")
        np.save(d + "/ky.npy", k.predict(x, verbose=0))
    """)
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=300)
    loaded = keras.models.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(loaded.predict(_x(), verbose=0), np.load(tmp_path / "ky.npy"),
                               atol=1e-5)


def _settings_model():
    inputs = keras.Input((8, 8, 3))
    small = keras.ops.image.resize(inputs, (4, 4))          # size passed by position
    return keras.Model(inputs, keras.ops.sum(keras.ops.saturate_cast(small, "float16"), 1))


def test_positional_settings_are_saved_in_the_op_config_as_keras_does():
    layers = json.loads(_settings_model().to_json())["config"]["layers"][1:]
    configs = {layer["class_name"]: layer["config"] for layer in layers}
    assert configs["Resize"]["size"] == [4, 4]
    assert configs["SaturateCast"]["dtype"] == "float16"
    assert configs["Sum"]["axis"] == 1
    assert all(len(layer["inbound_nodes"][0]["args"]) == 1 for layer in layers)


@pytest.mark.skipif(importlib.util.find_spec("keras") is None
                    or importlib.util.find_spec("tensorflow") is None
                    or importlib.util.find_spec("h5py") is None,
                    reason="real Keras is not installed")
def test_real_keras_loads_ops_with_positional_settings(tmp_path):
    model = _settings_model()
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype("float32")
    model.save(tmp_path / "ember.keras")
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", model(x).numpy().astype("float32"))
    script = textwrap.dedent(f"""
        import numpy as np, keras
        d = {str(tmp_path)!r}
        m = keras.models.load_model(d + "/ember.keras")
        out = np.asarray(m(np.load(d + "/x.npy"))).astype("float32")
        assert np.allclose(out, np.load(d + "/y.npy"), atol=1e-2), abs(out - np.load(d + "/y.npy")).max()
    """)
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=300)
