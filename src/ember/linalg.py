"""`ember.linalg`: TensorFlow's `tf.linalg` namespace. Names load on first use."""
from ._lazy import lazy_namespace as _lazy_namespace
from ._names import LINALG_NAMESPACE as _TABLE

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
