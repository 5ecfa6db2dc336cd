"""Philox4x32-10 counter blocks as one compiled loop.

``ember.ops.random`` draws every random number from Philox4x32-10 words. Its NumPy path
runs the ten rounds as about eighty array operations over all blocks at once; this loop
runs each block's rounds in registers and gives the same words, bit for bit. A dropout
mask of 128x1600 (6,400 words) took 106 us through the NumPy path.
"""
from __future__ import annotations

import numpy as np
from numba import njit

_M32 = np.uint64(0xFFFFFFFF)
_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)
_S32 = np.uint64(32)


@njit(error_model="numpy", boundscheck=False, nogil=True, cache=True)
def _blocks(k0, k1, h2, h3, start, out):
    """Fill ``out`` (uint64, 4 words a block) with the blocks whose counters run from
    ``start`` (mod 2**64) in the low words, ``h2, h3`` in the high ones, under the key
    ``k0, k1``; every argument a uint64 below 2**32 but ``start``."""
    for i in range(out.shape[0] // 4):
        ctr = start + np.uint64(i)              # uint64: wraps past 2**64 as it should
        c0, c1, c2, c3 = ctr & _M32, ctr >> _S32, h2, h3
        a0, a1 = k0, k1
        for r in range(10):
            if r:
                a0 = (a0 + _W0) & _M32
                a1 = (a1 + _W1) & _M32
            p0 = c0 * _M0
            p1 = c2 * _M1
            c0, c1, c2, c3 = (p1 >> _S32) ^ c1 ^ a0, p1 & _M32, (p0 >> _S32) ^ c3 ^ a1, \
                p0 & _M32
        out[4 * i] = c0
        out[4 * i + 1] = c1
        out[4 * i + 2] = c2
        out[4 * i + 3] = c3


def words(key: tuple, ctr_hi: tuple, start: int, n_blocks: int) -> np.ndarray:
    """``4 * n_blocks`` Philox4x32-10 words (uint64 array), as
    ``ember.ops.random._philox`` defines them.

    >>> words((0, 0), (0, 0), 0, 1).tolist()[:2]
    [1713891541, 3781805453]
    """
    out = np.empty(4 * n_blocks, np.uint64)
    m32 = 0xFFFFFFFF
    _blocks(np.uint64(key[0] & m32), np.uint64(key[1] & m32), np.uint64(ctr_hi[0] & m32),
            np.uint64(ctr_hi[1] & m32), np.uint64(start & 0xFFFFFFFFFFFFFFFF), out)
    return out
