"""Ember's files load in real Keras 3 with the same predictions (skipped when Keras is
not installed; Keras runs in a subprocess so TensorFlow never enters this process)."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("h5py")
if importlib.util.find_spec("keras") is None or importlib.util.find_spec("tensorflow") is None:
    pytest.skip("real Keras is not installed", allow_module_level=True)

from ember import keras  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fixtures"))
from make_saving_fixtures import HERE, keras_predictions  # noqa: E402


def _ember_models():
    rng = np.random.default_rng(1)
    seq = keras.Sequential([keras.Input((5, 5, 2)), keras.layers.Conv2D(2, 3),
                            keras.layers.BatchNormalization(), keras.layers.Flatten(),
                            keras.layers.Dense(3)])
    seq.compile(optimizer="adam", loss="mse")
    x1 = rng.normal(size=(3, 5, 5, 2)).astype("float32")
    seq.fit(x1, rng.normal(size=(3, 3)).astype("float32"), verbose=0)
    tokens = keras.Input((4,), dtype="int32")
    h = keras.layers.Embedding(7, 3)(tokens)
    h = keras.layers.LSTM(2, return_sequences=True)(h)
    h = keras.layers.GRU(3, return_sequences=True)(h)
    h = keras.layers.LayerNormalization()(keras.layers.MultiHeadAttention(2, 2)(h, h))
    shared = keras.layers.Dense(3)
    out = keras.layers.GlobalAveragePooling1D()(shared(shared(h)))
    fun = keras.Model(tokens, keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])(out))
    x2 = rng.integers(0, 7, size=(3, 4)).astype("int32")
    return {"seq": (seq, x1), "fun": (fun, x2)}


def test_ember_files_load_in_real_keras(tmp_path):
    """Ember's own models, and Keras's fixtures re-saved by Ember, in one Keras run."""
    files, want = {}, {}
    expected = np.load(HERE / "expected.npz")
    for name in ("conv", "text"):
        path = str(tmp_path / f"fixture_{name}.keras")
        keras.models.load_model(HERE / f"{name}.keras").save(path)
        np.save(tmp_path / f"fixture_{name}.npy", expected[f"{name}/x"])
        files[path] = str(tmp_path / f"fixture_{name}.npy")
        want[path] = expected[f"{name}/pred"]
    for name, (model, x) in _ember_models().items():
        np.save(tmp_path / f"{name}.npy", x)
        for suffix in (".keras", ".h5"):
            path = str(tmp_path / f"{name}{suffix}")
            model.save(path)
            files[path] = str(tmp_path / f"{name}.npy")
            want[path] = model.predict(x, verbose=0)
    got = keras_predictions(files)
    for path in files:
        np.testing.assert_allclose(got[path], want[path], atol=1e-5, err_msg=path)

