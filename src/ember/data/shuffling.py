"""``Dataset.shuffle``: TF's buffer shuffle with TF's seed rules."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ember.core.errors import InvalidArgumentError

from . import structure as st
from .dataset import Dataset
from .sources import _base_seed


def _picker(rng: np.random.Generator):
    """``pick(n)``: a uniform integer in [0, n), from random numbers drawn in chunks."""
    chunk: list = []

    def pick(n: int) -> int:
        if not chunk:
            chunk.extend(rng.random(4096).tolist())
        return int(chunk.pop() * n)
    return pick


def buffer_shuffle(items: Iterator[Any], buffer_size: int, rng: np.random.Generator):
    """Fill a buffer of ``buffer_size`` from ``items`` in order, then repeatedly hand out
    a random buffer entry and put the next item in its place."""
    pick = _picker(rng)
    buf: list = []
    items = iter(items)
    for v in items:
        buf.append(v)
        if len(buf) >= buffer_size:
            break
    for v in items:
        j = pick(len(buf))
        out = buf[j]
        buf[j] = v
        yield out
    while buf:
        j = pick(len(buf))
        buf[j], buf[-1] = buf[-1], buf[j]
        yield buf.pop()


class ShuffleDataset(Dataset):
    def __init__(self, input_dataset: Dataset, buffer_size: Any, seed: Any,
                 reshuffle_each_iteration: bool | None):
        super().__init__((input_dataset,))
        size = int(st.to_numpy(buffer_size))
        if size == -1:       # AUTOTUNE: TF picks a size; the whole input is uniform
            size = 1 << 62
        if size < 1:
            raise InvalidArgumentError(f"ember.data.Dataset.shuffle: buffer_size must be "
                                       f"greater than zero (or AUTOTUNE); got {buffer_size}")
        self._size = size
        self._seed = _base_seed(None if seed is None else int(st.to_numpy(seed)))
        self._reshuffle = True if reshuffle_each_iteration is None else \
            bool(reshuffle_each_iteration)
        self._epoch = 0

    def _card(self) -> int:
        return self._inputs[0]._card()

    def _rng(self) -> np.random.Generator:
        if self._seed is None:
            return np.random.default_rng()
        epoch = self._epoch
        if self._reshuffle:
            self._epoch += 1
        return np.random.default_rng(self._seed + [epoch])

    def _iter_np(self):
        plan = self._inputs[0]._index_plan()
        if plan is not None:      # shuffle indices (as cheap ints), then take slices
            source, index = self._index_plan_from(plan)
            yield from source._elements(index)
            return
        yield from buffer_shuffle(self._inputs[0]._iter_np(), self._size, self._rng())

    def _index_plan_from(self, plan):
        source, index = plan
        if index is None:
            index = np.arange(source._card())
        order = np.fromiter(buffer_shuffle(index.tolist(), self._size, self._rng()),
                            dtype=np.int64, count=len(index))
        return source, order

    def _index_plan(self):
        plan = self._inputs[0]._index_plan()
        return None if plan is None else self._index_plan_from(plan)
