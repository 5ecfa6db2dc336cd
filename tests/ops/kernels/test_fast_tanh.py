"""The float32 tanh the compiled kernels use: accuracy against float64 tanh, the clamp,
NaN and infinities."""
import numpy as np
import pytest

pytest.importorskip("numba")
from numba import njit

from ember.ops.kernels.fast_tanh import sigmoid32, tanh32


@njit(cache=False)
def _map(fn_id, x, out):
    for i in range(x.size):
        out[i] = tanh32(x[i]) if fn_id == 0 else sigmoid32(x[i])


def _apply(fn_id, x):
    x = np.asarray(x, np.float32)
    out = np.empty_like(x)
    _map(fn_id, x, out)
    return out


def test_tanh_within_6_ulp_everywhere():
    x = np.concatenate([np.linspace(-12, 12, 400001), np.geomspace(1e-30, 1, 2000),
                        -np.geomspace(1e-30, 1, 2000)]).astype(np.float32)
    got = _apply(0, x).astype(np.float64)
    want = np.tanh(x.astype(np.float64))
    ulp = np.spacing(np.abs(want).astype(np.float32)).astype(np.float64)
    assert np.max(np.abs(got - want) / ulp) <= 6
    assert np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-38)) < 4e-7


def test_tanh_saturates_odd_and_propagates_nan():
    got = _apply(0, [9.0, 50.0, np.inf, -50.0, -np.inf, 0.0, np.nan])
    assert got[:5].tolist() == [1.0, 1.0, 1.0, -1.0, -1.0]
    assert got[5] == 0 and np.isnan(got[6])
    x = np.linspace(0, 9, 1001, dtype=np.float32)
    np.testing.assert_array_equal(_apply(0, -x), -_apply(0, x))


def test_sigmoid_matches_the_logistic_function():
    x = np.linspace(-30, 30, 100001).astype(np.float32)
    want = 1 / (1 + np.exp(-x.astype(np.float64)))
    np.testing.assert_allclose(_apply(1, x), want, atol=2e-7, rtol=4e-7)
    assert np.isnan(_apply(1, [np.nan])[0])
