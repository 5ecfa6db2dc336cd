"""keras.ops nn extras (activations, normalizations, attention, multi_hot, polar, psnr):
values vs NumPy, Keras's dtypes, gradients vs finite differences, symbolic use, errors.

Constants marked "Keras" were checked against Keras 3.15 (JAX backend) while writing."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_grad, check_second_order

import ember
from ember import keras
from ember.keras.ops import nn_extra as kops

rng = np.random.default_rng(0)
X = (rng.normal(size=(3, 4)) * 2).astype("float32")
XI = np.array([-3, -1, 0, 1, 3], "int32")
Q = rng.normal(size=(2, 3, 4, 5)).astype("float32")
K = rng.normal(size=(2, 6, 4, 5)).astype("float32")
V = rng.normal(size=(2, 6, 4, 5)).astype("float32")


# ---- NumPy references -------------------------------------------------------------------
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _hard_sigmoid(x):
    return np.clip(x / 6 + 0.5, 0, 1)


def _sparsemax(x, axis=-1):
    """Projection onto the simplex (Martins & Astudillo, Algorithm 1)."""
    x = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    z = -np.sort(-x, axis=-1)
    r = np.arange(1, x.shape[-1] + 1)
    cs = np.cumsum(z, axis=-1)
    k = np.sum(1 + r * z > cs, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cs, k - 1, axis=-1) - 1) / k
    return np.moveaxis(np.maximum(x - tau, 0), -1, axis)


def _layer_norm(x, axes, gamma=None, beta=None, eps=1e-7):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps)
    if gamma is not None:
        y = y * gamma
    if beta is not None:
        y = y + beta
    return y


def _attention(q, k, v, bias=None, mask=None, scale=None, causal=False):
    _b, t, n, h = q.shape
    s, kh = k.shape[1], k.shape[2]
    rep = n // kh
    k, v = np.repeat(k, rep, axis=2), np.repeat(v, rep, axis=2)
    logits = np.einsum("btnh,bsnh->bnts", q, k) * (1 / np.sqrt(h) if scale is None else scale)
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= mask
    if causal:
        keep &= np.tril(np.ones((t, s), bool))
    logits = np.where(keep, logits, -0.7 * 3.38953e38)
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return np.einsum("bnts,bsnh->btnh", e / e.sum(-1, keepdims=True), v)


MASK = rng.random((2, 1, 3, 6)) > 0.3
BIAS = rng.normal(size=(1, 4, 3, 6)).astype("float32")
KG = K[:, :, :2]      # two key/value heads for four query heads
VG = V[:, :, :2]

VALUE_CASES = [  # id, call, reference
    ("sparse_sigmoid", lambda: kops.sparse_sigmoid(X), lambda: np.clip((X + 1) / 2, 0, 1)),
    ("soft_shrink", lambda: kops.soft_shrink(X, 0.7),
     lambda: np.where(X > 0.7, X - 0.7, np.where(X < -0.7, X + 0.7, 0))),
    ("sparse_plus", lambda: kops.sparse_plus(X),
     lambda: np.where(X <= -1, 0, np.where(X < 1, (X + 1) ** 2 / 4, X))),
    ("squareplus", lambda: kops.squareplus(X, 2), lambda: (X + np.sqrt(X ** 2 + 2)) / 2),
    ("log_sigmoid", lambda: kops.log_sigmoid(X), lambda: np.log(_sigmoid(X))),
    ("hard_sigmoid", lambda: kops.hard_sigmoid(X), lambda: _hard_sigmoid(X)),
    ("hard_silu", lambda: kops.hard_silu(2 * X), lambda: 2 * X * _hard_sigmoid(2 * X)),
    ("hard_swish", lambda: kops.hard_swish(X), lambda: X * _hard_sigmoid(X)),
    ("celu", lambda: kops.celu(X, 0.5), lambda: np.where(X > 0, X, 0.5 * np.expm1(X / 0.5))),
    ("glu", lambda: kops.glu(X), lambda: X[:, :2] * _sigmoid(X[:, 2:])),
    ("glu_axis0", lambda: kops.glu(X[:2], axis=0), lambda: X[:1] * _sigmoid(X[1:2])),
    ("tanh_shrink", lambda: kops.tanh_shrink(X), lambda: X - np.tanh(X)),
    ("hard_tanh", lambda: kops.hard_tanh(X), lambda: np.clip(X, -1, 1)),
    ("hard_shrink", lambda: kops.hard_shrink(X, 1.0), lambda: np.where(np.abs(X) > 1, X, 0)),
    ("threshold", lambda: kops.threshold(X, 0.5, -2.0), lambda: np.where(X > 0.5, X, -2.0)),
    ("sparsemax", lambda: kops.sparsemax(X), lambda: _sparsemax(X)),
    ("sparsemax_axis0", lambda: kops.sparsemax(X, axis=0), lambda: _sparsemax(X, 0)),
    ("batch_normalization", lambda: kops.batch_normalization(
        X, X[0], np.abs(X[1]), 1, X[2], X[0]),
     lambda: (X - X[0]) / np.sqrt(np.abs(X[1]) + 1e-3) * X[0] + X[2]),
    ("batch_normalization_axis0", lambda: kops.batch_normalization(
        X, X[:, 0], np.abs(X[:, 1]), 0, epsilon=0.1),
     lambda: (X - X[:, :1]) / np.sqrt(np.abs(X[:, 1:2]) + 0.1)),
    ("layer_normalization", lambda: kops.layer_normalization(X),
     lambda: _layer_norm(X, -1)),
    ("layer_normalization_affine", lambda: kops.layer_normalization(X, X[0], X[1]),
     lambda: _layer_norm(X, -1, X[0], X[1])),
    ("layer_normalization_axis1", lambda: kops.layer_normalization(
        Q, Q[0, :, 0, 0], None, axis=1),
     lambda: _layer_norm(Q, 1, Q[0, :, 0, 0].reshape(1, 3, 1, 1))),
    ("layer_normalization_axes", lambda: kops.layer_normalization(
        Q, Q[0, :, :, 0], Q[1, :, :, 0], axis=[1, 2], epsilon=0.01),
     lambda: _layer_norm(Q, (1, 2), Q[0, :, :, 0][None, :, :, None],
                         Q[1, :, :, 0][None, :, :, None], 0.01)),
    ("rms_normalization", lambda: kops.rms_normalization(X),
     lambda: X / np.sqrt((X ** 2).mean(-1, keepdims=True) + 1e-7)),
    ("rms_normalization_scale", lambda: kops.rms_normalization(X, X[0], epsilon=0.1),
     lambda: X / np.sqrt((X ** 2).mean(-1, keepdims=True) + 0.1) * X[0]),
    ("rms_normalization_axes", lambda: kops.rms_normalization(Q, axis=(1, 3)),
     lambda: Q / np.sqrt((Q ** 2).mean((1, 3), keepdims=True) + 1e-7)),
    ("dot_product_attention", lambda: kops.dot_product_attention(Q, K, V),
     lambda: _attention(Q, K, V)),
    ("dot_product_attention_masked", lambda: kops.dot_product_attention(
        Q, K, V, bias=BIAS, mask=MASK, scale=0.3),
     lambda: _attention(Q, K, V, BIAS, MASK, 0.3)),
    ("dot_product_attention_causal", lambda: kops.dot_product_attention(Q, K, V, is_causal=True),
     lambda: _attention(Q, K, V, causal=True)),
    ("dot_product_attention_gqa", lambda: kops.dot_product_attention(Q, KG, VG, is_causal=True),
     lambda: _attention(Q, KG, VG, causal=True)),
    ("multi_hot", lambda: kops.multi_hot(np.array([[0, 2], [1, 1]]), 4),
     lambda: np.array([[1, 0, 1, 0], [0, 1, 0, 0]], "float32")),
    ("multi_hot_1d", lambda: kops.multi_hot(np.array([0, 4]), num_classes=5),
     lambda: np.array([1, 0, 0, 0, 1], "float32")),
    ("multi_hot_num_tokens", lambda: kops.multi_hot(np.array([0, 4]), num_tokens=5),
     lambda: np.array([1, 0, 0, 0, 1], "float32")),
    ("multi_hot_axis0", lambda: kops.multi_hot(np.array([[0, 2], [1, 1]]), 4, axis=0),  # Keras
     lambda: np.array([[1, 0], [1, 1], [0, 1], [0, 0]], "float32")),
    ("multi_hot_axis_neg2", lambda: kops.multi_hot(np.array([[[0, 2], [1, 1]]]), 4, axis=-2),
     lambda: np.array([[[1, 0], [1, 1], [0, 1], [0, 0]]], "float32")),            # Keras
    ("multi_hot_out_of_range", lambda: kops.multi_hot(np.array([[0, -1], [1, 5]]), 4),
     lambda: np.array([[1, 0, 0, 0], [0, 1, 0, 0]], "float32")),
    ("polar", lambda: kops.polar(X, X[::-1]), lambda: X * np.exp(1j * X[::-1])),
    ("psnr", lambda: kops.psnr(X, X * 0.9, 2.0),
     lambda: np.float32(20 * np.log10(2.0) - 10 * np.log10(np.mean((X * 0.1) ** 2)))),
]


@pytest.mark.parametrize("call,ref", [c[1:] for c in VALUE_CASES],
                         ids=[c[0] for c in VALUE_CASES])
def test_values_match_numpy(call, ref):
    got, want = np.asarray(call()), np.asarray(ref())
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    if want.dtype == np.float64:
        want = want.astype("float32")
    kind = {"f": "float32", "c": "complex64"}.get(want.dtype.kind)
    if kind is not None:
        assert got.dtype == kind


def test_keras_docstring_examples():
    # Keras's own examples (keras/src/ops/nn.py).
    x = np.array([-6.0, 1.0, 0.0, 1.0, 6.0], "float32")
    np.testing.assert_allclose(kops.sparse_sigmoid(x).numpy(), [0, 1, 0.5, 1, 1])
    np.testing.assert_allclose(kops.log_sigmoid([-0.541391, 0.0, 0.50, 5.0]).numpy(),
                               [-1.0000418, -0.6931472, -0.474077, -0.00671535], rtol=1e-5)
    np.testing.assert_allclose(kops.hard_silu([-3.0, -1.0, 0.0, 1.0, 3.0]).numpy(),
                               [0.0, -0.3333333, 0.0, 0.6666667, 3.0], rtol=1e-6)
    np.testing.assert_allclose(kops.glu([-1.0, 0.0, 1.0, 1.0]).numpy(), [-0.7310586, 0.0],
                               rtol=1e-6)
    np.testing.assert_allclose(kops.sparsemax([-1.0, 0.0, 1.0]).numpy(), [0, 0, 1])
    np.testing.assert_allclose(kops.layer_normalization(np.arange(5, dtype="float32")).numpy(),
                               [-1.4142135, -0.70710677, 0.0, 0.7071067, 1.4142135], rtol=1e-6)
    y = kops.batch_normalization(np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]]),
                                 mean=[0.4, 0.5, 0.6], variance=[0.67, 0.67, 0.67], axis=-1)
    np.testing.assert_allclose(y.numpy()[[0, 2], 0], [-0.36624, 0.36624], rtol=1e-4)
    np.testing.assert_allclose(float(kops.psnr(np.ones((2, 3)), np.full((2, 3), 0.5), 1.0)),
                               6.0206003, rtol=1e-6)


def test_dtypes_follow_keras():
    for name in ("celu", "hard_shrink", "hard_sigmoid", "hard_silu", "log_sigmoid",
                 "soft_shrink", "sparse_plus", "sparse_sigmoid", "squareplus", "tanh_shrink",
                 "sparsemax"):
        assert getattr(kops, name)(XI).dtype == ember.float32, name
        assert getattr(kops, name)(XI.astype("float64")).dtype == ember.float64, name
    # Keras (JAX backend) on [-3, -1, 0, 1, 3]:
    np.testing.assert_allclose(kops.hard_sigmoid(XI).numpy(), [0, 1 / 3, 0.5, 2 / 3, 1],
                               rtol=1e-6)
    np.testing.assert_allclose(kops.soft_shrink(XI).numpy(), [-2.5, -0.5, 0, 0.5, 2.5])
    assert kops.hard_tanh(XI).dtype == ember.int32
    assert kops.hard_tanh(XI).numpy().tolist() == [-1, -1, 0, 1, 1]
    got = kops.threshold(XI, 1, 0)
    assert got.dtype == ember.int32 and got.numpy().tolist() == [0, 0, 0, 0, 3]
    assert kops.threshold(XI, 0.5, 7).numpy().tolist() == [7, 7, 7, 1, 3]
    assert kops.multi_hot([[0, 2]], 3, dtype="int32").dtype == ember.int32
    assert kops.polar(X.astype("float64"), X.astype("float64")).dtype == ember.complex128
    assert kops.polar([1, 2], [0, 1]).dtype == ember.complex64
    assert kops.psnr(XI, XI + 1, 4).dtype == ember.float32
    assert kops.layer_normalization(X.astype("float16")).dtype == ember.float16
    assert kops.rms_normalization(X.astype("float64")).dtype == ember.float64
    assert kops.dot_product_attention(Q.astype("float16"), K, V).dtype == ember.float32
    assert kops.rms_normalization(np.float32(3.0)).shape == (1,)        # Keras
    np.testing.assert_allclose(float(kops.log_sigmoid(0.0)), -np.log(2.0), rtol=1e-6)
    np.testing.assert_allclose(kops.log_sigmoid([-200.0, 200.0]).numpy(), [-200.0, 0.0])


def test_sparsemax_is_a_distribution_and_differs_from_keras_bug():
    y = kops.sparsemax(X).numpy()
    np.testing.assert_allclose(y.sum(-1), 1, rtol=1e-6)
    # Keras 3.15 subtracts tau = (sum_{r<=k} cumsum_r - 1) / k, which leaves
    # [0.1, 0.5, 0.45] all zeros; the projection onto the simplex is:
    np.testing.assert_allclose(kops.sparsemax([0.1, 0.5, 0.45]).numpy(),
                               [0.1 - 1 / 60, 0.5 - 1 / 60, 0.45 - 1 / 60], rtol=1e-5)


# ---- gradients ----------------------------------------------------------------------------
def _pos(rng_):
    return [rng_.uniform(0.5, 1.5, size=(3,))]


GRAD_CASES = [
    OpCase("sparse_sigmoid", kops.sparse_sigmoid, None, [(3, 4)]),
    OpCase("soft_shrink", kops.soft_shrink, None, [(3, 4)]),
    OpCase("sparse_plus", kops.sparse_plus, None, [(3, 4)]),
    OpCase("squareplus", lambda x: kops.squareplus(x, 3), None, [(3, 4)], second_order=True),
    OpCase("log_sigmoid", kops.log_sigmoid, None, [(3, 4)], domain=(-6, 6), second_order=True),
    OpCase("hard_sigmoid", kops.hard_sigmoid, None, [(3, 4)], domain=(-5, 5)),
    OpCase("hard_silu", kops.hard_silu, None, [(3, 4)], domain=(-5, 5)),
    OpCase("celu", lambda x: kops.celu(x, 0.7), None, [(3, 4)], second_order=True),
    OpCase("glu", lambda x: kops.glu(x, axis=0), None, [(4, 3)], second_order=True),
    OpCase("tanh_shrink", kops.tanh_shrink, None, [(3, 4)]),
    OpCase("hard_tanh", kops.hard_tanh, None, [(3, 4)]),
    OpCase("hard_shrink", kops.hard_shrink, None, [(3, 4)]),
    OpCase("threshold", lambda x: kops.threshold(x, 0.2, -1.0), None, [(3, 4)]),
    OpCase("sparsemax", kops.sparsemax, None, [(3, 5)]),
    OpCase("batch_normalization",
           lambda x, m, v, o, s: kops.batch_normalization(x, m, v, 1, o, s), None, [],
           make_inputs=lambda r: [r.normal(size=(2, 3)), r.normal(size=(3,)),
                                  r.uniform(0.5, 1.5, size=(3,)), r.normal(size=(3,)),
                                  r.normal(size=(3,))]),
    OpCase("layer_normalization", lambda x, g, b: kops.layer_normalization(x, g, b), None,
           [(2, 4), (4,), (4,)], second_order=True),
    OpCase("layer_normalization_axes",
           lambda x: kops.layer_normalization(x, axis=[0, 2], epsilon=0.1), None, [(2, 2, 3)]),
    OpCase("rms_normalization", lambda x, s: kops.rms_normalization(x, s, epsilon=0.01),
           None, [(2, 4), (4,)], second_order=True),
    OpCase("dot_product_attention",
           lambda q, k, v, b: kops.dot_product_attention(q, k, v, bias=b, is_causal=True),
           None, [(1, 3, 2, 2), (1, 3, 1, 2), (1, 3, 1, 2), (1, 2, 3, 3)], second_order=True),
    OpCase("dot_product_attention_fused",         # no bias, one kv head per query head
           lambda q, k, v: kops.dot_product_attention(q, k, v, is_causal=True, scale=0.8),
           None, [(2, 3, 2, 2), (2, 4, 2, 2), (2, 4, 2, 2)], second_order=True),
    OpCase("psnr", lambda a, b: kops.psnr(a, b, 2.0), None, [(2, 3), (2, 3)]),
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_gradients(case):
    check_grad(case)
    if case.second_order:
        check_second_order(case)


# ---- property tests ----------------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data())
def test_normalizations_and_sparsemax_properties(shape, data):
    x = np.random.default_rng(len(shape)).normal(size=shape).astype("float32") * 3
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    y = kops.layer_normalization(x, axis=axis).numpy()
    np.testing.assert_allclose(y, _layer_norm(x, axis), rtol=1e-4, atol=1e-4)
    s = kops.sparsemax(x, axis=axis).numpy()
    np.testing.assert_allclose(s, _sparsemax(x, axis), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s.sum(axis), 1, rtol=1e-5)
    r = kops.rms_normalization(x, axis=axis).numpy()
    np.testing.assert_allclose(r, x / np.sqrt((x ** 2).mean(axis, keepdims=True) + 1e-7),
                               rtol=1e-4, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(b=st.integers(1, 2), t=st.integers(1, 4), s=st.integers(1, 4), kh=st.integers(1, 2),
       groups=st.integers(1, 2), h=st.integers(1, 3), causal=st.booleans())
def test_attention_shapes(b, t, s, kh, groups, h, causal):
    r = np.random.default_rng(t * 10 + s)
    q = r.normal(size=(b, t, kh * groups, h)).astype("float32")
    k = r.normal(size=(b, s, kh, h)).astype("float32")
    v = r.normal(size=(b, s, kh, h)).astype("float32")
    got = kops.dot_product_attention(q, k, v, is_causal=causal).numpy()
    np.testing.assert_allclose(got, _attention(q, k, v, causal=causal), rtol=1e-4, atol=1e-5)


# ---- symbolic use --------------------------------------------------------------------------
def test_functional_model_matches_eager():
    inp = keras.Input((3, 4))
    h = kops.hard_silu(inp)
    h = kops.layer_normalization(h, axis=-1)
    out = kops.glu(kops.sparsemax(h, axis=1), axis=-1)
    assert out.shape == (None, 3, 2)
    model = keras.Model(inp, out)
    data = rng.normal(size=(2, 3, 4)).astype("float32")
    want = kops.glu(kops.sparsemax(kops.layer_normalization(kops.hard_silu(data)), axis=1))
    np.testing.assert_allclose(model(data).numpy(), want.numpy(), rtol=1e-6)


def test_attention_in_functional_model():
    q = keras.Input((3, 2, 4))
    kv = keras.Input((5, 2, 4))
    out = kops.dot_product_attention(q, kv, kv, is_causal=True)
    assert out.shape == (None, 3, 2, 4)
    model = keras.Model([q, kv], out)
    qd = rng.normal(size=(2, 3, 2, 4)).astype("float32")
    kd = rng.normal(size=(2, 5, 2, 4)).astype("float32")
    np.testing.assert_allclose(model([qd, kd]).numpy(), _attention(qd, kd, kd, causal=True),
                               rtol=1e-5, atol=1e-6)


# ---- errors --------------------------------------------------------------------------------
def test_clear_errors():
    with pytest.raises(ValueError, match="keras.ops.glu: axis size must be divisible by 2"):
        kops.glu(np.ones((2, 3)))
    with pytest.raises(ValueError, match="keras.ops.psnr: Input shapes"):
        kops.psnr(np.ones((2, 3)), np.ones((3, 2)), 1.0)
    with pytest.raises(ValueError, match="only supports 4D inputs"):
        kops.dot_product_attention(np.ones((4, 2, 8)), np.ones((6, 2, 8)), np.ones((6, 2, 8)))
    with pytest.raises(ValueError, match="multiple of K"):
        kops.dot_product_attention(np.ones((1, 4, 3, 8)), np.ones((1, 6, 2, 8)),
                                   np.ones((1, 6, 2, 8)))
    with pytest.raises(ValueError, match="attn_logits_soft_cap"):
        kops.dot_product_attention(Q, K, V, attn_logits_soft_cap=20.0)
    with pytest.raises(ValueError, match="flash attention"):
        kops.dot_product_attention(Q, K, V, flash_attention=True)
    with pytest.raises(ValueError, match="`num_classes` must be specified"):
        kops.multi_hot([0, 1])
    with pytest.raises(ValueError, match="`mean` must be a vector of length 4"):
        kops.batch_normalization(X, np.zeros(3), np.ones(4), axis=-1)
    with pytest.raises(ValueError, match="keras.ops.sparsemax: axis 2 is out of bounds"):
        kops.sparsemax(X, axis=2)
    with pytest.raises(ValueError, match="`gamma` of shape"):
        kops.layer_normalization(X, gamma=np.ones(3))
    with pytest.warns(UserWarning, match="rms_scaling"):
        kops.layer_normalization(X, rms_scaling=True)
