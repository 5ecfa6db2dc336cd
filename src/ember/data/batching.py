"""batch, padded_batch, unbatch and window: elements stacked with NumPy, one call per
component (and, over in-memory slices, one fancy-indexing call per batch)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ember.core.errors import InvalidArgumentError

from . import structure as st
from .dataset import Dataset

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
        for group in _groups(self._inputs[0]._iter_np(), self._size, self._drop):
            yield _stack(group, "batch")


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


class DatasetSpec:
    """The spec of a dataset-valued component (what ``window`` yields)."""

    def __init__(self, element_spec: Any):
        self.element_spec = element_spec

    def __eq__(self, other):
        return isinstance(other, DatasetSpec) and other.element_spec == self.element_spec

    def __repr__(self):
        return f"DatasetSpec({self.element_spec!r})"


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
