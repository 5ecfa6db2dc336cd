"""ember.signal.frame / overlap_and_add: values vs NumPy loops, gradients, shapes, errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, table_tests

import ember
from ember import signal
from ember.core.errors import InvalidArgumentError


def np_frame(x, length, step, pad_end=False, pad_value=0, axis=-1):
    x = np.moveaxis(np.asarray(x), axis, -1)
    n = x.shape[-1]
    if pad_end:
        count = -(-n // step)
        extra = max(0, length + step * (count - 1) - n)
        x = np.concatenate([x, np.full(x.shape[:-1] + (extra,), pad_value, x.dtype)], -1)
    else:
        count = max(0, 1 + (n - length) // step)
    frames = np.stack([x[..., i * step:i * step + length] for i in range(count)], -2) \
        if count else np.zeros(x.shape[:-1] + (0, length), x.dtype)
    ax = axis % (x.ndim)
    return np.moveaxis(frames, (-2, -1), (ax, ax + 1))


def np_overlap_and_add(frames, step):
    count, length = frames.shape[-2:]
    out = np.zeros(frames.shape[:-2] + (max(0, (count - 1) * step + length),), frames.dtype)
    for i in range(count):
        out[..., i * step:i * step + length] += frames[..., i, :]
    return out


CASES = [
    OpCase("frame", lambda a: signal.frame(a, 3, 2), lambda a: np_frame(a, 3, 2), [(2, 9)],
           second_order=True),
    OpCase("frame_gap", lambda a: signal.frame(a, 2, 3), lambda a: np_frame(a, 2, 3),
           [(10,)]),
    OpCase("frame_pad_end", lambda a: signal.frame(a, 4, 3, pad_end=True, pad_value=0.5),
           lambda a: np_frame(a, 4, 3, True, 0.5), [(2, 8)], second_order=True),
    OpCase("frame_axis0", lambda a: signal.frame(a, 3, 1, axis=0),
           lambda a: np_frame(a, 3, 1, axis=0), [(5, 2)]),
    OpCase("frame_axis_mid", lambda a: signal.frame(a, 2, 2, pad_end=True, axis=-2),
           lambda a: np_frame(a, 2, 2, True, axis=-2), [(2, 5, 2)]),
    OpCase("overlap_and_add", lambda a: signal.overlap_and_add(a, 2),
           lambda a: np_overlap_and_add(a, 2), [(2, 3, 5)], second_order=True),
    OpCase("overlap_and_add_gap", lambda a: signal.overlap_and_add(a, 4),
           lambda a: np_overlap_and_add(a, 4), [(3, 3)]),
    OpCase("overlap_and_add_step1", lambda a: signal.overlap_and_add(a, 1),
           lambda a: np_overlap_and_add(a, 1), [(4, 3)]),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


def test_integer_signals_and_shapes():
    x = ember.range(10)
    assert signal.frame(x, 4, 3).numpy().tolist() == [[0, 1, 2, 3], [3, 4, 5, 6],
                                                       [6, 7, 8, 9]]
    assert signal.frame(x, 4, 3).dtype == ember.int32
    assert signal.frame(ember.zeros([3, 9152]), 512, 180).shape == (3, 49, 512)
    assert signal.frame(ember.zeros([3, 9152]), 512, 180, pad_end=True).shape == (3, 51, 512)
    assert signal.frame(ember.zeros([2, 3]), 5, 1).shape == (2, 0, 5)  # too short
    assert signal.frame(ember.zeros([2, 0]), 2, 1, pad_end=True).shape == (2, 0, 2)
    assert signal.overlap_and_add(ember.zeros([2, 0, 4]), 1).shape == (2, 3)  # TF's zeros
    assert signal.frame(ember.zeros([6]), ember.constant(2), np.int64(2)).shape == (3, 2)
    # integer frames keep their dtype (NumPy's sum widened int32 to int64); TF: int32
    for dtype in ("int32", "uint8", "int16"):
        out = signal.overlap_and_add(ember.constant([[1, 2, 3], [4, 5, 6]], dtype), 1)
        assert out.dtype == dtype and out.numpy().tolist() == [1, 6, 8, 6]


def test_errors():
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.frame: frame_step must "
                                                   r"be >= 1; got 0"):
        signal.frame(ember.zeros([5]), 2, 0)
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.frame: axis 2 .*\(3, 4\)"):
        signal.frame(ember.zeros([3, 4]), 2, 1, axis=2)
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.frame: .*rank >= 1"):
        signal.frame(ember.constant(1.0), 2, 1)
    with pytest.raises(TypeError, match=r"ember\.signal\.frame: frame_length must be an "
                                        r"integer"):
        signal.frame(ember.zeros([5]), 2.5, 1)
    with pytest.raises(InvalidArgumentError, match=r"ember\.signal\.overlap_and_add: .*rank "
                                                   r">= 2.*\(5,\)"):
        signal.overlap_and_add(ember.zeros([5]), 1)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(0, 12), length=st.integers(1, 6), step=st.integers(1, 6),
       pad_end=st.booleans(), batch=st.lists(st.integers(1, 3), max_size=2))
def test_frame_and_overlap_add_match_numpy(n, length, step, pad_end, batch):
    x = np.random.default_rng(n * 31 + length).standard_normal(tuple(batch) + (n,))
    frames = signal.frame(ember.constant(x), length, step, pad_end=pad_end, pad_value=-1.0)
    want = np_frame(x, length, step, pad_end, -1.0)
    assert frames.shape == want.shape
    np.testing.assert_allclose(frames.numpy(), want)
    np.testing.assert_allclose(signal.overlap_and_add(frames, step).numpy(),
                               np_overlap_and_add(want, step), atol=1e-12)
