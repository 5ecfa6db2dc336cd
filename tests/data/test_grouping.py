"""scan, group_by_window, bucket_by_sequence_length, rebatch, ignore_errors, counter,
random: expected values are what TF 2.21 gives for the same pipelines."""
import numpy as np
import pytest

import ember
from ember.core.errors import InvalidArgumentError
from ember.data import Dataset as D
from ember.data import experimental as E


def _rows(ds):
    return [np.asarray(x).tolist() for x in ds.as_numpy_iterator()]


def _shape(ds):
    return tuple(ds.element_spec.shape)


def test_scan_threads_state_and_keeps_dtypes():
    ds = D.range(5).scan(ember.constant(0, ember.int64), lambda s, x: (s + x, s * 10))
    assert _rows(ds) == [0, 0, 10, 30, 60] and int(ds.cardinality()) == 5
    ds = D.range(5).scan((np.int64(0), 1.0), lambda s, x: ((s[0] + x, s[1] * 2), s))
    assert ds.element_spec[1].dtype == ember.float32
    assert [(int(a), float(b)) for a, b in ds] == [(0, 1), (0, 2), (1, 4), (3, 8), (6, 16)]
    # a growing state: the output shape is unknown
    ds = D.range(3).scan(ember.constant([0], ember.int64),
                         lambda s, x: (ember.concat([s, ember.reshape(x, [1])], 0), s))
    assert _shape(ds) == (None,) and _rows(ds) == [[0], [0, 0], [0, 0, 1]]
    assert int(D.range(3).repeat().scan(0, lambda s, x: (s, x)).cardinality()) == -1
    assert _rows(D.range(4).apply(E.scan(np.int64(1), lambda s, x: (s * (x + 1), s)))) == \
        [1, 1, 2, 6]


def test_scan_refuses_float_state_for_int_and_bad_returns():
    with pytest.raises(TypeError, match="new state"):
        list(D.range(3).scan(0, lambda s, x: (ember.cast(s, ember.float32) + 0.5, x)))
    with pytest.raises(TypeError, match="pair"):
        list(D.range(3).scan(0, lambda s, x: s))
    with pytest.raises(TypeError, match="new state"):
        D.range(3).reduce((np.int64(0), np.int64(0)), lambda s, x: s[0] + x)


def test_group_by_window():
    ds = D.range(10).group_by_window(lambda x: x % 2, lambda k, w: w.batch(3), window_size=3)
    assert _shape(ds) == (None,) and int(ds.cardinality()) == -2
    assert _rows(ds) == [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]
    ds = D.range(10).group_by_window(lambda x: x % 3, lambda k, w: w.batch(4),
                                     window_size_func=lambda k: k + 1)
    assert _rows(ds) == [[0], [3], [1, 4], [6], [2, 5, 8], [9], [7]]
    # partial windows come out in increasing key order; the key is an int64 tensor
    ds = D.from_tensor_slices(np.array([5, 1, 3, 5, 1], np.int64)).group_by_window(
        lambda x: x, lambda k, w: w.map(lambda v: v * 0 + k * 10).batch(10), window_size=10)
    assert _rows(ds) == [[10, 10], [30], [50, 50]]
    ds = D.from_tensor_slices((np.arange(7), np.arange(7.) / 2)).group_by_window(
        lambda a, b: a % 3, lambda k, w: w.batch(2), window_size=2)
    assert [(a.tolist(), b.tolist()) for a, b in ds.as_numpy_iterator()] == [
        ([0, 3], [0.0, 1.5]), ([1, 4], [0.5, 2.0]), ([2, 5], [1.0, 2.5]), ([6], [3.0])]
    ds = D.range(7).group_by_window(lambda x: x % 2, lambda k, w: w.batch(3, True), 3)
    assert _shape(ds) == (3,) and _rows(ds) == [[0, 2, 4], [1, 3, 5]]
    assert _rows(D.range(0).group_by_window(lambda x: x, lambda k, w: w.batch(2), 2)) == []


def test_group_by_window_errors():
    with pytest.raises(ValueError, match="exactly one"):
        D.range(3).group_by_window(lambda x: x, lambda k, w: w)
    with pytest.raises(ValueError, match="exactly one"):
        D.range(3).group_by_window(lambda x: x, lambda k, w: w, 2, lambda k: k)
    with pytest.raises(ValueError, match="scalar integer"):
        list(D.range(3).group_by_window(lambda x: ember.cast(x, ember.float32),
                                        lambda k, w: w, 2))
    with pytest.raises(TypeError, match="must return a Dataset"):
        list(D.range(3).group_by_window(lambda x: x, lambda k, w: 1, 2))


def _seqs(lengths):
    return D.from_tensor_slices(np.asarray(lengths, np.int64)).map(lambda n: ember.fill([n], n))


def test_bucket_by_sequence_length():
    ds = _seqs(range(1, 10)).bucket_by_sequence_length(
        lambda x: ember.shape(x)[0], bucket_boundaries=[3, 6], bucket_batch_sizes=[2, 2, 2])
    assert _shape(ds) == (None, None) and int(ds.cardinality()) == -2
    assert _rows(ds) == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]],
                         [[6] * 6 + [0], [7] * 7], [[8] * 8 + [0], [9] * 9], [[5] * 5]]
    ds = _seqs(range(1, 10)).bucket_by_sequence_length(
        lambda x: ember.shape(x)[0], [3, 5], [2, 2, 2], drop_remainder=True)
    assert _shape(ds) == (None, None)
    assert [b.shape for b in ds.as_numpy_iterator()] == [(2, 2), (2, 4), (2, 6), (2, 8)]
    # padded to the bucket's boundary - 1; a length past the last boundary is an error
    ds = _seqs([2, 1, 4, 3]).bucket_by_sequence_length(
        lambda x: ember.shape(x)[0], [3, 6], [2, 2, 2], pad_to_bucket_boundary=True)
    assert _shape(ds) == (None, None)
    assert _rows(ds) == [[[2, 2], [1, 0]], [[4, 4, 4, 4, 0], [3, 3, 3, 0, 0]]]
    with pytest.raises(InvalidArgumentError, match="pad_to_bucket_boundary"):
        list(_seqs([7]).bucket_by_sequence_length(lambda x: ember.shape(x)[0], [3, 6],
                                                  [2, 2, 2], pad_to_bucket_boundary=True))
    with pytest.raises(ValueError, match="len"):
        D.range(3).bucket_by_sequence_length(lambda x: x, [2], [1])


def test_bucket_by_sequence_length_structures():
    ds = D.range(1, 10).map(lambda x: {"t": ember.fill([x], x), "l": x})
    ds = ds.bucket_by_sequence_length(lambda d: ember.shape(d["t"])[0], [4], [3, 3],
                                      padding_values={"t": np.int64(-1), "l": np.int64(0)})
    assert tuple(ds.element_spec["l"].shape) == (None,)
    assert [b["t"].tolist() for b in ds.as_numpy_iterator()] == [
        [[1, -1, -1], [2, 2, -1], [3, 3, 3]],
        [[4, 4, 4, 4, -1, -1], [5, 5, 5, 5, 5, -1], [6] * 6],
        [[7] * 7 + [-1, -1], [8] * 8 + [-1], [9] * 9]]
    ds = _seqs(range(1, 6)).apply(E.bucket_by_sequence_length(
        lambda x: ember.shape(x)[0], [3], [2, 2], padded_shapes=[8]))
    assert _shape(ds) == (None, 8) and [b.shape for b in ds.as_numpy_iterator()] == \
        [(2, 8), (2, 8), (1, 8)]
    ds = D.range(8).map(lambda x: ember.fill([2], x)).bucket_by_sequence_length(
        lambda x: ember.cast(x[0] % 3, ember.int32), [1, 2], [2, 2, 2], no_padding=True)
    assert _rows(ds) == [[[0, 0], [3, 3]], [[1, 1], [4, 4]], [[2, 2], [5, 5]], [[6, 6]],
                         [[7, 7]]]


def test_rebatch():
    ds = D.range(10).batch(4).rebatch(3)
    assert _shape(ds) == (None,) and int(ds.cardinality()) == -2
    assert _rows(ds) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    ds = D.range(10).batch(4).rebatch(3, drop_remainder=True)
    assert _shape(ds) == (3,) and _rows(ds) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert _rows(D.range(8).batch(4).rebatch([2, 1, 1])) == [[0, 1], [2], [3], [4, 5], [6], [7]]
    ds = D.range(10).batch(4).rebatch([2, 3], drop_remainder=True)
    assert _shape(ds) == (None,) and _rows(ds) == [[0, 1], [2, 3, 4], [5, 6], [7, 8, 9]]
    assert _rows(D.range(10).batch(2).rebatch(5)) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    ds = D.from_tensor_slices((np.arange(5), np.arange(5.))).batch(2).rebatch(3)
    assert [(a.tolist(), b.tolist()) for a, b in ds.as_numpy_iterator()] == \
        [([0, 1, 2], [0., 1., 2.]), ([3, 4], [3., 4.])]
    # rank-1 elements of different lengths are batches of scalars
    ds = D.range(1, 5).map(lambda x: ember.fill([x], x)).rebatch(2)
    assert _rows(ds) == [[1, 2], [2, 3], [3, 3], [4, 4], [4, 4]]
    with pytest.raises(ValueError, match="rank >= 1"):
        D.range(3).rebatch(2)


def test_ignore_errors():
    def inverse(x):
        if float(x) == 0:
            raise ValueError("zero")
        return 1 / x
    ds = D.from_tensor_slices([0., 1., 0., 2.]).map(inverse).ignore_errors()
    assert ds.element_spec.dtype == ember.float32 and int(ds.cardinality()) == -2
    assert _rows(ds) == [1.0, 0.5]
    with pytest.warns(UserWarning, match="dropped"):
        assert _rows(D.from_tensor_slices([0., 1.]).map(inverse).ignore_errors(True)) == [1.]
    with pytest.raises(ValueError, match="zero"):
        list(D.from_tensor_slices([0., 1.]).map(inverse))
    gen = D.from_generator(lambda: iter([np.zeros(2), np.zeros(2), np.zeros(3), np.zeros(2),
                                         np.zeros(2)]),
                           output_signature=ember.TensorSpec((None,), ember.float64))
    assert [b.shape for b in gen.batch(2).ignore_errors().as_numpy_iterator()] == [(2, 2), (1, 2)]


def test_counter_and_random():
    ds = D.counter(5, 2)
    assert int(ds.cardinality()) == -1 and ds.element_spec.dtype == ember.int64
    assert _rows(ds.take(3)) == [5, 7, 9]
    assert _rows(D.counter(3, -1, dtype=ember.int32).take(3)) == [3, 2, 1]
    assert _rows(E.Counter(1, 2).take(2)) == [1, 3]
    ds = D.random(seed=3).take(20)
    a, b = _rows(ds), _rows(ds)
    assert a == b and all(0 <= v < 2 ** 32 for v in a) and len(set(a)) == 20
    ds = D.random(seed=3, rerandomize_each_iteration=True).take(5)
    assert _rows(ds) != _rows(ds) and int(D.random().cardinality()) == -1
    ds = D.random().take(5)
    assert _rows(ds) == _rows(ds)
