"""A stand-in model for driving callback hooks directly (no layers, no training)."""
import numpy as np
import pytest


class FakeOptimizer:
    def __init__(self, learning_rate=0.1, name="sgd"):
        self.learning_rate = learning_rate
        self.name = name


class FakeMetric:
    def __init__(self, name, direction=None):
        self.name = name
        if direction is not None:
            self._direction = direction


class FakeModel:
    """What callbacks touch: stop_training, get/set_weights, optimizer, metrics, save*."""

    def __init__(self, learning_rate=0.1, metrics=()):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.metrics = list(metrics)
        self.weights = [np.zeros(3, np.float32), np.zeros((), np.float32)]
        self.saved = []

    def get_weights(self):
        return [np.array(w) for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]

    def save(self, filepath, **kwargs):
        self.saved.append(("save", filepath))
        with open(filepath, "w") as f:
            f.write("model")

    def save_weights(self, filepath, **kwargs):
        self.saved.append(("save_weights", filepath))
        with open(filepath, "w") as f:
            f.write("weights")


@pytest.fixture
def fake_model():
    return FakeModel()


@pytest.fixture
def make_model():
    return FakeModel


@pytest.fixture
def metric():
    return FakeMetric


def run_epochs(callback, model, values, key="val_loss", on_weights=True):
    """Drive ``callback`` like fit does; epoch ``i`` logs ``{key: values[i]}`` and sets the
    weights to ``i``. Returns the epochs that ran."""
    callback.set_model(model)
    callback.set_params({"epochs": len(values), "steps": 1, "verbose": 0})
    model.stop_training = False
    callback.on_train_begin()
    ran = []
    logs = {}
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch)
        if on_weights:
            model.weights = [np.full(3, epoch, np.float32), np.array(epoch, np.float32)]
        logs = {"loss": 1.0, key: value} if key != "loss" else {"loss": value}
        callback.on_epoch_end(epoch, logs)
        ran.append(epoch)
        if model.stop_training:
            break
    callback.on_train_end(logs)
    return ran


@pytest.fixture
def run():
    return run_epochs
