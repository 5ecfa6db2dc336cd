"""Input dtypes for layers that compute in floating point: integer or boolean inputs are
cast to the layer's compute dtype, and the inputs of merge layers meet at Keras's common
dtype, so NumPy's promotion (int32 with float32 gives float64) never leaks into a model.
"""
from __future__ import annotations

from typing import Any, Sequence

import ember

from ..ops._dtypes import result_type


def as_floating(x: Any, dtype: Any) -> Any:
    """``x`` unchanged when it is floating point, else cast to ``dtype`` (uint8 images
    into a convolution, int32 features into a Dense layer).

    >>> as_floating(ember.constant([1, 2]), "float32").dtype.name
    'float32'
    >>> as_floating(ember.constant([1.5], ember.float16), "float32").dtype.name
    'float16'
    """
    return x if x.dtype.is_floating else ember.cast(x, dtype)


def to_common_dtype(inputs: Sequence[Any]) -> list:
    """``inputs`` cast to Keras's result dtype of them all (int32 with float32 gives
    float32, float16 with float32 gives float32, uint8 with int8 gives int16).

    >>> [t.dtype.name for t in to_common_dtype([ember.constant([1]), ember.constant([1.])])]
    ['float32', 'float32']
    """
    names = tuple(x.dtype.name for x in inputs)
    if len(set(names)) <= 1:
        return list(inputs)
    common = result_type(*names)
    return [x if x.dtype.name == common else ember.cast(x, common) for x in inputs]
