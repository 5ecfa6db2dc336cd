"""A layer that applies one Ember function: what ``x + y`` on KerasTensors records."""
from __future__ import annotations

from typing import Callable

from ...models.layer import Layer


class OperationLayer(Layer):
    """Applies ``fn`` to its tensor arguments; non-tensor arguments are kept as constants.

    Created automatically when Python operators or ``keras.ops`` functions meet symbolic
    tensors in a functional model.
    """

    def __init__(self, fn: Callable, name: str | None = None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "operation"), **kwargs)
        self.fn = fn
        self.built = True

    def __call__(self, *args, **kwargs):
        return super().__call__(*args, **kwargs)

    def _eager_call(self, args: tuple, kwargs: dict):
        return self.fn(*args, **kwargs)

    def call(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def get_config(self) -> dict:
        op_name = getattr(self.fn, "_keras_op_name", None)
        if op_name is not None:   # a keras.ops function, maybe with constant kwargs
            return {"name": self.name, "function": op_name, "module": "keras.ops",
                    "fn_kwargs": dict(getattr(self.fn, "kwargs", {}))}
        fn_name = getattr(self.fn, "__name__", "operation")
        return {"name": self.name, "function": fn_name}

    @classmethod
    def from_config(cls, config: dict) -> "OperationLayer":
        import ember
        if config.get("module") == "keras.ops":
            from ...ops import _dispatch
            fn = getattr(ember.keras.ops, config["function"], None)
            if fn is not None and config.get("fn_kwargs"):
                fn = _dispatch.BoundOp(fn, config["fn_kwargs"])
        else:
            fn = getattr(ember, config["function"], None)
        if fn is None:
            raise ValueError(f"Unknown operation {config['function']!r} in config")
        return cls(fn, name=config.get("name"))
