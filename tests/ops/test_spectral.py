"""ember.ops.spectral: DFTs on (real, imag) pairs vs np.fft, and their gradients."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, table_tests

import ember
from ember.core.errors import InvalidArgumentError
from ember.ops import spectral as sp


def _pair(c):
    return c.real, c.imag


def _np_rfft(x, n=None):
    return _pair(np.fft.rfft(x, n))


def _np_irfft(re, im, n=None):
    return np.fft.irfft(re + 1j * im, n)


CASES = [
    OpCase("fft", lambda a, b: sp.fft_pair(a, b), lambda a, b: _pair(np.fft.fft(a + 1j * b)),
           [(2, 5), (2, 5)], second_order=True),
    OpCase("fft_axis0", lambda a, b: sp.fft_pair(a, b, axes=(0,)),
           lambda a, b: _pair(np.fft.fft(a + 1j * b, axis=0)), [(4, 2), (4, 2)]),
    OpCase("fft2", lambda a, b: sp.fft_pair(a, b, axes=(-2, -1)),
           lambda a, b: _pair(np.fft.fft2(a + 1j * b)), [(2, 3, 4), (2, 3, 4)],
           second_order=True),
    OpCase("ifft", lambda a, b: sp.ifft_pair(a, b), lambda a, b: _pair(np.fft.ifft(a + 1j * b)),
           [(3, 4), (3, 4)]),
    OpCase("ifft2", lambda a, b: sp.ifft_pair(a, b, axes=(-2, -1)),
           lambda a, b: _pair(np.fft.ifft2(a + 1j * b)), [(3, 4), (3, 4)], second_order=True),
    OpCase("complex_roundtrip",
           lambda a, b: sp.complex_parts(sp.complex_from_parts(a, b, "complex128")),
           lambda a, b: (a, b), [(3,), (3,)], dtypes=("float64",), second_order=True),
]
for _n in (None, 3, 4, 8, 9):  # crop, exact (even and odd) and zero-pad
    CASES.append(OpCase(f"rfft_{_n}", lambda a, n=_n: sp.rfft_pair(a, n),
                        lambda a, n=_n: _np_rfft(a, n), [(2, 6)], second_order=True))
    CASES.append(OpCase(f"irfft_{_n}", lambda a, b, n=_n: sp.irfft_pair(a, b, n),
                        lambda a, b, n=_n: _np_irfft(a, b, n), [(2, 4), (2, 4)],
                        second_order=True))
CASES.append(OpCase("rfft_odd_len", lambda a: sp.rfft_pair(a), lambda a: _np_rfft(a), [(7,)],
                    second_order=True))
CASES.append(OpCase("irfft_odd_len", lambda a, b: sp.irfft_pair(a, b, 7),
                    lambda a, b: _np_irfft(a, b, 7), [(4,), (4,)], second_order=True))


test_values, test_gradient, test_second_order = table_tests(CASES)


def test_dtypes_follow_the_input():
    x32 = ember.constant(np.ones((2, 4), np.float32))
    x64 = ember.constant(np.ones((2, 4), np.float64))
    assert [t.dtype for t in sp.fft_pair(x32, x32)] == [ember.float32] * 2
    assert [t.dtype for t in sp.fft_pair(x64, x64)] == [ember.float64] * 2
    assert [t.dtype for t in sp.rfft_pair(x32)] == [ember.float32] * 2
    assert sp.irfft_pair(x64, x64).dtype == ember.float64


def test_complex_views():
    re = ember.constant(np.array([1.0, 3.0], np.float32))
    im = ember.constant(np.array([2.0, 4.0], np.float32))
    c = sp.complex_from_parts(re, im)
    assert c.dtype == ember.complex64
    np.testing.assert_array_equal(c.numpy(), np.array([1 + 2j, 3 + 4j], np.complex64))
    r, i = sp.complex_parts(ember.constant(np.array([1 + 2j], np.complex128)))
    assert r.dtype == ember.float64 and float(i.numpy()[0]) == 2.0
    r, i = sp.complex_parts(re)  # a real tensor: itself and zeros
    np.testing.assert_array_equal(i.numpy(), [0.0, 0.0])


def test_complex_gradient_reaches_both_parts():
    re = ember.constant([1.0, 2.0])
    im = ember.constant([3.0, 4.0])
    with ember.GradientTape() as tape:
        tape.watch([re, im])
        r, i = sp.complex_parts(sp.complex_from_parts(re, im))
        loss = ember.reduce_sum(r * 2.0 + i * 3.0)
    gr, gi = tape.gradient(loss, [re, im])
    np.testing.assert_allclose(gr.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(gi.numpy(), [3.0, 3.0])


def test_errors():
    with pytest.raises(InvalidArgumentError, match="rank >= 1"):
        sp.rfft_pair(ember.constant(1.0))
    with pytest.raises(InvalidArgumentError, match="output length"):
        sp.irfft_pair(ember.constant([1.0]), ember.constant([0.0]))
    with pytest.raises(InvalidArgumentError, match="ember.dft"):
        sp.fft_pair(ember.constant([1.0, 2.0]), ember.constant([1.0]))
    with pytest.raises(InvalidArgumentError, match="complex64 or complex128"):
        sp.complex_from_parts(ember.constant(1.0), ember.constant(1.0), dtype="float32")


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3),
       n=st.one_of(st.none(), st.integers(1, 9)), seed=st.integers(0, 2 ** 16))
def test_rfft_irfft_any_shape(shape, n, seed):
    x = np.random.default_rng(seed).normal(size=shape)
    re, im = sp.rfft_pair(ember.constant(x), n)
    want = np.fft.rfft(x, n)
    np.testing.assert_allclose(re.numpy(), want.real, atol=1e-12)
    np.testing.assert_allclose(im.numpy(), want.imag, atol=1e-12)
    length = n if n is not None else shape[-1]
    back = sp.irfft_pair(re, im, length).numpy()
    np.testing.assert_allclose(back, np.fft.irfft(want, length), atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=3), seed=st.integers(0, 2 ** 16))
def test_fft2_roundtrip_any_shape(shape, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=shape), rng.normal(size=shape)
    fr, fi = sp.fft_pair(ember.constant(a), ember.constant(b), axes=(-2, -1))
    want = np.fft.fft2(a + 1j * b)
    np.testing.assert_allclose(fr.numpy() + 1j * fi.numpy(), want, atol=1e-12)
    br, bi = sp.ifft_pair(fr, fi, axes=(-2, -1))
    np.testing.assert_allclose(br.numpy(), a, atol=1e-12)
    np.testing.assert_allclose(bi.numpy(), b, atol=1e-12)
