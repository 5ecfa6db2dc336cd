"""keras.ops statistics, searching and counting (ember.keras.ops.numpy_stats): values and
dtypes vs NumPy (dtypes and the special cases checked against Keras 3.15 while writing),
gradients vs finite differences, symbolic use, graph tracing, errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember import keras
from ember.keras.ops import numpy_stats as S
from ember.ops import order_statistics as order
from tests.opcheck import OpCase, check_grad, check_second_order, check_values

pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")

rng = np.random.default_rng(0)
A = rng.normal(size=(3, 4)).astype("float32")
B = rng.normal(size=(4, 5)).astype("float32")
I = np.array([[3, 1, 2], [0, 5, 4]], dtype="int32")
METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]


def _np(x):
    return np.asarray(x.numpy()) if hasattr(x, "numpy") else np.asarray(x)


# ---- values and dtypes --------------------------------------------------------------------
VALUES = [  # (id, call, NumPy reference, Keras's result dtype)
    ("median", lambda: S.median(A), lambda: np.median(A), "float32"),
    ("median_axis_keepdims", lambda: S.median(B, axis=1, keepdims=True),
     lambda: np.median(B, 1, keepdims=True), "float32"),
    ("median_axes", lambda: S.median(B.reshape(2, 2, 5), axis=(0, 2)),
     lambda: np.median(B.reshape(2, 2, 5), (0, 2)), "float32"),
    ("median_int", lambda: S.median(I, axis=0), lambda: np.median(I, 0), "float32"),
    ("median_int64", lambda: S.median(I.astype("int64")), lambda: np.median(I), "float32"),
    ("median_bool", lambda: S.median(I > 2), lambda: np.median(I > 2), "float32"),
    ("median_f64", lambda: S.median(A.astype("float64")), lambda: np.median(A.astype("float64")),
     "float64"),
    ("median_f16", lambda: S.median(I.astype("float16")), lambda: np.median(I), "float16"),
    ("median_nan", lambda: S.median(np.array([[1, np.nan, 3], [1, 2, 3]], "float32"), axis=1),
     lambda: np.array([np.nan, 2.0]), "float32"),
    ("median_empty", lambda: S.median(np.zeros((0,), "float32")), lambda: np.float32("nan"),
     "float32"),
    ("quantile_vector_q", lambda: S.quantile(B, [0.1, 0.5, 0.95], axis=0, keepdims=True),
     lambda: np.quantile(B, [0.1, 0.5, 0.95], axis=0, keepdims=True), "float32"),
    ("quantile_2d_q", lambda: S.quantile(B, [[0.2, 0.4]], axis=-1),
     lambda: np.quantile(B, [[0.2, 0.4]], axis=-1), "float32"),
    ("quantile_int", lambda: S.quantile(I, 0.3), lambda: np.quantile(I, 0.3), "float32"),
    ("quantile_int64", lambda: S.quantile(I.astype("int64"), 0.3), lambda: np.quantile(I, 0.3),
     "float32"),
    ("quantile_q_float64", lambda: S.quantile(A, np.float64(0.3)), lambda: np.quantile(A, 0.3),
     "float32"),
    ("quantile_q_tensor", lambda: S.quantile(A, ember.constant([0.25, 0.5]), axis=1),
     lambda: np.quantile(A, [0.25, 0.5], axis=1), "float32"),
    ("percentile", lambda: S.percentile(B, [25, 75], axis=1),
     lambda: np.percentile(B, [25, 75], axis=1), "float32"),
    ("percentile_int", lambda: S.percentile(I, 30), lambda: np.percentile(I, 30), "float32"),
    ("average", lambda: S.average(A), lambda: np.average(A), "float32"),
    ("average_int", lambda: S.average(np.arange(1, 5)), lambda: 2.5, "float32"),
    ("average_keras_doc", lambda: S.average(np.arange(1, 11), weights=np.arange(10, 0, -1)),
     lambda: 4.0, "float32"),
    ("average_1d_weights", lambda: S.average(A, axis=1, weights=np.arange(4.0)),
     lambda: np.average(A, axis=1, weights=np.arange(4.0)), "float64"),
    ("average_neg_axis", lambda: S.average(A, axis=-2, weights=np.array([1, 2, 3], "float32")),
     lambda: np.average(A, axis=0, weights=[1, 2, 3]), "float32"),
    ("average_full_weights", lambda: S.average(A, axis=0, weights=np.abs(A)),
     lambda: np.average(A, axis=0, weights=np.abs(A)), "float32"),
    ("average_axes_weights", lambda: S.average(A, axis=(1, 0), weights=np.abs(A.T)),
     lambda: np.average(A, axis=(1, 0), weights=np.abs(A.T)), "float32"),
    ("average_f16_int_weights", lambda: S.average(I.astype("float16"), weights=I),
     lambda: np.average(I, weights=I), "float16"),
    ("average_bool_weights", lambda: S.average(A[0], weights=np.array([1, 0, 1, 1], bool)),
     lambda: np.average(A[0], weights=[1, 0, 1, 1]), "float32"),
    ("ptp", lambda: S.ptp(A), lambda: np.ptp(A), "float32"),
    ("ptp_axis_keepdims", lambda: S.ptp(I, axis=0, keepdims=True),
     lambda: np.ptp(I, 0, keepdims=True), "int32"),
    ("ptp_uint8", lambda: S.ptp(I.astype("uint8"), axis=1), lambda: np.ptp(I, 1), "uint8"),
    ("count_nonzero", lambda: S.count_nonzero(I), lambda: 5, "int32"),
    ("count_nonzero_axis", lambda: S.count_nonzero(I, axis=-1), lambda: [3, 2], "int32"),
    ("count_nonzero_axes", lambda: S.count_nonzero(A > 0, axis=(0, 1)),
     lambda: np.count_nonzero(A > 0), "int32"),
    ("count_nonzero_nan", lambda: S.count_nonzero(np.array([np.nan, 0.0])), lambda: 1, "int32"),
    ("trapezoid", lambda: S.trapezoid(A), lambda: np.trapezoid(A), "float32"),
    ("trapezoid_int", lambda: S.trapezoid(I, axis=1), lambda: np.trapezoid(I, axis=1),
     "float32"),
    ("trapezoid_x_1d", lambda: S.trapezoid(A, x=np.array([0.0, 1.0, 3.0]), axis=0),
     lambda: np.trapezoid(A, x=[0.0, 1.0, 3.0], axis=0), "float32"),
    ("trapezoid_x_nd", lambda: S.trapezoid(A, x=np.cumsum(np.abs(A), 1)),
     lambda: np.trapezoid(A, x=np.cumsum(np.abs(A), 1)), "float32"),
    ("trapezoid_dx", lambda: S.trapezoid(A, dx=0.5, axis=0),
     lambda: np.trapezoid(A, dx=0.5, axis=0), "float32"),
    ("trapezoid_dx_tensor", lambda: S.trapezoid(A, dx=np.array([1.0, 2.0, 3.0], "float32")),
     lambda: np.trapezoid(A, dx=np.array([1.0, 2.0, 3.0])), "float32"),
    ("trapezoid_one_sample", lambda: S.trapezoid(np.array([2.0], "float32")), lambda: 0.0,
     "float32"),
    ("corrcoef", lambda: S.corrcoef(B), lambda: np.corrcoef(B), "float32"),
    ("corrcoef_1d", lambda: S.corrcoef(A[0]), lambda: np.corrcoef(A[0]), "float32"),
    ("corrcoef_int", lambda: S.corrcoef(I), lambda: np.corrcoef(I), "float32"),
    ("corrcoef_int64", lambda: S.corrcoef(I.astype("int64")), lambda: np.corrcoef(I), "float64"),
    ("corrcoef_f16", lambda: S.corrcoef(I.astype("float16")), lambda: np.corrcoef(I), "float16"),
    ("corrcoef_constant_row", lambda: S.corrcoef(np.array([[1, 1, 1], [1, 2, 3]], "float32")),
     lambda: [[np.nan, np.nan], [np.nan, 1.0]], "float32"),
    ("correlate_int", lambda: S.correlate(I[0], I[1]), lambda: [13.0], "float32"),
    ("correlate_int64", lambda: S.correlate(I[0].astype("int64"), I[1]), lambda: [13.0],
     "float64"),
    ("correlate_f16", lambda: S.correlate(I[0], I[1].astype("float16")), lambda: [13.0],
     "float16"),
    ("correlate_same_short_first", lambda: S.correlate(np.array([1.0, 2.0]), np.arange(5.0),
                                                       mode="same"),
     lambda: [11.0, 8.0, 5.0, 2.0, 0.0], "float64"),
    ("searchsorted", lambda: S.searchsorted(np.array([1.0, 2.0, 2.0, 3.0]), [[2.0, 0.0]]),
     lambda: [[1, 0]], "int32"),
    ("searchsorted_right", lambda: S.searchsorted([1.0, 2.0, 2.0, 3.0], [2.0, 0.0, 5.0],
                                                  side="right"),
     lambda: [3, 0, 4], "int32"),
    ("searchsorted_scalar", lambda: S.searchsorted([1.0, 2.0], 1.5), lambda: 1, "int32"),
    ("searchsorted_int_float", lambda: S.searchsorted([1, 2, 3], [1.5, 2.0]), lambda: [1, 1],
     "int32"),
    ("digitize", lambda: S.digitize(A, np.array([-1.0, 0.0, 1.0])),
     lambda: np.digitize(A, [-1.0, 0.0, 1.0]), "int32"),
    ("digitize_keras_doc", lambda: S.digitize([0.0, 1.0, 3.0, 1.6], [0.0, 3.0, 4.5, 7.0]),
     lambda: [1, 1, 2, 1], "int32"),
    ("digitize_decreasing", lambda: S.digitize([0.5, 2.5, 5.0], [4.0, 2.0, 1.0]),
     lambda: [3, 1, 0], "int32"),
    ("digitize_nan", lambda: S.digitize([np.nan, 2.5], [1.0, 2.0, 3.0]), lambda: [3, 2],
     "int32"),
    ("digitize_int", lambda: S.digitize(I, np.array([1, 3])), lambda: np.digitize(I, [1, 3]),
     "int32"),
    ("isin", lambda: S.isin(I, np.array([4, 1, 9])), lambda: np.isin(I, [4, 1, 9]), "bool"),
    ("isin_invert", lambda: S.isin(I, [[1], [3]], invert=True),
     lambda: np.isin(I, [1, 3], invert=True), "bool"),
    ("isin_float_int", lambda: S.isin([1.0, 1.5, 3.0], [1, 3]), lambda: [True, False, True],
     "bool"),
    ("isin_nan", lambda: S.isin([np.nan, 2.0], [np.nan, 2.0]), lambda: [False, True], "bool"),
    ("isin_empty", lambda: S.isin([1.0, 2.0], np.zeros((0,))), lambda: [False, False], "bool"),
    ("isin_scalar", lambda: S.isin(2, [1, 2]), lambda: True, "bool"),
    ("bincount", lambda: S.bincount(np.array([1, 2, 2, 5])), lambda: np.bincount([1, 2, 2, 5]),
     "int32"),
    ("bincount_uint8", lambda: S.bincount(np.array([1, 2, 2, 3], "uint8"), minlength=6),
     lambda: [0, 1, 2, 1, 0, 0], "int32"),
    ("bincount_bool", lambda: S.bincount(np.array([True, False, True])), lambda: [1, 2],
     "int32"),
    ("bincount_weights", lambda: S.bincount(np.array([1, 2, 2, 5]),
                                            weights=np.array([1, 2, 3, 4], "float32")),
     lambda: np.bincount([1, 2, 2, 5], [1, 2, 3, 4]), "float32"),
    ("bincount_int_weights", lambda: S.bincount(np.array([1, 2, 2], "uint8"),
                                                weights=np.array([1, 2, 3], "int8")),
     lambda: [0, 1, 5], "int16"),
    ("bincount_2d", lambda: S.bincount(np.array([[1, 2], [0, 0]]), minlength=4),
     lambda: [[0, 1, 1, 0], [2, 0, 0, 0]], "int32"),
    ("bincount_2d_weights", lambda: S.bincount(np.array([[1, 2], [0, 0]]),
                                               weights=np.array([[1, 2], [3, 4]], "float32")),
     lambda: [[0, 1, 2], [7, 0, 0]], "float32"),
    ("bincount_empty", lambda: S.bincount(np.zeros((0,), "int32"), minlength=2),
     lambda: [0, 0], "int32"),
    ("argpartition_bool", lambda: S.argpartition(np.array([True, False, True]), 0),
     lambda: [1, 0, 2], "int32"),
]


@pytest.mark.parametrize("call,ref,dtype", [c[1:] for c in VALUES], ids=[c[0] for c in VALUES])
def test_values_and_dtypes(call, ref, dtype):
    got, want = call(), np.asarray(ref())
    assert got.dtype.name == dtype
    got = _np(got)
    assert got.shape == want.shape
    tol = 2e-3 if dtype == "float16" else 1e-5
    np.testing.assert_allclose(got.astype("float64"), want.astype("float64"), rtol=tol,
                               atol=tol)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("q", [0.0, 0.1, 0.25, 1 / 3, 0.5, 0.55, 0.9, 1.0])
def test_quantile_methods_match_numpy(method, q):
    x = np.array([[1.0, 3.0, 4.0, 10.0], [7.0, -1.0, 2.5, 2.0]], "float32")
    np.testing.assert_allclose(_np(S.quantile(x, q, axis=1, method=method)),
                               np.quantile(x, q, axis=1, method=method), rtol=1e-6)
    np.testing.assert_allclose(_np(S.percentile(x, 100 * q, method=method)),
                               np.percentile(x, 100 * q, method=method), rtol=1e-5)


def test_quantile_nearest_rounds_half_to_even_like_numpy():
    # virtual index 1.5 rounds to 2, 0.5 to 0 (Keras's NumPy and TF backends agree)
    got = S.quantile(np.arange(4.0), [0.5, 1 / 6], method="nearest")
    np.testing.assert_array_equal(_np(got), [2.0, 0.0])


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
@pytest.mark.parametrize("m,n", [(1, 1), (5, 3), (3, 5), (4, 4), (2, 5), (6, 1), (4, 6)])
def test_correlate_matches_numpy(mode, m, n):
    a, v = rng.normal(size=m), rng.normal(size=n)
    got = S.correlate(a, v, mode)
    assert got.dtype.name == "float64"
    np.testing.assert_allclose(_np(got), np.correlate(a, v, mode), rtol=1e-10, atol=1e-12)


def test_argpartition_partitions_around_kth():
    x = rng.normal(size=(4, 7)).astype("float32")
    for kth, axis in [(2, 1), (-1, 1), (0, 0), ((1, 5), -1)]:
        idx = _np(S.argpartition(x, kth, axis=axis))
        assert idx.dtype == np.int32
        part = np.take_along_axis(x, idx, axis)
        srt = np.sort(x, axis)
        n = x.shape[axis]
        for k in np.atleast_1d(kth) % n:
            kv = np.take(part, [k], axis)
            np.testing.assert_array_equal(kv, np.take(srt, [k], axis))
            assert np.all(np.take(part, np.arange(k), axis) <= kv)
            assert np.all(np.take(part, np.arange(k + 1, n), axis) >= kv)
    flat = _np(S.argpartition(x, 3, axis=None))
    assert flat.shape == (28,) and x.ravel()[flat][3] == np.sort(x.ravel())[3]


def test_histogram():
    x = rng.normal(size=20).astype("float32")
    for kwargs in [{}, {"bins": 3}, {"bins": 4, "range": (-1.0, 1.0)}]:
        counts, edges = S.histogram(x, **kwargs)
        want_counts, want_edges = np.histogram(x, **kwargs)
        assert counts.dtype.name == "int32" and edges.dtype.name == "float32"
        np.testing.assert_array_equal(_np(counts), want_counts)
        np.testing.assert_allclose(_np(edges), want_edges, rtol=1e-6)
    # equal values widen the range by 0.5 each way; ints give float32 edges; NaN not counted
    counts, edges = S.histogram(np.array([2.0, 2.0], "float32"), bins=2)
    assert _np(counts).tolist() == [0, 2] and _np(edges).tolist() == [1.5, 2.0, 2.5]
    counts, edges = S.histogram(np.array([1, 2, 2, 5], "int32"), bins=3)
    assert _np(counts).tolist() == [3, 0, 1] and edges.dtype.name == "float32"
    counts, _ = S.histogram(np.array([-1.0, np.nan, 2.0, 3.0], "float32"), bins=2,
                            range=(0.0, 3.0))
    assert _np(counts).tolist() == [0, 2]
    counts, edges = S.histogram(np.array([0.5, 3.0]), bins=2)
    assert edges.dtype.name == "float64" and _np(counts).tolist() == [1, 1]


def test_unique():
    x = np.array([3, 1, 2, 1, 3, 2], "int32")
    vals, index, inverse, counts = S.unique(x, return_index=True, return_inverse=True,
                                            return_counts=True)
    want = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    for got, w in zip((vals, index, inverse, counts), want):
        np.testing.assert_array_equal(_np(got), w)
    assert vals.dtype.name == "int32" and {index.dtype.name, inverse.dtype.name,
                                            counts.dtype.name} == {"int32"}
    # Keras's examples: padding with fill_value (indices padded with 1, counts with 0)
    vals, index, inverse, counts = S.unique([3, 1, 2, 1], size=5, fill_value=9,
                                            return_index=True, return_inverse=True,
                                            return_counts=True)
    assert _np(vals).tolist() == [1, 2, 3, 9, 9] and _np(index).tolist() == [1, 2, 0, 1, 1]
    assert _np(inverse).tolist() == [2, 0, 1, 0] and _np(counts).tolist() == [2, 1, 1, 0, 0]
    vals, counts = S.unique([3, 1, 2, 1], size=2, return_counts=True)
    assert _np(vals).tolist() == [1, 2] and _np(counts).tolist() == [2, 1]
    # NaNs are distinct and sorted last; a 2-D input's inverse keeps its shape
    vals, counts = S.unique(np.array([np.nan, 1.0, np.nan], "float32"), return_counts=True)
    np.testing.assert_array_equal(_np(vals), [1.0, np.nan, np.nan])
    assert _np(counts).tolist() == [1, 1, 1]
    _, inverse = S.unique(np.array([[3, 1], [1, 2]]), return_inverse=True)
    assert _np(inverse).tolist() == [[2, 0], [0, 1]]
    assert _np(S.unique(np.array(3.0))).tolist() == [3.0]
    assert _np(S.unique(np.zeros((0,), "float32"))).shape == (0,)
    assert _np(S.unique([3, 1, 1], sorted=False)).tolist() == [1, 3]


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unique_along_axis(axis):
    x = np.array([[1, 0, 1, 2], [0, 1, 0, 2], [1, 0, 1, 2], [0, 0, 5, 2]])
    got = S.unique(x, axis=axis, return_index=True, return_inverse=True, return_counts=True)
    want = np.unique(x, axis=axis, return_index=True, return_inverse=True,
                     return_counts=True)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(_np(g), w)
    vals = S.unique(x, axis=0, size=4, fill_value=7)
    assert _np(vals).tolist() == [[0, 0, 5, 2], [0, 1, 0, 2], [1, 0, 1, 2], [7, 7, 7, 7]]


def test_order_statistics_primitives():
    assert _np(order.searchsorted([1, 2, 2, 3], [[2, 5]], side="right")).tolist() == [[3, 4]]
    assert _np(order.bincount([[0, 2], [1, 1]], axis=-1)).tolist() == [[1, 0, 1], [0, 2, 0]]
    assert _np(order.bincount([0, 4, 1], maxlength=3)).tolist() == [1, 1, 0]
    assert _np(order.bincount_static([0, 5, -1, 1], None, 3)).tolist() == [1, 1, 0]
    with pytest.raises(ember.errors.InvalidArgumentError, match="non-negative"):
        order.bincount([1, -1])
    with pytest.raises(TypeError, match="integers"):
        order.bincount([1.0])


# ---- gradients ----------------------------------------------------------------------------
def _x_and_q(rng):
    return [rng.uniform(-2, 2, size=(3, 5)), np.array([0.3, 0.62])]


def _x_and_weights(rng):
    return [rng.uniform(-2, 2, size=(3, 4)), rng.uniform(0.5, 1.5, size=(4,))]


def _y_and_x(rng):
    return [rng.uniform(-2, 2, size=(2, 5)), np.cumsum(rng.uniform(0.2, 1.0, size=5))]


def _counted_weights(rng):
    return [rng.uniform(-2, 2, size=(6,))]


IDX = np.array([1, 3, 1, 0, 3, 3])

GRAD_CASES = [
    OpCase("median_odd", lambda x: S.median(x, axis=1), lambda x: np.median(x, 1), [(3, 5)]),
    OpCase("median_even", lambda x: S.median(x), lambda x: np.median(x), [(3, 4)]),
    OpCase("percentile", lambda x: S.percentile(x, [20, 75], axis=0),
           lambda x: np.percentile(x, [20, 75], axis=0), [(5, 3)]),
    OpCase("quantile_keepdims", lambda x: S.quantile(x, 0.4, axis=(0, 2), keepdims=True),
           lambda x: np.quantile(x, 0.4, axis=(0, 2), keepdims=True), [(2, 3, 3)]),
    OpCase("quantile_wrt_q", lambda x, q: S.quantile(x, q, axis=1),
           lambda x, q: np.quantile(x, q, axis=1), [], make_inputs=_x_and_q,
           second_order=True),
    OpCase("average", lambda x: S.average(x, axis=0), lambda x: np.average(x, 0), [(3, 4)]),
    OpCase("average_weights", lambda x, w: S.average(x, axis=1, weights=w),
           lambda x, w: np.average(x, axis=1, weights=w), [], make_inputs=_x_and_weights,
           second_order=True),
    OpCase("ptp", lambda x: S.ptp(x, axis=1), lambda x: np.ptp(x, 1), [(3, 4)]),
    OpCase("trapezoid_x", lambda y, x: S.trapezoid(y, x=x), lambda y, x: np.trapezoid(y, x=x),
           [], make_inputs=_y_and_x, second_order=True),
    OpCase("trapezoid_dx", lambda y: S.trapezoid(y, dx=0.3, axis=0),
           lambda y: np.trapezoid(y, dx=0.3, axis=0), [(4, 3)]),
    OpCase("corrcoef", S.corrcoef, np.corrcoef, [(3, 6)], second_order=True),
    OpCase("correlate_full", lambda a, v: S.correlate(a, v, "full"),
           lambda a, v: np.correlate(a, v, "full"), [(5,), (3,)]),
    OpCase("correlate_same", lambda a, v: S.correlate(a, v, "same"),
           lambda a, v: np.correlate(a, v, "same"), [(3,), (4,)]),
    OpCase("bincount_weights", lambda w: S.bincount(IDX, weights=w, minlength=5),
           lambda w: np.bincount(IDX, w, 5), [], make_inputs=_counted_weights),
] + [
    OpCase(f"quantile_{m}", lambda x, m=m: S.quantile(x, [0.3, 0.8], axis=0, method=m),
           lambda x, m=m: np.quantile(x, [0.3, 0.8], axis=0, method=m), [(5, 3)])
    for m in METHODS
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_values_float32_float64(case):
    check_values(case)


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_gradient_matches_finite_differences(case):
    check_grad(case)


@pytest.mark.parametrize("case", [c for c in GRAD_CASES if c.second_order],
                         ids=lambda c: c.name)
def test_second_order(case):
    check_second_order(case)


# ---- shapes and broadcasting (hypothesis) -------------------------------------------------
_shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


@settings(max_examples=20, deadline=None)
@given(shape=_shapes, data=st.data())
def test_quantile_any_axes_matches_numpy(shape, data):
    x = np.random.default_rng(len(shape)).normal(size=shape).astype("float32")
    axes = data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape)))
    axis = tuple(axes) if axes else None
    q = data.draw(st.lists(st.floats(0, 1), min_size=1, max_size=3))
    method = data.draw(st.sampled_from(METHODS))
    keepdims = data.draw(st.booleans())
    got = S.quantile(x, q, axis=axis, method=method, keepdims=keepdims)
    want = np.quantile(x, q, axis=axis, method=method, keepdims=keepdims)
    assert tuple(got.shape) == want.shape
    np.testing.assert_allclose(_np(got), want, rtol=1e-5, atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(shape=_shapes, data=st.data())
def test_average_weights_broadcast_along_axis(shape, data):
    r = np.random.default_rng(sum(shape))
    x = r.normal(size=shape).astype("float32")
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    w = r.uniform(0.5, 2.0, size=shape[axis]).astype("float32")
    np.testing.assert_allclose(_np(S.average(x, axis=axis, weights=w)),
                               np.average(x, axis=axis, weights=w), rtol=1e-5, atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(values=st.lists(st.integers(-3, 3), max_size=12),
       seq=st.lists(st.integers(-3, 3), min_size=1, max_size=6),
       side=st.sampled_from(["left", "right"]))
def test_searching_and_unique_match_numpy(values, seq, side):
    v, s = np.array(values, "int32"), np.sort(np.array(seq, "int32"))
    np.testing.assert_array_equal(_np(S.searchsorted(s, v, side=side)),
                                  np.searchsorted(s, v, side=side))
    np.testing.assert_array_equal(_np(S.digitize(v, s)), np.digitize(v, s))
    np.testing.assert_array_equal(_np(S.isin(v, seq)), np.isin(v, seq))
    got = S.unique(v, return_index=True, return_inverse=True, return_counts=True)
    for g, w in zip(got, np.unique(v, return_index=True, return_inverse=True,
                                   return_counts=True)):
        np.testing.assert_array_equal(_np(g), w)


# ---- symbolic use, graph tracing ----------------------------------------------------------
def test_symbolic_in_functional_model_and_config_round_trip(monkeypatch):
    for name in S.__all__:  # until the module is wired into keras.ops
        monkeypatch.setattr(keras.ops, name, getattr(S, name), raising=False)
    inp = keras.Input((6,))
    med = S.median(inp, axis=1, keepdims=True)
    avg = S.average(inp, axis=1, weights=np.arange(1.0, 7.0, dtype="float32"))
    q = S.quantile(inp, 0.3, axis=-1)
    bins = S.digitize(inp, [-0.5, 0.0, 0.5])
    model = keras.Model(inp, [med, avg, q, bins])
    assert tuple(med.shape) == (None, 1) and tuple(bins.shape) == (None, 6)
    data = rng.normal(size=(4, 6)).astype("float32")
    want = [S.median(data, axis=1, keepdims=True), S.average(data, axis=1,
            weights=np.arange(1.0, 7.0, dtype="float32")), S.quantile(data, 0.3, axis=-1),
            S.digitize(data, [-0.5, 0.0, 0.5])]
    for g, w in zip(model(data), want):
        np.testing.assert_allclose(_np(g), _np(w), rtol=1e-6)
    clone = keras.Model.from_config(model.get_config())
    for g, w in zip(clone(data), want):
        np.testing.assert_allclose(_np(g), _np(w), rtol=1e-6)


def test_traced_in_ember_function():
    x = ember.constant(rng.normal(size=(3, 5)).astype("float32"))

    def stats(x):
        return (S.quantile(x, [0.2, 0.5], axis=1), S.histogram(ember.reshape(x, [-1]), bins=4),
                S.unique(ember.cast(x > 0, "int32"), size=3, return_counts=True),
                S.isin(x, x[0]), S.correlate(x[0], x[1]), S.searchsorted([0.0, 1.0], x))

    for g, w in zip(ember.nest.flatten(ember.function(stats)(x)),
                    ember.nest.flatten(stats(x))):
        np.testing.assert_allclose(_np(g), _np(w), rtol=1e-6)
    with pytest.raises(ValueError, match="keras.ops.unique: .*size="):
        ember.function(lambda x: S.unique(x))(x)
    with pytest.raises(ValueError, match="keras.ops.bincount: .*eagerly"):
        ember.function(lambda x: S.bincount(ember.cast(x > 0, "int32")))(x)


# ---- errors -------------------------------------------------------------------------------
ERRORS = [
    (lambda: S.quantile(A, 1.5), ValueError, r"keras.ops.quantile: quantiles must be in"),
    (lambda: S.percentile(A, 150), ValueError, r"keras.ops.percentile: percentiles must"),
    (lambda: S.quantile(A, 0.5, method="foo"), ValueError, r"keras.ops.quantile: method"),
    (lambda: S.median(A, axis=2), ValueError, r"keras.ops.median: axis 2 is out of bounds"),
    (lambda: S.median(A, axis=(1, -1)), ValueError, r"keras.ops.median: repeated axis"),
    (lambda: S.average(A, weights=[1.0, 2.0, 3.0]), ValueError,
     r"keras.ops.average: axis must be specified"),
    (lambda: S.average(A, axis=1, weights=[1.0, 2.0]), ValueError,
     r"keras.ops.average: the shape of weights"),
    (lambda: S.ptp(A > 0), TypeError, r"keras.ops.ptp: bool"),
    (lambda: S.ptp(np.zeros((0, 2))), ValueError, r"keras.ops.ptp: cannot reduce an empty"),
    (lambda: S.trapezoid(A, x=[0.0, 1.0]), ValueError, r"keras.ops.trapezoid: x has 2"),
    (lambda: S.trapezoid(np.float32(2.0)), ValueError, r"keras.ops.trapezoid: y must"),
    (lambda: S.corrcoef(np.zeros((2, 2, 2))), ValueError, r"keras.ops.corrcoef: x must be"),
    (lambda: S.correlate(A, A), ValueError, r"keras.ops.correlate: x1 and x2 must be 1-D"),
    (lambda: S.correlate([1.0], [1.0], mode="foo"), ValueError, r"keras.ops.correlate: mode"),
    (lambda: S.correlate(np.zeros((0,)), [1.0]), ValueError, r"must not be empty"),
    (lambda: S.searchsorted(A, A), ValueError, r"keras.ops.searchsorted: sorted_sequence"),
    (lambda: S.searchsorted(A[0], A, side="middle"), ValueError, r"keras.ops.searchsorted: side"),
    (lambda: S.digitize(A, A), ValueError, r"keras.ops.digitize: bins must be 1-D"),
    (lambda: S.digitize(A, [1.0, 0.0, 2.0]), ValueError, r"keras.ops.digitize: .*monotonic"),
    (lambda: S.argpartition([5.0, 1.0, 4.0], 5), ValueError, r"keras.ops.argpartition: kth=5"),
    (lambda: S.argpartition(np.float32(1.0), 0), ValueError, r"keras.ops.argpartition: x must"),
    (lambda: S.bincount([1, -2]), ValueError, r"keras.ops.bincount: x must be non-negative"),
    (lambda: S.bincount([1.0, 2.0]), TypeError, r"keras.ops.bincount: x must hold"),
    (lambda: S.bincount([1, 2], sparse=True), ValueError, r"keras.ops.bincount: sparse=True"),
    (lambda: S.bincount(np.zeros((1, 1, 1), "int32")), ValueError, r"keras.ops.bincount: x must"),
    (lambda: S.bincount([1, 2], weights=[1.0]), ValueError, r"keras.ops.bincount: weights"),
    (lambda: S.histogram(A.ravel(), bins=2.0), TypeError, r"keras.ops.histogram: bins must be"),
    (lambda: S.histogram(A.ravel(), bins=0), ValueError, r"keras.ops.histogram: bins must be"),
    (lambda: S.histogram(A.ravel(), range=[0.0, 1.0]), ValueError, r"range must be a tuple"),
    (lambda: S.histogram(A.ravel(), range=(1.0, 0.0)), ValueError, r"second element of range"),
    (lambda: S.histogram(A), ValueError, r"keras.ops.histogram: x must be 1-dimensional"),
    (lambda: S.histogram([np.nan, 1.0]), ValueError, r"keras.ops.histogram: .*finite"),
    (lambda: S.unique(A, axis=2), ValueError, r"keras.ops.unique: axis"),
]


@pytest.mark.parametrize("call,error,match", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_bad_input_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
