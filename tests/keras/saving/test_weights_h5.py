"""save_weights / load_weights (.weights.h5), and the legacy .h5 format in Ember."""
import numpy as np
import pytest

pytest.importorskip("h5py")
from ember import keras  # noqa: E402


def _model():
    x = keras.Input((3,))
    h = keras.layers.LSTM(2)(keras.layers.Reshape((3, 1))(x))
    return keras.Model(x, keras.layers.Dense(2)(h))


def test_weights_round_trip_with_optimizer(tmp_path):
    a, b = _model(), _model()
    a.compile(optimizer="sgd", loss="mse")
    data = np.ones((2, 3), "float32"), np.ones((2, 2), "float32")
    a.fit(*data, verbose=0)
    a.save_weights(tmp_path / "w.weights.h5")
    b.load_weights(tmp_path / "w.weights.h5")     # optimizer state skipped: b not compiled
    for x, y in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(x, y)


def test_mismatch_is_named_and_skippable(tmp_path):
    small = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    big = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
    small.save_weights(tmp_path / "s.weights.h5")
    with pytest.raises(ValueError, match=r"(?s)s.weights.h5.*dense.*shape \(3, 4\).*\(3, 2\)"):
        big.load_weights(tmp_path / "s.weights.h5")
    with pytest.warns(UserWarning, match="shape"):
        big.load_weights(tmp_path / "s.weights.h5", skip_mismatch=True)
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2),
                              keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="dense_1"):
        other.load_weights(tmp_path / "s.weights.h5")


def test_bad_names_and_files(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match=".weights.h5"):
        model.save_weights(tmp_path / "w.bin")
    junk = tmp_path / "junk.weights.h5"
    junk.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(ValueError, match="junk.weights.h5.*not a valid HDF5"):
        model.load_weights(junk)


def test_legacy_h5_model_and_weights_round_trip(tmp_path):
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    data = np.ones((2, 3), "float32"), np.ones((2, 2), "float32")
    model.fit(*data, verbose=0)
    model.save(tmp_path / "m.h5")
    loaded = keras.models.load_model(tmp_path / "m.h5")
    np.testing.assert_allclose(loaded.predict(data[0], verbose=0),
                               model.predict(data[0], verbose=0), atol=1e-6)
    assert int(loaded.optimizer.iterations.numpy()) == 1
    model.save_weights(tmp_path / "w.h5")
    fresh = _model()
    fresh.load_weights(tmp_path / "w.h5")
    np.testing.assert_allclose(fresh.predict(data[0], verbose=0),
                               model.predict(data[0], verbose=0), atol=1e-6)
    with pytest.raises(ValueError, match="weights only"):
        keras.models.load_model(tmp_path / "w.h5")
    wrong = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="layer count mismatch"):
        wrong.load_weights(tmp_path / "w.h5")


def test_keras2_style_config_upgrades():
    from ember.keras.saving.legacy_config import upgrade_config
    from ember.keras.saving.serialization import deserialize_keras_object
    config = {"class_name": "Functional", "config": {
        "name": "m", "layers": [
            {"class_name": "InputLayer", "name": "in", "inbound_nodes": [],
             "config": {"batch_input_shape": [None, 3], "dtype": "float32", "name": "in"}},
            {"class_name": "Dense", "name": "d", "config": {
                "name": "d", "units": 2, "dtype": {"class_name": "Policy",
                                                   "config": {"name": "float32"}},
                "kernel_initializer": {"class_name": "GlorotUniform",
                                       "config": {"seed": None}}},
             "inbound_nodes": [[["in", 0, 0, {}]]]},
            {"class_name": "Add", "name": "add", "config": {"name": "add"},
             "inbound_nodes": [[["d", 0, 0, {}], ["d", 0, 0, {}]]]}],
        "input_layers": [["in", 0, 0]], "output_layers": [["add", 0, 0]]}}
    model = deserialize_keras_object(upgrade_config(config))
    assert model.output_shape == (None, 2)
