"""What the built-in cells share: units, the three weights' settings, dropout, configs."""
from __future__ import annotations

from typing import Any

import ember

from ... import activations, constraints, initializers, regularizers
from ...models.layer import Layer
from ...random.seed_generator import SeedGenerator
from .dropout_rnn_cell import DropoutRNNCell


class RecurrentCell(Layer, DropoutRNNCell):
    """Base of SimpleRNNCell, LSTMCell and GRUCell (not a Keras class): a kernel
    ``(input_dim, gates * units)``, a recurrent kernel ``(units, gates * units)`` and a
    bias, with Keras's arguments for each.

    >>> from ember import keras
    >>> keras.layers.GRUCell(3).state_size
    3
    """

    gates = 1

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs):
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError("Received an invalid value for argument `units`, expected a "
                             f"positive integer, got {units}.")
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.output_size = units

    def _set_gating(self, recurrent_activation: Any, implementation: int) -> None:
        """Gated cells (LSTM, GRU): the gates' activation, and Keras's ``implementation``
        (1 when recurrent dropout needs a mask per gate, one per ``gates``)."""
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = self.gates

    def _add_kernels(self, input_shape) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"{type(self).__name__} '{self.name}': the last dimension of "
                             f"the inputs must be defined; got input shape {input_shape}")
        n = self.gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, n), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, n),
                                                name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)

    def _add_bias(self, shape: tuple, initializer: Any = None) -> None:
        self.bias = self.add_weight(shape=shape, name="bias",
                                    initializer=initializer or self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def get_initial_state(self, batch_size: int | None = None) -> list:
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else \
            [self.state_size]
        return [ember.zeros((batch_size, d), dtype=self.compute_dtype) for d in sizes]

    def _standard_activations(self, *fns) -> bool:
        """Whether the fused op's fixed activations (tanh / sigmoid) are the cell's."""
        return all(a is b for a, b in fns) and ember.as_dtype(self.compute_dtype).is_floating

    def _weights_config(self) -> dict:
        return {
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }

    def get_config(self) -> dict:
        config = {"units": self.units, "activation": activations.serialize(self.activation),
                  "use_bias": self.use_bias, **self._weights_config(),
                  "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                  "seed": self.seed}
        return {**super().get_config(), **config}


def layer_weights_config(layer: Any) -> dict:
    """The config keys a recurrent layer (LSTM, GRU, ...) takes from its cell."""
    cell = layer.cell
    config = cell._weights_config()
    config["activity_regularizer"] = regularizers.serialize(layer.activity_regularizer)
    return config


def cell_kwargs(kwargs: dict, name: str) -> dict:
    """The arguments a recurrent layer hands its cell besides the cell's own."""
    return {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True),
            "name": name}
