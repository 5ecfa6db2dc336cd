import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember
from ember.core.errors import InvalidArgumentError
from opcheck import OpCase, table_tests

S = (3, 4)
S3 = (2, 3, 2)
pos = (0.5, 2.0)


def _signed(lo, hi):
    """Inputs with magnitude in [lo, hi] and random signs (away from zero)."""
    def make(shape):
        return lambda r: [r.uniform(lo, hi, shape) * r.choice([-1, 1], shape)]
    return make


def _np_lse(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _np_scan(x, axis, exclusive, reverse, product):
    f = np.cumprod if product else np.cumsum
    if reverse:
        x = np.flip(x, axis)
    y = f(x, axis=axis)
    if exclusive:
        y = np.moveaxis(y, axis, 0)
        first = np.ones_like(y[:1]) if product else np.zeros_like(y[:1])
        y = np.moveaxis(np.concatenate([first, y[:-1]], 0), 0, axis)
    if reverse:
        y = np.flip(y, axis)
    return y


def _with_zeros(shape, count):
    def make(r):
        x = r.uniform(0.5, 1.5, shape) * r.choice([-1, 1], shape)
        flat = x.reshape(-1)
        flat[r.choice(flat.size, count, replace=False)] = 0.0
        return [x]
    return make


def _row_zeros(counts):
    """(len(counts), 4) inputs whose i-th row holds counts[i] zeros."""
    def make(r):
        x = r.uniform(0.5, 1.5, (len(counts), 4)) * r.choice([-1, 1], (len(counts), 4))
        for i, c in enumerate(counts):
            x[i, r.choice(4, c, replace=False)] = 0.0
        return [x]
    return make


CASES = [
    # reduce_sum
    OpCase("sum_all", ember.reduce_sum, np.sum, [S], second_order=True),
    OpCase("sum_axis1", lambda x: ember.reduce_sum(x, axis=1), lambda x: np.sum(x, 1), [S],
           second_order=True),
    OpCase("sum_axes_keep", lambda x: ember.reduce_sum(x, axis=[0, -1], keepdims=True),
           lambda x: np.sum(x, (0, 2), keepdims=True), [S3], second_order=True),
    OpCase("sum_no_axes", lambda x: ember.reduce_sum(x, axis=[]), lambda x: x, [S]),
    # reduce_mean
    OpCase("mean_all", ember.reduce_mean, np.mean, [S], second_order=True),
    OpCase("mean_axis0_keep", lambda x: ember.reduce_mean(x, axis=0, keepdims=True),
           lambda x: np.mean(x, 0, keepdims=True), [S], second_order=True),
    OpCase("mean_neg_axes", lambda x: ember.reduce_mean(x, axis=[-1, -3]),
           lambda x: np.mean(x, (0, 2)), [S3], second_order=True),
    # reduce_max / reduce_min (random inputs: no ties)
    OpCase("max_all", ember.reduce_max, np.max, [S]),
    OpCase("max_axis1", lambda x: ember.reduce_max(x, axis=1), lambda x: np.max(x, 1), [S]),
    OpCase("max_keep", lambda x: ember.reduce_max(x, axis=[0, 2], keepdims=True),
           lambda x: np.max(x, (0, 2), keepdims=True), [S3]),
    OpCase("min_all", ember.reduce_min, np.min, [S]),
    OpCase("min_axis0", lambda x: ember.reduce_min(x, axis=-2), lambda x: np.min(x, 0), [S]),
    # reduce_prod: away from zero, then with zeros (the product is multilinear, so central
    # differences are exact there too)
    OpCase("prod_all", ember.reduce_prod, np.prod, [S], make_inputs=_signed(0.5, 1.5)(S),
           second_order=True),
    OpCase("prod_axis1", lambda x: ember.reduce_prod(x, axis=1), lambda x: np.prod(x, 1),
           [S], make_inputs=_signed(0.5, 1.5)(S), second_order=True),
    OpCase("prod_keep", lambda x: ember.reduce_prod(x, axis=[0, 2], keepdims=True),
           lambda x: np.prod(x, (0, 2), keepdims=True), [S3],
           make_inputs=_signed(0.5, 1.5)(S3), second_order=True),
    OpCase("prod_one_zero", ember.reduce_prod, np.prod, [S], make_inputs=_with_zeros(S, 1),
           second_order=True),
    OpCase("prod_rows_with_0_to_3_zeros", lambda x: ember.reduce_prod(x, axis=1),
           lambda x: np.prod(x, 1), [(4, 4)], make_inputs=_row_zeros([0, 1, 2, 3]),
           second_order=True),
    OpCase("prod_cols_zeros", lambda x: ember.reduce_prod(x, axis=0),
           lambda x: np.prod(x, 0), [(4, 4)], make_inputs=lambda r: [
               _row_zeros([0, 1, 2, 3])(r)[0].T.copy()], second_order=True),
    # variance, std, logsumexp, euclidean norm
    OpCase("variance_all", ember.math.reduce_variance, np.var, [S], second_order=True),
    OpCase("variance_axis", lambda x: ember.math.reduce_variance(x, axis=[0, 2]),
           lambda x: np.var(x, (0, 2)), [S3], second_order=True),
    OpCase("std_all", ember.math.reduce_std, np.std, [S], second_order=True),
    OpCase("std_axis_keep", lambda x: ember.math.reduce_std(x, axis=1, keepdims=True),
           lambda x: np.std(x, 1, keepdims=True), [S], second_order=True),
    OpCase("logsumexp_all", ember.reduce_logsumexp, _np_lse, [S], second_order=True),
    OpCase("logsumexp_axis", lambda x: ember.reduce_logsumexp(x, axis=-1),
           lambda x: _np_lse(x, axis=-1), [S3], domain=(-5, 5), second_order=True),
    OpCase("logsumexp_keep", lambda x: ember.reduce_logsumexp(x, axis=[0, 1], keepdims=True),
           lambda x: _np_lse(x, axis=(0, 1), keepdims=True), [S3], second_order=True),
    OpCase("euclidean_norm_all", ember.math.reduce_euclidean_norm,
           lambda x: np.sqrt(np.sum(x * x)), [S], second_order=True),
    OpCase("euclidean_norm_axis", lambda x: ember.math.reduce_euclidean_norm(x, axis=0),
           lambda x: np.sqrt(np.sum(x * x, 0)), [S], make_inputs=_signed(0.3, 2.0)(S),
           second_order=True),
]

# cumsum / cumprod with every flag combination, along a middle and a negative axis
for _ex in (False, True):
    for _rev in (False, True):
        _tag = f"{'excl' if _ex else 'incl'}_{'rev' if _rev else 'fwd'}"
        CASES.append(OpCase(
            f"cumsum_{_tag}",
            lambda x, e=_ex, r=_rev: ember.cumsum(x, axis=1, exclusive=e, reverse=r),
            lambda x, e=_ex, r=_rev: _np_scan(x, 1, e, r, False), [S3], second_order=True))
        CASES.append(OpCase(
            f"cumprod_{_tag}",
            lambda x, e=_ex, r=_rev: ember.math.cumprod(x, axis=-1, exclusive=e, reverse=r),
            lambda x, e=_ex, r=_rev: _np_scan(x, 1, e, r, True), [S],
            make_inputs=_signed(0.5, 1.5)(S), second_order=True))
        # zeros: none to three per row (cumprod is multilinear: central differences are exact)
        CASES.append(OpCase(
            f"cumprod_zeros_{_tag}",
            lambda x, e=_ex, r=_rev: ember.math.cumprod(x, axis=1, exclusive=e, reverse=r),
            lambda x, e=_ex, r=_rev: _np_scan(x, 1, e, r, True), [(4, 4)],
            make_inputs=_row_zeros([0, 1, 2, 3]), second_order=True))


test_values, test_gradient, test_second_order = table_tests(CASES)


def _grad(fn, x):
    x = ember.constant(x)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x).numpy()


# -- dtypes and TensorFlow semantics -----------------------------------------------------------
def test_int_sum_keeps_dtype_and_bool_counts_as_int32():
    assert ember.reduce_sum(ember.constant([[1, 2], [3, 4]], dtype="int32")).dtype == ember.int32
    assert ember.reduce_sum(ember.constant([1, 2], dtype="int64")).dtype == ember.int64
    assert ember.reduce_sum(ember.constant([1, 2], dtype="uint8")).dtype == ember.uint8
    s = ember.reduce_sum([[True, False], [True, True]], axis=1)
    assert s.dtype == ember.int32
    np.testing.assert_array_equal(s.numpy(), [1, 2])
    assert ember.reduce_prod(ember.constant([2, 3], dtype="int32")).dtype == ember.int32


def test_int_mean_is_integer_and_truncates_toward_zero():
    m = ember.reduce_mean([1, 2])
    assert m.dtype == ember.int32 and int(m) == 1
    assert int(ember.reduce_mean([-1, -2])) == -1
    np.testing.assert_array_equal(ember.reduce_mean([[1, 2], [4, 7]], axis=1).numpy(), [1, 5])
    big = ember.constant([2 ** 30, 2 ** 30, 2 ** 30], dtype="int32")  # no int32 overflow
    assert int(ember.reduce_mean(big)) == 2 ** 30
    assert ember.reduce_mean(ember.constant([1, 2], dtype="uint8")).dtype == ember.uint8
    with pytest.raises(TypeError, match="reduce_mean"):
        ember.reduce_mean([True, False])


def test_float16_and_python_lists():
    h = ember.constant(np.array([1, 2, 3, 4], np.float16))
    assert ember.reduce_mean(h).dtype == ember.float16
    assert ember.reduce_sum([1.0, 2.0]).dtype == ember.float32
    assert float(ember.reduce_max([1.0, 3.0])) == 3.0


def test_empty_axis_list_means_no_reduction():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    for f in (ember.reduce_sum, ember.reduce_mean, ember.reduce_max, ember.reduce_min,
              ember.reduce_prod, ember.reduce_logsumexp, ember.math.reduce_euclidean_norm):
        out = f(x, axis=[])
        assert tuple(out.shape) == (2, 3), f
    np.testing.assert_allclose(ember.reduce_sum(x, axis=[]).numpy(), x)
    np.testing.assert_allclose(ember.math.reduce_variance(x, axis=[]).numpy(), 0 * x)
    np.testing.assert_array_equal(ember.reduce_any(x, axis=[]).numpy(), x != 0)
    np.testing.assert_allclose(_grad(lambda t: ember.reduce_sum(ember.reduce_sum(t, axis=[])
                                                                * 3.0), x), 3 + 0 * x)


def test_scalar_input_reduces_to_itself():
    assert float(ember.reduce_sum(ember.constant(2.5))) == 2.5
    assert float(ember.reduce_mean(ember.constant(2.5), axis=0)) == 2.5


def test_empty_reductions():
    e = np.zeros((0, 3), np.float32)
    np.testing.assert_array_equal(ember.reduce_sum(e, axis=0).numpy(), [0, 0, 0])
    np.testing.assert_array_equal(ember.reduce_prod(e, axis=0).numpy(), [1, 1, 1])
    np.testing.assert_array_equal(ember.reduce_max(e, axis=0).numpy(), [-np.inf] * 3)
    np.testing.assert_array_equal(ember.reduce_min(e, axis=0).numpy(), [np.inf] * 3)
    assert np.isnan(ember.reduce_mean(e).numpy())
    assert ember.reduce_max(e, axis=1).shape == (0,)
    assert int(ember.reduce_max(np.zeros((0,), np.int32))) == np.iinfo(np.int32).min
    assert ember.reduce_logsumexp(e, axis=0).numpy().tolist() == [-np.inf] * 3
    assert bool(ember.reduce_all(np.zeros((0,), bool)))
    assert not bool(ember.reduce_any(np.zeros((0,), bool)))


def test_max_min_share_gradient_among_ties():
    x = np.array([[1.0, 3.0, 3.0, 2.0], [5.0, 5.0, 5.0, 5.0]])
    np.testing.assert_allclose(_grad(lambda t: ember.reduce_max(t, axis=1), x),
                               [[0, .5, .5, 0], [.25, .25, .25, .25]])
    np.testing.assert_allclose(_grad(lambda t: ember.reduce_min(t), x), [[1, 0, 0, 0],
                                                                          [0, 0, 0, 0]])
    np.testing.assert_allclose(_grad(lambda t: ember.reduce_max(t, axis=0, keepdims=True), x),
                               [[0, 0, 0, 0], [1, 1, 1, 1]])


def test_prod_gradient_with_zeros_is_product_of_others():
    x = np.array([[2.0, 0.0, 3.0, -1.5], [0.0, 0.0, 2.0, 1.0], [1.0, 2.0, 3.0, 4.0]])
    g = _grad(lambda t: ember.reduce_prod(t, axis=1), x)
    want = np.array([[np.prod(np.delete(row, j)) for j in range(4)] for row in x])
    np.testing.assert_allclose(g, want)
    assert np.all(np.isfinite(g))


def test_logsumexp_is_stable():
    x = np.array([[1000.0, 1000.0], [-1000.0, -1000.0], [-np.inf, -np.inf]], np.float32)
    got = ember.reduce_logsumexp(x, axis=1).numpy()
    np.testing.assert_allclose(got[:2], [1000 + np.log(2), -1000 + np.log(2)], rtol=1e-6)
    assert got[2] == -np.inf
    assert float(ember.reduce_logsumexp([np.inf, 1.0])) == np.inf
    g = _grad(lambda t: ember.reduce_logsumexp(t, axis=1), x[:2].astype(np.float64))
    np.testing.assert_allclose(g, 0.5)
    assert ember.reduce_logsumexp([1, 2]).dtype == ember.float32


def test_variance_std_need_floats():
    for f in (ember.math.reduce_variance, ember.math.reduce_std):
        with pytest.raises(TypeError, match=f.__name__):
            f([1, 2, 3])
    assert ember.math.reduce_std(np.ones(3, np.float64)).dtype == ember.float64


def test_euclidean_norm_int_keeps_dtype():
    n = ember.math.reduce_euclidean_norm(ember.constant([[3, 4], [1, 1]]), axis=1)
    assert n.dtype == ember.int32
    np.testing.assert_array_equal(n.numpy(), [5, 1])


def test_all_any():
    b = np.array([[True, False], [True, True]])
    np.testing.assert_array_equal(ember.reduce_all(b, axis=1).numpy(), [False, True])
    np.testing.assert_array_equal(ember.reduce_any(b, axis=0, keepdims=True).numpy(),
                                  [[True, True]])
    assert not bool(ember.reduce_all(b))
    assert ember.reduce_any(b).dtype == ember.bool


def test_count_nonzero():
    x = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0]])
    c = ember.math.count_nonzero(x)
    assert c.dtype == ember.int64 and int(c) == 3
    np.testing.assert_array_equal(ember.math.count_nonzero(x, axis=1).numpy(), [2, 1])
    k = ember.math.count_nonzero(x, axis=0, keepdims=True, dtype="int32")
    assert k.dtype == ember.int32 and k.shape == (1, 3)
    assert int(ember.math.count_nonzero([True, False, True])) == 2


def test_argmax_argmin():
    x = np.array([[1.0, 5.0, 5.0], [7.0, 4.0, 7.0]])
    a = ember.argmax(x)  # axis None means 0
    assert a.dtype == ember.int64
    np.testing.assert_array_equal(a.numpy(), [1, 0, 1])
    np.testing.assert_array_equal(ember.argmax(x, axis=1).numpy(), [1, 0])  # first of ties
    np.testing.assert_array_equal(ember.argmin(x, axis=-1).numpy(), [0, 1])
    i = ember.math.argmin(x, axis=ember.constant(0), output_type="int32")
    assert i.dtype == ember.int32
    np.testing.assert_array_equal(i.numpy(), [0, 1, 0])
    t = ember.constant(x)
    with ember.GradientTape() as tape:
        tape.watch(t)
        y = ember.cast(ember.argmax(t), "float64")
    assert tape.gradient(y, t) is None


def test_cumsum_int_and_bool():
    c = ember.cumsum(ember.constant([1, 2, 3], dtype="int32"))
    assert c.dtype == ember.int32
    np.testing.assert_array_equal(c.numpy(), [1, 3, 6])
    np.testing.assert_array_equal(ember.cumsum([True, True, False]).numpy(), [1, 2, 2])
    np.testing.assert_array_equal(
        ember.math.cumprod(ember.constant([1, 2, 3]), exclusive=True).numpy(), [1, 1, 2])
    e = ember.cumsum(np.zeros((0, 2), np.float32), exclusive=True)
    assert e.shape == (0, 2)


def test_cumsum_exclusive_keeps_infinities():
    got = ember.cumsum([np.inf, 1.0, 2.0], exclusive=True).numpy()
    np.testing.assert_array_equal(got, [0.0, np.inf, np.inf])


def test_gradient_reaches_variables():
    v = ember.Variable([[1.0, 2.0], [3.0, 4.0]])
    with ember.GradientTape() as tape:
        y = ember.reduce_mean(v) + ember.reduce_max(v)
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [[0.25, 0.25], [0.25, 1.25]])


# -- errors --------------------------------------------------------------------------------
AXIS_OPS = [ember.reduce_sum, ember.reduce_mean, ember.reduce_max, ember.reduce_min,
            ember.reduce_prod, ember.math.reduce_std, ember.math.reduce_variance,
            ember.reduce_logsumexp, ember.reduce_all, ember.reduce_any,
            ember.math.reduce_euclidean_norm, ember.math.count_nonzero]


@pytest.mark.parametrize("op", AXIS_OPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("axis", [2, -3, [0, 5]])
def test_axis_out_of_range_names_op_and_rank(op, axis):
    with pytest.raises(InvalidArgumentError, match=rf"ember\.{op.__name__}: axis .* rank 2"):
        op(np.ones((2, 3), np.float32), axis=axis)


@pytest.mark.parametrize("op", [ember.argmax, ember.argmin, ember.cumsum, ember.math.cumprod],
                         ids=lambda f: f.__name__)
def test_single_axis_ops_errors(op):
    x = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidArgumentError, match=rf"ember\.{op.__name__}: .*rank 2"):
        op(x, axis=2)
    with pytest.raises(InvalidArgumentError, match=rf"ember\.{op.__name__}: .*rank 0"):
        op(np.float32(1.0), axis=0)
    with pytest.raises(TypeError, match=rf"ember\.{op.__name__}"):
        op(x, axis=[0, 1])


def test_bad_axis_types():
    with pytest.raises(TypeError, match="reduce_sum"):
        ember.reduce_sum(np.ones(3), axis=0.5)
    with pytest.raises(TypeError, match="argmax"):
        ember.argmax(np.ones(3), output_type="float32")
    with pytest.raises(InvalidArgumentError, match="argmax"):
        ember.argmax(np.ones((2, 0)), axis=1)


# -- hypothesis: shapes, axes (negative too), keepdims ------------------------------------------
@st.composite
def shape_and_axes(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=4)))
    nd = len(shape)
    kind = draw(st.sampled_from(["none", "int", "list"]))
    if kind == "none":
        return shape, None, None
    if kind == "int":
        a = draw(st.integers(-nd, nd - 1))
        return shape, a, (a % nd,)
    axes = draw(st.lists(st.integers(-nd, nd - 1), max_size=nd, unique_by=lambda a: a % nd))
    return shape, axes, tuple(sorted(a % nd for a in axes))


NP_REF = {
    "reduce_sum": (ember.reduce_sum, np.sum),
    "reduce_mean": (ember.reduce_mean, np.mean),
    "reduce_max": (ember.reduce_max, np.max),
    "reduce_min": (ember.reduce_min, np.min),
    "reduce_prod": (ember.reduce_prod, np.prod),
    "reduce_variance": (ember.math.reduce_variance, np.var),
    "reduce_std": (ember.math.reduce_std, np.std),
    "reduce_logsumexp": (ember.reduce_logsumexp, _np_lse),
    "reduce_euclidean_norm": (ember.math.reduce_euclidean_norm,
                              lambda x, axis=None, keepdims=False:
                              np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))),
}


@settings(max_examples=30, deadline=None)
@given(sa=shape_and_axes(), keepdims=st.booleans(), name=st.sampled_from(sorted(NP_REF)),
       seed=st.integers(0, 1000))
def test_reductions_match_numpy(sa, keepdims, name, seed):
    shape, axis, np_axes = sa
    x = np.random.default_rng(seed).uniform(-2, 2, shape)
    fn, ref = NP_REF[name]
    got = fn(ember.constant(x), axis=axis, keepdims=keepdims)
    want = ref(x, axis=np_axes, keepdims=keepdims)
    assert tuple(got.shape) == np.shape(want)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(sa=shape_and_axes(), keepdims=st.booleans(), seed=st.integers(0, 1000))
def test_reduction_gradients_have_input_shape(sa, keepdims, seed):
    shape, axis, np_axes = sa
    x = np.random.default_rng(seed).uniform(-2, 2, shape)
    n = int(np.prod([shape[a] for a in (np_axes if np_axes is not None else range(len(shape)))]))
    g = _grad(lambda t: ember.reduce_mean(t, axis=axis, keepdims=keepdims), x)
    np.testing.assert_allclose(g, np.full(shape, 1.0 / n))
    g = _grad(lambda t: ember.reduce_max(t, axis=axis, keepdims=keepdims), x)
    want = (x == np.max(x, axis=np_axes, keepdims=True)).astype(float)
    np.testing.assert_allclose(g, want)


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data(),
       seed=st.integers(0, 1000))
def test_argmax_cumsum_any_all_match_numpy(shape, data, seed):
    nd = len(shape)
    axis = data.draw(st.integers(-nd, nd - 1))
    r = np.random.default_rng(seed)
    x = r.integers(-3, 4, shape).astype(np.int32)  # many ties
    np.testing.assert_array_equal(ember.argmax(x, axis=axis).numpy(), np.argmax(x, axis))
    np.testing.assert_array_equal(ember.argmin(x, axis=axis).numpy(), np.argmin(x, axis))
    ex, rev = data.draw(st.booleans()), data.draw(st.booleans())
    got = ember.cumsum(x, axis=axis, exclusive=ex, reverse=rev)
    assert got.dtype == ember.int32
    np.testing.assert_array_equal(got.numpy(), _np_scan(x, axis % nd, ex, rev, False))
    np.testing.assert_array_equal(ember.reduce_any(x > 2, axis=axis).numpy(),
                                  np.any(x > 2, axis))
    np.testing.assert_array_equal(ember.reduce_all(x > -3, axis=axis).numpy(),
                                  np.all(x > -3, axis))
    np.testing.assert_array_equal(ember.math.count_nonzero(x, axis=axis).numpy(),
                                  np.count_nonzero(x, axis))
    np.testing.assert_array_equal(ember.reduce_mean(x, axis=axis).numpy(),
                                  np.trunc(np.mean(x, axis)).astype(np.int32))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("axis,keepdims", [((0,), False), ((0, 1), False), ((0, 1), True),
                                           ((0, 1, 2), True)])
def test_reduce_sum_leading_axes_of_large_arrays(dtype, axis, keepdims):
    # >= 4096 values: the vector-matrix product path
    x = np.random.default_rng(0).uniform(-1, 1, (32, 8, 4, 5)).astype(dtype)
    got = ember.reduce_sum(ember.constant(x), axis=list(axis), keepdims=keepdims)
    want = x.astype(np.float64).sum(axis=axis, keepdims=keepdims)
    assert got.dtype == dtype and got.shape == want.shape
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got.numpy(), want, rtol=tol, atol=tol * 10)
    view = ember.reduce_sum(ember.constant(x).numpy()[:, ::2], axis=0)   # not contiguous
    np.testing.assert_allclose(view.numpy(), x[:, ::2].astype(np.float64).sum(0), rtol=1e-5,
                               atol=1e-4)
