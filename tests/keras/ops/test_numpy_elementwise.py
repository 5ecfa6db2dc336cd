"""keras.ops elementwise NumPy-style ops: values vs NumPy, Keras's result dtypes, special
values, gradients vs finite differences, broadcasting, symbolic use and errors."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_grad, check_second_order, check_values

import ember
from ember import keras
from ember.keras.ops import numpy_elementwise as kops
from ember.ops import special_functions

rng = np.random.default_rng(0)
A = rng.normal(size=(3, 4)).astype("float32")
B = rng.normal(size=(3, 4)).astype("float32")
P = (np.abs(A) + 0.5).astype("float32")          # positive
U = np.clip(A, -0.9, 0.9).astype("float32")       # inside (-1, 1)
I = np.array([[-7, 7, 0, 12], [5, -3, 9, 18]], dtype="int32")
E = (np.arange(12, dtype="int32").reshape(3, 4) % 7 - 3)  # small integer exponents
J = np.array([[2, -2, 3, 8], [3, 5, -4, 12]], dtype="int32")
S = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.5, 3.0], dtype="float32")
SA, SB = np.repeat(S, S.size), np.tile(S, S.size)  # every pair of special values
C64 = np.array([1 + 1j, -1 + 0j, 2 - 3j, 0.5j], dtype="complex64")


def _np(x):
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def _quiet(fn, *args):
    with np.errstate(all="ignore"):
        return fn(*args)


# ---- values vs NumPy (float32 in, float32 out unless the id says otherwise) -------------
VALUES = [  # (id, keras call, numpy reference)
    ("arccos", lambda: kops.arccos(U), lambda: np.arccos(U)),
    ("arccosh", lambda: kops.arccosh(P + 1), lambda: np.arccosh(P + 1)),
    ("arcsin", lambda: kops.arcsin(U), lambda: np.arcsin(U)),
    ("arcsinh", lambda: kops.arcsinh(A), lambda: np.arcsinh(A)),
    ("arctan", lambda: kops.arctan(A), lambda: np.arctan(A)),
    ("arctanh", lambda: kops.arctanh(U), lambda: np.arctanh(U)),
    ("cosh", lambda: kops.cosh(A), lambda: np.cosh(A)),
    ("sinh", lambda: kops.sinh(A), lambda: np.sinh(A)),
    ("log2", lambda: kops.log2(P), lambda: np.log2(P)),
    ("log10", lambda: kops.log10(P), lambda: np.log10(P)),
    ("sinc", lambda: kops.sinc(A), lambda: np.sinc(A)),
    ("cbrt", lambda: kops.cbrt(A), lambda: np.cbrt(A)),
    ("deg2rad", lambda: kops.deg2rad(A * 90), lambda: np.deg2rad(A * 90)),
    ("rad2deg", lambda: kops.rad2deg(A), lambda: np.rad2deg(A)),
    ("exp2", lambda: kops.exp2(A), lambda: np.exp2(A)),
    ("fabs", lambda: kops.fabs(A), lambda: np.fabs(A)),
    ("i0", lambda: kops.i0(A * 3), lambda: np.i0(A * 3).astype("float32")),
    ("reciprocal", lambda: kops.reciprocal(P), lambda: 1 / P),
    ("trunc", lambda: kops.trunc(A * 3), lambda: np.trunc(A * 3)),
    ("copy", lambda: kops.copy(A), lambda: A),
    ("angle", lambda: kops.angle(A), lambda: np.angle(A).astype("float32")),
    ("real", lambda: kops.real(A), lambda: A),
    ("imag", lambda: kops.imag(A), lambda: np.zeros_like(A)),
    ("conj", lambda: kops.conj(A), lambda: A),
    ("conjugate", lambda: kops.conjugate(A), lambda: A),
    ("nan_to_num", lambda: kops.nan_to_num(S), lambda: np.nan_to_num(S)),
    ("nan_to_num_values", lambda: kops.nan_to_num(S, nan=1.0, posinf=5.0, neginf=-7.0),
     lambda: np.nan_to_num(S, nan=1.0, posinf=5.0, neginf=-7.0)),
    ("isfinite", lambda: kops.isfinite(S), lambda: np.isfinite(S)),
    ("isinf", lambda: kops.isinf(S), lambda: np.isinf(S)),
    ("isnan", lambda: kops.isnan(S), lambda: np.isnan(S)),
    ("isneginf", lambda: kops.isneginf(S), lambda: np.isneginf(S)),
    ("isposinf", lambda: kops.isposinf(S), lambda: np.isposinf(S)),
    ("isreal", lambda: kops.isreal(A), lambda: np.isreal(A)),
    ("signbit", lambda: kops.signbit(S), lambda: np.signbit(S)),
    ("arctan2", lambda: kops.arctan2(A, B), lambda: np.arctan2(A, B)),
    ("divide_no_nan", lambda: kops.divide_no_nan(A, np.where(B > 0, B, 0)),
     lambda: np.where(B > 0, A / np.where(B > 0, B, 1), 0)),
    ("floor_divide", lambda: kops.floor_divide(A * 5, P), lambda: np.floor_divide(A * 5, P)),
    ("floor_divide_int", lambda: kops.floor_divide(I, J), lambda: I // J),
    ("fmax", lambda: kops.fmax(A, B), lambda: np.fmax(A, B)),
    ("fmin", lambda: kops.fmin(A, B), lambda: np.fmin(A, B)),
    ("fmod", lambda: kops.fmod(A * 5, B), lambda: np.fmod(A * 5, B)),
    ("fmod_int", lambda: kops.fmod(I, J), lambda: np.fmod(I, J)),
    ("mod", lambda: kops.mod(A * 5, B), lambda: np.mod(A * 5, B)),
    ("mod_int", lambda: kops.mod(I, J), lambda: np.mod(I, J)),
    ("gcd", lambda: kops.gcd(I, J), lambda: np.gcd(I, J)),
    ("lcm", lambda: kops.lcm(I, J), lambda: np.lcm(I, J)),
    ("heaviside", lambda: kops.heaviside(np.round(A), 0.5),
     lambda: np.heaviside(np.round(A), np.float32(0.5))),
    ("hypot", lambda: kops.hypot(A, B), lambda: np.hypot(A, B)),
    ("hypot_int", lambda: kops.hypot(I, J), lambda: np.hypot(I, J).astype("float32")),
    ("ldexp", lambda: kops.ldexp(A, E), lambda: np.ldexp(A, E)),
    ("logaddexp", lambda: kops.logaddexp(A, B), lambda: np.logaddexp(A, B)),
    ("logaddexp2", lambda: kops.logaddexp2(A, B), lambda: np.logaddexp2(A, B)),
    ("logical_xor", lambda: kops.logical_xor(A > 0, B > 0), lambda: np.logical_xor(A > 0, B > 0)),
    ("logical_xor_num", lambda: kops.logical_xor(I, 0), lambda: np.logical_xor(I, 0)),
    ("nextafter", lambda: kops.nextafter(A, B), lambda: np.nextafter(A, B)),
    ("isclose", lambda: kops.isclose(A, A + B * 1e-6), lambda: np.isclose(A, A + B * 1e-6)),
    ("isclose_tol", lambda: kops.isclose(A, B, rtol=0.5, atol=0.1),
     lambda: np.isclose(A, B, rtol=0.5, atol=0.1)),
    ("allclose", lambda: kops.allclose(A, A + 1e-7), lambda: np.allclose(A, A + 1e-7)),
    ("allclose_false", lambda: kops.allclose(A, B), lambda: np.allclose(A, B)),
    # complex inputs
    ("angle_complex", lambda: kops.angle(C64), lambda: np.angle(C64)),
    ("real_complex", lambda: kops.real(C64), lambda: np.real(C64)),
    ("imag_complex", lambda: kops.imag(C64), lambda: np.imag(C64)),
    ("conj_complex", lambda: kops.conj(C64), lambda: np.conj(C64)),
    ("isreal_complex", lambda: kops.isreal(C64), lambda: np.isreal(C64)),
    ("nan_to_num_complex", lambda: kops.nan_to_num(C64 * np.inf),
     lambda: np.nan_to_num(C64 * np.inf)),
]


@pytest.mark.parametrize("call,ref", [c[1:] for c in VALUES], ids=[c[0] for c in VALUES])
def test_values_match_numpy(call, ref):
    got, want = _np(_quiet(call)), np.asarray(_quiet(ref))
    assert got.shape == want.shape
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


# ---- every pair of special values (NaN, ±inf, ±0, finite) behaves like NumPy ------------
SPECIAL_BINARY = {
    "logaddexp": np.logaddexp, "logaddexp2": np.logaddexp2, "hypot": np.hypot,
    "fmax": np.fmax, "fmin": np.fmin, "heaviside": np.heaviside, "fmod": np.fmod,
    "mod": np.mod, "arctan2": np.arctan2, "nextafter": np.nextafter,
    "floor_divide": np.floor_divide,
    "divide_no_nan": lambda a, b: np.where(b == 0, 0, a / b).astype(a.dtype),
}


@pytest.mark.parametrize("name", sorted(SPECIAL_BINARY))
def test_special_value_pairs(name):
    got = _np(_quiet(getattr(kops, name), SA, SB))
    want = _quiet(SPECIAL_BINARY[name], SA, SB)
    np.testing.assert_allclose(got, want, rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("equal_nan", [False, True])
def test_isclose_special_values(equal_nan):
    got = kops.isclose(SA, SB, equal_nan=equal_nan).numpy()
    np.testing.assert_array_equal(got, np.isclose(SA, SB, equal_nan=equal_nan))


SPECIAL_UNARY = {
    "sinc": np.sinc, "angle": np.angle, "trunc": np.trunc, "cbrt": np.cbrt, "log2": np.log2,
    "log10": np.log10, "exp2": np.exp2, "reciprocal": np.reciprocal, "fabs": np.fabs,
    "arccos": np.arccos, "sinh": np.sinh, "deg2rad": np.deg2rad,
}


@pytest.mark.parametrize("name", sorted(SPECIAL_UNARY))
def test_special_values_unary(name):
    got = _np(_quiet(getattr(kops, name), S))
    np.testing.assert_allclose(got, _quiet(SPECIAL_UNARY[name], S), rtol=1e-6, equal_nan=True)


def test_exact_results():
    assert kops.log2(2.0 ** np.arange(-20, 21)).numpy().tolist() == list(range(-20, 21))
    assert kops.log10([1e-3, 1.0, 1e3]).numpy().tolist() == [-3.0, 0.0, 3.0]
    assert kops.exp2([-1, 0, 10]).numpy().tolist() == [0.5, 1.0, 1024.0]
    assert kops.cbrt([-27.0, 8.0]).numpy().tolist() == [-3.0, 2.0]
    assert kops.ldexp(np.float32(1e-30), [100, -30]).numpy().tolist() == \
        np.ldexp(np.float32(1e-30), np.array([100, -30])).tolist()  # no overflow in 2**100
    assert np.isposinf(kops.i0(np.float32(100.0)).numpy())
    assert kops.sinc(0).numpy() == 1.0
    # fmod of the most negative int8 (whose magnitude does not fit)
    assert kops.fmod(np.int8(-128), np.int8(3)).numpy() == -2


def test_bessel_functions_match_reference_values():
    x = np.array([0.0, 0.5, -1.0, 5.0, 19.5, 20.5, -30.0, 100.0, 700.0])
    i0 = [1.0, 1.0634833707413234, 1.2660658777520082, 27.239871823604442,
          2.6760525339838758e7, 7.0922869834316984e7, 7.8167229782397754e11,
          1.0737517071310738e42, 1.5295933476718735e302]      # SciPy's i0
    i1 = [0.0, 0.25789430539089636, -0.56515910399248515, 24.335642142450524,
          2.6065069264457162e7, 6.9170831679184362e7, -7.6853203893895691e11,
          1.0683693903381625e42, 1.5285003902339006e302]     # SciPy's i1
    np.testing.assert_allclose(kops.i0(x).numpy(), i0, rtol=4e-15)
    np.testing.assert_allclose(special_functions.bessel_i1(x).numpy(), i1, rtol=4e-15)
    grid = np.linspace(-40, 40, 2001)
    np.testing.assert_allclose(kops.i0(grid).numpy(), np.i0(grid), rtol=4e-15)


def test_bfloat16_is_kept():
    pytest.importorskip("ml_dtypes")
    x = ember.cast(ember.constant([np.nan, -np.inf, 0.5]), "bfloat16")
    for op in (kops.log2, kops.sinc, kops.i0, kops.cbrt, kops.trunc, kops.nan_to_num):
        assert _quiet(op, x).dtype == "bfloat16", op.__name__
    assert _quiet(kops.hypot, x, 2).dtype == "bfloat16"
    assert _quiet(kops.arctan2, x, 1.0).dtype == "float32"
    assert _quiet(kops.nan_to_num, x).numpy().astype("float64").tolist() == \
        [0.0, -3.3895313892515355e38, 0.5]


# ---- Keras's result dtypes (verified against Keras 3 on its TensorFlow backend) ----------
def _input(d):
    return {"pyint": 3, "pyfloat": 2.5}.get(d) if d.startswith("py") else np.ones(3, d)


DTYPES = [  # (op, input dtypes, result dtype)
    ("arccos", ("bool",), "float32"), ("arccos", ("int8",), "float32"),
    ("arccos", ("int64",), "float32"), ("arccos", ("float16",), "float16"),
    ("arccos", ("float64",), "float64"), ("cbrt", ("int32",), "float32"),
    ("cbrt", ("int64",), "float64"), ("cbrt", ("float16",), "float16"),
    ("deg2rad", ("int32",), "float32"), ("deg2rad", ("int64",), "float64"),
    ("deg2rad", ("float16",), "float16"), ("exp2", ("uint8",), "float32"),
    ("exp2", ("float64",), "float64"), ("fabs", ("int16",), "float32"),
    ("i0", ("int32",), "float32"), ("i0", ("int64",), "float64"),
    ("i0", ("float16",), "float16"), ("i0", ("float64",), "float64"),
    ("log2", ("int64",), "float32"), ("log2", ("float16",), "float16"),
    ("sinc", ("int32",), "float32"), ("trunc", ("int32",), "int32"),
    ("trunc", ("float16",), "float16"), ("angle", ("int32",), "float32"),
    ("real", ("int32",), "int32"), ("nan_to_num", ("int16",), "int16"),
    ("signbit", ("int8",), "bool"), ("reciprocal", ("int32",), "float32"),
    ("arctan2", ("int32", "int32"), "float32"), ("arctan2", ("int32", "float16"), "float16"),
    ("arctan2", ("float64", "float64"), "float64"), ("arctan2", ("int16", "pyint"), "float32"),
    ("arctan2", ("float16", "pyint"), "float16"), ("arctan2", ("pyint", "pyint"), "float32"),
    ("divide_no_nan", ("int8", "uint8"), "float32"),
    ("divide_no_nan", ("float16", "pyint"), "float16"),
    ("divide_no_nan", ("float16", "pyfloat"), "float16"),
    ("floor_divide", ("int8", "pyint"), "int8"), ("floor_divide", ("uint8", "pyint"), "uint8"),
    ("floor_divide", ("float16", "pyint"), "float16"),
    ("floor_divide", ("int16", "pyfloat"), "float32"),
    ("floor_divide", ("pyint", "pyint"), "int32"),
    ("floor_divide", ("int32", "float16"), "float16"),
    ("floor_divide", ("int8", "uint8"), "int16"),
    ("fmax", ("int8", "pyint"), "int8"), ("fmax", ("int64", "int64"), "int64"),
    ("fmax", ("float16", "pyint"), "float16"), ("fmin", ("uint8", "int8"), "int16"),
    ("mod", ("int16", "pyint"), "int32"), ("mod", ("bool", "pyint"), "int32"),
    ("mod", ("float16", "pyint"), "float16"), ("mod", ("int8", "uint8"), "int16"),
    ("mod", ("bool", "bool"), "int32"), ("fmod", ("bool", "bool"), "int32"),
    ("fmod", ("int16", "pyint"), "int32"), ("fmod", ("float16", "float32"), "float32"),
    ("gcd", ("int8", "uint8"), "int16"), ("gcd", ("int16", "pyint"), "int32"),
    ("gcd", ("int64", "int64"), "int64"), ("lcm", ("uint8", "uint8"), "uint8"),
    ("heaviside", ("int32", "int32"), "float32"), ("heaviside", ("int64", "int64"), "float64"),
    ("heaviside", ("float16", "pyint"), "float16"),
    ("heaviside", ("int16", "pyfloat"), "float32"),
    ("hypot", ("int8", "int8"), "float32"), ("hypot", ("int64", "int64"), "float64"),
    ("hypot", ("float16", "float16"), "float16"), ("hypot", ("int32", "float16"), "float16"),
    ("ldexp", ("int32", "int32"), "float32"), ("ldexp", ("float16", "pyint"), "float16"),
    ("ldexp", ("float64", "int8"), "float64"), ("logaddexp", ("int32", "int32"), "float32"),
    ("logaddexp", ("int64", "int64"), "float32"), ("logaddexp", ("float16", "pyint"), "float16"),
    ("logaddexp", ("float32", "float64"), "float64"),
    ("logaddexp2", ("uint8", "int8"), "float32"),
    ("nextafter", ("int8", "uint8"), "float32"), ("nextafter", ("float16", "pyint"), "float16"),
    ("isclose", ("int32", "float16"), "bool"), ("logical_xor", ("int8", "float32"), "bool"),
]


@pytest.mark.parametrize("name,ins,want", DTYPES,
                         ids=[f"{n}-{'-'.join(i)}" for n, i, _ in DTYPES])
def test_result_dtypes_follow_keras(name, ins, want):
    out = _quiet(getattr(kops, name), *[_input(d) for d in ins])
    assert out.dtype.name == want


# ---- gradients vs central finite differences (float64) ---------------------------------
def _signed(lo, hi, shape=(3, 4)):
    return lambda r: [r.choice([-1.0, 1.0], size=shape) * r.uniform(lo, hi, size=shape)]


def _dividend_divisor(r):
    return [r.uniform(-3, 3, (3, 4)), r.choice([-1.0, 1.0], (3, 4)) * r.uniform(0.7, 1.3, (3, 4))]


GRADS = [
    OpCase("arccos", kops.arccos, np.arccos, [(3, 4)], domain=(-0.9, 0.9)),
    OpCase("arccosh", kops.arccosh, np.arccosh, [(3, 4)], domain=(1.2, 3.0)),
    OpCase("arcsin", kops.arcsin, np.arcsin, [(3, 4)], domain=(-0.9, 0.9)),
    OpCase("arcsinh", kops.arcsinh, np.arcsinh, [(3, 4)]),
    OpCase("arctan", kops.arctan, np.arctan, [(3, 4)]),
    OpCase("arctanh", kops.arctanh, np.arctanh, [(3, 4)], domain=(-0.9, 0.9)),
    OpCase("cosh", kops.cosh, np.cosh, [(3, 4)]),
    OpCase("sinh", kops.sinh, np.sinh, [(3, 4)]),
    OpCase("log2", kops.log2, np.log2, [(3, 4)], domain=(0.2, 3.0), second_order=True),
    OpCase("log10", kops.log10, np.log10, [(3, 4)], domain=(0.2, 3.0)),
    OpCase("exp2", kops.exp2, np.exp2, [(3, 4)], second_order=True),
    OpCase("sinc", kops.sinc, np.sinc, [(3, 4)], second_order=True),
    OpCase("sinc_near_0", kops.sinc, np.sinc, [(8,)], domain=(-1e-3, 1e-3),
           second_order=True),
    OpCase("cbrt", kops.cbrt, np.cbrt, [(3, 4)], make_inputs=_signed(0.3, 2.0),
           second_order=True),
    OpCase("i0", kops.i0, np.i0, [(3, 4)], domain=(-6.0, 6.0), second_order=True),
    OpCase("deg2rad", kops.deg2rad, np.deg2rad, [(3, 4)]),
    OpCase("rad2deg", kops.rad2deg, np.rad2deg, [(3, 4)]),
    OpCase("fabs", kops.fabs, np.fabs, [(3, 4)], make_inputs=_signed(0.1, 2.0)),
    OpCase("reciprocal", kops.reciprocal, np.reciprocal, [(3, 4)],
           make_inputs=_signed(0.5, 2.0)),
    OpCase("angle", kops.angle, np.angle, [(3, 4)], make_inputs=_signed(0.1, 2.0)),
    OpCase("real", kops.real, np.real, [(3, 4)]),
    OpCase("conj", kops.conj, np.conj, [(3, 4)]),
    OpCase("copy", kops.copy, np.copy, [(3, 4)]),
    OpCase("nan_to_num", kops.nan_to_num, np.nan_to_num, [(3, 4)]),
    OpCase("arctan2", kops.arctan2, np.arctan2, [(3, 4), (4,)], second_order=True),
    OpCase("divide_no_nan", kops.divide_no_nan, np.divide, [(3, 4), (3, 4)],
           make_inputs=_dividend_divisor),
    OpCase("fmax", kops.fmax, np.fmax, [(3, 4), (3, 4)]),
    OpCase("fmin", kops.fmin, np.fmin, [(3, 4), (1, 4)]),
    OpCase("fmod", kops.fmod, np.fmod, [(3, 4), (3, 4)], make_inputs=_dividend_divisor),
    OpCase("mod", kops.mod, np.mod, [(3, 4), (3, 4)], make_inputs=_dividend_divisor),
    OpCase("heaviside", kops.heaviside, np.heaviside, [(3, 4), (3, 4)],
           make_inputs=lambda r: [np.round(r.uniform(-2, 2, (3, 4))), r.uniform(0, 1, (3, 4))],
           grad_argnums=[1]),  # x1 sits on the step (0) in places: only d/dx2 there
    OpCase("hypot", kops.hypot, np.hypot, [(3, 4), (3, 4)], second_order=True),
    OpCase("hypot_bcast", kops.hypot, np.hypot, [(3, 4), (3, 1)]),
    OpCase("ldexp", kops.ldexp, np.ldexp, [(3, 4), (3, 4)],
           make_inputs=lambda r: [r.uniform(-3, 3, (3, 4)), r.integers(-3, 4, (3, 4))]),
    OpCase("logaddexp", kops.logaddexp, np.logaddexp, [(3, 4), (4,)], second_order=True),
    OpCase("logaddexp_ties", kops.logaddexp, np.logaddexp, [(5,), (5,)],
           make_inputs=lambda r: [np.arange(5.0), np.arange(5.0)]),
    OpCase("logaddexp2", kops.logaddexp2, np.logaddexp2, [(3, 4), (3, 1)], second_order=True),
]


@pytest.mark.parametrize("case", GRADS, ids=lambda c: c.name)
def test_values_and_gradients(case):
    check_values(case)
    check_grad(case)
    if case.second_order:
        check_second_order(case)


def test_bessel_i1_gradient_and_complex_part_gradients():
    check_grad(OpCase("bessel_i1", special_functions.bessel_i1, None, [(6,)],
                      domain=(-5.0, 5.0)))
    z = ember.constant(np.array([1 + 2j, 3 - 4j]))
    with ember.GradientTape() as tape:
        tape.watch(z)
        loss = ember.reduce_sum(kops.real(z) ** 2 + 3 * kops.imag(z))
    # d/dx + i d/dy of x^2 + 3y
    np.testing.assert_allclose(tape.gradient(loss, z).numpy(), [2 + 3j, 6 + 3j])


def test_non_differentiable_ops_give_no_gradient():
    x = ember.constant([1.5, -2.5])
    with ember.GradientTape(persistent=True) as tape:
        tape.watch(x)
        outs = [kops.trunc(x), kops.floor_divide(x, 2.0), kops.nextafter(x, 0.0)]
    for out in outs:
        grad = tape.gradient(out, x)
        assert grad is None or not np.any(grad.numpy())


# ---- broadcasting (hypothesis) ----------------------------------------------------------
BINARY_FLOAT = {
    "arctan2": np.arctan2, "hypot": np.hypot, "logaddexp": np.logaddexp,
    "logaddexp2": np.logaddexp2, "fmax": np.fmax, "fmin": np.fmin,
    "heaviside": np.heaviside, "nextafter": np.nextafter, "isclose": np.isclose,
}


@st.composite
def _broadcastable(draw):
    out = draw(st.lists(st.integers(1, 4), min_size=0, max_size=3))
    a = [d if draw(st.booleans()) else 1 for d in out]
    b = [d if draw(st.booleans()) else 1 for d in out]
    return tuple(a[draw(st.integers(0, len(a))):]), tuple(b)


@settings(max_examples=20, deadline=None)
@given(shapes=_broadcastable(), name=st.sampled_from(sorted(BINARY_FLOAT)),
       seed=st.integers(0, 2 ** 16))
def test_binary_ops_broadcast_like_numpy(shapes, name, seed):
    r = np.random.default_rng(seed)
    a = np.round(r.normal(size=shapes[0]), 1).astype("float32")
    b = np.round(r.normal(size=shapes[1]), 1).astype("float32")
    got = _np(getattr(kops, name)(a, b))
    want = BINARY_FLOAT[name](a, b)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@settings(max_examples=20, deadline=None)
@given(shapes=_broadcastable(), seed=st.integers(0, 2 ** 16),
       dtype=st.sampled_from(["int8", "int16", "int32", "uint8", "int64"]))
def test_integer_remainders_broadcast_like_numpy(shapes, seed, dtype):
    r = np.random.default_rng(seed)
    lo = 0 if dtype == "uint8" else -50
    a = r.integers(lo, 50, size=shapes[0]).astype(dtype)
    b = r.integers(1, 20, size=shapes[1]).astype(dtype)
    for name, ref in (("mod", np.mod), ("fmod", np.fmod), ("floor_divide", np.floor_divide),
                      ("gcd", np.gcd), ("lcm", np.lcm)):
        got = _np(getattr(kops, name)(a, b))
        np.testing.assert_array_equal(got, ref(a, b), err_msg=name)
        assert got.dtype == np.dtype(dtype), name


# ---- symbolic use in a functional model --------------------------------------------------
def _pipeline(x, y):
    h = kops.logaddexp(kops.hypot(x, y), kops.sinc(x))
    h = kops.fmod(kops.nan_to_num(h, posinf=1.0), 0.7) + kops.i0(y) + kops.arctan2(x, y)
    return h, kops.isclose(x, y, atol=0.5), kops.signbit(kops.trunc(x))


def test_functional_model_matches_eager():
    x, y = keras.Input((3,)), keras.Input((3,))
    outs = _pipeline(x, y)
    assert [tuple(o.shape) for o in outs] == [(None, 3)] * 3
    assert [o.dtype for o in outs] == ["float32", "bool", "bool"]
    model = keras.Model([x, y], list(outs))
    d1 = rng.normal(size=(2, 3)).astype("float32")
    d2 = (d1 + rng.normal(size=(2, 3)) * 0.5).astype("float32")
    for got, want in zip(model([d1, d2]), _pipeline(d1, d2)):
        np.testing.assert_allclose(_np(got), _np(want), rtol=1e-6)


def test_functional_model_with_integer_ops():
    x = keras.Input((4,), dtype="int32")
    model = keras.Model(x, [kops.gcd(x, 12), kops.lcm(x, 4), kops.mod(x, 3),
                            kops.floor_divide(x, 2)])
    data = np.array([[1, 6, 9, -10]], dtype="int32")
    want = [np.gcd(data, 12), np.lcm(data, 4), np.mod(data, 3), data // 2]
    for got, w in zip(model(data), want):
        np.testing.assert_array_equal(_np(got), w)


@pytest.mark.skipif(not hasattr(keras.ops, "hypot"), reason="not yet in keras.ops")
def test_config_round_trip():
    x, y = keras.Input((3,)), keras.Input((3,))
    model = keras.Model([x, y], kops.isclose(kops.hypot(x, y), 1.0, rtol=0.1))
    clone = keras.Model.from_config(model.get_config())
    d = rng.normal(size=(2, 3)).astype("float32")
    np.testing.assert_array_equal(_np(clone([d, d])), _np(model([d, d])))


# ---- errors -----------------------------------------------------------------------------
def test_clear_errors():
    with pytest.raises(TypeError, match="keras.ops.fabs: complex"):
        kops.fabs(C64)
    with pytest.raises(TypeError, match="keras.ops.i0: complex"):
        kops.i0(C64)
    with pytest.raises(TypeError, match="keras.ops.isneginf: complex"):
        kops.isneginf(C64)
    with pytest.raises(TypeError, match="keras.ops.ldexp: the exponent .* dtype=float32"):
        kops.ldexp(A, B)
    with pytest.raises(TypeError, match="keras.ops.ldexp: .* dtype=bool"):
        kops.ldexp(A, True)
    with pytest.raises(TypeError, match="keras.ops.gcd: expects integer .* float32"):
        kops.gcd(I, 2.0)
    with pytest.raises(TypeError, match="keras.ops.lcm: expects integer"):
        kops.lcm(A, B)
    with pytest.raises(TypeError, match="keras.ops.signbit: complex"):
        kops.signbit(C64)


def test_keras_signatures():
    import inspect
    sig = inspect.signature(kops.isclose)
    assert list(sig.parameters) == ["x1", "x2", "rtol", "atol", "equal_nan"]
    assert sig.parameters["rtol"].default == 1e-5 and sig.parameters["atol"].default == 1e-8
    sig = inspect.signature(kops.nan_to_num)
    assert [(p.name, p.default) for p in sig.parameters.values()][1:] == \
        [("nan", 0.0), ("posinf", None), ("neginf", None)]
    assert set(kops.__all__) <= set(dir(kops))
    assert kops.conj._keras_op_name == "conj" and kops.log2._keras_op_name == "log2"
    assert math.isclose(float(kops.deg2rad(180.0)), math.pi, rel_tol=1e-7)
