"""Keras variables: an ember.Variable with a Keras name, path, regularizer and constraint."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from . import config


class KerasVariable(ember.Variable):
    """A layer weight (``keras.Variable``): ``name`` is ``"kernel"``, ``path`` is
    ``"dense/kernel"``.

    >>> v = KerasVariable("zeros", shape=(2,), name="bias")
    >>> v.name, v.numpy().tolist()
    ('bias', [0.0, 0.0])
    """

    def __init__(self, initializer: Any, shape: Any = None, dtype: Any = None,
                 trainable: bool = True, autocast: bool = True, aggregation: str = "none",
                 synchronization: str = "auto", name: str | None = None,
                 regularizer: Any = None, constraint: Any = None, path: str | None = None):
        if not name:
            from .utils.naming import uniquify
            name = uniquify("variable")     # as Keras: variable, variable_1 ... globally
        with ember.init_scope():    # created once, outside any graph being traced
            if isinstance(initializer, str) or (callable(initializer) and shape is not None
                                                and not isinstance(initializer,
                                                                   ember.Tensor)):
                from .initializers import get as get_initializer
                dtype = ember.as_dtype(dtype or config.floatx())
                init = get_initializer(initializer)
                value = init(tuple(shape), dtype=dtype.name)
            else:
                # a value keeps its own dtype unless one is given (as Keras 3 does:
                # float64 arrays stay float64, Python ints become int32)
                value = initializer
            super().__init__(value, trainable=trainable, name=name,
                             dtype=None if dtype is None else ember.as_dtype(dtype))
        self._keras_name = name
        if path is None:
            from .models.layer import current_build_scope
            path = "/".join(current_build_scope() + [name])   # Keras's name scopes
        self.path = path
        self.regularizer = regularizer
        self.constraint = constraint
        self.autocast = autocast
        self.aggregation = aggregation

    @property
    def name(self) -> str:
        return self._keras_name

    @property
    def value(self) -> ember.Tensor:
        return self.read_value()

    def __repr__(self) -> str:
        return (f"<KerasVariable shape={tuple(self.shape)}, dtype={self.dtype.name}, "
                f"path={self.path}>")


def standardize_shape(shape: Any) -> tuple:
    """A shape as a tuple of ints / None; rejects negative or non-integer dimensions."""
    if shape is None:
        raise ValueError("Undefined shapes are not supported.")
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    out = []
    for d in shape:
        if d is None:
            out.append(None)
            continue
        if isinstance(d, (ember.Tensor,)):
            d = int(d)
        if not isinstance(d, (int, np.integer)) or d < 0:
            raise ValueError(f"Cannot convert '{shape}' to a shape: dimensions must be "
                             "non-negative integers or None")
        out.append(int(d))
    return tuple(out)
