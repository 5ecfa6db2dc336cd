"""batch, padded_batch, unbatch, window."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.data
from ember.core.errors import InvalidArgumentError

D = ember.data.Dataset


def test_batch_values_vs_numpy():
    x = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32)
    y = np.arange(10)
    batches = list(D.from_tensor_slices((x, y)).batch(4))
    assert [b[0].shape for b in batches] == [(4, 3), (4, 3), (2, 3)]
    np.testing.assert_array_equal(np.concatenate([b[0].numpy() for b in batches]), x)
    dropped = D.from_tensor_slices((x, y)).batch(4, drop_remainder=True)
    assert len(dropped) == 2 and len(list(dropped)) == 2
    assert tuple(dropped.element_spec[0].shape) == (4, 3)
    assert tuple(D.from_tensor_slices(x).batch(4).element_spec.shape) == (None, 3)
    assert len(D.range(7).batch(3)) == 3


def test_batch_generic_path_matches_fast_path():
    x = np.arange(20).reshape(10, 2)
    fast = [b.numpy() for b in D.from_tensor_slices(x).batch(3)]
    slow = [b.numpy() for b in D.from_tensor_slices(x).map(lambda v: v).batch(3)]
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)
    nested = list(D.range(5).map(lambda v: {"a": v, "b": (v, v * 2)}).batch(2))
    np.testing.assert_array_equal(nested[1]["b"][1].numpy(), [4, 6])


def test_batch_of_different_shapes_errors():
    ds = D.range(1, 5).map(lambda x: ember.fill([x], x)).batch(2)
    with pytest.raises(InvalidArgumentError, match=r"\(1,\) and \(2,\).*padded_batch"):
        list(ds)
    with pytest.raises(InvalidArgumentError, match="batch_size"):
        D.range(3).batch(0)


def test_padded_batch():
    ds = D.range(1, 5).map(lambda x: ember.fill([x], x))
    out = list(ds.padded_batch(2).as_numpy_iterator())
    np.testing.assert_array_equal(out[0], [[1, 0], [2, 2]])
    np.testing.assert_array_equal(out[1], [[3, 3, 3, 0], [4, 4, 4, 4]])
    fixed = ds.padded_batch(2, padded_shapes=[5], padding_values=np.int64(-1))
    assert tuple(fixed.element_spec.shape) == (None, 5)
    np.testing.assert_array_equal(next(fixed.as_numpy_iterator())[0], [1, -1, -1, -1, -1])
    with pytest.raises(InvalidArgumentError, match="larger than the padded shape"):
        list(ds.padded_batch(2, padded_shapes=[2]))
    pairs = D.range(1, 4).map(lambda x: (ember.fill([x], x), x))
    a, b = next(iter(pairs.padded_batch(3)))
    assert a.shape == (3, 3) and b.shape == (3,)


def test_unbatch_and_window():
    assert list(D.range(7).batch(3).unbatch().as_numpy_iterator()) == list(range(7))
    assert int(D.range(7).batch(3).unbatch().cardinality()) == -2
    x = np.arange(12).reshape(6, 2)
    ub = D.from_tensor_slices((x, x[:, 0])).batch(4).unbatch()
    assert tuple(ub.element_spec[0].shape) == (2,)
    wins = [list(w.as_numpy_iterator()) for w in D.range(7).window(3, shift=2)]
    assert wins == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]   # TF's result
    assert len(D.range(10).window(3)) == 4
    assert len(D.range(10).window(3, drop_remainder=True)) == 3
    strided = [list(w.as_numpy_iterator()) for w in
               D.range(10).window(3, shift=1, stride=2, drop_remainder=True)]
    assert strided[0] == [0, 2, 4] and strided[-1] == [5, 7, 9]
    flat = D.range(6).window(2).flat_map(lambda w: w.batch(2))
    assert [v.tolist() for v in flat.as_numpy_iterator()] == [[0, 1], [2, 3], [4, 5]]
