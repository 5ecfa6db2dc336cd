"""keras.utils.get_source_inputs: the keras.Input tensors a symbolic tensor comes from."""
from __future__ import annotations

from typing import Any


def get_source_inputs(tensor: Any) -> list:
    """The ``keras.Input`` tensors that ``tensor`` (a KerasTensor) was computed from,
    each once, in the order a walk back through the graph meets them.

    >>> from ember import keras
    >>> x = keras.Input((3,))
    >>> get_source_inputs(keras.layers.Dense(2)(x))[0] is x
    True
    """
    from ..models.input_layer import InputLayer
    from ..models.keras_tensor import KerasTensor
    if not isinstance(tensor, KerasTensor) or tensor._keras_history is None:
        return [tensor]
    found: list = []
    seen: set = set()
    stack = [tensor]
    while stack:
        t = stack.pop()
        layer, node_index, _ = t._keras_history
        node = layer._inbound_nodes[node_index]
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.is_input or isinstance(layer, InputLayer):
            if all(t is not f for f in found):
                found.append(t)
            continue
        stack.extend(reversed([x for x in node.input_tensors
                               if x._keras_history is not None]))
    return found
