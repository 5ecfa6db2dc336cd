"""keras.layers.GRUCell and GRU (Cho et al., 2014), with Keras's two reset variants."""
from __future__ import annotations

from typing import Any

import ember

from ... import activations
from ..input_spec import InputSpec
from .cell_rnn import CellRNN, check_use_cudnn
from .dropout_rnn_cell import masks_for_sequence
from .recurrent_cell import RecurrentCell, cell_kwargs, layer_weights_config
from .rnn_loop import cell_property, input_projection, recurrent_mask


class GRUCell(RecurrentCell):
    """One GRU step. Weights: ``kernel (input_dim, 3 * units)``, ``recurrent_kernel
    (units, 3 * units)`` (gates ``z, r, h``) and ``bias``: ``(2, 3 * units)`` (input and
    recurrent biases) with ``reset_after=True`` (the default, cuDNN-compatible: the reset
    gate multiplies ``h @ R_h + b_h``), ``(3 * units,)`` otherwise (the reset gate
    multiplies ``h`` before ``R_h``). ``h = z * h_prev + (1 - z) * candidate``.

    >>> from ember import keras
    >>> cell = keras.layers.GRUCell(3)
    >>> h, states = cell(ember.ones((2, 5)), [ember.zeros((2, 3))])
    >>> [tuple(w.shape) for w in cell.weights]
    [(5, 9), (3, 9), (2, 9)]
    """

    gates = 3

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 reset_after: bool = True, seed: int | None = None, **kwargs):
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
        self.reset_after = reset_after
        self.state_size = units

    def build(self, input_shape):
        self._add_kernels(input_shape)
        self._add_bias((2, 3 * self.units) if self.reset_after else (3 * self.units,))
        self.built = True

    def _biases(self) -> tuple:
        """(input bias, recurrent bias or None)."""
        if not self.use_bias:
            return None, None
        if not self.reset_after:
            return self.bias, None
        return self.bias[0], self.bias[1]

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        U = self.units
        act, rec_act = self.activation, self.recurrent_activation
        input_bias, recurrent_bias = self._biases()
        drop = training and 0.0 < self.dropout < 1.0
        rec_drop = training and 0.0 < self.recurrent_dropout < 1.0
        K, R = self.kernel, self.recurrent_kernel
        if self.implementation == 1:
            dp = self.get_dropout_mask(inputs) if drop else None
            rdp = self.get_recurrent_dropout_mask(h_tm1) if rec_drop else None
            x = [ember.matmul(inputs if dp is None else inputs * dp[g],
                              K[:, g * U:(g + 1) * U]) for g in range(3)]
            if input_bias is not None:
                x = [x[g] + input_bias[g * U:(g + 1) * U] for g in range(3)]
            hm = [h_tm1 if rdp is None else h_tm1 * rdp[g] for g in range(3)]
            rec = [ember.matmul(hm[g], R[:, g * U:(g + 1) * U]) for g in range(2)]
            if self.reset_after and recurrent_bias is not None:
                rec = [rec[g] + recurrent_bias[g * U:(g + 1) * U] for g in range(2)]
            z = rec_act(x[0] + rec[0])
            r = rec_act(x[1] + rec[1])
            if self.reset_after:
                rh = ember.matmul(hm[2], R[:, 2 * U:])
                if recurrent_bias is not None:
                    rh = rh + recurrent_bias[2 * U:]
                rh = r * rh
            else:
                rh = ember.matmul(r * hm[2], R[:, 2 * U:])
            hh = act(x[2] + rh)
        else:
            if drop:
                inputs = inputs * self.get_dropout_mask(inputs)
            mx = ember.matmul(inputs, K)
            if input_bias is not None:
                mx = mx + input_bias
            if self.reset_after:
                inner = ember.matmul(h_tm1, R)
                if recurrent_bias is not None:
                    inner = inner + recurrent_bias
            else:
                inner = ember.matmul(h_tm1, R[:, :2 * U])
            z = rec_act(mx[:, :U] + inner[:, :U])
            r = rec_act(mx[:, U:2 * U] + inner[:, U:2 * U])
            if self.reset_after:
                rh = r * inner[:, 2 * U:]
            else:
                rh = ember.matmul(r * h_tm1, R[:, 2 * U:])
            hh = act(mx[:, 2 * U:] + rh)
        h = z * h_tm1 + (1 - z) * hh
        return h, ([h] if isinstance(states, (list, tuple)) else h)

    def _fusable(self) -> bool:
        return self._standard_activations((self.activation, activations.tanh),
                                          (self.recurrent_activation, activations.sigmoid))

    def _fused_run(self, xs, states, mask, training):
        h0 = states[0]
        dp, rdp = masks_for_sequence(self, xs[0], h0, training)
        input_bias, recurrent_bias = self._biases()
        zx = input_projection(xs, self.kernel, input_bias, dp, 3)
        hs = ember.nn.gru_sequence(zx, h0, self.recurrent_kernel, recurrent_bias, mask=mask,
                          recurrent_mask=recurrent_mask(rdp, 3),
                          reset_after=self.reset_after)
        return hs, [hs[-1]]

    def get_config(self) -> dict:
        config = super().get_config()
        config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config["reset_after"] = self.reset_after
        return config


class GRU(CellRNN):
    """Gated Recurrent Unit layer: ``GRUCell`` over time, run as one fused op for the
    default activations.

    >>> from ember import keras
    >>> keras.layers.GRU(4, reset_after=False)(ember.ones((2, 5, 3))).shape
    TensorShape([2, 4])
    """

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 reset_after: bool = True, use_cudnn: Any = "auto", **kwargs):
        cell = GRUCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
            seed=seed, implementation=kwargs.pop("implementation", 2),
            **cell_kwargs(kwargs, "gru_cell"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self.use_cudnn = check_use_cudnn(use_cudnn)

    units = cell_property("units")
    recurrent_activation = cell_property("recurrent_activation")
    reset_after = cell_property("reset_after")

    def get_config(self) -> dict:
        config = {"units": self.units, "activation": activations.serialize(self.activation),
                  "recurrent_activation": activations.serialize(self.recurrent_activation),
                  "use_bias": self.use_bias, **layer_weights_config(self),
                  "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                  "reset_after": self.reset_after, "seed": self.cell.seed}
        return self._flat_config(config)
