"""CallbackList: calls a hook on every callback of a fit / evaluate / predict run."""
from __future__ import annotations

from .callback import Callback
from .history import History
from .progbar_logger import ProgbarLogger


def _clean_logs(logs) -> dict:
    """A plain dict with Python floats for scalar tensors, as Keras hands to callbacks
    (other tensors, e.g. a batch of one prediction, become arrays)."""
    out = {}
    for k, v in (logs or {}).items():
        if hasattr(v, "numpy") and not isinstance(v, dict):
            a = v.numpy()
            v = float(a) if getattr(a, "ndim", 1) == 0 else a
        out[k] = v
    return out


class CallbackList(Callback):
    """Forwards each hook, with a ``logs`` dict, to its callbacks in order: the user's,
    then the History and ProgbarLogger it adds (as Keras orders them)."""

    def __init__(self, callbacks=None, add_history: bool = False, add_progbar: bool = False,
                 model=None, **params):
        super().__init__()
        self.callbacks = list(callbacks or [])
        history = next((c for c in self.callbacks if isinstance(c, History)), None)
        progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if history is None and add_history:
            history = History()
            self.callbacks.append(history)
        if progbar is None and add_progbar:
            self.callbacks.append(ProgbarLogger())
        self._history = history
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)

    def set_params(self, params: dict) -> None:
        self.params = params
        for c in self.callbacks:
            c.set_params(params)

    def set_model(self, model) -> None:
        self._model = model
        if self._history is not None:
            model.history = self._history
        for c in self.callbacks:
            c.set_model(model)

    def _dispatch(self, name: str, *args, logs=None) -> None:
        logs = _clean_logs(logs)
        for c in self.callbacks:
            getattr(c, name)(*args, logs)

    def on_batch_begin(self, batch, logs=None): self._dispatch("on_batch_begin", batch, logs=logs)
    def on_batch_end(self, batch, logs=None): self._dispatch("on_batch_end", batch, logs=logs)
    def on_epoch_begin(self, epoch, logs=None): self._dispatch("on_epoch_begin", epoch, logs=logs)
    def on_epoch_end(self, epoch, logs=None): self._dispatch("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._dispatch("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self._dispatch("on_train_batch_end", batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._dispatch("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        self._dispatch("on_test_batch_end", batch, logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._dispatch("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._dispatch("on_predict_batch_end", batch, logs=logs)

    def on_train_begin(self, logs=None): self._dispatch("on_train_begin", logs=logs)
    def on_train_end(self, logs=None): self._dispatch("on_train_end", logs=logs)
    def on_test_begin(self, logs=None): self._dispatch("on_test_begin", logs=logs)
    def on_test_end(self, logs=None): self._dispatch("on_test_end", logs=logs)
    def on_predict_begin(self, logs=None): self._dispatch("on_predict_begin", logs=logs)
    def on_predict_end(self, logs=None): self._dispatch("on_predict_end", logs=logs)
