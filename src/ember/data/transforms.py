"""Element-wise and sequence transformations: map, filter, repeat, take, skip, cache,
concatenate, interleave / flat_map, take_while, unique, shard."""
from __future__ import annotations

import contextvars
import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ember.core.errors import InvalidArgumentError

from . import structure as st
from .dataset import Dataset
from .options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY

_END = object()

# Set while an ``ignore_errors`` stage pulls an element from its input: per-element
# failures (a map function raising, a batch of unequal shapes) then drop that element.
_SKIPPING = contextvars.ContextVar("ember_data_skipping_errors", default=None)


def skip_error(error: Exception) -> bool:
    """Whether ``error``, raised for one element, is to be dropped (inside an
    ``ignore_errors`` stage); logs it when that stage asked for warnings."""
    log = _SKIPPING.get()
    if log is None:
        return False
    if log:
        warnings.warn(f"ember.data.Dataset.ignore_errors: dropped an element: "
                      f"{type(error).__name__}: {error}", stacklevel=2)
    return True


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


def _output_to_numpy(value: Any, op: str) -> Any:
    """A user function's result as an element; None anywhere in it is an error."""
    if any(v is None for v in st.flatten(value if not isinstance(value, list)
                                         else tuple(value))):
        raise TypeError(f"ember.data.Dataset.{op}: the function returned {value!r}; it must "
                        f"return a tensor or a (nested) tuple/dict of tensors, not None")
    return st.element_to_numpy(value)


def _spec_from_first(dataset: Dataset, fn: Callable, op: str = "map") -> Any:
    """The spec of ``fn``'s output, found by running it on the input's first two
    elements: dims that differ between them, or equal a size that is unknown in the
    input's spec, are left unknown (TF finds this by tracing; Ember runs eagerly)."""
    outputs, first, error = [], _END, None
    for tries, element in enumerate(dataset._iter_np()):
        try:                # elements fn fails on are skipped (for ignore_errors)
            outputs.append(_output_to_numpy(call(fn, element), op))
        except Exception as e:  # noqa: BLE001 -- re-raised below when nothing worked
            error = error or e
        else:
            first = element if first is _END else first
        if len(outputs) == 2 or (tries >= 100 and not outputs):
            break
    if error is not None and not outputs:
        raise error
    if first is _END:       # an empty input: run fn on two placeholders of the input's spec
        first = st.placeholder_element(dataset.element_spec)
        second = st.placeholder_element(dataset.element_spec, size=2, value=1)
        outputs = [_output_to_numpy(call(fn, e), op) for e in (first, second)]
    probed = _probe_output(dataset, first, fn, op)
    if probed is not None:
        return _spec_from_outputs(outputs[0], outputs[-1], set(), probed)
    return _spec_from_outputs(outputs[0], outputs[-1], _unknown_sizes(dataset, first))


_PROBE_SIZES = (7, 11, 13, 17, 19, 23)


def _probe_output(dataset: Dataset, element: Any, fn: Callable, op: str) -> Any:
    """``fn``'s output on ``element`` with the dims the input's spec leaves unknown set to
    another size (its rows cycled), so output dims that follow those sizes can be told
    from constants that merely equal them; None when that cannot be done (an unknown
    rank, a size-0 dim, or ``fn`` failing on the probe)."""
    try:
        specs = st.flatten(dataset.element_spec)
    except Exception:  # noqa: BLE001 -- no spec: no probe
        return None
    arrays = st.flatten(element)
    if len(specs) != len(arrays):
        return None
    taken = {d for a in arrays for d in a.shape}
    size = next((p for p in _PROBE_SIZES if p not in taken), None)
    resized, changed = [], False
    for spec, a in zip(specs, arrays):
        shape = st.spec_shape(spec) if hasattr(spec, "shape") else None
        if shape is None or len(shape) != a.ndim:
            return None
        for axis, d in enumerate(shape):
            if d is None:
                if a.shape[axis] == 0 or size is None:
                    return None
                a = np.take(a, np.arange(size) % a.shape[axis], axis=axis)
                changed = True
        resized.append(a)
    if not changed:
        return None
    try:
        return _output_to_numpy(call(fn, st.pack_as(element, resized)), op)
    except Exception:  # noqa: BLE001 -- fn cannot take the probe: the heuristic decides
        return None


def _spec_from_outputs(out: Any, other: Any, unknown: set, probed: Any = None) -> Any:
    """The spec of two sample outputs: dims that differ, equal one of the ``unknown``
    sizes of the input, or differ in the ``probed`` output (``fn`` on the input resized
    along its unknown dims, which replaces the ``unknown`` guess), are None."""
    flat = st.flatten(out)
    other = st.flatten(other)
    probes = st.flatten(probed) if probed is not None else [None] * len(flat)
    if len(probes) != len(flat):
        probes = [None] * len(flat)
    specs = []
    for a, b, c in zip(flat, other, probes):
        if a.ndim != b.ndim or (c is not None and c.ndim != a.ndim):
            specs.append(st.make_spec((None,) * a.ndim, a.dtype))
            continue
        specs.append(st.relax_shape(
            st.make_spec(a.shape, a.dtype),
            lambda i, d, b=b, c=c: b.shape[i] == d and
            (c.shape[i] == d if c is not None else d not in unknown)))
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
            try:
                out = _output_to_numpy(call(fn, element), "map")
            except Exception as e:  # re-raised unless inside ignore_errors
                if skip_error(e):
                    continue
                raise
            yield out


def _truth(value: Any, op: str) -> bool:
    a = st.to_numpy(value)
    if a.shape != () or a.dtype != np.bool_:
        raise ValueError(f"ember.data.Dataset.{op}: the predicate must return a scalar bool "
                        f"tensor; got shape {tuple(a.shape)} {a.dtype}")
    return bool(a)


class FilterDataset(Dataset):
    def __init__(self, input_dataset: Dataset, predicate: Callable):
        super().__init__((input_dataset,))
        self._fn = predicate

    def _iter_np(self):
        for element in self._inputs[0]._iter_np():
            try:
                keep = _truth(call(self._fn, element), "filter")
            except Exception as e:  # re-raised unless inside ignore_errors
                if skip_error(e):
                    continue
                raise
            if keep:
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
        if first is _END:      # an empty input: run fn on zeros of the input's spec
            first = st.placeholder_element(self._inputs[0].element_spec)
        ds = call(self._fn, first)
        if not isinstance(ds, Dataset):
            raise TypeError(f"ember.data.Dataset.interleave/flat_map: `map_func` must return "
                            f"a Dataset; it returned {type(ds).__name__}")
        return ds.element_spec

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


class ScanDataset(Dataset):
    """``scan``: a state threaded through the elements, ``scan_func(state, element) ->
    (new_state, output)``."""

    def __init__(self, input_dataset: Dataset, initial_state: Any, fn: Callable):
        super().__init__((input_dataset,))
        if not callable(fn):
            raise TypeError(f"ember.data.Dataset.scan: `scan_func` must be callable; got "
                            f"{type(fn).__name__}")
        self._initial = st.element_to_numpy(initial_state)
        self._state_spec = st.spec_of(self._initial)
        self._fn = fn

    def _card(self) -> int:
        return self._inputs[0]._card()

    def _step(self, state: Any, element: Any) -> tuple:
        out = self._fn(st.element_to_ember(state), st.element_to_ember(element))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError(f"ember.data.Dataset.scan: `scan_func` must return a pair "
                            f"(new_state, output_element); got {out!r}")
        new_state = st.cast_state(st.element_to_numpy(out[0]), self._state_spec, "scan")
        return new_state, _output_to_numpy(out[1], "scan")

    def _compute_spec(self):
        source = self._inputs[0]
        it = iter(source._iter_np())
        first = next(it, _END)
        if first is _END:       # an empty input: two placeholders of its spec
            first = st.placeholder_element(source.element_spec)
            second = st.placeholder_element(source.element_spec, size=2, value=1)
        else:
            second = next(it, _END)
        state, out = self._step(self._initial, first)
        other = out if second is _END else self._step(state, second)[1]
        return _spec_from_outputs(out, other, _unknown_sizes(source, first))

    def _iter_np(self):
        state = self._initial
        for element in self._inputs[0]._iter_np():
            state, out = self._step(state, element)
            yield out


class IgnoreErrorsDataset(Dataset):
    """``ignore_errors``: elements whose making failed are dropped. Ember drops the
    failures of a map / filter function and of batching unequal shapes; an input that
    itself fails (a generator raising) ends the dataset there."""

    def __init__(self, input_dataset: Dataset, log_warning: bool):
        super().__init__((input_dataset,))
        self._log = bool(log_warning)

    def _iter_np(self):
        it = iter(self._inputs[0]._iter_np())
        while True:
            token = _SKIPPING.set(self._log)
            try:
                element = next(it)
            except StopIteration:
                return
            except Exception as e:  # noqa: BLE001 -- the input cannot go on after this
                skip_error(e)
                return
            finally:
                _SKIPPING.reset(token)
            yield element
