"""keras.preprocessing: Keras 3's home for the dataset builders and the image / sequence
helpers (the same functions as in ``keras.utils``).

>>> from ember.keras import preprocessing
>>> preprocessing.sequence.pad_sequences([[1, 2], [3]]).tolist()
[[1, 2], [0, 3]]
"""
from ..._lazy import lazy_namespace as _lazy_namespace

_P = "ember.keras.preprocessing"
_U = "ember.keras.utils"
_TABLE = {
    "image": f"{_P}.image:",
    "sequence": f"{_P}.sequence:",
    "image_dataset_from_directory": f"{_U}.image_dataset:image_dataset_from_directory",
    "text_dataset_from_directory": f"{_U}.text_dataset:text_dataset_from_directory",
    "timeseries_dataset_from_array":
        f"{_U}.timeseries_dataset:timeseries_dataset_from_array",
}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
