"""MonitorCallback: the shared "is this metric value an improvement?" logic of
EarlyStopping, ModelCheckpoint and ReduceLROnPlateau."""
from __future__ import annotations

import warnings

import numpy as np

from .callback import Callback


def _less(a, b) -> bool:
    return bool(np.less(a, b))


def _greater(a, b) -> bool:
    return bool(np.greater(a, b))


class MonitorCallback(Callback):
    """Base for callbacks that watch one logged quantity (``monitor``).

    ``mode="min"`` wants it to go down, ``"max"`` up, and ``"auto"`` decides from the
    name: ``loss`` / ``val_loss`` go down, and a compiled metric goes the way its
    ``_direction`` (``"up"`` or ``"down"``) says. A change smaller than ``min_delta``
    does not count as an improvement.

    >>> class Watch(MonitorCallback):
    ...     pass
    >>> w = Watch(monitor="loss", mode="min", min_delta=0.1)
    >>> w._set_monitor_op()
    >>> w._is_improvement(0.5, 1.0), w._is_improvement(0.95, 1.0)
    (True, False)
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline=None,
                 min_delta: float = 0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to "
                          "auto mode.", stacklevel=3)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _metric_direction(self, name: str) -> str | None:
        """``"up"`` / ``"down"`` for the model's metric called ``name``, if it says."""
        found = None
        stack = list(getattr(self.model, "metrics", None) or [])
        while stack:
            m = stack.pop(0)
            inner = getattr(m, "metrics", None)
            if isinstance(inner, (list, tuple)) and inner is not m:
                stack.extend(inner)   # a container of metrics (compiled metrics, lists)
                continue
            if getattr(m, "name", None) == name and getattr(m, "_direction", None):
                found = m._direction
        return found

    def _set_monitor_op(self) -> None:
        """Choose the comparison for ``mode`` (raises if ``"auto"`` cannot tell)."""
        if self.mode == "min":
            self.monitor_op = _less
        elif self.mode == "max":
            self.monitor_op = _greater
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss":
                self.monitor_op = _less
            direction = self._metric_direction(name) if self.model is not None else None
            if direction is not None:
                self.monitor_op = _greater if direction == "up" else _less
            if self.monitor_op is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but "
                    "Keras isn't able to automatically determine whether that metric should "
                    "be maximized or minimized. Pass `mode='max'` in order to monitor based "
                    "on the highest metric value, or pass `mode='min'` in order to use the "
                    "lowest value.")
        if self.monitor_op is _less:
            self.min_delta = -abs(self.min_delta)
        else:
            self.min_delta = abs(self.min_delta)

    def _is_improvement(self, value, reference) -> bool:
        """Whether ``value`` beats ``reference`` by more than ``min_delta``."""
        if reference is None:
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        return self.monitor_op(value - self.min_delta, reference)
