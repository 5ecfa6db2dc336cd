"""keras.preprocessing.sequence: ``pad_sequences``."""
from ..._lazy import lazy_namespace as _lazy_namespace

_TABLE = {"pad_sequences": "ember.keras.utils.sequence_utils:pad_sequences"}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
