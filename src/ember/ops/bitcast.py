"""``bitcast``: the same bytes read as another dtype (TensorFlow's ``tf.bitcast`` rules).

Same item size: same shape. A smaller output type adds a last axis of ``in_size /
out_size`` items; a larger one consumes a last axis that must be ``out_size / in_size``
long. No gradient: the values are reinterpreted, not computed.

>>> import ember
>>> from ember.ops.bitcast import bitcast
>>> bitcast(ember.constant([1.0]), "int32").numpy().tolist()
[1065353216]
"""
from __future__ import annotations

from typing import Any

from ..core.dtypes import as_dtype, to_numpy
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .creation import convert_to_tensor
from .primitive import primitive


@primitive(name="bitcast")
def _bitcast(xp, x, dtype=None):
    src, dst = x.dtype.itemsize, dtype.itemsize
    x = xp.ascontiguousarray(x)
    if src == dst:
        return x.view(dtype)
    if src > dst:  # each item splits into src // dst smaller ones, on a new last axis
        return x.view(dtype).reshape(tuple(x.shape) + (src // dst,))
    return x.view(dtype).reshape(tuple(x.shape[:-1]))


def bitcast(input: Any, type: Any, name: str | None = None) -> Tensor:
    """Reinterpret the bytes of ``input`` as dtype ``type``, without copying values.

    >>> import ember
    >>> from ember.ops.bitcast import bitcast
    >>> bitcast(ember.constant([1], dtype="int32"), "uint8").shape
    TensorShape([1, 4])
    """
    x = convert_to_tensor(input)
    dtype = to_numpy(as_dtype(type))
    src, dst = x._value.dtype.itemsize, dtype.itemsize
    shape = tuple(x.shape)
    if src < dst:
        ratio = dst // src
        if dst % src or not shape or shape[-1] != ratio:
            raise InvalidArgumentError(
                f"ember.bitcast: casting {x.dtype.name} to the larger type "
                f"{as_dtype(type).name} needs a last axis of {ratio} items; got a tensor of "
                f"shape {shape}")
    elif src > dst and src % dst:
        raise InvalidArgumentError(
            f"ember.bitcast: the item size of {x.dtype.name} ({src} bytes) is not a "
            f"multiple of that of {as_dtype(type).name} ({dst} bytes)")
    return _bitcast(x, dtype=dtype)
