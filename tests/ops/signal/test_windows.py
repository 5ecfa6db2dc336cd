"""ember.signal windows vs NumPy's windows and constants checked against TF 2.21."""
import numpy as np
import pytest

import ember
from ember import signal


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7, 8, 16])
@pytest.mark.parametrize("name,ref", [("hann_window", np.hanning),
                                      ("hamming_window", np.hamming)])
def test_raised_cosine_windows(name, ref, n):
    fn = getattr(signal, name)
    np.testing.assert_allclose(fn(n, periodic=False, dtype="float64").numpy(), ref(n),
                               atol=1e-15)
    # TF's periodic window has period n for even n; for odd n it equals the symmetric one
    periodic = ref(n + 1)[:-1] if n % 2 == 0 and n > 1 else ref(n)
    np.testing.assert_allclose(fn(n, dtype=ember.float64).numpy(), periodic, atol=1e-15)
    out = fn(n)
    assert out.dtype == ember.float32 and out.shape == (n,)


@pytest.mark.parametrize("n", [1, 2, 5, 8, 33])
@pytest.mark.parametrize("beta", [0.0, 3.0, 12.0, 40.0])
def test_kaiser_window_matches_numpy(n, beta):
    np.testing.assert_allclose(signal.kaiser_window(n, beta, dtype="float64").numpy(),
                               np.kaiser(n, beta), rtol=1e-12, atol=1e-300)


def test_kaiser_window_large_beta_does_not_overflow():
    w = signal.kaiser_window(9, beta=2000.0, dtype="float64").numpy()
    assert np.all(np.isfinite(w)) and w[4] == 1.0 and w[0] == 0.0


def test_constants_checked_against_tensorflow():
    np.testing.assert_allclose(
        signal.kaiser_bessel_derived_window(6, beta=4.0, dtype="float64").numpy(),
        [0.22047876123724325, 0.7071067811865476, 0.9753917755667671,
         0.9753917755667671, 0.7071067811865476, 0.22047876123724325], atol=1e-15)
    np.testing.assert_allclose(
        signal.vorbis_window(5, dtype="float64").numpy(),
        [0.14943586013690233, 0.8563190506541873, 1.0, 0.8563190506541873,
         0.14943586013690247], atol=1e-15)
    np.testing.assert_allclose(
        signal.kaiser_window(5, beta=3.0, dtype="float64").numpy(),
        [0.20488475640125361, 0.7269255302876368, 1.0, 0.7269255302876368,
         0.20488475640125361], atol=1e-15)
    # TF quirk kept: an odd-length KBD window has one sample fewer
    assert signal.kaiser_bessel_derived_window(7).shape == (6,)


@pytest.mark.parametrize("fn", [signal.vorbis_window, signal.kaiser_bessel_derived_window])
def test_mdct_windows_are_power_complementary(fn):
    w = fn(16, dtype="float64").numpy()
    np.testing.assert_allclose(w[:8] ** 2 + w[8:] ** 2, np.ones(8), atol=1e-12)
    np.testing.assert_allclose(w, w[::-1], atol=1e-15)


def test_dtype_and_tensor_arguments():
    assert signal.hann_window(ember.constant(4), dtype=np.float16).dtype == ember.float16
    assert signal.vorbis_window(4, dtype="float64").dtype == ember.float64
    assert signal.kaiser_window(4, beta=ember.constant(2.0)).shape == (4,)


def test_errors():
    with pytest.raises(ValueError, match=r"ember\.signal\.hann_window: dtype must be a "
                                         r"floating point type; got int32"):
        signal.hann_window(4, dtype="int32")
    with pytest.raises(TypeError, match=r"ember\.signal\.kaiser_window: window_length must "
                                        r"be an integer"):
        signal.kaiser_window(4.5)
    with pytest.raises(ValueError, match=r"ember\.signal\.vorbis_window: window_length must "
                                         r"be >= 0; got -1"):
        signal.vorbis_window(-1)
