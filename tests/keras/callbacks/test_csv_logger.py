import numpy as np

from ember import keras
from ember.keras.callbacks import CSVLogger


def _read(path):
    with open(path, newline="") as f:
        return f.read()


def _fit(cb, epochs, make_logs, model=None, check=None):
    cb.set_model(model)
    cb.on_train_begin()
    for epoch in range(epochs):
        cb.on_epoch_begin(epoch)
        cb.on_epoch_end(epoch, make_logs(epoch))
        if check:
            check(epoch)
    cb.on_train_end()


def test_rows_and_sorted_header(tmp_path):
    path = tmp_path / "log.csv"
    seen = []
    _fit(CSVLogger(path), 2,
         lambda e: {"loss": 1.0 / (e + 1), "val_loss": 2.0, "accuracy": 0.5},
         check=lambda e: seen.append(_read(path)))       # flushed after each epoch
    assert _read(path) == ("epoch,accuracy,loss,val_loss\r\n"
                           "0,0.5,1.0,2.0\r\n"
                           "1,0.5,0.5,2.0\r\n")
    assert seen[0] == "epoch,accuracy,loss,val_loss\r\n0,0.5,1.0,2.0\r\n"


def test_val_columns_added_when_missing(tmp_path):
    path = tmp_path / "log.csv"
    _fit(CSVLogger(path), 2, lambda e: {"loss": 0.25, "mae": 0.5} if e == 0 else
         {"loss": 0.125, "mae": 0.5, "val_loss": 1.0, "val_mae": 2.0})
    assert _read(path).splitlines() == ["epoch,loss,mae,val_loss,val_mae",
                                        "0,0.25,0.5,NA,NA", "1,0.125,0.5,1.0,2.0"]


def test_append(tmp_path):
    path = tmp_path / "log.csv"
    _fit(CSVLogger(path), 1, lambda e: {"loss": 1.0})
    _fit(CSVLogger(path, append=True), 2, lambda e: {"loss": 0.5})
    assert _read(path).splitlines() == ["epoch,loss,val_loss", "0,1.0,NA", "0,0.5,NA",
                                        "1,0.5,NA"]
    # appending to a file that does not exist yet writes the header
    other = tmp_path / "new.csv"
    _fit(CSVLogger(other, append=True), 1, lambda e: {"loss": 1.0})
    assert _read(other).splitlines()[0] == "epoch,loss,val_loss"


def test_overwrite_by_default(tmp_path):
    path = tmp_path / "log.csv"
    _fit(CSVLogger(path), 2, lambda e: {"loss": 1.0})
    _fit(CSVLogger(path), 1, lambda e: {"loss": 3.0})
    assert _read(path).splitlines() == ["epoch,loss,val_loss", "0,3.0,NA"]


def test_separator_and_array_values(tmp_path):
    path = tmp_path / "log.tsv"
    _fit(CSVLogger(str(path), separator="\t"), 1,
         lambda e: {"loss": np.float32(0.5), "val_loss": np.array(0.25),
                    "per_class": np.array([1, 2])})
    header, row = _read(path).splitlines()
    assert header == "epoch\tloss\tper_class\tval_loss"
    assert row == '0\t0.5\t"""[1, 2]"""\t0.25'


def test_public_name():
    assert keras.callbacks.CSVLogger is CSVLogger
