"""keras.ops convolution / pooling / rearrangement ops: values vs direct NumPy loops,
gradients vs finite differences, symbolic use, errors.

Constants marked "Keras" were checked against Keras 3.15 (JAX backend) while writing."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_grad

import ember
from ember import keras
from ember.keras.ops import nn_conv as kops

rng = np.random.default_rng(0)


def _r(*shape):
    return rng.normal(size=shape).astype("float32")


# ---- NumPy references (direct loops over kernel taps) -----------------------------------
def _tup(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def _same_pads(size, k, s, d):
    eff = (k - 1) * d + 1
    total = max((-(-size // s) - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def _to_last(x, cf):
    return np.moveaxis(x, 1, -1) if cf else x


def _from_last(y, cf):
    return np.moveaxis(y, -1, 1) if cf else y


def _windows(x, ksize, strides, dilation, padding, fill):
    """Padded x (channels last) and, per tap, the strided view of the window element."""
    n = x.ndim - 2
    pads = [(0, 0)] * n if padding == "valid" else [
        _same_pads(x.shape[1 + i], ksize[i], strides[i], dilation[i]) for i in range(n)]
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=fill)
    out = [(xp.shape[1 + i] - (ksize[i] - 1) * dilation[i] - 1) // strides[i] + 1
           for i in range(n)]
    taps = {}
    for tap in itertools.product(*[range(k) for k in ksize]):
        sl = tuple(slice(t * d, t * d + s * (o - 1) + 1, s)
                   for t, d, s, o in zip(tap, dilation, strides, out))
        taps[tap] = xp[(slice(None),) + sl]
    return taps, pads


def conv_ref(x, w, strides=1, padding="valid", cf=False, dilation=1):
    x = _to_last(x, cf).astype(np.float64)
    n = x.ndim - 2
    ksize = w.shape[:n]
    taps, _ = _windows(x, ksize, _tup(strides, n), _tup(dilation, n), padding, 0)
    cin, cout = w.shape[-2:]
    groups = x.shape[-1] // cin
    out = 0
    for tap, v in taps.items():
        vg = v.reshape(v.shape[:-1] + (groups, cin))
        wg = w[tap].reshape(cin, groups, cout // groups)
        out = out + np.einsum("...gi,igo->...go", vg, wg).reshape(v.shape[:-1] + (cout,))
    return _from_last(out, cf)


def pool_ref(x, pool, strides=None, padding="valid", cf=False, kind="max"):
    x = _to_last(x, cf).astype(np.float64)
    n = x.ndim - 2
    pool = _tup(pool, n)
    strides = pool if strides is None else _tup(strides, n)
    fill = -np.inf if kind == "max" else np.nan
    taps, _ = _windows(x, pool, strides, (1,) * n, padding, fill)
    stack = np.stack(list(taps.values()))
    out = stack.max(0) if kind == "max" else np.nanmean(stack, 0)
    return _from_last(out, cf)


def adaptive_ref(x, out_size, cf=False, kind="max"):
    x = _to_last(x, cf).astype(np.float64)
    n = x.ndim - 2
    out_size = _tup(out_size, n)
    bounds = [[(i * L // o, -(-(i + 1) * L // o)) for i in range(o)]
              for L, o in zip(x.shape[1:-1], out_size)]
    out = np.zeros((x.shape[0],) + out_size + (x.shape[-1],))
    for pos in itertools.product(*[range(o) for o in out_size]):
        sl = tuple(slice(*bounds[i][p]) for i, p in enumerate(pos))
        win = x[(slice(None),) + sl]
        axes = tuple(range(1, n + 1))
        out[(slice(None),) + pos] = win.max(axes) if kind == "max" else win.mean(axes)
    return _from_last(out, cf)


def _keras_transpose_pads(k, s, d, padding, output_padding):
    """Keras's (left, right) padding of the stride-dilated input of conv_transpose."""
    eff = (k - 1) * d + 1
    if padding == "valid":
        op = max(eff, s) - eff if output_padding is None else output_padding
        return eff - 1, eff - 1 + op
    total = s + eff - 2 if output_padding is None else eff + eff % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, eff - 1)
    return left, total - left


def conv_transpose_ref(x, w, strides=1, padding="valid", output_padding=None, cf=False,
                       dilation=1):
    """Scatter every input position through the kernel, then crop to Keras's size."""
    x = _to_last(x, cf).astype(np.float64)
    n = x.ndim - 2
    strides, dilation = _tup(strides, n), _tup(dilation, n)
    ops_ = (None,) * n if output_padding is None else _tup(output_padding, n)
    ksize = w.shape[:n]
    eff = [(k - 1) * d + 1 for k, d in zip(ksize, dilation)]
    full_sp = [(i - 1) * s + e for i, s, e in zip(x.shape[1:-1], strides, eff)]
    full = np.zeros((x.shape[0],) + tuple(full_sp) + (w.shape[-2],))
    for tap in itertools.product(*[range(k) for k in ksize]):
        contrib = np.einsum("...i,oi->...o", x, w[tap])
        sl = tuple(slice(t * d, t * d + s * (size - 1) + 1, s) for t, d, s, size in
                   zip(tap, dilation, strides, x.shape[1:-1]))
        full[(slice(None),) + sl] += contrib
    for i in range(n):
        left, right = _keras_transpose_pads(ksize[i], strides[i], dilation[i], padding, ops_[i])
        crop_l, crop_r = eff[i] - 1 - left, eff[i] - 1 - right
        if crop_r < 0:
            pad = [(0, 0)] * full.ndim
            pad[1 + i] = (0, -crop_r)
            full, crop_r = np.pad(full, pad), 0
        full = np.take(full, np.arange(crop_l, full.shape[1 + i] - crop_r), axis=1 + i)
    return _from_last(full, cf)


def depthwise_ref(x, w, strides=1, padding="valid", cf=False, dilation=1):
    n = x.ndim - 2
    c, m = w.shape[-2:]
    return conv_ref(x, w.reshape(w.shape[:n] + (1, c * m)), strides, padding, cf, dilation)


def d2s_ref(x, r, cf=False):
    if cf:
        n, c, h, w = x.shape
        nc = c // (r * r)
        out = np.zeros((n, nc, h * r, w * r), x.dtype)
        for i, j, ch in itertools.product(range(r), range(r), range(nc)):
            out[:, ch, i::r, j::r] = x[:, ch * r * r + i * r + j]
        return out
    n, h, w, c = x.shape
    nc = c // (r * r)
    out = np.zeros((n, h * r, w * r, nc), x.dtype)
    for i, j in itertools.product(range(r), range(r)):
        out[:, i::r, j::r, :] = x[..., (i * r + j) * nc:(i * r + j + 1) * nc]
    return out


def unfold_ref(x, k, d=1, p=0, s=1):
    k, d, p, s = _tup(k, 2), _tup(d, 2), _tup(p, 2), _tup(s, 2)
    xp = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    oh = (xp.shape[2] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (xp.shape[3] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    cols = np.zeros(x.shape[:2] + k + (oh, ow), x.dtype)
    for i, j in itertools.product(range(k[0]), range(k[1])):
        cols[:, :, i, j] = xp[:, :, i * d[0]:i * d[0] + s[0] * (oh - 1) + 1:s[0],
                              j * d[1]:j * d[1] + s[1] * (ow - 1) + 1:s[1]]
    return cols.reshape(x.shape[0], -1, oh * ow)


# ---- values --------------------------------------------------------------------------------
X1, X2, X3, X2CF = _r(2, 9, 3), _r(2, 7, 8, 3), _r(1, 5, 6, 4, 2), _r(2, 3, 7, 8)
K1, K2, K3, K2G = _r(3, 3, 4), _r(3, 2, 3, 5), _r(2, 3, 2, 2, 3), _r(3, 3, 1, 6)
DW1, PW1, DW2, PW2 = _r(3, 3, 2), _r(1, 6, 5), _r(3, 3, 3, 2), _r(1, 1, 6, 4)
KT1, KT2, KT3 = _r(4, 2, 3), _r(3, 3, 4, 3), _r(2, 3, 2, 3, 2)
U = _r(2, 3, 6, 7)
_D, _DCF = _r(2, 3, 2, 12), _r(2, 12, 3, 2)

VALUE_CASES = [
    ("max_pool_1d", lambda: kops.max_pool(X1, 2), lambda: pool_ref(X1, 2)),
    ("max_pool_2d_same", lambda: kops.max_pool(X2, 3, 2, "same"),
     lambda: pool_ref(X2, 3, 2, "same")),
    ("max_pool_2d_cf", lambda: kops.max_pool(X2CF, (2, 3), (1, 2), "SAME", "channels_first"),
     lambda: pool_ref(X2CF, (2, 3), (1, 2), "same", True)),
    ("max_pool_3d", lambda: kops.max_pool(X3, 2, 1), lambda: pool_ref(X3, 2, 1)),
    ("average_pool_1d_same", lambda: kops.average_pool(X1, 3, 2, "same"),
     lambda: pool_ref(X1, 3, 2, "same", kind="avg")),
    ("average_pool_2d", lambda: kops.average_pool(X2, (2, 3)),
     lambda: pool_ref(X2, (2, 3), kind="avg")),
    ("average_pool_2d_cf", lambda: kops.average_pool(X2CF, 3, 2, "same", "channels_first"),
     lambda: pool_ref(X2CF, 3, 2, "same", True, "avg")),
    ("average_pool_3d_same", lambda: kops.average_pool(X3, 2, 2, "same"),
     lambda: pool_ref(X3, 2, 2, "same", kind="avg")),
    ("adaptive_max_pool_1d", lambda: kops.adaptive_max_pool(X1, 4), lambda: adaptive_ref(X1, 4)),
    ("adaptive_max_pool_2d", lambda: kops.adaptive_max_pool(X2, (3, 5)),
     lambda: adaptive_ref(X2, (3, 5))),
    ("adaptive_max_pool_2d_cf", lambda: kops.adaptive_max_pool(X2CF, (4, 3), "channels_first"),
     lambda: adaptive_ref(X2CF, (4, 3), True)),
    ("adaptive_max_pool_3d", lambda: kops.adaptive_max_pool(X3, (2, 4, 3)),
     lambda: adaptive_ref(X3, (2, 4, 3))),
    ("adaptive_average_pool_1d_up", lambda: kops.adaptive_average_pool(X1, 12),
     lambda: adaptive_ref(X1, 12, kind="avg")),
    ("adaptive_average_pool_2d", lambda: kops.adaptive_average_pool(X2, (3, 5)),
     lambda: adaptive_ref(X2, (3, 5), kind="avg")),
    ("adaptive_average_pool_2d_cf", lambda: kops.adaptive_average_pool(
        X2CF, 4, "channels_first"), lambda: adaptive_ref(X2CF, 4, True, "avg")),
    ("adaptive_average_pool_3d", lambda: kops.adaptive_average_pool(X3, (2, 4, 3)),
     lambda: adaptive_ref(X3, (2, 4, 3), kind="avg")),
    ("conv_1d", lambda: kops.conv(X1, K1), lambda: conv_ref(X1, K1)),
    ("conv_1d_same_strided", lambda: kops.conv(X1, K1, 2, "same"),
     lambda: conv_ref(X1, K1, 2, "same")),
    ("conv_2d", lambda: kops.conv(X2, K2, (2, 1), "same"), lambda: conv_ref(X2, K2, (2, 1), "same")),
    ("conv_2d_dilated", lambda: kops.conv(X2, K2, 1, "same", dilation_rate=(2, 1)),
     lambda: conv_ref(X2, K2, 1, "same", dilation=(2, 1))),
    ("conv_2d_cf", lambda: kops.conv(X2CF, K2, 2, "valid", "channels_first"),
     lambda: conv_ref(X2CF, K2, 2, "valid", True)),
    ("conv_3d", lambda: kops.conv(X3, K3, 1, "same"), lambda: conv_ref(X3, K3, 1, "same")),
    ("conv_2d_grouped", lambda: kops.conv(X2, K2G), lambda: conv_ref(X2, K2G)),
    ("depthwise_conv_2d", lambda: kops.depthwise_conv(X2, DW2, 1, "same"),
     lambda: depthwise_ref(X2, DW2, 1, "same")),
    ("depthwise_conv_2d_strided", lambda: kops.depthwise_conv(X2, DW2, 2),
     lambda: depthwise_ref(X2, DW2, 2)),
    ("depthwise_conv_1d", lambda: kops.depthwise_conv(X1, DW1, 2, "same"),
     lambda: depthwise_ref(X1, DW1, 2, "same")),
    ("depthwise_conv_2d_cf", lambda: kops.depthwise_conv(X2CF, DW2, 1, "same",
                                                         "channels_first", 2),
     lambda: depthwise_ref(X2CF, DW2, 1, "same", True, 2)),
    ("separable_conv_2d", lambda: kops.separable_conv(X2, DW2, PW2, 1, "same"),
     lambda: conv_ref(depthwise_ref(X2, DW2, 1, "same"), PW2)),
    ("separable_conv_1d", lambda: kops.separable_conv(X1, DW1, PW1, 2),
     lambda: conv_ref(depthwise_ref(X1, DW1, 2), PW1)),
    ("conv_transpose_2d_valid", lambda: kops.conv_transpose(X2, KT2, 2),
     lambda: conv_transpose_ref(X2, KT2, 2)),
    ("conv_transpose_2d_same", lambda: kops.conv_transpose(X2, KT2, 2, "same"),
     lambda: conv_transpose_ref(X2, KT2, 2, "same")),
    ("conv_transpose_2d_same_op", lambda: kops.conv_transpose(X2, KT2, 2, "same", 1),
     lambda: conv_transpose_ref(X2, KT2, 2, "same", 1)),
    ("conv_transpose_2d_valid_op", lambda: kops.conv_transpose(X2, KT2, (2, 3), "valid", (1, 2)),
     lambda: conv_transpose_ref(X2, KT2, (2, 3), "valid", (1, 2))),
    ("conv_transpose_2d_dilated", lambda: kops.conv_transpose(X2, KT2, 1, "same",
                                                              dilation_rate=2),
     lambda: conv_transpose_ref(X2, KT2, 1, "same", dilation=2)),
    ("conv_transpose_1d", lambda: kops.conv_transpose(X1, KT1, 3, "same", 2),
     lambda: conv_transpose_ref(X1, KT1, 3, "same", 2)),
    ("conv_transpose_1d_valid_op", lambda: kops.conv_transpose(X1, KT1, 2, "valid", 3),
     lambda: conv_transpose_ref(X1, KT1, 2, "valid", 3)),
    ("conv_transpose_2d_cf", lambda: kops.conv_transpose(X2CF, KT2, 2, "same",
                                                         data_format="channels_first"),
     lambda: conv_transpose_ref(X2CF, KT2, 2, "same", cf=True)),
    ("conv_transpose_3d", lambda: kops.conv_transpose(X3, KT3, 2, "same"),
     lambda: conv_transpose_ref(X3, KT3, 2, "same")),
    ("depth_to_space", lambda: kops.depth_to_space(_D, 2), lambda: d2s_ref(_D, 2)),
    ("depth_to_space_cf", lambda: kops.depth_to_space(_DCF, 2, "channels_first"),
     lambda: d2s_ref(_DCF, 2, True)),
    ("space_to_depth", lambda: kops.space_to_depth(d2s_ref(_D, 2), 2), lambda: _D),
    ("space_to_depth_cf", lambda: kops.space_to_depth(d2s_ref(_DCF, 2, True), 2,
                                                      "channels_first"), lambda: _DCF),
    ("unfold", lambda: kops.unfold(U, 3), lambda: unfold_ref(U, 3)),
    ("unfold_args", lambda: kops.unfold(U, (2, 3), dilation=(2, 1), padding=(1, 2),
                                        stride=(2, 3)),
     lambda: unfold_ref(U, (2, 3), (2, 1), (1, 2), (2, 3))),
]


@pytest.mark.parametrize("call,ref", [c[1:] for c in VALUE_CASES],
                         ids=[c[0] for c in VALUE_CASES])
def test_values_match_numpy(call, ref):
    got, want = call(), ref()
    assert got.dtype == ember.float32
    got = got.numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("k,s,p,op,d,size", [  # output lengths from Keras, input length 5
    (3, 2, "valid", None, 1, 11), (3, 2, "same", None, 1, 10), (3, 2, "same", 1, 1, 10),
    (3, 2, "valid", 1, 1, 12), (4, 3, "valid", 2, 1, 18), (4, 3, "same", 0, 1, 12),
    (2, 1, "same", None, 2, 5), (1, 3, "valid", None, 1, 15), (5, 2, "same", None, 1, 10),
    (3, 3, "valid", 4, 1, 19)])
def test_conv_transpose_output_sizes_follow_keras(k, s, p, op, d, size):
    y = kops.conv_transpose(np.ones((1, 5, 3), "float32"), np.ones((k, 2, 3), "float32"), s,
                            p, op, None, d)
    assert tuple(y.shape) == (1, size, 2)


def test_keras_constants():
    x = np.arange(5, dtype="float32").reshape(1, 5, 1)
    w = np.array([1.0, 2.0, 3.0], "float32").reshape(3, 1, 1)
    assert kops.conv_transpose(x, w, 2, "same").numpy().ravel().tolist() == \
        [0, 0, 1, 2, 5, 4, 9, 6, 13, 8]                                       # Keras
    assert kops.conv_transpose(x, w, 2, "valid", 1).numpy().ravel().tolist() == \
        [0, 0, 1, 2, 5, 4, 9, 6, 13, 8, 12, 0]                                # Keras
    x = np.arange(7, dtype="float32").reshape(1, 7, 1)
    assert kops.adaptive_average_pool(x, 3).numpy().ravel().tolist() == [1.0, 3.0, 5.0]
    assert kops.adaptive_max_pool(x, 3).numpy().ravel().tolist() == [2.0, 4.0, 6.0]


def test_fold_is_the_adjoint_of_unfold():
    args = {"kernel_size": (2, 3), "dilation": (2, 1), "padding": (1, 2), "stride": (2, 3)}
    cols = kops.unfold(U, **args)
    y = _r(*cols.shape)
    back = kops.fold(y, (6, 7), **args).numpy()
    assert back.shape == U.shape
    np.testing.assert_allclose(np.sum(cols.numpy() * y), np.sum(U * back), rtol=1e-4)
    # non-overlapping blocks: fold undoes unfold exactly
    np.testing.assert_allclose(kops.fold(kops.unfold(U[:, :, :6, :6], 2, stride=2), 6, 2,
                                         stride=2).numpy(), U[:, :, :6, :6])
    # overlapping blocks add up: each pixel counted once per block containing it
    ones = kops.fold(kops.unfold(np.ones((1, 1, 4, 4), "float32"), 3), (4, 4), 3).numpy()
    np.testing.assert_allclose(ones[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2],
                                            [1, 2, 2, 1]])


def test_dtypes():
    xi = np.arange(16, dtype="int32").reshape(1, 4, 4, 1)
    assert kops.max_pool(xi, 2).dtype == ember.int32
    assert kops.average_pool(xi, 2).dtype == ember.float32
    assert kops.adaptive_max_pool(xi, 2).dtype == ember.int32
    assert kops.adaptive_average_pool(xi, 2).dtype == ember.float32
    assert kops.conv(xi, np.ones((2, 2, 1, 1), "int32")).dtype == ember.float32
    x64 = X2.astype("float64")
    assert kops.conv(x64, K2).dtype == ember.float64
    assert kops.depth_to_space(np.zeros((1, 1, 1, 4), "int32"), 2).dtype == ember.int32
    assert kops.unfold(U.astype("float64"), 2).dtype == ember.float64


# ---- gradients ----------------------------------------------------------------------------
def _inputs(*shapes):
    return lambda r: [r.normal(size=s) for s in shapes]


def _distinct(*shape):
    """Well-separated values, so that max pooling's winner is stable under eps."""
    def make(r):
        return [r.permutation(np.prod(shape)).reshape(shape) * 0.1]
    return make


GRAD_CASES = [
    OpCase("conv", lambda x, w: kops.conv(x, w, 2, "same"), None, [(1, 5, 4, 2), (3, 2, 2, 2)]),
    OpCase("conv_grouped_cf", lambda x, w: kops.conv(x, w, 1, "valid", "channels_first", 2),
           None, [(1, 4, 5, 3), (2, 2, 2, 2)]),
    OpCase("depthwise_conv", lambda x, w: kops.depthwise_conv(x, w, 1, "same"), None,
           [(1, 4, 3, 2), (2, 2, 2, 2)]),
    OpCase("separable_conv", lambda x, d, p: kops.separable_conv(x, d, p, 2, "same"), None,
           [(1, 5, 2), (3, 2, 2), (1, 4, 3)]),
    OpCase("conv_transpose", lambda x, w: kops.conv_transpose(x, w, 2, "same", 1), None,
           [(1, 3, 3, 2), (3, 2, 3, 2)]),
    OpCase("conv_transpose_valid_op", lambda x, w: kops.conv_transpose(x, w, 2, "valid", 2),
           None, [(1, 3, 2), (2, 3, 2)]),
    OpCase("max_pool", lambda x: kops.max_pool(x, 2, 1, "same"), None, [],
           make_inputs=_distinct(1, 4, 4, 2)),
    OpCase("average_pool", lambda x: kops.average_pool(x, 3, 2, "same"), None, [(1, 5, 4, 2)]),
    OpCase("adaptive_max_pool", lambda x: kops.adaptive_max_pool(x, (2, 3)), None, [],
           make_inputs=_distinct(1, 5, 4, 2)),
    OpCase("adaptive_average_pool", lambda x: kops.adaptive_average_pool(x, (3, 2)), None,
           [(1, 5, 4, 2)]),
    OpCase("depth_to_space", lambda x: kops.depth_to_space(x, 2, "channels_first"), None,
           [(1, 8, 2, 2)]),
    OpCase("space_to_depth", lambda x: kops.space_to_depth(x, 2), None, [(1, 4, 2, 2)]),
    OpCase("unfold", lambda x: kops.unfold(x, 2, padding=1, stride=2), None, [(1, 2, 3, 4)]),
    OpCase("fold", lambda x: kops.fold(x, (3, 4), 2, padding=1), None, [(1, 8, 20)]),
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_gradients(case):
    check_grad(case)


# ---- property tests ----------------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 2), size=st.integers(3, 7), k=st.integers(1, 3), s=st.integers(1, 3),
       d=st.integers(1, 2), padding=st.sampled_from(["valid", "same"]), cf=st.booleans())
def test_conv_and_transpose_match_references(n, size, k, s, d, padding, cf):
    r = np.random.default_rng(size * 7 + k)
    shape = (2,) + (size,) * n + (3,)
    x = r.normal(size=shape).astype("float32")
    if cf:
        x = np.moveaxis(x, -1, 1).copy()
    w = r.normal(size=(k,) * n + (3, 2)).astype("float32")
    fmt = "channels_first" if cf else "channels_last"
    if (k - 1) * d + 1 <= size:
        got = kops.conv(x, w, s, padding, fmt, d).numpy()
        np.testing.assert_allclose(got, conv_ref(x, w, s, padding, cf, d), rtol=1e-4, atol=1e-4)
    wt = r.normal(size=(k,) * n + (2, 3)).astype("float32")
    got = kops.conv_transpose(x, wt, s, padding, None, fmt, d).numpy()
    np.testing.assert_allclose(got, conv_transpose_ref(x, wt, s, padding, None, cf, d),
                               rtol=1e-4, atol=1e-4)
    got = kops.max_pool(x, k, s, padding, fmt).numpy()
    np.testing.assert_allclose(got, pool_ref(x, k, s, padding, cf), rtol=1e-6)


@settings(max_examples=20, deadline=None)
@given(size=st.tuples(st.integers(1, 9), st.integers(1, 9)),
       out=st.tuples(st.integers(1, 5), st.integers(1, 5)))
def test_adaptive_pools_match_reference(size, out):
    x = np.random.default_rng(sum(size)).normal(size=(1,) + size + (2,)).astype("float32")
    np.testing.assert_allclose(kops.adaptive_max_pool(x, out).numpy(), adaptive_ref(x, out),
                               rtol=1e-6)
    np.testing.assert_allclose(kops.adaptive_average_pool(x, out).numpy(),
                               adaptive_ref(x, out, kind="avg"), rtol=1e-5, atol=1e-6)


# ---- symbolic use --------------------------------------------------------------------------
def test_functional_model_matches_eager():
    kernel = _r(3, 3, 2, 4)
    inp = keras.Input((8, 8, 2))
    h = kops.conv(inp, kernel, padding="same")
    h = kops.max_pool(h, 2)
    h = kops.space_to_depth(h, 2)
    out = kops.adaptive_average_pool(h, 1)
    assert out.shape == (None, 1, 1, 16)
    model = keras.Model(inp, out)
    data = _r(2, 8, 8, 2)
    want = kops.adaptive_average_pool(kops.space_to_depth(
        kops.max_pool(kops.conv(data, kernel, padding="same"), 2), 2), 1)
    np.testing.assert_allclose(model(data).numpy(), want.numpy(), rtol=1e-5, atol=1e-6)


def test_symbolic_kernel_and_transpose():
    x = keras.Input((6, 6, 2), batch_size=1)
    w = keras.Input((3, 2, 4), batch_size=3)     # the kernel is a model input too
    y = kops.conv_transpose(kops.conv(x, w, padding="same"), np.ones((3, 3, 2, 4), "float32"),
                            2, "same")
    assert y.shape == (1, 12, 12, 2)
    model = keras.Model([x, w], y)
    xd, wd = _r(1, 6, 6, 2), _r(3, 3, 2, 4)
    want = kops.conv_transpose(kops.conv(xd, wd, padding="same"),
                               np.ones((3, 3, 2, 4), "float32"), 2, "same")
    np.testing.assert_allclose(model([xd, wd]).numpy(), want.numpy(), rtol=1e-5, atol=1e-5)


# ---- errors --------------------------------------------------------------------------------
def test_clear_errors():
    with pytest.raises(ValueError, match="keras.ops.max_pool: Invalid padding 'causal'"):
        kops.max_pool(X2, 2, padding="causal")
    with pytest.raises(ValueError, match="keras.ops.conv: `inputs` must have rank 3, 4 or 5"):
        kops.conv(np.ones((2, 3)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="evenly divisible by kernel's in_channels"):
        kops.conv(X2, _r(3, 3, 2, 4))
    with pytest.raises(ValueError, match="`strides` must be an int or a tuple/list of 2"):
        kops.conv(X2, K2, strides=(1, 1, 1))
    with pytest.raises(ValueError, match="empty output"):
        kops.conv(X1, _r(12, 3, 4))
    with pytest.raises(ValueError, match="must match the kernel's input channels"):
        kops.depthwise_conv(X2, _r(3, 3, 2, 2))
    with pytest.raises(ValueError, match="must match the kernel's input channels"):
        kops.conv_transpose(X2, _r(3, 3, 3, 4))
    with pytest.raises(ValueError, match="`pointwise_kernel` must have shape"):
        kops.separable_conv(X2, DW2, _r(1, 1, 5, 4))
    with pytest.raises(ValueError, match="`block_size` must be at least 2"):
        kops.depth_to_space(_D, 1)
    with pytest.raises(ValueError, match=r"channels \(12\) must be divisible by block_size"):
        kops.depth_to_space(_D, 3)
    with pytest.raises(ValueError, match="requires a 4D input"):
        kops.space_to_depth(X1, 2)
    with pytest.raises(ValueError, match="must be divisible by block_size"):
        kops.space_to_depth(_r(1, 3, 4, 2), 2)
    with pytest.raises(ValueError, match="Input must be a 4D tensor"):
        kops.unfold(X1, 2)
    with pytest.raises(ValueError, match="divisible by kernel_size product"):
        kops.fold(_r(1, 7, 4), 4, 2)
    with pytest.raises(ValueError, match="the input has 5 blocks"):
        kops.fold(_r(1, 8, 5), 4, 2, stride=2)
    with pytest.raises(ValueError, match="`output_size` must be an int or a tuple/list of 2"):
        kops.adaptive_max_pool(X2, (1, 2, 3))
