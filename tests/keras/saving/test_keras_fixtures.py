"""Files written by real Keras 3 (tests/fixtures/make_saving_fixtures.py; versions in
tests/fixtures/keras_saving/versions.json) load in Ember and predict the same."""
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("h5py")
from ember import keras  # noqa: E402

HERE = Path(__file__).resolve().parents[2] / "fixtures" / "keras_saving"
NAMES = ["conv", "text"]


@pytest.fixture(scope="module")
def expected():
    return dict(np.load(HERE / "expected.npz"))


@pytest.mark.parametrize("name", NAMES)
def test_keras_file_loads_and_predicts_the_same(name, expected):
    model = keras.models.load_model(HERE / f"{name}.keras")
    pred = model.predict(expected[f"{name}/x"], verbose=0)
    np.testing.assert_allclose(pred, expected[f"{name}/pred"], atol=1e-5)
    assert model.compiled and int(model.optimizer.iterations.numpy()) == 1


@pytest.mark.parametrize("name", NAMES)
def test_training_resumes_where_keras_stopped(name, expected):
    model = keras.models.load_model(HERE / f"{name}.keras")
    model.fit(expected[f"{name}/x"], expected[f"{name}/y"], batch_size=4, epochs=1,
              verbose=0, shuffle=False)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(w, expected[f"{name}/after_step/{i}"], atol=1e-4,
                                   err_msg=f"weight {i}")


@pytest.mark.parametrize("name", NAMES)
def test_keras_weights_file_loads(name, expected):
    model = keras.models.load_model(HERE / f"{name}.keras", compile=False)
    for w in model.weights:
        w.assign(np.zeros(w.shape, w.dtype.as_numpy_dtype))
    model.load_weights(HERE / f"{name}.weights.h5")
    np.testing.assert_allclose(model.predict(expected[f"{name}/x"], verbose=0),
                               expected[f"{name}/pred"], atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_keras_legacy_h5_loads(name, expected):
    model = keras.models.load_model(HERE / f"{name}.h5")
    np.testing.assert_allclose(model.predict(expected[f"{name}/x"], verbose=0),
                               expected[f"{name}/pred"], atol=1e-5)
    assert int(model.optimizer.iterations.numpy()) == 1
    fresh = keras.models.clone_model(model)
    fresh.load_weights(HERE / f"{name}.h5")
    np.testing.assert_allclose(fresh.predict(expected[f"{name}/x"], verbose=0),
                               expected[f"{name}/pred"], atol=1e-5)


def test_fixtures_are_small():
    assert sum(p.stat().st_size for p in HERE.iterdir()) < 2 * 2**20
