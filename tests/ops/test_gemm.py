"""Matrix products split over Ember's CPU threads (``ember.ops.gemm``): a stack of small
products is cut by its batch axis, and the values equal one ``np.matmul``."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ember.core import cpu_threads
from ember.ops import gemm

CASES = {                       # (a shape, b shape)
    "stack of heads": ((32, 4, 64, 32), (32, 4, 32, 64)),
    "odd stack": ((37, 64, 48), (37, 48, 40)),
    "broadcast batch": ((1, 200, 64), (40, 64, 96)),
    "broadcast the other way": ((40, 120, 64), (1, 64, 60)),
    "one large matrix": ((300, 400), (400, 500)),
    "large matrices": ((3, 300, 96), (3, 96, 300)),
    "small": ((4, 5), (5, 6)),
}


@pytest.mark.parametrize("shapes", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_products_equal_numpy(rng, two_cpu_threads, shapes, dtype):
    a = rng.standard_normal(shapes[0]).astype(dtype)
    b = rng.standard_normal(shapes[1]).astype(dtype)
    got = gemm.matmul(a, b)
    assert got.dtype == dtype
    # each matrix is the same call as in one np.matmul: the same rounding
    np.testing.assert_array_equal(got, np.matmul(a, b))


def test_a_stack_of_small_products_is_split_and_others_are_not(rng, two_cpu_threads,
                                                                 monkeypatch):
    calls = []
    real = cpu_threads.parallel
    monkeypatch.setattr(cpu_threads, "parallel",
                        lambda fn, count: (calls.append(count), real(fn, count)))
    for shapes, split in (((32, 4, 64, 32), (32, 4, 32, 64)), True), \
            (((300, 400), (400, 500)), False), (((3, 300, 96), (3, 96, 300)), False), \
            (((4, 8, 8), (4, 8, 8)), False):
        calls.clear()
        gemm.matmul(rng.standard_normal(shapes[0]).astype(np.float32),
                    rng.standard_normal(shapes[1]).astype(np.float32))
        assert calls == ([2] if split else []), shapes


def test_transposed_views_and_out(rng, two_cpu_threads):
    a = rng.standard_normal((64, 48, 40)).astype(np.float32)
    b = rng.standard_normal((64, 60, 48)).astype(np.float32)
    out = np.empty((64, 40, 60), np.float32)
    assert gemm.matmul(a.swapaxes(1, 2), b.swapaxes(1, 2), out=out) is out
    np.testing.assert_array_equal(out, np.matmul(a.swapaxes(1, 2), b.swapaxes(1, 2)))


def test_without_threads_it_is_numpy(rng):
    cpu_threads.set_thread_count(1)
    try:
        a = rng.standard_normal((32, 64, 32)).astype(np.float32)
        b = rng.standard_normal((32, 32, 64)).astype(np.float32)
        np.testing.assert_array_equal(gemm.matmul(a, b), np.matmul(a, b))
    finally:
        cpu_threads.set_thread_count(0)


def test_numpys_errors_are_kept(two_cpu_threads):
    with pytest.raises(ValueError):
        gemm.matmul(np.ones((40, 64, 96), np.float32), np.ones((40, 95, 64), np.float32))
    with pytest.raises(ValueError):
        gemm.matmul(np.ones((40, 64, 96), np.float32), np.ones((39, 96, 64), np.float32))


@settings(max_examples=30, deadline=None)
@given(batch=st.sampled_from([(), (1,), (2,), (5,), (2, 3), (64,), (40, 3)]),
       m=st.integers(1, 80), k=st.integers(1, 70), n=st.integers(1, 80))
def test_any_shape_matches_numpy(batch, m, k, n):
    blas = cpu_threads.openblas()
    before = blas.get() if blas is not None else None
    if blas is not None:
        blas.set(2)
    rng = np.random.default_rng(m * 1000 + n)
    a = rng.standard_normal(batch + (m, k)).astype(np.float32)
    b = rng.standard_normal(batch + (k, n)).astype(np.float32)
    try:
        got = gemm.matmul(a, b)
    finally:
        if blas is not None:
            blas.set(before)
    np.testing.assert_array_equal(got, np.matmul(a, b))
