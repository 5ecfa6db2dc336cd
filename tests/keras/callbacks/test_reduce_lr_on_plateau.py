import warnings

import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.callbacks import ReduceLROnPlateau


def _drive(cb, model, values, key="val_loss"):
    """Epoch logs after each epoch (they gain ``learning_rate``) and the rate after it."""
    cb.set_model(model)
    cb.on_train_begin()
    logged, rates = [], []
    for epoch, value in enumerate(values):
        cb.on_epoch_begin(epoch)
        logs = {"loss": 1.0, key: value}
        cb.on_epoch_end(epoch, logs)
        logged.append(logs)
        rates.append(float(np.asarray(model.optimizer.learning_rate)))
    cb.on_train_end()
    return logged, rates


def test_lowers_rate_after_patience(make_model):
    model = make_model(learning_rate=1.0)
    logs, rates = _drive(ReduceLROnPlateau(factor=0.5, patience=2), model, [1.0] * 5)
    assert rates == [1.0, 1.0, 0.5, 0.5, 0.25]
    # the rate logged is the one the epoch trained with
    assert [l["learning_rate"] for l in logs] == [1.0, 1.0, 1.0, 0.5, 0.5]


def test_improvement_resets_wait(make_model):
    model = make_model(learning_rate=1.0)
    _, rates = _drive(ReduceLROnPlateau(factor=0.5, patience=2), model,
                      [1.0, 1.0, 0.5, 0.5, 0.5])
    assert rates == [1.0, 1.0, 1.0, 1.0, 0.5]


def test_min_delta_default(make_model):
    # improvements smaller than 1e-4 do not count
    model = make_model(learning_rate=1.0)
    _, rates = _drive(ReduceLROnPlateau(factor=0.5, patience=1), model,
                      [1.0, 1.0 - 5e-5, 1.0 - 1e-4 - 1e-3])
    assert rates == [1.0, 0.5, 0.5]


def test_cooldown(make_model):
    model = make_model(learning_rate=1.0)
    _, rates = _drive(ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2), model,
                      [1.0] * 6)
    assert rates == [1.0, 0.5, 0.5, 0.25, 0.25, 0.125]
    # as in Keras, cooldown=1 is used up on the epoch right after a reduction
    _, rates = _drive(ReduceLROnPlateau(factor=0.5, patience=1, cooldown=1),
                      make_model(learning_rate=1.0), [1.0] * 4)
    assert rates == [1.0, 0.5, 0.25, 0.125]


def test_min_lr(make_model):
    model = make_model(learning_rate=0.1)
    _, rates = _drive(ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.05), model,
                      [1.0] * 4)
    np.testing.assert_allclose(rates, [0.1, 0.05, 0.05, 0.05])


def test_mode_max(make_model, metric):
    model = make_model(learning_rate=1.0, metrics=[metric("accuracy", "up")])
    _, rates = _drive(ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1),
                      model, [0.5, 0.6, 0.55, 0.7], key="val_accuracy")
    assert rates == [1.0, 1.0, 0.5, 0.5]


def test_variable_learning_rate(make_model):
    model = make_model()
    model.optimizer.learning_rate = ember.Variable(0.2)
    logs, _ = _drive(ReduceLROnPlateau(factor=0.5, patience=1), model, [1.0, 1.0])
    assert logs[0]["learning_rate"] == pytest.approx(0.2)
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.1)


def test_multiple_optimizers(make_model):
    class Opt:
        def __init__(self, lr, name):
            self.learning_rate, self.name = lr, name

    class Multi:   # a multi-optimizer: the callback works on each inner optimizer
        learning_rate = 0.0
        optimizers = [Opt(1.0, "a"), Opt(0.5, "b")]

    model = make_model()
    model.optimizer = Multi()
    logs, _ = _drive(ReduceLROnPlateau(factor=0.5, patience=1), model, [1.0, 1.0])
    assert logs[0]["learning_rate_a"] == 1.0 and logs[0]["learning_rate_b"] == 0.5
    assert [o.learning_rate for o in Multi.optimizers] == [0.5, 0.25]


def test_factor_must_be_below_one():
    with pytest.raises(ValueError, match="factor >= 1.0. Received factor=1.5"):
        ReduceLROnPlateau(factor=1.5)


def test_missing_metric_warns_once(make_model):
    model = make_model(learning_rate=1.0)
    cb = ReduceLROnPlateau(patience=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, rates = _drive(cb, model, [1.0, 1.0, 1.0], key="other")
    assert len(caught) == 1 and "`val_loss` which is not available" in str(caught[0].message)
    assert rates == [1.0, 1.0, 1.0]


def test_verbose(make_model, capsys):
    _drive(ReduceLROnPlateau(factor=0.5, patience=1, verbose=1), make_model(learning_rate=1.0),
           [1.0, 1.0])
    assert "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.5." in capsys.readouterr().out


def test_public_name():
    assert keras.callbacks.ReduceLROnPlateau is ReduceLROnPlateau


def test_history_records_learning_rate(make_model):
    model = make_model(learning_rate=1.0)
    cbs = keras.callbacks.CallbackList([ReduceLROnPlateau(factor=0.5, patience=1)],
                                       add_history=True, model=model)
    cbs.on_train_begin({})
    for epoch in range(3):
        cbs.on_epoch_begin(epoch, {})
        cbs.on_epoch_end(epoch, {"loss": 1.0, "val_loss": 1.0})
    cbs.on_train_end({})
    assert model.history.history["learning_rate"] == [1.0, 1.0, 0.5]
