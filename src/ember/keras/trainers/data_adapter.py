"""Turning what ``fit`` / ``evaluate`` / ``predict`` are given into batches of tensors.

Accepted: NumPy arrays, Ember tensors, lists/tuples/dicts of them, Python generators and
iterators yielding ``x``, ``(x, y)`` or ``(x, y, sample_weight)``, ``keras.utils.PyDataset``
and ``ember.data.Dataset``-like iterables.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Iterator

import numpy as np

import ember

from .. import config


def unpack_x_y_sample_weight(data: Any) -> tuple:
    """``(x, y, sample_weight)`` from a batch that may hold one, two or three parts."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found: {data!r}")


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """The batch ``train_step`` receives: ``x`` alone when there are no targets (as
    Keras: a custom ``train_step(self, data)`` of an autoencoder gets the images
    themselves), ``(x,)`` when ``x`` is itself a tuple or list, else ``(x, y)`` or
    ``(x, y, sample_weight)``."""
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _map(fn, x):
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: _map(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_map(fn, v) for v in x)
    return fn(x)


def _to_numpy(x):
    if isinstance(x, (ember.Tensor, ember.Variable)):
        return x.numpy()
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "to_numpy"):   # pandas
        return x.to_numpy()
    return np.asarray(x)


def to_tensor(x):
    """A batch part as an Ember tensor; float64 arrays become ``floatx``."""
    if x is None or isinstance(x, ember.Tensor):
        return x
    arr = _to_numpy(x)
    if arr.dtype == np.float64:
        arr = arr.astype(config.floatx())
    return ember.constant(arr)


def _num_samples(x) -> int:
    sizes = {int(a.shape[0]) for a in ember.nest.flatten(x) if a is not None}
    if len(sizes) != 1:
        raise ValueError(f"Data cardinality is ambiguous: the arrays have different numbers "
                         f"of samples: {sorted(sizes)}. Make sure all arrays contain the same "
                         "number of samples.")
    return sizes.pop()


def is_array_like(x) -> bool:
    leaves = ember.nest.flatten(x)
    return bool(leaves) and all(
        isinstance(a, (np.ndarray, ember.Tensor, ember.Variable, list, float, int))
        or hasattr(a, "to_numpy") for a in leaves if a is not None)


def class_weights_to_sample_weights(y, class_weight: dict) -> np.ndarray:
    """Per-sample weights from the class of each target (its argmax when one-hot)."""
    targets = [t for t in ember.nest.flatten(y) if t is not None]
    if len(targets) != 1:
        # Keras 3 refuses it too: which output's classes would weigh each sample?
        raise ValueError("`class_weight` is only supported for Models with a single "
                         f"output; got {len(targets)} targets. Pass a `sample_weight` per "
                         "output instead.")
    y = _to_numpy(targets[0])
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = y.reshape(y.shape[0], -1)[:, 0] if y.ndim > 1 else y
        labels = np.round(labels).astype(np.int64)
    weights = np.ones(labels.shape[0], dtype=config.floatx())
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = w
    return weights


def convert_batch(batch: Any, class_weight: dict | None = None) -> tuple:
    """One ``x``, ``(x, y)`` or ``(x, y, sample_weight)`` batch as packed tensors, with
    ``class_weight`` (when given and the batch has targets) folded into the sample
    weights."""
    x, y, sw = unpack_x_y_sample_weight(batch)
    if class_weight is not None and y is not None:
        cw = class_weights_to_sample_weights(y, class_weight)
        sw = cw if sw is None else _to_numpy(sw) * cw
    return pack_x_y_sample_weight(_map(to_tensor, x), _map(to_tensor, y),
                                  _map(to_tensor, sw))


_END = object()


class ArrayAdapter:
    """Batches sliced from in-memory arrays, reshuffled each epoch when asked."""

    def __init__(self, x, y=None, sample_weight=None, batch_size: int | None = None,
                 steps: int | None = None, shuffle: bool = False, class_weight=None,
                 rng: np.random.Generator | None = None):
        self.x = _map(_to_numpy, x)
        self.y = _map(_to_numpy, y)
        self.sample_weight = _map(_to_numpy, sample_weight)
        if class_weight is not None:
            if y is None:
                raise ValueError("`class_weight` needs targets `y`")
            cw = class_weights_to_sample_weights(self.y, class_weight)
            self.sample_weight = cw if self.sample_weight is None else \
                self.sample_weight * cw
        self.n = _num_samples((self.x, self.y, self.sample_weight))
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle
        self.rng = rng or np.random.default_rng()
        self.num_batches = math.ceil(self.n / self.batch_size)
        self.steps = steps

    def __iter__(self) -> Iterator[tuple]:
        return self.batches()

    def batches(self, start: int = 0) -> Iterator[tuple]:
        """One epoch's batches from batch ``start`` on. With ``shuffle`` the epoch's
        order is drawn from ``rng`` even when ``start`` skips part of it, so restoring
        the generator's state reproduces a resumed epoch's order."""
        order = self.rng.permutation(self.n) if self.shuffle else None
        limit = self.num_batches if self.steps is None else min(self.steps,
                                                                 self.num_batches)
        for b in range(start, limit):
            lo, hi = b * self.batch_size, min((b + 1) * self.batch_size, self.n)
            idx = order[lo:hi] if order is not None else slice(lo, hi)
            take = (lambda a: to_tensor(a[idx]))
            yield pack_x_y_sample_weight(_map(take, self.x), _map(take, self.y),
                                         _map(take, self.sample_weight))


class IteratorAdapter:
    """Batches from a generator, iterator, PyDataset or dataset object."""

    def __init__(self, data, steps: int | None = None, class_weight=None,
                 shuffle: bool = False, rng: np.random.Generator | None = None):
        self.data = data
        self.steps = steps
        self.class_weight = class_weight
        self.shuffle = shuffle
        self.rng = rng or np.random.default_rng()
        self.is_pydataset = hasattr(data, "__getitem__") and hasattr(data, "__len__") and \
            not isinstance(data, (list, tuple, dict, np.ndarray))
        self.num_batches = len(data) if self.is_pydataset else steps

    def _batches(self, start: int):
        if self.is_pydataset:
            from ..utils.py_dataset import epoch_batches
            order = self.rng.permutation(len(self.data)).tolist() if self.shuffle else None
            if start:
                order = (order or list(range(len(self.data))))[start:]
            return epoch_batches(self.data, order)
        stream = self.data if hasattr(self.data, "__next__") else iter(self.data)
        for _ in range(start):      # a plain iterator can only skip by reading
            if next(stream, _END) is _END:
                break
        return stream

    def __iter__(self):
        return self.batches()

    def batches(self, start: int = 0):
        """One epoch's batches from batch ``start`` on (a PyDataset is indexed there; a
        generator or iterator has its first ``start`` batches read and dropped)."""
        count = start
        if self.steps is not None and count >= self.steps:
            return
        for batch in self._batches(start):
            yield convert_batch(batch, self.class_weight)
            count += 1
            if self.steps is not None and count >= self.steps:
                return


def make_adapter(x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False,
                 class_weight=None, rng=None):
    """The adapter for ``x`` (arrays are sliced; anything else is iterated); ``steps`` is
    capped by ``keras.config.max_steps_per_epoch()`` when that is set."""
    steps = _capped_steps(steps)
    if x is None:
        raise ValueError("No input data: pass `x` (arrays, a generator or a PyDataset)")
    from .dataset_adapter import DatasetAdapter, is_dataset
    if is_dataset(x):
        return DatasetAdapter(x, y, sample_weight, steps, class_weight)
    if is_array_like(x):
        return ArrayAdapter(x, y, sample_weight, batch_size, steps, shuffle, class_weight, rng)
    if y is not None:
        raise ValueError("`y` argument is not supported when `x` is a generator, iterator or "
                         "PyDataset: it must yield (x, y) pairs itself")
    if sample_weight is not None:
        raise ValueError("`sample_weight` argument is not supported when `x` is a "
                         "generator, iterator or PyDataset")
    return IteratorAdapter(x, steps, class_weight, shuffle, rng)


def _capped_steps(steps: int | None) -> int | None:
    cap = config.max_steps_per_epoch()
    if cap and (not steps or cap < steps):
        warnings.warn(f"Limiting steps_per_epoch to {cap}", stacklevel=4)
        return cap
    return steps


def progress_steps(adapter: Any) -> int | None:
    """How many batches one pass of ``adapter`` gives (the progress bar's total)."""
    if adapter.steps is None:
        return adapter.num_batches
    if adapter.num_batches is None:
        return adapter.steps
    return min(adapter.steps, adapter.num_batches)


def train_validation_split(arrays: tuple, validation_split: float) -> tuple:
    """Split the last ``validation_split`` fraction of each array off, as Keras does."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"`validation_split` must be in (0, 1); got {validation_split}")
    flat = [a for a in ember.nest.flatten(arrays) if a is not None]
    if not all(isinstance(a, (np.ndarray, ember.Tensor, list)) or hasattr(a, "to_numpy")
               for a in flat):
        raise ValueError("`validation_split` is only supported for NumPy arrays and tensors")
    n = _num_samples(tuple(a for a in arrays if a is not None))
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(f"Training data contains {n} samples, which is not sufficient to "
                         f"split it into a validation and training set as specified by "
                         f"`validation_split={validation_split}`.")
    first = _map(lambda a: _to_numpy(a)[:split_at], arrays)
    second = _map(lambda a: _to_numpy(a)[split_at:], arrays)
    return first, second
