"""keras.callbacks.LearningRateScheduler: set the learning rate from ``schedule(epoch, lr)``
at the start of each epoch."""
from __future__ import annotations

import inspect
from typing import Callable

import numpy as np

from ..interactive_logging import print_msg
from .callback import Callback


def learning_rate_value(optimizer) -> float:
    """The optimizer's current learning rate as a Python float."""
    if not hasattr(optimizer, "learning_rate"):
        raise ValueError('Optimizer must have a "learning_rate" attribute.')
    lr = optimizer.learning_rate
    if hasattr(lr, "numpy"):
        lr = lr.numpy()
    return float(np.asarray(lr))


def log_learning_rates(model, logs: dict) -> None:
    """Put ``learning_rate`` (or ``learning_rate_<name>`` per inner optimizer) in ``logs``."""
    optimizer = model.optimizer
    if hasattr(optimizer, "optimizers"):
        for opt in optimizer.optimizers:
            logs[f"learning_rate_{opt.name}"] = learning_rate_value(opt)
    else:
        logs["learning_rate"] = learning_rate_value(optimizer)


def _takes_one_argument(fn) -> bool:
    try:
        inspect.signature(fn).bind(0)
        return True
    except (TypeError, ValueError):
        return False


class LearningRateScheduler(Callback):
    """Learning rate scheduler.

    At the beginning of every epoch the optimizer's learning rate becomes
    ``schedule(epoch, lr)`` (epoch counted from 0, ``lr`` the current rate as a float);
    a one-argument ``schedule(epoch)`` is accepted too. The rate is logged as
    ``learning_rate`` at the end of the epoch.

    >>> from ember import keras
    >>> def scheduler(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.9
    >>> callback = keras.callbacks.LearningRateScheduler(scheduler)
    """

    def __init__(self, schedule: Callable, verbose: int = 0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _new_rate(self, epoch: int, lr: float) -> float:
        try:
            value = self.schedule(epoch, lr)
        except TypeError:
            # the old one-argument API; re-raise errors from inside a 2-argument schedule
            if not _takes_one_argument(self.schedule):
                raise
            value = self.schedule(epoch)
        if hasattr(value, "numpy") and np.ndim(value.numpy()) == 0 and \
                np.issubdtype(np.asarray(value.numpy()).dtype, np.floating):
            value = float(value.numpy())   # a scalar float tensor, e.g. lr * ember.exp(-0.1)
        if not isinstance(value, (float, np.float32, np.float64)):
            raise ValueError("The output of the `schedule` function should be a float. "
                             f"Got: {value}")
        return value

    def _update(self, optimizer, epoch: int) -> float:
        lr = self._new_rate(epoch, learning_rate_value(optimizer))
        optimizer.learning_rate = lr
        return lr

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for opt in optimizer.optimizers:
                lr = self._update(opt, epoch)
                if self.verbose > 0:
                    print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {opt.name} "
                              f"learning rate to {lr}.")
        else:
            lr = self._update(optimizer, epoch)
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate "
                          f"to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            log_learning_rates(self.model, logs)
