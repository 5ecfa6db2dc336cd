"""Functional models: a graph of layer calls from keras.Input tensors to outputs."""
from __future__ import annotations

from typing import Any

import ember

from .input_layer import InputLayer
from .keras_tensor import KerasTensor
from .model import Model


def _is_input_tensor(t: Any) -> bool:
    return isinstance(t, KerasTensor) and t._keras_history is not None and \
        isinstance(t._keras_history[0], InputLayer)


def _check_keras_tensors(structure: Any, what: str) -> None:
    for t in ember.nest.flatten(structure):
        if not isinstance(t, KerasTensor) or t._keras_history is None:
            raise ValueError(f"All `{what}` values must be KerasTensors (from keras.Input "
                             f"or a layer called on one). Received: {what}={structure!r} "
                             f"including invalid value {t!r} of type {type(t).__name__}")


def _rewire_intermediate_inputs(inputs: Any, outputs: Any) -> tuple[Any, Any]:
    """``Model(h, out)`` with ``h`` a layer's output, as Keras allows: a new keras.Input
    stands for each such tensor and the layers between it and the outputs are called
    again on it (the layers themselves are shared, not copied)."""
    from .input_layer import Input
    values: dict[int, Any] = {}
    new_inputs = []
    for t in ember.nest.flatten(inputs):
        if not _is_input_tensor(t):
            values[id(t)] = Input(batch_shape=t.shape, dtype=t.dtype, sparse=t.sparse)
        new_inputs.append(values.get(id(t), t))
    order: list = []
    seen: set = set()

    def visit(t: KerasTensor) -> None:
        if id(t) in values:
            return
        layer, node_index, _ = t._keras_history
        node = layer._inbound_nodes[node_index]
        if id(node) in seen:
            return
        seen.add(id(node))
        for x in node.input_tensors:
            visit(x)
        order.append(node)

    for t in ember.nest.flatten(outputs):
        visit(t)
    for node in order:
        if any(id(x) in values for x in node.input_tensors):
            out = node.layer(*_substitute(node.call_args, values, partial=True),
                             **_substitute(node.call_kwargs, values, partial=True))
            for old, new in zip(node.outputs, ember.nest.flatten(out)):
                values[id(old)] = new
    inputs = ember.nest.pack_sequence_as(inputs, new_inputs) \
        if not isinstance(inputs, KerasTensor) else new_inputs[0]
    return inputs, _substitute(outputs, values, partial=True)


def _map_graph(inputs: list, outputs: list) -> tuple[list, list, dict]:
    """Keras's ``map_graph``: the nodes from the inputs to the outputs, each after the
    nodes it reads from, and the layers in Keras's order (by decreasing depth from the
    outputs, ties in the order a depth-first walk from the outputs first meets them),
    which is the order of ``model.layers``, of ``weights`` and of a saved file's
    ``layers/...`` entries; and each node's depth (by node id)."""
    nodes: list = []
    finished: set = set()
    in_progress: set = set()
    first_seen: dict[int, int] = {}

    def visit(t: KerasTensor) -> None:
        layer, node_index, _ = t._keras_history
        node = layer._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(f"Tensor {t!r} from layer '{layer.name}' is part of a cycle.")
        first_seen.setdefault(id(layer), len(first_seen))
        in_progress.add(id(node))
        if not node.is_input:
            for x in node.input_tensors:
                visit(x)
        in_progress.discard(id(node))
        finished.add(id(node))
        nodes.append(node)

    for t in outputs:
        visit(t)
    node_depth: dict[int, int] = {}
    layer_depth: dict[int, int] = {}
    layers: dict[int, Any] = {}
    for node in reversed(nodes):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        layers[id(node.layer)] = node.layer
        node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in finished:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    unused = []
    for t in inputs:        # an input nothing depends on is still part of the model
        layer = t._keras_history[0]
        if id(layer) not in layer_depth:
            layer_depth[id(layer)] = 0
            first_seen[id(layer)] = -1
            layers[id(layer)] = layer
            unused.append(layer._inbound_nodes[t._keras_history[1]])
            node_depth[id(unused[-1])] = 0
    nodes = unused + nodes
    computable = {id(t) for t in inputs}
    accessed: list = []
    for node in nodes:
        for x in node.input_tensors:
            if id(x) not in computable:
                raise ValueError(f"Graph disconnected: cannot find parent for tensor {x!r} "
                                 f"at layer '{node.layer.name}'. The following previous "
                                 f"layers were accessed without issue: {accessed}")
        if node.is_input and not any(node.outputs[0] is t for t in inputs):
            continue      # an Input that is not one of the model's: reported where used
        if not node.is_input:
            accessed.append(node.layer.name)
        computable.update(id(t) for t in node.outputs)
    order = sorted(layers, key=lambda i: (-layer_depth[i], first_seen[i]))
    ordered = [layers[i] for i in order]
    names = [l.name for l in ordered]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f'The name "{name}" is used {names.count(name)} times in the '
                             "model. All layer names should be unique.")
    return nodes, ordered, node_depth


class Functional(Model):
    """A model defined by ``Model(inputs, outputs)``."""

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None,
                 trainable: bool = True, **kwargs):
        Model.__init__(self, name=name, trainable=trainable, **kwargs)
        _check_keras_tensors(inputs, "inputs")
        _check_keras_tensors(outputs, "outputs")
        if not all(_is_input_tensor(t) for t in ember.nest.flatten(inputs)):
            inputs, outputs = _rewire_intermediate_inputs(inputs, outputs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = ember.nest.flatten(inputs)
        self.outputs = ember.nest.flatten(outputs)
        self._nodes, layers, self._node_depths = _map_graph(self.inputs, self.outputs)
        self._tracking = False
        self._layers = layers
        self._tracking = True
        self.built = True
        self._build_shapes = [t.shape for t in self.inputs] if len(self.inputs) > 1 \
            else self.inputs[0].shape

    @property
    def layers(self) -> list:
        """The model's layers in Keras's order; the operations that ``keras.ops`` calls
        and Python operators on KerasTensors recorded are nodes, not layers."""
        from ..layers.core.op_layer import OperationLayer
        return [l for l in self._layers if not isinstance(l, OperationLayer)]

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
            missing = sorted(set(self._inputs_struct) - set(inputs))
            if missing:
                raise ValueError(f"Model {self.name} expects a dict of inputs with keys "
                                 f"{sorted(self._inputs_struct)}; the keys {missing} are "
                                 f"missing (got {sorted(inputs)})")
            flat = [inputs[k] for k in sorted(self._inputs_struct)]
            kts = [self._inputs_struct[k] for k in sorted(self._inputs_struct)]
        elif isinstance(inputs, dict):
            # a dict for a list of inputs: matched by input name, other keys ignored
            names = [t.name for t in self.inputs]
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(f"Model {self.name} has inputs named {names}; the dict "
                                 f"given has no value for {missing} (keys: "
                                 f"{sorted(inputs)})")
            kts = self.inputs
            flat = [inputs[n] for n in names]
        else:
            if len(self.inputs) == 1 and isinstance(inputs, (list, tuple)) and \
                    len(inputs) == 1 and hasattr(inputs[0], "shape"):
                inputs = inputs[0]      # [x] for a model of one input, as in Keras
            flat = ember.nest.flatten(inputs) if len(self.inputs) > 1 else [inputs]
            kts = self.inputs
            if len(flat) != len(kts):
                raise ValueError(f"Model {self.name} expects {len(kts)} input(s), but it "
                                 f"received {len(flat)} input tensors.")
        return kts, flat

    def _match_inputs(self, inputs: Any) -> dict:
        """Map each model input KerasTensor's id to the value given for it, converted to
        the input's dtype (as Keras converts a functional model's inputs). As in Keras,
        a trailing axis of size 1 is squeezed or added when that makes the ranks match
        (``(batch,)`` data for an ``Input((1,))``)."""
        values = {}
        for i, (kt, value) in enumerate(zip(*self._pair_inputs(inputs))):
            if not isinstance(value, ember.Tensor):
                value = ember.constant(value) if not isinstance(value, ember.Variable) \
                    else value.read_value()
            mask = getattr(value, "_keras_mask", None)
            if value.dtype != kt.dtype:
                value = ember.cast(value, kt.dtype)
            if value.ndim == len(kt.shape) + 1 and value.shape[-1] == 1:
                value = ember.squeeze(value, -1)
            elif value.ndim == len(kt.shape) - 1 and kt.shape and kt.shape[-1] == 1:
                value = ember.expand_dims(value, -1)
            if mask is not None and getattr(value, "_keras_mask", None) is not mask:
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
        outputs = ember.nest.pack_sequence_as(self._outputs_struct,
                                              [values[id(t)] for t in self.outputs])
        # Keras returns the tensor itself for `Model(x, [y])` called on data (a
        # symbolic call keeps the list: compute_output_spec)
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            return outputs[0]
        return outputs

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


def _substitute(structure: Any, values: dict, partial: bool = False) -> Any:
    """``structure`` with each KerasTensor replaced by its value (with ``partial``,
    tensors without one are kept)."""
    if isinstance(structure, KerasTensor):
        return values.get(id(structure), structure) if partial else values[id(structure)]
    if isinstance(structure, dict):
        return {k: _substitute(v, values, partial) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_substitute(v, values, partial) for v in structure)
    return structure


def functional_from_config(cls, config: dict, custom_objects: dict | None = None):
    from .functional_config import functional_from_config as build
    return build(cls, config, custom_objects)
