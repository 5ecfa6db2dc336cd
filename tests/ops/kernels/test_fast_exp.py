"""The float32 exp the compiled kernels use: accuracy against float64 exp over the whole
float32 range, denormal results, overflow, NaN and infinities."""
import numpy as np
import pytest

pytest.importorskip("numba")

from ember.ops.kernels import fast_exp


def _exp(x):
    x = np.asarray(x, np.float32)
    out = np.empty_like(x)
    fast_exp.exp(x.reshape(-1), out.reshape(-1))
    return out


def test_within_2_ulp_over_the_normal_range():
    x = np.linspace(-87.3, 88.7, 2_000_001).astype(np.float32)
    got = _exp(x).astype(np.float64)
    want = np.exp(x.astype(np.float64))
    ulp = np.spacing(want.astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(got - want) / ulp) <= 2


def test_denormal_results_match_numpy_and_underflow_gives_zero():
    x = np.linspace(-104.5, -87.3, 200_001).astype(np.float32)
    with np.errstate(under="ignore"):
        want = np.exp(x.astype(np.float64))
    assert np.max(np.abs(_exp(x) - want)) <= 2e-45      # within about one denormal step
    assert _exp([-104.0, -200.0, -1e30, -np.inf]).tolist()[1:] == [0.0, 0.0, 0.0]


def test_overflow_infinities_and_nan():
    got = _exp([88.72, 88.73, 1e4, np.inf, np.nan, 0.0, -0.0])
    assert np.isfinite(got[0]) and np.isinf(got[1:4]).all()
    assert np.isnan(got[4]) and got[5] == 1.0 and got[6] == 1.0


def test_small_arguments_are_nearly_exact():
    x = np.float32(1e-30) * np.arange(-5, 6, dtype=np.float32)
    np.testing.assert_array_equal(_exp(x), np.ones_like(x))
