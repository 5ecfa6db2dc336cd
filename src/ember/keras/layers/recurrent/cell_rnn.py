"""CellRNN: the shared plumbing of the built-in recurrent layers (LSTM, GRU, SimpleRNN,
ConvLSTM) that each wrap one cell they build themselves from flat arguments."""
from __future__ import annotations

from typing import Any

from .rnn import RNN
from .rnn_loop import cell_property


class CellRNN(RNN):
    """An ``RNN`` over a cell it owns: the cell's weight settings read through as layer
    attributes, and a flat config (the cell's arguments, no nested ``"cell"`` entry) that
    ``from_config`` passes straight back to the constructor.

    >>> from ember import keras
    >>> layer = keras.layers.LSTM(4, dropout=0.5)
    >>> isinstance(layer, CellRNN), layer.dropout
    (True, 0.5)
    """

    activation = cell_property("activation")
    use_bias = cell_property("use_bias")
    kernel_initializer = cell_property("kernel_initializer")
    recurrent_initializer = cell_property("recurrent_initializer")
    bias_initializer = cell_property("bias_initializer")
    kernel_regularizer = cell_property("kernel_regularizer")
    recurrent_regularizer = cell_property("recurrent_regularizer")
    bias_regularizer = cell_property("bias_regularizer")
    kernel_constraint = cell_property("kernel_constraint")
    recurrent_constraint = cell_property("recurrent_constraint")
    bias_constraint = cell_property("bias_constraint")
    dropout = cell_property("dropout")
    recurrent_dropout = cell_property("recurrent_dropout")

    def _flat_config(self, own: dict) -> dict:
        """``RNN``'s config without its ``"cell"`` entry, updated with ``own``."""
        base = super().get_config()
        del base["cell"]
        return {**base, **own}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        return cls(**config)


def check_use_cudnn(use_cudnn: Any) -> Any:
    """``use_cudnn`` when it is ``"auto"``, ``True`` or ``False``; raises Keras's error
    otherwise.

    >>> check_use_cudnn("auto")
    'auto'
    """
    if use_cudnn not in ("auto", True, False):
        raise ValueError("Invalid valid received for argument `use_cudnn`. Expected one "
                         f"of {{'auto', True, False}}. Received: use_cudnn={use_cudnn}")
    return use_cudnn
