"""keras.layers.RNN: runs a cell over the time axis (masks, state, direction, dropout)."""
from __future__ import annotations

from typing import Any

import ember

from ...models.layer import Layer
from ...saving.serialization import deserialize_keras_object, serialize_keras_object
from .dropout_rnn_cell import DropoutRNNCell
from .rnn_loop import fused_outputs, map_states, rnn_loop, time_major
from .stacked_rnn_cells import StackedRNNCells


class RNN(Layer):
    """Base class of recurrent layers: applies ``cell`` to each timestep of a
    ``(batch, time, features)`` input.

    A cell is a layer with ``call(input_t, states) -> (output_t, new_states)``, a
    ``state_size`` (an int or a list, one per state) and optionally ``output_size`` and
    ``get_initial_state(batch_size)``; a list of cells is stacked
    (``StackedRNNCells``). The built-in cells (LSTM, GRU, SimpleRNN with their default
    activations) run the whole sequence as one fused op.

    >>> from ember import keras
    >>> layer = keras.layers.RNN(keras.layers.SimpleRNNCell(4), return_sequences=True)
    >>> layer(ember.ones((2, 5, 3))).shape
    TensorShape([2, 5, 4])
    """

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if "call" not in dir(cell):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: "
                             f"cell={cell}")
        if "state_size" not in dir(cell):
            raise ValueError("The RNN cell should have a `state_size` attribute (single "
                             "integer or list of integers, one integer per RNN state). "
                             f"Received: cell={cell}")
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll   # accepted; eager loops give the same result either way
        self.supports_masking = True
        self.input_spec = None
        object.__setattr__(self, "states", None)   # not weights, as in Keras
        self._expected_batch_size = None
        state_size = getattr(self.cell, "state_size", None)
        if state_size is None:
            raise ValueError("state_size must be specified as property on the RNN cell.")
        if not isinstance(state_size, (list, tuple, int)):
            msg = ("state_size must be an integer, or a list/tuple of integers (one for each "
                   "state tensor).")
            raise ValueError(msg)  # noqa: TRY004 -- Keras raises ValueError
        if isinstance(state_size, int):
            self.state_size = [state_size]
            self.single_state = True
        else:
            self.state_size = list(state_size)
            self.single_state = False

    # -- shapes and masks -------------------------------------------------------------------
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, length = sequences_shape[0], sequences_shape[1]
        states_shape = []
        for state_size in self.state_size:
            if isinstance(state_size, int):
                states_shape.append((batch_size, state_size))
            elif isinstance(state_size, (list, tuple)):
                states_shape.append([(batch_size, s) for s in state_size])
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        if not isinstance(output_size, int):
            raise ValueError("output_size must be an integer.")  # noqa: TRY004 -- as Keras
        output_shape = (batch_size, length, output_size) if self.return_sequences else \
            (batch_size, output_size)
        if self.return_state:
            return output_shape, *states_shape
        return output_shape

    def compute_mask(self, _, mask):
        mask = ember.nest.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    # -- building and state -----------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        # ``unroll`` with an undefined time dimension is fine: Keras refuses it only when a
        # graph is traced with that dimension unknown, and Ember traces concrete shapes
        step_input_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build(step_input_shape)
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError("When using `stateful=True` in a RNN, the batch size "
                                     "must be static. Found dynamic batch size: "
                                     f"sequence.shape={tuple(sequences_shape)}")
                self._create_state_variables(sequences_shape[0])
                self._expected_batch_size = sequences_shape[0]
        self.built = True

    def _create_state_variables(self, batch_size: int) -> None:
        initial = self.get_initial_state(batch_size)
        states = map_states(
            lambda v: ember.Variable(v, trainable=False, dtype=self.variable_dtype,
                                     name="rnn_state"), initial)
        object.__setattr__(self, "states", states)

    def get_initial_state(self, batch_size: int) -> list:
        """The states a sequence starts from: the cell's ``get_initial_state`` or zeros."""
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is None:
            dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
            return [ember.zeros((batch_size, d), dtype=dtype) for d in self.state_size]
        init_state = fn(batch_size=batch_size)
        if not isinstance(init_state, (list, tuple)):
            init_state = [init_state]
        return list(init_state)

    def reset_states(self, states: Any = None) -> None:
        """Compatibility alias of ``reset_state``."""
        self.reset_state(states)

    def reset_state(self, states: Any = None) -> None:
        """Set a stateful layer's states to zeros (or to ``states``: arrays, one per
        state)."""
        if self.states is None:
            return
        flat = ember.nest.flatten(self.states)
        if states is None:
            for v in flat:
                v.assign(ember.zeros_like(v.read_value()))
            return
        values = ember.nest.flatten(states)
        if len(values) != len(flat):
            raise ValueError(f"Layer {self.name} expects {len(flat)} state(s), but it "
                             f"received {len(values)} state value(s). Input received: "
                             f"{states}")
        for v, value in zip(flat, values):
            value = ember.convert_to_tensor(value, dtype=v.dtype)
            if tuple(value.shape) != tuple(v.shape):
                raise ValueError(f"State of layer {self.name} has shape {tuple(v.shape)}; "
                                 f"received a value of shape {tuple(value.shape)}")
            v.assign(value)

    # -- checking what a call gets ---------------------------------------------------------------
    def _state_sizes(self) -> list:
        """One entry per state the cell expects (a list for a stacked cell's own states)."""
        return self.state_size

    def _check_initial_state(self, states: list) -> None:
        """Refuse initial states that do not match the cell's states in number (Keras fails
        inside the cell with an IndexError, or ignores the extra ones)."""
        sizes = self._state_sizes()

        def fail(expected, got, where=""):
            raise ValueError(f"Layer '{self.name}' expects {expected} initial state(s)"
                             f"{where} (state_size={self.cell.state_size}); received "
                             f"{got}: shapes {map_states(_shape_of, list(states))}")

        if len(states) != len(sizes):
            fail(len(sizes), len(states))
        for i, (size, state) in enumerate(zip(sizes, states)):
            if isinstance(size, (list, tuple)):
                got = len(state) if isinstance(state, (list, tuple)) else "one tensor"
                if got != len(size):
                    fail(len(size), got, f" for cell {i}")

    def _checked_mask(self, mask, sequences):
        """The mask as a ``(batch, timesteps)`` tensor (Keras also takes ``(batch,
        timesteps, 1)``); raises on any other shape."""
        if not isinstance(mask, ember.Tensor):
            mask = ember.convert_to_tensor(mask)
        if mask.ndim == 3 and mask.shape[-1] == 1:
            mask = ember.squeeze(mask, -1)
        if tuple(mask.shape) != tuple(sequences.shape[:2]):
            raise ValueError(f"Layer '{self.name}' expects a mask of shape (batch, "
                             f"timesteps) = {tuple(sequences.shape[:2])} for inputs of shape "
                             f"{tuple(sequences.shape)}; received a mask of shape "
                             f"{tuple(mask.shape)}")
        return mask

    # -- the loop -----------------------------------------------------------------------------
    def inner_loop(self, sequences, initial_state, mask, training=False) -> tuple:
        """``(last_output, outputs, states)``: a fused run when the cell offers one, else
        one cell call per timestep."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if getattr(self.cell, "_fusable", lambda: False)():
            xs, mask_tm = time_major(sequences, mask, self.go_backwards)
            hs, states = self.cell._fused_run(xs, list(initial_state), mask_tm, training)
            last, outputs = fused_outputs(hs, mask_tm, self.zero_output_for_mask,
                                          self.return_sequences)
            return last, outputs, _pack_like(initial_state, states)
        cell_kwargs = {}
        if isinstance(self.cell, Layer) and self.cell._call_has_training:
            cell_kwargs["training"] = training

        def step(inputs, states):
            output, new_states = self.cell(inputs, list(states), **cell_kwargs)
            return output, _pack_like(initial_state, new_states)

        return rnn_loop(step, sequences, initial_state, go_backwards=self.go_backwards,
                        mask=mask, zero_output_for_mask=self.zero_output_for_mask,
                        return_all_outputs=self.return_sequences)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if sequences.ndim < 3:
            raise ValueError(f"Layer {self.name} expects inputs of shape (batch, timesteps, "
                             f"...) (rank >= 3); received shape {tuple(sequences.shape)}")
        if sequences.shape[1] == 0:
            raise ValueError(f"Layer {self.name} needs at least one timestep; received "
                             f"inputs of shape {tuple(sequences.shape)}")
        batch_size = sequences.shape[0]
        if initial_state is None:
            if self.stateful:
                initial_state = map_states(lambda v: v.read_value(),
                                                         self.states)
            else:
                initial_state = self.get_initial_state(batch_size)
        if self.stateful and self._expected_batch_size is not None and \
                batch_size != self._expected_batch_size:
            raise ValueError("If an RNN is stateful, the batch size of the input sequences "
                             "must be the same as the batch size of the initial state. \n"
                             f"- Expected batch size: {self._expected_batch_size}\n"
                             f"- Received batch size: {batch_size}")
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        initial_state = map_states(
            lambda s: _as_tensor(s, dtype), list(initial_state))
        self._check_initial_state(initial_state)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None:
            mask = self._checked_mask(mask, sequences)
        try:
            last_output, outputs, states = self.inner_loop(
                sequences, initial_state, mask=mask, training=training)
        finally:
            self._reset_dropout(self.cell)
        if last_output.dtype.name != self.compute_dtype:
            last_output = ember.cast(last_output, self.compute_dtype)
            outputs = ember.cast(outputs, self.compute_dtype)
            states = map_states(lambda s: ember.cast(s, self.compute_dtype),
                                              states)
        if self.stateful:
            for var, value in zip(ember.nest.flatten(self.states),
                                  ember.nest.flatten(states)):
                var.assign(value)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return (output, *states)
        return output

    # -- dropout masks: cells draw them on first use; cleared after each sequence --------------
    def _reset_dropout(self, cell) -> None:
        if isinstance(cell, DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
        if isinstance(cell, StackedRNNCells):
            for c in cell.cells:
                self._reset_dropout(c)

    # -- config -------------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_keras_object(self.cell),
        }
        base = super().get_config()
        return {**base, **config}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> RNN:
        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)


def _pack_like(structure: list, states: Any) -> list:
    """``states`` nested as ``structure`` (the initial states), as Keras's loop repacks
    them: a one-cell stack hands back its cell's ``[h, c]`` unwrapped, and the next step
    (and ``return_state``) must see ``[[h, c]]`` again."""
    flat = ember.nest.flatten(states)
    if len(flat) != len(ember.nest.flatten(list(structure))):
        return list(states) if isinstance(states, (list, tuple)) else [states]
    return list(ember.nest.pack_sequence_as(list(structure), flat))


def _shape_of(value: Any) -> Any:
    return tuple(value.shape) if hasattr(value, "shape") else value


def _as_tensor(value: Any, dtype: str):
    if isinstance(value, ember.Variable):
        value = value.read_value()
    t = value if isinstance(value, ember.Tensor) else ember.convert_to_tensor(value)
    if t.dtype.name != dtype and t.dtype.is_floating:
        t = ember.cast(t, dtype)
    return t
