"""The callbacks inside a real ``Model.fit`` (skipped while compile's pieces are missing)."""
import os

import numpy as np
import pytest

from ember import keras


def _compiled_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    try:
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    except (AttributeError, ImportError, NotImplementedError) as e:
        pytest.skip(f"compile is not ready yet: {e}")
    return model


def _data():
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    return x, x @ np.array([1.0, -1.0, 2.0], "float32")


def test_early_stopping_and_restore_in_fit():
    model = _compiled_model()
    x, y = _data()
    # nothing counts as an improvement: stops after `patience` epochs
    es = keras.callbacks.EarlyStopping(monitor="loss", patience=2, min_delta=1e9,
                                       restore_best_weights=True)
    snapshots = []
    keep = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    history = model.fit(x, y, epochs=10, batch_size=16, callbacks=[keep, es], verbose=0)
    assert len(history.history["loss"]) == 3 and es.stopped_epoch == 2
    for got, want in zip(model.get_weights(), snapshots[0]):
        np.testing.assert_array_equal(got, want)


def test_lr_callbacks_csv_and_checkpoint_in_fit(tmp_path, monkeypatch):
    model = _compiled_model()
    saved = []
    monkeypatch.setattr(model, "save_weights", lambda path, **kw: saved.append(path),
                        raising=False)
    x, y = _data()
    cbs = [keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1,
                                             min_delta=1e9),
           keras.callbacks.CSVLogger(tmp_path / "log.csv"),
           keras.callbacks.ModelCheckpoint(str(tmp_path / "{epoch}-{val_mae:.3f}.weights.h5"),
                                           save_weights_only=True, monitor="val_mae",
                                           save_best_only=True),
           keras.callbacks.TerminateOnNaN()]
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, callbacks=cbs,
                        verbose=0)
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.05 * 0.25)
    rows = (tmp_path / "log.csv").read_text().splitlines()
    assert rows[0].startswith("epoch,") and len(rows) == 4
    val_mae = history.history["val_mae"]
    best = [i for i, v in enumerate(val_mae) if v == min(val_mae[:i + 1])]
    assert [os.path.basename(p).split("-")[0] for p in saved] == [str(i + 1) for i in best]
