"""keras.callbacks.LambdaCallback: a callback made of plain functions."""
from __future__ import annotations

from typing import Callable

from .callback import Callback


class LambdaCallback(Callback):
    """Build a callback from functions, one per hook you need.

    ``on_epoch_begin`` / ``on_epoch_end`` take ``(epoch, logs)``, the batch hooks
    ``(batch, logs)`` and ``on_train_begin`` / ``on_train_end`` ``(logs)``. Any other hook
    (``on_test_begin=...``, ``on_predict_batch_end=...``) may be given by keyword too;
    other keywords become attributes, as in Keras.

    >>> from ember import keras
    >>> seen = []
    >>> cb = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    >>> cb.on_epoch_end(0, {}); seen
    [0]
    """

    def __init__(self, on_epoch_begin: Callable | None = None,
                 on_epoch_end: Callable | None = None,
                 on_train_begin: Callable | None = None,
                 on_train_end: Callable | None = None,
                 on_train_batch_begin: Callable | None = None,
                 on_train_batch_end: Callable | None = None, **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)
