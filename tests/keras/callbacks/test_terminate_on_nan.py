import math

import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.callbacks import TerminateOnNaN


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float32("nan")])
def test_stops_on_invalid_loss(fake_model, bad, capsys):
    cb = TerminateOnNaN()
    cb.set_model(fake_model)
    cb.on_train_batch_end(0, {"loss": 1.0})
    assert not fake_model.stop_training
    cb.on_train_batch_end(1, {"loss": bad})
    assert fake_model.stop_training
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_ignores_missing_loss_and_tensors(fake_model):
    cb = TerminateOnNaN()
    cb.set_model(fake_model)
    cb.on_train_batch_end(0, None)
    cb.on_train_batch_end(1, {"accuracy": math.nan})
    cb.on_train_batch_end(2, {"loss": ember.constant(0.5)})
    assert not fake_model.stop_training
    cb.on_train_batch_end(3, {"loss": ember.constant(float("nan"))})
    assert fake_model.stop_training


def test_raise_error(fake_model):
    cb = TerminateOnNaN(raise_error=True)
    cb.set_model(fake_model)
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 4"):
        cb.on_train_batch_end(4, {"loss": math.nan})


def test_public_name():
    assert keras.callbacks.TerminateOnNaN is TerminateOnNaN
