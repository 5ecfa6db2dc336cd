"""batch, padded_batch, unbatch and window: elements stacked with NumPy, one call per
component (and, over in-memory slices, one fancy-indexing call per batch)."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember
from ember.core.errors import InvalidArgumentError

from . import structure as st
from .dataset import Dataset
from .structure import DatasetSpec

_END = object()


def _positive(value: Any, what: str, op: str) -> int:
    v = int(st.to_numpy(value))
    if v <= 0:
        raise InvalidArgumentError(f"ember.data.Dataset.{op}: {what} must be greater than "
                                   f"zero; got {v}")
    return v


def _batched_card(n: int, size: int, drop: bool) -> int:
    if n < 0:
        return n
    return n // size if drop else -(-n // size)


def _groups(iterator, size: int, drop: bool):
    group: list = []
    for element in iterator:
        group.append(element)
        if len(group) == size:
            yield group
            group = []
    if group and not drop:
        yield group


def _stack(group: list, op: str) -> Any:
    struct = group[0]
    columns = list(zip(*(st.flatten(e) for e in group)))
    out = []
    for k, column in enumerate(columns):
        shapes = {a.shape for a in column}
        if len(shapes) > 1:
            first = column[0].shape
            other = next(a.shape for a in column if a.shape != first)
            where = f" (component {k})" if len(columns) > 1 else ""
            raise InvalidArgumentError(
                f"ember.data.Dataset.{op}: cannot batch elements of different shapes"
                f"{where}: {tuple(first)} and {tuple(other)}. Use `padded_batch` to pad "
                f"them to a common shape, or make them equal in `map` first.")
        out.append(np.stack(column))
    return st.pack_as(struct, out)


class BatchDataset(Dataset):
    def __init__(self, input_dataset: Dataset, batch_size: Any, drop_remainder: bool):
        super().__init__((input_dataset,))
        self._size = _positive(batch_size, "batch_size", "batch")
        self._drop = bool(drop_remainder)

    @property
    def _batch_size(self) -> int:
        """The batch size, under the attribute name Keras reads on a tf.data dataset."""
        return self._size

    def _card(self) -> int:
        return _batched_card(self._inputs[0]._card(), self._size, self._drop)

    def _compute_spec(self):
        lead = self._size if self._drop else None
        return st.map_structure(
            lambda s: s if st.spec_shape(s) is None else
            st.make_spec((lead,) + st.spec_shape(s), st.spec_np_dtype(s)),
            self._inputs[0].element_spec)

    def _iter_np(self):
        plan = self._inputs[0]._index_plan()
        if plan is not None:
            source, index = plan
            n = source._card() if index is None else len(index)
            stop = n - n % self._size if self._drop else n
            for lo in range(0, stop, self._size):
                hi = min(lo + self._size, n)
                yield source._slices(lo, hi) if index is None else \
                    source._slices(lo, hi, index[lo:hi])
            return
        from .transforms import skip_error
        for group in _groups(self._inputs[0]._iter_np(), self._size, self._drop):
            try:
                out = _stack(group, "batch")
            except InvalidArgumentError as e:
                if skip_error(e):
                    continue
                raise
            yield out


def _as_shape(s, op: str):
    if s is None:
        return None
    if hasattr(s, "as_list"):
        s = s.as_list()
    elif hasattr(s, "numpy"):
        s = s.numpy().tolist()
    elif isinstance(s, np.ndarray):
        s = s.tolist()
    return tuple(None if d is None or int(d) < 0 else int(d) for d in s)


class PaddedBatchDataset(Dataset):
    def __init__(self, input_dataset: Dataset, batch_size, padded_shapes, padding_values,
                 drop_remainder):
        super().__init__((input_dataset,))
        self._size = _positive(batch_size, "batch_size", "padded_batch")
        self._drop = bool(drop_remainder)
        spec = input_dataset.element_spec
        specs = st.flatten(spec)
        if padded_shapes is None:
            shapes = [None] * len(specs)
            for s in specs:
                if st.spec_shape(s) is None:
                    raise InvalidArgumentError(
                        "ember.data.Dataset.padded_batch: an element has unknown rank; "
                        "pass `padded_shapes`")
        else:
            if isinstance(spec, (tuple, dict)):
                ps = tuple(padded_shapes) if isinstance(padded_shapes, list) else \
                    padded_shapes
                shapes = [_as_shape(s, "padded_batch") for s in
                          _flatten_up_to(spec, ps)]
            else:
                shapes = [_as_shape(padded_shapes, "padded_batch")]
        for s, target in zip(specs, shapes):
            have = st.spec_shape(s)
            if target is not None and have is not None and len(target) != len(have):
                raise InvalidArgumentError(
                    f"ember.data.Dataset.padded_batch: padded shape {target} does not have "
                    f"the rank of the element shape {have}")
        if padding_values is None:
            values = [None] * len(specs)
        elif isinstance(spec, (tuple, dict)) and isinstance(padding_values, (tuple, dict)):
            values = _flatten_up_to(spec, padding_values)
        else:
            values = [padding_values] * len(specs)
        self._shapes = shapes
        self._values = [self._pad_value(v, s) for v, s in zip(values, specs)]

    @staticmethod
    def _pad_value(v, spec):
        dtype = st.spec_np_dtype(spec)
        if v is None:
            return np.asarray(b"" if dtype.kind == "S" else 0).astype(dtype)
        a = st.to_numpy(v)
        if a.shape != ():
            raise InvalidArgumentError(f"ember.data.Dataset.padded_batch: padding values "
                                       f"must be scalars; got shape {tuple(a.shape)}")
        if (a.dtype.kind == "S") != (dtype.kind == "S") or (
                a.dtype.kind in "fc" and dtype.kind in "biu") or (
                a.dtype.kind == "c" and dtype.kind == "f"):
            raise TypeError(f"ember.data.Dataset.padded_batch: the padding value {v!r} "
                            f"({a.dtype}) does not fit the component's dtype {dtype}")
        return a.astype(dtype)

    def _card(self) -> int:
        return _batched_card(self._inputs[0]._card(), self._size, self._drop)

    def _compute_spec(self):
        lead = self._size if self._drop else None
        spec = self._inputs[0].element_spec
        specs = st.flatten(spec)
        out = []
        for s, target in zip(specs, self._shapes):
            dims = st.spec_shape(s) if target is None else target
            out.append(st.make_spec((lead,) + tuple(dims), st.spec_np_dtype(s)))
        return st.pack_as(spec, out)

    def _iter_np(self):
        for group in _groups(self._inputs[0]._iter_np(), self._size, self._drop):
            columns = list(zip(*(st.flatten(e) for e in group)))
            out = []
            for column, target, value in zip(columns, self._shapes, self._values):
                rank = column[0].ndim
                if any(a.ndim != rank for a in column):
                    raise InvalidArgumentError(
                        f"ember.data.Dataset.padded_batch: elements have different ranks: "
                        f"{sorted({tuple(a.shape) for a in column})}")
                biggest = tuple(max(a.shape[d] for a in column) for d in range(rank))
                shape = biggest if target is None else tuple(
                    b if t is None else t for b, t in zip(biggest, target))
                for a in column:
                    if any(x > y for x, y in zip(a.shape, shape)):
                        raise InvalidArgumentError(
                            f"ember.data.Dataset.padded_batch: an element of shape "
                            f"{tuple(a.shape)} is larger than the padded shape {shape}")
                batch = np.full((len(column),) + shape, value, dtype=column[0].dtype)
                for i, a in enumerate(column):
                    batch[(i,) + tuple(slice(0, d) for d in a.shape)] = a
                out.append(batch)
            yield st.pack_as(group[0], out)


def _flatten_up_to(structure, values) -> list:
    """The leaves of ``values`` at the leaves of ``structure`` (a leaf of ``structure``
    may be matched by a list/tuple shape in ``values``)."""
    if isinstance(structure, dict):
        return [x for k in sorted(structure) for x in _flatten_up_to(structure[k], values[k])]
    if isinstance(structure, tuple):
        if not isinstance(values, (tuple, list)) or len(values) != len(structure):
            raise InvalidArgumentError(f"ember.data.Dataset.padded_batch: the structure "
                                       f"{values!r} does not match the element structure")
        return [x for s, v in zip(structure, values) for x in _flatten_up_to(s, v)]
    return [values]


class UnbatchDataset(Dataset):
    def __init__(self, input_dataset: Dataset):
        super().__init__((input_dataset,))
        for s in st.flatten(input_dataset.element_spec):
            if st.spec_shape(s) == ():
                raise InvalidArgumentError(f"ember.data.Dataset.unbatch: elements must have "
                                           f"at least one dimension; got {s}")

    def _compute_spec(self):
        return st.map_structure(
            lambda s: s if st.spec_shape(s) is None else
            st.make_spec(st.spec_shape(s)[1:], st.spec_np_dtype(s)),
            self._inputs[0].element_spec)

    def _iter_np(self):
        for element in self._inputs[0]._iter_np():
            flat = st.flatten(element)
            n = st.check_first_dims(flat, "unbatch")
            for i in range(n):
                yield st.pack_as(element, [a[i] for a in flat])


class _ListDataset(Dataset):
    """A finite dataset of the given NumPy elements (the inside of a window)."""

    def __init__(self, elements: list, spec: Any):
        super().__init__()
        self._elements_list, self._spec_value = elements, spec

    def _card(self) -> int:
        return len(self._elements_list)

    def _compute_spec(self):
        return self._spec_value

    def _iter_np(self):
        return iter(self._elements_list)


class WindowDataset(Dataset):
    def __init__(self, input_dataset: Dataset, size, shift, stride, drop_remainder):
        super().__init__((input_dataset,))
        self._size = _positive(size, "size", "window")
        self._shift = self._size if shift is None else _positive(shift, "shift", "window")
        self._stride = _positive(stride, "stride", "window")
        self._drop = bool(drop_remainder)

    def _card(self) -> int:
        n = self._inputs[0]._card()
        if n < 0:
            return n
        if self._drop:
            span = (self._size - 1) * self._stride + 1
            return max(0, (n - span) // self._shift + 1) if n >= span else 0
        return -(-n // self._shift)

    def _compute_spec(self):
        return st.map_structure(DatasetSpec, self._inputs[0].element_spec)

    def _iter_np(self):
        spec = self._inputs[0].element_spec
        it = iter(self._inputs[0]._iter_np())
        buf: list = []
        offset = 0          # input index of buf[0]
        start = 0
        done = False
        span = (self._size - 1) * self._stride + 1
        while True:
            while not done and offset + len(buf) < start + span:
                v = next(it, _END)
                if v is _END:
                    done = True
                else:
                    buf.append(v)
            picked = [buf[k - offset] for k in range(start, start + span, self._stride)
                      if k - offset < len(buf)]
            if not picked or (self._drop and len(picked) < self._size):
                return
            flat_specs = st.flatten(spec)
            columns = list(zip(*(st.flatten(e) for e in picked)))
            parts = [_ListDataset(list(c), s) for c, s in zip(columns, flat_specs)]
            yield st.pack_as(picked[0], parts)
            start += self._shift
            drop = min(start - offset, len(buf))
            del buf[:drop]
            offset += drop
            if done and offset + len(buf) <= start:
                return


class RebatchDataset(Dataset):
    """``rebatch``: the rows of the input's batches regrouped into batches of
    ``batch_size`` (a list of sizes is used in turn), across input batch boundaries."""

    def __init__(self, input_dataset: Dataset, batch_size: Any, drop_remainder: bool):
        super().__init__((input_dataset,))
        sizes = np.asarray(st.to_numpy(batch_size)).reshape(-1).tolist()
        if not sizes:
            raise InvalidArgumentError("ember.data.Dataset.rebatch: `batch_size` must hold "
                                       "at least one size")
        self._sizes = [_positive(v, "batch_size", "rebatch") for v in sizes]
        self._drop = bool(drop_remainder)
        for s in st.flatten(input_dataset.element_spec):
            if st.spec_shape(s) == ():
                raise ValueError(f"ember.data.Dataset.rebatch: expected a dataset with "
                                 f"elements of rank >= 1 but got scalar elements {s}; add "
                                 f"`batch` before `rebatch`")

    def _compute_spec(self):
        lead = self._sizes[0] if self._drop and len(set(self._sizes)) == 1 else None
        return st.map_structure(
            lambda s: s if st.spec_shape(s) is None else
            st.make_spec((lead,) + st.spec_shape(s)[1:], st.spec_np_dtype(s)),
            self._inputs[0].element_spec)

    def _iter_np(self):
        k = 0
        pending: list = []      # input batches (flat lists) not yet handed out
        have = 0                # rows in pending
        for element in self._inputs[0]._iter_np():
            flat = st.flatten(element)
            n = st.check_first_dims(flat, "rebatch")
            struct = element
            pending.append(flat)
            have += n
            while have >= self._sizes[k]:
                out, pending, have = _take_rows(pending, self._sizes[k], have)
                k = (k + 1) % len(self._sizes)
                yield st.pack_as(struct, out)
        while have and not self._drop:
            size = min(have, self._sizes[k])
            out, pending, have = _take_rows(pending, size, have)
            k = (k + 1) % len(self._sizes)
            yield st.pack_as(struct, out)


def _take_rows(pending: list, size: int, have: int) -> tuple:
    """The first ``size`` rows of the flat batches in ``pending``, concatenated per
    component, and what is left."""
    parts: list = []
    need = size
    while need:
        flat = pending[0]
        n = flat[0].shape[0] if flat else 0
        if n <= need:
            parts.append(flat)
            pending = pending[1:]
            need -= n
        else:
            parts.append([a[:need] for a in flat])
            pending = [[a[need:] for a in flat]] + pending[1:]
            need = 0
    out = []
    for column in zip(*parts):
        if len({a.shape[1:] for a in column}) > 1:
            raise InvalidArgumentError(
                f"ember.data.Dataset.rebatch: cannot batch rows of different shapes: "
                f"{sorted({tuple(a.shape[1:]) for a in column})}")
        out.append(column[0] if len(column) == 1 else np.concatenate(column))
    return out, pending, have - size


def _int_scalar(value: Any, what: str, op: str) -> int:
    a = st.to_numpy(value)
    if a.shape != () or a.dtype.kind not in "iu":
        raise ValueError(f"ember.data.Dataset.{op}: `{what}` must return a scalar integer "
                        f"(int64) tensor; got shape {tuple(a.shape)} {a.dtype}")
    return int(a)


class GroupByWindowDataset(Dataset):
    """``group_by_window``: elements grouped by ``key_func``; each full window (and, at
    the end, each partial one, in key order) goes through ``reduce_func``."""

    def __init__(self, input_dataset: Dataset, key_func, reduce_func, window_size,
                 window_size_func, spec_func=None):
        super().__init__((input_dataset,))
        if (window_size is None) == (window_size_func is None):
            raise ValueError("ember.data.Dataset.group_by_window: pass exactly one of "
                             "`window_size` and `window_size_func`")
        if window_size is not None:
            size = _positive(window_size, "window_size", "group_by_window")
            window_size_func = lambda key: size
        self._key_func, self._reduce_func = key_func, reduce_func
        self._size_func = window_size_func
        self._spec_func = spec_func

    def _reduce(self, key: int, elements: list) -> Any:
        ds = self._reduce_func(ember.constant(np.int64(key)),
                               _ListDataset(elements, self._inputs[0].element_spec))
        if not isinstance(ds, Dataset):
            raise TypeError(f"ember.data.Dataset.group_by_window: `reduce_func` must return "
                            f"a Dataset; it returned {type(ds).__name__}")
        return ds

    def _compute_spec(self):
        if self._spec_func is not None:
            return self._spec_func()
        return self._reduce(0, []).element_spec

    def _iter_np(self):
        from .transforms import call
        groups: dict = {}
        sizes: dict = {}
        for element in self._inputs[0]._iter_np():
            key = _int_scalar(call(self._key_func, element), "key_func", "group_by_window")
            if key not in sizes:
                sizes[key] = _positive(self._size_func(ember.constant(np.int64(key))),
                                       "the window size", "group_by_window")
            group = groups.setdefault(key, [])
            group.append(element)
            if len(group) == sizes[key]:
                del groups[key]
                yield from self._reduce(key, group)._iter_np()
        for key in sorted(groups):
            yield from self._reduce(key, groups[key])._iter_np()


def bucket_by_sequence_length(dataset: Dataset, element_length_func, bucket_boundaries,
                              bucket_batch_sizes, padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False) -> Dataset:
    """Elements put in buckets by length and batched (padded) per bucket."""
    from bisect import bisect_right
    from itertools import pairwise

    bounds = [int(b) for b in bucket_boundaries]
    sizes = [int(b) for b in bucket_batch_sizes]
    if len(sizes) != len(bounds) + 1:
        raise ValueError(f"ember.data.Dataset.bucket_by_sequence_length: "
                         f"len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1; got "
                         f"{len(sizes)} and {len(bounds)}")
    if any(b >= c for b, c in pairwise(bounds)):
        raise ValueError(f"ember.data.Dataset.bucket_by_sequence_length: bucket_boundaries "
                         f"must be strictly increasing; got {bounds}")
    spec = dataset.element_spec
    if padded_shapes is None:
        flat_shapes = [st.spec_shape(s) for s in st.flatten(spec)]
    elif isinstance(spec, (tuple, dict)):
        ps = tuple(padded_shapes) if isinstance(padded_shapes, list) else padded_shapes
        flat_shapes = [_as_shape(s, "bucket_by_sequence_length")
                       for s in _flatten_up_to(spec, ps)]
    else:
        flat_shapes = [_as_shape(padded_shapes, "bucket_by_sequence_length")]

    def key_func(*args):
        length = _int_scalar(element_length_func(*args), "element_length_func",
                             "bucket_by_sequence_length")
        return np.int64(bisect_right(bounds, length))

    def fill(filler):
        out = [None if s is None else [filler if d is None else d for d in s]
               for s in flat_shapes]
        return st.pack_as(spec, out) if isinstance(spec, (tuple, dict)) else out[0]

    def batching(key, window, spec_only=False):
        key = int(key)
        size = sizes[key]
        if no_padding:
            return window.batch(size, drop_remainder=drop_remainder)
        filler = None
        if pad_to_bucket_boundary and not spec_only:
            if key >= len(bounds):
                raise InvalidArgumentError(
                    f"ember.data.Dataset.bucket_by_sequence_length: with "
                    f"pad_to_bucket_boundary=True, elements must have length < "
                    f"max(bucket_boundaries) = {max(bounds) if bounds else None}")
            filler = bounds[key] - 1
        return window.padded_batch(size, fill(filler), padding_values,
                                   drop_remainder=drop_remainder)

    def spec_func():      # the batch size and padded lengths vary by bucket: None
        out = batching(0, _ListDataset([], spec), spec_only=True).element_spec
        return st.map_structure(lambda s: st.relax_shape(s, lambda i, d: i > 0), out)

    return GroupByWindowDataset(dataset, key_func, batching, None,
                                lambda key: sizes[int(key)], spec_func)
