"""A functional model's config in Keras 3's layout: layers with ``inbound_nodes``."""
from __future__ import annotations

import copy
from typing import Any

import ember

from ..saving.serialization import deserialize_keras_object, serialize_keras_object
from .keras_tensor import KerasTensor


def _node_index_map(model) -> dict:
    """(layer id, original node index) -> index among the nodes this model keeps."""
    kept = {id(n) for n in model._nodes}
    mapping = {}
    for layer in model._layers:
        k = 0
        for i, node in enumerate(layer._inbound_nodes):
            if id(node) in kept:
                mapping[(id(layer), i)] = k
                k += 1
    return mapping


def _tensor_ref(t: KerasTensor, mapping: dict) -> list:
    layer, node_index, tensor_index = t._keras_history
    return [layer.name, mapping[(id(layer), node_index)], tensor_index]


def _serialize_arg(x: Any, mapping: dict) -> Any:
    if isinstance(x, KerasTensor):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(x.shape), "dtype": x.dtype,
                           "keras_history": _tensor_ref(x, mapping)}}
    if isinstance(x, (list, tuple)):
        return [_serialize_arg(v, mapping) for v in x]
    if isinstance(x, dict):
        return {k: _serialize_arg(v, mapping) for k, v in x.items()}
    return serialize_keras_object(x)


def functional_get_config(model) -> dict:
    """``{"name", "trainable", "layers": [...], "input_layers", "output_layers"}``."""
    mapping = _node_index_map(model)
    kept = {id(n) for n in model._nodes}
    layers = []
    for layer in model._layers:
        cfg = serialize_keras_object(layer)
        cfg["name"] = layer.name
        cfg["inbound_nodes"] = [
            {"args": _serialize_arg(list(node.call_args), mapping),
             "kwargs": _serialize_arg(dict(node.call_kwargs), mapping)}
            for node in layer._inbound_nodes if id(node) in kept and not node.is_input]
        layers.append(cfg)

    def refs(struct):
        if isinstance(struct, dict):
            return {k: refs(v) for k, v in struct.items()}
        if isinstance(struct, (list, tuple)):
            return [refs(v) for v in struct]
        return _tensor_ref(struct, mapping)

    return copy.deepcopy({"name": model.name, "trainable": model.trainable, "layers": layers,
                          "input_layers": refs(model._inputs_struct),
                          "output_layers": refs(model._outputs_struct)})


def functional_from_config(cls, config: dict, custom_objects: dict | None = None):
    """Rebuild a functional model: create each layer, then replay its calls in order."""
    from .functional import Functional
    created: dict[str, Any] = {}
    outputs_of: dict[tuple, Any] = {}   # (layer name, node index) -> output structure
    pending = []
    for layer_cfg in config["layers"]:
        layer = deserialize_keras_object(layer_cfg, custom_objects=custom_objects)
        created[layer_cfg["name"]] = layer
        if layer_cfg.get("class_name") == "InputLayer":
            outputs_of[(layer_cfg["name"], 0)] = layer.output
        for i, node in enumerate(layer_cfg.get("inbound_nodes", [])):
            pending.append((layer_cfg["name"], i, node))

    def resolve(x):
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            name, node_index, tensor_index = x["config"]["keras_history"]
            out = outputs_of.get((name, node_index))
            if out is None:
                raise KeyError(name)
            return ember.nest.flatten(out)[tensor_index]
        if isinstance(x, list):
            return [resolve(v) for v in x]
        if isinstance(x, dict) and "class_name" not in x:
            return {k: resolve(v) for k, v in x.items()}
        if isinstance(x, dict):
            return deserialize_keras_object(x, custom_objects=custom_objects)
        return x

    while pending:
        progressed = False
        for item in list(pending):
            name, i, node = item
            try:
                args = resolve(node.get("args", []))
                kwargs = resolve(node.get("kwargs", {}))
            except KeyError:
                continue
            outputs_of[(name, i)] = created[name](*args, **kwargs)
            pending.remove(item)
            progressed = True
        if not progressed:
            raise ValueError("Cannot rebuild the functional model: some layer inputs are "
                             f"never produced ({[p[0] for p in pending]})")

    def tensors(ref):
        if isinstance(ref, dict):
            return {k: tensors(v) for k, v in ref.items()}
        if ref and isinstance(ref[0], list):
            return [tensors(r) for r in ref]
        name, node_index, tensor_index = ref
        return ember.nest.flatten(outputs_of[(name, node_index)])[tensor_index]

    inputs = tensors(config["input_layers"])
    outputs = tensors(config["output_layers"])
    target = cls if cls is not None and issubclass(cls, Functional) else Functional
    return target(inputs, outputs, name=config.get("name"),
                  trainable=config.get("trainable", True))
