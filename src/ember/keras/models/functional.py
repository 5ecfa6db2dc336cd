"""Functional models: a graph of layer calls from keras.Input tensors to outputs."""
from __future__ import annotations

from typing import Any

import ember

from .input_layer import InputLayer
from .keras_tensor import KerasTensor
from .model import Model


def _topological_nodes(outputs: list) -> list:
    """Every node the outputs depend on, each after the nodes it reads from."""
    order: list = []
    seen: set = set()
    visiting: set = set()

    def visit(node):
        if id(node) in seen:
            return
        if id(node) in visiting:
            raise ValueError("The functional graph has a cycle")
        visiting.add(id(node))
        for parent in node.parent_nodes:
            visit(parent)
        visiting.discard(id(node))
        seen.add(id(node))
        order.append(node)

    for t in outputs:
        if not isinstance(t, KerasTensor) or t._keras_history is None:
            raise ValueError(f"Output tensors of a functional Model must be the outputs of "
                             f"Keras layers; got {t!r}")
        layer, node_index, _ = t._keras_history
        visit(layer._inbound_nodes[node_index])
    return order


class Functional(Model):
    """A model defined by ``Model(inputs, outputs)``."""

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None,
                 trainable: bool = True, **kwargs):
        Model.__init__(self, name=name, trainable=trainable, **kwargs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = ember.nest.flatten(inputs)
        self.outputs = ember.nest.flatten(outputs)
        for t in self.inputs:
            if not isinstance(t, KerasTensor) or t._keras_history is None or \
                    not isinstance(t._keras_history[0], InputLayer):
                raise ValueError(f"All `inputs` of a functional Model must come from "
                                 f"keras.Input(); got {t!r}")
        self._nodes = _topological_nodes(self.outputs)
        reachable_inputs = {id(n.outputs[0]) for n in self._nodes if n.is_input}
        for t in self.inputs:
            if id(t) not in reachable_inputs:
                # an input nothing depends on is still part of the model
                self._nodes.insert(0, t._keras_history[0]._inbound_nodes[0])
        missing = [n.outputs[0] for n in self._nodes
                   if n.is_input and all(n.outputs[0] is not t for t in self.inputs)]
        if missing:
            raise ValueError(f"Graph disconnected: cannot obtain value for tensor "
                             f"{missing[0]!r}. The following previous layers were accessed "
                             "without issue: "
                             f"{[t._keras_history[0].name for t in self.inputs]}")
        layers = []
        for node in self._nodes:
            if all(node.layer is not l for l in layers):
                layers.append(node.layer)
        self._tracking = False
        self._layers = layers
        self._tracking = True
        self.built = True
        self._build_shapes = [t.shape for t in self.inputs] if len(self.inputs) > 1 \
            else self.inputs[0].shape

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    def _pair_inputs(self, inputs: Any) -> tuple[list, list]:
        """The model's input KerasTensors and the values given for them, in pairs."""
        if isinstance(self._inputs_struct, dict):
            if not isinstance(inputs, dict):
                raise ValueError(f"Model {self.name} expects a dict of inputs with keys "
                                 f"{sorted(self._inputs_struct)}; got {type(inputs).__name__}")
            flat = [inputs[k] for k in sorted(self._inputs_struct)]
            kts = [self._inputs_struct[k] for k in sorted(self._inputs_struct)]
        elif isinstance(inputs, dict):
            by_name = {t.name: t for t in self.inputs}
            unknown = set(inputs) - set(by_name)
            if unknown:
                raise ValueError(f"Model {self.name} has inputs named {sorted(by_name)}; got "
                                 f"unknown keys {sorted(unknown)}")
            kts = [by_name[k] for k in inputs]
            flat = list(inputs.values())
        else:
            flat = ember.nest.flatten(inputs) if len(self.inputs) > 1 else [inputs]
            kts = self.inputs
            if len(flat) != len(kts):
                raise ValueError(f"Model {self.name} expects {len(kts)} input(s), but it "
                                 f"received {len(flat)} input tensors.")
        return kts, flat

    def _match_inputs(self, inputs: Any) -> dict:
        """Map each model input KerasTensor's id to the value given for it, converted to
        the input's dtype (as Keras converts a functional model's inputs)."""
        values = {}
        for i, (kt, value) in enumerate(zip(*self._pair_inputs(inputs))):
            if not isinstance(value, ember.Tensor):
                value = ember.constant(value) if not isinstance(value, ember.Variable) \
                    else value.read_value()
            if value.dtype != kt.dtype:
                mask = getattr(value, "_keras_mask", None)
                value = ember.cast(value, kt.dtype)
                if mask is not None:
                    value._keras_mask = mask
            if value.ndim != len(kt.shape):
                raise ValueError(f"Input {kt.name!r} of model {self.name} expects shape "
                                 f"{kt.shape}, but received input with shape "
                                 f"{tuple(value.shape)}")
            for want, got in zip(kt.shape, value.shape):
                if want is not None and want != got:          # fixed sizes must match
                    input_spec_for(kt, value.shape, i, self.name)
            values[id(kt)] = value
        return values

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        values = self._match_inputs(inputs)
        for node in self._nodes:
            if node.is_input:
                continue
            args = _substitute(node.call_args, values)
            kwargs = _substitute(node.call_kwargs, values)
            if training is not None and "training" in kwargs:
                # the outer call's training value replaces the one the node recorded
                # (Keras saves `training=True` in the nodes of augmentation layers)
                kwargs["training"] = training
            out = node.layer(*args, **kwargs)
            for kt, value in zip(node.outputs, ember.nest.flatten(out)):
                values[id(kt)] = value
        return ember.nest.pack_sequence_as(self._outputs_struct,
                                           [values[id(t)] for t in self.outputs])

    def compute_output_spec(self, inputs: Any, training: bool | None = None,
                            mask: Any = None) -> Any:
        """The outputs (KerasTensors) for inputs of these shapes and dtypes, found by
        running the graph on KerasTensors."""
        from .symbolic_op import layer_output_spec
        values = {}
        for i, (kt, spec) in enumerate(zip(*self._pair_inputs(inputs))):
            values[id(kt)] = input_spec_for(kt, spec.shape, i, self.name)
        for node in self._nodes:
            if node.is_input:
                continue
            args = _substitute(node.call_args, values)
            kwargs = _substitute(node.call_kwargs, values)
            out = layer_output_spec(node.layer, args, kwargs)
            for kt, value in zip(node.outputs, ember.nest.flatten(out)):
                values[id(kt)] = value
        return ember.nest.pack_sequence_as(self._outputs_struct,
                                           [values[id(t)] for t in self.outputs])

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Output shapes for these input shapes (the batch size carried through).

        >>> from ember import keras
        >>> x = keras.Input((4,))
        >>> keras.Model(x, keras.layers.Dense(3)(x)).compute_output_shape((7, 4))
        (7, 3)
        """
        specs = _shapes_to_specs(input_shape, len(self.inputs) == 1)
        return map_specs(lambda t: t.shape, self.compute_output_spec(specs))

    def get_config(self) -> dict:
        from .functional_config import functional_get_config
        return functional_get_config(self)


def input_spec_for(kt: KerasTensor, shape: Any, index: int, model_name: str) -> KerasTensor:
    """A KerasTensor of ``shape`` in place of the model input ``kt``; Keras's error when
    the shape does not fit the input's."""
    shape = tuple(shape)
    if len(shape) != len(kt.shape) or any(a is not None and b is not None and a != b
                                          for a, b in zip(kt.shape, shape)):
        named = f" with name '{kt.name}'" if kt.name else ""
        raise ValueError(f"Input {index}{named} of layer '{model_name}' is incompatible "
                         f"with the layer: expected shape={kt.shape}, found shape={shape}")
    return KerasTensor(shape, kt.dtype)


def _is_shape(x: Any) -> bool:
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def _shapes_to_specs(shapes: Any, single: bool) -> Any:
    """KerasTensors (float32 placeholders; the model's inputs set the dtypes) for a
    shape, or a list/tuple/dict of shapes."""
    if _is_shape(shapes) or (single and isinstance(shapes, ember.TensorShape)):
        return KerasTensor(tuple(shapes))
    if isinstance(shapes, dict):
        return {k: _shapes_to_specs(v, False) for k, v in shapes.items()}
    return type(shapes)(_shapes_to_specs(v, False) for v in shapes)


def map_specs(fn, x: Any) -> Any:
    if isinstance(x, KerasTensor):
        return fn(x)
    if isinstance(x, dict):
        return {k: map_specs(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(map_specs(fn, v) for v in x)
    return x


def _substitute(structure: Any, values: dict) -> Any:
    if isinstance(structure, KerasTensor):
        return values[id(structure)]
    if isinstance(structure, dict):
        return {k: _substitute(v, values) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_substitute(v, values) for v in structure)
    return structure


def functional_from_config(cls, config: dict, custom_objects: dict | None = None):
    from .functional_config import functional_from_config as build
    return build(cls, config, custom_objects)
