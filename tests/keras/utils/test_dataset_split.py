"""keras.utils.split_dataset: sizes, order, shuffling and messages as in Keras 3.15."""
import numpy as np
import pytest

import ember
from ember import keras

split = keras.utils.split_dataset
X = np.arange(10, dtype="float64").reshape(5, 2)
Y = np.arange(5)


def _items(ds):
    return [tuple(np.asarray(v).tolist() for v in (e if isinstance(e, tuple) else (e,)))
            for e in ds.as_numpy_iterator()]


def test_array_fraction():
    left, right = split(X, left_size=0.6)
    assert left.element_spec == ember.TensorSpec((2,), ember.float64)
    assert _items(left) == [([0.0, 1.0],), ([2.0, 3.0],), ([4.0, 5.0],)]
    assert _items(right) == [([6.0, 7.0],), ([8.0, 9.0],)]


def test_tuple_and_list_of_arrays():
    left, right = split((X, Y), right_size=2)
    assert left.element_spec == (ember.TensorSpec((2,), ember.float64),
                                 ember.TensorSpec((), ember.int64))
    assert [y for _, y in _items(left)] == [0, 1, 2] and [y for _, y in _items(right)] == [3, 4]
    left, right = split([X, Y], left_size=3, right_size=1)
    assert len(left) == 3 and _items(right) == [([8.0, 9.0], 4)]


def test_shuffle_matches_keras_for_the_seed():
    left, right = split((X, Y), left_size=0.5, shuffle=True, seed=1)
    assert [y for _, y in _items(left)] == [2, 3]
    assert [y for _, y in _items(right)] == [4, 0, 1]
    left, right = split(np.arange(10), left_size=0.5, shuffle=True, seed=123)
    assert [v for (v,) in _items(left)] == [8, 7, 5, 9, 2]
    assert [v for (v,) in _items(right)] == [3, 6, 1, 4, 0]


def test_datasets_batched_and_dicts():
    left, right = split(ember.data.Dataset.from_tensor_slices((X, Y)).batch(2), left_size=0.4)
    assert left.element_spec == (ember.TensorSpec((None, 2), ember.float64),
                                 ember.TensorSpec((None,), ember.int64))
    assert [len(y) for _, y in _items(left)] == [2]
    assert [y for _, y in _items(right)] == [[2, 3], [4]]
    left, right = split(ember.data.Dataset.range(7), right_size=0.3)
    assert (len(left), len(right)) == (5, 2)
    left, right = split(ember.data.Dataset.from_tensor_slices({"a": X, "b": Y}), left_size=2)
    assert set(left.element_spec) == {"a", "b"}
    assert [int(e["b"]) for e in right.as_numpy_iterator()] == [2, 3, 4]


def test_rounding_and_mixed_sizes():
    assert tuple(map(len, split(np.arange(3), left_size=0.5))) == (2, 1)
    assert tuple(map(len, split(np.arange(5), left_size=2, right_size=0.5))) == (2, 2)
    assert tuple(map(len, split(np.arange(5), left_size=np.int64(2)))) == (2, 3)


@pytest.mark.parametrize("kwargs, error, message", [
    ({}, ValueError, "At least one of the `left_size` or `right_size` must be specified"),
    ({"left_size": 0}, ValueError, ("`left_size` should be either a positive integer smaller "
                                    "than 5")),
    ({"left_size": 5}, ValueError, "`left_size` should be either a positive integer"),
    ({"left_size": 1.0}, ValueError, "`left_size` should be either a positive integer"),
    ({"left_size": -1}, ValueError, "`left_size` should be either a positive integer"),
    ({"left_size": 0.7, "right_size": 0.5}, ValueError, ("The sum of `left_size` and "
                                                      "`right_size` is greater than 1")),
    ({"left_size": "a"}, TypeError, "Invalid `left_size` Type"),
    ({"left_size": 3, "right_size": 3}, ValueError, "should be smaller than the 5"),
    ({"left_size": 0.01}, ValueError, "Resulting left side dataset split will be empty"),
])
def test_size_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        split(np.arange(5), **kwargs)


@pytest.mark.parametrize("dataset, error, message", [
    ({"a": X}, TypeError, "Unsupported dataset type"),
    ([], ValueError, "Received an empty list dataset"),
    ([X, Y[:3]], ValueError, "Received a list of NumPy arrays with different lengths"),
    ([X, [1, 2]], ValueError, "Expected a list of `numpy.ndarray` objects"),
    (np.zeros((0, 2)), ValueError, "Received an empty dataset"),
])
def test_dataset_errors(dataset, error, message):
    with pytest.raises(error, match=message):
        split(dataset, left_size=0.5)
