"""Dataset sources: from_tensor_slices, from_tensors, range, from_generator, zip."""
from __future__ import annotations

import collections

import numpy as np
import pytest

import ember
import ember.data
from ember.core.errors import InvalidArgumentError

D = ember.data.Dataset


def test_from_tensor_slices_values_and_structure():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    y = np.arange(6)
    ds = D.from_tensor_slices({"x": x, "y": (y, y * 2)})
    els = list(ds)
    assert len(els) == 6 and isinstance(els[0]["x"], ember.Tensor)
    np.testing.assert_array_equal(np.stack([e["x"].numpy() for e in els]), x)
    np.testing.assert_array_equal([int(e["y"][1]) for e in els], y * 2)
    spec = ds.element_spec
    assert tuple(spec["x"].shape) == (2,) and spec["x"].dtype == ember.float32
    assert spec["y"][0].dtype == ember.int64
    assert len(ds) == 6 and int(ds.cardinality()) == 6


def test_python_values_get_tf_dtypes():
    assert D.from_tensor_slices([1.0, 2.0]).element_spec.dtype == ember.float32
    assert D.from_tensor_slices([1, 2]).element_spec.dtype == ember.int32
    assert D.from_tensor_slices(np.zeros((3, 2))).element_spec.dtype == ember.float64


def test_namedtuple_kept():
    P = collections.namedtuple("P", "a b")
    el = next(iter(D.from_tensor_slices(P(np.arange(3), np.arange(3)))))
    assert isinstance(el, P) and int(el.b) == 0


def test_from_tensor_slices_mismatched_first_dims():
    with pytest.raises(InvalidArgumentError, match=r"from_tensor_slices.*\(3,\).*\(4,\)"):
        D.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(InvalidArgumentError, match="at least one dimension"):
        D.from_tensor_slices(np.float32(1.0))


def test_from_tensors_and_range():
    ds = D.from_tensors((np.zeros((2, 3)), 1))
    assert len(ds) == 1 and tuple(ds.element_spec[0].shape) == (2, 3)
    assert list(D.range(5).as_numpy_iterator()) == list(range(5))
    assert list(D.range(2, 9, 3).as_numpy_iterator()) == [2, 5, 8]
    assert list(D.range(5, 0, -2).as_numpy_iterator()) == [5, 3, 1]
    assert D.range(3).element_spec.dtype == ember.int64
    assert D.range(3, output_type=ember.int32).element_spec.dtype == ember.int32
    assert len(D.range(0)) == 0


def test_from_generator_signature_and_types():
    def gen():
        for i in range(3):
            yield np.full([i + 1], i, np.float64), i

    ds = D.from_generator(gen, output_signature=(ember.TensorSpec([None], ember.float32),
                                                 ember.TensorSpec([], ember.int32)))
    els = list(ds)
    assert els[2][0].dtype == ember.float32 and els[2][0].shape == (3,)
    assert int(ds.cardinality()) == ember.data.experimental.UNKNOWN_CARDINALITY
    with pytest.raises(TypeError, match="unknown"):
        len(ds)
    # repeated iteration calls the generator again
    assert len(list(ds)) == 3
    old = D.from_generator(gen, output_types=(ember.float32, ember.int32),
                           output_shapes=([None], []))
    assert [int(b) for _, b in old] == [0, 1, 2]
    with_args = D.from_generator(lambda n: iter(range(int(n))), output_types=ember.int64,
                                 args=(4,))
    assert list(with_args.as_numpy_iterator()) == [0, 1, 2, 3]


def test_from_generator_bad_shape():
    ds = D.from_generator(lambda: iter([np.zeros(3)]),
                          output_signature=ember.TensorSpec([2], ember.float32))
    with pytest.raises(InvalidArgumentError, match=r"shape \(3,\).*\(2,\)"):
        list(ds)


def test_zip():
    a, b = D.range(3), D.range(10, 20)
    assert [(int(x), int(y)) for x, y in D.zip(a, b)] == [(0, 10), (1, 11), (2, 12)]
    assert [(int(x), int(y)) for x, y in D.zip((a, b))] == [(0, 10), (1, 11), (2, 12)]
    d = D.zip({"p": a, "q": (b, a)})
    assert set(next(iter(d))) == {"p", "q"}
    assert len(D.zip(a, b)) == 3
    assert len(D.zip(a.repeat(), D.range(4))) == 4
    g = D.from_generator(lambda: iter([1]), output_types=ember.int64)
    assert int(D.zip(g, a).cardinality()) == -2
    with pytest.raises(TypeError, match="Dataset"):
        D.zip((a, np.zeros(3)))


def test_sample_and_choose():
    a, b = D.range(0, 5), D.range(100, 105)
    out = list(D.sample_from_datasets([a, b], seed=3).as_numpy_iterator())
    assert sorted(out) == list(range(5)) + list(range(100, 105))
    choice = D.from_tensor_slices(np.array([0, 1, 1, 0], np.int64))
    assert list(D.choose_from_datasets([a, b], choice).as_numpy_iterator()) == \
        [0, 100, 101, 1]
