"""The LSTM sequence example learns its digit-sum task (>= 0.97 test accuracy)."""
import importlib.util
from pathlib import Path

import numpy as np

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "keras_lstm_sequence.py"


def _load():
    spec = importlib.util.spec_from_file_location("keras_lstm_sequence", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lstm_sequence_example_reaches_stated_accuracy():
    assert _load().main(epochs=8, verbose=0) >= 0.97


def test_lstm_sequence_data_is_padded_and_balanced():
    example = _load()
    x, y = example.make_data(500, seed=3)
    assert x.shape == (500, example.MAX_LEN)
    lengths = (x != 0).sum(axis=1)
    assert lengths.min() >= example.MIN_LEN and lengths.max() <= example.MAX_LEN
    # padding only at the end: no digit after a 0
    assert all(np.all(row[n:] == 0) and np.all(row[:n] > 0) for row, n in zip(x, lengths))
    assert np.array_equal(y, (x.sum(axis=1) > example.THRESHOLD).astype(y.dtype))
    assert 0.35 < y.mean() < 0.65
