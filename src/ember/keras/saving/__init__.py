"""keras.saving: serialization registry and (in later work) model files."""
from .object_registration import (CustomObjectScope, custom_object_scope,  # noqa: F401
                                  get_custom_objects, get_registered_name,
                                  get_registered_object, register_keras_serializable)
from .serialization import deserialize_keras_object, serialize_keras_object  # noqa: F401
