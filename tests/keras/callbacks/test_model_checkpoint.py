import os
import warnings

import numpy as np
import pytest

from ember import keras
from ember.keras.callbacks import ModelCheckpoint


def _fit(cb, model, val_losses, steps=1):
    cb.set_model(model)
    cb.on_train_begin()
    for epoch, v in enumerate(val_losses):
        cb.on_epoch_begin(epoch)
        for b in range(steps):
            cb.on_train_batch_begin(b)
            cb.on_train_batch_end(b, {"loss": 1.0 - 0.1 * b})
        cb.on_epoch_end(epoch, {"loss": 1.0, "val_loss": v})
    cb.on_train_end()
    return [os.path.basename(p) for _, p in model.saved]


def test_formats_file_names_every_epoch(fake_model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras"),
                         monitor="val_loss")
    assert _fit(cb, fake_model, [0.5, 0.25, 0.75]) == [
        "ckpt-01-0.50.keras", "ckpt-02-0.25.keras", "ckpt-03-0.75.keras"]
    assert all(kind == "save" for kind, _ in fake_model.saved)
    assert sorted(os.listdir(tmp_path)) == ["ckpt-01-0.50.keras", "ckpt-02-0.25.keras",
                                            "ckpt-03-0.75.keras"]


def test_weights_only_calls_save_weights(fake_model, tmp_path):
    cb = ModelCheckpoint(tmp_path / "w-{epoch}.weights.h5", save_weights_only=True)
    assert _fit(cb, fake_model, [0.5, 0.4]) == ["w-1.weights.h5", "w-2.weights.h5"]
    assert [kind for kind, _ in fake_model.saved] == ["save_weights"] * 2


def test_save_best_only(fake_model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "e{epoch}.keras"), save_best_only=True)
    assert _fit(cb, fake_model, [0.5, 0.6, 0.4, 0.45]) == ["e1.keras", "e3.keras"]
    assert cb.best == 0.4


def test_save_best_only_fixed_name_is_overwritten(fake_model, tmp_path):
    path = str(tmp_path / "best.keras")
    cb = ModelCheckpoint(path, save_best_only=True)
    _fit(cb, fake_model, [0.5, 0.3])
    assert fake_model.saved == [("save", path), ("save", path)]


def test_save_best_only_max_mode(make_model, metric, tmp_path):
    model = make_model(metrics=[metric("accuracy", "up")])
    cb = ModelCheckpoint(str(tmp_path / "e{epoch}.keras"), monitor="val_loss",
                         save_best_only=True, mode="max")
    assert _fit(cb, model, [0.5, 0.4, 0.6]) == ["e1.keras", "e3.keras"]


def test_initial_value_threshold(fake_model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "e{epoch}.keras"), save_best_only=True,
                         initial_value_threshold=0.45)
    assert _fit(cb, fake_model, [0.5, 0.4, 0.42]) == ["e2.keras"]


def test_missing_monitor_saves_with_one_warning(fake_model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "e{epoch}.keras"), monitor="val_acc", mode="max",
                         save_best_only=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        names = _fit(cb, fake_model, [0.5, 0.6])
    assert names == ["e1.keras", "e2.keras"]
    assert len(caught) == 1 and "Can save best model only with val_acc available" in \
        str(caught[0].message)


def test_save_freq_in_batches(fake_model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.weights.h5"),
                         save_weights_only=True, save_freq=2)
    # batches 0,1,2 then 0,1,2: every second batch counted across epochs
    assert _fit(cb, fake_model, [0.5, 0.4], steps=3) == [
        "e1-b2.weights.h5", "e2-b1.weights.h5", "e2-b3.weights.h5"]


def test_creates_directories(fake_model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "a" / "b" / "m.keras"))
    _fit(cb, fake_model, [0.5])
    assert os.path.isfile(tmp_path / "a" / "b" / "m.keras")


def test_existing_directory_is_an_error(fake_model, tmp_path):
    (tmp_path / "d.keras").mkdir()
    cb = ModelCheckpoint(str(tmp_path / "d.keras"))
    with pytest.raises(IOError, match="non-directory filepath"):
        _fit(cb, fake_model, [0.5])


def test_missing_format_field(fake_model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "{val_acc:.2f}.keras"))
    with pytest.raises(KeyError, match="Failed to format this callback filepath.*val_acc"):
        _fit(cb, fake_model, [0.5])


@pytest.mark.parametrize("path,weights_only,message", [
    ("m.h5", True, "must end in `.weights.h5`"),
    ("m.keras", True, "must end in `.weights.h5`"),
    ("m.weights", False, "must end in `.keras`"),
    ("m", False, "must end in `.keras`"),
])
def test_suffix_rules(path, weights_only, message):
    with pytest.raises(ValueError, match=message):
        ModelCheckpoint(path, save_weights_only=weights_only)


def test_accepted_suffixes():
    ModelCheckpoint("m.keras")
    ModelCheckpoint("m.h5")                  # legacy full-model format, as in Keras
    ModelCheckpoint("m.weights.h5", save_weights_only=True)


@pytest.mark.parametrize("freq", ["batch", 0, 1.5, True])
def test_bad_save_freq(freq):
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        ModelCheckpoint("m.keras", save_freq=freq)


def test_verbose(fake_model, tmp_path, capsys):
    cb = ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True, verbose=1)
    _fit(cb, fake_model, [0.5, 0.6])
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from None to 0.50000, saving model to" in out
    assert "Epoch 2: val_loss did not improve from 0.50000" in out


def test_public_name():
    assert keras.callbacks.ModelCheckpoint is ModelCheckpoint


# -- real models, real files ---------------------------------------------------------------
class _Snapshots(keras.callbacks.Callback):
    """Records the weights at each epoch end (after the checkpoint saved them)."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([w.numpy() for w in self.model.weights])


def _real_model(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.05), "mse")
    return model


@pytest.fixture
def regression():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32")).astype("float32")
    return x, y


def _same_predictions(model, other, x):
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=0, atol=1e-6)


def test_real_model_saves_loadable_keras_files(tmp_path, regression):
    h5py = pytest.importorskip("h5py")  # noqa: F841
    x, y = regression
    model = _real_model()
    snaps = _Snapshots()
    pattern = str(tmp_path / "m-{epoch:02d}-{loss:.3f}.keras")
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0,
                        callbacks=[ModelCheckpoint(pattern, monitor="loss"), snaps])
    names = sorted(os.listdir(tmp_path))
    losses = history.history["loss"]
    assert names == [f"m-{e + 1:02d}-{losses[e]:.3f}.keras" for e in range(3)]
    for epoch, name in enumerate(names):
        loaded = keras.models.load_model(tmp_path / name)
        for got, want in zip(loaded.get_weights(), snaps.weights[epoch]):
            np.testing.assert_array_equal(got, want)
    loaded = keras.models.load_model(tmp_path / names[-1])
    _same_predictions(model, loaded, x)
    # the optimizer state came along: one more step matches the original's
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    _same_predictions(model, loaded, x)


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_real_model_weights_only(tmp_path, regression):
    pytest.importorskip("h5py")
    x, y = regression
    model = _real_model()
    path = tmp_path / "w.weights.h5"
    model.fit(x, y, batch_size=8, epochs=2, verbose=0,
              callbacks=[ModelCheckpoint(path, save_weights_only=True)])
    assert sorted(os.listdir(tmp_path)) == ["w.weights.h5"]
    fresh = _real_model(seed=99)
    fresh.load_weights(path)
    _same_predictions(model, fresh, x)


def test_real_model_save_best_only_keeps_the_best_epoch(tmp_path, regression):
    pytest.importorskip("h5py")
    x, y = regression
    model = _real_model()
    snaps = _Snapshots()
    path = tmp_path / "best.keras"
    history = model.fit(x[:24], y[:24], batch_size=8, epochs=5, verbose=0,
                        validation_data=(x[24:], y[24:]),
                        callbacks=[ModelCheckpoint(path, save_best_only=True), snaps])
    best = int(np.argmin(history.history["val_loss"]))
    loaded = keras.models.load_model(path)
    for got, want in zip(loaded.get_weights(), snaps.weights[best]):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(loaded.evaluate(x[24:], y[24:], verbose=0),
                               min(history.history["val_loss"]), rtol=1e-5)


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_real_model_integer_save_freq(tmp_path, regression):
    pytest.importorskip("h5py")
    x, y = regression
    model = _real_model()
    pattern = str(tmp_path / "e{epoch}-b{batch}.weights.h5")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0,    # 4 batches an epoch
              callbacks=[ModelCheckpoint(pattern, save_weights_only=True, save_freq=3)])
    assert sorted(os.listdir(tmp_path)) == ["e1-b3.weights.h5", "e2-b2.weights.h5"]
    fresh = _real_model(seed=5)
    fresh.load_weights(tmp_path / "e2-b2.weights.h5")
    assert not np.allclose(fresh.predict(x, verbose=0), model.predict(x, verbose=0))
    model.load_weights(tmp_path / "e2-b2.weights.h5")   # two batches short of the end
    _same_predictions(model, fresh, x)


def test_real_model_legacy_h5(tmp_path, regression):
    pytest.importorskip("h5py")
    x, y = regression
    model = _real_model()
    path = tmp_path / "m.h5"
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[ModelCheckpoint(path)])
    _same_predictions(model, keras.models.load_model(path), x)
