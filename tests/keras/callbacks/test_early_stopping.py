import warnings

import numpy as np
import pytest

from ember import keras
from ember.keras.callbacks import EarlyStopping


def test_stops_after_patience(fake_model, run):
    es = EarlyStopping(patience=2)
    ran = run(es, fake_model, [1.0, 0.8, 0.9, 0.85, 0.7, 0.6])
    assert ran == [0, 1, 2, 3]
    assert es.stopped_epoch == 3 and fake_model.stop_training
    assert es.best == 0.8 and es.best_epoch == 1


def test_restore_best_weights_at_stop(fake_model, run):
    es = EarlyStopping(patience=2, restore_best_weights=True)
    run(es, fake_model, [1.0, 0.8, 0.9, 0.85, 0.7])
    np.testing.assert_array_equal(fake_model.weights[0], np.full(3, 1.0))   # epoch 1's


def test_restore_best_weights_without_stopping(fake_model, run):
    es = EarlyStopping(patience=5, restore_best_weights=True)
    ran = run(es, fake_model, [1.0, 0.5, 0.9])
    assert ran == [0, 1, 2] and not fake_model.stop_training
    np.testing.assert_array_equal(fake_model.weights[0], np.full(3, 1.0))


def test_no_restore_keeps_last_weights(fake_model, run):
    run(EarlyStopping(patience=1), fake_model, [1.0, 0.5, 0.9])
    np.testing.assert_array_equal(fake_model.weights[0], np.full(3, 2.0))


def test_patience_zero_never_stops_at_epoch_zero(fake_model, run):
    ran = run(EarlyStopping(patience=0), fake_model, [1.0, 1.0, 1.0])
    assert ran == [0, 1]


def test_min_delta(fake_model, run):
    # 0.95 is not 0.1 better than 1.0
    assert run(EarlyStopping(patience=1, min_delta=0.1), fake_model, [1.0, 0.95, 0.5]) == [0, 1]
    # a negative min_delta is taken as its absolute value, as in Keras
    assert run(EarlyStopping(patience=1, min_delta=-0.1), fake_model,
               [1.0, 0.95, 0.5]) == [0, 1]
    assert run(EarlyStopping(patience=1, min_delta=0.01), fake_model,
               [1.0, 0.95, 0.5]) == [0, 1, 2]


def test_baseline_keeps_wait_running(fake_model, run):
    # improving but never beating the baseline: the wait is not restarted
    es = EarlyStopping(patience=3, baseline=0.5)
    assert run(es, fake_model, [0.9, 0.8, 0.85, 0.7]) == [0, 1, 2]
    # without a baseline the same run goes on
    assert run(EarlyStopping(patience=3), fake_model, [0.9, 0.8, 0.85, 0.7]) == [0, 1, 2, 3]
    # beating the baseline restarts the wait
    es = EarlyStopping(patience=2, baseline=0.5)
    assert run(es, fake_model, [0.4, 0.45, 0.41, 0.42]) == [0, 1, 2]
    assert es.wait == 2


def test_start_from_epoch(fake_model, run):
    es = EarlyStopping(monitor="loss", patience=0, start_from_epoch=2)
    assert run(es, fake_model, [1.0, 2.0, 3.0, 4.0, 5.0], key="loss") == [0, 1, 2, 3]
    assert es.best == 3.0


def test_mode_max_and_auto_direction(make_model, metric, run):
    model = make_model(metrics=[metric("loss"), metric("accuracy", "up")])
    es = EarlyStopping(monitor="val_accuracy", patience=1)
    assert run(es, model, [0.5, 0.7, 0.6, 0.9], key="val_accuracy") == [0, 1, 2]
    es = EarlyStopping(monitor="val_mae", patience=1, mode="max")
    assert run(es, make_model(), [0.5, 0.4], key="val_mae") == [0, 1]


def test_auto_direction_inside_metric_container(make_model, metric, run):
    class Container:   # like compile's metric list: the metrics live in `.metrics`
        name = "compile_metrics"
        metrics = [metric("mae", "down")]

    es = EarlyStopping(monitor="val_mae", patience=1)
    assert run(es, make_model(metrics=[Container()]), [1.0, 0.5, 0.7],
               key="val_mae") == [0, 1, 2]


def test_auto_mode_unknown_metric_raises(make_model, run):
    with pytest.raises(ValueError, match="monitor=val_thing.*mode='max'"):
        run(EarlyStopping(monitor="val_thing"), make_model(), [1.0], key="val_thing")


def test_unknown_mode_warns_and_falls_back():
    with pytest.warns(UserWarning, match="mode 'up' is unknown"):
        es = EarlyStopping(mode="up")
    assert es.mode == "auto"


def test_missing_metric_warns_once(fake_model):
    es = EarlyStopping(monitor="val_loss", patience=0)   # fit without validation data
    es.set_model(fake_model)
    es.on_train_begin()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(3):
            es.on_epoch_end(epoch, {"loss": 1.0})
    assert len(caught) == 1
    assert "`val_loss` which is not available. Available metrics are: loss" in \
        str(caught[0].message)
    assert not fake_model.stop_training


def test_reused_across_fits(fake_model, run):
    es = EarlyStopping(patience=1, restore_best_weights=True)
    run(es, fake_model, [1.0, 2.0])
    assert run(es, fake_model, [5.0, 4.0, 3.0]) == [0, 1, 2]
    assert es.best == 3.0 and es.stopped_epoch == 0


def test_verbose_messages(fake_model, run, capsys):
    run(EarlyStopping(patience=1, verbose=1, restore_best_weights=True), fake_model,
        [1.0, 0.5, 0.9])
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 2." in out


def test_public_name_and_callback_list(fake_model):
    assert keras.callbacks.EarlyStopping is EarlyStopping
    es = EarlyStopping(monitor="loss", patience=1)
    cbs = keras.callbacks.CallbackList([es], add_history=True, model=fake_model,
                                       epochs=10, steps=1, verbose=0)
    cbs.on_train_begin()
    for epoch, loss in enumerate([1.0, 0.5, 0.7, 0.1]):
        cbs.on_epoch_begin(epoch)
        cbs.on_epoch_end(epoch, {"loss": loss})
        if fake_model.stop_training:
            break
    cbs.on_train_end()
    assert fake_model.history.history["loss"] == [1.0, 0.5, 0.7]
