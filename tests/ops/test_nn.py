import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember
from ember.core.errors import InvalidArgumentError
from opcheck import OpCase, check_grad, check_second_order, check_values, table_tests

nn = ember.nn


# -- NumPy references ----------------------------------------------------------------------
def _log_softmax(x, axis=-1):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _sigmoid_ce(z, x):
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


def _softmax_ce(z, x, axis=-1):
    return -(z * _log_softmax(x, axis)).sum(axis=axis)


def _sparse_ce(labels, x):
    lp = _log_softmax(x)
    return -np.take_along_axis(lp, labels[..., None].astype(np.intp), -1)[..., 0]


def _weighted_ce(z, x, w):
    return (1 - z) * x + (1 + (w - 1) * z) * np.logaddexp(0, -x)


def _moments(x, axes, keepdims=False):
    return x.mean(axis=axes, keepdims=keepdims), x.var(axis=axes, keepdims=keepdims)


def _bn(x, mean, var, offset, scale, eps):
    return (x - mean) / np.sqrt(var + eps) * scale + offset


def _fused_train(x, scale, offset, eps=1e-3, caxis=-1, running=None, factor=1.0):
    axes = tuple(i for i in range(x.ndim) if i != caxis % x.ndim)
    shape = [1] * x.ndim
    shape[caxis] = x.shape[caxis]
    m = x.mean(axis=axes)
    v = x.var(axis=axes)
    n = x.size // x.shape[caxis]
    y = (x - m.reshape(shape)) / np.sqrt(v.reshape(shape) + max(eps, 1.001e-5)) \
        * scale.reshape(shape) + offset.reshape(shape)
    vu = v * n / (n - 1)
    if running is not None:
        m = (1 - factor) * running[0] + factor * m
        vu = (1 - factor) * running[1] + factor * vu
    return y, m, vu


# -- input builders --------------------------------------------------------------------------
def _dist(rng, shape, axis=-1):
    p = rng.uniform(0.1, 1.0, size=shape)
    return p / p.sum(axis=axis, keepdims=True)


def _ce_inputs(shape, axis=-1, normalized=True):
    def make(rng):
        z = _dist(rng, shape, axis) if normalized else rng.uniform(0, 2, size=shape)
        return [z, rng.uniform(-3, 3, size=shape)]
    return make


def _sparse_inputs(batch, classes):
    def make(rng):
        return [rng.integers(0, classes, size=batch).astype(np.int64),
                rng.uniform(-3, 3, size=batch + (classes,))]
    return make


def _bn_inputs(xshape, c):
    def make(rng):
        return [rng.normal(size=xshape), rng.normal(size=c), rng.uniform(0.5, 2, size=c),
                rng.normal(size=c), rng.uniform(0.5, 2, size=c)]
    return make


def _fused_inputs(xshape, c, running=False):
    def make(rng):
        arrays = [rng.normal(size=xshape) * 2 + 1, rng.uniform(0.5, 2, size=c),
                  rng.normal(size=c)]
        if running:
            arrays += [rng.normal(size=c), rng.uniform(0.5, 2, size=c)]
        return arrays
    return make


CASES = [
    OpCase("sigmoid_ce", lambda z, x: nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
           _sigmoid_ce, [(3, 4), (3, 4)],
           make_inputs=lambda r: [r.uniform(0, 1, (3, 4)), r.uniform(-4, 4, (3, 4))],
           second_order=True),
    OpCase("weighted_ce", lambda z, x: nn.weighted_cross_entropy_with_logits(z, x, 2.5),
           lambda z, x: _weighted_ce(z, x, 2.5), [(3, 4), (3, 4)],
           make_inputs=lambda r: [r.uniform(0, 1, (3, 4)), r.uniform(-4, 4, (3, 4))],
           second_order=True),
    OpCase("softmax_ce", nn.softmax_cross_entropy_with_logits, _softmax_ce, [(3, 4), (3, 4)],
           make_inputs=_ce_inputs((3, 4)), second_order=True),
    OpCase("softmax_ce_unnormalized_labels", nn.softmax_cross_entropy_with_logits,
           _softmax_ce, [(3, 4), (3, 4)], make_inputs=_ce_inputs((3, 4), normalized=False),
           second_order=True),
    OpCase("softmax_ce_axis0", lambda z, x: nn.softmax_cross_entropy_with_logits(z, x, axis=0),
           lambda z, x: _softmax_ce(z, x, 0), [(4, 2, 3), (4, 2, 3)],
           make_inputs=_ce_inputs((4, 2, 3), axis=0), second_order=True),
    OpCase("sparse_softmax_ce", nn.sparse_softmax_cross_entropy_with_logits, _sparse_ce,
           [(5,), (5, 4)], make_inputs=_sparse_inputs((5,), 4), second_order=True),
    OpCase("sparse_softmax_ce_3d", nn.sparse_softmax_cross_entropy_with_logits, _sparse_ce,
           [(2, 3), (2, 3, 3)], make_inputs=_sparse_inputs((2, 3), 3)),
    OpCase("l2_loss", nn.l2_loss, lambda t: np.sum(t * t) / 2, [(3, 4)], second_order=True),
    OpCase("moments", lambda x: nn.moments(x, axes=[0, 2]), lambda x: _moments(x, (0, 2)),
           [(3, 2, 4)], second_order=True),
    OpCase("moments_keepdims", lambda x: nn.moments(x, axes=[-1], keepdims=True),
           lambda x: _moments(x, (-1,), True), [(3, 4)], second_order=True),
    OpCase("moments_all", lambda x: nn.moments(x, axes=[0, 1]), lambda x: _moments(x, (0, 1)),
           [(3, 4)], second_order=True),
    OpCase("batch_normalization",
           lambda x, m, v, b, s: nn.batch_normalization(x, m, v, b, s, 1e-3),
           lambda x, m, v, b, s: _bn(x, m, v, b, s, 1e-3),
           [(2, 3, 4), (4,), (4,), (4,), (4,)], make_inputs=_bn_inputs((2, 3, 4), 4),
           second_order=True),
    OpCase("batch_normalization_no_offset_scale",
           lambda x, m, v, b, s: nn.batch_normalization(x, m, v, None, None, 0.1),
           lambda x, m, v, b, s: _bn(x, m, v, 0, 1, 0.1),
           [(3, 4), (4,), (4,), (4,), (4,)], make_inputs=_bn_inputs((3, 4), 4),
           grad_argnums=[0, 1, 2]),
    OpCase("fused_batch_norm_nhwc", lambda x, s, b: nn.fused_batch_norm(x, s, b),
           lambda x, s, b: _fused_train(x, s, b),
           [(2, 2, 3, 3), (3,), (3,)], make_inputs=_fused_inputs((2, 2, 3, 3), 3),
           second_order=True),
    OpCase("fused_batch_norm_nchw",
           lambda x, s, b: nn.fused_batch_norm(x, s, b, epsilon=1e-2, data_format="NCHW"),
           lambda x, s, b: _fused_train(x, s, b, eps=1e-2, caxis=1),
           [(2, 3, 2, 2), (3,), (3,)], make_inputs=_fused_inputs((2, 3, 2, 2), 3),
           second_order=True),
    OpCase("fused_batch_norm_running",
           lambda x, s, b, m, v: nn.fused_batch_norm(x, s, b, m, v,
                                                     exponential_avg_factor=0.3),
           lambda x, s, b, m, v: _fused_train(x, s, b, running=(m, v), factor=0.3),
           [(4, 1, 2, 2), (2,), (2,), (2,), (2,)],
           make_inputs=_fused_inputs((4, 1, 2, 2), 2, running=True), second_order=True),
    OpCase("fused_batch_norm_inference",
           lambda x, s, b, m, v: nn.fused_batch_norm(x, s, b, m, v, is_training=False),
           lambda x, s, b, m, v: (_bn(x, m, v, b, s, 1e-3), m, v),
           [(2, 2, 2, 3), (3,), (3,), (3,), (3,)],
           make_inputs=_fused_inputs((2, 2, 2, 3), 3, running=True)),
    OpCase("bias_add", nn.bias_add, lambda x, b: x + b, [(2, 3, 4), (4,)]),
    OpCase("bias_add_nchw", lambda x, b: nn.bias_add(x, b, data_format="NCHW"),
           lambda x, b: x + b[:, None, None], [(2, 3, 2, 2), (3,)]),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


# -- specific behaviour ----------------------------------------------------------------------
def test_softmax_ce_gradient_is_softmax_minus_labels():
    z = ember.constant([[0.2, 0.8], [1.0, 0.0]], dtype="float64")
    x = ember.constant([[1.0, -1.0], [0.5, 2.0]], dtype="float64")
    with ember.GradientTape() as tape:
        tape.watch([z, x])
        loss = ember.reduce_sum(nn.softmax_cross_entropy_with_logits(z, x))
    gz, gx = tape.gradient(loss, [z, x])
    p = np.exp(_log_softmax(x.numpy()))
    np.testing.assert_allclose(gx.numpy(), p - z.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gz.numpy(), -_log_softmax(x.numpy()), rtol=1e-12)


def test_sparse_matches_dense_with_one_hot():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 5)).astype(np.float32)
    labels = rng.integers(0, 5, size=6)
    dense = nn.softmax_cross_entropy_with_logits(np.eye(5, dtype=np.float32)[labels], x)
    sparse = nn.sparse_softmax_cross_entropy_with_logits(labels, x)
    assert sparse.dtype == ember.float32 and sparse.shape == (6,)
    np.testing.assert_allclose(sparse.numpy(), dense.numpy(), rtol=1e-6)


def test_moments_half_precision():
    x = np.arange(8, dtype=np.float16).reshape(2, 4)
    m, v = nn.moments(ember.constant(x), axes=[1])
    assert m.dtype == ember.float16 and v.dtype == ember.float16
    np.testing.assert_allclose(v.numpy(), [1.25, 1.25])


def test_moments_shift_is_ignored():
    x = ember.constant([[1.0, 2.0], [3.0, 6.0]])
    m, v = nn.moments(x, axes=[0], shift=100.0)
    np.testing.assert_allclose(m.numpy(), [2.0, 4.0])
    np.testing.assert_allclose(v.numpy(), [1.0, 4.0])


def test_normalize_moments():
    x = np.array([1.0, 2.0, 4.0, 9.0])
    shift = 2.0
    m, v = nn.normalize_moments(4.0, np.sum(x - shift), np.sum((x - shift) ** 2), shift)
    np.testing.assert_allclose(float(m), x.mean(), rtol=1e-6)
    np.testing.assert_allclose(float(v), x.var(), rtol=1e-6)
    m, v = nn.normalize_moments(ember.constant(4.0), ember.constant(16.0),
                                ember.constant(102.0), None)
    np.testing.assert_allclose([float(m), float(v)], [4.0, 9.5])


def test_batch_normalization_half_x_keeps_dtype():
    x = ember.constant(np.ones((2, 3), np.float16))
    y = nn.batch_normalization(x, ember.zeros(3), ember.ones(3), ember.zeros(3),
                               ember.ones(3), 1e-3)
    assert y.dtype == ember.float16


def test_fused_batch_norm_outputs_and_dtypes():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3, 3, 2)).astype(np.float16)
    y, m, v = nn.fused_batch_norm(x, np.ones(2, np.float32), np.zeros(2, np.float32))
    assert y.dtype == ember.float16 and m.dtype == ember.float32 and v.dtype == ember.float32
    xf = x.astype(np.float32)
    np.testing.assert_allclose(m.numpy(), xf.mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(v.numpy(), xf.var(axis=(0, 1, 2), ddof=1), rtol=1e-5)
    np.testing.assert_allclose(y.numpy().astype(np.float32).mean(axis=(0, 1, 2)), 0, atol=2e-3)


def test_fused_batch_norm_gradient_through_variables():
    x = ember.constant(np.random.default_rng(1).normal(size=(2, 2, 2, 3)))
    scale = ember.Variable(np.ones(3))
    offset = ember.Variable(np.zeros(3))
    with ember.GradientTape() as tape:
        y, _, _ = nn.fused_batch_norm(x, scale, offset)
        loss = ember.reduce_sum(y * y)
    gs, go = tape.gradient(loss, [scale, offset])
    # y is normalized: sum(y^2) = n * var/(var+eps) per channel; d/doffset = 2 sum(y) = 0
    np.testing.assert_allclose(go.numpy(), 0, atol=1e-10)
    assert np.all(gs.numpy() > 0)


def test_bias_add_gradient_sums_over_batch():
    x = ember.constant(np.zeros((2, 3, 2)))
    b = ember.constant(np.zeros(3))
    with ember.GradientTape() as tape:
        tape.watch(b)
        y = nn.bias_add(x, b, data_format="NCW")
    np.testing.assert_allclose(tape.gradient(y, b).numpy(), [4.0, 4.0, 4.0])


def test_l2_loss_dtype():
    assert nn.l2_loss(ember.constant([1.0, 2.0], dtype="float64")).dtype == ember.float64
    assert nn.l2_loss(ember.constant([3.0])).shape == ()


# -- stability ---------------------------------------------------------------------------------
def _finite_grads(fn, *arrays):
    ts = [ember.constant(a) for a in arrays]
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        with ember.GradientTape() as tape:
            tape.watch([t for t in ts if t.dtype.is_floating])
            y = fn(*ts)
        gs = tape.gradient(y, [t for t in ts if t.dtype.is_floating])
    assert np.all(np.isfinite(y.numpy()))
    for g in gs:
        assert np.all(np.isfinite(g.numpy()))
    return y.numpy()


def test_cross_entropies_stable_at_large_logits():
    x = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]], np.float32)
    z = np.array([[1.0, 0.0], [1.0, 0.0]], np.float32)
    y = _finite_grads(lambda a, b: nn.sigmoid_cross_entropy_with_logits(labels=a, logits=b),
                      z, x)
    np.testing.assert_allclose(y, [[0, 0], [1000, 1000]])
    y = _finite_grads(lambda a, b: nn.weighted_cross_entropy_with_logits(a, b, 3.0), z, x)
    np.testing.assert_allclose(y, [[0, 0], [3000, 1000]])
    y = _finite_grads(nn.softmax_cross_entropy_with_logits, z, x)
    np.testing.assert_allclose(y, [0, 2000])
    y = _finite_grads(nn.sparse_softmax_cross_entropy_with_logits,
                      np.array([0, 0], np.int32), x)
    np.testing.assert_allclose(y, [0, 2000])


# -- errors name the op ----------------------------------------------------------------------
def test_sparse_label_out_of_range():
    x = ember.zeros((2, 3))
    with pytest.raises(InvalidArgumentError,
                       match=r"ember\.sparse_softmax_cross_entropy_with_logits.*label value "
                             r"of 3 .*\[0, 3\)"):
        nn.sparse_softmax_cross_entropy_with_logits([0, 3], x)
    with pytest.raises(InvalidArgumentError, match=r"label value of -1"):
        nn.sparse_softmax_cross_entropy_with_logits([-1, 0], x)


def test_sparse_label_shape_and_dtype_errors():
    op = r"ember\.sparse_softmax_cross_entropy_with_logits"
    with pytest.raises(InvalidArgumentError, match=op + r".*\(3,\).*\(2, 3\)"):
        nn.sparse_softmax_cross_entropy_with_logits([0, 1, 2], ember.zeros((2, 3)))
    with pytest.raises(TypeError, match=op + r".*integer"):
        nn.sparse_softmax_cross_entropy_with_logits([0.0, 1.0], ember.zeros((2, 3)))
    with pytest.raises(TypeError, match=op + r".*floating"):
        nn.sparse_softmax_cross_entropy_with_logits([0, 1], ember.zeros((2, 3), "int32"))


@pytest.mark.parametrize("fn,op", [
    (lambda z, x: nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
     "sigmoid_cross_entropy_with_logits"),
    (nn.softmax_cross_entropy_with_logits, "softmax_cross_entropy_with_logits"),
    (lambda z, x: nn.weighted_cross_entropy_with_logits(z, x, 2.0),
     "weighted_cross_entropy_with_logits"),
])
def test_mismatched_label_logit_shapes(fn, op):
    with pytest.raises(InvalidArgumentError, match=rf"ember\.{op}.*\(2, 4\).*\(2, 3\)"):
        fn(ember.zeros((2, 4)), ember.zeros((2, 3)))


def test_bias_add_errors():
    with pytest.raises(InvalidArgumentError, match=r"ember\.bias_add.*\(4,\)"):
        nn.bias_add(ember.zeros((2, 3)), ember.zeros(4))
    with pytest.raises(InvalidArgumentError, match=r"ember\.bias_add.*\(3, 1\)"):
        nn.bias_add(ember.zeros((2, 3)), ember.zeros((3, 1)))
    with pytest.raises(InvalidArgumentError, match=r"ember\.bias_add.*at least 2-D"):
        nn.bias_add(ember.zeros(3), ember.zeros(3))
    with pytest.raises(InvalidArgumentError, match=r"ember\.bias_add.*NCHW"):
        nn.bias_add(ember.zeros((2, 3, 4, 4)), ember.zeros(4), data_format="NCHW")
    with pytest.raises(InvalidArgumentError, match=r"ember\.bias_add.*data_format"):
        nn.bias_add(ember.zeros((2, 3)), ember.zeros(3), data_format="HW")


def test_fused_batch_norm_errors():
    x = ember.zeros((2, 2, 2, 3))
    with pytest.raises(InvalidArgumentError, match=r"ember\.fused_batch_norm.*scale.*size 3"):
        nn.fused_batch_norm(x, ember.ones(4), ember.zeros(3))
    with pytest.raises(InvalidArgumentError, match=r"ember\.fused_batch_norm.*inference"):
        nn.fused_batch_norm(x, ember.ones(3), ember.zeros(3), is_training=False)
    with pytest.raises(InvalidArgumentError, match=r"ember\.fused_batch_norm.*variance"):
        nn.fused_batch_norm(x, ember.ones(3), ember.zeros(3), ember.zeros(3), ember.ones(2),
                            is_training=False)


def test_moments_axis_error():
    with pytest.raises(InvalidArgumentError, match=r"ember\.moments.*axis 3"):
        nn.moments(ember.zeros((2, 3)), axes=[3])


# -- hypothesis: moments over drawn shapes and axes ------------------------------------------
shape_and_axes = st.lists(st.integers(1, 4), min_size=1, max_size=4).flatmap(
    lambda s: st.tuples(st.just(tuple(s)),
                        st.lists(st.integers(-len(s), len(s) - 1), min_size=1,
                                 max_size=len(s), unique_by=lambda a: a % len(s)),
                        st.booleans()))


@settings(max_examples=25, deadline=None)
@given(shape_and_axes, st.integers(0, 2 ** 16))
def test_moments_shapes_axes(sak, seed):
    shape, axes, keepdims = sak
    x = np.random.default_rng(seed).normal(size=shape)
    m, v = nn.moments(ember.constant(x), axes=axes, keepdims=keepdims)
    wm, wv = _moments(x, tuple(axes), keepdims)
    assert m.shape == wm.shape and v.shape == wv.shape
    np.testing.assert_allclose(m.numpy(), wm, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(v.numpy(), wv, rtol=1e-12, atol=1e-12)


@settings(max_examples=10, deadline=None)
@given(shape_and_axes)
def test_moments_gradients_shapes_axes(sak):
    shape, axes, keepdims = sak
    case = OpCase("moments", lambda x: nn.moments(x, axes=axes, keepdims=keepdims), None,
                  [shape], make_inputs=lambda r: [r.normal(size=shape)])
    check_grad(case)


# -- fused layer normalization (ember.raw_ops.layer_norm) -------------------------------------
layer_norm = ember.raw_ops.layer_norm


def _ln(x, gamma, beta, axes=(-1,), eps=1e-3):
    m = x.mean(axis=axes, keepdims=True)
    v = ((x - m) ** 2).mean(axis=axes, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * gamma + beta


LN_CASES = [
    OpCase("layer_norm_last", lambda x, g, b: layer_norm(x, g, b), _ln,
           [(3, 4, 5), (5,), (5,)], second_order=True, grad_rtol=1e-4),
    OpCase("layer_norm_two_trailing", lambda x, g, b: layer_norm(x, g, b, axis=[1, 2]),
           lambda x, g, b: _ln(x, g, b, (1, 2)), [(2, 3, 4), (3, 4), (4,)],
           second_order=True),
    OpCase("layer_norm_middle_axis", lambda x, g, b: layer_norm(x, g, b, axis=1),
           lambda x, g, b: _ln(x, g, b, (1,)), [(2, 3, 4), (1, 3, 1), (1, 3, 1)],
           second_order=True),
    OpCase("layer_norm_no_params", lambda x: layer_norm(x, epsilon=0.01),
           lambda x: _ln(x, 1.0, 0.0, eps=0.01), [(4, 6)], second_order=True),
    # the output gradient depends on the inputs: exercises every path of the gradient's
    # own gradient (through g, x and gamma)
    OpCase("layer_norm_squared", lambda x, g, b: layer_norm(x, g, b) ** 2,
           lambda x, g, b: _ln(x, g, b) ** 2, [(3, 5), (5,), (5,)], second_order=True),
    OpCase("layer_norm_squared_axis0", lambda x, g, b: layer_norm(x, g, b, axis=0) ** 2,
           lambda x, g, b: _ln(x, g, b, (0,)) ** 2, [(4, 3), (4, 1), (1, 3)],
           second_order=True),
    OpCase("layer_norm_wide", lambda x, g, b: layer_norm(x, g, b), _ln,
           [(8, 128), (128,), (128,)], domain=(-3, 3)),
]


@pytest.mark.parametrize("case", LN_CASES, ids=lambda c: c.name)
def test_layer_norm_values(case):
    check_values(case)


@pytest.mark.parametrize("case", LN_CASES, ids=lambda c: c.name)
def test_layer_norm_gradient(case):
    check_grad(case)


@pytest.mark.parametrize("case", [c for c in LN_CASES if c.second_order],
                         ids=lambda c: c.name)
def test_layer_norm_second_order(case):
    check_second_order(case)


def test_layer_norm_non_contiguous_and_half_inputs():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 5)).astype(np.float32)
    g, b = rng.standard_normal(6).astype(np.float32), rng.standard_normal(6).astype(np.float32)
    got = layer_norm(ember.constant(x).numpy().T, g, b).numpy()   # a transposed view
    np.testing.assert_allclose(got, _ln(x.T.astype(np.float64), g, b), rtol=1e-5, atol=1e-5)
    h = layer_norm(ember.constant(x.astype(np.float16)))
    assert h.dtype == ember.float16
    np.testing.assert_allclose(h.numpy(), _ln(x.astype(np.float64), 1.0, 0.0), atol=3e-3)


def _ln_inputs(seed, shape, params):
    """x, gamma, beta (made by ``params``) and a weighting of the output, float32."""
    rng = np.random.default_rng(seed)
    x = ember.constant(rng.standard_normal(shape).astype(np.float32))
    g = params(rng.standard_normal(shape[-1]).astype(np.float32))
    b = params(rng.standard_normal(shape[-1]).astype(np.float32))
    w = ember.constant(rng.standard_normal(shape).astype(np.float32))
    return x, g, b, w


def test_layer_norm_gradient_reads_the_saved_statistics_without_changing_them():
    # the backward uses the forward's normalized input and 1/std; asking a persistent
    # tape twice, and compiled against eager, must give the same gradients
    x, g, b, w = _ln_inputs(5, (4, 8, 16), ember.Variable)

    def grads(x):
        with ember.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = ember.reduce_sum(layer_norm(x, g, b) * w)
        first = tape.gradient(y, [x, g, b])
        second = tape.gradient(y, [x, g, b])
        return first, second

    first, second = grads(x)
    for a, c in zip(first, second):
        np.testing.assert_array_equal(a.numpy(), c.numpy())
    compiled = ember.function(lambda x: grads(x)[0])(x)
    for a, c in zip(first, compiled):
        np.testing.assert_allclose(a.numpy(), c.numpy(), rtol=1e-6, atol=1e-6)


def test_layer_norm_matches_composite_gradients():
    x, g, b, w = _ln_inputs(4, (2, 3, 16), ember.constant)

    def composite(x, g, b):
        m, v = nn.moments(x, [-1], keepdims=True)
        return (x - m) * ember.math.rsqrt(v + 1e-3) * g + b

    grads = []
    for fn in (lambda x, g, b: layer_norm(x, g, b), composite):
        with ember.GradientTape() as tape:
            tape.watch([x, g, b])
            y = ember.reduce_sum(fn(x, g, b) * w)
        grads.append([t.numpy() for t in tape.gradient(y, [x, g, b])])
    for a, c in zip(*grads):
        np.testing.assert_allclose(a, c, rtol=1e-4, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_layer_norm_shapes_and_axes(shape, data):
    nd = len(shape)
    axes = sorted(data.draw(st.sets(st.integers(0, nd - 1), min_size=1)))
    pshape = tuple(shape[i] if i in axes else 1 for i in range(nd))
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    g, b = rng.standard_normal(pshape), rng.standard_normal(pshape)
    got = layer_norm(x, g, b, axis=axes)
    assert got.dtype == ember.float64 and got.shape == tuple(shape)
    np.testing.assert_allclose(got.numpy(), _ln(x, g, b, tuple(axes)), rtol=1e-6, atol=1e-6)


def test_layer_norm_errors_name_the_op():
    x = ember.zeros((2, 3))
    with pytest.raises(InvalidArgumentError, match=r"ember\.layer_norm.*axis 2"):
        layer_norm(x, axis=2)
    with pytest.raises(InvalidArgumentError, match=r"ember\.layer_norm: gamma of shape "
                                                   r"\(4,\).*\(2, 3\)"):
        layer_norm(x, ember.ones((4,)))
    with pytest.raises(InvalidArgumentError, match=r"ember\.layer_norm: beta of shape "
                                                   r"\(1, 2, 3\)"):
        layer_norm(x, None, ember.ones((1, 2, 3)))
    with pytest.raises(TypeError, match=r"ember\.layer_norm: x must be a floating tensor; "
                                        r"got int32 tensor of shape \(2,\)"):
        layer_norm([1, 2])
    with pytest.raises(InvalidArgumentError, match=r"ember\.layer_norm.*scalar"):
        layer_norm(1.0)
