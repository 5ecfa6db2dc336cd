"""keras.ops math ops (Keras's ops/math.py): values vs NumPy, Keras's dtypes and constants,
gradients vs finite differences, symbolic use in functional models, clear errors.

Constants marked "Keras" were checked against Keras 3.15 while writing these tests.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_grad, check_second_order, check_values

import ember
from ember import keras
from ember.keras.ops import math as kmath

rng = np.random.default_rng(0)
X = rng.normal(size=(2, 21)).astype("float32")
P = rng.normal(size=(4, 6)).astype("float32")
RE = rng.normal(size=(2, 3, 5)).astype("float32")
IM = rng.normal(size=(2, 3, 5)).astype("float32")
SEG_DATA = rng.normal(size=(7, 3)).astype("float32")
SEG_IDS = np.array([0, 2, 0, -1, 2, 2, 4])


# ---- NumPy references --------------------------------------------------------------------------
def _np_window(window, seq_len, fft_len):
    if window is None:
        return np.ones(fft_len)
    if isinstance(window, str) and seq_len == 1:
        win = np.ones(1)   # scipy's get_window and TensorFlow's windows agree
    elif isinstance(window, str):
        k = np.arange(seq_len)
        c = np.cos(2 * np.pi * k / seq_len)
        win = 0.5 - 0.5 * c if window == "hann" else 0.54 - 0.46 * c
    else:
        win = np.asarray(window, np.float64)
    left = (fft_len - seq_len) // 2
    return np.pad(win, (left, fft_len - seq_len - left))


def _np_stft(x, seq_len, stride, fft_len, window="hann", center=True):
    x = np.asarray(x)
    if center:
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_len // 2,) * 2], mode="reflect")
    win = _np_window(window, seq_len, fft_len)
    count = (x.shape[-1] - fft_len) // stride + 1
    frames = np.stack([x[..., i * stride:i * stride + fft_len] for i in range(count)], -2)
    out = np.fft.rfft(frames * win, axis=-1)
    return out.real.astype(x.dtype), out.imag.astype(x.dtype)


def _np_istft(re, im, seq_len, stride, fft_len, length=None, window="hann", center=True):
    frames = np.fft.irfft(re + 1j * im, n=fft_len, axis=-1)
    win = _np_window(window, seq_len, fft_len)
    count = frames.shape[-2]
    total = fft_len + stride * (count - 1)
    out = np.zeros(frames.shape[:-2] + (total,))
    norm = np.zeros(total)
    for i in range(count):
        out[..., i * stride:i * stride + fft_len] += frames[..., i, :] * win
        norm[i * stride:i * stride + fft_len] += win ** 2
    out /= np.where(norm > 1e-10, norm, 1.0)
    if window is None:
        out *= fft_len / stride
    start = fft_len // 2 if center else 0
    end = start + length if length is not None else (total - fft_len // 2 if center else total)
    return out[..., start:end].astype(re.dtype)


def _np_segment(kind, data, ids, n):
    fill = {"sum": 0, "prod": 1, "max": -np.inf, "min": np.inf}[kind]
    out = np.full((n,) + data.shape[1:], fill, data.dtype)
    op = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}[kind]
    for row, s in zip(data, ids):
        if s >= 0:
            out[s] = op(out[s], row)
    return out


def _np_cdist(x, y):
    return np.sqrt(((x[..., :, None, :] - y[..., None, :, :]) ** 2).sum(-1))


def _np_frames(x, length, stride):
    count = (x.shape[-1] - length) // stride + 1
    return np.stack([x[..., i * stride:i * stride + length] for i in range(count)], -2)


def _logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _top_k(x, k):
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, -1), idx


_erf = np.vectorize(math.erf)
_erfc = np.vectorize(math.erfc)

SPD = np.array([[[2.0, 1.0], [1.0, 3.0]], [[4.0, 1.0], [1.0, 1.0]]], "float32")
A23 = rng.normal(size=(3, 2, 3)).astype("float32")
B43 = rng.normal(size=(3, 4, 3)).astype("float32")
C = (RE + 1j * IM).astype("complex64")

CASES = [  # (id, call, reference)
    ("segment_sum", lambda: kmath.segment_sum(SEG_DATA, SEG_IDS, 5),
     lambda: _np_segment("sum", SEG_DATA, SEG_IDS, 5)),
    ("segment_sum_default_n", lambda: kmath.segment_sum(SEG_DATA, SEG_IDS),
     lambda: _np_segment("sum", SEG_DATA, SEG_IDS, 5)),
    ("segment_sum_sorted", lambda: kmath.segment_sum(SEG_DATA, np.sort(SEG_IDS), 6, sorted=True),
     lambda: _np_segment("sum", SEG_DATA, np.sort(SEG_IDS), 6)),
    ("segment_max", lambda: kmath.segment_max(SEG_DATA, SEG_IDS, 6),
     lambda: _np_segment("max", SEG_DATA, SEG_IDS, 6)),
    ("segment_min", lambda: kmath.segment_min(SEG_DATA, SEG_IDS, 6),
     lambda: _np_segment("min", SEG_DATA, SEG_IDS, 6)),
    ("segment_prod", lambda: kmath.segment_prod(SEG_DATA, SEG_IDS, 6),
     lambda: _np_segment("prod", SEG_DATA, SEG_IDS, 6)),
    ("top_k", lambda: kmath.top_k(P, 3), lambda: _top_k(P, 3)),
    ("in_top_k", lambda: kmath.in_top_k(np.array([0, 1, 2, 5]), P, 2),
     lambda: np.array([(P[i] > P[i, t]).sum() < 2 for i, t in enumerate([0, 1, 2, 5])])),
    ("in_top_k_3d", lambda: kmath.in_top_k(np.array([[0, 1], [2, 5]]), P.reshape(2, 2, 6), 3),
     lambda: np.array([(P[i] > P[i, t]).sum() < 3 for i, t in enumerate([0, 1, 2, 5])]
                      ).reshape(2, 2)),
    ("logsumexp", lambda: kmath.logsumexp(P), lambda: _logsumexp(P)),
    ("logsumexp_axis", lambda: kmath.logsumexp(P, axis=(0,), keepdims=True),
     lambda: _logsumexp(P, axis=0, keepdims=True)),
    ("logsumexp_inf", lambda: kmath.logsumexp(np.array([[np.inf, 1.0], [2.0, 3.0]]), axis=1),
     lambda: np.array([np.inf, np.log(np.exp(2.0) + np.exp(3.0))])),
    ("cdist", lambda: kmath.cdist(A23, B43), lambda: _np_cdist(A23, B43)),
    ("cdist_broadcast", lambda: kmath.cdist(A23[None, :1], B43[:, None]),
     lambda: _np_cdist(A23[None, :1], B43[:, None])),
    ("extract_sequences", lambda: kmath.extract_sequences(X, 5, 3), lambda: _np_frames(X, 5, 3)),
    ("extract_sequences_int", lambda: kmath.extract_sequences(np.arange(12).reshape(2, 6), 3, 2),
     lambda: _np_frames(np.arange(12).reshape(2, 6), 3, 2)),
    ("fft", lambda: kmath.fft((RE, IM)),
     lambda: (np.fft.fft(RE + 1j * IM).real, np.fft.fft(RE + 1j * IM).imag)),
    ("fft2", lambda: kmath.fft2((RE, IM)),
     lambda: (np.fft.fft2(RE + 1j * IM).real, np.fft.fft2(RE + 1j * IM).imag)),
    ("ifft2", lambda: kmath.ifft2((RE, IM)),
     lambda: (np.fft.ifft2(RE + 1j * IM).real, np.fft.ifft2(RE + 1j * IM).imag)),
    ("rfft", lambda: kmath.rfft(RE), lambda: (np.fft.rfft(RE).real, np.fft.rfft(RE).imag)),
    ("rfft_crop", lambda: kmath.rfft(RE, 3),
     lambda: (np.fft.rfft(RE, 3).real, np.fft.rfft(RE, 3).imag)),
    ("rfft_pad", lambda: kmath.rfft(RE, 9),
     lambda: (np.fft.rfft(RE, 9).real, np.fft.rfft(RE, 9).imag)),
    ("irfft", lambda: kmath.irfft((RE, IM)), lambda: np.fft.irfft(RE + 1j * IM)),
    ("irfft_odd", lambda: kmath.irfft((RE, IM), 7), lambda: np.fft.irfft(RE + 1j * IM, 7)),
    ("irfft_pad", lambda: kmath.irfft((RE, IM), 12), lambda: np.fft.irfft(RE + 1j * IM, 12)),
    ("rsqrt", lambda: kmath.rsqrt(np.abs(P)), lambda: 1 / np.sqrt(np.abs(P))),
    ("erf", lambda: kmath.erf(P), lambda: _erf(P)),
    ("erfc", lambda: kmath.erfc(P * 4), lambda: _erfc(P.astype("float64") * 4)),
    ("erfinv", lambda: kmath.erfinv(np.tanh(P)), None),  # checked through erf below
    ("logdet", lambda: kmath.logdet(SPD), lambda: np.linalg.slogdet(SPD)[1]),
    ("view_as_complex", lambda: kmath.view_as_complex(np.stack([RE, IM], -1)), lambda: C),
    ("view_as_real", lambda: kmath.view_as_real(C), lambda: np.stack([RE, IM], -1)),
    ("view_as_real_of_real", lambda: kmath.view_as_real(RE),
     lambda: np.stack([RE, np.zeros_like(RE)], -1)),
]
for _args in [(8, 4, 8), (5, 2, 8), (7, 3, 7), (6, 1, 9)]:
    for _win in ["hann", "hamming", None]:
        for _center in [True, False]:
            _id = f"{_args}-{_win}-{_center}"
            CASES.append((f"stft{_id}",
                          lambda a=_args, w=_win, c=_center: kmath.stft(X, *a, window=w, center=c),
                          lambda a=_args, w=_win, c=_center: _np_stft(X, *a, window=w, center=c)))
            _S = _np_stft(X, *_args, window=_win, center=_center)
            CASES.append((f"istft{_id}",
                          lambda s=_S, a=_args, w=_win, c=_center: kmath.istft(
                              s, *a, window=w, center=c),
                          lambda s=_S, a=_args, w=_win, c=_center: _np_istft(
                              *s, *a, window=w, center=c)))
CASES.append(("stft_window_tensor", lambda: kmath.stft(X, 5, 2, 8, window=np.arange(1.0, 6.0)),
              lambda: _np_stft(X, 5, 2, 8, window=np.arange(1.0, 6.0))))
CASES.append(("istft_length", lambda: kmath.istft(_np_stft(X, 8, 4, 8), 8, 4, 8, length=15),
              lambda: _np_istft(*_np_stft(X, 8, 4, 8), 8, 4, 8, length=15)))


@pytest.mark.parametrize("call,ref", [c[1:] for c in CASES if c[2] is not None],
                         ids=[c[0] for c in CASES if c[2] is not None])
def test_values_match_numpy(call, ref):
    got, want = call(), ref()
    if not isinstance(want, tuple):
        got, want = (got,), (want,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g = g.numpy()
        assert g.shape == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-5)


def test_erfinv_inverts_erf():
    y = np.linspace(-0.999, 0.999, 41)
    for dtype, tol in (("float32", 1e-6), ("float64", 1e-14)):
        z = kmath.erfinv(y.astype(dtype))
        assert z.dtype == dtype
        np.testing.assert_allclose(_erf(z.numpy().astype("float64")), y, atol=tol)
    tail = 1 - np.array([1e-6, 1e-10, 1e-15])
    z = kmath.erfinv(tail).numpy()
    np.testing.assert_allclose(_erfc(z), 1 - tail, rtol=1e-9)   # relative, in the tail
    np.testing.assert_allclose(kmath.erfinv(np.array([1e-300, -1e-20])).numpy(),
                               np.sqrt(np.pi) / 2 * np.array([1e-300, -1e-20]), rtol=1e-14)


def test_erfc_keeps_precision_in_the_tail():
    x = np.array([-3.0, 0.3, 5.0, 10.0, 26.0])
    np.testing.assert_allclose(kmath.erfc(x).numpy(), _erfc(x), rtol=1e-13)
    np.testing.assert_allclose(kmath.erfc(np.float32(5.0)).numpy(), 1.5374598e-12, rtol=1e-6)


def test_keras_constants():
    """Results of Keras 3.15 (NumPy backend unless noted) for the same calls."""
    x10 = np.arange(10, dtype="float32")
    re, im = kmath.stft(x10, 3, 2, 4)
    np.testing.assert_allclose(re.numpy().ravel()[:6], [0.75, 0, -0.75, 2.25, -1.5, 0.75])
    np.testing.assert_allclose(im.numpy().ravel()[:6], [0, -0.75, 0, 0, -0.75, 0])
    re, im = kmath.stft(x10, 4, 2, 4, window="hamming")
    np.testing.assert_allclose(re.numpy().ravel()[:6], [1.24, 0.16, -0.92, 4.16, -2.0, -0.16],
                               atol=1e-6)
    re, im = kmath.stft(x10, 4, 2, 4, window=None)
    np.testing.assert_allclose(re.numpy().ravel()[:6], [4, 2, 0, 6, -2, -2])
    re, im = kmath.stft([0.0, 1.0, 2.0, 3.0, 4.0], 3, 2, 3)
    np.testing.assert_allclose(re.numpy(), [[0.75, -0.375], [3.75, -1.875], [5.25, -2.625]])
    np.testing.assert_allclose(im.numpy(), [[0, 0.64951905], [0, 0.64951905],
                                            [0, -0.64951905]], atol=1e-7)
    # istft(stft(x)) restores x; without a window Keras scales by fft_length / stride
    np.testing.assert_allclose(kmath.istft(kmath.stft(x10, 4, 2, 4), 4, 2, 4).numpy(), x10,
                               atol=1e-5)
    np.testing.assert_allclose(kmath.istft(kmath.stft(x10, 3, 1, 4, window=None), 3, 1, 4,
                                           window=None).numpy(), 4 * x10, atol=1e-5)
    np.testing.assert_allclose(kmath.istft(kmath.stft(x10, 4, 2, 4, window=None, center=False),
                                           4, 2, 4, window=None, center=False).numpy(),
                               2 * x10, atol=1e-5)
    assert kmath.istft(kmath.stft(x10, 4, 2, 4), 4, 2, 4, length=14).shape == (12,)
    a5 = np.arange(5, dtype="float32")
    np.testing.assert_allclose(kmath.irfft((a5, a5)).numpy(),
                               [2, -2.06066, 0.5, -0.35355, 0, 0.06066, -0.5, 0.35355],
                               atol=1e-5)
    np.testing.assert_allclose(kmath.irfft((a5, a5), 3).numpy(), [0.66667, -0.91068, 0.24402],
                               atol=1e-5)
    re, im = kmath.rfft(a5, 8)
    np.testing.assert_allclose(re.numpy(), [10, -5.41421, 2, -2.58579, 2], atol=1e-5)
    np.testing.assert_allclose(im.numpy(), [0, -4.82843, 2, -0.82843, 0], atol=1e-5)
    re, im = kmath.fft(([1.0, 2.0, 3.0], [0.0, 1.0, -1.0]))
    np.testing.assert_allclose(re.numpy(), [6.0, 0.23205, -3.23205], atol=1e-5)
    np.testing.assert_allclose(im.numpy(), [0.0, 0.86603, -0.86603], atol=1e-5)
    np.testing.assert_allclose(
        kmath.erfinv(np.array([-1, -0.5, 0.0, 0.999999, 1.0, 1.5], "float32")).numpy(),
        [-np.inf, -0.47693628, 0.0, 3.4570746, np.inf, np.nan], rtol=1e-6)
    np.testing.assert_allclose(kmath.erfc([-3.0, -2.0, -1.0, 0.0, 1.0]).numpy(),
                               [1.999978, 1.9953222, 1.8427008, 1.0, 0.1572992], rtol=1e-6)
    ids = [0, 0, 1, 1, 2, 2]
    data = np.array([1, 2, 10, 20, 100, 200], "int32")
    assert kmath.segment_sum(data, ids, 3).numpy().tolist() == [3, 30, 300]
    assert kmath.segment_max(data, ids, 3).numpy().tolist() == [2, 20, 200]
    assert kmath.segment_min(data, ids, 3).numpy().tolist() == [1, 10, 100]
    assert kmath.segment_prod(data, ids, 3).numpy().tolist() == [2, 200, 20000]
    # empty segments of int data: the dtype's extremes (Keras JAX/TensorFlow backends)
    assert kmath.segment_max(data, ids, 4).numpy().tolist()[3] == -2 ** 31
    assert kmath.segment_min(data[:2], [0, 0], 2).numpy().tolist()[1] == 2 ** 31 - 1
    f = kmath.segment_max(data.astype("float32"), ids, 4).numpy()
    assert f[3] == -np.inf and kmath.segment_min(f[:3], [0, 0, 1], 3).numpy()[2] == np.inf
    values, indices = kmath.top_k(np.array([5, 2, 7, 1, 9, 3, 9]), 3)
    assert values.numpy().tolist() == [9, 9, 7] and indices.numpy().tolist() == [4, 6, 2]
    assert kmath.in_top_k([2, 5, 3], [[0.1, 0.4, 0.6, 0.9, 0.5, 0], [0.1, 0.7, 0.9, 0.8, 0.3, 0],
                                      [0.1, 0.6, 0.9, 0.9, 0.5, 0]], 3).numpy().tolist() == \
        [True, False, True]
    assert kmath.in_top_k([0, 1], [[np.nan, 1.0, 2.0], [np.inf, np.inf, 0.0]], 1
                          ).numpy().tolist() == [False, True]
    np.testing.assert_allclose(kmath.logdet([[1.0, 2.0], [3.0, 4.0]]).numpy(), 0.6931472)
    np.testing.assert_allclose(kmath.cdist([[0.0, 0.0], [1.0, 1.0]], [[1.0, 0.0], [2.0, 1.0]]
                                           ).numpy(), [[1.0, 2.236068], [1.0, 1.0]])
    np.testing.assert_allclose(kmath.logsumexp([1.0, 2.0, 3.0]).numpy(), 3.407606, rtol=1e-6)
    assert kmath.extract_sequences(X[:, :3], 4, 2).shape == (2, 0, 4)


def test_dtypes_follow_keras():
    i = np.array([1, 4, 9], "int32")
    for fn in (kmath.rsqrt, kmath.erf, kmath.erfc, kmath.erfinv, kmath.logsumexp):
        assert fn(i).dtype == ember.float32, fn.__name__
    assert kmath.rsqrt(i.astype("float64")).dtype == ember.float64
    assert kmath.cdist(np.ones((2, 3), "int32"), np.ones((4, 3), "int32")).dtype == ember.float32
    assert kmath.cdist(np.ones((2, 3), "float32"), np.ones((4, 3))).dtype == ember.float64
    assert kmath.logdet(np.eye(2, dtype="int32")).dtype == ember.float32
    assert kmath.extract_sequences(i, 2, 1).dtype == ember.int32
    assert [t.dtype for t in kmath.top_k(i, 2)] == [ember.int32, ember.int32]
    assert kmath.in_top_k([0], [[1.0, 2.0]], 1).dtype == ember.bool
    assert kmath.segment_sum(i, [0, 0, 1], 2).dtype == ember.int32
    assert kmath.segment_max(i.astype("float16"), [0, 0, 1], 2).dtype == ember.float16
    assert [t.dtype for t in kmath.rfft(i)] == [ember.float32] * 2
    assert [t.dtype for t in kmath.fft((RE.astype("float64"),) * 2)] == [ember.float64] * 2
    assert [t.dtype for t in kmath.stft(X.astype("float64"), 4, 2, 4)] == [ember.float64] * 2
    assert kmath.istft(kmath.stft(X, 4, 2, 4), 4, 2, 4).dtype == ember.float32
    assert kmath.view_as_complex(np.ones((2, 2))).dtype == ember.complex64
    assert kmath.view_as_real(C).dtype == ember.float32
    assert kmath.view_as_real(C.astype("complex128")).dtype == ember.float64


# ---- gradients (float64, central finite differences) ----------------------------------------
def _spd(rng):
    a = rng.normal(size=(2, 3, 3))
    return [a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3)]


_ZERO_IDS = np.array([1, 0, 1, 2])
GRAD_CASES = [
    OpCase("cdist", kmath.cdist, _np_cdist, [(2, 3), (4, 3)], second_order=True),
    OpCase("cdist_batch", kmath.cdist, _np_cdist, [(2, 1, 2, 2), (3, 3, 2)]),
    OpCase("logsumexp", lambda x: kmath.logsumexp(x, axis=1),
           lambda x: _logsumexp(x, axis=1), [(3, 4)], second_order=True),
    OpCase("erf", kmath.erf, _erf, [(5,)], second_order=True),
    OpCase("erfc", kmath.erfc, _erfc, [(5,)], domain=(-3.0, 3.0), second_order=True),
    OpCase("erfinv", kmath.erfinv, None, [(6,)], domain=(-0.95, 0.95), second_order=True),
    OpCase("rsqrt", kmath.rsqrt, lambda x: 1 / np.sqrt(x), [(5,)], domain=(0.5, 2.0),
           second_order=True),
    OpCase("logdet", kmath.logdet, lambda a: np.linalg.slogdet(a)[1], [(2, 3, 3)],
           make_inputs=_spd, grad_rtol=1e-4),
    OpCase("extract_sequences", lambda x: kmath.extract_sequences(x, 3, 2),
           lambda x: _np_frames(x, 3, 2), [(2, 7)]),
    OpCase("top_k", lambda x: kmath.top_k(x, 2)[0], lambda x: _top_k(x, 2)[0], [(3, 5)]),
    OpCase("segment_sum", lambda d: kmath.segment_sum(d, _ZERO_IDS, 3),
           lambda d: _np_segment("sum", d, _ZERO_IDS, 3), [(4, 2)]),
    OpCase("segment_max", lambda d: kmath.segment_max(d, _ZERO_IDS, 3),
           lambda d: _np_segment("max", d, _ZERO_IDS, 3), [(4, 2)]),
    OpCase("segment_prod", lambda d: kmath.segment_prod(d, _ZERO_IDS, 3),
           lambda d: _np_segment("prod", d, _ZERO_IDS, 3), [(4, 2)]),
    OpCase("fft", lambda a, b: kmath.fft((a, b)),
           lambda a, b: (np.fft.fft(a + 1j * b).real, np.fft.fft(a + 1j * b).imag),
           [(2, 4), (2, 4)]),
    OpCase("ifft2", lambda a, b: kmath.ifft2((a, b)),
           lambda a, b: (np.fft.ifft2(a + 1j * b).real, np.fft.ifft2(a + 1j * b).imag),
           [(3, 2), (3, 2)]),
    OpCase("rfft", lambda x: kmath.rfft(x, 6),
           lambda x: (np.fft.rfft(x, 6).real, np.fft.rfft(x, 6).imag), [(2, 5)]),
    OpCase("irfft", lambda a, b: kmath.irfft((a, b), 5),
           lambda a, b: np.fft.irfft(a + 1j * b, 5), [(2, 3), (2, 3)]),
    OpCase("stft", lambda x: kmath.stft(x, 4, 2, 6),
           lambda x: _np_stft(x, 4, 2, 6), [(9,)], second_order=True),
    OpCase("stft_hamming_nocenter", lambda x: kmath.stft(x, 5, 3, 5, "hamming", False),
           lambda x: _np_stft(x, 5, 3, 5, "hamming", False), [(2, 11)]),
    OpCase("istft", lambda a, b: kmath.istft((a, b), 4, 2, 6),
           lambda a, b: _np_istft(a, b, 4, 2, 6), [(5, 4), (5, 4)], second_order=True),
    OpCase("view_as_complex_real", lambda x: kmath.view_as_real(kmath.view_as_complex(x)),
           lambda x: x, [(3, 2)], dtypes=("float32",)),
]


@pytest.mark.parametrize("case", [c for c in GRAD_CASES if c.ref is not None],
                         ids=lambda c: c.name)
def test_grad_case_values(case):
    check_values(case)


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_gradient(case):
    if case.name == "view_as_complex_real":   # complex64 in the middle: not float64-exact
        case.grad_rtol, case.grad_atol, case.eps = 1e-3, 1e-3, 1e-3
    check_grad(case)


@pytest.mark.parametrize("case", [c for c in GRAD_CASES if c.second_order],
                         ids=lambda c: c.name)
def test_second_order(case):
    check_second_order(case)


def test_cdist_gradient_is_zero_at_zero_distance():
    x = ember.constant([[1.0, 2.0]])
    with ember.GradientTape() as tape:
        tape.watch(x)
        d = kmath.cdist(x, [[1.0, 2.0], [1.0, 3.0]])
    g = tape.gradient(d, x).numpy()
    np.testing.assert_allclose(g, [[0.0, -1.0]])


# ---- symbolic use in functional models ----------------------------------------------------------
def test_stft_istft_in_a_functional_model(monkeypatch):
    inp = keras.Input((16,))
    re, im = kmath.stft(inp, 8, 4, 8)
    assert re.shape == (None, 5, 5) and im.shape == (None, 5, 5)
    back = kmath.istft((re, im), 8, 4, 8)
    assert back.shape == (None, 16)
    dist = kmath.cdist(re, im)
    model = keras.Model(inp, [back, dist])
    data = rng.normal(size=(3, 16)).astype("float32")
    got_back, got_dist = model.predict(data, verbose=0)
    e_re, e_im = kmath.stft(data, 8, 4, 8)
    np.testing.assert_allclose(got_back, kmath.istft((e_re, e_im), 8, 4, 8).numpy(), atol=1e-5)
    np.testing.assert_allclose(got_dist, kmath.cdist(e_re, e_im).numpy(), atol=1e-5)
    # config round trip (the ops found by name in keras.ops, where the lead wires them)
    for name in ("stft", "istft", "cdist"):
        monkeypatch.setattr(keras.ops, name, getattr(kmath, name), raising=False)
    clone = keras.Model.from_config(model.get_config())
    np.testing.assert_allclose(clone.predict(data, verbose=0)[0], got_back, atol=1e-6)


def test_pairs_and_tuples_in_a_functional_model():
    a, b = keras.Input((4,)), keras.Input((4,))
    fr, fi = kmath.fft((a, b))
    values, indices = kmath.top_k(fr, 2)
    assert values.shape == (None, 2) and indices.dtype == "int32"
    out = kmath.erfinv(fi * 0.1)
    model = keras.Model([a, b], [values, indices, out])
    da, db = (rng.normal(size=(2, 4)).astype("float32") for _ in range(2))
    v, i, o = model.predict([da, db], verbose=0)
    want = np.fft.fft(da + 1j * db)
    np.testing.assert_allclose(v, _top_k(want.real, 2)[0], atol=1e-5)
    np.testing.assert_array_equal(i, _top_k(want.real.astype("float32"), 2)[1])
    np.testing.assert_allclose(o, kmath.erfinv(want.imag.astype("float32") * 0.1).numpy(),
                               atol=1e-6)


# ---- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,error,match", [
    (lambda: kmath.segment_sum(np.ones((2, 3)), np.zeros((2, 3), "int32")), ValueError,
     "keras.ops.segment_sum: .*1-D"),
    (lambda: kmath.segment_max(np.ones((2, 3)), [0, 0, 0]), ValueError, "same leading"),
    (lambda: kmath.segment_min(np.ones((2,)), [0, 5], 2), ValueError, "out of range"),
    (lambda: kmath.segment_prod(np.ones((2,)), [0.0, 1.0], 2), TypeError, "integer"),
    (lambda: kmath.fft(RE), ValueError, "keras.ops.fft: .*tuple of two"),
    (lambda: kmath.fft((RE, IM[..., :2])), ValueError, "same shape"),
    (lambda: kmath.fft((RE.astype("int32"), IM.astype("int32"))), ValueError, "not of type float"),
    (lambda: kmath.fft2((RE[0, 0], IM[0, 0])), ValueError, "keras.ops.fft2: .*rank >= 2"),
    (lambda: kmath.irfft((RE[..., :1], IM[..., :1])), ValueError, "fft_length"),
    (lambda: kmath.rfft(RE, 0), ValueError, "fft_length"),
    (lambda: kmath.stft(np.arange(10), 4, 2, 4), TypeError, "float32"),
    (lambda: kmath.stft(X, 4, 2, 4, window="blackman"), ValueError, "hann"),
    (lambda: kmath.stft(X, 4, 2, 3), ValueError, "fft_length"),
    (lambda: kmath.stft(X, 4, 0, 4), ValueError, "sequence_stride"),
    (lambda: kmath.stft(X, 4, 2, 4, window=np.ones(3)), ValueError, "shape of `window`"),
    (lambda: kmath.stft(X[:, :3], 4, 2, 8, center=False), ValueError, "shorter than"),
    (lambda: kmath.istft((RE, IM), 4, 2, 8, window="bartlett"), ValueError, "hann"),
    (lambda: kmath.istft((RE[0, 0], IM[0, 0]), 4, 2, 8), ValueError, "rank >= 2"),
    (lambda: kmath.cdist(np.ones(3), np.ones((2, 3))), ValueError, "rank >= 2"),
    (lambda: kmath.cdist(np.ones((2, 3)), np.ones((2, 2))), ValueError, "last dimension"),
    (lambda: kmath.cdist(np.ones((2, 2, 3)), np.ones((3, 2, 3))), ValueError, "broadcastable"),
    (lambda: kmath.extract_sequences(X, 0, 2), ValueError, "sequence_length"),
    (lambda: kmath.top_k(P, 7), ValueError, "keras.ops.top_k: .*k"),
    (lambda: kmath.in_top_k([0, 1], P, 2), ValueError, "keras.ops.in_top_k"),
    (lambda: kmath.logdet(np.ones((2, 3))), ValueError, "square"),
    (lambda: kmath.view_as_complex(np.ones((2, 3))), ValueError, "size 2"),
])
def test_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- property tests ------------------------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(batch_x=st.lists(st.integers(1, 3), max_size=2), batch_y=st.lists(st.integers(1, 3),
       max_size=2), m=st.integers(1, 4), n=st.integers(1, 4), d=st.integers(1, 3),
       seed=st.integers(0, 2 ** 16))
def test_cdist_broadcasting(batch_x, batch_y, m, n, d, seed):
    bx, by = tuple(batch_x), tuple(batch_y)
    try:
        np.broadcast_shapes(bx, by)
    except ValueError:
        with pytest.raises(ValueError, match="broadcastable"):
            kmath.cdist(np.ones(bx + (m, d)), np.ones(by + (n, d)))
        return
    r = np.random.default_rng(seed)
    x, y = r.normal(size=bx + (m, d)), r.normal(size=by + (n, d))
    np.testing.assert_allclose(kmath.cdist(x, y).numpy(), _np_cdist(x, y), rtol=1e-12)


@settings(max_examples=20, deadline=None)
@given(seq_len=st.integers(1, 8), stride=st.integers(1, 4), extra=st.integers(0, 4),
       n=st.integers(13, 20), window=st.sampled_from(["hann", "hamming", None]),
       center=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_stft_istft_match_numpy(seq_len, stride, extra, n, window, center, seed):
    fft_len = seq_len + extra
    x = np.random.default_rng(seed).normal(size=(2, n))
    re, im = kmath.stft(x, seq_len, stride, fft_len, window=window, center=center)
    want = _np_stft(x, seq_len, stride, fft_len, window=window, center=center)
    np.testing.assert_allclose(re.numpy(), want[0], atol=1e-12)
    np.testing.assert_allclose(im.numpy(), want[1], atol=1e-12)
    back = kmath.istft((re, im), seq_len, stride, fft_len, window=window, center=center)
    np.testing.assert_allclose(back.numpy(), _np_istft(*want, seq_len, stride, fft_len,
                                                       window=window, center=center),
                               atol=1e-10)


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=2), n=st.integers(1, 12),
       length=st.integers(1, 5), stride=st.integers(1, 4))
def test_extract_sequences_shapes(shape, n, length, stride):
    x = np.arange(np.prod(shape + [n])).reshape(shape + [n])
    got = kmath.extract_sequences(x, length, stride).numpy()
    count = max(0, (n - length) // stride + 1)
    assert got.shape == tuple(shape) + (count, length)
    if count:
        np.testing.assert_array_equal(got, _np_frames(x, length, stride))
