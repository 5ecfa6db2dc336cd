"""The compiled Philox4x32-10 blocks against the NumPy path of ``ember.ops.random``."""
import numpy as np
import pytest

pytest.importorskip("numba")

import ember
from ember.ops import kernels, random
from ember.ops.kernels import philox

M64 = (1 << 64) - 1


@pytest.mark.parametrize("key, ctr_hi, start", [
    ((0, 0), (0, 0), 0),
    ((0xFFFFFFFF, 0x12345678), (7, 0xFFFFFFFF), 12345),
    ((1, 2), (3, 4), M64 - 5),                  # the counter wraps past 2**64
    ((0xDEADBEEF, 0), (0, 0xCAFEBABE), 1 << 40),
])
@pytest.mark.parametrize("n_blocks", [17, 1000, 4097])
def test_words_equal_the_numpy_rounds(key, ctr_hi, start, n_blocks):
    got = philox.words(key, ctr_hi, start, n_blocks)
    want = random._philox_arrays(np, key, ctr_hi, start, n_blocks)
    assert got.dtype == np.uint64 and got.shape == (4 * n_blocks,)
    np.testing.assert_array_equal(got, want)


def test_random_draws_are_the_same_with_and_without_the_kernel():
    def draws():
        return [ember.random.stateless_uniform([300, 7], seed=[5, 6]).numpy(),
                ember.random.stateless_normal([999], seed=[1, 2]).numpy(),
                random.stateless_keep_mask([128, 1600], [3, 4], 0.3).numpy()]
    kernels.set_enabled(True)
    try:
        with_kernel = draws()
        kernels.set_enabled(False)
        without = draws()
    finally:
        kernels.set_enabled(True)
    for a, b in zip(with_kernel, without):
        np.testing.assert_array_equal(a, b)
