"""keras.layers.Dot: per-sample dot products of two tensors along chosen axes."""
from __future__ import annotations

import math
from typing import Any

import ember

from ..floating_inputs import to_common_dtype
from .base_merge import Merge


def _l2_normalize(x: Any, axis: int):
    """``x / max(||x||, 1e-7)`` along ``axis``, as ``keras.ops.normalize``."""
    sq = ember.reduce_sum(ember.square(x), axis=axis, keepdims=True)
    return x * ember.math.rsqrt(ember.maximum(sq, 1e-14))


def batch_dot(x: Any, y: Any, axes: Any) -> Any:
    """Per-sample dot product of ``x`` and ``y`` summed over ``axes = (ax, ay)``; the
    result has ``x``'s other axes then ``y``'s (batch axis once), at least 2-D.

    >>> batch_dot(ember.ones((2, 3)), ember.ones((2, 3)), (1, 1)).numpy().tolist()
    [[3.0], [3.0]]
    """
    xs, ys = tuple(x.shape), tuple(y.shape)
    if len(xs) < 2 or len(ys) < 2:
        raise ValueError(f"Cannot do batch_dot on inputs with rank < 2. Received inputs "
                         f"with shapes {xs} and {ys}.")
    if xs[0] != ys[0]:
        raise ValueError(f"Cannot do batch_dot on inputs with different batch sizes. "
                         f"Received inputs with shapes {xs} and {ys}.")
    ax, ay = axes[0] % len(xs), axes[1] % len(ys)
    if ax == 0 or ay == 0:
        raise ValueError("Cannot perform batch_dot over axis 0. If your inputs are not "
                         "batched, add a dummy batch dimension to your inputs using "
                         "keras.ops.expand_dims(x, 0)")
    if xs[ax] != ys[ay]:
        raise ValueError(f"Cannot do batch_dot on inputs with shapes {xs} and {ys} with "
                         f"axes={[ax, ay]}. x.shape[{ax}] != y.shape[{ay}] "
                         f"({xs[ax]} != {ys[ay]}).")
    x_rest = [d for i, d in enumerate(xs) if i not in (0, ax)]
    y_rest = [d for i, d in enumerate(ys) if i not in (0, ay)]
    if ax != len(xs) - 1:
        x = ember.transpose(x, [i for i in range(len(xs)) if i != ax] + [ax])
    if ay != 1:
        y = ember.transpose(y, [0, ay] + [i for i in range(1, len(ys)) if i != ay])
    k = xs[ax]
    x3 = ember.reshape(x, (xs[0], math.prod(x_rest), k))
    y3 = ember.reshape(y, (ys[0], k, math.prod(y_rest)))
    out_shape = (xs[0], *x_rest, *y_rest)
    if len(out_shape) == 1:
        out_shape = (xs[0], 1)
    return ember.reshape(ember.matmul(x3, y3), out_shape)


class Dot(Merge):
    """Dot product of two samples along ``axes`` (one int for both, or a pair);
    ``normalize=True`` L2-normalizes both first (cosine proximity).

    >>> from ember import keras
    >>> x, y = ember.ones((1, 5, 2)), ember.ones((1, 2, 5))
    >>> keras.layers.Dot(axes=(1, 2))([x, y]).shape
    TensorShape([1, 2, 2])
    """

    def __init__(self, axes: Any, normalize: bool = False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError("Invalid type for argument `axes`: it should be a list or "
                                f"an int. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError("Invalid format for argument `axes`: it should contain "
                                 f"two elements. Received: axes={axes}")
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError("Invalid format for argument `axes`: list elements "
                                 f"should be integers. Received: axes={axes}")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def _axes_for(self, shape1: tuple, shape2: tuple) -> list:
        axes = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        return [axes[0] % len(shape1), axes[1] % len(shape2)]

    def _check_pair(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or \
                not isinstance(input_shape[0], (list, tuple)):
            raise ValueError("A `Dot` layer should be called on a list of 2 inputs. "
                             f"Received: input_shape={input_shape}")

    def build(self, input_shape):
        self._check_pair(input_shape)
        s1, s2 = tuple(input_shape[0]), tuple(input_shape[1])
        a1, a2 = self._axes_for(s1, s2)
        if s1[a1] is not None and s2[a2] is not None and s1[a1] != s2[a2]:
            raise ValueError(f"Incompatible input shapes: axis values {s1[a1]} (at axis "
                             f"{a1}) != {s2[a2]} (at axis {a2}). Full input shapes: "
                             f"{s1}, {s2}")
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError("A `Dot` layer should be called on exactly 2 inputs. "
                             f"Received: inputs={inputs}")
        x1, x2 = to_common_dtype(inputs)
        axes = self._axes_for(tuple(x1.shape), tuple(x2.shape))
        if self.normalize:
            x1 = _l2_normalize(x1, axes[0])
            x2 = _l2_normalize(x2, axes[1])
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._check_pair(input_shape)
        s1, s2 = list(input_shape[0]), list(input_shape[1])
        a1, a2 = self._axes_for(s1, s2)
        s1.pop(a1)
        s2.pop(a2)
        out = s1 + s2[1:]
        return tuple(out + [1] if len(out) == 1 else out)

    def compute_mask(self, inputs: Any, mask: Any = None):
        return None

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config
