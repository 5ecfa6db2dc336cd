"""keras.layers.SimpleRNNCell and SimpleRNN: ``h = activation(x W + h_prev U + b)``."""
from __future__ import annotations

from typing import Any

import ember

from ... import activations
from ..input_spec import InputSpec
from .cell_rnn import CellRNN
from .dropout_rnn_cell import masks_for_sequence
from .recurrent_cell import RecurrentCell, cell_kwargs, layer_weights_config
from .rnn_loop import cell_property, input_projection, recurrent_mask


class SimpleRNNCell(RecurrentCell):
    """One step of a fully-connected RNN whose output is fed back as its state.

    Weights: ``kernel (input_dim, units)``, ``recurrent_kernel (units, units)``, ``bias
    (units,)``.

    >>> from ember import keras
    >>> cell = keras.layers.SimpleRNNCell(4)
    >>> out, states = cell(ember.ones((2, 3)), [ember.zeros((2, 4))])
    >>> out.shape, len(states)
    (TensorShape([2, 4]), 1)
    """

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint,
                         bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.state_size = units

    def build(self, input_shape):
        self._add_kernels(input_shape)
        self._add_bias((self.units,))
        self.built = True

    def call(self, sequence, states, training=False):
        prev_output = states[0] if isinstance(states, (list, tuple)) else states
        # masks are drawn only while training (Keras also draws them at inference, unused)
        dp_mask = self.get_dropout_mask(sequence) if training else None
        rec_dp_mask = self.get_recurrent_dropout_mask(prev_output) if training else None
        if dp_mask is not None:
            sequence = sequence * dp_mask
        h = ember.matmul(sequence, self.kernel)
        if self.bias is not None:
            h = h + self.bias
        if rec_dp_mask is not None:
            prev_output = prev_output * rec_dp_mask
        output = h + ember.matmul(prev_output, self.recurrent_kernel)
        if self.activation is not None:
            output = self.activation(output)
        new_state = [output] if isinstance(states, (list, tuple)) else output
        return output, new_state

    def _fusable(self) -> bool:
        return self._standard_activations((self.activation, activations.tanh))

    def _fused_run(self, xs, states, mask, training):
        h0 = states[0]
        dp, rdp = masks_for_sequence(self, xs[0], h0, training)
        zx = input_projection(xs, self.kernel, self.bias, dp, 1)
        hs = ember.nn.simple_rnn_sequence(zx, h0, self.recurrent_kernel, mask=mask,
                                 recurrent_mask=recurrent_mask(rdp, 1))
        return hs, [hs[-1]]


class SimpleRNN(CellRNN):
    """A fully-connected RNN layer (``SimpleRNNCell`` over time).

    >>> from ember import keras
    >>> seq, state = keras.layers.SimpleRNN(4, return_sequences=True,
    ...                                     return_state=True)(ember.ones((2, 5, 3)))
    >>> seq.shape, state.shape
    (TensorShape([2, 5, 4]), TensorShape([2, 4]))
    """

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, seed: int | None = None,
                 **kwargs):
        cell = SimpleRNNCell(
            units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            **cell_kwargs(kwargs, "simple_rnn_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = [InputSpec(ndim=3)]

    units = cell_property("units")

    def get_config(self) -> dict:
        config = {"units": self.units, "activation": activations.serialize(self.activation),
                  "use_bias": self.use_bias, **layer_weights_config(self),
                  "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout}
        return self._flat_config(config)
