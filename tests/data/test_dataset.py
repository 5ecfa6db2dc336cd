"""Dataset basics: iteration yields Ember tensors, element_spec, len, the TF pipeline."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.data

D = ember.data.Dataset


def test_tf_style_pipeline():
    x = np.random.default_rng(0).normal(size=(100, 3)).astype(np.float32)
    y = np.arange(100)
    ds = D.from_tensor_slices((x, y)).shuffle(1000, seed=1).batch(32) \
        .prefetch(ember.data.AUTOTUNE)
    batches = list(ds)
    assert len(ds) == 4 and [b[0].shape[0] for b in batches] == [32, 32, 32, 4]
    assert all(isinstance(t, ember.Tensor) for b in batches for t in b)
    ys = np.concatenate([b[1].numpy() for b in batches])
    assert sorted(ys.tolist()) == list(range(100))
    xs = np.concatenate([b[0].numpy() for b in batches])
    np.testing.assert_array_equal(xs, x[ys])       # pairs stay together


def test_len_errors_and_constants():
    assert ember.data.experimental.INFINITE_CARDINALITY == -1
    assert ember.data.experimental.UNKNOWN_CARDINALITY == -2
    ds = D.range(3).repeat()
    assert ds.cardinality().dtype == ember.int64
    with pytest.raises(TypeError, match="infinite"):
        len(ds)
    with pytest.raises(TypeError, match="unknown"):
        len(D.range(3).filter(lambda v: v > 0))
    assert bool(D.range(0)) is True


def test_as_numpy_iterator_and_strings():
    vals = list(D.from_tensor_slices({"a": np.arange(2), "s": ["x", "yz"]})
                .as_numpy_iterator())
    assert vals[1]["s"] == b"yz" and int(vals[1]["a"]) == 1
    assert repr(D.range(2)).startswith("<RangeDataset")
