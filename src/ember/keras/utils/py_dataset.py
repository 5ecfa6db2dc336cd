"""keras.utils.PyDataset (alias keras.utils.Sequence): a dataset of batches written in
Python, indexed by batch number."""
from __future__ import annotations

import collections
import itertools
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterable, Iterator


class PyDataset:
    """Base class for a dataset of batches: implement ``__len__`` (the number of batches)
    and ``__getitem__(index)`` (one whole batch: ``x``, ``(x, y)`` or ``(x, y, weights)``);
    optionally ``on_epoch_begin`` / ``on_epoch_end`` to change it between epochs.

    ``workers``, ``use_multiprocessing`` and ``max_queue_size`` tell ``fit`` how to load
    batches ahead of time. In Ember extra workers are threads (``use_multiprocessing=True``
    runs threads too), so ``__getitem__`` should release the GIL to gain from them (file
    reads and NumPy do). Iterating a PyDataset by hand loads one batch at a time.

    >>> import math
    >>> import numpy as np
    >>> class Batches(PyDataset):
    ...     def __init__(self, x, y, batch_size, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.x, self.y, self.batch_size = x, y, batch_size
    ...     def __len__(self):
    ...         return math.ceil(len(self.x) / self.batch_size)
    ...     def __getitem__(self, idx):
    ...         lo = idx * self.batch_size
    ...         return self.x[lo:lo + self.batch_size], self.y[lo:lo + self.batch_size]
    >>> ds = Batches(np.zeros((10, 2)), np.zeros(10), batch_size=4)
    >>> ds.num_batches, [b[0].shape[0] for b in ds]
    (3, [4, 4, 2])
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False,
                 max_queue_size: int = 10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self) -> None:
        missing = False
        for attr, default in (("_workers", 1), ("_use_multiprocessing", False),
                              ("_max_queue_size", 10)):
            if not hasattr(self, attr):
                setattr(self, attr, default)
                missing = True
        if missing:
            warnings.warn("Your `PyDataset` class should call `super().__init__(**kwargs)` in "
                          "its constructor. `**kwargs` can include `workers`, "
                          "`use_multiprocessing`, `max_queue_size`. Do not pass these "
                          "arguments to `fit()`, as they will be ignored.", stacklevel=3)

    @property
    def workers(self) -> int:
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        """The batch at position ``index``."""
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  "`__getitem__(self, index)` returning one batch")

    @property
    def num_batches(self) -> int | None:
        """The number of batches (``len(self)``), or None for an endless dataset."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError("You need to implement the `num_batches` property:\n\n"
                                  "@property\ndef num_batches(self):\n  return ...")

    def __iter__(self) -> Iterator:
        try:
            n = self.num_batches
        except NotImplementedError:
            n = None
        indices = itertools.count() if n is None else range(n)
        for i in indices:
            yield self[i]

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch."""


def _indices(dataset: PyDataset, order: Iterable[int] | None) -> Iterable[int]:
    if order is not None:
        return order
    try:
        n = dataset.num_batches
    except NotImplementedError:
        n = None
    return itertools.count() if n is None else range(n)


def _prefetch(dataset: PyDataset, indices: Iterable[int], workers: int,
              depth: int) -> Iterator:
    """``dataset[i]`` for each index, in order, up to ``depth`` batches loaded ahead."""
    pending: collections.deque = collections.deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ember_pydataset")
    try:
        it = iter(indices)
        for i in itertools.islice(it, depth):
            pending.append(pool.submit(dataset.__getitem__, i))
        while pending:
            batch = pending.popleft().result()
            for i in itertools.islice(it, 1):
                pending.append(pool.submit(dataset.__getitem__, i))
            yield batch
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=True)


def epoch_batches(dataset: PyDataset, order: Iterable[int] | None = None) -> Iterator:
    """One epoch of ``dataset``: ``on_epoch_begin()``, every batch in ``order`` (default
    ``0 .. num_batches - 1``) loaded by ``dataset.workers`` threads, then
    ``on_epoch_end()`` once the epoch has been read to its end.

    >>> class Squares(PyDataset):
    ...     def __len__(self):
    ...         return 3
    ...     def __getitem__(self, i):
    ...         return i * i
    >>> list(epoch_batches(Squares(workers=2)))
    [0, 1, 4]
    """
    workers = int(dataset.workers or 1)
    depth = max(int(dataset.max_queue_size or 1), workers)
    dataset.on_epoch_begin()
    indices = _indices(dataset, order)
    if workers > 1 or dataset.use_multiprocessing:
        yield from _prefetch(dataset, indices, max(workers, 1), depth)
    else:
        for i in indices:
            yield dataset[i]
    dataset.on_epoch_end()
