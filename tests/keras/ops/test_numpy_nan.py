"""keras.ops NaN-ignoring reductions (ember.keras.ops.numpy_nan): values and dtypes vs
NumPy's nan* functions (dtypes checked against Keras 3.15 while writing), gradients vs
finite differences (NaN entries get zero), symbolic use, errors."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember import keras
from ember.keras.ops import numpy_nan as N
from tests.opcheck import OpCase, check_grad, check_values

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

rng = np.random.default_rng(1)
X = rng.normal(size=(3, 4)).astype("float32")
X[0, 1] = X[1, 3] = np.nan
X[2, :] = np.nan            # an all-NaN row
I = np.array([[3, 1, 2], [0, 5, 4]], dtype="int32")
REDUCTIONS = ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin",
              "nanmedian"]


def _np(x):
    return np.asarray(x.numpy())


def _ref(name):
    def ref(x, *args, **kw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(np, name)(x, *args, **kw)
    return ref


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(name, axis, keepdims):
    got = getattr(N, name)(X, axis=axis, keepdims=keepdims)
    want = _ref(name)(X, axis=axis, keepdims=keepdims)
    assert got.dtype.name == "float32" and tuple(got.shape) == np.shape(want)
    np.testing.assert_allclose(_np(got), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["nanargmax", "nanargmin"])
@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_nanarg_gives_minus_one_for_all_nan(name, axis, keepdims):
    fill = -np.inf if name == "nanargmax" else np.inf
    plain = getattr(np, name[3:])(np.where(np.isnan(X), fill, X), axis=axis, keepdims=keepdims)
    want = np.where(np.all(np.isnan(X), axis=axis, keepdims=keepdims), -1, plain)
    got = getattr(N, name)(X, axis=axis, keepdims=keepdims)
    assert got.dtype.name == "int32"
    np.testing.assert_array_equal(_np(got), want)


@pytest.mark.parametrize("name", ["nancumsum", "nancumprod"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_cumulative_match_numpy(name, axis):
    got = getattr(N, name)(X, axis=axis)
    assert got.dtype.name == "float32"
    np.testing.assert_allclose(_np(got), getattr(np, name)(X, axis=axis), rtol=1e-5)


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_nanquantile_methods_match_numpy(method):
    x = rng.normal(size=(4, 7))
    x[x > 1.0] = np.nan
    x[3] = np.nan
    q = [0.0, 0.1, 0.5, 0.75, 1.0]
    np.testing.assert_allclose(_np(N.nanquantile(x, q, axis=1, method=method)),
                               _ref("nanquantile")(x, q, axis=1, method=method), rtol=1e-10)
    np.testing.assert_allclose(
        _np(N.nanpercentile(x, [10, 60], axis=0, method=method, keepdims=True)),
        _ref("nanpercentile")(x, [10, 60], axis=0, method=method, keepdims=True), rtol=1e-10)


DTYPES = [  # (id, call, NumPy reference, Keras's result dtype)
    ("nansum_int8", lambda: N.nansum(I.astype("int8")), 15, "int32"),
    ("nansum_uint16", lambda: N.nansum(I.astype("uint16"), axis=0), [3, 6, 6], "uint32"),
    ("nansum_bool", lambda: N.nansum(I > 2), 3, "int32"),
    ("nansum_int64", lambda: N.nansum(I.astype("int64")), 15, "int64"),
    ("nanprod_int16", lambda: N.nanprod(I.astype("int16"), axis=1), [6, 0], "int32"),
    ("nanprod_uint8", lambda: N.nanprod(np.array([2, 3], "uint8")), 6, "uint32"),
    ("nanprod_f64", lambda: N.nanprod(np.array([2.0, np.nan, 3.0])), 6.0, "float64"),
    ("nanmean_int", lambda: N.nanmean(I), 2.5, "float32"),
    ("nanmean_f16", lambda: N.nanmean(np.array([1, np.nan, 2], "float16")), 1.5, "float16"),
    ("nanmean_empty", lambda: N.nanmean(np.zeros((0,), "float32")), np.nan, "float32"),
    ("nanvar_int", lambda: N.nanvar(I), np.var(I), "float32"),
    ("nanvar_f16", lambda: N.nanvar(np.array([2, 3, np.nan], "float16")), 0.25, "float16"),
    ("nanstd_bool", lambda: N.nanstd(I > 2), 0.5, "float32"),
    ("nanstd_f64", lambda: N.nanstd(np.array([1.0, np.nan, 3.0])), 1.0, "float64"),
    ("nanmax_int8", lambda: N.nanmax(I.astype("int8"), axis=0), [3, 5, 4], "int8"),
    ("nanmax_bool", lambda: N.nanmax(I > 2), True, "bool"),
    ("nanmin_inf", lambda: N.nanmin(np.array([np.inf, np.nan], "float32")), np.inf, "float32"),
    ("nanmin_uint8", lambda: N.nanmin(I.astype("uint8")), 0, "uint8"),
    ("nanargmax_int", lambda: N.nanargmax(I, axis=1), [0, 1], "int32"),
    ("nanargmin_keepdims", lambda: N.nanargmin(np.array([[np.nan, 1.0], [3.0, 2.0]]),
                                               keepdims=True), [[1]], "int32"),
    ("nanargmax_neg_inf", lambda: N.nanargmax(np.array([np.nan, -np.inf])), 0, "int32"),
    ("nancumsum_int", lambda: N.nancumsum(I), np.cumsum(I), "int32"),
    ("nancumsum_int8", lambda: N.nancumsum(I.astype("int8"), axis=1), np.cumsum(I, 1), "int8"),
    ("nancumsum_int64", lambda: N.nancumsum(I.astype("int64")), np.cumsum(I), "int64"),
    ("nancumsum_bool", lambda: N.nancumsum(np.array([True, True])), [1, 2], "int32"),
    ("nancumsum_dtype_int", lambda: N.nancumsum(np.array([1.0, np.nan, 2.0]), dtype="int32"),
     [1, 1, 3], "int32"),
    ("nancumsum_dtype_float", lambda: N.nancumsum(I.astype("int8"), axis=1, dtype="float32"),
     np.cumsum(I, 1), "float32"),
    ("nancumprod_uint8", lambda: N.nancumprod(I.astype("uint8")), np.cumprod(I), "uint8"),
    ("nancumprod_axis0", lambda: N.nancumprod(np.array([[2, np.nan], [3, 4]], "float32"),
                                              axis=0), [[2, 1], [6, 4]], "float32"),
    ("nanmedian_int", lambda: N.nanmedian(I), 2.5, "float32"),
    ("nanmedian_int64", lambda: N.nanmedian(I.astype("int64"), axis=1), [2.0, 4.0], "float32"),
    ("nanquantile_bool", lambda: N.nanquantile(I > 2, 0.3), 0.0, "float32"),
    ("nanquantile_all_nan", lambda: N.nanquantile(np.array([[np.nan, np.nan], [1, 2]],
                                                           "float32"), 0.5, axis=1),
     [np.nan, 1.5], "float32"),
    ("nanpercentile_keras_doc", lambda: N.nanpercentile(
        np.array([[1, 2, np.nan], [4, 5, 6]], "float32"), 50, axis=1), [1.5, 5.0], "float32"),
    ("nanpercentile_f16", lambda: N.nanpercentile(I.astype("float16"), 30), 1.5, "float16"),
]


@pytest.mark.parametrize("call,ref,dtype", [c[1:] for c in DTYPES], ids=[c[0] for c in DTYPES])
def test_values_and_dtypes(call, ref, dtype):
    got = call()
    assert got.dtype.name == dtype
    want = np.asarray(ref)
    assert _np(got).shape == want.shape
    np.testing.assert_allclose(_np(got).astype("float64"), want.astype("float64"), rtol=1e-3)


# ---- gradients ----------------------------------------------------------------------------
def _with_nans(shape, low=-2.0, high=2.0):
    def make(rng):
        x = rng.uniform(low, high, size=shape)
        x[0, 1] = np.nan
        x[-1, 0] = np.nan
        return [x]
    return make


GRAD_CASES = [
    OpCase(name, lambda x, name=name, kw=kw: getattr(N, name)(x, **kw),
           lambda x, name=name, kw=kw: _ref(name)(x, **kw), [], make_inputs=make)
    for name, kw, make in [
        ("nansum", {"axis": 1}, _with_nans((3, 4))),
        ("nanprod", {"axis": 0}, _with_nans((3, 4), 0.5, 1.5)),
        ("nanmean", {"axis": 1, "keepdims": True}, _with_nans((3, 4))),
        ("nanvar", {"axis": 1}, _with_nans((3, 4))),
        ("nanstd", {}, _with_nans((3, 4))),
        ("nanmax", {"axis": 1}, _with_nans((3, 4))),
        ("nanmin", {"axis": 0}, _with_nans((3, 4))),
        ("nanmedian", {"axis": 1}, _with_nans((3, 5))),
        ("nancumsum", {"axis": 1}, _with_nans((3, 4))),
        ("nancumprod", {"axis": 1}, _with_nans((3, 4), 0.5, 1.5)),
    ]
] + [
    OpCase(f"nanquantile_{m}", lambda x, m=m: N.nanquantile(x, [0.3, 0.8], axis=1, method=m),
           lambda x, m=m: _ref("nanquantile")(x, [0.3, 0.8], axis=1, method=m), [],
           make_inputs=_with_nans((3, 6)))
    for m in ["linear", "lower", "higher", "midpoint", "nearest"]
] + [
    OpCase("nanpercentile", lambda x: N.nanpercentile(x, 35.0),
           lambda x: _ref("nanpercentile")(x, 35.0), [], make_inputs=_with_nans((3, 4))),
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_values_float32_float64(case):
    check_values(case)


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_gradient_matches_finite_differences(case):
    check_grad(case)


def test_gradient_of_nan_entries_is_zero():
    x = ember.constant(np.array([[1.0, np.nan, 3.0], [np.nan, 2.0, 5.0]]))
    for fn in (N.nansum, N.nanmean, N.nanvar, N.nanmax, N.nanmedian):
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = ember.reduce_sum(fn(x, axis=1))
        g = _np(tape.gradient(y, x))
        assert np.all(np.isfinite(g)) and g[0, 1] == 0 and g[1, 0] == 0, fn


# ---- shapes (hypothesis) ------------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), data=st.data())
def test_random_nan_masks_and_axes(shape, data):
    r = np.random.default_rng(sum(shape))
    x = r.normal(size=shape)
    x[r.uniform(size=shape) < 0.3] = np.nan
    axes = data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape)))
    axis = tuple(axes) if axes else None
    keepdims = data.draw(st.booleans())
    name = data.draw(st.sampled_from(REDUCTIONS))
    got = getattr(N, name)(x, axis=axis, keepdims=keepdims)
    want = _ref(name)(x, axis=axis, keepdims=keepdims)
    assert tuple(got.shape) == np.shape(want)
    np.testing.assert_allclose(_np(got), want, rtol=1e-9, atol=1e-12)


# ---- symbolic use -------------------------------------------------------------------------
def test_symbolic_in_functional_model_and_config_round_trip(monkeypatch):
    for name in N.__all__:  # until the module is wired into keras.ops
        monkeypatch.setattr(keras.ops, name, getattr(N, name), raising=False)
    inp = keras.Input((5,))
    outs = [N.nanmean(inp, axis=1), N.nanmax(inp, axis=-1, keepdims=True),
            N.nancumsum(inp, axis=1), N.nanpercentile(inp, 40, axis=1)]
    model = keras.Model(inp, outs)
    data = rng.normal(size=(3, 5)).astype("float32")
    data[0, 2] = np.nan
    want = [N.nanmean(data, axis=1), N.nanmax(data, axis=-1, keepdims=True),
            N.nancumsum(data, axis=1), N.nanpercentile(data, 40, axis=1)]
    for model_ in (model, keras.Model.from_config(model.get_config())):
        for g, w in zip(model_(data), want):
            np.testing.assert_allclose(_np(g), _np(w), rtol=1e-6)


# ---- errors -------------------------------------------------------------------------------
ERRORS = [
    (lambda: N.nanmax(np.zeros((0,), "float32")), ValueError, r"keras.ops.nanmax: cannot"),
    (lambda: N.nanmin(np.zeros((2, 0)), axis=1), ValueError, r"keras.ops.nanmin: cannot"),
    (lambda: N.nanargmax(X, axis=(0, 1)), ValueError, r"keras.ops.nanargmax: axis must be"),
    (lambda: N.nanargmin(np.zeros((0,))), ValueError, r"keras.ops.nanargmin: cannot"),
    (lambda: N.nansum(X, axis=3), ValueError, r"keras.ops.nansum: axis 3 is out of bounds"),
    (lambda: N.nancumsum(X, axis=2), ValueError, r"keras.ops.nancumsum: axis must be"),
    (lambda: N.nanquantile(X, -0.1), ValueError, r"keras.ops.nanquantile: quantiles must"),
    (lambda: N.nanpercentile(X, 101), ValueError, r"keras.ops.nanpercentile: percentiles"),
    (lambda: N.nanmedian(X, axis=(0, 0)), ValueError, r"keras.ops.nanmedian: repeated axis"),
]


@pytest.mark.parametrize("call,error,match", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_bad_input_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
