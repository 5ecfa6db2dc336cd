"""keras.callbacks.TerminateOnNaN: stop training as soon as the loss is NaN or infinite."""
from __future__ import annotations

import numpy as np

from .callback import Callback


class TerminateOnNaN(Callback):
    """Stop training when a batch's ``loss`` is NaN or Inf.

    By default training stops gracefully (``model.stop_training = True``, so every
    callback's ``on_train_end`` still runs); ``raise_error=True`` raises a RuntimeError
    at once instead.

    >>> from ember import keras
    >>> callback = keras.callbacks.TerminateOnNaN()
    >>> # model.fit(x, y, callbacks=[callback])
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        value = np.asarray(loss.numpy() if hasattr(loss, "numpy") else loss)
        if np.isnan(value).any() or np.isinf(value).any():
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. "
                                   f"Loss value: {loss}. Terminating training immediately.")
            print(f"Batch {batch}: Invalid loss, terminating training", flush=True)
            self.model.stop_training = True
