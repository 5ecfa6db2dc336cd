"""The names Ember writes in config envelopes are the ones real Keras 3 writes (and reads):
exported class names, top-level base classes, built-in functions as ``"builtins"``."""
import numpy as np
import pytest

from ember import keras
from ember.keras.saving.serialization import envelope_header

_BUILTIN = {"module": "builtins", "class_name": "function", "registered_name": "function"}


def test_group_query_attention_is_written_under_its_exported_name():
    layer = keras.layers.GroupedQueryAttention(head_dim=2, num_query_heads=2,
                                               num_key_value_heads=1)
    config = keras.saving.serialize_keras_object(layer)
    assert (config["module"], config["class_name"], config["registered_name"]) == \
        ("keras.layers", "GroupQueryAttention", None)
    assert config["config"]["name"].startswith("grouped_query_attention")
    x = np.ones((1, 3, 4), "float32")
    layer(x, x)
    assert all(w.path.startswith("grouped_query_attention") for w in layer.weights)
    # both names load, the one Keras writes and the one older Ember files hold
    for name in ("GroupQueryAttention", "GroupedQueryAttention"):
        back = keras.saving.deserialize_keras_object(dict(config, class_name=name))
        assert isinstance(back, keras.layers.GroupQueryAttention)


@pytest.mark.parametrize("cls,module", [
    (keras.layers.Layer, "keras"), (keras.losses.Loss, "keras"),
    (keras.metrics.Metric, "keras"), (keras.optimizers.Optimizer, "keras"),
    (keras.initializers.Initializer, "keras"), (keras.regularizers.Regularizer, "keras"),
    (keras.constraints.Constraint, "keras.constraints"),
    (keras.layers.Dense, "keras.layers"), (keras.losses.MeanSquaredError, "keras.losses"),
    (keras.optimizers.schedules.ExponentialDecay, "keras.optimizers.schedules"),
])
def test_module_of_base_and_family_classes(cls, module):
    assert envelope_header(cls) == {"module": module, "class_name": cls.__name__,
                                    "registered_name": None}


def test_base_layer_instance_round_trips_through_top_level_module():
    config = keras.saving.serialize_keras_object(keras.layers.Layer(name="plain"))
    assert config["module"] == "keras" and config["class_name"] == "Layer"
    assert keras.saving.deserialize_keras_object(config).name == "plain"


@pytest.mark.parametrize("fn", [keras.losses.mean_squared_error, keras.losses.huber,
                                keras.metrics.binary_accuracy, keras.activations.relu])
def test_builtin_functions_are_written_as_keras_writes_them(fn):
    # Keras looks "keras.losses.mean_squared_error" up among its canonical names only
    # (that one is "keras.metrics.mean_squared_error") and refuses it: it writes and
    # reads its own functions as "builtins"
    config = keras.saving.serialize_keras_object(fn)
    assert config == dict(_BUILTIN, config=fn.__name__)
    assert keras.saving.deserialize_keras_object(config) is fn


def test_builtin_function_names_resolve_across_families():
    for name, fn in [("log_cosh", keras.losses.log_cosh),
                     ("sparse_categorical_accuracy",
                      keras.metrics.sparse_categorical_accuracy),
                     ("hard_silu", keras.activations.hard_silu)]:
        assert keras.saving.deserialize_keras_object(dict(_BUILTIN, config=name)) is fn
    with pytest.raises(TypeError, match="no_such_fn"):
        keras.saving.deserialize_keras_object(dict(_BUILTIN, config="no_such_fn"))


def test_custom_function_keeps_its_module_and_registered_name():
    @keras.saving.register_keras_serializable(package="qa_names")
    def doubled_mse(y_true, y_pred):
        return 2 * keras.losses.mean_squared_error(y_true, y_pred)

    config = keras.saving.serialize_keras_object(doubled_mse)
    assert config == {"module": __name__, "class_name": "function",
                      "config": "qa_names>doubled_mse",
                      "registered_name": "qa_names>doubled_mse"}
    assert keras.saving.deserialize_keras_object(config) is doubled_mse


def test_compile_config_with_function_loss_round_trips(tmp_path):
    pytest.importorskip("h5py")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("sgd", loss=keras.losses.mean_squared_error,
                  metrics=[keras.metrics.mean_absolute_error, "mae"])
    assert model.get_compile_config()["loss"] == dict(_BUILTIN, config="mean_squared_error")
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert loaded.get_compile_config()["metrics"] == [
        dict(_BUILTIN, config="mean_absolute_error"), "mae"]
    x = np.ones((4, 3), "float32")
    loaded.evaluate(x, np.zeros((4, 2), "float32"), verbose=0)


def test_layer_aliases_and_layers_serialize():
    assert keras.layers.Convolution1DTranspose is keras.layers.Conv1DTranspose
    assert keras.layers.Convolution3DTranspose is keras.layers.Conv3DTranspose
    config = keras.layers.serialize(keras.layers.Conv3DTranspose(2, 3, name="up"))
    assert (config["module"], config["class_name"]) == ("keras.layers", "Conv3DTranspose")
    assert keras.layers.deserialize(config).name == "up"


def test_function_envelopes_of_older_ember_files_still_load():
    old = {"module": "keras.losses", "class_name": "function", "config": "mean_squared_error",
           "registered_name": "mean_squared_error"}
    assert keras.saving.deserialize_keras_object(old) is keras.losses.mean_squared_error
    assert keras.losses.deserialize(old) is keras.losses.mean_squared_error
    old = dict(old, module="keras.metrics", config="binary_accuracy",
               registered_name="binary_accuracy")
    assert keras.saving.deserialize_keras_object(old) is keras.metrics.binary_accuracy


class _Unregistered(keras.layers.Layer):
    def call(self, x):
        return x


def test_unregistered_user_class_is_written_with_its_class_name_as_registered_name():
    # Keras 3.15 writes registered_name = class name for any non-Keras class, and real
    # Keras searches custom_objects by it: with None, an Ember file did not load there
    header = envelope_header(_Unregistered)
    assert header == {"module": __name__, "class_name": "_Unregistered",
                      "registered_name": "_Unregistered"}
    _Unregistered.__module__ = "__main__"       # a class defined in the main script
    try:
        assert envelope_header(_Unregistered())["module"] is None
    finally:
        _Unregistered.__module__ = __name__
    inputs = keras.Input((2,))
    model = keras.Model(inputs, _Unregistered()(inputs))
    layer_cfg = model.get_config()["layers"][1]
    assert layer_cfg["registered_name"] == "_Unregistered"
    back = keras.Model.from_config(model.get_config(),
                                   custom_objects={"_Unregistered": _Unregistered})
    assert isinstance(back.layers[1], _Unregistered)
