"""ember.signal.linear_to_mel_weight_matrix: values vs TF 2.21 and a NumPy reference."""
import numpy as np
import pytest

import ember
from ember import signal


def np_mel_matrix(mels, bins, rate, lo, hi):
    def to_mel(f):
        return 1127.0 * np.log(1.0 + np.asarray(f) / 700.0)
    freqs = to_mel(np.linspace(0, rate / 2, bins))
    edges = np.linspace(to_mel(lo), to_mel(hi), mels + 2)
    out = np.zeros((bins, mels))
    for m in range(mels):
        left, center, right = edges[m:m + 3]
        rise = (freqs - left) / (center - left)
        fall = (right - freqs) / (right - center)
        out[:, m] = np.maximum(0, np.minimum(rise, fall))
    out[0] = 0.0
    return out


def test_matches_tensorflow_constants():
    want = [[0.0, 0.0, 0.0],
            [0.6039482963746822, 0.0, 0.0],
            [0.29384386755049946, 0.7061561324495006, 0.0],
            [0.0, 0.3078853606757784, 0.6921146393242217],
            [0.0, 0.0, 0.41597740081896917],
            [0.0, 0.0, 0.0]]
    got = signal.linear_to_mel_weight_matrix(3, 6, 1000, 50.0, 450.0, dtype=ember.float64)
    assert got.dtype == ember.float64
    np.testing.assert_allclose(got.numpy(), want, atol=1e-14)


@pytest.mark.parametrize("args", [(20, 129, 8000, 125.0, 3800.0), (80, 513, 16000, 80.0,
                                                                     7600.0),
                                  (4, 9, 8000, 0.0, 4000.0)])
def test_matches_reference(args):
    got = signal.linear_to_mel_weight_matrix(*args)
    assert got.dtype == ember.float32 and got.shape == (args[1], args[0])
    np.testing.assert_allclose(got.numpy(), np_mel_matrix(*args), atol=1e-6)


def test_defaults_and_use_with_stft():
    assert signal.linear_to_mel_weight_matrix().shape == (129, 20)
    assert signal.linear_to_mel_weight_matrix(3, 0, 8000, 10.0, 200.0).shape == (1, 3)
    spec = ember.abs(signal.stft(ember.zeros([2, 4000]), 256, 128))
    mel = ember.tensordot(spec, signal.linear_to_mel_weight_matrix(
        40, 129, 8000, 20.0, 4000.0), 1)
    assert mel.shape == (2, 30, 40)
    assert signal.linear_to_mel_weight_matrix(
        2, 5, ember.constant(8000.0), ember.constant(100.0)).shape == (5, 2)


def test_errors():
    cases = [({"num_mel_bins": 0}, r"num_mel_bins must be positive; got 0"),
             ({"lower_edge_hertz": -1.0}, r"lower_edge_hertz must be non-negative"),
             ({"lower_edge_hertz": 500.0, "upper_edge_hertz": 400.0},
              r"lower_edge_hertz 500.0 >= upper_edge_hertz 400.0"),
             ({"sample_rate": 0}, r"sample_rate must be positive"),
             ({"sample_rate": 4000},
              r"upper_edge_hertz must not be larger than the Nyquist frequency"),
             ({"dtype": "int32"}, r"dtype must be a floating point type")]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=r"ember\.signal\.linear_to_mel_weight_matrix: "
                                             + message):
            signal.linear_to_mel_weight_matrix(**kwargs)
