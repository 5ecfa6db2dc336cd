"""keras.layers.StackedRNNCells: several cells acting as one (each feeds the next)."""
from __future__ import annotations

from typing import Any

import ember

from ...models.layer import Layer
from ...saving.serialization import deserialize_keras_object, serialize_keras_object


def _is_nested(x: Any) -> bool:
    return isinstance(x, (list, tuple))


def _output_dim(cell: Any) -> int:
    if getattr(cell, "output_size", None) is not None:
        return cell.output_size
    if isinstance(cell.state_size, (list, tuple)):
        return cell.state_size[0]
    return cell.state_size


class StackedRNNCells(Layer):
    """A stack of RNN cells used as one cell: at each step the output of a cell is the
    input of the next; the states are one list per cell.

    >>> from ember import keras
    >>> cells = [keras.layers.LSTMCell(4), keras.layers.GRUCell(2)]
    >>> keras.layers.RNN(keras.layers.StackedRNNCells(cells))(ember.ones((3, 5, 6))).shape
    TensorShape([3, 2])
    """

    def __init__(self, cells: list, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if "call" not in dir(cell):
                raise ValueError("All cells must have a `call` method. Received cell "
                                 f"without a `call` method: {cell}")
            if "state_size" not in dir(cell):
                raise ValueError("All cells must have a `state_size` attribute. Received "
                                 f"cell without a `state_size`: {cell}")
        self.cells = list(cells)

    @property
    def state_size(self) -> list:
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> int:
        return _output_dim(self.cells[-1])

    def get_initial_state(self, batch_size: int | None = None) -> list:
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                states.append(fn(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(ember.zeros((batch_size, cell.state_size),
                                          dtype=self.compute_dtype))
            else:
                states.append([ember.zeros((batch_size, d), dtype=self.compute_dtype)
                               for d in cell.state_size])
        return states

    def call(self, inputs, states, training=False, **kwargs):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            state_is_list = _is_nested(cell_states)
            cell_states = list(cell_states) if state_is_list else [cell_states]
            if isinstance(cell, Layer) and cell._call_has_training:
                kwargs["training"] = training
            else:
                kwargs.pop("training", None)
            fn = cell.__call__ if callable(cell) else cell.call
            inputs, cell_states = fn(inputs, cell_states, **kwargs)
            if not _is_nested(cell_states):
                cell_states = [cell_states]
            if len(cell_states) == 1 and not state_is_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build(input_shape)
            batch_size = ember.nest.flatten(input_shape)[0]
            input_shape = (batch_size, _output_dim(cell))
        self.built = True

    # -- fused run: each cell over the whole sequence in turn --------------------------------
    def _fusable(self) -> bool:
        return all(getattr(c, "_fusable", lambda: False)() for c in self.cells)

    def _fused_run(self, xs, states, mask, training):
        """Layer by layer equals step by step: at a masked step every state is kept, so
        what a lower cell hands up there is never used."""
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            state_is_list = _is_nested(cell_states)
            cell_states = list(cell_states) if state_is_list else [cell_states]
            xs, cell_states = cell._fused_run(xs, cell_states, mask, training)
            if len(cell_states) == 1 and not state_is_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return xs, new_states

    def get_config(self) -> dict:
        config = {"cells": [serialize_keras_object(c) for c in self.cells]}
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects=custom_objects)
                 for c in config.pop("cells")]
        return cls(cells, **config)
