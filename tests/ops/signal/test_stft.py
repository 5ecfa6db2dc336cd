"""ember.signal stft / inverse_stft / mdct: values vs NumPy, reconstruction, gradients."""
import numpy as np
import pytest
from opcheck import OpCase, check_grad, check_second_order, table_tests

import ember
from ember import signal
from ember.core.errors import InvalidArgumentError
from ember.ops.spectral import complex_from_parts, complex_parts


def _hann(n):
    return np.hanning(n + 1)[:-1] if n % 2 == 0 else np.hanning(n)


def np_stft(x, length, step, n_fft, window=True, pad_end=False):
    count = -(-x.shape[-1] // step) if pad_end else 1 + (x.shape[-1] - length) // step
    need = (count - 1) * step + length
    if need > x.shape[-1]:
        x = np.concatenate([x, np.zeros(x.shape[:-1] + (need - x.shape[-1],))], -1)
    frames = np.stack([x[..., i * step:i * step + length] for i in range(count)], -2)
    if window:
        frames = frames * _hann(length)
    return np.fft.rfft(frames, n_fft)


def np_inverse_stft(s, length, step, n_fft, window):
    frames = np.fft.irfft(s, n_fft)[..., :length]
    if frames.shape[-1] < length:
        frames = np.concatenate(
            [frames, np.zeros(frames.shape[:-1] + (length - frames.shape[-1],))], -1)
    frames = frames * window
    count = frames.shape[-2]
    out = np.zeros(frames.shape[:-2] + ((count - 1) * step + length,))
    for i in range(count):
        out[..., i * step:i * step + length] += frames[..., i, :]
    return out


def _parts(z):
    return complex_parts(z)


def _np_parts(c):
    return c.real, c.imag


def _cplx(a, b):
    return complex_from_parts(a, b, "complex128" if a.dtype == ember.float64 else "complex64")


CASES = [
    OpCase("stft", lambda a: _parts(signal.stft(a, 5, 3)),
           lambda a: _np_parts(np_stft(a, 5, 3, 8)), [(2, 14)],
           second_order=True),
    OpCase("stft_crop_fft", lambda a: _parts(signal.stft(a, 6, 2, fft_length=4,
                                                         window_fn=None, pad_end=True)),
           lambda a: _np_parts(np_stft(a, 6, 2, 4, False, True)),
           [(11,)]),
    OpCase("inverse_stft", lambda a, b: signal.inverse_stft(_cplx(a, b), 6, 2),
           lambda a, b: np_inverse_stft(a + 1j * b, 6, 2, 8, _hann(6)), [(3, 5), (3, 5)],
           second_order=True),
    OpCase("inverse_stft_short_fft",
           lambda a, b: signal.inverse_stft(_cplx(a, b), 6, 3, fft_length=4, window_fn=None),
           lambda a, b: np_inverse_stft(a + 1j * b, 6, 3, 4, 1.0), [(2, 3), (2, 3)]),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


def test_stft_value_and_gradient_match_tensorflow():
    # constants from TF 2.21: stft(sin(0.7 k), 5, 3, fft_length=8) and d sum|stft| / dx
    x = ember.constant(np.sin(np.arange(12.0) * 0.7))
    with ember.GradientTape() as tape:
        tape.watch(x)
        s = signal.stft(x, 5, 3, fft_length=8)
        loss = ember.reduce_sum(ember.abs(s))
    np.testing.assert_allclose(
        s.numpy()[1], [-0.6190770388184612, 0.42658476579196447 + 0.5404956008892063j,
                       0.35078322768961984 - 0.6032819612847465j,
                       -0.42658476579196447 - 0.16107085449003328j, -0.0824894165607784],
        atol=1e-12)
    np.testing.assert_allclose(
        tape.gradient(loss, x).numpy(),
        [0.0, -0.12824437039358563, 4.978260906543363, 0.1374562976445991,
         0.829402035774938, -3.6408707035700294, -1.1346802640084304, -0.8123948723485346,
         -4.358326788131401, 0.5962824208464891, 0.0, 0.0], atol=1e-10)


@pytest.mark.parametrize("length,step,window_fn", [
    (400, 160, signal.hann_window), (64, 16, signal.hamming_window),
    (30, 10, signal.vorbis_window), (32, 8, None)])
def test_inverse_stft_reconstructs(length, step, window_fn):
    x = ember.constant(np.random.default_rng(0).standard_normal((2, 1000)))
    s = signal.stft(x, length, step, window_fn=window_fn)
    inverse = signal.inverse_stft_window_fn(step, window_fn) if window_fn is not None \
        else signal.inverse_stft_window_fn(step, lambda n, dtype: ember.ones([n], dtype))
    y = signal.inverse_stft(s, length, step, window_fn=inverse)
    assert y.dtype == ember.float64
    lo, hi = length, (s.shape[-2] - 1) * step  # fully overlapped region
    np.testing.assert_allclose(y.numpy()[:, lo:hi], x.numpy()[:, lo:hi], atol=1e-10)


def test_inverse_stft_window_fn_formula():
    for length, step in [(8, 2), (7, 3), (5, 5), (4, 6)]:
        w = _hann(length)
        sq = np.concatenate([w ** 2, np.zeros(-(-length // step) * step - length)])
        denom = np.tile(sq.reshape(-1, step).sum(0), -(-length // step))[:length]
        want = np.where(denom == 0, 0.0, w / np.where(denom == 0, 1, denom))
        got = signal.inverse_stft_window_fn(step)(length, dtype=ember.float64).numpy()
        np.testing.assert_allclose(got, want, atol=1e-15)


def test_stft_shapes_and_dtypes():
    s = signal.stft(ember.zeros([3, 2, 1000]), 256, 100)
    assert s.shape == (3, 2, 8, 129) and s.dtype == ember.complex64
    assert signal.stft(ember.zeros([100], "float64"), 10, 5, pad_end=True).shape == (20, 9)
    assert signal.stft(ember.zeros([100], "float64"), 10, 5).dtype == ember.complex128
    assert signal.stft(ember.range(64), 16, 16).dtype == ember.complex64
    assert signal.inverse_stft(ember.zeros([3, 4, 17], "complex64"), 32, 8).shape == (3, 56)


MDCT_TF = [[1.046374586428156, -4.1431087854815924, -0.5276945584228613, -0.4209346178157525],
           [1.429980437127226, 4.284105412162841, -0.45584484791527413, 0.3966754598218038],
           [-2.9157697678040964, -1.4574475620534388, 1.1236147123095863,
            -0.09763414991557201]]


def test_mdct_matches_tensorflow_and_reconstructs():
    np.testing.assert_allclose(signal.mdct(ember.constant(np.cos(np.arange(16.0))), 8).numpy(),
                               MDCT_TF, atol=1e-12)
    for window_fn in (signal.vorbis_window, signal.kaiser_bessel_derived_window, None):
        for norm in (None, "ortho"):
            x = np.random.default_rng(1).standard_normal(64)
            padded = ember.constant(np.concatenate([np.zeros(8), x]))
            m = signal.mdct(padded, 16, window_fn=window_fn, pad_end=True, norm=norm)
            y = signal.inverse_mdct(m, window_fn=window_fn, norm=norm).numpy()[8:72]
            np.testing.assert_allclose(y, x, atol=1e-10)


MDCT_CASES = [
    OpCase("mdct", lambda a: signal.mdct(a, 8), None, [(2, 16)], second_order=True),
    OpCase("inverse_mdct", lambda a: signal.inverse_mdct(a, norm="ortho"), None, [(3, 4)],
           second_order=True),
]


@pytest.mark.parametrize("case", MDCT_CASES, ids=lambda c: c.name)
def test_mdct_gradients(case):
    check_grad(case)
    check_second_order(case)


def test_errors():
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.stft: signals must have "
                                                   r"rank >= 1"):
        signal.stft(ember.constant(1.0), 4, 2)
    with pytest.raises(TypeError, match=r"ember\.signal\.stft: .*complex64 tensor"):
        signal.stft(ember.zeros([8], "complex64"), 4, 2)
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.inverse_stft: stfts must "
                                                   r"have rank >= 2.*\(5,\)"):
        signal.inverse_stft(ember.zeros([5], "complex64"), 8, 4)
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.stft: window_fn\(8\) must "
                                                   r"return a \[8\] tensor; got shape \(4,\)"):
        signal.stft(ember.zeros([32]), 8, 4, window_fn=lambda n, dtype: ember.ones([4], dtype))
    with pytest.raises(ValueError, match=r"ember\.signal\.mdct: .*multiple of 4; got 10"):
        signal.mdct(ember.zeros([40]), 10)
