"""`ember.raw_ops`: fused in-place training ops (TensorFlow's ``tf.raw_ops.Apply*``)."""
from ._lazy import lazy_namespace as _lazy_namespace
from ._names import RAW_OPS_NAMESPACE as _TABLE

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
