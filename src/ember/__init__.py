"""Ember: a deep-learning framework with TensorFlow 2's names and Keras 3's API.

>>> import ember as tf
>>> x = tf.Variable(3.0)
>>> with tf.GradientTape() as tape:
...     y = x * x
>>> float(tape.gradient(y, x))
6.0
"""
from __future__ import annotations

from . import ops as _ops  # noqa: F401 - installs the operators on Tensor and Variable
from .core.memory import tune_allocator as _tune_allocator
from ._lazy import lazy_namespace as _lazy_namespace
from ._names import TOP as _TOP
from .autodiff import (GradientTape, UnconnectedGradients, custom_gradient,  # noqa: F401
                       recompute_grad)
from .core.dtypes import (DType, as_dtype, bool_ as bool, complex64, complex128,  # noqa: A004,F401
                          float16, float32, float64, int8, int16, int32, int64, uint8,
                          uint16, uint32, uint64)
from .core.shape import TensorShape  # noqa: F401
from .core.tensor import Tensor  # noqa: F401
from .core.variable import Variable  # noqa: F401

__version__ = "0.1.0"

_tune_allocator()  # reuse freed array memory (see ember/core/memory.py)

_getattr, __dir__ = _lazy_namespace(__name__, _TOP, globals())


def __getattr__(name: str):
    if name == "bfloat16":  # needs ml_dtypes; resolved on first use
        from .core.dtypes import bfloat16_dtype
        return bfloat16_dtype()
    return _getattr(name)
