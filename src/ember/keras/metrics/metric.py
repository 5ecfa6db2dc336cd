"""The Keras ``Metric`` base class: state in non-trainable variables, updated batch by
batch, read with ``result``."""
from __future__ import annotations

from typing import Any

import ember

from ..models import dtype_policy
from ..utils.naming import to_snake_case, uniquify
from ..variables import KerasVariable, standardize_shape

_PYTHON_DTYPES = {"int": "int64", int: "int64", float: "float32", bool: "bool"}


def standardize_metric_dtype(dtype: Any) -> Any:
    """Keras's dtype aliases (``"int"`` is int64, as on TensorFlow)."""
    try:
        return _PYTHON_DTYPES.get(dtype, dtype)
    except TypeError:  # unhashable, e.g. a config dict
        return dtype


class Metric:
    """Base class of metrics: subclasses create state with ``add_variable`` and implement
    ``update_state`` and ``result``.

    >>> class Count(Metric):
    ...     def __init__(self, name="count", dtype=None):
    ...         super().__init__(name=name, dtype=dtype)
    ...         self.n = self.add_variable((), "zeros", name="n")
    ...     def update_state(self, values):
    ...         self.n.assign_add(ember.cast(ember.size(values), self.n.dtype))
    ...     def result(self):
    ...         return ember.identity(self.n)
    >>> float(Count()([1, 2, 3]))
    3.0
    """

    _is_keras_metric = True  # layers track metrics assigned as attributes

    def __init__(self, dtype: Any = None, name: str | None = None):
        object.__setattr__(self, "_variables", [])
        object.__setattr__(self, "_metrics", [])
        self.name = name or uniquify(to_snake_case(type(self).__name__))
        self._dtype_policy = dtype_policy.get(standardize_metric_dtype(dtype))
        self._dtype = self._dtype_policy.compute_dtype
        object.__setattr__(self, "_tracking", True)

    # -- tracking ---------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_tracking", False):
            self._track(value)
        object.__setattr__(self, name, value)

    def _track(self, value: Any) -> None:
        if isinstance(value, ember.Variable):
            if all(value is not v for v in self._variables):
                self._variables.append(value)
        elif isinstance(value, Metric):
            if all(value is not m for m in self._metrics):
                self._metrics.append(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                if isinstance(v, (ember.Variable, Metric)):
                    self._track(v)

    def _check_super_called(self) -> None:
        if "_variables" not in self.__dict__:
            raise RuntimeError("You forgot to call `super().__init__()` in the `__init__()` "
                               f"method of metric {type(self).__name__}. Go add it!")

    # -- state ------------------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        """The dtype results are computed in."""
        return self._dtype

    def add_variable(self, shape: Any, initializer: Any, dtype: Any = None,
                     aggregation: str = "sum", name: str | None = None) -> KerasVariable:
        """Create a non-trainable state variable (``path`` is ``"<metric>/<name>"``)."""
        self._check_super_called()
        from .. import config, initializers
        shape = standardize_shape(() if shape is None else shape)
        dtype = standardize_metric_dtype(dtype) or config.floatx()
        name = name or f"variable_{len(self._variables)}"
        var = KerasVariable(initializers.get(initializer), shape=shape, dtype=dtype,
                            trainable=False, aggregation=aggregation, name=name,
                            path=f"{self.name.replace('/', '>')}/{name}")
        self._track(var)
        return var

    def add_weight(self, shape: Any = (), initializer: Any = None, dtype: Any = None,
                   name: str | None = None) -> KerasVariable:
        """Alias of ``add_variable`` (zeros by default)."""
        return self.add_variable(shape=shape, initializer=initializer or "zeros",
                                 dtype=dtype, name=name)

    @property
    def variables(self) -> list:
        """Every state variable: own, then sub-metrics' (all non-trainable)."""
        out = list(self._variables)
        for metric in self._metrics:
            out.extend(metric.variables)
        return out

    @property
    def trainable_variables(self) -> list:
        """Always empty: metric state is never trained."""
        return []

    @property
    def non_trainable_variables(self) -> list:
        return self.variables

    def reset_state(self) -> None:
        """Set every state variable back to zeros."""
        for v in self.variables:
            v.assign(ember.zeros(tuple(v.shape), dtype=v.dtype))

    def update_state(self, *args, **kwargs) -> None:
        """Accumulate statistics from one batch; subclasses implement it."""
        raise NotImplementedError(f"Metric {type(self).__name__} does not implement "
                                  "update_state()")

    def result(self) -> Any:
        """The metric's value from the accumulated state; subclasses implement it."""
        raise NotImplementedError(f"Metric {type(self).__name__} does not implement "
                                  "result()")

    def __call__(self, *args, **kwargs) -> Any:
        """``update_state(*args, **kwargs)``, then ``result()``."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- configuration ----------------------------------------------------------------------
    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__
