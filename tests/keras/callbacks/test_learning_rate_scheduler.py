import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.callbacks import LearningRateScheduler


def _drive(cb, model, epochs):
    cb.set_model(model)
    cb.on_train_begin()
    rates, logged = [], []
    for epoch in range(epochs):
        cb.on_epoch_begin(epoch)
        rates.append(model.optimizer.learning_rate)
        logs = {"loss": 1.0}
        cb.on_epoch_end(epoch, logs)
        logged.append(logs["learning_rate"])
    return rates, logged


def test_two_argument_schedule(make_model):
    cb = LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.5)
    rates, logged = _drive(cb, make_model(learning_rate=1.0), 4)
    assert rates == [1.0, 1.0, 0.5, 0.25] and logged == rates


def test_one_argument_schedule(make_model):
    rates, _ = _drive(LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1)),
                      make_model(), 3)
    np.testing.assert_allclose(rates, [0.1, 0.05, 0.1 / 3])


def test_exponential_decay_matches_keras_doc(make_model):
    # the Keras docstring: SGD(0.01), keep 10 epochs then * exp(-0.1) -> 0.00607 after 15
    cb = LearningRateScheduler(lambda e, lr: lr if e < 10 else lr * float(np.exp(-0.1)))
    model = make_model(learning_rate=0.01)
    _drive(cb, model, 15)
    assert round(model.optimizer.learning_rate, 5) == 0.00607


def test_scalar_tensor_result_accepted(make_model):
    cb = LearningRateScheduler(lambda e, lr: ember.constant(lr) * 0.5)
    rates, _ = _drive(cb, make_model(learning_rate=1.0), 2)
    assert rates == [0.5, 0.25]


def test_non_float_result_rejected(make_model):
    cb = LearningRateScheduler(lambda e, lr: "fast")
    with pytest.raises(ValueError, match="should be a float. Got: fast"):
        _drive(cb, make_model(), 1)
    with pytest.raises(ValueError, match="should be a float"):
        _drive(LearningRateScheduler(lambda e, lr: 1), make_model(), 1)


def test_type_error_inside_schedule_is_not_hidden(make_model):
    def schedule(epoch, lr):
        return lr + "x"

    with pytest.raises(TypeError):
        _drive(LearningRateScheduler(schedule), make_model(), 1)


def test_optimizer_without_learning_rate(make_model):
    model = make_model()
    model.optimizer = object()
    with pytest.raises(ValueError, match='must have a "learning_rate" attribute'):
        _drive(LearningRateScheduler(lambda e, lr: lr), model, 1)


def test_verbose(make_model, capsys):
    _drive(LearningRateScheduler(lambda e, lr: 0.5, verbose=1), make_model(), 1)
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.5." in \
        capsys.readouterr().out


def test_public_name():
    assert keras.callbacks.LearningRateScheduler is LearningRateScheduler
