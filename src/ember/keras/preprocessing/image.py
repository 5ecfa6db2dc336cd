"""keras.preprocessing.image: image arrays, files and ``smart_resize``."""
from ..._lazy import lazy_namespace as _lazy_namespace

_U = "ember.keras.utils"
_TABLE = {
    "img_to_array": f"{_U}.image_utils:img_to_array",
    "array_to_img": f"{_U}.image_utils:array_to_img",
    "load_img": f"{_U}.image_utils:load_img",
    "save_img": f"{_U}.image_utils:save_img",
    "smart_resize": f"{_U}.smart_resize:smart_resize",
}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
