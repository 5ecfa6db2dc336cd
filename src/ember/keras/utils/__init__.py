"""keras.utils: data helpers, seeding, progress bars, serialization registry."""
from ..._lazy import lazy_namespace as _lazy_namespace

_U = "ember.keras.utils"
_S = "ember.keras.saving"
_TABLE = {
    "to_categorical": f"{_U}.numerical_utils:to_categorical",
    "normalize": f"{_U}.numerical_utils:normalize",
    "set_random_seed": f"{_U}.random:set_random_seed",
    "pad_sequences": f"{_U}.sequence_utils:pad_sequences",
    "get_source_inputs": f"{_U}.graph_utils:get_source_inputs",
    "is_keras_tensor": "ember.keras.models.keras_tensor:is_keras_tensor",
    "pack_x_y_sample_weight": "ember.keras.trainers.data_adapter:pack_x_y_sample_weight",
    "unpack_x_y_sample_weight": "ember.keras.trainers.data_adapter:unpack_x_y_sample_weight",
    "Progbar": f"{_U}.progbar:Progbar",
    "PyDataset": f"{_U}.py_dataset:PyDataset",
    "Sequence": f"{_U}.py_dataset:PyDataset",
    "custom_object_scope": f"{_S}.object_registration:custom_object_scope",
    "CustomObjectScope": f"{_S}.object_registration:CustomObjectScope",
    "get_custom_objects": f"{_S}.object_registration:get_custom_objects",
    "register_keras_serializable": f"{_S}.object_registration:register_keras_serializable",
    "get_registered_name": f"{_S}.object_registration:get_registered_name",
    "get_registered_object": f"{_S}.object_registration:get_registered_object",
    "serialize_keras_object": f"{_S}.serialization:serialize_keras_object",
    "deserialize_keras_object": f"{_S}.serialization:deserialize_keras_object",
}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
