"""keras.layers.InputSpec: what a layer accepts (rank, axis sizes, dtype)."""
from __future__ import annotations

from typing import Any


class InputSpec:
    """Constraints on a layer input, checked when the layer is built or called on
    symbolic tensors.

    >>> spec = InputSpec(min_ndim=2, axes={-1: 3})
    >>> assert_input_compatibility(spec, (None, 3), "dense")
    """

    def __init__(self, dtype: Any = None, shape: Any = None, ndim: int | None = None,
                 max_ndim: int | None = None, min_ndim: int | None = None,
                 axes: dict | None = None, allow_last_axis_squeeze: bool = False,
                 name: str | None = None, optional: bool = False):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def get_config(self) -> dict:
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config: dict) -> "InputSpec":
        return cls(**config)

    def __repr__(self) -> str:
        parts = [f"{k}={v}" for k, v in self.get_config().items() if v]
        return f"InputSpec({', '.join(parts)})"


def assert_input_compatibility(spec: Any, shapes: Any, layer_name: str) -> None:
    """Raise a Keras-worded ValueError when ``shapes`` break ``spec`` (one spec or a list)."""
    if spec is None:
        return
    specs = spec if isinstance(spec, (list, tuple)) else [spec]
    shape_list = shapes if isinstance(shapes, list) and shapes and \
        isinstance(shapes[0], (tuple, list)) else [shapes]
    if len(specs) != len(shape_list):
        raise ValueError(f'Layer "{layer_name}" expects {len(specs)} input(s), but it '
                         f"received {len(shape_list)} input tensors.")
    for i, (s, shape) in enumerate(zip(specs, shape_list)):
        if s is None or shape is None:
            continue
        shape = tuple(shape)
        rank = len(shape)
        named = f" with name '{s.name}'" if s.name else ""
        where = f"Input {i}{named} of layer '{layer_name}' is incompatible with the layer"
        if s.ndim is not None and rank != s.ndim and not (
                s.allow_last_axis_squeeze and rank in (s.ndim - 1, s.ndim + 1)):
            raise ValueError(f"{where}: expected ndim={s.ndim}, found ndim={rank}. "
                             f"Full shape received: {shape}")
        if s.max_ndim is not None and rank > s.max_ndim:
            raise ValueError(f"{where}: expected max_ndim={s.max_ndim}, found ndim={rank}. "
                             f"Full shape received: {shape}")
        if s.min_ndim is not None and rank < s.min_ndim:
            raise ValueError(f"{where}: expected min_ndim={s.min_ndim}, found ndim={rank}. "
                             f"Full shape received: {shape}")
        for axis, value in s.axes.items():
            if value is None or not -rank <= axis < rank:
                continue
            if shape[axis] is not None and shape[axis] != value:
                raise ValueError(f"{where}: expected axis {axis} of input shape to have value "
                                 f"{value}, but received input with shape {shape}")
        if s.shape is not None:
            for want, got in zip(s.shape, shape):
                if want is not None and got is not None and want != got:
                    raise ValueError(f"{where}: expected shape={s.shape}, found "
                                     f"shape={shape}")
