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
            return ember.zeros(shape, dtype=spec.dtype)
        if len(shape) >= 2 and shape[-1] == shape[-2]:
            return ember.broadcast_to(ember.eye(shape[-1], dtype=spec.dtype), shape)
        return ember.ones(shape, dtype=spec.dtype)
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
        return KerasTensor(shape, a.dtype.name)
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
    Node(layer, args, kwargs, outputs)
    return outputs


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
