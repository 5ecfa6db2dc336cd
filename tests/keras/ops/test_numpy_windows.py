"""keras.ops window functions (numpy_windows): values against NumPy and Keras, errors."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember import keras
from ember.keras.ops import numpy_windows as kops

LENGTHS = [0, 1, 2, 5, 8, 33, 5.5, -2]


@pytest.mark.parametrize("name", ["bartlett", "blackman", "hamming", "hanning"])
@pytest.mark.parametrize("M", LENGTHS)
def test_cosine_and_triangular_windows_match_numpy(name, M):
    got = getattr(kops, name)(M)
    want = getattr(np, name)(M).astype("float32")
    assert got.dtype == ember.float32 and tuple(got.shape) == want.shape
    np.testing.assert_allclose(got.numpy(), want, rtol=0, atol=1e-7)


@pytest.mark.parametrize("name", ["bartlett", "blackman", "hamming", "hanning"])
def test_a_float_length_is_used_exactly(name):
    # 10.1 through float32 would be 10.100000381...: a window off by an ulp
    got = getattr(kops, name)(10.1).numpy()
    np.testing.assert_array_equal(got, getattr(np, name)(10.1).astype("float32"))


@pytest.mark.parametrize("beta", [0.0, 0.5, 5.0, 14.0, 29.9, 30.0, 30.1, 86.0, 250.0, 700.0,
                                  -3.0])
@pytest.mark.parametrize("M", [1, 2, 7, 64])
def test_kaiser_matches_numpy(beta, M):
    got = kops.kaiser(M, beta)
    want = np.kaiser(M, beta).astype("float32")
    assert got.dtype == ember.float32 and tuple(got.shape) == want.shape
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=0)


def test_values_verified_against_keras():
    # the outputs of Keras 3.15 (numpy backend) for these calls
    np.testing.assert_allclose(kops.kaiser(5, beta=14.0).numpy(),
                               [7.7268669e-06, 1.6493219e-01, 1.0, 1.6493219e-01,
                                7.7268669e-06], rtol=1e-6)
    np.testing.assert_allclose(kops.kaiser(4, ember.constant(3.0)).numpy(),
                               [0.20488475, 0.87124187, 0.87124187, 0.20488475], rtol=1e-6)
    np.testing.assert_allclose(kops.bartlett(5.5).numpy(),
                               [0.0, 0.44444445, 0.8888889, 0.6666667, 0.22222222], rtol=1e-6)
    np.testing.assert_allclose(kops.hamming(5).numpy(), [0.08, 0.54, 1.0, 0.54, 0.08],
                               rtol=1e-6)
    assert kops.bartlett(-2).shape == (0,) and kops.hanning(1).numpy().tolist() == [1.0]


def test_length_may_be_a_tensor():
    for length in (ember.constant(6), np.int64(6), ember.constant([6]), 6.0):
        np.testing.assert_allclose(kops.hanning(length).numpy(), np.hanning(6), atol=1e-7)


def test_log_i0_is_accurate_in_float64():
    z = np.concatenate([np.linspace(0.0, 60.0, 241), [100.0, 300.0, 700.0]])
    got = kops._log_i0(ember.constant(z)).numpy()
    np.testing.assert_allclose(got, np.log(np.i0(z)), rtol=1e-14, atol=1e-15)
    # far beyond float64's I0 (overflow near 713), the log still is finite
    big = kops._log_i0(ember.constant([1e4], dtype="float64")).numpy()[0]
    want = 1e4 - 0.5 * math.log(2 * math.pi * 1e4) + math.log1p(1 / 8e4 + 9 / (2 * 8e4 ** 2))
    assert math.isclose(big, want, rel_tol=1e-14)
    assert np.all(np.isfinite(kops.kaiser(16, 1e4).numpy()))


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=40), st.floats(min_value=-40.0, max_value=40.0))
def test_windows_are_symmetric_and_bounded(M, beta):
    for w in (kops.bartlett(M), kops.hanning(M), kops.hamming(M), kops.kaiser(M, beta)):
        v = w.numpy()
        assert v.shape == (max(M, 0),)
        np.testing.assert_allclose(v, v[::-1], atol=1e-6)
        assert np.all(v <= 1.0 + 1e-6) and np.all(v >= -1e-6)


@pytest.mark.parametrize("name", ["bartlett", "blackman", "hamming", "hanning"])
def test_symbolic_input_is_a_type_error(name):
    with pytest.raises(TypeError, match=f"keras.ops.{name}: .*symbolic"):
        getattr(kops, name)(keras.Input((3,)))
    with pytest.raises(TypeError, match="keras.ops.kaiser: .*symbolic"):
        kops.kaiser(keras.Input((3,)), 1.0)


def test_bad_lengths():
    with pytest.raises(ValueError, match="keras.ops.hanning: .*scalar"):
        kops.hanning([3, 4])
    with pytest.raises(TypeError, match="keras.ops.bartlett: .*number"):
        kops.bartlett(True)
