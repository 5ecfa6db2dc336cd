"""ember.signal FFTs: values vs np.fft, gradients vs finite differences and real TF."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, table_tests

import ember
from ember import signal
from ember.core.errors import InvalidArgumentError
from ember.ops.spectral import complex_from_parts, complex_parts


def cplx(a, b):
    """A complex tensor from two real ones (complex128 for float64 parts)."""
    return complex_from_parts(a, b, "complex128" if a.dtype == ember.float64 else "complex64")


def parts(z):
    return complex_parts(z)


def np_parts(c):
    return np.real(c), np.imag(c)


def _objective(fn, out_shape, seed):
    rng = np.random.default_rng(seed)
    wr = rng.uniform(0.5, 1.5, out_shape)
    wi = rng.uniform(-1.5, 1.5, out_shape)

    def loss(t):
        y = fn(t)
        if y.dtype.is_complex:
            r, i = parts(y)
            return ember.reduce_sum(r * ember.constant(wr)) + \
                ember.reduce_sum(i * ember.constant(wi))
        return ember.reduce_sum(y * ember.constant(wr))
    return loss


def complex_grad_check(fn, x, seed=3, eps=1e-6, rtol=1e-6, atol=1e-8):
    """``tape.gradient`` of a real loss of ``fn(x)`` w.r.t. ``x`` (complex128 or float64)
    equals TF's convention ``dL/dRe + i dL/dIm`` from central differences."""
    x = np.asarray(x)
    out_shape = tuple(fn(ember.constant(x)).shape)
    loss = _objective(fn, out_shape, seed)
    t = ember.constant(x)
    with ember.GradientTape() as tape:
        tape.watch(t)
        value = loss(t)
    got = tape.gradient(value, t).numpy()
    assert got.dtype == x.dtype, (got.dtype, x.dtype)
    num = np.zeros(x.shape, dtype=x.dtype)
    steps = [1.0, 1j] if x.dtype.kind == "c" else [1.0]
    for k in range(x.size):
        for s in steps:
            e = np.zeros(x.size, dtype=x.dtype)
            e[k] = eps * s
            e = e.reshape(x.shape)
            d = (float(loss(ember.constant(x + e))) - float(loss(ember.constant(x - e)))) / (
                2 * eps)
            num.reshape(-1)[k] += d * s
    np.testing.assert_allclose(got, num, rtol=rtol, atol=atol)


def _c(fn, ref):
    """An OpCase pair for a complex -> complex transform on (real, imag) inputs."""
    return (lambda a, b: parts(fn(cplx(a, b))),
            lambda a, b: np_parts(ref(a + 1j * b)))


def _r2c(fn, ref):
    return lambda a: parts(fn(a)), lambda a: np_parts(ref(a))


def _c2r(fn, ref):
    return lambda a, b: fn(cplx(a, b)), lambda a, b: ref(a + 1j * b)


def _ax(k):
    return tuple(range(-k, 0))


CASES = [
    OpCase("fft", *_c(signal.fft, np.fft.fft), [(2, 5), (2, 5)], second_order=True),
    OpCase("ifft", *_c(signal.ifft, np.fft.ifft), [(3, 4), (3, 4)], second_order=True),
    OpCase("fft2d", *_c(signal.fft2d, np.fft.fft2), [(2, 3, 2), (2, 3, 2)]),
    OpCase("ifft2d", *_c(signal.ifft2d, np.fft.ifft2), [(3, 3), (3, 3)], second_order=True),
    OpCase("fft3d", *_c(signal.fft3d, lambda c: np.fft.fftn(c, axes=_ax(3))),
           [(2, 2, 3), (2, 2, 3)]),
    OpCase("ifft3d", *_c(signal.ifft3d, lambda c: np.fft.ifftn(c, axes=_ax(3))),
           [(1, 2, 2, 3), (1, 2, 2, 3)]),
    OpCase("fft_real_input", lambda a: parts(signal.fft(a)),
           lambda a: np_parts(np.fft.fft(a)), [(2, 4)], second_order=True),
    OpCase("rfft_odd", *_r2c(signal.rfft, np.fft.rfft), [(2, 5)], second_order=True),
    OpCase("irfft_default", *_c2r(signal.irfft, np.fft.irfft), [(2, 4), (2, 4)],
           second_order=True),
    OpCase("fftshift", lambda a: signal.fftshift(a), np.fft.fftshift, [(3, 4)]),
    OpCase("ifftshift_axis", lambda a: signal.ifftshift(a, axes=1),
           lambda a: np.fft.ifftshift(a, axes=1), [(3, 5)]),
    OpCase("fftshift_axes", lambda a: signal.fftshift(a, axes=[0, -1]),
           lambda a: np.fft.fftshift(a, axes=(0, -1)), [(3, 2, 5)]),
]
for _n in (3, 6, 9):  # crop, exact, zero-pad a length-6 signal
    CASES.append(OpCase(f"rfft_{_n}", *_r2c(lambda a, n=_n: signal.rfft(a, [n]),
                                             lambda a, n=_n: np.fft.rfft(a, n)), [(2, 6)],
                        second_order=_n == 9))
    CASES.append(OpCase(f"irfft_{_n}", *_c2r(lambda a, n=_n: signal.irfft(a, [n]),
                                              lambda a, n=_n: np.fft.irfft(a, n)),
                        [(2, 4), (2, 4)], second_order=_n == 3))
for _s in ((2, 4), (4, 3), (3, 7)):
    CASES.append(OpCase(f"rfft2d_{_s}", *_r2c(
        lambda a, s=_s: signal.rfft2d(a, s),
        lambda a, s=_s: np.fft.rfftn(a, s=s, axes=_ax(2))), [(2, 3, 5)],
        second_order=_s == (3, 7)))
    CASES.append(OpCase(f"irfft2d_{_s}", *_c2r(
        lambda a, s=_s: signal.irfft2d(a, s),
        lambda a, s=_s: np.fft.irfftn(a, s=s, axes=_ax(2))), [(3, 3), (3, 3)],
        second_order=_s == (2, 4)))
CASES += [
    OpCase("rfft2d_default", *_r2c(signal.rfft2d, lambda a: np.fft.rfftn(a, axes=_ax(2))),
           [(3, 4)]),
    OpCase("irfft2d_default", *_c2r(signal.irfft2d,
                                    lambda a: np.fft.irfftn(a, axes=_ax(2))),
           [(3, 3), (3, 3)]),
    OpCase("rfft3d", *_r2c(lambda a: signal.rfft3d(a, [2, 3, 4]),
                           lambda a: np.fft.rfftn(a, s=(2, 3, 4), axes=_ax(3))),
           [(3, 2, 5)], second_order=True),
    OpCase("irfft3d", *_c2r(lambda a: signal.irfft3d(a, [2, 2, 5]),
                            lambda a: np.fft.irfftn(a, s=(2, 2, 5), axes=_ax(3))),
           [(2, 3, 3), (2, 3, 3)], second_order=True),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


def _rand_c(rng, *shape):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


@pytest.mark.parametrize("fn", [signal.fft, signal.ifft, signal.fft2d, signal.ifft3d,
                                lambda z: signal.irfft(z, [5]),
                                lambda z: signal.irfft2d(z, [2, 4]),
                                lambda z: signal.fftshift(z)],
                         ids=["fft", "ifft", "fft2d", "ifft3d", "irfft", "irfft2d",
                              "fftshift"])
def test_gradient_wrt_complex_tensor_is_tf_convention(fn, rng):
    complex_grad_check(fn, _rand_c(rng, 2, 2, 3))


def test_gradient_matches_tensorflow_constants():
    # values from TF 2.21's GradientTape on the same programs
    x = ember.constant(np.array([1 + 2j, 3 - 1j, 0.5j, -2 + 0j]))
    w = ember.constant(np.array([0.5 - 1j, 2 + 0.25j, -1 + 1j, 0.75 + 0j]))
    want = {signal.fft: [2.25 - 0.25j, 1.75 + 3.25j, -3.25 + 0.25j, 1.25 + 0.75j],
            signal.ifft: [0.5625 - 0.0625j, 0.3125 + 0.1875j, -0.8125 + 0.0625j,
                          0.4375 + 0.8125j]}
    for fn, expected in want.items():
        with ember.GradientTape() as tape:
            tape.watch(x)
            loss = ember.reduce_sum(ember.math.real(fn(x) * w))
        np.testing.assert_allclose(tape.gradient(loss, x).numpy(), expected, atol=1e-12)
    z = ember.constant(np.array([1 + 2j, 3 - 1j, 0.5j]))
    with ember.GradientTape() as tape:
        tape.watch(z)
        loss = ember.reduce_sum(signal.irfft(z) * ember.constant([0.5, -1., 2., 0.25],
                                                                 "float64"))
    np.testing.assert_allclose(tape.gradient(loss, z).numpy(),
                               [0.4375, -0.75 + 0.625j, 0.8125], atol=1e-12)
    xr = ember.constant(np.array([0.5, -1., 2., 0.25, 3.]))
    with ember.GradientTape() as tape:
        tape.watch(xr)
        loss = ember.reduce_sum(ember.math.real(
            signal.rfft(xr) * ember.constant(np.array([0.5 - 1j, 2 + 0.25j, -1 + 1j]))))
    np.testing.assert_allclose(tape.gradient(loss, xr).numpy(),
                               [1.5, 2.752600364491104, -2.2311611863468777,
                                -0.6229407799028072, 1.1015016017585808], atol=1e-12)


def test_inside_ember_function_with_gradients():
    c = ember.constant(np.random.default_rng(0).standard_normal((2, 6)) + 0.5j)

    def grad(z):
        with ember.GradientTape() as tape:
            tape.watch(z)
            spec = signal.fft2d(z)
            loss = ember.reduce_sum(ember.abs(signal.ifft(spec * spec)))
        return tape.gradient(loss, z)

    np.testing.assert_allclose(ember.function(grad)(c).numpy(), grad(c).numpy(), atol=1e-12)


def test_dtypes():
    c64 = ember.constant(np.ones((2, 4), np.complex64))
    c128 = ember.constant(np.ones((2, 4), np.complex128))
    assert signal.fft(c64).dtype == ember.complex64
    assert signal.ifft2d(c128).dtype == ember.complex128
    assert signal.rfft(ember.ones([4])).dtype == ember.complex64
    assert signal.rfft(ember.ones([4], dtype="float64")).dtype == ember.complex128
    assert signal.irfft(c64).dtype == ember.float32
    assert signal.irfft3d(ember.constant(np.ones((2, 2, 3), np.complex128))).dtype == \
        ember.float64
    # real inputs to the complex transforms are read as x + 0j
    assert signal.fft(ember.ones([4], dtype="float64")).dtype == ember.complex128
    assert signal.fft(ember.range(4)).dtype == ember.complex64
    np.testing.assert_allclose(signal.fft([1.0, 2.0, 3.0]).numpy(), np.fft.fft([1, 2, 3]),
                               rtol=1e-6)
    assert signal.irfft(c64).shape == (2, 6)


def test_fft_length_forms():
    x = ember.constant(np.arange(6.0))
    want = np.fft.rfft(np.arange(6.0), 4)
    for n in ([4], (4,), np.array([4], np.int32), ember.constant([4]), 4):
        np.testing.assert_allclose(signal.rfft(x, n).numpy(), want)


def test_errors():
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.fft2d: .*rank >= 2.*\(3,\)"):
        signal.fft2d(ember.constant(np.ones(3, np.complex64)))
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.rfft2d: fft_length"):
        signal.rfft2d(ember.ones([2, 4]), [4])
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.rfft: fft_length"):
        signal.rfft(ember.ones([4]), [0])
    with pytest.raises(TypeError, match=r"ember\.signal\.rfft: .*complex64 tensor of shape"):
        signal.rfft(ember.constant(np.ones(3, np.complex64)))
    with pytest.raises(TypeError, match=r"ember\.signal\.fft: .*bool"):
        signal.fft(ember.constant([True, False]))
    with pytest.raises(ValueError, match=r"ember\.signal\.irfft: cannot infer fft_length"):
        signal.irfft(ember.constant(np.ones((2, 1), np.complex64)))
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.fftshift: axis 2"):
        signal.fftshift(ember.ones([2, 2]), axes=2)


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3),
       n=st.integers(1, 9), seed=st.integers(0, 2**16))
def test_rfft_irfft_match_numpy_on_random_shapes(shape, n, seed):
    x = np.random.default_rng(seed).standard_normal(shape)
    spec = signal.rfft(ember.constant(x), [n])
    np.testing.assert_allclose(spec.numpy(), np.fft.rfft(x, n), atol=1e-12)
    np.testing.assert_allclose(signal.irfft(spec, [n]).numpy(),
                               np.fft.irfft(np.fft.rfft(x, n), n), atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=3, max_size=4), seed=st.integers(0, 2**16))
def test_complex_transforms_match_numpy_on_random_shapes(shape, seed):
    rng = np.random.default_rng(seed)
    c = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    t = ember.constant(c)
    for fn, ref in [(signal.fft, np.fft.fft), (signal.ifft2d, np.fft.ifft2),
                    (signal.fft3d, lambda a: np.fft.fftn(a, axes=(-3, -2, -1)))]:
        np.testing.assert_allclose(fn(t).numpy(), ref(c), atol=1e-12)
    np.testing.assert_allclose(signal.ifftshift(signal.fftshift(t)).numpy(), c)
