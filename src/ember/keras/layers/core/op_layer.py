"""A layer that applies one Ember function: what ``x + y`` on KerasTensors records."""
from __future__ import annotations

from collections.abc import Callable

from ...models.layer import Layer


class OperationLayer(Layer):
    """Applies ``fn`` to its tensor arguments; non-tensor arguments are kept as constants.

    Created automatically when Python operators or ``keras.ops`` functions meet symbolic
    tensors in a functional model.
    """

    def __init__(self, fn: Callable, name: str | None = None, **kwargs):
        if name is None:        # unique per model, as Keras names its operations
            from ...utils.naming import uniquify
            name = uniquify(getattr(fn, "_keras_op_name", None) or
                            getattr(fn, "__name__", "operation"))
        super().__init__(name=name, **kwargs)
        self.fn = fn
        self.built = True

    def __call__(self, *args, **kwargs):
        return super().__call__(*args, **kwargs)

    def _eager_call(self, args: tuple, kwargs: dict):
        return self.fn(*args, **kwargs)

    def call(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def keras_envelope(self) -> dict | None:
        """The config envelope real Keras writes for this operation (``x + y`` is
        ``{"module": "keras.src.ops.numpy", "class_name": "Add", ...}``), or None for a
        function Keras has no operation class for."""
        name = getattr(self.fn, "_keras_op_name", None) or _OPERATOR_OPS.get(
            getattr(self.fn, "__name__", ""))
        if name is None:
            return None
        from ...ops.keras_op_names import KERAS_OPS
        if name not in KERAS_OPS or _keras_function(name) is None:
            return None
        module, class_name, _ = KERAS_OPS[name]
        config = {"name": self.name, **dict(getattr(self.fn, "kwargs", {}))}
        return {"module": module, "class_name": class_name, "config": config,
                "registered_name": class_name}

    @classmethod
    def from_keras_op(cls, class_name: str, config: dict) -> OperationLayer:
        """The layer for a Keras operation envelope (``keras.src.ops.*``): the
        ``keras.ops`` function named like the class, with the config's arguments."""
        from ...ops import _dispatch
        from ...ops.keras_op_names import KERAS_OPS
        names = [n for n, (_, c, _) in KERAS_OPS.items() if c == class_name]
        name = names[0] if names else \
            "".join("_" + c.lower() if c.isupper() else c for c in class_name).lstrip("_")
        fn = _keras_function(name)
        if fn is None:
            raise ValueError(f"Unknown Keras operation '{class_name}' (keras.ops.{name} does "
                             "not exist in Ember)")
        kwargs = {k: v for k, v in config.items() if k != "name"}
        return cls(_dispatch.BoundOp(fn, kwargs) if kwargs else fn, name=config.get("name"))

    def get_config(self) -> dict:
        op_name = getattr(self.fn, "_keras_op_name", None)
        if op_name is not None:   # a keras.ops function, maybe with constant kwargs
            return {"name": self.name, "function": op_name, "module": "keras.ops",
                    "fn_kwargs": dict(getattr(self.fn, "kwargs", {}))}
        fn_name = getattr(self.fn, "__name__", "operation")
        return {"name": self.name, "function": fn_name}

    @classmethod
    def from_config(cls, config: dict) -> OperationLayer:
        import ember
        if config.get("module") == "keras.ops":
            from ...ops import _dispatch
            fn = _keras_function(config["function"])
            if fn is not None and config.get("fn_kwargs"):
                fn = _dispatch.BoundOp(fn, config["fn_kwargs"])
        else:
            fn = getattr(ember, config["function"], None)
        if fn is None:
            raise ValueError(f"Unknown operation {config['function']!r} in config")
        return cls(fn, name=config.get("name"))


def _keras_function(name: str):
    """``keras.ops.<name>``, or ``keras.ops.image.<name>`` (image ops live only there)."""
    import ember
    ops = ember.keras.ops
    fn = getattr(ops, name, None)
    if fn is None and hasattr(ops, "image"):
        fn = getattr(ops.image, name, None)
    return fn


# Ember ops that Python operators on KerasTensors record -> the keras.ops name Keras uses
_OPERATOR_OPS = {"add": "add", "subtract": "subtract", "multiply": "multiply",
                 "divide": "true_divide", "truediv": "true_divide", "negative": "negative",
                 "pow": "power", "matmul": "matmul", "floordiv": "floor_divide",
                 "floormod": "mod", "abs": "absolute", "logical_and": "logical_and",
                 "logical_or": "logical_or", "logical_xor": "logical_xor",
                 "logical_not": "logical_not", "less": "less", "less_equal": "less_equal",
                 "greater": "greater", "greater_equal": "greater_equal"}
