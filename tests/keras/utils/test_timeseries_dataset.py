"""keras.utils.timeseries_dataset_from_array against a NumPy reference (and the specs,
dtypes and messages Keras 3.15 gives)."""
import numpy as np
import pytest

import ember
from ember import keras

f = keras.utils.timeseries_dataset_from_array


def _windows(data, length, stride=1, rate=1, start=0, stop=None, n_targets=None):
    stop = len(data) if stop is None else stop
    count = stop - start - (length - 1) * rate
    if n_targets is not None:
        count = min(count, n_targets)
    return [data[start + p + np.arange(length) * rate] for p in range(0, count, stride)]


def _rows(ds):
    out = []
    for element in ds.as_numpy_iterator():
        x = element[0] if isinstance(element, tuple) else element
        out.extend(list(x))
    return out


def test_windows_batches_and_spec():
    data = np.arange(20)
    ds = f(data, None, 3, batch_size=4)
    assert ds.element_spec == ember.TensorSpec((None, None), ember.int64)
    assert len(ds) == 5 and int(ds.cardinality()) == 5
    batches = list(ds.as_numpy_iterator())
    assert [b.shape for b in batches] == [(4, 3)] * 4 + [(2, 3)]
    np.testing.assert_array_equal(np.concatenate(batches), _windows(data, 3))


def test_stride_rate_and_targets():
    data, targets = np.arange(20), np.arange(20) * 10
    ds = f(data, targets, 3, sequence_stride=2, sampling_rate=2, batch_size=3)
    xs, ys = zip(*ds.as_numpy_iterator())
    np.testing.assert_array_equal(np.concatenate(xs), _windows(data, 3, 2, 2))
    np.testing.assert_array_equal(np.concatenate(ys), [0, 20, 40, 60, 80, 100, 120, 140])


def test_start_end_index_and_target_offset():
    data = np.arange(20)
    ds = f(data, data, 5, start_index=2, end_index=15, batch_size=4)
    xs, ys = zip(*ds.as_numpy_iterator())
    np.testing.assert_array_equal(np.concatenate(xs), _windows(data, 5, start=2, stop=15))
    np.testing.assert_array_equal(np.concatenate(ys), np.arange(2, 11))   # targets[2 + p]


def test_unbatched_multidim_float_data():
    data = np.arange(20, dtype="float32").reshape(10, 2)
    ds = f(data, np.arange(10.0), 4, batch_size=None)
    assert ds.element_spec == (ember.TensorSpec((None, 2), ember.float32),
                               ember.TensorSpec((), ember.float64))
    first = next(iter(ds.as_numpy_iterator()))
    np.testing.assert_array_equal(first[0], data[:4])
    assert first[1] == 0.0 and len(ds) == 7


def test_keeps_dtype_and_trailing_dims():
    ds = f(np.zeros((6, 2, 3), "float64"), np.zeros(6, "int64"), 2, batch_size=2)
    assert ds.element_spec == (ember.TensorSpec((None, None, 2, 3), ember.float64),
                               ember.TensorSpec((None,), ember.int64))


def test_list_input_is_int32_like_tf():
    ds = f(list(range(10)), None, 3, batch_size=100)
    assert ds.element_spec.dtype == ember.int32


def test_short_targets_limit_windows():
    data = np.arange(20)
    ds = f(data, data[:5], 3, batch_size=10)
    assert len(ds) == 1
    np.testing.assert_array_equal(next(iter(ds.as_numpy_iterator()))[1], np.arange(5))


def test_sequence_longer_than_data_is_empty():
    ds = f(np.arange(20), None, 25, batch_size=4)
    assert len(ds) == 0 and list(ds) == []


def test_shuffle_seeded_repeatable_and_reshuffled_each_epoch():
    data = np.arange(200)
    ds = f(data, data, 5, batch_size=8, shuffle=True, seed=3)
    epoch1, epoch2 = _rows(ds), _rows(ds)
    expected = sorted(map(tuple, _windows(data, 5)))
    assert sorted(map(tuple, epoch1)) == expected == sorted(map(tuple, epoch2))
    assert [tuple(r) for r in epoch1] != [tuple(w) for w in _windows(data, 5)]
    assert [tuple(r) for r in epoch1] != [tuple(r) for r in epoch2]
    again = f(data, data, 5, batch_size=8, shuffle=True, seed=3)
    assert [tuple(r) for r in _rows(again)] == [tuple(r) for r in epoch1]
    for x, y in ds.as_numpy_iterator():          # each target still matches its window
        np.testing.assert_array_equal(x[:, 0], y)


def test_iterates_as_tensors_and_fits_a_model():
    x = np.random.default_rng(0).normal(size=(40, 2)).astype("float32")
    ds = f(x, x[:, 0], 4, batch_size=8)
    batch_x, _batch_y = next(iter(ds))
    assert isinstance(batch_x, ember.Tensor) and tuple(batch_x.shape) == (8, 4, 2)
    model = keras.Sequential([keras.Input((4, 2)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("kwargs, message", [
    ({"start_index": -1}, "`start_index` must be 0 or greater. Received: start_index=-1"),
    ({"start_index": 20}, ("`start_index` must be lower than the length of the data. "
                           "Received: start_index=20, for data of length 20")),
    ({"end_index": 20}, "`end_index` must be lower than the length of the data"),
    ({"start_index": 5, "end_index": 5}, "`end_index` must be higher than `start_index`"),
    ({"end_index": -1}, "`end_index` must be higher than 0. Received: end_index=-1"),
    ({"sampling_rate": 0}, "`sampling_rate` must be higher than 0"),
    ({"sampling_rate": 20}, "`sampling_rate` must be lower than the length of the data"),
    ({"sequence_stride": 0}, "`sequence_stride` must be higher than 0"),
    ({"sequence_stride": 20}, "`sequence_stride` must be lower than the length"),
    ({"sequence_length": 0}, "`sequence_length` must be higher than 0"),
    ({"batch_size": 0}, "`batch_size` must be higher than 0"),
    ({"format": "grain"}, '`format` should be "tf"'),
])
def test_argument_errors(kwargs, message):
    args = {"sequence_length": 3}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        f(np.arange(20), None, **args)


def test_targets_too_short_for_start_index_is_an_error_at_once():
    with pytest.raises(ValueError, match="`targets` .* too short"):
        f(np.arange(20), np.arange(3), 3, start_index=5)
