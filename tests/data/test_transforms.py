"""map, filter, repeat, take, skip, cache, concatenate, enumerate, flat_map, interleave,
take_while, unique, reduce, apply, options."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.data

D = ember.data.Dataset
INF, UNK = ember.data.experimental.INFINITE_CARDINALITY, \
    ember.data.experimental.UNKNOWN_CARDINALITY


def _list(ds):
    return [np.asarray(v).tolist() for v in ds.as_numpy_iterator()]


def test_map_unpacks_tuples_and_gets_tensors():
    seen = []

    def f(a, b):
        seen.append((type(a), type(b)))
        return a + b, a * b

    ds = D.from_tensor_slices((np.arange(4), np.arange(4) * 10)).map(f, num_parallel_calls=
                                                                      ember.data.AUTOTUNE)
    out = list(ds.as_numpy_iterator())
    assert [int(s) for s, _ in out] == [0, 11, 22, 33]
    assert seen[0] == (ember.Tensor, ember.Tensor)
    dict_ds = D.from_tensor_slices({"a": np.arange(3)}).map(lambda d: d["a"] * 2)
    assert _list(dict_ds) == [0, 2, 4]
    assert len(ds) == 4


def test_map_element_spec():
    spec = D.range(5).map(lambda x: (x, ember.fill([x], 1))).element_spec
    assert tuple(spec[0].shape) == () and tuple(spec[1].shape) == (None,)
    assert spec[1].dtype == ember.int32
    assert tuple(D.range(10).batch(3).map(lambda x: x * 2).element_spec.shape) == (None,)
    x = np.zeros((10, 6), np.float32)
    s = D.from_tensor_slices(x).batch(4).map(lambda v: v * 2.0).element_spec
    assert tuple(s.shape) == (None, 6)


def test_filter_take_skip_take_while():
    assert _list(D.range(10).filter(lambda x: x % 3 == 0)) == [0, 3, 6, 9]
    assert int(D.range(10).filter(lambda x: x > 1).cardinality()) == UNK
    assert _list(D.range(10).take(3)) == [0, 1, 2]
    assert _list(D.range(10).skip(7)) == [7, 8, 9]
    assert len(D.range(10).skip(-1)) == 0 and len(D.range(5).take(-1)) == 5
    assert _list(D.range(10).take_while(lambda x: x < 4)) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="scalar bool"):
        list(D.range(3).filter(lambda x: x))


def test_repeat_and_cardinality_rules():
    assert _list(D.range(3).repeat(2)) == [0, 1, 2, 0, 1, 2]
    inf = D.range(3).repeat()
    assert int(inf.cardinality()) == INF
    assert _list(inf.take(7)) == [0, 1, 2, 0, 1, 2, 0]
    with pytest.raises(TypeError, match="infinite"):
        len(inf)
    assert len(inf.take(5)) == 5 and int(inf.skip(2).cardinality()) == INF
    assert len(D.range(0).repeat()) == 0 and _list(D.range(0).repeat()) == []
    g = D.from_generator(lambda: iter([1, 2]), output_types=ember.int64)
    assert int(g.repeat().cardinality()) == INF and int(g.repeat(2).cardinality()) == UNK
    assert int(g.take(3).cardinality()) == UNK
    assert int(g.concatenate(D.range(3)).cardinality()) == UNK
    assert int(inf.concatenate(g).cardinality()) == INF
    assert int(D.range(5).flat_map(lambda x: D.range(x)).cardinality()) == UNK
    assert len(D.range(5).cache()) == 5 and len(D.range(5).enumerate()) == 5


def test_cache_replays_first_complete_pass():
    calls = []
    ds = D.range(4).map(lambda x: (calls.append(1), x)[1]).cache()
    assert _list(ds) == [0, 1, 2, 3] and _list(ds) == [0, 1, 2, 3]
    assert len(calls) == 4
    # a seeded reshuffling pipeline: cache before shuffle keeps the data, new order
    sh = D.range(20).cache().shuffle(20, seed=2)
    assert sorted(_list(sh)) == list(range(20))


def test_concatenate_enumerate():
    assert _list(D.range(2).concatenate(D.range(5, 7))) == [0, 1, 5, 6]
    with pytest.raises(TypeError, match="incompatible"):
        D.range(2).concatenate(D.from_tensor_slices([1.0]))
    out = [(int(i), int(x)) for i, x in D.range(5, 8).enumerate(start=10)]
    assert out == [(10, 5), (11, 6), (12, 7)]


def test_flat_map_and_interleave_order_matches_tf():
    assert _list(D.range(4).flat_map(lambda x: D.range(x))) == [0, 0, 1, 0, 1, 2]
    ds = D.range(1, 6).interleave(lambda x: D.from_tensors(x).repeat(x), cycle_length=2,
                                  block_length=2)
    # the order TF 2.21 gives for the same pipeline
    assert _list(ds) == [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 4, 4, 5, 5, 5]
    ds = D.range(1, 6).interleave(lambda x: D.from_tensors(x).repeat(6), cycle_length=3,
                                  block_length=2)
    assert _list(ds)[:12] == [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]
    with pytest.raises(TypeError, match="must return a Dataset"):
        list(D.range(2).flat_map(lambda x: x))


def test_unique_reduce_apply_shard():
    assert _list(D.from_tensor_slices([1, 2, 1, 3, 2]).unique()) == [1, 2, 3]
    total = D.range(5).reduce(np.int64(0), lambda s, x: s + x)
    assert isinstance(total, ember.Tensor) and int(total) == 10
    pair = D.range(1, 4).reduce((0.0, 1.0), lambda s, x: (s[0] + 1.0, s[1] * 2.0))
    assert float(pair[0]) == 3.0 and float(pair[1]) == 8.0
    assert len(D.range(10).apply(lambda d: d.take(4))) == 4
    assert _list(D.range(10).shard(3, 1)) == [1, 4, 7] and len(D.range(10).shard(3, 1)) == 3


def test_options_and_prefetch():
    opts = ember.data.Options()
    opts.deterministic = True
    opts.experimental_optimization.map_parallelization = True
    ds = D.range(3).with_options(opts).map(lambda x: x).prefetch(ember.data.AUTOTUNE)
    assert ds.options().deterministic is True
    assert ds.options().experimental_optimization.map_parallelization is True
    assert _list(ds) == [0, 1, 2]
    assert ember.data.AUTOTUNE == ember.data.experimental.AUTOTUNE == -1


def test_assert_cardinality():
    ds = D.range(5).filter(lambda x: x < 3)
    ok = ds.apply(ember.data.experimental.assert_cardinality(3))
    assert len(ok) == 3 and _list(ok) == [0, 1, 2]
    bad = ds.apply(ember.data.experimental.assert_cardinality(2))
    with pytest.raises(ember.errors.InvalidArgumentError, match="expected"):
        list(bad)


def test_map_spec_keeps_constant_dims_that_equal_the_batch_size():
    # a dim equal to the batch size is kept when it does not follow it (TF: (2, 2, 3))
    ds = ember.data.Dataset.from_tensor_slices(np.arange(6)).batch(2)
    assert tuple(ds.map(lambda p: ember.zeros((2, 2, 3))).element_spec.shape) == (2, 2, 3)
    assert tuple(ds.map(lambda p: p * 2).element_spec.shape) == (None,)
    pair = ds.map(lambda p: (ember.reduce_sum(p), ember.stack([p, p]))).element_spec
    assert tuple(pair[0].shape) == () and tuple(pair[1].shape) == (2, None)
