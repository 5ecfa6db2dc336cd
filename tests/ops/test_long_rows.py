"""ops.long_rows: the same values as the plain ufunc call, whichever route it takes."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ember.ops import long_rows as lr

UFUNCS = [np.add, np.subtract, np.multiply, np.true_divide, np.maximum, np.minimum,
          np.power, np.arctan2]


@settings(max_examples=60, deadline=None)
@given(lead=st.sampled_from([(1,), (3,), (70,), (2, 600)]),
       tail=st.sampled_from([(), (1,), (7,), (32,), (5, 16), (4096,)]),
       ufunc=st.sampled_from(UFUNCS), small_first=st.booleans(), use_out=st.booleans(),
       ones=st.integers(0, 3))
def test_same_values_as_the_ufunc(lead, tail, ufunc, small_first, use_out, ones):
    rng = np.random.default_rng(0)
    big = rng.standard_normal(lead + tail).astype(np.float32)
    big.reshape(-1)[:3] = [np.nan, np.inf, -0.0][:big.size]
    small_shape = tuple(1 if i < ones else d for i, d in enumerate(tail))
    small = rng.standard_normal(small_shape).astype(np.float32) if small_shape \
        else np.float32(0.5)
    out = np.empty_like(big) if use_out else None
    with np.errstate(all="ignore"):
        want = ufunc(small, big) if small_first else ufunc(big, small)
        got = lr.long_rows(ufunc, big, small, out=out, small_first=small_first)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    if use_out:
        assert got is out


def test_in_place_over_the_big_operand():
    x = np.arange(-(1 << 17), 1 << 17, dtype=np.float32).reshape(64, -1)
    want = np.maximum(x, 0)
    got = lr.long_rows(np.maximum, x, np.float32(0), out=x)
    assert got is x
    np.testing.assert_array_equal(x, want)


@pytest.mark.parametrize("case", ["strided", "other dtype", "grows", "float64 scalar"])
def test_other_operands_go_to_the_ufunc(case):
    big = np.ones((400, 400), np.float32)
    small = np.arange(400, dtype=np.float32)
    if case == "strided":
        big = big[:, ::2]
        small = small[:200]
    elif case == "other dtype":
        small = small.astype(np.float64)
    elif case == "grows":
        big = np.ones((400, 1), np.float32)
    else:
        small = 2.0
    np.testing.assert_array_equal(lr.long_rows(np.add, big, small), np.add(big, small))


def test_row_block_covers_the_small_operand():
    assert lr._row_block((128, 26, 26, 32), (32,)) == 1
    assert lr._row_block((128, 8192), (8192,)) == 1
    assert lr._row_block((4, 64), (64,)) is None        # the whole array
    assert lr._row_block((300, 16), (5,)) is None       # does not broadcast
    assert lr._row_block((300, 16), (2, 300, 16)) is None


@pytest.mark.parametrize("ufunc", [np.add, np.subtract, np.multiply, np.true_divide,
                                   np.maximum, np.minimum])
@pytest.mark.parametrize("case", ["bias", "bias first", "scalar", "same shape",
                                  "other dtype", "small arrays", "grows"])
def test_broadcast_binary_is_the_ufunc(ufunc, case):
    rng = np.random.default_rng(1)
    big = rng.standard_normal((64, 40, 32)).astype(np.float32)
    small = rng.standard_normal(32).astype(np.float32)
    x, y = big, small
    if case == "bias first":
        x, y = small, big
    elif case == "scalar":
        y = np.float32(0.25)
    elif case == "same shape":
        y = big[::-1].copy()
    elif case == "other dtype":
        y = small.astype(np.float64)
    elif case == "small arrays":
        x = big[:2]
    elif case == "grows":
        x, y = big[:, :1], rng.standard_normal((64, 1, 1)).astype(np.float32)
    with np.errstate(all="ignore"):
        want = ufunc(x, y)
        got = lr.broadcast_binary(ufunc, x, y, scalars=ufunc in (np.maximum, np.minimum))
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
