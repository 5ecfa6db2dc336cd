"""keras.activations: activation functions by name (``"relu"``, ``"gelu"`` ...)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ember

from ..saving.family import ObjectFamily


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """``max(x, 0)``, with Keras's optional slope, cap and threshold."""
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ember.nn.relu(x)
    x = ember.convert_to_tensor(x)
    out = ember.where(x > threshold, x, negative_slope * (x - threshold)
                      if negative_slope else ember.zeros_like(x))
    if max_value is not None:
        out = ember.minimum(out, max_value)
    return out


def linear(x):
    """The identity."""
    return x


def sigmoid(x):
    return ember.sigmoid(x)


def tanh(x):
    return ember.tanh(x)


def softmax(x, axis=-1):
    return ember.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    return ember.nn.log_softmax(x, axis=axis)


def gelu(x, approximate=False):
    return ember.nn.gelu(x, approximate=approximate)


def silu(x):
    return ember.nn.silu(x)


swish = silu


def elu(x, alpha=1.0):
    return ember.nn.elu(x) if alpha == 1.0 else \
        ember.where(ember.convert_to_tensor(x) > 0, x, alpha * ember.math.expm1(x))


def selu(x):
    return ember.nn.selu(x)


def softplus(x):
    return ember.nn.softplus(x)


def softsign(x):
    return ember.nn.softsign(x)


def leaky_relu(x, negative_slope=0.2):
    return ember.nn.leaky_relu(x, alpha=negative_slope)


def relu6(x):
    return ember.nn.relu6(x)


def exponential(x):
    return ember.exp(x)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6`` (Keras 3's definition)."""
    return ember.nn.relu6(x + 3.0) / 6.0


def hard_silu(x):
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def mish(x):
    return x * ember.tanh(ember.nn.softplus(x))


ALL = {f.__name__: f for f in (relu, linear, sigmoid, tanh, softmax, log_softmax, gelu,
                               silu, elu, selu, softplus, softsign, leaky_relu, relu6,
                               exponential, hard_sigmoid, hard_silu, mish)}
ALL.update({"swish": silu, "hard_swish": hard_silu})
_FAMILY = ObjectFamily(
    ALL, instantiates=(),
    invalid="Could not interpret activation function identifier: {!r}",
    unknown=lambda name: (f"Could not interpret activation function identifier: {name!r}; "
                          f"known names are {sorted(ALL)}"))


def get(identifier: Any) -> Callable:
    """An activation function from a name, a config dict, a callable or None (linear).

    >>> get("relu") is relu
    True
    """
    return linear if identifier is None else _FAMILY.get(identifier)


def serialize(activation: Callable) -> Any:
    """The name Keras writes for an activation (``"relu"``), or a config for custom ones."""
    for name, fn in ALL.items():
        if fn is activation and name not in ("swish", "hard_swish"):
            return name
    if hasattr(activation, "get_config"):
        return _FAMILY.serialize(activation)
    from ..saving.object_registration import GLOBAL_CUSTOM_NAMES
    return GLOBAL_CUSTOM_NAMES.get(activation, getattr(activation, "__name__", "custom"))


def deserialize(config: Any, custom_objects: dict | None = None) -> Callable:
    if isinstance(config, str) and custom_objects and config in custom_objects:
        return custom_objects[config]
    return get(config)
