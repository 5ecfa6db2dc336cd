import os
import warnings

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
