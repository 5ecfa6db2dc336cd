"""Random image augmentations: ``random_*`` (drawn from Ember's seeded streams, repeatable
after ``ember.random.set_seed`` or with an op ``seed``) and ``stateless_random_*`` (a pure
function of a ``[2]`` seed).

Each draws its amounts with ``ember.random.uniform`` / ``stateless_uniform`` exactly as
TensorFlow draws them (one scalar per call, one value per image for batched flips), then
applies the deterministic op; the numbers themselves come from Ember's generator, not
TensorFlow's.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import _api as E
from ._common import at_least_3d, fail, shape_of, static_float, tensor
from .color import adjust_brightness, adjust_contrast, adjust_hue, adjust_saturation

__all__ = [
    "random_brightness",
    "random_contrast",
    "random_crop",
    "random_flip_left_right",
    "random_flip_up_down",
    "random_hue",
    "random_saturation",
    "stateless_random_brightness",
    "stateless_random_contrast",
    "stateless_random_crop",
    "stateless_random_flip_left_right",
    "stateless_random_flip_up_down",
    "stateless_random_hue",
    "stateless_random_saturation",
]


def _stateful(seed: Any) -> Callable:
    from ..random import uniform

    def draw(shape, minval=0.0, maxval=1.0, dtype="float32"):
        return uniform(shape, minval, maxval, dtype=dtype, seed=seed)
    return draw


def _stateless(seed: Any, op: str) -> Callable:
    from ..random import stateless_uniform
    if seed is None:
        raise fail(op, "a stateless op needs a seed: a [2] integer tensor")

    def draw(shape, minval=0.0, maxval=1.0, dtype="float32"):
        return stateless_uniform(shape, seed, minval, maxval, dtype=dtype)
    return draw


# -- flips ----------------------------------------------------------------------------------
def _random_flip(image: Any, axis: int, draw: Callable, op: str) -> Any:
    x = at_least_3d(image, op)
    rank = len(x.shape)
    if rank == 3:
        return E.where(draw([]) < 0.5, E.reverse(x, [axis]), x)
    if rank != 4:
        raise fail(op, f"'image' must have either 3 or 4 dimensions; got shape "
                       f"{shape_of(x)}")
    batch = int(x.shape[0])
    flips = E.round(draw([batch])) > 0.5                  # one draw per image, as TF
    return E.where(E.reshape(flips, (batch, 1, 1, 1)), E.reverse(x, [axis + 1]), x)


def random_flip_left_right(image: Any, seed: int | None = None) -> Any:
    """Mirror each image horizontally with probability 1/2 (each image of a batch
    independently).

    >>> import ember
    >>> ember.random.set_seed(1)
    >>> random_flip_left_right(ember.ones((2, 2, 1))).shape
    TensorShape([2, 2, 1])
    """
    return _random_flip(image, 1, _stateful(seed), "random_flip_left_right")


def random_flip_up_down(image: Any, seed: int | None = None) -> Any:
    """Mirror each image vertically with probability 1/2 (each image of a batch
    independently).

    >>> import ember
    >>> random_flip_up_down(ember.ones((2, 2, 1)), seed=3).shape
    TensorShape([2, 2, 1])
    """
    return _random_flip(image, 0, _stateful(seed), "random_flip_up_down")


def stateless_random_flip_left_right(image: Any, seed: Any) -> Any:
    """``random_flip_left_right`` as a pure function of ``seed`` (shape ``[2]``).

    >>> import ember
    >>> x = ember.reshape(ember.range(4), (1, 2, 2, 1))
    >>> a = stateless_random_flip_left_right(x, seed=[1, 2])
    >>> b = stateless_random_flip_left_right(x, seed=[1, 2])
    >>> bool(ember.reduce_all(a == b))
    True
    """
    op = "stateless_random_flip_left_right"
    return _random_flip(image, 1, _stateless(seed, op), op)


def stateless_random_flip_up_down(image: Any, seed: Any) -> Any:
    """``random_flip_up_down`` as a pure function of ``seed`` (shape ``[2]``).

    >>> import ember
    >>> stateless_random_flip_up_down(ember.ones((3, 2, 1)), seed=[1, 2]).shape
    TensorShape([3, 2, 1])
    """
    op = "stateless_random_flip_up_down"
    return _random_flip(image, 0, _stateless(seed, op), op)


# -- crops ----------------------------------------------------------------------------------
def _random_crop(value: Any, size: Any, draw: Callable, op: str) -> Any:
    x = tensor(value)
    shape = np.asarray(shape_of(x), dtype=np.int64)
    want = np.asarray(size.numpy() if hasattr(size, "numpy") else size).reshape(-1)
    if want.shape != shape.shape or (want.size and want.dtype.kind not in "iu"):
        raise fail(op, f"'size' must hold one integer per axis of 'value' (shape "
                       f"{tuple(shape.tolist())}); got {want.tolist()!r}")
    want = want.astype(np.int64)
    if np.any(want > shape) or np.any(want < 0):
        raise fail(op, f"Need value.shape >= size, got {tuple(shape.tolist())} and "
                       f"{tuple(want.tolist())}")
    limit = shape - want + 1
    offset = E.floormod(draw([len(shape)], 0, np.iinfo(np.int32).max, dtype="int32"),
                        E.constant(limit.astype(np.int32)))
    out = x
    for axis, (start, n) in enumerate(zip(E.unstack(offset, len(shape)), want.tolist())):
        if n != shape[axis]:                 # a gather keeps it traceable and differentiable
            out = E.gather(out, start + E.constant(np.arange(n, dtype=np.int32)), axis=axis)
    return out


def random_crop(value: Any, size: Any, seed: int | None = None, name: str | None = None) -> Any:
    """A window of shape ``size`` at a uniformly random offset in ``value`` (any rank;
    ``size[i] <= value.shape[i]``).

    >>> import ember
    >>> random_crop(ember.ones((5, 6, 3)), [2, 3, 3], seed=1).shape
    TensorShape([2, 3, 3])
    """
    return _random_crop(value, size, _stateful(seed), "random_crop")


def stateless_random_crop(value: Any, size: Any, seed: Any, name: str | None = None) -> Any:
    """``random_crop`` as a pure function of ``seed`` (shape ``[2]``).

    >>> import ember
    >>> stateless_random_crop(ember.ones((5, 6, 3)), [2, 3, 3], seed=[1, 2]).shape
    TensorShape([2, 3, 3])
    """
    op = "stateless_random_crop"
    return _random_crop(value, size, _stateless(seed, op), op)


# -- colour ---------------------------------------------------------------------------------
def _check_delta(max_delta: Any, op: str, upper: float | None = None) -> float:
    d = static_float(max_delta, op, "max_delta")
    if upper is not None and d > upper:
        raise fail(op, f"max_delta must be <= {upper}; got {d}")
    if d < 0:
        raise fail(op, f"max_delta must be non-negative; got {d}")
    return d


def _check_range(lower: Any, upper: Any, op: str) -> tuple[float, float]:
    lo, hi = static_float(lower, op, "lower"), static_float(upper, op, "upper")
    if hi <= lo:
        raise fail(op, f"upper must be > lower; got lower={lo}, upper={hi}")
    if lo < 0:
        raise fail(op, f"lower must be non-negative; got {lo}")
    return lo, hi


def random_brightness(image: Any, max_delta: float, seed: int | None = None) -> Any:
    """``adjust_brightness`` by a delta drawn uniformly from ``[-max_delta, max_delta)``.

    >>> import ember
    >>> y = random_brightness(ember.zeros((2, 2, 3)), 0.2, seed=1)
    >>> bool(ember.reduce_max(ember.abs(y)) <= 0.2)
    True
    """
    d = _check_delta(max_delta, "random_brightness")
    return adjust_brightness(image, _stateful(seed)([], -d, d))


def stateless_random_brightness(image: Any, max_delta: float, seed: Any) -> Any:
    """``random_brightness`` as a pure function of ``seed`` (shape ``[2]``).

    >>> import ember
    >>> stateless_random_brightness(ember.zeros((2, 2, 3)), 0.2, seed=[1, 2]).shape
    TensorShape([2, 2, 3])
    """
    op = "stateless_random_brightness"
    d = _check_delta(max_delta, op)
    return adjust_brightness(image, _stateless(seed, op)([], -d, d))


def random_contrast(image: Any, lower: float, upper: float, seed: int | None = None) -> Any:
    """``adjust_contrast`` by a factor drawn uniformly from ``[lower, upper)``.

    >>> import ember
    >>> float(ember.reduce_max(random_contrast(ember.ones((2, 2, 3)), 0.5, 1.5, seed=1)))
    1.0
    """
    lo, hi = _check_range(lower, upper, "random_contrast")
    return adjust_contrast(image, _stateful(seed)([], lo, hi))


def stateless_random_contrast(image: Any, lower: float, upper: float, seed: Any) -> Any:
    """``random_contrast`` as a pure function of ``seed`` (shape ``[2]``).

    >>> import ember
    >>> stateless_random_contrast(ember.ones((2, 2, 3)), 0.5, 1.5, seed=[1, 2]).shape
    TensorShape([2, 2, 3])
    """
    op = "stateless_random_contrast"
    lo, hi = _check_range(lower, upper, op)
    return adjust_contrast(image, _stateless(seed, op)([], lo, hi))


def random_saturation(image: Any, lower: float, upper: float, seed: int | None = None) -> Any:
    """``adjust_saturation`` by a factor drawn uniformly from ``[lower, upper)``.

    >>> import ember
    >>> random_saturation(ember.ones((2, 2, 3)), 0.5, 1.5, seed=1).shape
    TensorShape([2, 2, 3])
    """
    lo, hi = _check_range(lower, upper, "random_saturation")
    return adjust_saturation(image, _stateful(seed)([], lo, hi))


def stateless_random_saturation(image: Any, lower: float, upper: float,
                                seed: Any = None) -> Any:
    """``random_saturation`` as a pure function of ``seed`` (shape ``[2]``).

    >>> import ember
    >>> stateless_random_saturation(ember.ones((2, 2, 3)), 0.5, 1.5, seed=[1, 2]).shape
    TensorShape([2, 2, 3])
    """
    op = "stateless_random_saturation"
    lo, hi = _check_range(lower, upper, op)
    return adjust_saturation(image, _stateless(seed, op)([], lo, hi))


def random_hue(image: Any, max_delta: float, seed: int | None = None) -> Any:
    """``adjust_hue`` by a delta drawn uniformly from ``[-max_delta, max_delta)``
    (``max_delta`` in ``[0, 0.5]``).

    >>> import ember
    >>> random_hue(ember.ones((2, 2, 3)), 0.2, seed=1).shape
    TensorShape([2, 2, 3])
    """
    d = _check_delta(max_delta, "random_hue", 0.5)
    return adjust_hue(image, _stateful(seed)([], -d, d))


def stateless_random_hue(image: Any, max_delta: float, seed: Any) -> Any:
    """``random_hue`` as a pure function of ``seed`` (shape ``[2]``).

    >>> import ember
    >>> stateless_random_hue(ember.ones((2, 2, 3)), 0.2, seed=[1, 2]).shape
    TensorShape([2, 2, 3])
    """
    op = "stateless_random_hue"
    d = _check_delta(max_delta, op, 0.5)
    return adjust_hue(image, _stateless(seed, op)([], -d, d))
