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


# -- the rest of Keras 3's activations, as the keras.ops functions they name ------------------
def celu(x, alpha=1.0):
    """``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``.

    >>> float(celu(ember.constant(-1.0), alpha=2.0))  # 2 * (exp(-0.5) - 1)
    -0.7869386...
    """
    from .. import ops
    return ops.celu(x, alpha=alpha)


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the halves ``a, b`` of ``x`` along ``axis``.

    >>> glu(ember.ones((2, 4))).shape
    TensorShape([2, 2])
    """
    from .. import ops
    return ops.glu(x, axis=axis)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    from .. import ops
    return ops.hard_shrink(x, threshold=threshold)


def soft_shrink(x, threshold=0.5):
    """``x`` moved ``threshold`` towards 0, and 0 where ``|x| <= threshold``."""
    from .. import ops
    return ops.soft_shrink(x, threshold=threshold)


def hard_tanh(x):
    """``x`` clipped to ``[-1, 1]``."""
    from .. import ops
    return ops.hard_tanh(x)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    from .. import ops
    return ops.tanh_shrink(x)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    from .. import ops
    return ops.threshold(x, threshold, default_value)


def log_sigmoid(x):
    """``log(sigmoid(x))``, computed without overflow."""
    from .. import ops
    return ops.log_sigmoid(x)


def sparse_sigmoid(x):
    """0 below -1, 1 above 1, ``(x + 1) / 2`` between."""
    from .. import ops
    return ops.sparse_sigmoid(x)


def sparse_plus(x):
    """0 below -1, ``x`` above 1, ``(x + 1) ** 2 / 4`` between."""
    from .. import ops
    return ops.sparse_plus(x)


def squareplus(x, b=4):
    """``(x + sqrt(x ** 2 + b)) / 2``, a smooth ReLU."""
    from .. import ops
    return ops.squareplus(x, b=b)


def sparsemax(x, axis=-1):
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis``
    (a softmax that gives exact zeros).

    >>> sparsemax(ember.constant([[1.0, 0.0, -2.0]])).numpy().tolist()
    [[1.0, 0.0, 0.0]]
    """
    from .. import ops
    return ops.sparsemax(x, axis=axis)


ALL = {f.__name__: f for f in (relu, linear, sigmoid, tanh, softmax, log_softmax, gelu,
                               silu, elu, selu, softplus, softsign, leaky_relu, relu6,
                               exponential, hard_sigmoid, hard_silu, mish, celu, glu,
                               hard_shrink, soft_shrink, hard_tanh, tanh_shrink, threshold,
                               log_sigmoid, sparse_sigmoid, sparse_plus, squareplus,
                               sparsemax)}
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
    name = GLOBAL_CUSTOM_NAMES.get(activation, getattr(activation, "__name__", "custom"))
    if name == "<lambda>":
        return name      # Ember stores no bytecode (Keras writes the lambda's)
    # a custom function: Keras 3 writes the envelope of every plain function (the
    # registered name as its config); real Keras cannot read the bare name back
    return {"module": "builtins", "class_name": "function", "config": name,
            "registered_name": "function"}


def deserialize(config: Any, custom_objects: dict | None = None) -> Callable:
    if isinstance(config, str) and custom_objects and config in custom_objects:
        return custom_objects[config]
    return get(config)
