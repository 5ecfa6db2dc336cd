"""keras.saving: the object registry, config envelopes, and model files (``.keras``,
``.weights.h5``, legacy ``.h5``)."""
from ..._lazy import lazy_namespace as _lazy_namespace
from .object_registration import (  # noqa: F401
                                  CustomObjectScope,
                                  custom_object_scope,
                                  get_custom_objects,
                                  get_registered_name,
                                  get_registered_object,
                                  register_keras_serializable,
)
from .serialization import deserialize_keras_object, serialize_keras_object  # noqa: F401

_S = "ember.keras.saving"
_TABLE = {
    "load_model": f"{_S}.saving_api:load_model",
    "save_model": f"{_S}.saving_api:save_model",
    "save_weights": f"{_S}.saving_api:save_weights",
    "load_weights": f"{_S}.saving_api:load_weights",
}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
