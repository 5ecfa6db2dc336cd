import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember
from ember.core.errors import InvalidArgumentError
from opcheck import OpCase, table_tests

S = (3, 5)
S3 = (2, 3, 4)


def _np_top_k(x, k):
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, -1), idx


def _np_sort_desc(x, axis):
    return np.flip(np.sort(x, axis=axis), axis=axis)


CASES = [
    OpCase("sort_last", ember.sort, lambda x: np.sort(x, -1), [S], second_order=True),
    OpCase("sort_axis0", lambda x: ember.sort(x, axis=0), lambda x: np.sort(x, 0), [S3],
           second_order=True),
    OpCase("sort_desc", lambda x: ember.sort(x, axis=-2, direction="DESCENDING"),
           lambda x: _np_sort_desc(x, 1), [S3], second_order=True),
    OpCase("top_k_1", lambda x: ember.math.top_k(x).values, lambda x: _np_top_k(x, 1)[0],
           [S], second_order=True),
    OpCase("top_k_3", lambda x: ember.math.top_k(x, k=3).values,
           lambda x: _np_top_k(x, 3)[0], [S3], second_order=True),
    OpCase("top_k_all", lambda x: ember.nn.top_k(x, k=5).values,
           lambda x: _np_top_k(x, 5)[0], [S]),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


def _grad(fn, x, cot):
    x = ember.constant(x)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.reduce_sum(fn(x) * ember.constant(cot))
    return tape.gradient(y, x).numpy()


# -- top_k --------------------------------------------------------------------------------
def test_top_k_tf_examples():
    r = ember.math.top_k([1, 2, 98, 1, 1, 99, 3, 1, 3, 96, 4, 1], k=3)
    assert type(r).__name__ == "TopKV2"
    values, indices = r
    assert values.dtype == ember.int32 and indices.dtype == ember.int32
    np.testing.assert_array_equal(values.numpy(), [99, 98, 96])
    np.testing.assert_array_equal(r.indices.numpy(), [5, 2, 9])
    ties = ember.math.top_k([1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0], k=3)
    np.testing.assert_array_equal(ties.indices.numpy(), [0, 1, 3])


def test_top_k_shapes_k0_index_type_and_sorted_flag():
    x = np.random.default_rng(0).normal(size=(3, 4, 5, 6)).astype(np.float32)
    r = ember.math.top_k(x, k=2)
    assert r.values.shape == (3, 4, 5, 2) and r.indices.shape == (3, 4, 5, 2)
    z = ember.math.top_k(x, k=0)
    assert z.values.shape == (3, 4, 5, 0) and z.values.dtype == ember.float32
    i64 = ember.math.top_k(x, k=ember.constant(2), index_type="int64")
    assert i64.indices.dtype == ember.int64
    unsorted = ember.math.top_k(x, k=2, sorted=False)
    np.testing.assert_array_equal(np.sort(unsorted.values.numpy(), -1),
                                  np.sort(r.values.numpy(), -1))


def test_top_k_gradient_scatters_to_top_positions():
    x = np.array([[3.0, 1.0, 2.0, 3.0], [0.0, 5.0, 4.0, -1.0]])
    g = _grad(lambda t: ember.math.top_k(t, k=2).values, x, [[1.0, 2.0], [10.0, 20.0]])
    # ties: the lower index comes first
    np.testing.assert_allclose(g, [[1.0, 0.0, 0.0, 2.0], [0.0, 10.0, 20.0, 0.0]])


def test_top_k_nan_counts_as_largest_and_ints():
    r = ember.math.top_k([1.0, np.nan, 3.0], k=2)
    assert np.isnan(r.values.numpy()[0]) and r.indices.numpy().tolist() == [1, 2]
    m = np.iinfo(np.int32).min
    r = ember.math.top_k(ember.constant([m, 0, m, 5], dtype="int32"), k=4)
    np.testing.assert_array_equal(r.values.numpy(), [5, 0, m, m])
    np.testing.assert_array_equal(r.indices.numpy(), [3, 1, 0, 2])
    u = ember.math.top_k(ember.constant([0, 255, 7], dtype="uint8"), k=2)
    np.testing.assert_array_equal(u.values.numpy(), [255, 7])


def test_top_k_errors():
    with pytest.raises(InvalidArgumentError, match=r"ember\.top_k: k=4 .*\(2, 3\)"):
        ember.math.top_k(np.ones((2, 3)), k=4)
    with pytest.raises(InvalidArgumentError, match=r"ember\.top_k: k=-1"):
        ember.math.top_k(np.ones((2, 3)), k=-1)
    with pytest.raises(InvalidArgumentError, match=r"ember\.top_k: .*rank >= 1"):
        ember.math.top_k(ember.constant(1.0))
    with pytest.raises(TypeError, match=r"ember\.top_k: k must be"):
        ember.math.top_k(np.ones(3), k=1.5)
    with pytest.raises(TypeError, match=r"ember\.top_k: index_type"):
        ember.math.top_k(np.ones(3), index_type="float32")


# -- sort / argsort -------------------------------------------------------------------------
def test_argsort_is_int32_and_stable_both_ways():
    x = [3.0, 1.0, 2.0, 1.0, 3.0]
    a = ember.argsort(x)
    assert a.dtype == ember.int32
    np.testing.assert_array_equal(a.numpy(), [1, 3, 2, 0, 4])
    np.testing.assert_array_equal(ember.argsort(x, direction="DESCENDING").numpy(),
                                  [0, 4, 2, 1, 3])
    np.testing.assert_array_equal(
        ember.argsort(x, direction="DESCENDING", stable=True).numpy(), [0, 4, 2, 1, 3])
    m = np.array([[2, 1], [1, 2]], np.int64)
    np.testing.assert_array_equal(ember.argsort(m, axis=0).numpy(), [[1, 0], [0, 1]])


def test_sort_dtypes_and_nan():
    s = ember.sort(ember.constant([3, 1, 2], dtype="int64"), direction="DESCENDING")
    assert s.dtype == ember.int64
    np.testing.assert_array_equal(s.numpy(), [3, 2, 1])
    a = ember.sort([2.0, np.nan, 1.0]).numpy()
    assert a[:2].tolist() == [1.0, 2.0] and np.isnan(a[2])
    d = ember.sort([2.0, np.nan, 1.0], direction="DESCENDING").numpy()
    assert np.isnan(d[0]) and d[1:].tolist() == [2.0, 1.0]
    # argsort agrees with sort on where NaNs go
    x = np.array([2.0, np.nan, 1.0])
    for direction in ("ASCENDING", "DESCENDING"):
        idx = ember.argsort(x, direction=direction).numpy()
        np.testing.assert_array_equal(x[idx], ember.sort(x, direction=direction).numpy())
    assert ember.sort(np.zeros((2, 0))).shape == (2, 0)


def test_sort_gradient_follows_permutation_with_ties():
    x = np.array([2.0, 1.0, 2.0, 0.5])
    g = _grad(lambda t: ember.sort(t), x, [1.0, 2.0, 3.0, 4.0])
    # sorted: 0.5(3) 1(1) 2(0) 2(2): each slot's cotangent goes to exactly one input
    np.testing.assert_allclose(sorted(g.tolist()), [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(g[[3, 1]], [1.0, 2.0])


def test_sort_errors():
    with pytest.raises(ValueError, match=r"ember\.sort: direction"):
        ember.sort([1.0], direction="UP")
    with pytest.raises(ValueError, match=r"ember\.argsort: direction"):
        ember.argsort([1.0], direction="descending")
    with pytest.raises(InvalidArgumentError, match=r"ember\.sort: axis 2 .*rank 2"):
        ember.sort(np.ones((2, 3)), axis=2)
    with pytest.raises(InvalidArgumentError, match=r"ember\.argsort: axis -3 .*rank 2"):
        ember.argsort(np.ones((2, 3)), axis=-3)
    with pytest.raises(InvalidArgumentError, match=r"ember\.sort: .*rank >= 1"):
        ember.sort(ember.constant(1.0))
    with pytest.raises(TypeError, match=r"ember\.argsort: axis"):
        ember.argsort(np.ones((2, 3)), axis=[0, 1])


# -- in_top_k -------------------------------------------------------------------------------
def test_in_top_k():
    preds = np.array([[0.1, 0.9, 0.0], [0.2, 0.5, 0.3], [0.3, 0.3, 0.3], [1.0, 2.0, 3.0]],
                     np.float32)
    got = ember.math.in_top_k([1, 0, 2, 0], preds, k=1)
    assert got.dtype == ember.bool
    np.testing.assert_array_equal(got.numpy(), [True, False, True, False])
    np.testing.assert_array_equal(ember.nn.in_top_k([1, 0, 2, 0], preds, 2).numpy(),
                                  [True, False, True, False])
    np.testing.assert_array_equal(
        ember.math.in_top_k(ember.constant([2, 0, 1, 0], dtype="int64"), preds, 3).numpy(),
        [True, True, True, True])


def test_in_top_k_nonfinite_and_out_of_range_targets_are_false():
    preds = np.array([[np.nan, 1.0], [np.inf, 1.0], [1.0, 2.0], [1.0, 2.0]], np.float32)
    np.testing.assert_array_equal(ember.math.in_top_k([0, 0, 2, -1], preds, 2).numpy(),
                                  [False, False, False, False])
    np.testing.assert_array_equal(ember.math.in_top_k([1, 1, 1, 0], preds, 2).numpy(),
                                  [True, True, True, True])


def test_in_top_k_errors():
    with pytest.raises(InvalidArgumentError, match=r"ember\.in_top_k: .*\(3,\).*\(2, 4\)"):
        ember.math.in_top_k([0, 1, 2], np.ones((2, 4)), 1)
    with pytest.raises(InvalidArgumentError, match=r"ember\.in_top_k"):
        ember.math.in_top_k([0, 1], np.ones((2, 4, 1)), 1)
    with pytest.raises(TypeError, match=r"ember\.in_top_k: targets"):
        ember.math.in_top_k([0.0, 1.0], np.ones((2, 4)), 1)


# -- hypothesis ------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data(),
       ints=st.booleans(), seed=st.integers(0, 1000))
def test_sort_argsort_top_k_match_numpy(shape, data, ints, seed):
    nd = len(shape)
    axis = data.draw(st.integers(-nd, nd - 1))
    direction = data.draw(st.sampled_from(["ASCENDING", "DESCENDING"]))
    r = np.random.default_rng(seed)
    x = r.integers(-2, 3, shape).astype(np.int32) if ints else r.normal(size=shape)
    want = np.sort(x, axis) if direction == "ASCENDING" else _np_sort_desc(x, axis)
    np.testing.assert_array_equal(ember.sort(x, axis=axis, direction=direction).numpy(), want)
    if direction == "ASCENDING":
        want_idx = np.argsort(x, axis, kind="stable")
    else:
        want_idx = np.argsort(-x.astype(np.float64), axis, kind="stable")
    np.testing.assert_array_equal(
        ember.argsort(x, axis=axis, direction=direction).numpy(), want_idx)
    k = data.draw(st.integers(0, shape[-1]))
    values, indices = ember.math.top_k(x, k=k)
    wv, wi = _np_top_k(x, k)
    np.testing.assert_array_equal(values.numpy(), wv)
    np.testing.assert_array_equal(indices.numpy(), wi)


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data(),
       seed=st.integers(0, 1000))
def test_sort_gradient_is_inverse_permutation(shape, data, seed):
    nd = len(shape)
    axis = data.draw(st.integers(-nd, nd - 1))
    r = np.random.default_rng(seed)
    x = r.normal(size=shape)
    cot = r.normal(size=shape)
    g = _grad(lambda t: ember.sort(t, axis=axis), x, cot)
    idx = np.argsort(x, axis)
    want = np.zeros_like(x)
    np.put_along_axis(want, idx, cot, axis)
    np.testing.assert_allclose(g, want)


@settings(max_examples=20, deadline=None)
@given(b=st.integers(1, 4), c=st.integers(1, 5), data=st.data(), seed=st.integers(0, 1000))
def test_in_top_k_matches_definition(b, c, data, seed):
    r = np.random.default_rng(seed)
    preds = r.integers(0, 3, (b, c)).astype(np.float32)  # many ties
    targets = r.integers(0, c, b)
    k = data.draw(st.integers(0, c))
    want = [(preds[i] > preds[i, targets[i]]).sum() < k for i in range(b)]
    np.testing.assert_array_equal(ember.math.in_top_k(targets, preds, k).numpy(), want)
