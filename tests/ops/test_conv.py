"""Convolutions (ember.nn.conv*, depthwise, separable, transposed) against direct NumPy loops."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember
from ember.core.errors import InvalidArgumentError
from opcheck import OpCase, table_tests

nn = ember.nn


# -- NumPy references (direct loops; tiny inputs only) ------------------------------------
def _same_pads(in_sp, ksize, strides, dilations):
    pads = []
    for i, k, s, d in zip(in_sp, ksize, strides, dilations):
        out = -(-i // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - i, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _pads(padding, in_sp, ksize, strides, dilations):
    if padding == "VALID":
        return [(0, 0)] * len(in_sp)
    if padding == "SAME":
        return _same_pads(in_sp, ksize, strides, dilations)
    return [tuple(p) for p in padding]          # spatial pairs


def ref_conv_cl(x, w, strides, dilations, pads, groups=1):
    """Channels-last grouped convolution by loops over outputs and taps."""
    n = x.ndim - 2
    xp = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)])
    ksize, cg, cout = w.shape[:n], w.shape[n], w.shape[n + 1]
    og = cout // groups
    out_sp = [(xp.shape[1 + i] - ((ksize[i] - 1) * dilations[i] + 1)) // strides[i] + 1
              for i in range(n)]
    y = np.zeros((x.shape[0],) + tuple(out_sp) + (cout,), np.float64)
    for o in itertools.product(*map(range, out_sp)):
        for kk in itertools.product(*map(range, ksize)):
            pos = tuple(o[i] * strides[i] + kk[i] * dilations[i] for i in range(n))
            v = xp[(slice(None),) + pos]
            for g in range(groups):
                y[(slice(None),) + o + (slice(g * og, (g + 1) * og),)] += (
                    v[:, g * cg:(g + 1) * cg] @ w[kk][:, g * og:(g + 1) * og])
    return y.astype(x.dtype)


def _cl(x, cf):
    return np.moveaxis(x, 1, -1) if cf else x


def _cf(y, cf):
    return np.moveaxis(y, -1, 1) if cf else y


def ref_conv(x, w, strides, padding, dilations=None, cf=False):
    n = w.ndim - 2
    strides = [strides] * n if np.isscalar(strides) else list(strides)
    dilations = [1] * n if dilations is None else (
        [dilations] * n if np.isscalar(dilations) else list(dilations))
    xc = _cl(x, cf)
    pads = _pads(padding, xc.shape[1:-1], w.shape[:n], strides, dilations)
    groups = xc.shape[-1] // w.shape[n]
    return _cf(ref_conv_cl(xc, w, strides, dilations, pads, groups), cf)


def ref_conv_transpose(x, w, out_shape, strides, padding, dilations=None, cf=False):
    """Scatter every input pixel through the filters (w is (*k, out, in))."""
    n = w.ndim - 2
    strides = [strides] * n if np.isscalar(strides) else list(strides)
    dilations = [1] * n if dilations is None else list(dilations)
    xc = _cl(x, cf)
    out_cl = (out_shape[0],) + tuple(out_shape[2:]) + (out_shape[1],) if cf else out_shape
    out_sp = out_cl[1:-1]
    pads = _pads(padding, out_sp, w.shape[:n], strides, dilations)
    padded = [d + lo + hi for d, (lo, hi) in zip(out_sp, pads)]
    y = np.zeros((out_cl[0],) + tuple(padded) + (out_cl[-1],), np.float64)
    for o in itertools.product(*map(range, xc.shape[1:-1])):
        for kk in itertools.product(*map(range, w.shape[:n])):
            pos = tuple(o[i] * strides[i] + kk[i] * dilations[i] for i in range(n))
            y[(slice(None),) + pos] += xc[(slice(None),) + o] @ w[kk].T
    y = y[(slice(None),) + tuple(slice(lo, lo + d) for (lo, _), d in zip(pads, out_sp))]
    return _cf(y.astype(x.dtype), cf)


def ref_depthwise(x, w, strides, padding, dilations=None, cf=False):
    kh, kw, c, m = w.shape
    return ref_conv(x, w.reshape(kh, kw, 1, c * m), strides, padding, dilations, cf)


# -- value / gradient tables --------------------------------------------------------------
def case(name, fn, ref, shapes, **kw):
    return OpCase(name, fn, ref, shapes, **kw)


EXPL2 = [[0, 0], [1, 2], [0, 1], [0, 0]]
EXPL2_CF = [[0, 0], [0, 0], [1, 2], [0, 1]]

CASES = [
    # conv1d
    case("conv1d_valid", lambda x, w: nn.conv1d(x, w, 1, "VALID"),
         lambda x, w: ref_conv(x, w, 1, "VALID"), [(2, 7, 3), (3, 3, 4)]),
    case("conv1d_same_stride2", lambda x, w: nn.conv1d(x, w, 2, "SAME"),
         lambda x, w: ref_conv(x, w, 2, "SAME"), [(2, 8, 2), (4, 2, 3)]),
    case("conv1d_ncw_dilated", lambda x, w: nn.conv1d(x, w, 1, "SAME", "NCW", dilations=2),
         lambda x, w: ref_conv(x, w, 1, "SAME", 2, cf=True), [(2, 3, 7), (3, 3, 2)]),
    case("conv1d_explicit", lambda x, w: nn.conv1d(x, w, [2], [[0, 0], [2, 1], [0, 0]]),
         lambda x, w: ref_conv(x, w, 2, [(2, 1)]), [(1, 6, 2), (3, 2, 2)]),
    # conv2d
    case("conv2d_valid", lambda x, w: nn.conv2d(x, w, 1, "VALID"),
         lambda x, w: ref_conv(x, w, 1, "VALID"), [(2, 5, 6, 3), (3, 3, 3, 4)],
         second_order=True),
    case("conv2d_same_stride2", lambda x, w: nn.conv2d(x, w, 2, "SAME"),
         lambda x, w: ref_conv(x, w, 2, "SAME"), [(2, 6, 5, 2), (3, 3, 2, 3)],
         second_order=True),
    case("conv2d_strides_dilations",
         lambda x, w: nn.conv2d(x, w, [1, 2, 1, 1], "SAME", dilations=[1, 1, 2, 1]),
         lambda x, w: ref_conv(x, w, (2, 1), "SAME", (1, 2)), [(1, 7, 6, 2), (2, 3, 2, 2)]),
    case("conv2d_explicit", lambda x, w: nn.conv2d(x, w, [1, 2], EXPL2),
         lambda x, w: ref_conv(x, w, (1, 2), [(1, 2), (0, 1)]), [(2, 4, 5, 2), (2, 3, 2, 3)]),
    case("conv2d_nchw_same", lambda x, w: nn.conv2d(x, w, 1, "SAME", "NCHW"),
         lambda x, w: ref_conv(x, w, 1, "SAME", cf=True), [(2, 3, 5, 4), (3, 2, 3, 2)]),
    case("conv2d_nchw_explicit", lambda x, w: nn.conv2d(x, w, 2, EXPL2_CF, "NCHW"),
         lambda x, w: ref_conv(x, w, 2, [(1, 2), (0, 1)], cf=True),
         [(1, 2, 5, 5), (3, 3, 2, 2)]),
    case("conv2d_groups2", lambda x, w: nn.conv2d(x, w, 1, "SAME"),
         lambda x, w: ref_conv(x, w, 1, "SAME"), [(2, 4, 4, 4), (3, 3, 2, 6)],
         second_order=True),
    case("conv2d_groups3_small", lambda x, w: nn.conv2d(x, w, (2, 1), "VALID"),
         lambda x, w: ref_conv(x, w, (2, 1), "VALID"), [(1, 5, 4, 6), (2, 2, 2, 3)]),
    case("conv2d_1x1_stride2", lambda x, w: nn.conv2d(x, w, 2, "VALID"),
         lambda x, w: ref_conv(x, w, 2, "VALID"), [(2, 5, 5, 3), (1, 1, 3, 2)]),
    case("conv2d_1x1", lambda x, w: nn.conv2d(x, w, 1, "SAME"),
         lambda x, w: ref_conv(x, w, 1, "SAME"), [(2, 3, 3, 3), (1, 1, 3, 2)]),
    case("conv2d_wide_channels", lambda x, w: nn.conv2d(x, w, 1, "VALID"),
         lambda x, w: ref_conv(x, w, 1, "VALID"), [(1, 4, 4, 6), (2, 2, 6, 2)]),
    case("conv1d_depthwise_groups", lambda x, w: nn.conv1d(x, w, 1, "SAME"),
         lambda x, w: ref_conv(x, w, 1, "SAME"), [(2, 6, 3), (3, 1, 6)], second_order=True),
    # conv3d
    case("conv3d_same", lambda x, w: nn.conv3d(x, w, [1, 1, 1, 1, 1], "SAME"),
         lambda x, w: ref_conv(x, w, 1, "SAME"), [(1, 3, 4, 3, 2), (2, 3, 2, 2, 2)]),
    case("conv3d_ncdhw_stride", lambda x, w: nn.conv3d(x, w, 2, "VALID", "NCDHW"),
         lambda x, w: ref_conv(x, w, 2, "VALID", cf=True), [(1, 2, 5, 4, 5), (3, 2, 2, 2, 2)]),
    case("conv3d_dilated", lambda x, w: nn.conv3d(x, w, 1, "VALID", dilations=[1, 2, 1, 1, 1]),
         lambda x, w: ref_conv(x, w, 1, "VALID", (2, 1, 1)), [(1, 5, 3, 3, 1),
                                                              (2, 2, 2, 1, 2)]),
    case("conv3d_groups2", lambda x, w: nn.conv3d(x, w, 1, "SAME"),
         lambda x, w: ref_conv(x, w, 1, "SAME"), [(1, 3, 3, 3, 4), (2, 2, 2, 2, 2)]),
    case("conv3d_depthwise_strided", lambda x, w: nn.conv3d(x, w, 2, "SAME"),
         lambda x, w: ref_conv(x, w, 2, "SAME"), [(1, 3, 4, 3, 2), (2, 2, 2, 1, 2)]),
    # convolution (rank from the filters)
    case("convolution_2d", lambda x, w: nn.convolution(x, w, padding="SAME"),
         lambda x, w: ref_conv(x, w, 1, "SAME"), [(2, 4, 4, 2), (3, 3, 2, 2)]),
    case("convolution_1d_cf", lambda x, w: nn.convolution(x, w, 2, "VALID", "NCW", 1),
         lambda x, w: ref_conv(x, w, 2, "VALID", cf=True), [(2, 2, 7), (3, 2, 3)]),
    # depthwise / separable
    case("depthwise_same_stride2",
         lambda x, w: nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"),
         lambda x, w: ref_depthwise(x, w, 2, "SAME"), [(2, 5, 5, 3), (3, 3, 3, 2)],
         second_order=True),
    case("depthwise_mult1_dilated",
         lambda x, w: nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID", dilations=[2, 1]),
         lambda x, w: ref_depthwise(x, w, 1, "VALID", (2, 1)), [(1, 6, 4, 3), (2, 2, 3, 1)]),
    case("depthwise_stride1_mult2_same",
         lambda x, w: nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME"),
         lambda x, w: ref_depthwise(x, w, 1, "SAME"), [(1, 4, 5, 2), (3, 2, 2, 2)]),
    case("depthwise_nchw",
         lambda x, w: nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME", data_format="NCHW"),
         lambda x, w: ref_depthwise(x, w, 1, "SAME", cf=True), [(1, 2, 4, 4), (3, 3, 2, 2)]),
    case("separable", lambda x, d, p: nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "SAME"),
         lambda x, d, p: ref_conv(ref_depthwise(x, d, 1, "SAME"), p, 1, "VALID"),
         [(1, 4, 4, 2), (3, 3, 2, 2), (1, 1, 4, 3)]),
    # transposed convolutions
    case("conv2d_transpose_same_s2",
         lambda x, w: nn.conv2d_transpose(x, w, [2, 6, 5, 2], 2, "SAME"),
         lambda x, w: ref_conv_transpose(x, w, (2, 6, 5, 2), 2, "SAME"),
         [(2, 3, 3, 3), (3, 3, 2, 3)], second_order=True),
    case("conv2d_transpose_valid",
         lambda x, w: nn.conv2d_transpose(x, w, [1, 6, 7, 2], [1, 2], "VALID"),
         lambda x, w: ref_conv_transpose(x, w, (1, 6, 7, 2), (1, 2), "VALID"),
         [(1, 4, 3, 3), (3, 2, 2, 3)]),
    case("conv2d_transpose_nchw",
         lambda x, w: nn.conv2d_transpose(x, w, [1, 2, 5, 5], 2, "SAME", "NCHW"),
         lambda x, w: ref_conv_transpose(x, w, (1, 2, 5, 5), 2, "SAME", cf=True),
         [(1, 3, 3, 3), (3, 3, 2, 3)]),
    case("conv2d_transpose_dilated",
         lambda x, w: nn.conv2d_transpose(x, w, [1, 5, 5, 1], 1, "SAME", dilations=2),
         lambda x, w: ref_conv_transpose(x, w, (1, 5, 5, 1), 1, "SAME", (2, 2)),
         [(1, 5, 5, 2), (2, 2, 1, 2)]),
    case("conv1d_transpose", lambda x, w: nn.conv1d_transpose(x, w, [2, 9, 2], 3, "VALID"),
         lambda x, w: ref_conv_transpose(x, w, (2, 9, 2), 3, "VALID"),
         [(2, 3, 3), (3, 2, 3)]),
    case("conv3d_transpose", lambda x, w: nn.conv3d_transpose(x, w, [1, 4, 3, 4, 2], 2),
         lambda x, w: ref_conv_transpose(x, w, (1, 4, 3, 4, 2), 2, "SAME"),
         [(1, 2, 2, 2, 2), (2, 2, 2, 2, 2)]),
    case("conv_transpose_explicit",
         lambda x, w: nn.conv_transpose(x, w, [1, 5, 4, 1], 1, [[0, 0], [1, 0], [0, 1],
                                                                [0, 0]]),
         lambda x, w: ref_conv_transpose(x, w, (1, 5, 4, 1), 1, [(1, 0), (0, 1)]),
         [(1, 5, 4, 2), (2, 2, 1, 2)]),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


def test_second_order_gradient_of_input_gradient_wrt_filters():
    """d/dw sum(dL/dx * v) for L = sum(conv2d(x, w) * c) equals finite differences."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(1, 4, 4, 2))
    w0 = rng.normal(size=(3, 3, 2, 2))
    c = rng.normal(size=(1, 2, 2, 2))
    v = rng.normal(size=x.shape)

    def h(wv):
        xt = ember.constant(x)
        w = wv if isinstance(wv, ember.Tensor) else ember.constant(wv)
        with ember.GradientTape() as t:
            t.watch(xt)
            loss = ember.reduce_sum(nn.conv2d(xt, w, 2, "SAME") * ember.constant(c))
        gx = t.gradient(loss, xt)
        return ember.reduce_sum(gx * ember.constant(v))

    w = ember.constant(w0)
    with ember.GradientTape() as outer:
        outer.watch(w)
        val = h(w)
    got = outer.gradient(val, w).numpy()
    num = np.zeros_like(w0)
    for i in np.ndindex(w0.shape):
        wp, wm = w0.copy(), w0.copy()
        wp[i] += 1e-6
        wm[i] -= 1e-6
        num[i] = (float(h(wp)) - float(h(wm))) / 2e-6
    np.testing.assert_allclose(got, num, rtol=1e-6, atol=1e-7)
    assert float(val) != 0.0


# -- properties ---------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 2), h=st.integers(1, 6), w=st.integers(1, 6),
       cin_g=st.integers(1, 3), groups=st.integers(1, 2), cout_g=st.integers(1, 2),
       kh=st.integers(1, 3), kw=st.integers(1, 3), sh=st.integers(1, 3), sw=st.integers(1, 2),
       dh=st.integers(1, 2), dw=st.integers(1, 2), padding=st.sampled_from(["SAME", "VALID"]),
       cf=st.booleans())
def test_conv2d_matches_reference(n, h, w, cin_g, groups, cout_g, kh, kw, sh, sw, dh, dw,
                                  padding, cf):
    if padding == "VALID" and (h < (kh - 1) * dh + 1 or w < (kw - 1) * dw + 1):
        return
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, h, w, cin_g * groups)).astype(np.float32)
    f = rng.normal(size=(kh, kw, cin_g, cout_g * groups)).astype(np.float32)
    if cf:
        x = np.moveaxis(x, -1, 1).copy()
    got = nn.conv2d(x, f, [sh, sw], padding, "NCHW" if cf else "NHWC", [dh, dw])
    want = ref_conv(x, f, (sh, sw), padding, (dh, dw), cf)
    assert got.dtype == ember.float32
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(h=st.integers(1, 5), kh=st.integers(1, 3), s=st.integers(1, 3), d=st.integers(1, 2),
       padding=st.sampled_from(["SAME", "VALID"]), extra=st.integers(0, 2))
def test_conv1d_transpose_is_adjoint_of_conv1d(h, kh, s, d, padding, extra):
    """<conv1d(y, w), x> == <conv1d_transpose(x, w), y> for every output size that fits."""
    out_len = (h - 1) * s + ((kh - 1) * d + 1 if padding == "VALID" else 1) + \
        (extra % s if s > 1 else 0)
    rng = np.random.default_rng(1)
    w = rng.normal(size=(kh, 2, 3))
    y = rng.normal(size=(1, out_len, 2))
    fwd = nn.conv1d(y, w, s, padding, dilations=d).numpy()
    if fwd.shape[1] != h:
        return
    x = rng.normal(size=(1, h, 3))
    back = nn.conv1d_transpose(x, w, [1, out_len, 2], s, padding, dilations=d).numpy()
    np.testing.assert_allclose((fwd * x).sum(), (back * y).sum(), rtol=1e-9)


# -- misc behaviour -----------------------------------------------------------------------
def test_grouped_conv2d_transpose_is_adjoint():
    rng = np.random.default_rng(2)
    w = rng.normal(size=(3, 3, 2, 6))           # out_channels per group 2, 3 groups of 2
    y = rng.normal(size=(1, 5, 5, 6))
    fwd = nn.conv2d(y, w, 2, "SAME").numpy()
    x = rng.normal(size=fwd.shape)
    back = nn.conv2d_transpose(x, w, [1, 5, 5, 6], 2, "SAME").numpy()
    np.testing.assert_allclose((fwd * x).sum(), (back * y).sum(), rtol=1e-10)


def test_large_batches_are_processed_in_chunks(monkeypatch):
    """Batches whose im2col matrix exceeds the budget run in chunks with equal results."""
    import ember.ops.conv as conv_module
    rng = np.random.default_rng(4)
    x = ember.constant(rng.normal(size=(5, 4, 4, 3)))
    w = ember.constant(rng.normal(size=(3, 3, 3, 2)))

    def run():
        with ember.GradientTape() as tape:
            tape.watch(x)
            tape.watch(w)
            y = nn.conv2d(x, w, 1, "SAME")
            loss = ember.reduce_sum(y * y)
        return [y.numpy()] + [g.numpy() for g in tape.gradient(loss, [x, w])]

    whole = run()
    monkeypatch.setattr(conv_module, "_COLS_BUDGET", 200)
    for a, b in zip(whole, run()):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_float32_stays_float32_and_lists_are_accepted():
    x = [[[[1.0], [2.0]], [[3.0], [4.0]]]]
    w = [[[[1.0]], [[1.0]]], [[[1.0]], [[1.0]]]]
    y = nn.conv2d(x, w, 1, "VALID")
    assert y.dtype == ember.float32
    assert y.numpy().ravel().tolist() == [10.0]


def test_variable_filters_get_gradients():
    w = ember.Variable(np.ones((2, 2, 1, 1), np.float32))
    x = ember.constant(np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1))
    with ember.GradientTape() as tape:
        y = ember.reduce_sum(nn.conv2d(x, w, 1, "VALID"))
    g = tape.gradient(y, w)
    np.testing.assert_allclose(g.numpy().ravel(), [8, 12, 20, 24])


def test_extra_leading_batch_dims():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 4, 4, 2)).astype(np.float32)
    w = rng.normal(size=(3, 3, 2, 2)).astype(np.float32)
    y = nn.conv2d(x, w, 1, "SAME")
    assert y.shape == (2, 3, 4, 4, 2)
    np.testing.assert_allclose(y.numpy()[1], ref_conv(x[1], w, 1, "SAME"), rtol=1e-4,
                               atol=1e-5)


def test_lowercase_padding_and_conv1d_stride_list():
    x = np.ones((1, 5, 1), np.float32)
    w = np.ones((3, 1, 1), np.float32)
    assert nn.conv1d(x, w, [1, 2, 1], "same").shape == (1, 3, 1)


# -- errors -------------------------------------------------------------------------------
def _raises(op, fn, *needles, exc=InvalidArgumentError):
    with pytest.raises(exc) as info:
        fn()
    msg = str(info.value)
    assert msg.startswith(f"ember.{op}:"), msg
    for n in needles:
        assert n in msg, msg


X4 = np.zeros((1, 5, 5, 3), np.float32)
W4 = np.zeros((3, 3, 3, 4), np.float32)


def test_error_channel_mismatch():
    _raises("conv2d", lambda: nn.conv2d(X4, np.zeros((3, 3, 2, 4), np.float32), 1, "SAME"),
            "(1, 5, 5, 3)", "(3, 3, 2, 4)")


def test_error_groups_out_channels():
    _raises("conv2d", lambda: nn.conv2d(X4, np.zeros((3, 3, 1, 4), np.float32), 1, "SAME"),
            "out_channels 4")


def test_error_bad_padding_string():
    _raises("conv2d", lambda: nn.conv2d(X4, W4, 1, "FULL"), "'FULL'")


def test_error_bad_explicit_padding():
    _raises("conv2d", lambda: nn.conv2d(X4, W4, 1, [[1, 1], [1, 1], [1, 1], [0, 0]]),
            "batch and channel")
    _raises("conv2d", lambda: nn.conv2d(X4, W4, 1, [[0, 0], [1, 1], [0, 0]]), "pairs")


def test_error_bad_data_format():
    _raises("conv2d", lambda: nn.conv2d(X4, W4, 1, "SAME", data_format="NWC"), "'NWC'")
    _raises("conv1d", lambda: nn.conv1d(X4[0], W4[0], 1, "SAME", data_format="NHWC"),
            "'NHWC'")


def test_error_stride_zero():
    _raises("conv2d", lambda: nn.conv2d(X4, W4, 0, "SAME"), "strides")
    _raises("conv2d", lambda: nn.conv2d(X4, W4, [1, 2, 2, 2], "SAME"), "strides")
    _raises("conv3d", lambda: nn.conv3d(np.zeros((1, 3, 3, 3, 1)), np.zeros((1, 1, 1, 1, 1)),
                                        [1, 0, 1], "SAME"), "strides")


def test_error_ranks():
    _raises("conv2d", lambda: nn.conv2d(X4[0], W4, 1, "SAME"), "(5, 5, 3)")
    _raises("conv2d", lambda: nn.conv2d(X4, W4[0], 1, "SAME"), "(3, 3, 4)")


def test_error_filter_larger_than_input():
    _raises("conv2d", lambda: nn.conv2d(X4[:, :2], W4, 1, "VALID"), "(1, 2, 5, 3)")


def test_error_transpose_output_shape_mismatch():
    x = np.zeros((1, 3, 3, 3), np.float32)
    w = np.zeros((3, 3, 2, 3), np.float32)
    _raises("conv2d_transpose", lambda: nn.conv2d_transpose(x, w, [1, 9, 9, 2], 2, "SAME"),
            "(3, 3)", "(5, 5)")
    _raises("conv2d_transpose", lambda: nn.conv2d_transpose(
        x, np.zeros((3, 3, 2, 4), np.float32), [1, 6, 6, 2], 2), "in_channels")


def test_error_depthwise_channels():
    _raises("depthwise_conv2d", lambda: nn.depthwise_conv2d(
        X4, np.zeros((3, 3, 2, 1), np.float32), [1, 1, 1, 1], "SAME"), "(3, 3, 2, 1)")
