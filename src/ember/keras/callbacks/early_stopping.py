"""keras.callbacks.EarlyStopping: stop training when a monitored metric stops improving."""
from __future__ import annotations

import warnings

from ..interactive_logging import print_msg
from .monitor_callback import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: the logged quantity to watch (``"val_loss"``).
        min_delta: a change smaller than this is not an improvement.
        patience: epochs without improvement before stopping.
        verbose: 1 prints a line when training stops or weights are restored.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        baseline: the waiting counter restarts only once the metric beats this value.
        restore_best_weights: at the end of training, set the weights of the best epoch.
        start_from_epoch: epochs of warm-up before watching starts.

    >>> from ember import keras
    >>> stop = keras.callbacks.EarlyStopping(monitor="loss", patience=3)
    >>> # model.fit(x, y, epochs=100, callbacks=[stop]) stops 3 epochs after the best loss
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.best_epoch = 0
        self.start_from_epoch = start_from_epoch
        self._warned = False

    def on_train_begin(self, logs=None):
        # the same instance may be passed to several fit() calls
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0
        self._warned = False

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()   # now, once the model's metrics exist
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # nothing better seen yet: the current weights are the best so far
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # the wait restarts only when the baseline is beaten as well
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return

        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg("Restoring model weights from the end of the best epoch: "
                          f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        """``logs[monitor]``, or None with a warning (once per training run)."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None and not self._warned:
            self._warned = True
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is "
                          f"not available. Available metrics are: {','.join(logs)}",
                          stacklevel=2)
        return value
