"""keras.models: Model, Sequential, and model-level helpers."""
from ..._lazy import lazy_namespace as _lazy_namespace

_M = "ember.keras.models"
_TABLE = {
    "Model": f"{_M}.model:Model",
    "Sequential": f"{_M}.sequential:Sequential",
    "Functional": f"{_M}.functional:Functional",
    "clone_model": f"{_M}.cloning:clone_model",
    "model_from_json": f"{_M}.cloning:model_from_json",
    "load_model": "ember.keras.saving.saving_api:load_model",
    "save_model": "ember.keras.saving.saving_api:save_model",
}

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
