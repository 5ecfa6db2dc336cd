"""keras.callbacks.ModelCheckpoint: save the model or its weights during training."""
from __future__ import annotations

import os
import warnings

import numpy as np

from ..interactive_logging import print_msg
from .batch_counting import save_due
from .monitor_callback import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Save the model (``model.save``) or its weights (``model.save_weights``) at the end of
    each epoch, or every ``save_freq`` batches.

    ``filepath`` may hold format fields filled from ``epoch`` (counted from 1), ``batch``
    (with an integer ``save_freq``) and the logs: ``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``.
    It must end in ``.weights.h5`` with ``save_weights_only=True``, else in ``.keras`` (or
    the legacy ``.h5``).

    Args:
        filepath: where to save (a string or ``os.PathLike``).
        monitor: the logged quantity that decides "best" with ``save_best_only``.
        verbose: 1 prints a line for each decision and save.
        save_best_only: save only when ``monitor`` improves on the best seen so far.
        save_weights_only: save the weights only.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"`` or a number of batches.
        initial_value_threshold: the "best" value a first save must beat.

    >>> from ember import keras
    >>> ckpt = keras.callbacks.ModelCheckpoint("ckpt/best.keras", monitor="val_loss",
    ...                                        save_best_only=True)
    >>> ckpt.filepath
    'ckpt/best.keras'
    """

    def __init__(self, filepath, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False,
                 mode: str = "auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        self._warned = False

        if save_freq != "epoch" and (isinstance(save_freq, bool) or
                                     not isinstance(save_freq, (int, np.integer))
                                     or save_freq < 1):
            raise ValueError(f"Unrecognized save_freq: {save_freq}. Expected save_freq are "
                             "'epoch' or integer values")
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, "
                                 "the filepath provided must end in `.weights.h5` (Keras "
                                 f"weights format). Received: filepath={self.filepath}")
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError("The filepath provided must end in `.keras` (Keras model "
                             f"format). Received: filepath={self.filepath}")

    # -- hooks ------------------------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    # -- decisions --------------------------------------------------------------------------
    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        return save_due(self, batch)

    def _warn_once(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            warnings.warn(message, stacklevel=3)

    def _should_save_model(self, epoch: int, logs: dict, filepath: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            self._warn_once(f"Can save best model only with {self.monitor} available.")
            return True
        if np.ndim(current.numpy() if hasattr(current, "numpy") else current) > 0:
            self._warn_once("Can save best model only when `monitor` is a scalar value. "
                            f"Received: {current}. Falling back to `save_best_only=False`.")
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                          f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    # -- saving -----------------------------------------------------------------------------
    def _get_file_path(self, epoch: int, batch: int | None, logs: dict) -> str:
        """``filepath`` with ``{epoch}`` (from 1), ``{batch}`` (from 1) and log fields."""
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e}. Available fields: {sorted(fields)}") from None

    def _save_model(self, epoch: int, batch: int | None, logs) -> None:
        logs = logs or {}
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IOError("Please specify a non-directory filepath for ModelCheckpoint. "
                          f"Filepath used is an existing directory: {filepath}")
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            self.model.save(filepath)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
