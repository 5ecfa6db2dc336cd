"""keras.layers.ConvLSTM1D/2D/3D: an LSTM whose input and recurrent transforms are
convolutions (Shi et al., 2015), sharing one N-d base."""
from __future__ import annotations

from typing import Any

import ember

from ... import activations, constraints, initializers, regularizers
from ... import config as keras_config
from ...models.layer import Layer
from ..convolutional.conv_args import conv_output_shape, standardize_padding, standardize_tuple
from ..input_spec import InputSpec
from ...random.seed_generator import SeedGenerator
from .cell_rnn import CellRNN
from .dropout_rnn_cell import DropoutRNNCell, masks_for_sequence
from .rnn_loop import cell_property, rnn_loop


class ConvLSTMCell(Layer, DropoutRNNCell):
    """One ConvLSTM step on a ``(batch, *spatial, channels)`` input (or channels first).

    Weights: ``kernel (*kernel_size, input_channels, 4 * filters)``, ``recurrent_kernel
    (*kernel_size, filters, 4 * filters)``, ``bias (4 * filters,)``; gates ``i, f, c, o``
    along the last kernel axis. The recurrent convolution always uses ``"same"`` padding
    and stride 1; dropout uses one mask per gate, as Keras.

    >>> cell = ConvLSTMCell(2, filters=4, kernel_size=3, padding="same")
    >>> x = ember.ones((1, 5, 5, 2))
    >>> h, (h2, c) = cell(x, cell.get_initial_state_for(x))
    >>> h.shape
    TensorShape([1, 5, 5, 4])
    """

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        if rank > 3:
            raise ValueError(f"Rank {rank} convolutions are not currently implemented. "
                             f"Received: rank={rank}")
        self.rank = rank
        self.filters = filters
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = standardize_padding(padding)
        self.data_format = keras_config.standardize_data_format(data_format)
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("Specifying `strides > 1` is not compatible with "
                             "`dilation_rate > 1`. Please provide `strides=1` or "
                             f"`dilation_rate=1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.dropout_mask_count = 4
        self.input_spec = InputSpec(ndim=rank + 2)
        self.state_size = -1   # depends on the input's spatial shape

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def build(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        if self.data_format == "channels_first":
            self.spatial_dims = inputs_shape[2:]
        else:
            self.spatial_dims = inputs_shape[1:-1]
        if None in self.spatial_dims:
            raise ValueError("ConvLSTM layers only support static input shapes for the "
                             "spatial dimension. Received invalid input shape: "
                             f"input_shape={inputs_shape}")
        input_dim = inputs_shape[self._channel_axis]
        if input_dim is None:
            raise ValueError("The channel dimension of the inputs (last axis) should be "
                             "defined. Found None. Full input shape received: "
                             f"input_shape={inputs_shape}")
        self.input_spec = InputSpec(ndim=self.rank + 2, shape=(None,) + inputs_shape[1:])
        self.input_dim = input_dim
        self.kernel_shape = self.kernel_size + (input_dim, self.filters * 4)
        self.kernel = self.add_weight(shape=self.kernel_shape, name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, self.filters * 4),
            name="recurrent_kernel", initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                n, base = self.filters, self.bias_initializer

                def init(shape, dtype=None):
                    ones = initializers.get("ones")
                    return ember.concat([base((n,), dtype=dtype), ones((n,), dtype=dtype),
                                         base((n * 2,), dtype=dtype)], axis=0)
            self.bias = self.add_weight(shape=(self.filters * 4,), name="bias",
                                        initializer=init, regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    # -- convolutions ---------------------------------------------------------------------
    def _format(self) -> str:
        spatial = "DHW"[3 - self.rank:] if self.rank > 1 else "W"
        return f"N{spatial}C" if self.data_format == "channels_last" else f"NC{spatial}"

    def input_conv(self, x, w, b=None, padding: str = "valid"):
        out = ember.nn.convolution(x, w, strides=list(self.strides), padding=padding.upper(),
                                   data_format=self._format(),
                                   dilations=list(self.dilation_rate))
        if b is not None:
            if self.data_format == "channels_last":
                out = out + b
            else:
                out = out + ember.reshape(b, (-1,) + (1,) * self.rank)
        return out

    def recurrent_conv(self, x, w):
        return ember.nn.convolution(x, w, strides=[1] * self.rank, padding="SAME",
                                    data_format=self._format())

    def _gates(self, pre):
        """(i, f, c, o) pre-activations from the 4 * filters channels."""
        return ember.split(pre, 4, axis=self._channel_axis)

    def _combine(self, pre, c_tm1):
        i, f, g, o = self._gates(pre) if not isinstance(pre, list) else pre
        ra, act = self.recurrent_activation, self.activation
        c = ra(f) * c_tm1 + ra(i) * act(g)
        h = ra(o) * act(c)
        return h, [h, c]

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        dp = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rdp = self.get_recurrent_dropout_mask(h_tm1) \
            if training and 0.0 < self.recurrent_dropout < 1.0 else None
        axis = self.rank + 1
        ks = ember.split(self.kernel, 4, axis=axis)
        rs = ember.split(self.recurrent_kernel, 4, axis=axis)
        bs = ember.split(self.bias, 4) if self.use_bias else [None] * 4
        pre = []
        for g in range(4):
            x = self.input_conv(inputs if dp is None else inputs * dp[g], ks[g], bs[g],
                                padding=self.padding)
            h = self.recurrent_conv(h_tm1 if rdp is None else h_tm1 * rdp[g], rs[g])
            pre.append(x + h)
        return self._combine(pre, c_tm1)

    def compute_output_shape(self, inputs_shape, states_shape=None):
        out = conv_output_shape(self, inputs_shape, self.filters)
        return out, [out, out]

    def get_initial_state(self, batch_size: int | None = None) -> list:
        if self.data_format == "channels_last":
            input_shape = (batch_size,) + tuple(self.spatial_dims) + (self.input_dim,)
        else:
            input_shape = (batch_size, self.input_dim) + tuple(self.spatial_dims)
        state_shape = self.compute_output_shape(input_shape)[0]
        return [ember.zeros(state_shape, dtype=self.compute_dtype),
                ember.zeros(state_shape, dtype=self.compute_dtype)]

    def get_initial_state_for(self, inputs) -> list:
        """Zero states for a batch of step inputs (building the cell if needed)."""
        if not self.built:
            self._maybe_build(tuple(inputs.shape))
        return self.get_initial_state(inputs.shape[0])

    def get_config(self) -> dict:
        config = {
            "filters": self.filters, "kernel_size": self.kernel_size,
            "strides": self.strides, "padding": self.padding,
            "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


class ConvLSTM(CellRNN):
    """N-d convolutional LSTM over ``(batch, time, *spatial, channels)`` inputs (base of
    ConvLSTM1D/2D/3D).

    The input convolution of every timestep runs as one batched convolution before the
    time loop; each step then does one recurrent convolution.

    >>> from ember import keras
    >>> layer = keras.layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)
    >>> layer(ember.ones((2, 3, 6, 6, 2))).shape
    TensorShape([2, 3, 6, 6, 4])
    """

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, **kwargs):
        cell = ConvLSTMCell(
            rank=rank, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=padding, data_format=data_format, dilation_rate=dilation_rate,
            activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, name="conv_lstm_cell",
            dtype=kwargs.get("dtype"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, **kwargs)
        self.input_spec = InputSpec(ndim=rank + 3)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        batch_size, steps = sequences_shape[0], sequences_shape[1]
        step_shape = (batch_size,) + sequences_shape[2:]
        state_shape = self.cell.compute_output_shape(step_shape)[0][1:]
        output_shape = (batch_size, steps) + state_shape if self.return_sequences else \
            (batch_size,) + state_shape
        if self.return_state:
            batched = (batch_size,) + state_shape
            return output_shape, batched, batched
        return output_shape

    def _state_sizes(self) -> list:
        return [self.cell.filters, self.cell.filters]   # h and c, whatever their shapes

    def compute_mask(self, _, mask):
        mask = ember.nest.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask, None, None]
        return output_mask

    def inner_loop(self, sequences, initial_state, mask, training=False) -> tuple:
        """The input convolutions of all timesteps at once, then one recurrent
        convolution per step (per gate under recurrent dropout)."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        cell = self.cell
        shape = tuple(sequences.shape)
        B, T = shape[0], shape[1]
        dp, rdp = masks_for_sequence(cell, sequences[:, 0], initial_state[0], training)
        merged = ember.reshape(sequences, (B * T,) + shape[2:])
        if dp is None:
            zx = cell.input_conv(merged, cell.kernel, cell.bias, padding=cell.padding)
        else:
            axis = cell.rank + 1
            ks = ember.split(cell.kernel, 4, axis=axis)
            bs = ember.split(cell.bias, 4) if cell.use_bias else [None] * 4
            parts = []
            for g in range(4):
                masked = ember.reshape(sequences * ember.expand_dims(dp[g], 1), merged.shape)
                parts.append(cell.input_conv(masked, ks[g], bs[g], padding=cell.padding))
            zx = ember.concat(parts, axis=cell._channel_axis)
        zx = ember.reshape(zx, (B, T) + tuple(zx.shape[1:]))
        if rdp is not None:
            rs = ember.split(cell.recurrent_kernel, 4, axis=cell.rank + 1)

        def step(z_t, states):
            h, c = states[0], states[1]
            if rdp is None:
                rec = cell.recurrent_conv(h, cell.recurrent_kernel)
            else:
                rec = ember.concat([cell.recurrent_conv(h * rdp[g], rs[g]) for g in range(4)],
                                   axis=cell._channel_axis)
            return cell._combine(z_t + rec, c)

        return rnn_loop(step, zx, initial_state, go_backwards=self.go_backwards, mask=mask,
                        zero_output_for_mask=self.zero_output_for_mask,
                        return_all_outputs=self.return_sequences)

    filters = cell_property("filters")
    kernel_size = cell_property("kernel_size")
    strides = cell_property("strides")
    padding = cell_property("padding")
    data_format = cell_property("data_format")
    dilation_rate = cell_property("dilation_rate")
    recurrent_activation = cell_property("recurrent_activation")
    unit_forget_bias = cell_property("unit_forget_bias")

    def get_config(self) -> dict:
        own = ConvLSTMCell.get_config(self.cell)
        cell_only = {k: v for k, v in own.items() if k not in Layer.get_config(self.cell)}
        cell_only["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return self._flat_config(cell_only)


class ConvLSTM1D(ConvLSTM):
    """1-D convolutional LSTM: inputs ``(batch, time, steps, channels)``.

    >>> from ember import keras
    >>> keras.layers.ConvLSTM1D(4, 3)(ember.ones((2, 3, 8, 2))).shape
    TensorShape([2, 6, 4])
    """

    def __init__(self, filters: int, kernel_size: Any, **kwargs):
        super().__init__(1, filters, kernel_size, **kwargs)


class ConvLSTM2D(ConvLSTM):
    """2-D convolutional LSTM: inputs ``(batch, time, rows, cols, channels)``.

    >>> from ember import keras
    >>> keras.layers.ConvLSTM2D(4, 3)(ember.ones((2, 3, 6, 6, 2))).shape
    TensorShape([2, 4, 4, 4])
    """

    def __init__(self, filters: int, kernel_size: Any, **kwargs):
        super().__init__(2, filters, kernel_size, **kwargs)


class ConvLSTM3D(ConvLSTM):
    """3-D convolutional LSTM: inputs ``(batch, time, depth, rows, cols, channels)``.

    >>> from ember import keras
    >>> keras.layers.ConvLSTM3D(2, 2)(ember.ones((1, 2, 3, 3, 3, 1))).shape
    TensorShape([1, 2, 2, 2, 2])
    """

    def __init__(self, filters: int, kernel_size: Any, **kwargs):
        super().__init__(3, filters, kernel_size, **kwargs)
