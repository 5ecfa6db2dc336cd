"""Element-wise and sequence transformations: map, filter, repeat, take, skip, cache,
concatenate, interleave / flat_map, take_while, unique, shard."""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from ember.core.errors import InvalidArgumentError

from . import structure as st
from .dataset import Dataset
from .options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY

_END = object()


def call(fn: Callable, element: Any) -> Any:
    """``fn`` on one element as TF calls it: a plain tuple is unpacked into positional
    arguments, anything else (a dict, a namedtuple, a tensor) is one argument."""
    args = st.element_to_ember(element)
    if type(args) is tuple:
        return fn(*args)
    return fn(args)


def _unknown_sizes(dataset: Dataset, element: Any) -> set:
    """Sizes that the first ``element`` has where the input's spec has unknown dims."""
    sizes = set()
    try:
        specs = st.flatten(dataset.element_spec)
    except Exception:    # noqa: BLE001 -- no spec: treat nothing as unknown
        return sizes
    for spec, a in zip(specs, st.flatten(element)):
        shape = st.spec_shape(spec)
        if shape is None:
            sizes.update(a.shape)
            continue
        sizes.update(s for d, s in zip(shape, a.shape) if d is None)
    return sizes


def _spec_from_first(dataset: Dataset, fn: Callable) -> Any:
    """The spec of ``fn``'s output, found by running it on the input's first two
    elements: dims that differ between them, or equal a size that is unknown in the
    input's spec, are left unknown (TF finds this by tracing; Ember runs eagerly)."""
    it = iter(dataset._iter_np())
    first = next(it, _END)
    if first is _END:
        return None
    out = st.element_to_numpy(call(fn, first))
    unknown = _unknown_sizes(dataset, first)
    second = next(it, _END)
    flat = st.flatten(out)
    other = flat if second is _END else st.flatten(st.element_to_numpy(call(fn, second)))
    specs = []
    for a, b in zip(flat, other):
        if a.ndim != b.ndim:
            specs.append(st.make_spec((None,) * a.ndim, a.dtype))
            continue
        specs.append(st.relax_shape(st.make_spec(a.shape, a.dtype),
                                    lambda i, d, b=b: d not in unknown and b.shape[i] == d))
    return st.pack_as(out, specs)


class MapDataset(Dataset):
    def __init__(self, input_dataset: Dataset, fn: Callable):
        super().__init__((input_dataset,))
        if not callable(fn):
            raise TypeError(f"ember.data.Dataset.map: `map_func` must be callable; got "
                            f"{type(fn).__name__}")
        self._fn = fn

    def _card(self) -> int:
        return self._inputs[0]._card()

    def _compute_spec(self):
        return _spec_from_first(self._inputs[0], self._fn)

    def _iter_np(self):
        fn = self._fn
        for element in self._inputs[0]._iter_np():
            yield st.element_to_numpy(call(fn, element))


def _truth(value: Any, op: str) -> bool:
    a = st.to_numpy(value)
    if a.shape != () or a.dtype != np.bool_:
        raise TypeError(f"ember.data.Dataset.{op}: the predicate must return a scalar bool "
                        f"tensor; got shape {tuple(a.shape)} {a.dtype}")
    return bool(a)


class FilterDataset(Dataset):
    def __init__(self, input_dataset: Dataset, predicate: Callable):
        super().__init__((input_dataset,))
        self._fn = predicate

    def _iter_np(self):
        for element in self._inputs[0]._iter_np():
            if _truth(call(self._fn, element), "filter"):
                yield element


class TakeWhileDataset(FilterDataset):
    def _iter_np(self):
        for element in self._inputs[0]._iter_np():
            if not _truth(call(self._fn, element), "take_while"):
                return
            yield element


class RepeatDataset(Dataset):
    def __init__(self, input_dataset: Dataset, count: Any):
        super().__init__((input_dataset,))
        self._count = -1 if count is None else int(st.to_numpy(count))

    def _card(self) -> int:
        n = self._inputs[0]._card()
        if self._count == 0 or n == 0:
            return 0
        if n == INFINITE_CARDINALITY:
            return n
        if self._count < 0:
            return INFINITE_CARDINALITY      # even of an unknown one, as TF
        return n * self._count if n >= 0 else n

    def _iter_np(self):
        done = 0
        while self._count < 0 or done < self._count:
            empty = True
            for element in self._inputs[0]._iter_np():
                empty = False
                yield element
            done += 1
            if empty:       # repeating an empty dataset forever ends at once
                return


class TakeDataset(Dataset):
    def __init__(self, input_dataset: Dataset, count: Any):
        super().__init__((input_dataset,))
        self._count = int(st.to_numpy(count))

    def _card(self) -> int:
        n = self._inputs[0]._card()
        if self._count < 0:
            return n
        if n == INFINITE_CARDINALITY:
            return self._count
        if n == UNKNOWN_CARDINALITY:
            return n
        return min(n, self._count)

    def _iter_np(self):
        if self._count == 0:
            return
        for i, element in enumerate(self._inputs[0]._iter_np(), 1):
            yield element
            if i == self._count:
                return


class SkipDataset(Dataset):
    def __init__(self, input_dataset: Dataset, count: Any):
        super().__init__((input_dataset,))
        self._count = int(st.to_numpy(count))

    def _card(self) -> int:
        n = self._inputs[0]._card()
        if n < 0:
            return n
        return 0 if self._count < 0 else max(n - self._count, 0)

    def _iter_np(self):
        if self._count < 0:
            for _ in self._inputs[0]._iter_np():
                pass
            return
        for i, element in enumerate(self._inputs[0]._iter_np()):
            if i >= self._count:
                yield element


class ShardDataset(Dataset):
    def __init__(self, input_dataset: Dataset, num_shards: int, index: int):
        super().__init__((input_dataset,))
        self._num, self._index = num_shards, index

    def _card(self) -> int:
        n = self._inputs[0]._card()
        if n < 0:
            return n
        return n // self._num + (1 if self._index < n % self._num else 0)

    def _iter_np(self):
        for i, element in enumerate(self._inputs[0]._iter_np()):
            if i % self._num == self._index:
                yield element


class PassThroughDataset(Dataset):
    """prefetch / with_options: the input unchanged."""

    def __init__(self, input_dataset: Dataset):
        super().__init__((input_dataset,))

    def _card(self) -> int:
        return self._inputs[0]._card()

    def _iter_np(self):
        return self._inputs[0]._iter_np()

    def _index_plan(self):      # keeps the batching fast path open
        return self._inputs[0]._index_plan()


class CacheDataset(Dataset):
    def __init__(self, input_dataset: Dataset):
        super().__init__((input_dataset,))
        self._cache: list | None = None

    def _card(self) -> int:
        return self._inputs[0]._card()

    def _iter_np(self):
        if self._cache is not None:
            yield from self._cache
            return
        filling = []
        for element in self._inputs[0]._iter_np():
            filling.append(element)
            yield element
        self._cache = filling        # only a complete pass is kept, as in TF


class ConcatenateDataset(Dataset):
    def __init__(self, first: Dataset, second: Dataset):
        if not isinstance(second, Dataset):
            raise TypeError(f"ember.data.Dataset.concatenate: expected a Dataset; got "
                            f"{type(second).__name__}")
        super().__init__((first, second))
        a, b = first.element_spec, second.element_spec
        if not st.same_structure(a, b) or len(st.flatten(a)) != len(st.flatten(b)):
            raise TypeError(f"ember.data.Dataset.concatenate: incompatible dataset "
                            f"elements: {a} vs. {b}")
        self._spec = st.pack_as(a, [st.merge_specs(x, y, "concatenate") for x, y in
                                    zip(st.flatten(a), st.flatten(b))])

    def _compute_spec(self):
        return self._spec

    def _card(self) -> int:
        a, b = self._inputs[0]._card(), self._inputs[1]._card()
        if INFINITE_CARDINALITY in (a, b):
            return INFINITE_CARDINALITY
        if UNKNOWN_CARDINALITY in (a, b):
            return UNKNOWN_CARDINALITY
        return a + b

    def _iter_np(self):
        yield from self._inputs[0]._iter_np()
        yield from self._inputs[1]._iter_np()


class InterleaveDataset(Dataset):
    """interleave (and flat_map, its cycle_length=1 case)."""

    def __init__(self, input_dataset: Dataset, fn: Callable, cycle_length, block_length):
        super().__init__((input_dataset,))
        self._fn = fn
        cycle = AUTOTUNE if cycle_length is None else int(cycle_length)
        self._cycle = (os.cpu_count() or 1) if cycle == AUTOTUNE else cycle
        self._block = 1 if block_length is None else int(block_length)
        if self._cycle < 1 or self._block < 1:
            raise InvalidArgumentError(f"ember.data.Dataset.interleave: cycle_length and "
                                       f"block_length must be positive; got {cycle_length}, "
                                       f"{block_length}")

    def _open(self, element) -> Any:
        ds = call(self._fn, element)
        if not isinstance(ds, Dataset):
            raise TypeError(f"ember.data.Dataset.interleave/flat_map: `map_func` must return "
                            f"a Dataset; it returned {type(ds).__name__}")
        return iter(ds._iter_np())

    def _compute_spec(self):
        first = next(iter(self._inputs[0]._iter_np()), _END)
        return None if first is _END else call(self._fn, first).element_spec

    def _iter_np(self):
        source = iter(self._inputs[0]._iter_np())
        slots: list = [None] * self._cycle
        source_done = False
        i = 0
        while True:
            if slots[i] is None and not source_done:
                nxt = next(source, _END)
                if nxt is _END:
                    source_done = True
                else:
                    slots[i] = self._open(nxt)
            if slots[i] is not None:
                for _ in range(self._block):
                    v = next(slots[i], _END)
                    if v is _END:
                        slots[i] = None
                        break
                    yield v
            if source_done and all(s is None for s in slots):
                return
            i = (i + 1) % self._cycle


class UniqueDataset(Dataset):
    def __init__(self, input_dataset: Dataset):
        super().__init__((input_dataset,))
        spec = input_dataset.element_spec
        if isinstance(spec, (tuple, dict)) or (st.spec_shape(spec) not in ((), None)) or \
                st.spec_np_dtype(spec).kind not in "iuS":
            raise TypeError(f"ember.data.Dataset.unique: only datasets of scalar integer or "
                            f"string elements are supported; got {spec}")

    def _iter_np(self):
        seen = set()
        for element in self._inputs[0]._iter_np():
            key = element.item()
            if key not in seen:
                seen.add(key)
                yield element


class AssertCardinalityDataset(Dataset):
    def __init__(self, input_dataset: Dataset, expected: int):
        super().__init__((input_dataset,))
        self._expected = expected

    def _card(self) -> int:
        return self._expected

    def _iter_np(self):
        count = 0
        for element in self._inputs[0]._iter_np():
            count += 1
            if 0 <= self._expected < count:
                raise InvalidArgumentError(
                    f"ember.data.experimental.assert_cardinality: input dataset was "
                    f"expected to contain {self._expected} elements but contained at least "
                    f"{count} elements")
            yield element
        if self._expected >= 0 and count != self._expected:
            raise InvalidArgumentError(
                f"ember.data.experimental.assert_cardinality: input dataset was expected "
                f"to contain {self._expected} elements but contained only {count} elements")
