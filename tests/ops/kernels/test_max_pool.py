"""The compiled tiled max-pool kernels against the NumPy paths: the pool, its gradient
and the fused ReLU-then-pool gradient, bit for bit, with ties, NaN and infinities."""
import numpy as np
import pytest

pytest.importorskip("numba")

from ember.ops import pool


def _all(jit_switch, on, x, g, ksize):
    jit_switch(on)
    n = len(ksize)
    y = pool._max_pool.primitive.forward(np, x, ksize=ksize, strides=ksize,
                                         dilations=(1,) * n, pads=((0, 0),) * n)
    with np.errstate(invalid="ignore"):
        return (y, pool._max_pool_grad.primitive.forward(np, g, x, y, ksize=ksize),
                pool._max_pool_relu_grad.primitive.forward(np, g, x, y, ksize=ksize))


@pytest.mark.parametrize("shape, ksize", [
    ((2, 8, 8, 32), (2, 2)), ((3, 11, 11, 5), (2, 2)),     # odd sizes: a cropped edge
    ((2, 9, 9, 3), (3, 3)), ((2, 6, 8, 4), (1, 2)), ((2, 6, 8, 4), (2, 1)),
    ((3, 30, 7), (2,)), ((2, 9, 3), (3,)),                 # 1-D pooling
])
@pytest.mark.parametrize("values", ["relu", "ties_nan_inf"])
def test_kernels_equal_the_numpy_path(rng, jit_switch, shape, ksize, values):
    if values == "relu":           # a ReLU's output: many zeros, so many tied windows
        x = np.maximum(rng.normal(size=shape), 0).astype(np.float32)
    else:
        x = rng.integers(-2, 3, size=shape).astype(np.float32)
        x.flat[::7] = np.nan
        x.flat[3::11] = np.inf
        x.flat[5::13] = -np.inf

    pooled = (x.shape[0],) + tuple(d // k for d, k in zip(x.shape[1:-1], ksize)) \
        + (x.shape[-1],)
    special = rng.normal(size=pooled).astype(np.float32)
    special.flat[::5] = np.inf
    special.flat[1::9] = np.nan
    for g in (rng.normal(size=pooled).astype(np.float32), special):
        got = _all(jit_switch, True, x, g, ksize)
        want = _all(jit_switch, False, x, g, ksize)
        for a, b in zip(got, want):
            assert a.shape == b.shape and a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


def test_3d_and_float64_pools_take_the_numpy_path(rng, jit_switch):
    jit_switch(True)
    x = rng.normal(size=(2, 4, 4, 4, 3)).astype(np.float32)
    y = pool._max_pool.primitive.forward(np, x, ksize=(2, 2, 2), strides=(2, 2, 2),
                                         dilations=(1, 1, 1), pads=((0, 0),) * 3)
    want = x.reshape(2, 2, 2, 2, 2, 2, 2, 3).max(axis=(2, 4, 6))
    np.testing.assert_array_equal(y, want)
    x64 = rng.normal(size=(2, 4, 4, 3))
    y64 = pool._max_pool.primitive.forward(np, x64, ksize=(2, 2), strides=(2, 2),
                                           dilations=(1, 1), pads=((0, 0),) * 2)
    assert y64.dtype == np.float64


def test_samples_split_over_two_threads_equal_one_part(rng, two_cpu_threads, monkeypatch,
                                                       jit_switch):
    x = np.maximum(rng.normal(size=(5, 8, 6, 3)), 0).astype(np.float32)
    g = rng.normal(size=(5, 4, 3, 3)).astype(np.float32)
    counts = []
    real = pool.cpu_threads.parallel
    monkeypatch.setattr(pool.cpu_threads, "parallel",
                        lambda fn, count: (counts.append(count), real(fn, count)))
    monkeypatch.setattr(pool, "_MIN_SPLIT_VALUES", 1)
    split = _all(jit_switch, True, x, g, (2, 2))
    assert counts == [2, 2, 2]
    monkeypatch.setattr(pool, "_MIN_SPLIT_VALUES", 1 << 60)
    for a, b in zip(split, _all(jit_switch, True, x, g, (2, 2))):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape, ksize", [((3, 8, 8, 32), (2, 2)), ((3, 11, 11, 5), (2, 2)),
                                          ((2, 9, 9, 3), (3, 3)), ((3, 30, 7), (2,))])
@pytest.mark.parametrize("split", [False, True])
def test_relu_grad_with_channel_sums(rng, jit_switch, monkeypatch, two_cpu_threads, shape,
                                     ksize, split):
    """``max_pool_relu_grad_sum``: the kernel's dx is max_pool_relu_grad's bit for bit,
    its sums the float64 sums of dx (in sample order over the threads), and the NumPy
    route gives the same up to float32 rounding."""
    monkeypatch.setattr(pool, "_MIN_SPLIT_VALUES", 1 if split else 1 << 60)
    x = np.maximum(rng.normal(size=shape), 0).astype(np.float32)
    n = len(ksize)
    y = pool._max_pool.primitive.forward(np, x, ksize=ksize, strides=ksize,
                                         dilations=(1,) * n, pads=((0, 0),) * n)
    g = rng.normal(size=y.shape).astype(np.float32)
    results = {}
    for on in (True, False):
        jit_switch(on)
        dx, sums = pool._max_pool_relu_grad_sum.primitive.forward(np, g, x, y, ksize=ksize)
        want = pool._max_pool_relu_grad.primitive.forward(np, g, x, y, ksize=ksize)
        np.testing.assert_array_equal(dx, want)
        assert sums.dtype == np.float32 and sums.shape == (shape[-1],)
        results[on] = sums
    exact = want.astype(np.float64).reshape(-1, shape[-1]).sum(axis=0)
    np.testing.assert_array_equal(results[True], exact.astype(np.float32))
    np.testing.assert_allclose(results[False], exact, rtol=1e-5, atol=1e-5)
