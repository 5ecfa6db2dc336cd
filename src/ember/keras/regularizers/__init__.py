"""keras.regularizers: penalties on weights added to the training loss."""
from __future__ import annotations

from typing import Any

import ember

from ..saving.family import ObjectFamily


class Regularizer:
    """Base class: ``reg(weight)`` returns a scalar penalty."""

    def __call__(self, x):
        return ember.constant(0.0)

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        return cls(**config)


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x**2)``.

    >>> float(L1L2(l1=0.1, l2=0.0)(ember.constant([1.0, -2.0])))
    0.30000001192092896
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = float(l1 or 0.0)
        self.l2 = float(l2 or 0.0)

    def __call__(self, x):
        out = None
        if self.l1:
            out = self.l1 * ember.reduce_sum(ember.abs(x))
        if self.l2:
            term = self.l2 * ember.reduce_sum(ember.square(x))
            out = term if out is None else out + term
        return out if out is not None else ember.constant(0.0)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    def __init__(self, l1=0.01):
        self.l1 = float(l1)

    def __call__(self, x):
        return self.l1 * ember.reduce_sum(ember.abs(x))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def __call__(self, x):
        return self.l2 * ember.reduce_sum(ember.square(x))

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D kernel towards orthonormality:
    ``factor * mean(|off-diagonal of (W W^T)|)`` on L2-normalized rows."""

    def __init__(self, factor=0.01, mode="rows"):
        if mode not in ("rows", "columns"):
            raise ValueError(f"Invalid value for argument `mode`. Expected one of "
                             f"{{'rows', 'columns'}}. Received: mode={mode}")
        self.factor = float(factor)
        self.mode = mode

    def __call__(self, x):
        if len(x.shape) != 2:
            raise ValueError(f"Inputs to OrthogonalRegularizer must have rank 2. Received: "
                             f"inputs.shape={tuple(x.shape)}")
        if self.mode == "columns":
            x = ember.transpose(x)
        norm = ember.sqrt(ember.reduce_sum(ember.square(x), axis=1, keepdims=True) + 1e-12)
        x = x / norm
        product = ember.matmul(x, x, transpose_b=True)
        n = int(x.shape[0])
        size = n * n - n
        off = ember.abs(product) * (1.0 - ember.eye(n, dtype=product.dtype))
        return self.factor * ember.reduce_sum(off) / max(size, 1)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer
ALL_CLASSES = {"Regularizer": Regularizer, "L1": L1, "L2": L2, "L1L2": L1L2,
               "OrthogonalRegularizer": OrthogonalRegularizer}
_ALIASES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer}


_FAMILY = ObjectFamily(
    ALL_CLASSES, aliases=_ALIASES, instantiates=object, registered=False,
    invalid="Could not interpret regularizer identifier: {!r}")


def get(identifier: Any):
    """A regularizer from None, a name (``"l2"``), a config, an instance or a callable."""
    return _FAMILY.get(identifier)


def serialize(regularizer) -> Any:
    """The Keras 3 config envelope of ``regularizer``.

    >>> serialize(L2(0.5))["class_name"]
    'L2'
    """
    return _FAMILY.serialize(regularizer)


def deserialize(config, custom_objects=None):
    """The regularizer a config envelope (or a class name) describes.

    >>> type(deserialize(serialize(L2(0.5)))).__name__
    'L2'
    """
    return _FAMILY.deserialize(config, custom_objects)
