"""keras.callbacks.SwapEMAWeights: evaluate and predict with the optimizer's moving
averages of the weights (``use_ema=True``) instead of the raw weights."""
from __future__ import annotations

from typing import Any

import numpy as np

from .callback import Callback


class SwapEMAWeights(Callback):
    """Swap the model's trainable weights with the optimizer's exponential moving
    averages around evaluation and prediction (so validation metrics are those of the
    averaged weights), and with ``swap_on_epoch=True`` also around each epoch's end
    (so ``ModelCheckpoint`` and friends see the averages). Needs ``use_ema=True``.

    >>> from ember import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(keras.optimizers.SGD(0.1, use_ema=True), "mse")
    >>> _ = model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0,
    ...               callbacks=[SwapEMAWeights()])
    """

    def __init__(self, swap_on_epoch: bool = False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _optimizer(self) -> Any:
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if not getattr(optimizer, "use_ema", False) or \
                not hasattr(optimizer, "_model_variables_moving_average"):
            raise ValueError("SwapEMAWeights must be used when `use_ema=True` is set on "
                             "the optimizer (and the optimizer is built). Received: "
                             f"use_ema={getattr(optimizer, 'use_ema', None)}")
        return optimizer

    def _swap_variables(self) -> None:
        optimizer = self._optimizer()
        for var, average in zip(optimizer._trainable_variables,
                                optimizer._model_variables_moving_average):
            if average is None:
                continue
            current = np.array(var.numpy())
            var.assign(average.numpy())
            average.assign(current)

    def _finalize_ema_values(self) -> None:
        # the model holds the averages: put them back into the optimizer so that fit's
        # final overwrite with the averages keeps them
        optimizer = self._optimizer()
        for var, average in zip(optimizer._trainable_variables,
                                optimizer._model_variables_moving_average):
            if average is not None:
                average.assign(var.numpy())

    def _swap_in(self) -> None:
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def _swap_out(self) -> None:
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._swap_out()

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_in()
            if epoch == self.params.get("epochs", 0) - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        self._swap_in()

    def on_test_end(self, logs=None):
        self._swap_out()

    def on_predict_begin(self, logs=None):
        self._swap_in()

    def on_predict_end(self, logs=None):
        # Keras 3.15 leaves the averages in the model after predict (its test reads
        # `if not self._ema_weights_in_model`); the raw weights come back here
        self._swap_out()
