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
    "timeseries_dataset_from_array":
        f"{_U}.timeseries_dataset:timeseries_dataset_from_array",
    "text_dataset_from_directory": f"{_U}.text_dataset:text_dataset_from_directory",
    "image_dataset_from_directory": f"{_U}.image_dataset:image_dataset_from_directory",
    "split_dataset": f"{_U}.dataset_split:split_dataset",
    "get_file": f"{_U}.file_download:get_file",
    "clear_session": f"{_U}.session:clear_session",
    "img_to_array": f"{_U}.image_utils:img_to_array",
    "array_to_img": f"{_U}.image_utils:array_to_img",
    "load_img": f"{_U}.image_utils:load_img",
    "save_img": f"{_U}.image_utils:save_img",
    "enable_interactive_logging":
        "ember.keras.interactive_logging:enable_interactive_logging",
    "disable_interactive_logging":
        "ember.keras.interactive_logging:disable_interactive_logging",
    "is_interactive_logging_enabled":
        "ember.keras.interactive_logging:is_interactive_logging_enabled",
    "standardize_dtype": "ember.keras.dtype_names:standardize_dtype",
}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
