"""Neural-network ops of ``keras.ops`` (``keras.ops.nn``): activations, losses, moments.

>>> from ember import keras
>>> keras.ops.relu([-1.0, 2.0]).numpy().tolist()
[0.0, 2.0]
"""
from __future__ import annotations

from typing import Any

import ember

from .. import config as _config
from ._dispatch import axes as _axes
from ._dispatch import float_t as _f
from ._dispatch import keras_op
from ._dispatch import t as _t



def _act(name: str, fn, doc: str):
    def op(x: Any) -> ember.Tensor:
        return fn(_f(x))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return keras_op(op)


def _int_act(name: str, fn, doc: str):
    """An activation that keeps integer dtypes, as Keras's relu and relu6 do (bool and
    floats as for the other activations)."""
    def op(x: Any) -> ember.Tensor:
        x = _t(x)
        return fn(x if x.dtype.is_integer else _f(x))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return keras_op(op)


relu = _int_act("relu", ember.nn.relu,
                "max(x, 0) (integers stay integers). ``keras.ops.relu([-1.0, 2.0])`` → [0, 2].")
relu6 = _int_act("relu6", ember.nn.relu6, "min(max(x, 0), 6). ``keras.ops.relu6(x)``.")
sigmoid = _act("sigmoid", ember.sigmoid, "1 / (1 + exp(-x)). ``keras.ops.sigmoid(x)``.")
tanh = _act("tanh", ember.tanh, "Hyperbolic tangent. ``keras.ops.tanh(x)``.")
selu = _act("selu", lambda x: _t(ember.nn.selu(x), x.dtype), "Scaled ELU (Klambauer et al.). ``keras.ops.selu(x)``.")
softplus = _act("softplus", ember.nn.softplus, "log(1 + exp(x)). ``keras.ops.softplus(x)``.")
softsign = _act("softsign", ember.nn.softsign, "x / (1 + |x|). ``keras.ops.softsign(x)``.")
silu = _act("silu", lambda x: x * ember.sigmoid(x), "x * sigmoid(x). ``keras.ops.silu(x)``.")
swish = silu


@keras_op
def elu(x: Any, alpha: float = 1.0) -> ember.Tensor:
    """x if x > 0 else alpha * (exp(x) - 1). ``keras.ops.elu(x, alpha=1.0)``."""
    x = _f(x)
    return ember.where(x > 0, x, ember.cast(alpha, x.dtype) * ember.math.expm1(
        ember.minimum(x, ember.zeros_like(x))))


@keras_op
def leaky_relu(x: Any, negative_slope: float = 0.2) -> ember.Tensor:
    """x if x >= 0 else negative_slope * x. ``keras.ops.leaky_relu(x, 0.2)``."""
    x = _f(x)
    return _t(ember.nn.leaky_relu(x, alpha=negative_slope), x.dtype)  # bfloat16 stays


@keras_op
def gelu(x: Any, approximate: bool = True) -> ember.Tensor:
    """Gaussian error linear unit (tanh approximation by default, as in Keras)."""
    return ember.nn.gelu(_f(x), approximate=approximate)


@keras_op
def softmax(x: Any, axis: Any = -1) -> ember.Tensor:
    """exp(x) / sum(exp(x)) along ``axis``. ``keras.ops.softmax([[1.0, 2.0]])``."""
    x = _f(x)
    if axis is None or not isinstance(axis, int):
        m = ember.reduce_max(x, axis=_axes(axis), keepdims=True)
        e = ember.exp(x - m)
        return e / ember.reduce_sum(e, axis=_axes(axis), keepdims=True)
    return ember.nn.softmax(x, axis=axis)


@keras_op
def log_softmax(x: Any, axis: Any = -1) -> ember.Tensor:
    """log(softmax(x)) along ``axis``, computed stably. ``keras.ops.log_softmax(x)``."""
    x = _f(x)
    if axis is None or not isinstance(axis, int):
        return x - ember.reduce_logsumexp(x, axis=_axes(axis), keepdims=True)
    return ember.nn.log_softmax(x, axis=axis)


@keras_op
def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None,
            sparse: bool = False) -> ember.Tensor:
    """One-hot encoding of integer ``x`` (float32 by default; -1 gives all zeros)."""
    if sparse:
        raise ValueError("one_hot: sparse=True is not supported by Ember")
    return ember.one_hot(ember.cast(_t(x), "int32"), num_classes, axis=axis,
                         dtype=dtype or "float32")


def _check_same_shape(target, output, name):
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"Arguments `target` and `output` must have the same shape in "
                         f"{name}. Received: target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")


@keras_op
def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                             axis: int = -1) -> ember.Tensor:
    """Cross-entropy between one-hot ``target`` and probabilities (or logits) ``output``."""
    target, output = _f(target), _f(output)
    _check_same_shape(target, output, "categorical_crossentropy")
    if from_logits:
        return -ember.reduce_sum(target * log_softmax(output, axis=axis), axis=axis)
    output = output / ember.reduce_sum(output, axis=axis, keepdims=True)
    eps = _config.epsilon()
    output = ember.clip_by_value(output, eps, 1.0 - eps)
    return -ember.reduce_sum(target * ember.log(output), axis=axis)


@keras_op
def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                                    axis: int = -1) -> ember.Tensor:
    """Cross-entropy between integer class ``target`` and ``output`` over ``axis``."""
    target, output = _t(target), _f(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = ember.squeeze(target, -1)
    if target.ndim != output.ndim - 1 or tuple(target.shape) != \
            tuple(d for i, d in enumerate(output.shape) if i != axis % output.ndim):
        raise ValueError("Arguments `target` and `output` must have the same shape up "
                         "until the last dimension in sparse_categorical_crossentropy: "
                         f"target.shape={tuple(target.shape)}, "
                         f"output.shape={tuple(output.shape)}")
    onehot = ember.one_hot(ember.cast(target, "int32"), output.shape[axis], axis=axis,
                           dtype=output.dtype)
    return categorical_crossentropy(onehot, output, from_logits=from_logits, axis=axis)


@keras_op
def binary_crossentropy(target: Any, output: Any, from_logits: bool = False):
    """Elementwise binary cross-entropy of probabilities (or logits) ``output``."""
    target, output = _f(target), _f(output)
    _check_same_shape(target, output, "binary_crossentropy")
    if from_logits:
        return ember.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = _config.epsilon()
    output = ember.clip_by_value(output, eps, 1.0 - eps)
    return -(target * ember.log(output) + (1.0 - target) * ember.log(1.0 - output))


@keras_op
def moments(x: Any, axes: Any, keepdims: bool = False, synchronized: bool = False):
    """(mean, variance) of ``x`` over ``axes``. ``keras.ops.moments(x, axes=[0])``."""
    x = _f(x)
    axes = [axes] if isinstance(axes, int) else list(axes)
    mean = ember.reduce_mean(x, axis=axes, keepdims=True)
    var = ember.reduce_mean(ember.square(x - ember.stop_gradient(mean)), axis=axes,
                            keepdims=True)
    if not keepdims:
        mean, var = ember.squeeze(mean, axes), ember.squeeze(var, axes)
    return mean, var


@keras_op
def normalize(x: Any, axis: int = -1, order: int = 2, epsilon: float | None = None):
    """``x`` divided by its ``order``-norm along ``axis``. ``keras.ops.normalize(x)``."""
    x = _f(x)
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize: `order` must be an int >= 1, received order={order}")
    if x.ndim == 0:
        x = ember.expand_dims(x, 0)
    eps = _config.epsilon() if epsilon is None else epsilon
    if order == 2:     # the squared norm is floored at eps^2 (finite gradient at 0)
        sq = ember.reduce_sum(ember.square(x), axis=axis, keepdims=True)
        return x * ember.math.rsqrt(ember.maximum(sq, ember.cast(eps * eps, x.dtype)))
    norm = ember.reduce_sum(ember.abs(x) ** order, axis=axis, keepdims=True) ** (1.0 / order)
    return x / ember.maximum(norm, ember.cast(eps, x.dtype))


# the rest of Keras's nn ops live in their own modules; keras.ops.nn shows them all
from .nn_conv import *  # noqa: E402, F401, F403
from .nn_ctc import *  # noqa: E402, F401, F403
from .nn_extra import *  # noqa: E402, F401, F403
