"""ember.keras: the Keras 3 API on Ember (``from ember import keras``).

>>> from ember import keras
>>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
>>> model.compile(optimizer="adam", loss="mse")
"""
from .._lazy import lazy_namespace as _lazy_namespace

_K = "ember.keras"
_TABLE = {
    "layers": f"{_K}.layers:", "models": f"{_K}.models:", "losses": f"{_K}.losses:",
    "metrics": f"{_K}.metrics:", "optimizers": f"{_K}.optimizers:",
    "callbacks": f"{_K}.callbacks:", "initializers": f"{_K}.initializers:",
    "regularizers": f"{_K}.regularizers:", "constraints": f"{_K}.constraints:",
    "activations": f"{_K}.activations:", "utils": f"{_K}.utils:", "ops": f"{_K}.ops:",
    "saving": f"{_K}.saving:", "config": f"{_K}.config:", "backend": f"{_K}.backend:",
    "mixed_precision": f"{_K}.mixed_precision:", "random": f"{_K}.random:",
    "tree": f"{_K}.tree:", "preprocessing": f"{_K}.preprocessing:",
    "Input": f"{_K}.models.input_layer:Input",
    "Model": f"{_K}.models.model:Model",
    "Sequential": f"{_K}.models.sequential:Sequential",
    "Layer": f"{_K}.models.layer:Layer",
    "KerasTensor": f"{_K}.models.keras_tensor:KerasTensor",
    "Variable": f"{_K}.variables:KerasVariable",
    "DTypePolicy": f"{_K}.models.dtype_policy:DTypePolicy",
    "Loss": f"{_K}.losses:Loss", "Metric": f"{_K}.metrics:Metric",
    "Optimizer": f"{_K}.optimizers:Optimizer",
    "Initializer": f"{_K}.initializers:Initializer",
    "Regularizer": f"{_K}.regularizers:Regularizer",
    "Constraint": f"{_K}.constraints:Constraint",
    "version": f"{_K}.backend:version",
}
__version__ = "3.0.0-ember"

__getattr__, __dir__ = _lazy_namespace(__name__, _TABLE, globals())
