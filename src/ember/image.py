"""`ember.image`: TensorFlow's `tf.image` namespace. Names load on first use."""
from ._lazy import lazy_namespace as _lazy_namespace
from .ops.image.names import IMAGE_NAMESPACE as _TABLE

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
