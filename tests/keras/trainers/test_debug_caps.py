"""keras.config.set_max_epochs / set_max_steps_per_epoch: debugging caps on fit, evaluate
and predict, with Keras's warnings."""
import subprocess
import sys

import numpy as np
import pytest

from ember import keras


@pytest.fixture
def capped():
    keras.config.set_max_epochs(2)
    keras.config.set_max_steps_per_epoch(3)
    yield
    keras.config.set_max_epochs(None)
    keras.config.set_max_steps_per_epoch(None)


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


class _Batches(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.train, self.test = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.train.append(batch)

    def on_test_batch_end(self, batch, logs=None):
        self.test.append(batch)


def test_fit_is_capped_with_warnings(capped):
    seen = _Batches()
    x, y = np.ones((100, 3)), np.ones((100, 1))
    with pytest.warns(UserWarning) as record:
        history = _model().fit(x, y, epochs=5, batch_size=10, verbose=0, callbacks=[seen],
                               validation_data=(x[:50], y[:50]))
    messages = {str(r.message) for r in record}
    assert messages == {"Limiting epochs to 2", "Limiting steps_per_epoch to 3"}
    assert len(history.history["loss"]) == 2
    assert seen.train == [0, 1, 2, 0, 1, 2]
    assert seen.test == [0, 1, 2, 0, 1, 2]


def test_evaluate_and_predict_are_capped(capped):
    model = _model()
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
        assert model.predict(np.ones((100, 3)), batch_size=10, verbose=0).shape == (30, 1)
    seen = _Batches()
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
        model.evaluate(np.ones((100, 3)), np.ones((100, 1)), batch_size=10, verbose=0,
                       callbacks=[seen])
    assert seen.test == [0, 1, 2]


def test_smaller_runs_are_left_alone(capped):
    history = _model().fit(np.ones((20, 3)), np.ones((20, 1)), epochs=1, batch_size=10,
                           steps_per_epoch=2, verbose=0)
    assert len(history.history["loss"]) == 1


def test_no_caps_by_default():
    assert keras.config.max_epochs() is None
    assert keras.config.max_steps_per_epoch() is None
    assert _model().predict(np.ones((100, 3)), batch_size=10, verbose=0).shape == (100, 1)


def test_caps_come_from_the_environment():
    code = ("from ember import keras; "
            "print(keras.config.max_epochs(), keras.config.max_steps_per_epoch())")
    env = {"KERAS_MAX_EPOCHS": "4", "KERAS_MAX_STEPS_PER_EPOCH": "7", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.split() == ["4", "7"]
