"""Hinge metrics: hinge, squared hinge and categorical hinge as running means."""
from __future__ import annotations

from typing import Any

from ..losses.hinge_losses import categorical_hinge, hinge, squared_hinge
from .reduction_metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """Mean hinge loss.

    >>> float(Hinge()([[0.0, 1.0]], [[-1.0, 0.5]]))
    0.25
    """

    def __init__(self, name: str = "hinge", dtype: Any = None):
        super().__init__(fn=hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """Mean squared hinge loss.

    >>> float(SquaredHinge()([[0.0, 1.0]], [[-1.0, 0.5]]))
    0.125
    """

    def __init__(self, name: str = "squared_hinge", dtype: Any = None):
        super().__init__(fn=squared_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """Mean categorical hinge loss.

    >>> float(CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.8]]))
    0.5
    """

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(fn=categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}
