"""keras.callbacks.ProgbarLogger: prints ``Epoch i/n`` and a progress bar."""
from __future__ import annotations

from ..interactive_logging import print_msg
from ..utils.progbar import Progbar
from .callback import Callback


class ProgbarLogger(Callback):
    """Progress output for fit / evaluate / predict (added by ``verbose=1`` or ``2``)."""

    def __init__(self, count_mode: str | None = None):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.progbar = None
        self._seen = 0

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _new_bar(self) -> None:
        # logs already hold running means: show them as they are
        self.progbar = Progbar(self.target, verbose=self.verbose, unit_name="step",
                               stateless_metrics=())
        self._seen = 0

    def _count(self, batch: int) -> int:
        """Batches seen after ``batch``: with ``steps_per_execution`` a short last
        execution reports a batch past the end, so it stops at the epoch's step count."""
        self._seen = batch + 1 if self.target is None else min(batch + 1, self.target)
        return self._seen

    def on_train_begin(self, logs=None):
        self._train = True

    def on_epoch_begin(self, epoch, logs=None):
        self._new_bar()
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._count(batch)
        finalize = False if self.target is not None and self._seen >= self.target else None
        self.progbar.update(self._seen, list((logs or {}).items()), finalize=finalize)

    def on_epoch_end(self, epoch, logs=None):
        self.progbar.update(self._seen, list((logs or {}).items()), finalize=True)

    def on_test_begin(self, logs=None):
        if getattr(self, "_train", False):
            return
        self._new_bar()

    def on_test_batch_end(self, batch, logs=None):
        if getattr(self, "_train", False):
            return
        self.progbar.update(self._count(batch), list((logs or {}).items()), finalize=False)

    def on_test_end(self, logs=None):
        if getattr(self, "_train", False):
            return
        self.progbar.update(self._seen, list((logs or {}).items()), finalize=True)

    def on_predict_begin(self, logs=None):
        self._new_bar()

    def on_predict_batch_end(self, batch, logs=None):
        self.progbar.update(self._count(batch), finalize=False)

    def on_predict_end(self, logs=None):
        self.progbar.update(self._seen, finalize=True)

    def on_train_end(self, logs=None):
        self._train = False
