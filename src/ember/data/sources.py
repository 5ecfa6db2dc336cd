"""Datasets built from tensors, ranges, generators and other datasets."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember
from ember.core.errors import InvalidArgumentError

from . import structure as st
from .dataset import Dataset
from .options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY


class TensorSliceDataset(Dataset):
    def __init__(self, tensors: Any):
        super().__init__()
        if isinstance(tensors, Dataset):
            raise TypeError("ember.data.Dataset.from_tensor_slices: got a Dataset; pass "
                            "tensors or arrays")
        self._data = st.tensors_to_numpy(tensors)
        flat = st.flatten(self._data)
        if not flat:
            raise InvalidArgumentError("ember.data.Dataset.from_tensor_slices: got an empty "
                                       "structure; pass at least one tensor")
        self._n = st.check_first_dims(flat, "from_tensor_slices")

    def _card(self) -> int:
        return self._n

    def _compute_spec(self):
        return st.map_structure(lambda a: st.make_spec(a.shape[1:], a.dtype), self._data)

    def _iter_np(self):
        return self._elements(range(self._n))

    def _elements(self, index):
        flat, data = st.flatten(self._data), self._data
        if not isinstance(data, (tuple, dict)):
            a = data
            for i in index:
                yield a[i]
            return
        for i in index:
            yield st.pack_as(data, [a[i] for a in flat])

    def _index_plan(self):
        return self, None

    def _slices(self, start: int, stop: int, index=None):
        """Components sliced in one go (the batching fast path)."""
        sel = slice(start, stop) if index is None else index
        return st.map_structure(lambda a: a[sel], self._data)


class TensorDataset(Dataset):
    def __init__(self, tensors: Any):
        super().__init__()
        self._data = st.tensors_to_numpy(tensors)

    def _card(self) -> int:
        return 1

    def _compute_spec(self):
        return st.spec_of(self._data)

    def _iter_np(self):
        yield self._data


def _range_int(value: Any) -> int:
    a = st.to_numpy(value)
    if a.shape != () or a.dtype.kind not in "iu":
        raise TypeError(f"ember.data.Dataset.range: arguments must be integer scalars; got "
                        f"{value!r}")
    return int(a)


class RangeDataset(Dataset):
    def __init__(self, *args: int, output_type: Any = "int64"):
        super().__init__()
        if not 1 <= len(args) <= 3:
            raise TypeError(f"ember.data.Dataset.range: takes 1 to 3 arguments (start, stop, "
                            f"step); got {len(args)}")
        vals = [_range_int(v) for v in args]
        start, stop, step = (0, vals[0], 1) if len(vals) == 1 else \
            (vals[0], vals[1], vals[2] if len(vals) == 3 else 1)
        if step == 0:
            raise InvalidArgumentError("ember.data.Dataset.range: step must not be 0")
        self._range = range(start, stop, step)
        self._dtype = np.dtype(ember.dtypes.as_dtype(output_type).as_numpy_dtype)

    def _card(self) -> int:
        return len(self._range)

    def _compute_spec(self):
        return st.make_spec((), self._dtype)

    def _iter_np(self):
        t = self._dtype.type
        for v in self._range:
            yield np.asarray(t(v))

    def _elements(self, index):
        t, r = self._dtype.type, self._range
        for i in index:
            yield np.asarray(t(r[int(i)]))

    def _index_plan(self):
        return self, None

    def _slices(self, start: int, stop: int, index=None):
        r = self._range
        if index is None:
            return np.arange(r.start + start * r.step, r.start + stop * r.step, r.step,
                             dtype=self._dtype)
        return (r.start + np.asarray(index) * r.step).astype(self._dtype)


def _signature_from(output_types, output_shapes):
    if output_types is None:
        raise TypeError("ember.data.Dataset.from_generator: pass `output_signature` (or "
                        "`output_types` and optionally `output_shapes`)")

    def build(types, shapes):
        if isinstance(types, dict):
            return {k: build(types[k], None if shapes is None else shapes[k]) for k in types}
        if isinstance(types, (tuple, list)):
            return tuple(build(t, None if shapes is None else shapes[i])
                         for i, t in enumerate(types))
        shape = None if shapes is None else tuple(
            None if d is None else int(d) for d in (shapes if not hasattr(shapes, "as_list")
                                                    else shapes.as_list()))
        return _spec_for(shape, types)

    return build(output_types, output_shapes)


def _spec_for(shape, dtype):
    if dtype in ("string", str, bytes) or getattr(dtype, "name", None) == "string":
        return st.StringSpec(shape)
    return ember.TensorSpec(shape, dtype)


class GeneratorDataset(Dataset):
    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        super().__init__()
        if not callable(generator):
            raise TypeError("ember.data.Dataset.from_generator: `generator` must be a "
                            "callable returning an iterator (e.g. a generator function), "
                            f"got {type(generator).__name__}")
        if output_signature is not None:
            if output_types is not None or output_shapes is not None:
                raise TypeError("ember.data.Dataset.from_generator: pass either "
                                "`output_signature` or `output_types`/`output_shapes`")
            sig = output_signature
            if isinstance(sig, list):
                sig = tuple(sig)
        else:
            sig = _signature_from(output_types, output_shapes)
        self._sig = sig
        self._generator = generator
        self._args = tuple(args) if args is not None else ()

    def _compute_spec(self):
        return self._sig

    def _iter_np(self):
        sig, specs = self._sig, st.flatten(self._sig)
        dtypes = [st.spec_np_dtype(s) for s in specs]       # once, not per element
        shapes = [st.spec_shape(s) for s in specs]
        args = [st.element_to_ember(st.element_to_numpy(a)) for a in self._args]
        for value in self._generator(*args):
            if isinstance(value, list) and isinstance(sig, tuple):
                value = tuple(value)
            if not st.same_structure(value, sig) and not (
                    len(specs) == 1 and not isinstance(sig, (tuple, dict))):
                raise TypeError(f"ember.data.Dataset.from_generator: the generator yielded "
                                f"{value!r}, which does not match the structure of the "
                                f"output signature {sig}")
            flat = st.flatten(value) if isinstance(sig, (tuple, dict)) else [value]
            out = []
            for v, spec, dtype, shape in zip(flat, specs, dtypes, shapes):
                a = np.asarray(v.numpy() if hasattr(v, "numpy") else v)
                if dtype.kind == "S":
                    a = a.astype(np.bytes_)
                else:
                    try:
                        a = a.astype(dtype, copy=False)
                    except (TypeError, ValueError):
                        raise TypeError(f"ember.data.Dataset.from_generator: the generator "
                                        f"yielded {v!r}, which cannot be converted to "
                                        f"{spec}") from None
                if shape is not None and (len(shape) != a.ndim or any(
                        d is not None and d != s for d, s in zip(shape, a.shape))):
                    raise InvalidArgumentError(
                        f"ember.data.Dataset.from_generator: the generator yielded an "
                        f"element of shape {tuple(a.shape)} where an element of shape "
                        f"{shape} was expected")
                out.append(a)
            yield st.pack_as(sig, out) if isinstance(sig, (tuple, dict)) else out[0]


class ZipDataset(Dataset):
    def __init__(self, datasets: Any):
        flat = st.flatten(datasets)
        for d in flat:
            if not isinstance(d, Dataset):
                raise TypeError(f"ember.data.Dataset.zip: every component must be a "
                                f"Dataset; got {type(d).__name__}")
        super().__init__(flat)
        self._structure = datasets

    def _card(self) -> int:
        cards = [d._card() for d in self._inputs]
        finite = [c for c in cards if c >= 0]
        if finite and UNKNOWN_CARDINALITY not in cards:
            return min(finite)
        if UNKNOWN_CARDINALITY in cards:
            return UNKNOWN_CARDINALITY
        return INFINITE_CARDINALITY

    def _compute_spec(self):
        return st.pack_as(self._structure, [d.element_spec for d in self._inputs])

    def _iter_np(self):
        its = [iter(d._iter_np()) for d in self._inputs]
        while True:
            parts = []
            for it in its:
                v = next(it, _END)
                if v is _END:
                    return
                parts.append(v)
            yield st.pack_as(self._structure, parts)


_END = object()


def _base_seed(seed) -> list | None:
    from ember.ops.random import pipeline_seed
    return pipeline_seed(seed, "data.Dataset")


class SampleDataset(Dataset):
    def __init__(self, datasets, weights, seed, stop_on_empty):
        super().__init__(datasets)
        n = len(datasets)
        w = np.full(n, 1.0 / n) if weights is None else \
            np.asarray(st.to_numpy(weights), dtype=np.float64)
        if w.shape != (n,):
            raise InvalidArgumentError(f"ember.data.Dataset.sample_from_datasets: weights must "
                                       f"have shape ({n},); got {w.shape}")
        self._w = w / w.sum()
        self._seed = _base_seed(seed)
        self._stop = stop_on_empty
        self._epoch = 0

    def _card(self) -> int:
        cards = [d._card() for d in self._inputs]
        return INFINITE_CARDINALITY if INFINITE_CARDINALITY in cards else \
            UNKNOWN_CARDINALITY

    def _compute_spec(self):
        return _merged_spec(self._inputs, "sample_from_datasets")

    def _iter_np(self):
        self._epoch += 1
        rng = np.random.default_rng(None if self._seed is None else
                                    self._seed + [self._epoch])
        its = [iter(d._iter_np()) for d in self._inputs]
        w = self._w.copy()
        while w.sum() > 0:
            i = int(rng.choice(len(its), p=w / w.sum()))
            v = next(its[i], _END)
            if v is _END:
                if self._stop:
                    return
                w[i] = 0
                continue
            yield v


class ChooseDataset(Dataset):
    def __init__(self, datasets, choice_dataset, stop_on_empty):
        super().__init__(list(datasets) + [choice_dataset])
        self._n = len(datasets)
        self._stop = stop_on_empty

    def _card(self) -> int:
        cards = [d._card() for d in self._inputs]
        if cards[-1] == INFINITE_CARDINALITY and INFINITE_CARDINALITY in cards[:-1]:
            return INFINITE_CARDINALITY
        return 0 if cards[-1] == 0 else UNKNOWN_CARDINALITY

    def _compute_spec(self):
        return _merged_spec(self._inputs[:self._n], "choose_from_datasets")

    def _iter_np(self):
        its = [iter(d._iter_np()) for d in self._inputs[:self._n]]
        for c in self._inputs[-1]._iter_np():
            i = int(c)
            if not 0 <= i < self._n:
                raise InvalidArgumentError(f"ember.data.Dataset.choose_from_datasets: choice "
                                           f"{i} is out of range [0, {self._n})")
            v = next(its[i], _END)
            if v is _END:
                if self._stop:
                    return
                continue
            yield v


def _merged_spec(datasets: list, op: str) -> Any:
    """The spec all ``datasets`` fit (dims that differ become None)."""
    spec = datasets[0].element_spec
    for d in datasets[1:]:
        other = d.element_spec
        if not st.same_structure(spec, other) or \
                len(st.flatten(spec)) != len(st.flatten(other)):
            raise TypeError(f"ember.data.Dataset.{op}: all datasets must have the same "
                            f"element structure; got {spec} and {other}")
        spec = st.pack_as(spec, [st.merge_specs(a, b, op) for a, b in
                                 zip(st.flatten(spec), st.flatten(other))])
    return spec


class CounterDataset(Dataset):
    """``Dataset.counter``: start, start + step, ... forever."""

    def __init__(self, start: Any, step: Any, dtype: Any):
        super().__init__()
        self._start, self._step = int(st.to_numpy(start)), int(st.to_numpy(step))
        self._dtype = np.dtype(ember.dtypes.as_dtype(dtype).as_numpy_dtype)

    def _card(self) -> int:
        return INFINITE_CARDINALITY

    def _compute_spec(self):
        return st.make_spec((), self._dtype)

    def _iter_np(self):
        t, v = self._dtype.type, self._start
        while True:
            yield np.asarray(t(v))
            v += self._step


class RandomDataset(Dataset):
    """``Dataset.random``: int64 random numbers in [0, 2**32) forever. The seed is fixed
    when the dataset is made, so every iteration gives the same numbers unless
    ``rerandomize_each_iteration``."""

    def __init__(self, seed: Any, rerandomize_each_iteration: bool | None):
        super().__init__()
        base = _base_seed(None if seed is None else int(st.to_numpy(seed)))
        if base is None:
            base = [int(v) for v in np.random.SeedSequence().generate_state(2, np.uint64)]
        self._seed = base
        self._rerandomize = bool(rerandomize_each_iteration)
        self._epoch = 0

    def _card(self) -> int:
        return INFINITE_CARDINALITY

    def _compute_spec(self):
        return st.make_spec((), np.int64)

    def _iter_np(self):
        epoch = self._epoch
        if self._rerandomize:
            self._epoch += 1
        rng = np.random.default_rng(self._seed + [epoch])
        while True:
            for v in rng.integers(0, 1 << 32, size=256, dtype=np.int64):
                yield np.asarray(v)
