import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember
from ember.core.errors import InvalidArgumentError
from opcheck import OpCase, check_grad, table_tests

nn = ember.nn
S = (3, 4)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def away(*kinks, lo=-3.0, hi=3.0, gap=0.15, shape=S):
    """Inputs drawn from [lo, hi] but at least ``gap`` away from each kink."""
    def make(rng):
        x = rng.uniform(lo, hi, size=shape)
        for k in kinks:
            near = np.abs(x - k) < gap
            x = np.where(near, k + np.sign(x - k + 1e-12) * gap * 2, x)
        return [x]
    return make


# -- NumPy references (float64 math, cast back to the input dtype) ---------------------------
def _sig(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(0, x)


def _ndtr(x):
    return 0.5 * np.vectorize(math.erfc, otypes=[np.float64])(-x / math.sqrt(2))


def _gelu(x):
    return (x * _ndtr(x.astype(np.float64))).astype(x.dtype)


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def _selu(x):
    return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0)))


CASES = [
    OpCase("relu", nn.relu, lambda x: np.maximum(x, 0), [S], make_inputs=away(0)),
    OpCase("relu6", nn.relu6, lambda x: np.clip(x, 0, 6), [S],
           make_inputs=away(0, 6, lo=-2, hi=8)),
    OpCase("leaky_relu", nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x), [S],
           make_inputs=away(0)),
    OpCase("leaky_relu_alpha", lambda x: nn.leaky_relu(x, alpha=0.01),
           lambda x: np.where(x > 0, x, 0.01 * x), [S], make_inputs=away(0)),
    OpCase("crelu", nn.crelu, lambda x: np.concatenate([np.maximum(x, 0),
                                                        np.maximum(-x, 0)], -1),
           [S], make_inputs=away(0)),
    OpCase("crelu_axis0", lambda x: nn.crelu(x, axis=0),
           lambda x: np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], 0),
           [S], make_inputs=away(0)),
    OpCase("hard_sigmoid", nn.hard_sigmoid, lambda x: np.clip(x + 3, 0, 6) / 6, [S],
           make_inputs=away(-3, 3, lo=-5, hi=5)),
    OpCase("elu", nn.elu, _elu, [S], make_inputs=away(0), second_order=True),
    OpCase("selu", nn.selu, _selu, [S], make_inputs=away(0), second_order=True),
    OpCase("gelu", nn.gelu, _gelu, [S], domain=(-4, 4), second_order=True),
    OpCase("gelu_tanh", lambda x: nn.gelu(x, approximate=True), _gelu_tanh, [S],
           domain=(-4, 4), second_order=True),
    OpCase("softplus", nn.softplus, _softplus, [S], domain=(-5, 5), second_order=True),
    OpCase("softsign", nn.softsign, lambda x: x / (1 + np.abs(x)), [S],
           make_inputs=away(0), second_order=True),
    OpCase("silu", nn.silu, lambda x: x * _sig(x), [S], domain=(-5, 5), second_order=True),
    OpCase("swish_beta", lambda x: nn.swish(x, beta=1.5), lambda x: x * _sig(1.5 * x), [S],
           domain=(-5, 5), second_order=True),
    OpCase("mish", nn.mish, lambda x: x * np.tanh(_softplus(x)), [S], domain=(-4, 4),
           second_order=True),
    OpCase("log_sigmoid", nn.log_sigmoid, lambda x: -_softplus(-x), [S], domain=(-5, 5),
           second_order=True),
    OpCase("softmax", nn.softmax, _softmax, [S], second_order=True),
    OpCase("softmax_axis0", lambda x: nn.softmax(x, axis=0), lambda x: _softmax(x, 0),
           [(3, 2, 2)], second_order=True),
    # large enough (>= 1024 values) for the one-shift and matrix-vector row-sum paths
    OpCase("softmax_large", nn.softmax, _softmax, [(8, 4, 32)], domain=(-20, 20)),
    # the gradient of the gradient with respect to the incoming gradient (g depends on x)
    OpCase("softmax_squared", lambda x: nn.softmax(x) ** 2, lambda x: _softmax(x) ** 2,
           [(2, 5)], second_order=True),
    OpCase("softmax_squared_axis0", lambda x: nn.softmax(x, axis=0) ** 2,
           lambda x: _softmax(x, 0) ** 2, [(3, 2, 2)], second_order=True),
    OpCase("log_softmax", nn.log_softmax, _log_softmax, [S], second_order=True),
    OpCase("log_softmax_axis1", lambda x: nn.log_softmax(x, axis=1),
           lambda x: _log_softmax(x, 1), [(2, 3, 2)], second_order=True),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


# -- stability at large |x| ------------------------------------------------------------------
BIG = np.array([-1000.0, -100.0, -20.0, -1.0, 0.0, 1.0, 20.0, 100.0, 1000.0], np.float32)
STABILITY = {
    "relu": (nn.relu, lambda x: np.maximum(x, 0)),
    "relu6": (nn.relu6, lambda x: np.clip(x, 0, 6)),
    "elu": (nn.elu, _elu),
    "selu": (nn.selu, _selu),
    "gelu": (nn.gelu, _gelu),
    "gelu_tanh": (lambda x: nn.gelu(x, approximate=True), _gelu_tanh),
    "softplus": (nn.softplus, _softplus),
    "softsign": (nn.softsign, lambda x: x / (1 + np.abs(x))),
    "silu": (nn.silu, lambda x: x * _sig(x)),
    "leaky_relu": (nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "hard_sigmoid": (nn.hard_sigmoid, lambda x: np.clip(x + 3, 0, 6) / 6),
    "mish": (nn.mish, lambda x: x * np.tanh(_softplus(x))),
    "log_sigmoid": (nn.log_sigmoid, lambda x: -_softplus(-x)),
    "softmax": (nn.softmax, _softmax),
    "log_softmax": (nn.log_softmax, _log_softmax),
}


@pytest.mark.parametrize("name", sorted(STABILITY))
def test_large_inputs_float32(name):
    fn, ref = STABILITY[name]
    x = ember.constant(BIG)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        g = tape.gradient(y, x)
    assert y.dtype == ember.float32
    assert np.all(np.isfinite(y.numpy())), name
    assert np.all(np.isfinite(g.numpy())), name
    with np.errstate(all="ignore"):
        want = ref(BIG.astype(np.float64))
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-5, atol=1e-5)


def test_large_input_gradients():
    x = ember.constant(np.array([-1000.0, 1000.0], np.float32))
    for fn, want in [(nn.softplus, [0, 1]), (nn.log_sigmoid, [1, 0]), (nn.silu, [0, 1]),
                     (nn.gelu, [0, 1]), (nn.elu, [0, 1]), (nn.mish, [0, 1])]:
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), want, atol=1e-6)


def test_gelu_negative_tail_has_no_cancellation():
    x = ember.constant([-10.0], dtype="float64")
    want = -10.0 * 0.5 * math.erfc(10.0 / math.sqrt(2.0))
    np.testing.assert_allclose(nn.gelu(x).numpy(), [want], rtol=1e-12)


# -- gradients at the kinks follow TensorFlow ------------------------------------------------
def _grad(fn, values, dtype="float32"):
    x = ember.constant(np.array(values, dtype))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x).numpy()


def test_kink_gradients():
    np.testing.assert_array_equal(_grad(nn.relu, [-1.0, 0.0, 1.0]), [0, 0, 1])
    np.testing.assert_array_equal(_grad(nn.relu6, [0.0, 3.0, 6.0, 7.0]), [0, 1, 0, 0])
    np.testing.assert_allclose(_grad(nn.leaky_relu, [-1.0, 0.0, 1.0]), [0.2, 0.2, 1])
    np.testing.assert_allclose(_grad(nn.elu, [0.0]), [1.0])
    np.testing.assert_array_equal(_grad(nn.crelu, [-1.0, 0.0, 2.0]), [-1, 0, 1])


def test_relu_second_order_is_zero():
    x = ember.constant([-1.0, 2.0], dtype="float64")
    with ember.GradientTape() as outer:
        outer.watch(x)
        with ember.GradientTape() as inner:
            inner.watch(x)
            y = nn.relu(x) * x
        g = inner.gradient(y, x)   # 2x for x > 0
    np.testing.assert_allclose(g.numpy(), [0.0, 4.0])
    np.testing.assert_allclose(outer.gradient(g, x).numpy(), [0.0, 2.0])


# -- dtypes and arguments ---------------------------------------------------------------------
def test_relu_keeps_integer_dtype():
    y = nn.relu(ember.constant([-2, 3]))
    assert y.dtype == ember.int32
    np.testing.assert_array_equal(y.numpy(), [0, 3])
    assert nn.relu6(ember.constant([-2, 9])).numpy().tolist() == [0, 6]


def test_integer_inputs_become_float32():
    for fn in (nn.elu, nn.softplus, nn.gelu, nn.softmax, nn.sigmoid):
        assert fn(ember.constant([1, 2])).dtype == ember.float32


def test_half_precision_softmax():
    x = np.array([[1.0, 2.0, 3.0]], np.float16)
    y = nn.softmax(ember.constant(x))
    assert y.dtype == ember.float16
    np.testing.assert_allclose(y.numpy(), _softmax(x.astype(np.float32)), rtol=1e-3)
    assert nn.log_softmax(ember.constant(x)).dtype == ember.float16


def test_python_lists_and_swish_alias():
    assert nn.swish is nn.silu
    np.testing.assert_allclose(nn.relu([-1.0, 2.0]).numpy(), [0, 2])
    np.testing.assert_allclose(nn.softmax([[0.0, 0.0]]).numpy(), [[0.5, 0.5]])


def test_silu_tensor_beta_gets_gradient():
    x = ember.constant([0.5, -1.0], dtype="float64")
    beta = ember.constant(2.0, dtype="float64")
    with ember.GradientTape() as tape:
        tape.watch([x, beta])
        y = ember.reduce_sum(nn.silu(x, beta=beta))
    gx, gb = tape.gradient(y, [x, beta])
    xv = x.numpy()
    s = _sig(2 * xv)
    np.testing.assert_allclose(gb.numpy(), np.sum(xv * xv * s * (1 - s)), rtol=1e-10)
    np.testing.assert_allclose(gx.numpy(), s + 2 * xv * s * (1 - s), rtol=1e-10)


def test_softmax_axis_errors_name_the_op():
    with pytest.raises(InvalidArgumentError, match=r"ember\.softmax.*axis 2"):
        nn.softmax(ember.zeros((2, 3)), axis=2)
    with pytest.raises(InvalidArgumentError, match=r"ember\.log_softmax.*axis -3"):
        nn.log_softmax(ember.zeros((2, 3)), axis=-3)
    with pytest.raises(InvalidArgumentError, match=r"ember\.softmax.*scalar"):
        nn.softmax(ember.constant(1.0))
    with pytest.raises(InvalidArgumentError, match=r"ember\.crelu.*axis 5"):
        nn.crelu(ember.zeros((2, 3)), axis=5)


# -- hypothesis: shapes and axes --------------------------------------------------------------
shape_and_axis = st.lists(st.integers(1, 4), min_size=1, max_size=4).flatmap(
    lambda s: st.tuples(st.just(tuple(s)), st.integers(-len(s), len(s) - 1)))


@settings(max_examples=25, deadline=None)
@given(shape_and_axis, st.integers(0, 2 ** 16))
def test_softmax_shapes_axes(sa, seed):
    shape, axis = sa
    x = np.random.default_rng(seed).normal(scale=3.0, size=shape)
    for dtype in ("float32", "float64"):
        xd = x.astype(dtype)
        y = nn.softmax(ember.constant(xd), axis=axis)
        ly = nn.log_softmax(ember.constant(xd), axis=axis)
        assert y.shape == shape and y.dtype == ember.as_dtype(dtype)
        tol = 1e-5 if dtype == "float32" else 1e-12
        np.testing.assert_allclose(y.numpy(), _softmax(x, axis), rtol=tol, atol=tol)
        np.testing.assert_allclose(ly.numpy(), _log_softmax(x, axis), rtol=tol, atol=tol)
        np.testing.assert_allclose(y.numpy().sum(axis=axis), 1.0, rtol=tol)


@settings(max_examples=15, deadline=None)
@given(shape_and_axis, st.integers(0, 2 ** 16))
def test_softmax_gradients_shapes_axes(sa, seed):
    shape, axis = sa
    for name, fn in (("softmax", nn.softmax), ("log_softmax", nn.log_softmax)):
        case = OpCase(name, lambda x, f=fn: f(x, axis=axis), None, [shape],
                      make_inputs=lambda r: [r.normal(size=shape)])
        check_grad(case)


# -- large inputs take the blocked (cache-sized) CPU path --------------------------------------
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("approximate", [False, True])
def test_gelu_blocked_path_matches_reference(dtype, approximate):
    rng = np.random.default_rng(5)
    x = (rng.normal(size=(3, 50_001)) * 3).astype(dtype)   # not a multiple of the block
    g = rng.normal(size=x.shape).astype(dtype)
    xt, gt = ember.constant(x), ember.constant(g)
    with ember.GradientTape() as tape:
        tape.watch(xt)
        y = nn.gelu(xt, approximate=approximate)
    dx = tape.gradient(y, xt, output_gradients=gt)
    assert y.dtype == ember.as_dtype(dtype) and dx.dtype == ember.as_dtype(dtype)
    x64 = x.astype(np.float64)
    if approximate:
        c, k = math.sqrt(2 / math.pi), 0.044715
        t = np.tanh(c * (x64 + k * x64 ** 3))
        want = 0.5 * x64 * (1 + t)
        want_dx = 0.5 * (1 + t) + 0.5 * x64 * (1 - t * t) * c * (1 + 3 * k * x64 ** 2)
    else:
        cdf = _ndtr(x64)
        want = x64 * cdf
        want_dx = cdf + x64 * np.exp(-0.5 * x64 ** 2) / math.sqrt(2 * math.pi)
    tol = {"float16": 2e-3, "float32": 2e-6, "float64": 1e-12}[dtype]
    np.testing.assert_allclose(y.numpy().astype(np.float64), want, rtol=tol, atol=tol)
    np.testing.assert_allclose(dx.numpy().astype(np.float64), want_dx * g, rtol=tol * 4,
                               atol=tol * 4)


def test_softmax_wide_range_rows_fall_back_to_per_row_shift():
    # values spanning more than 60: a single shift would underflow whole rows to 0
    x = np.zeros((16, 128), np.float32)
    x[0] = -500.0
    x[1, 0] = 300.0
    got = nn.softmax(ember.constant(x)).numpy()
    np.testing.assert_allclose(got, _softmax(x.astype(np.float64)), rtol=1e-6, atol=1e-30)
    assert np.isfinite(got).all()
    x[2, 3] = np.nan
    assert np.isnan(nn.softmax(ember.constant(x)).numpy()[2]).all()


@pytest.mark.parametrize("fn", [nn.softplus, ember.math.log_sigmoid, nn.sigmoid, nn.silu,
                                nn.gelu, nn.elu, nn.softsign])
def test_scalar_inputs(fn):
    for v in (-3.0, 0.0, 2.5):
        assert fn(ember.constant(v)).shape == ()
        np.testing.assert_allclose(float(fn(ember.constant(v))),
                                   float(fn(ember.constant([v]))[0]), rtol=1e-6)
