"""iter(dataset), Optional, get_single_element, as_numpy_iterator and the smaller
parity fixes (map returning None, specs of empty inputs, padding dtypes, range
arguments, sample/choose cardinality): expected behaviour is TF 2.21's."""
import numpy as np
import pytest

import ember
from ember.core.errors import InvalidArgumentError
from ember.data import Dataset as D
from ember.data import experimental as E


def _spec(spec):
    return tuple(spec.shape), spec.dtype


def test_iterator_next_get_next_and_optional():
    it = iter(D.range(3).batch(2))
    assert tuple(it.element_spec.shape) == (None,) and iter(it) is it
    assert next(it).numpy().tolist() == [0, 1]
    assert it.get_next().numpy().tolist() == [2]
    opt = it.get_next_as_optional()
    assert not bool(opt.has_value()) and tuple(opt.element_spec.shape) == (None,)
    with pytest.raises(InvalidArgumentError, match="does not have a value"):
        opt.get_value()
    with pytest.raises(StopIteration):
        next(it)
    with pytest.raises(ember.errors.OutOfRangeError, match="End of sequence"):
        it.get_next()
    it = iter(D.range(1))
    assert bool(E.get_next_as_optional(it).has_value())
    assert not bool(E.get_next_as_optional(it).has_value())
    opt = E.Optional.from_value((1, 2.0))
    assert bool(opt.has_value()) and float(opt.get_value()[1]) == 2.0
    assert opt.element_spec[1].dtype == ember.float32
    assert not bool(E.Optional.empty(ember.TensorSpec((), ember.int32)).has_value())


def test_get_single_element():
    x, y = D.from_tensor_slices(({"a": [[1, 2]]}, [3.0])).get_single_element()
    assert x["a"].numpy().tolist() == [1, 2] and float(y) == 3.0
    assert int(E.get_single_element(D.range(1))) == 0
    with pytest.raises(InvalidArgumentError, match="empty"):
        D.range(0).get_single_element()
    with pytest.raises(InvalidArgumentError, match="more than one"):
        D.range(3).get_single_element()


def test_as_numpy_iterator_strings_and_windows():
    out = list(D.from_tensor_slices(["a", "bc"]).as_numpy_iterator())
    assert out == [b"a", b"bc"] and all(type(v) is bytes for v in out)
    assert type(next(D.from_tensors("x").as_numpy_iterator())) is bytes
    with pytest.raises(TypeError, match="window"):
        list(D.range(3).window(2).as_numpy_iterator())


def test_map_returning_none_is_an_error():
    with pytest.raises(TypeError, match="not None"):
        _ = D.range(3).map(lambda x: None).element_spec
    with pytest.raises(TypeError, match="not None"):
        list(D.range(3).map(lambda x: (x, None)))


def test_specs_of_functions_over_empty_inputs():
    ds = D.range(0).flat_map(lambda x: D.from_tensors(ember.fill([2], x)))
    assert _spec(ds.element_spec) == ((2,), ember.int64) and list(ds) == []
    ds = D.from_tensor_slices(np.zeros((0, 3), np.float32)).map(
        lambda x: (x * 2, ember.reduce_sum(x)))
    assert [_spec(s) for s in ds.element_spec] == [((3,), ember.float32), ((), ember.float32)]
    ds = D.range(1, 5).filter(lambda x: x > 10).map(lambda x: ember.range(x))
    assert _spec(ds.element_spec) == ((None,), ember.int64)
    ds = D.range(0).scan(np.int64(0), lambda s, x: (s + x, ember.fill([x], s)))
    assert _spec(ds.element_spec) == ((None,), ember.int64)


def test_padding_values_must_fit_the_dtype():
    ds = D.range(1, 3).map(lambda x: ember.fill([x], x))
    with pytest.raises(TypeError, match="does not fit"):
        ds.padded_batch(2, padding_values=ember.constant(1.5))
    with pytest.raises(TypeError, match="does not fit"):
        D.from_tensor_slices([["a"]]).padded_batch(2, padding_values=0)
    # a Python int pads a float component (a weak scalar), as a float
    ds = D.range(1, 3).map(lambda x: ember.fill([x], 1.0)).padded_batch(2, padding_values=-1)
    assert next(ds.as_numpy_iterator()).tolist() == [[1.0, -1.0], [1.0, 1.0]]


def test_range_refuses_floats_and_shard_errors():
    with pytest.raises(TypeError, match="integer"):
        D.range(0.5, 3)
    with pytest.raises(TypeError, match="integer"):
        D.range(2.0)
    assert [int(v) for v in D.range(np.int64(1), ember.constant(3))] == [1, 2]
    with pytest.raises(InvalidArgumentError, match="index"):
        D.range(3).shard(2, 2)
    with pytest.raises(InvalidArgumentError, match="index"):
        D.range(3).shard(0, 0)


def test_sample_and_choose_cardinality_and_spec():
    inf, fin = D.range(3).repeat(), D.range(3)
    assert int(D.sample_from_datasets([inf, inf], seed=1).cardinality()) == -1
    assert int(D.sample_from_datasets([fin, inf], seed=1).cardinality()) == -1
    assert int(D.sample_from_datasets([fin, fin], seed=1).cardinality()) == -2
    ds = D.sample_from_datasets([D.range(3).batch(2), D.range(3).batch(3, True)], seed=1)
    assert _spec(ds.element_spec) == ((None,), ember.int64)
    assert int(D.choose_from_datasets([fin, fin], D.range(2)).cardinality()) == -2
    assert int(D.choose_from_datasets([inf, fin], D.range(2).repeat()).cardinality()) == -1


def test_experimental_helpers():
    assert [int(v) for v in D.range(5).apply(E.take_while(lambda x: x < 2))] == [0, 1]
    assert [int(v) for v in D.from_tensor_slices([1, 1, 2]).apply(E.unique())] == [1, 2]
    assert [int(v) for v in D.range(4).batch(2).apply(E.unbatch())] == [0, 1, 2, 3]
    assert [(int(i), int(v)) for i, v in D.range(2).apply(E.enumerate_dataset(3))] == \
        [(3, 0), (4, 1)]
    assert [b.numpy().tolist() for b in D.range(5).apply(E.map_and_batch(
        lambda x: x * 2, 2))] == [[0, 2], [4, 6], [8]]
    out = list(D.range(5).apply(E.shuffle_and_repeat(5, 2, seed=1)).as_numpy_iterator())
    assert sorted(out[:5]) == sorted(out[5:]) == [0, 1, 2, 3, 4]
    ds = E.from_list([(1, "a"), (2, "b")])
    assert int(ds.cardinality()) == 2 and ds.element_spec[0].dtype == ember.int32
    assert list(ds.as_numpy_iterator()) == [(1, b"a"), (2, b"b")]
    assert E.get_structure(D.range(3)).dtype == ember.int64
    assert int(E.AutoShardPolicy.DATA) == 2 and int(E.AutoShardPolicy.OFF) == -1
    opts = ember.data.Options()
    opts.experimental_distribute.auto_shard_policy = E.AutoShardPolicy.DATA
    opts.threading.private_threadpool_size = 4
    ds = D.range(2).with_options(opts)
    assert ds.options().experimental_distribute.auto_shard_policy == E.AutoShardPolicy.DATA
    assert ds.options().threading.private_threadpool_size == 4
