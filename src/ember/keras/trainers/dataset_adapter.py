"""Batches for ``fit`` / ``evaluate`` / ``predict`` from an ``ember.data.Dataset``.

Steps per epoch come from the dataset's cardinality; an infinite dataset needs
``steps_per_epoch`` (``steps``), as in Keras. With ``steps`` given, one iterator is kept
across epochs (each epoch continues where the last stopped), as Keras does.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import ember
import ember.data

from .data_adapter import convert_batch

_END = object()


def is_dataset(x: Any) -> bool:
    """Whether ``x`` is an ``ember.data.Dataset``."""
    return isinstance(x, ember.data.Dataset)


class DatasetAdapter:
    """Batches of an ``ember.data.Dataset`` (elements ``x``, ``(x, y)`` or
    ``(x, y, sample_weight)``), as Ember tensors."""

    def __init__(self, dataset, y=None, sample_weight=None, steps: int | None = None,
                 class_weight=None):
        if y is not None:
            raise ValueError("`y` argument is not supported when using dataset as input: "
                             "the dataset must yield (x, y) pairs itself")
        if sample_weight is not None:
            raise ValueError("`sample_weight` argument is not supported when using dataset "
                             "as input: the dataset must yield (x, y, sample_weight)")
        card = int(dataset.cardinality())
        if card == ember.data.INFINITE_CARDINALITY and steps is None:
            raise ValueError(
                "When providing an infinite dataset, you must specify the number of steps "
                "to run (`steps_per_epoch`, `validation_steps` or `steps`). If you did not "
                "intend to create an infinite dataset, make sure not to call `repeat()` "
                "on the dataset.")
        self.dataset = dataset
        self.steps = None if steps is None else int(steps)
        self.class_weight = class_weight
        self.num_batches = self.steps if self.steps is not None else \
            (card if card >= 0 else None)
        self._iterator: Iterator | None = None

    def __iter__(self):
        return self.batches()

    def batches(self, start: int = 0):
        """One epoch's batches from batch ``start`` on."""
        if self.steps is None:
            stream = self.dataset.as_numpy_iterator()
            for _ in range(start):
                if next(stream, _END) is _END:
                    return
            for batch in stream:
                yield convert_batch(batch, self.class_weight)
            return
        if self._iterator is None:
            self._iterator = self.dataset.as_numpy_iterator()
        for _ in range(start, self.steps):
            batch = next(self._iterator, _END)
            if batch is _END:
                self._iterator = None
                warnings.warn("Your input ran out of data; interrupting the epoch. Make sure "
                              "that your dataset can generate at least `steps_per_epoch * "
                              "epochs` batches (you may need `.repeat()`).", stacklevel=2)
                return
            yield convert_batch(batch, self.class_weight)
