"""Pooling (ember.nn.max_pool*, avg_pool*, pool) against direct NumPy loops."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember
from ember.core.errors import InvalidArgumentError
from opcheck import OpCase, table_tests

nn = ember.nn


# -- NumPy reference (loops over output positions; tiny inputs only) ---------------------
def _tuple(v, n):
    return (v,) * n if np.isscalar(v) else tuple(v)


def _pads(padding, in_sp, ksize, strides, dilations):
    if padding == "VALID":
        return [(0, 0)] * len(in_sp)
    if padding == "SAME":
        pads = []
        for i, k, s, d in zip(in_sp, ksize, strides, dilations):
            out = -(-i // s)
            total = max((out - 1) * s + (k - 1) * d + 1 - i, 0)
            pads.append((total // 2, total - total // 2))
        return pads
    return [tuple(p) for p in padding]


def ref_pool(x, kind, ksize, strides, padding, dilations=1, cf=False):
    """Max (ignoring padding) or mean over the in-bounds elements of each window."""
    if cf:
        x = np.moveaxis(x, 1, -1)
    n = x.ndim - 2
    ksize, strides, dilations = _tuple(ksize, n), _tuple(strides, n), _tuple(dilations, n)
    in_sp = x.shape[1:-1]
    pads = _pads(padding, in_sp, ksize, strides, dilations)
    out_sp = [(in_sp[i] + sum(pads[i]) - ((ksize[i] - 1) * dilations[i] + 1)) // strides[i]
              + 1 for i in range(n)]
    y = np.zeros((x.shape[0],) + tuple(out_sp) + (x.shape[-1],), x.dtype)
    for o in itertools.product(*map(range, out_sp)):
        vals = []
        for kk in itertools.product(*map(range, ksize)):
            pos = tuple(o[i] * strides[i] + kk[i] * dilations[i] - pads[i][0] for i in range(n))
            if all(0 <= p < d for p, d in zip(pos, in_sp)):
                vals.append(x[(slice(None),) + pos])
        vals = np.stack(vals)
        y[(slice(None),) + o] = vals.max(0) if kind == "MAX" else vals.mean(0)
    return np.moveaxis(y, -1, 1) if cf else y


def distinct(shape):
    """Inputs whose window maxima are unique by a wide margin (for finite differences)."""
    def make(rng):
        n = int(np.prod(shape))
        return [(rng.permutation(n).reshape(shape) * 0.1 + rng.uniform(0, 0.01, shape))]
    return make


def case(name, fn, ref, shape, **kw):
    if "make_inputs" not in kw and name.startswith("max"):
        kw["make_inputs"] = distinct(shape)
    return OpCase(name, fn, ref, [shape], **kw)


CASES = [
    case("max_pool2d_valid", lambda x: nn.max_pool2d(x, 2, 2, "VALID"),
         lambda x: ref_pool(x, "MAX", 2, 2, "VALID"), (2, 4, 5, 3)),
    case("max_pool2d_same_overlap", lambda x: nn.max_pool2d(x, 3, 2, "SAME"),
         lambda x: ref_pool(x, "MAX", 3, 2, "SAME"), (2, 5, 6, 2)),
    case("max_pool2d_same_s1", lambda x: nn.max_pool2d(x, [1, 3, 2, 1], [1, 1, 1, 1], "SAME"),
         lambda x: ref_pool(x, "MAX", (3, 2), 1, "SAME"), (1, 4, 4, 2)),
    case("max_pool2d_nchw", lambda x: nn.max_pool2d(x, 2, [1, 1, 2, 1], "SAME", "NCHW"),
         lambda x: ref_pool(x, "MAX", 2, (2, 1), "SAME", cf=True), (2, 3, 5, 4)),
    case("max_pool2d_explicit",
         lambda x: nn.max_pool2d(x, 2, 2, [[0, 0], [1, 1], [0, 1], [0, 0]]),
         lambda x: ref_pool(x, "MAX", 2, 2, [(1, 1), (0, 1)]), (1, 4, 3, 2)),
    case("max_pool1d", lambda x: nn.max_pool1d(x, 3, 2, "SAME"),
         lambda x: ref_pool(x, "MAX", 3, 2, "SAME"), (2, 7, 3)),
    case("max_pool1d_ncw", lambda x: nn.max_pool1d(x, 2, 1, "VALID", "NCW"),
         lambda x: ref_pool(x, "MAX", 2, 1, "VALID", cf=True), (2, 3, 5)),
    case("max_pool3d", lambda x: nn.max_pool3d(x, 2, 2, "SAME"),
         lambda x: ref_pool(x, "MAX", 2, 2, "SAME"), (1, 3, 4, 3, 2)),
    case("max_pool3d_ncdhw", lambda x: nn.max_pool3d(x, [2, 1, 2], 1, "VALID", "NCDHW"),
         lambda x: ref_pool(x, "MAX", (2, 1, 2), 1, "VALID", cf=True), (1, 2, 3, 3, 3)),
    case("max_pool_generic", lambda x: nn.max_pool(x, [2, 2], [2, 2], "SAME"),
         lambda x: ref_pool(x, "MAX", 2, 2, "SAME"), (1, 5, 5, 2)),
    case("max_pool_squared", lambda x: nn.max_pool2d(x, 3, 2, "SAME") ** 2,
         lambda x: ref_pool(x, "MAX", 3, 2, "SAME") ** 2, (1, 5, 5, 2), second_order=True),
    case("max_pool_squared_tiled", lambda x: nn.max_pool2d(x, 2, 2, "VALID") ** 2,
         lambda x: ref_pool(x, "MAX", 2, 2, "VALID") ** 2, (1, 4, 4, 2), second_order=True),
    case("avg_pool2d_valid", lambda x: nn.avg_pool2d(x, 2, 2, "VALID"),
         lambda x: ref_pool(x, "AVG", 2, 2, "VALID"), (2, 4, 5, 3)),
    case("avg_pool2d_same", lambda x: nn.avg_pool2d(x, 3, 2, "SAME"),
         lambda x: ref_pool(x, "AVG", 3, 2, "SAME"), (2, 5, 6, 2), second_order=True),
    case("avg_pool2d_nchw", lambda x: nn.avg_pool2d(x, [2, 3], 1, "SAME", "NCHW"),
         lambda x: ref_pool(x, "AVG", (2, 3), 1, "SAME", cf=True), (1, 2, 4, 4)),
    case("avg_pool2d_explicit",
         lambda x: nn.avg_pool2d(x, 3, 1, [[0, 0], [1, 1], [2, 0], [0, 0]]),
         lambda x: ref_pool(x, "AVG", 3, 1, [(1, 1), (2, 0)]), (1, 3, 4, 2)),
    case("avg_pool1d", lambda x: nn.avg_pool1d(x, 3, 2, "SAME"),
         lambda x: ref_pool(x, "AVG", 3, 2, "SAME"), (2, 6, 2)),
    case("avg_pool3d_ncdhw", lambda x: nn.avg_pool3d(x, 2, 2, "SAME", "NCDHW"),
         lambda x: ref_pool(x, "AVG", 2, 2, "SAME", cf=True), (1, 2, 3, 4, 3)),
    case("avg_pool_generic", lambda x: nn.avg_pool(x, 2, 1, "VALID"),
         lambda x: ref_pool(x, "AVG", 2, 1, "VALID"), (1, 4, 4, 2)),
    case("avg_pool_squared", lambda x: nn.avg_pool2d(x, 2, 1, "SAME") ** 2,
         lambda x: ref_pool(x, "AVG", 2, 1, "SAME") ** 2, (1, 3, 4, 2), second_order=True),
    case("pool_max_dilated", lambda x: nn.pool(x, [2, 2], "MAX", padding="SAME",
                                               dilations=[2, 1]),
         lambda x: ref_pool(x, "MAX", 2, 1, "SAME", (2, 1)), (1, 5, 4, 2)),
    case("pool_avg_dilated_strided", lambda x: nn.pool(x, [2], "AVG", [2], "SAME",
                                                       dilations=[2]),
         lambda x: ref_pool(x, "AVG", 2, 2, "SAME", 2), (2, 7, 2)),
    case("pool_max_strided_cf", lambda x: nn.pool(x, [3, 2], "MAX", [2, 2], "VALID", "NCHW"),
         lambda x: ref_pool(x, "MAX", (3, 2), 2, "VALID", cf=True), (1, 2, 5, 5)),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 2), h=st.integers(1, 6), w=st.integers(1, 6), c=st.integers(1, 3),
       kh=st.integers(1, 3), kw=st.integers(1, 3), sh=st.integers(1, 3), sw=st.integers(1, 3),
       padding=st.sampled_from(["SAME", "VALID"]), kind=st.sampled_from(["MAX", "AVG"]))
def test_pool2d_matches_reference(n, h, w, c, kh, kw, sh, sw, padding, kind):
    if padding == "VALID" and (h < kh or w < kw):
        return
    x = np.random.default_rng(0).normal(size=(n, h, w, c)).astype(np.float32)
    fn = nn.max_pool2d if kind == "MAX" else nn.avg_pool2d
    got = fn(x, [kh, kw], [sh, sw], padding)
    assert got.dtype == ember.float32
    np.testing.assert_allclose(got.numpy(), ref_pool(x, kind, (kh, kw), (sh, sw), padding),
                               rtol=1e-5, atol=1e-6)


# -- gradient routing ---------------------------------------------------------------------
def _grad(fn, x):
    x = ember.constant(x)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.reduce_sum(fn(x))
    return tape.gradient(y, x).numpy()


def test_max_pool_ties_go_to_the_first_maximum():
    g = _grad(lambda x: nn.max_pool2d(x, 2, 2, "VALID"), np.ones((1, 4, 4, 1), np.float32))
    assert g[0, :, :, 0].tolist() == [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]


def test_max_pool_overlapping_windows_accumulate():
    x = np.zeros((1, 3, 3, 1), np.float32)
    x[0, 1, 1, 0] = 5.0
    g = _grad(lambda t: nn.max_pool2d(t, 2, 1, "VALID"), x)
    assert g[0, 1, 1, 0] == 4.0 and g.sum() == 4.0


def test_avg_pool_spreads_evenly_over_valid_elements():
    g = _grad(lambda x: nn.avg_pool2d(x, 2, 2, "SAME"), np.ones((1, 3, 3, 1), np.float32))
    np.testing.assert_allclose(g[0, :, :, 0], [[.25, .25, .5], [.25, .25, .5], [.5, .5, 1]])


def test_max_pool_integers_and_same_padding_never_wins():
    x = -np.arange(1, 10, dtype=np.int32).reshape(1, 3, 3, 1)
    y = nn.max_pool2d(x, 2, 2, "SAME")
    assert y.dtype == ember.int32
    assert y.numpy().ravel().tolist() == [-1, -3, -7, -9]


def test_max_pool_output_of_relu_like_zeros():
    x = np.zeros((2, 4, 4, 3), np.float32)
    g = _grad(lambda t: nn.max_pool2d(t, 2, 2, "VALID"), x)
    assert g.sum() == 2 * 2 * 2 * 3


def _generic_max_pool_grad(x, k, g):
    """The scatter-by-argmax backward the tiled (kernel == stride) fast path replaces."""
    from ember.ops import pool as P
    n = x.ndim - 2
    ks, dil, pads = (k,) * n, (1,) * n, ((0, 0),) * n
    y = P._max_pool_forward(np, x, ks, ks, dil, pads)
    idx = P._argmax_flat(np, x, y, ks, ks, dil, pads)
    flat = np.zeros(x.size, x.dtype)
    flat[idx.reshape(-1)] = g.reshape(-1)
    return y, flat.reshape(x.shape)


@pytest.mark.parametrize("shape,k", [((3, 6, 6, 4), 2), ((2, 7, 5, 3), 2), ((2, 9, 8, 2), 3),
                                     ((2, 9, 3), 2), ((1, 5, 4, 5, 2), 2)])
def test_tiled_max_pool_matches_the_generic_path_with_ties_and_nans(shape, k):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, shape).astype(np.float32)      # many ties
    x.reshape(-1)[::7] = np.nan
    xt = ember.constant(x)
    with ember.GradientTape() as tape:
        tape.watch(xt)
        y = nn.max_pool(xt, k, k, "VALID")
    g = rng.normal(size=y.shape).astype(np.float32)
    g.reshape(-1)[::5] = np.inf
    dx = tape.gradient(y, xt, output_gradients=ember.constant(g)).numpy()
    y_ref, dx_ref = _generic_max_pool_grad(x, k, g)
    np.testing.assert_array_equal(y.numpy(), y_ref)
    np.testing.assert_array_equal(dx, dx_ref)


def test_tiled_max_pool_second_order_with_a_cropped_edge():
    x = np.random.default_rng(4).permutation(2 * 5 * 7 * 3).reshape(2, 5, 7, 3)
    x = ember.constant(x.astype(np.float64))
    with ember.GradientTape() as outer:
        outer.watch(x)
        with ember.GradientTape() as inner:
            inner.watch(x)
            y = ember.reduce_sum(nn.max_pool2d(x, 2, 2, "VALID") ** 2)
        gx = inner.gradient(y, x)
        z = ember.reduce_sum(gx * gx)
    ggx = outer.gradient(z, x).numpy()
    # y = sum(m^2): gx = 2m at each argmax, z = sum 4 m^2, dz/dx = 8m there
    _, expect = _generic_max_pool_grad(x.numpy(), 2,
                                       8 * nn.max_pool2d(x, 2, 2, "VALID").numpy())
    np.testing.assert_allclose(ggx, expect)


# -- errors -------------------------------------------------------------------------------
def _raises(op, fn, *needles, exc=InvalidArgumentError):
    with pytest.raises(exc) as info:
        fn()
    msg = str(info.value)
    assert msg.startswith(f"ember.{op}:"), msg
    for n in needles:
        assert n in msg, msg


X = np.zeros((1, 4, 4, 2), np.float32)


def test_error_bad_padding():
    _raises("max_pool2d", lambda: nn.max_pool2d(X, 2, 2, "CAUSAL"), "'CAUSAL'")


def test_error_bad_data_format():
    _raises("avg_pool2d", lambda: nn.avg_pool2d(X, 2, 2, "SAME", "NDHWC"), "'NDHWC'")


def test_error_zero_stride_and_ksize():
    _raises("max_pool", lambda: nn.max_pool(X, 2, 0, "SAME"), "strides")
    _raises("avg_pool", lambda: nn.avg_pool(X, [1, 0], 1, "SAME"), "ksize")
    _raises("max_pool2d", lambda: nn.max_pool2d(X, [2, 2, 2, 2], 1, "SAME"), "ksize")


def test_error_window_larger_than_input():
    _raises("max_pool2d", lambda: nn.max_pool2d(X, 5, 1, "VALID"), "(1, 4, 4, 2)")


def test_error_rank():
    _raises("max_pool", lambda: nn.max_pool(np.zeros((4, 4)), 2, 2, "SAME"), "(4, 4)")
    _raises("max_pool2d", lambda: nn.max_pool2d(np.zeros((4, 4, 2)), 2, 2, "SAME"),
            "(4, 4, 2)")


def test_error_pooling_type():
    _raises("pool", lambda: nn.pool(X, [2, 2], "MIN"), "'MIN'")


def test_error_avg_pool_of_integers():
    _raises("avg_pool2d", lambda: nn.avg_pool2d(X.astype(np.int32), 2, 2, "SAME"), "int32",
            exc=TypeError)


# -- tiled forward (one axis at a time) and the fused tiled gradient ---------------------
@pytest.mark.parametrize("shape,k", [((2, 6, 6, 3), (2, 2)), ((2, 7, 5, 3), (2, 2)),
                                     ((2, 9, 8, 2), (3, 3)), ((2, 6, 7, 2), (1, 2)),
                                     ((2, 5, 4, 1), (2, 1)), ((2, 9, 3), (2,)),
                                     ((1, 5, 4, 5, 2), (2, 2, 2)), ((1, 3, 3, 2), (1, 1))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_tiled_max_pool_forward_matches_the_tap_by_tap_path(shape, k, dtype):
    from ember.ops import pool as P
    x = np.random.default_rng(5).integers(-4, 4, shape).astype(dtype)   # ties too
    n = len(k)
    dil, pads = (1,) * n, ((0, 0),) * n
    out_sp = P._out_spatial(x.shape[1:-1], k, k, dil, pads)
    ref = P._combine_taps(np.maximum, x, out_sp, k, k, dil)
    got = P._max_pool_forward(np, x, k, k, dil, pads)
    assert got.dtype == x.dtype and got.flags.c_contiguous
    np.testing.assert_array_equal(got, ref)
    assert not np.shares_memory(got, x)


def test_tiled_max_pool_forward_propagates_nan():
    x = np.zeros((1, 4, 4, 1), np.float32)
    x[0, 1, 0, 0] = np.nan
    x[0, 3, 3, 0] = 5.0
    y = nn.max_pool2d(x, 2, 2, "VALID").numpy()[0, :, :, 0]
    assert np.isnan(y[0, 0]) and y[1, 1] == 5.0 and y[0, 1] == 0.0


@pytest.mark.parametrize("shape,k", [((3, 6, 6, 8), 2), ((2, 7, 5, 16), 2), ((2, 9, 8, 3), 3),
                                     ((1, 5, 4, 5, 8), 2)])
def test_tiled_max_pool_gradient_ties_match_the_generic_path(shape, k):
    # relu-like inputs: many all-zero windows and repeated positive values
    rng = np.random.default_rng(6)
    x = np.maximum(rng.integers(-2, 3, shape), 0).astype(np.float32)
    xt = ember.constant(x)
    with ember.GradientTape() as tape:
        tape.watch(xt)
        y = nn.max_pool(xt, k, k, "VALID")
    g = rng.normal(size=y.shape).astype(np.float32)
    dx = tape.gradient(y, xt, output_gradients=ember.constant(g)).numpy()
    _, dx_ref = _generic_max_pool_grad(x, k, g)
    np.testing.assert_array_equal(dx, dx_ref)


def test_tiled_max_pool_gradient_float64_finite_differences():
    rng = np.random.default_rng(7)
    x = rng.permutation(2 * 5 * 6 * 2).reshape(2, 5, 6, 2).astype(np.float64) / 10
    xt = ember.constant(x)
    with ember.GradientTape() as tape:
        tape.watch(xt)
        y = ember.reduce_sum(nn.max_pool2d(xt, 2, 2, "VALID") ** 3)
    dx = tape.gradient(y, xt).numpy()
    eps = 1e-6
    fd = np.zeros_like(x)
    f = lambda v: float(ember.reduce_sum(nn.max_pool2d(v, 2, 2, "VALID") ** 3).numpy())
    for i in np.ndindex(x.shape):
        xp_, xm = x.copy(), x.copy()
        xp_[i] += eps
        xm[i] -= eps
        fd[i] = (f(xp_) - f(xm)) / (2 * eps)
    np.testing.assert_allclose(dx, fd, rtol=1e-6, atol=1e-6)


# -- max_pool_relu_grad: the relu's gradient folded into the tiled max pool's -------------
@pytest.mark.parametrize("shape,ksize", [((3, 8, 8, 4), (2, 2)), ((2, 7, 9, 3), (2, 2)),
                                          ((2, 9, 5), (3,)), ((2, 4, 6, 5, 2), (2, 3, 2))])
@pytest.mark.parametrize("case", ["plain", "positive tie", "inf gradient", "nan input"])
def test_max_pool_relu_grad_equals_the_pair(shape, ksize, case):
    from ember.ops import activations, pool
    rng = np.random.default_rng(0)
    x = np.maximum(rng.standard_normal(shape).astype(np.float32), 0)
    n = len(ksize)
    y = pool._max_pool.primitive.forward(np, x, ksize=ksize, strides=ksize,
                                         dilations=(1,) * n, pads=((0, 0),) * n)
    g = rng.standard_normal(y.shape).astype(np.float32)
    if case == "positive tie":
        x[(0,) * (n + 1)] = x[(0,) + (1,) * n] = 7.0      # two maxima in one window
        y = pool._max_pool.primitive.forward(np, x, ksize=ksize, strides=ksize,
                                             dilations=(1,) * n, pads=((0, 0),) * n)
    elif case == "inf gradient":
        g[(0,) * (n + 2)] = np.inf
    elif case == "nan input":
        x[(1,) + (0,) * n] = np.nan
        y = pool._max_pool.primitive.forward(np, x, ksize=ksize, strides=ksize,
                                             dilations=(1,) * n, pads=((0, 0),) * n)
    want = activations._relu_grad.primitive.forward(
        np, pool._max_pool_grad.primitive.forward(np, g, x, y, ksize=ksize), x)
    with np.errstate(invalid="ignore"):
        got = pool._max_pool_relu_grad.primitive.forward(np, g, x, y, ksize=ksize)
    np.testing.assert_array_equal(got, want)


# -- the unique-maximum scatter: the fast route of both tiled max-pool gradients -----------
def _first_max_route(g, x, y, ksize):
    from ember.ops import pool
    mask = pool._window_mask(np, x, y, ksize)
    return pool._window_scatter_array(np, g, mask, x.shape, ksize)


@pytest.mark.parametrize("shape,ksize", [((4, 26, 26, 3), (2, 2)), ((3, 11, 11, 5), (2, 2)),
                                          ((2, 9, 9, 2), (3, 3)), ((2, 10, 7, 3), (2, 3)),
                                          ((3, 8, 4), (2,)), ((2, 5, 7, 5, 2), (2, 3, 2))])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("case", ["distinct", "ties", "zero channel", "inf gradient"])
def test_tiled_max_pool_gradients_equal_the_first_maximum_mask(shape, ksize, dtype, case):
    from ember.ops import activations, pool
    rng = np.random.default_rng(11)
    x = rng.standard_normal(shape).astype(dtype)
    if case == "ties":
        x = np.round(x * 2).astype(dtype)
    elif case == "zero channel":
        x[..., 0] = 0
    n = len(ksize)
    for xx in (x, np.maximum(x, 0)):
        y = pool._max_pool.primitive.forward(np, xx, ksize=ksize, strides=ksize,
                                             dilations=(1,) * n, pads=((0, 0),) * n)
        g = rng.standard_normal(y.shape).astype(dtype)
        if case == "inf gradient":
            g.flat[0] = np.inf
        with np.errstate(invalid="ignore"):
            want = _first_max_route(g, xx, y, ksize)
            got = pool._max_pool_grad.primitive.forward(np, g, xx, y, ksize=ksize)
            want_relu = activations._relu_grad.primitive.forward(np, want, xx)
            got_relu = pool._max_pool_relu_grad.primitive.forward(np, g, xx, y, ksize=ksize)
        assert got.dtype == want.dtype == got_relu.dtype
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(got_relu, want_relu)


def test_unique_max_scatter_declines_a_window_with_two_maxima():
    from ember.ops import pool
    x = np.array([[[[1.0], [3.0]], [[3.0], [2.0]]]], np.float32)   # (1, 2, 2, 1)
    y = np.array([[[[3.0]]]], np.float32)
    g = np.ones_like(y)
    assert pool._unique_max_scatter(np, g, x, y, y.size, (2, 2)) is None
    dx = pool._max_pool_grad.primitive.forward(np, g, x, y, ksize=(2, 2))
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0, 1], [0, 0]])    # the first one
