"""``cblas_sgemm`` called from compiled loops (``ember.ops.kernels.blas``)."""
import numpy as np
import pytest

pytest.importorskip("numba")

from ember.core import cpu_threads
from ember.ops.kernels import blas


def test_address_is_found_and_checked():
    fn, _ = blas.address()
    if cpu_threads.openblas() is None:
        assert fn == 0
    else:
        assert fn != 0 and blas._CHECKED["ok"]


@pytest.mark.parametrize("trans_a", [0, 1])
@pytest.mark.parametrize("trans_b", [0, 1])
@pytest.mark.parametrize("beta", [0.0, 1.0, -0.5])
def test_products_match_numpy(rng, trans_a, trans_b, beta):
    fn, ilp64 = blas.address()
    if not fn:
        pytest.skip("no callable cblas_sgemm here")
    a = rng.standard_normal((13, 9) if trans_a else (9, 13)).astype(np.float32)
    b = rng.standard_normal((11, 13) if trans_b else (13, 11)).astype(np.float32)
    c = rng.standard_normal((9, 11)).astype(np.float32)
    want = beta * c + (a.T if trans_a else a) @ (b.T if trans_b else b)
    blas._product(fn, ilp64, a, b, c, np.float32(beta), trans_a, trans_b)
    np.testing.assert_allclose(c, want, rtol=1e-5, atol=1e-5)


def test_a_failed_check_turns_the_address_off(monkeypatch):
    monkeypatch.setattr(blas, "_CHECKED", {})
    monkeypatch.setattr(blas, "_check", lambda fn, ilp64: False)
    assert blas.address() == (0, False)
