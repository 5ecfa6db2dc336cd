"""Matrix products split over Ember's CPU threads (``ember.ops.gemm``): the same values
as one ``np.matmul``, whichever axis is split."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ember.core import cpu_threads
from ember.ops import gemm


@pytest.fixture
def region():
    cpu_threads.set_thread_count(2)
    if cpu_threads.openblas() is None:
        pytest.skip("no OpenBLAS among NumPy's libraries: regions do nothing here")
    with cpu_threads.parallel_region() as used:
        assert used
        yield
    cpu_threads.set_thread_count(0)


CASES = {                       # (a shape, b shape): which split each takes
    "batch": ((6, 64, 48), (6, 48, 80)),
    "rows": ((300, 96), (96, 128)),
    "columns": ((20, 512), (512, 400)),
    "broadcast batch": ((1, 200, 64), (4, 64, 96)),
    "odd batch, many rows": ((3, 500, 40), (3, 40, 50)),
    "small": ((4, 5), (5, 6)),
}


@pytest.mark.parametrize("shapes", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_split_products_equal_numpy(rng, region, shapes, dtype):
    a = rng.standard_normal(shapes[0]).astype(dtype)
    b = rng.standard_normal(shapes[1]).astype(dtype)
    got = gemm.matmul(a, b)
    assert got.dtype == dtype
    # float32 sums of up to 512 terms may round differently in another blocking
    tol = {"rtol": 1e-5, "atol": 1e-4} if dtype == np.float32 else {"rtol": 1e-12,
                                                                     "atol": 1e-11}
    np.testing.assert_allclose(got, np.matmul(a, b), **tol)


def test_transposed_views_and_out(rng, region):
    a = rng.standard_normal((512, 200)).astype(np.float32)
    b = rng.standard_normal((512, 300)).astype(np.float32)
    out = np.empty((200, 300), np.float32)
    assert gemm.matmul(a.T, b, out=out) is out
    np.testing.assert_allclose(out, a.T @ b, rtol=1e-5, atol=1e-4)


def test_outside_a_region_it_is_numpy(rng):
    assert not gemm.splitting()
    a = rng.standard_normal((300, 96)).astype(np.float32)
    b = rng.standard_normal((96, 128)).astype(np.float32)
    np.testing.assert_array_equal(gemm.matmul(a, b), np.matmul(a, b))


def test_numpys_errors_are_kept(region):
    with pytest.raises(ValueError):
        gemm.matmul(np.ones((300, 96), np.float32), np.ones((95, 128), np.float32))


@settings(max_examples=30, deadline=None)
@given(batch=st.sampled_from([(), (1,), (2,), (5,), (2, 3)]),
       m=st.integers(1, 160), k=st.integers(1, 70), n=st.integers(1, 160))
def test_any_shape_matches_numpy(batch, m, k, n):
    cpu_threads.set_thread_count(2)
    rng = np.random.default_rng(m * 1000 + n)
    a = rng.standard_normal(batch + (m, k)).astype(np.float32)
    b = rng.standard_normal(batch + (k, n)).astype(np.float32)
    try:
        with cpu_threads.parallel_region():
            got = gemm.matmul(a, b)
    finally:
        cpu_threads.set_thread_count(0)
    np.testing.assert_allclose(got, np.matmul(a, b), rtol=1e-5, atol=1e-4)
