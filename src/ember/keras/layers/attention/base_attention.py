"""What the multi-head attention layers share: being called as ``layer(query, value,
key=None, ...)``, building from all three shapes, and finding the inputs' masks."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from ...models.layer import Layer


def _shape(x: Any) -> tuple:
    return tuple(None if d is None else int(d) for d in x.shape)


def keras_mask(x: Any) -> Any:
    """The mask a Keras layer attached to ``x``, or None."""
    return getattr(x, "_keras_mask", None) if x is not None else None


class QueryValueAttention(Layer):
    """Base of ``MultiHeadAttention`` and ``GroupedQueryAttention``: called on ``query``
    and ``value`` (and optionally ``key``) tensors, built from all their shapes.

    Subclasses implement ``build(query_shape, value_shape, key_shape=None)`` and
    ``call(query, value, key=None, ...)``.
    """

    def __call__(self, query: Any = None, value: Any = None, key: Any = None, **kwargs):
        if query is None or value is None:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) must be called "
                             "with `query` and `value` tensors: layer(query, value) or "
                             f"layer(query, value, key). Received: query={query!r}, "
                             f"value={value!r}")
        if not self.built:
            shapes = {"query_shape": _shape(query), "value_shape": _shape(value)}
            if key is not None:
                shapes["key_shape"] = _shape(key)
            self._build_in_scope(**shapes)   # weights: "multi_head_attention/query/kernel"
            self._shapes_dict = shapes
        if key is not None:
            kwargs["key"] = key
        return super().__call__(query, value, **kwargs)

    def get_build_config(self) -> dict | None:
        shapes = getattr(self, "_shapes_dict", None)
        if shapes is None:
            return None
        return {"shapes_dict": {k: list(v) for k, v in shapes.items()}}

    def build_from_config(self, config: dict) -> None:
        if not config or self.built:
            return
        shapes = config.get("shapes_dict")
        if shapes is None:   # a single-input build config: self-attention on one shape
            shape = config.get("input_shape")
            if shape is None:
                return
            shapes = {"query_shape": shape, "value_shape": shape}
        shapes = {k: tuple(v) for k, v in shapes.items()}
        self._build_in_scope(**shapes)
        self._shapes_dict = shapes

    def _as_input(self, x: Any) -> ember.Tensor:
        """``value``/``key`` as tensors in the compute dtype (the base class only converts
        and autocasts the first argument)."""
        if not isinstance(x, ember.Tensor):
            if isinstance(x, ember.Variable):
                x = x.read_value()
            else:
                arr = np.asarray(x)
                x = ember.constant(arr.astype(self.compute_dtype)
                                   if arr.dtype.kind == "f" else arr)
        if self.autocast and x.dtype.is_floating and x.dtype.name != self.compute_dtype:
            x = ember.cast(x, self.compute_dtype)
        return x

    def _common_sublayer_kwargs(self, kernel_initializer, bias_initializer,
                                kernel_regularizer, bias_regularizer, activity_regularizer,
                                kernel_constraint, bias_constraint) -> dict:
        """Keyword arguments of the projection sublayers; each gets its own copy of the
        initializers (a shared unseeded initializer would give every kernel one draw)."""
        def fresh(init):
            return init.clone() if hasattr(init, "clone") else init
        return {"kernel_initializer": fresh(kernel_initializer),
                "bias_initializer": fresh(bias_initializer),
                "kernel_regularizer": kernel_regularizer,
                "bias_regularizer": bias_regularizer,
                "activity_regularizer": activity_regularizer,
                "kernel_constraint": kernel_constraint, "bias_constraint": bias_constraint,
                "dtype": self.dtype_policy}
