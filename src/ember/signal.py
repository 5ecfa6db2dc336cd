"""`ember.signal`: TensorFlow's `tf.signal` namespace. Names load on first use."""
from ._lazy import lazy_namespace as _lazy_namespace
from .ops.signal.names import SIGNAL_NAMESPACE as _TABLE

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
