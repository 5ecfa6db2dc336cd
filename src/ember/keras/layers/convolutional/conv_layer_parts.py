"""Pieces the convolution layers (BaseConv, BaseConvTranspose, BaseSeparableConv,
BaseDepthwiseConv) share: the ``filters`` check, the bias weight, the bias-and-activation
tail of ``call`` and the activation/weight-settings part of ``get_config``."""
from __future__ import annotations

from typing import Any

from ... import activations, constraints, initializers, regularizers
from . import conv_args


def check_filters(filters: Any) -> None:
    """Keras's error for a ``filters`` that is given but not strictly positive.

    >>> check_filters(4)
    """
    if filters is not None and filters <= 0:
        raise ValueError("Invalid value for argument `filters`. Expected a strictly "
                         f"positive value. Received filters={filters}.")


def bias_weight(layer: Any, size: int) -> Any:
    """``layer``'s ``"bias"`` weight of shape ``(size,)`` from its bias settings, or None
    when ``layer.use_bias`` is off.

    >>> import ember
    >>> from ember import keras
    >>> layer = keras.layers.Conv1D(2, 3)
    >>> layer.build((1, 5, 4))
    >>> tuple(bias_weight(layer, 2).shape)
    (2,)
    """
    if not layer.use_bias:
        return None
    return layer.add_weight(name="bias", shape=(size,), initializer=layer.bias_initializer,
                            regularizer=layer.bias_regularizer,
                            constraint=layer.bias_constraint)


def bias_and_activation(layer: Any, outputs: Any) -> Any:
    """``layer.activation(outputs + layer.bias)``, skipping what the layer does not use.

    >>> import ember
    >>> from ember import keras
    >>> layer = keras.layers.Conv1D(2, 3, activation="relu")
    >>> layer.build((1, 5, 4))
    >>> float(bias_and_activation(layer, -ember.ones((1, 3, 2))).numpy().max())
    0.0
    """
    if layer.use_bias:
        outputs = conv_args.add_bias(layer, outputs, layer.bias)
    if layer.activation is not activations.linear:
        outputs = layer.activation(outputs)
    return outputs


def activation_and_weights_config(layer: Any, kernels: tuple) -> dict:
    """The ``activation``, ``use_bias`` and per-weight initializer/regularizer/constraint
    config keys, in Keras's order, for kernels named ``kernels`` (then ``bias``).

    >>> from ember import keras
    >>> list(activation_and_weights_config(keras.layers.Conv1D(2, 3), ("kernel",)))[:4]
    ['activation', 'use_bias', 'kernel_initializer', 'bias_initializer']
    """
    names = tuple(kernels) + ("bias",)

    def settings(kind: str, module: Any) -> dict:
        return {f"{n}_{kind}": module.serialize(getattr(layer, f"{n}_{kind}")) for n in names}

    return {"activation": activations.serialize(layer.activation),
            "use_bias": layer.use_bias,
            **settings("initializer", initializers),
            **settings("regularizer", regularizers),
            "activity_regularizer": regularizers.serialize(layer.activity_regularizer),
            **settings("constraint", constraints)}
