"""Calling layers and ops on symbolic KerasTensors: output inference and graph nodes."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import ember

from .keras_tensor import KerasTensor


class Node:
    """One call of a layer in a functional graph: its arguments and its outputs."""

    def __init__(self, layer, args: tuple, kwargs: dict, outputs: Any):
        self.layer = layer
        self.call_args = args
        self.call_kwargs = kwargs
        self.input_tensors = [t for t in ember.nest.flatten((args, kwargs))
                              if isinstance(t, KerasTensor)]
        self.output_structure = outputs
        self.outputs = [t for t in ember.nest.flatten(outputs) if isinstance(t, KerasTensor)]
        self.parent_nodes = [t._keras_history[0]._inbound_nodes[t._keras_history[1]]
                             for t in self.input_tensors if t._keras_history is not None]
        index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.outputs):
            t._keras_history = (layer, index, i)

    @property
    def is_input(self) -> bool:
        return not self.input_tensors


def _dummy(spec: Any, fill: int, eye: bool = False):
    """A stand-in value for ``spec``: zeros with None dims as ``fill``; with ``eye``
    identity matrices in the last two dims where they are square (ones elsewhere), for
    ops that need an invertible (or positive definite) matrix."""
    if isinstance(spec, KerasTensor):
        shape = tuple(fill if d is None else d for d in spec.shape)
        if not eye:
            value = ember.zeros(shape, dtype=spec.dtype)
        elif len(shape) >= 2 and shape[-1] == shape[-2]:
            value = ember.broadcast_to(ember.eye(shape[-1], dtype=spec.dtype), shape)
        else:
            value = ember.ones(shape, dtype=spec.dtype)
        mask = getattr(spec, "_keras_mask", None)
        if isinstance(mask, KerasTensor):
            # a masked symbolic input: the layer's call sees a mask (Keras passes it on)
            value._keras_mask = ember.ones(
                tuple(fill if d is None else d for d in mask.shape), dtype="bool")
        return value
    return spec


def _map(fn, x):
    if isinstance(x, dict):
        return {k: _map(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_map(fn, v) for v in x)
    return fn(x)


def _has_unknown(x) -> bool:
    return any(isinstance(t, KerasTensor) and None in t.shape
               for t in ember.nest.flatten(x))


def _merge_specs(a: Any, b: Any) -> Any:
    """KerasTensors whose dims are None where two dummy runs disagree."""
    if isinstance(a, dict):
        return {k: _merge_specs(a[k], b[k]) for k in a}
    if isinstance(a, (list, tuple)):
        return type(a)(_merge_specs(x, y) for x, y in zip(a, b))
    if isinstance(a, ember.Tensor):
        shape = tuple(d1 if d1 == d2 else None for d1, d2 in zip(a.shape, b.shape))
        out = KerasTensor(shape, a.dtype.name)
        mask_a, mask_b = getattr(a, "_keras_mask", None), getattr(b, "_keras_mask", None)
        if mask_a is not None and mask_b is not None:
            # the output's mask, symbolically (Keras's KerasTensors carry theirs)
            out._keras_mask = _merge_specs(ember.convert_to_tensor(mask_a),
                                           ember.convert_to_tensor(mask_b))
        return out
    return a


def _run_for_shapes(layer, args, kwargs, fill):
    """The layer's outputs on stand-in values (zeros; identities if zeros fail)."""
    try:
        return _run_on(layer, args, kwargs, fill, eye=False)
    except Exception as first:     # e.g. a singular matrix: try invertible values
        try:
            return _run_on(layer, args, kwargs, fill, eye=True)
        except Exception:
            raise first from None  # the failure on zeros is the one to report


def _run_on(layer, args, kwargs, fill, eye):
    dargs = _map(lambda s: _dummy(s, fill, eye), args)
    dkwargs = {k: _map(lambda s: _dummy(s, fill, eye), v) for k, v in kwargs.items()}
    if "training" in dkwargs or getattr(layer, "_call_has_training", False):
        dkwargs["training"] = False  # shapes only: no state updates, no dropout
    saved = list(getattr(layer, "_losses", []))
    # a shapes-only run must leave no trace: what call() assigns is put back (Keras
    # builds symbolically and runs no call at all)
    values = [(v, ember.identity(v.value)) for v in getattr(layer, "variables", ())]
    try:
        if hasattr(layer, "_eager_call"):
            return layer._eager_call(dargs, dkwargs)
        return layer(*dargs, **dkwargs)
    finally:
        if hasattr(layer, "_clear_losses"):
            layer._clear_losses()
            layer._losses = saved
        for v, value in values:
            v.assign(value)


def infer_output_spec(layer, args: tuple, kwargs: dict) -> Any:
    """Find output shapes by running the layer on zeros (None dims as 2, then as 3)."""
    try:
        out1 = _run_for_shapes(layer, args, kwargs, 2)
        if not _has_unknown((args, kwargs)):
            return _merge_specs(out1, out1)
        out2 = _run_for_shapes(layer, args, kwargs, 3)
    except Exception as e:  # noqa: BLE001 - re-raised naming the layer and its inputs
        shapes = [t.shape for t in ember.nest.flatten((args, kwargs))
                  if isinstance(t, KerasTensor)]
        raise type(e)(f"Exception encountered when calling {type(layer).__name__} "
                      f"'{getattr(layer, 'name', '')}' on inputs of shape {shapes}: {e}") \
            from e
    return _merge_specs(out1, out2)


def _input_shapes(args):
    first = args[0] if args else None
    return _map(lambda t: t.shape if isinstance(t, KerasTensor) else
                (tuple(t.shape) if hasattr(t, "shape") else None), first)


def symbolic_layer_call(layer, args: tuple, kwargs: dict) -> Any:
    """``layer(*args)`` on KerasTensors: build the layer, infer outputs, record a node."""
    if not layer.built:
        layer._maybe_build(_input_shapes(args))
    elif getattr(layer, "input_spec", None) is not None:
        from ..layers.input_spec import assert_input_compatibility
        assert_input_compatibility(layer.input_spec, _input_shapes(args), layer.name)
    outputs = layer_output_spec(layer, args, kwargs)
    _attach_symbolic_masks(layer, args, kwargs, outputs)
    Node(layer, args, kwargs, outputs)
    return outputs


def _attach_symbolic_masks(layer, args: tuple, kwargs: dict, outputs: Any) -> None:
    """Give the output KerasTensors the mask ``layer.compute_mask`` makes from the
    inputs (and their masks), as Keras's KerasTensors carry ``_keras_mask``: a functional
    ``Embedding(mask_zero=True)`` output has one, and the next layer's call gets it."""
    from .layer import Layer, _collect_mask
    flat = [t for t in ember.nest.flatten(outputs) if isinstance(t, KerasTensor)]
    if not flat or all(getattr(t, "_keras_mask", None) is not None for t in flat):
        return          # none to give, or the shape inference run already gave them
    if not getattr(layer, "supports_masking", False) and \
            type(layer).compute_mask is Layer.compute_mask:
        return
    first = args[0] if args else None
    masks = []
    for fill in (2, 3):                      # two sizes find the None dims
        dummy = _map(lambda s: _dummy(s, fill), first)
        explicit = kwargs.get("mask")
        previous = _map(lambda s: _dummy(s, fill), explicit) if explicit is not None \
            else _collect_mask(dummy)
        try:
            mask = layer.compute_mask(dummy, previous)
        except Exception:   # noqa: BLE001 - a mask that cannot be inferred is left out
            return
        if mask is None:
            return
        masks.append(mask)
    specs = ember.nest.flatten(_map_masks(masks[0], masks[1]))
    for out, spec in zip(flat, specs):     # one mask: the first output's, as eagerly
        if spec is not None and getattr(out, "_keras_mask", None) is None:
            out._keras_mask = spec


def _map_masks(a: Any, b: Any) -> Any:
    if isinstance(a, (list, tuple)):
        return [_map_masks(x, y) for x, y in zip(a, b)]
    if a is None or b is None:
        return None
    a, b = ember.convert_to_tensor(a), ember.convert_to_tensor(b)
    return KerasTensor(tuple(d1 if d1 == d2 else None for d1, d2 in zip(a.shape, b.shape)),
                       "bool")


def layer_output_spec(layer, args: tuple, kwargs: dict) -> Any:
    """The KerasTensors ``layer(*args, **kwargs)`` returns on KerasTensor arguments (the
    layer is built), recording no node."""
    from .layer import Layer
    cls = type(layer)
    if cls.compute_output_spec is not Layer.compute_output_spec:
        return layer.compute_output_spec(*args, **kwargs)
    if cls.compute_output_shape is not Layer.compute_output_shape:
        return _specs_from_shapes(layer.compute_output_shape(_input_shapes(args)),
                                  layer.compute_dtype)
    return infer_output_spec(layer, args, kwargs)


def _is_shape(x) -> bool:
    return isinstance(x, tuple) and all(d is None or isinstance(d, (int, np.integer))
                                        for d in x)


def _specs_from_shapes(shapes: Any, dtype: str) -> Any:
    """KerasTensors for a shape, or a list/tuple/dict of shapes (kept a list, tuple or
    dict, as Keras does: ``LSTM(return_state=True)`` gives a tuple)."""
    if _is_shape(shapes):
        return KerasTensor(shapes, dtype)
    if isinstance(shapes, dict):
        return {k: _specs_from_shapes(v, dtype) for k, v in shapes.items()}
    out = [_specs_from_shapes(s, dtype) for s in shapes]
    return tuple(out) if isinstance(shapes, tuple) else out


def symbolic_call(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Apply an Ember function to KerasTensors, recording it as a layer in the graph."""
    from ..layers.core.op_layer import OperationLayer
    layer = OperationLayer(fn)
    return layer(*args, **kwargs)
