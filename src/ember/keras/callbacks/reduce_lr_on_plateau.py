"""keras.callbacks.ReduceLROnPlateau: lower the learning rate when a metric stops
improving."""
from __future__ import annotations

import warnings

import numpy as np

from .learning_rate_scheduler import learning_rate_value, log_learning_rates
from .monitor_callback import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without
    improvement of ``monitor`` (never below ``min_lr``), then wait ``cooldown`` epochs
    before counting again. The rate of each epoch is logged as ``learning_rate``.

    Args:
        monitor: the logged quantity to watch.
        factor: ``new_lr = lr * factor`` (must be < 1).
        patience: epochs without improvement before the rate is lowered.
        verbose: 1 prints a line each time the rate is lowered.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        min_delta: a change smaller than this is not an improvement.
        cooldown: epochs after a reduction during which no waiting is counted.
        min_lr: lower bound on the learning rate.

    >>> from ember import keras
    >>> reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2,
    ...                                               patience=5, min_lr=0.001)
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0.0, **kwargs):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau does not support a factor >= 1.0. "
                             f"Received factor={factor}")
        if kwargs:
            warnings.warn(f"ReduceLROnPlateau ignores the unknown arguments {sorted(kwargs)}",
                          stacklevel=2)
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self._warned = False

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0
        self._warned = False

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def _reduce(self, optimizer, epoch: int, name: str = "") -> bool:
        old_lr = learning_rate_value(optimizer)
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            which = f" {name}" if name else ""
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{which} learning rate to "
                  f"{new_lr}.", flush=True)
        return True

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        log_learning_rates(self.model, logs)   # the rate this epoch was trained with
        current = logs.get(self.monitor)
        if current is None:
            if not self._warned:
                self._warned = True
                warnings.warn("Learning rate reduction is conditioned on metric "
                              f"`{self.monitor}` which is not available. Available metrics "
                              f"are: {','.join(logs)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            reduced = False
            for opt in optimizer.optimizers:
                reduced = self._reduce(opt, epoch, opt.name) or reduced
        else:
            reduced = self._reduce(optimizer, epoch)
        if reduced:
            self.cooldown_counter = self.cooldown
            self.wait = 0
