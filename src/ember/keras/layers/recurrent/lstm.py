"""keras.layers.LSTMCell and LSTM (Hochreiter & Schmidhuber, 1997), Keras's gate order."""
from __future__ import annotations

from typing import Any

import ember

from ... import activations, initializers
from ..input_spec import InputSpec
from .cell_rnn import CellRNN, check_use_cudnn
from .dropout_rnn_cell import masks_for_sequence
from .recurrent_cell import RecurrentCell, cell_kwargs, layer_weights_config
from .rnn_loop import cell_property, input_projection, recurrent_mask


class LSTMCell(RecurrentCell):
    """One LSTM step. Weights: ``kernel (input_dim, 4 * units)``, ``recurrent_kernel
    (units, 4 * units)``, ``bias (4 * units,)``, each split into the gates ``i, f, c, o``
    in that order; states ``[h, c]``.

    ``unit_forget_bias=True`` starts the forget-gate bias at 1. With
    ``recurrent_dropout`` each gate gets its own dropout masks (Keras's
    ``implementation=1``).

    >>> from ember import keras
    >>> cell = keras.layers.LSTMCell(3)
    >>> h, (h2, c) = cell(ember.ones((2, 5)), [ember.zeros((2, 3)), ember.zeros((2, 3))])
    >>> h.shape, [w.shape for w in cell.weights]
    (TensorShape([2, 3]), [TensorShape([5, 12]), TensorShape([3, 12]), TensorShape([12])])
    """

    gates = 4

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, **kwargs):
        implementation = kwargs.pop("implementation", 2)
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
        self._set_gating(recurrent_activation, implementation)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]

    def build(self, input_shape):
        self._add_kernels(input_shape)
        init = self.bias_initializer
        if self.use_bias and self.unit_forget_bias:
            units, base = self.units, self.bias_initializer

            def init(shape, dtype=None):
                ones = initializers.get("ones")
                return ember.concat([base((units,), dtype=dtype), ones((units,), dtype=dtype),
                                     base((units * 2,), dtype=dtype)], axis=0)
        self._add_bias((4 * self.units,), init)
        self.built = True

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        act, rec_act = self.activation, self.recurrent_activation
        U = self.units
        drop = training and 0.0 < self.dropout < 1.0
        rec_drop = training and 0.0 < self.recurrent_dropout < 1.0
        if self.implementation == 1:
            dp = self.get_dropout_mask(inputs) if drop else None
            rdp = self.get_recurrent_dropout_mask(h_tm1) if rec_drop else None
            ks = ember.split(self.kernel, 4, axis=1)
            rs = ember.split(self.recurrent_kernel, 4, axis=1)
            bs = ember.split(self.bias, 4, axis=0) if self.use_bias else [None] * 4
            pre = []
            for g in range(4):
                x = ember.matmul(inputs if dp is None else inputs * dp[g], ks[g])
                if bs[g] is not None:
                    x = x + bs[g]
                h = h_tm1 if rdp is None else h_tm1 * rdp[g]
                pre.append(x + ember.matmul(h, rs[g]))
        else:
            if drop:
                inputs = inputs * self.get_dropout_mask(inputs)
            z = ember.matmul(inputs, self.kernel) + ember.matmul(h_tm1, self.recurrent_kernel)
            if self.use_bias:
                z = z + self.bias
            pre = [z[:, :U], z[:, U:2 * U], z[:, 2 * U:3 * U], z[:, 3 * U:]]
        i, f, o = rec_act(pre[0]), rec_act(pre[1]), rec_act(pre[3])
        c = f * c_tm1 + i * act(pre[2])
        h = o * act(c)
        return h, [h, c]

    def _fusable(self) -> bool:
        return self._standard_activations((self.activation, activations.tanh),
                                          (self.recurrent_activation, activations.sigmoid))

    def _fused_run(self, xs, states, mask, training):
        h0, c0 = states[0], states[1]
        dp, rdp = masks_for_sequence(self, xs[0], h0, training)
        zx = input_projection(xs, self.kernel, self.bias, dp, 4)
        hs, cs = ember.nn.lstm_sequence(zx, h0, c0, self.recurrent_kernel, mask=mask,
                               recurrent_mask=recurrent_mask(rdp, 4))
        return hs, [hs[-1], cs[-1]]

    def get_config(self) -> dict:
        config = super().get_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config["unit_forget_bias"] = self.unit_forget_bias
        return config


class LSTM(CellRNN):
    """Long Short-Term Memory layer: ``LSTMCell`` over time, run as one fused op for the
    default activations.

    >>> from ember import keras
    >>> out, h, c = keras.layers.LSTM(4, return_sequences=True,
    ...                               return_state=True)(ember.ones((2, 5, 3)))
    >>> out.shape, h.shape, c.shape
    (TensorShape([2, 5, 4]), TensorShape([2, 4]), TensorShape([2, 4]))
    """

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, use_cudnn: Any = "auto",
                 **kwargs):
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed,
            implementation=kwargs.pop("implementation", 2),
            **cell_kwargs(kwargs, "lstm_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self.use_cudnn = check_use_cudnn(use_cudnn)

    units = cell_property("units")
    recurrent_activation = cell_property("recurrent_activation")
    unit_forget_bias = cell_property("unit_forget_bias")

    def get_config(self) -> dict:
        config = {"units": self.units, "activation": activations.serialize(self.activation),
                  "recurrent_activation": activations.serialize(self.recurrent_activation),
                  "use_bias": self.use_bias, "unit_forget_bias": self.unit_forget_bias,
                  **layer_weights_config(self), "dropout": self.dropout,
                  "recurrent_dropout": self.recurrent_dropout, "seed": self.cell.seed}
        return self._flat_config(config)
