"""``ember.data.Dataset``: TensorFlow 2's ``tf.data.Dataset`` for Ember.

Inside a pipeline elements are nests (tuples, dicts, namedtuples) of NumPy arrays, so
batching stacks with NumPy in one call per component; iterating a dataset, and calling a
user function (``map``, ``filter``, ...), hands out Ember tensors, as TF hands out eager
tensors. Pipelines run in the calling thread, deterministically: ``prefetch`` and
``num_parallel_calls`` are accepted and change nothing but speed hints.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import ember
from ember.core.errors import InvalidArgumentError

from . import structure as st
from .options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Options

_END = object()


class Dataset:
    """A sequence of elements and the transformations that build it.

    >>> import numpy as np, ember.data
    >>> ds = ember.data.Dataset.from_tensor_slices((np.arange(6), np.arange(6) * 10))
    >>> [tuple(int(v) for v in b[0]) for b in ds.batch(4)]
    [(0, 1, 2, 3), (4, 5)]
    """

    def __init__(self, inputs: tuple = ()):
        self._inputs = tuple(inputs)
        self._options_value: Options | None = None

    # -- what subclasses provide ------------------------------------------------------
    def _iter_np(self) -> Iterator[Any]:      # elements as nests of NumPy arrays
        raise NotImplementedError

    def _card(self) -> int:
        return UNKNOWN_CARDINALITY

    def _compute_spec(self) -> Any:
        return self._inputs[0].element_spec

    def _index_plan(self):
        """``(source, indices)`` when this dataset's elements for one iteration are
        ``source``'s slices at ``indices`` (None: all in order); None when they are not
        (then batching stacks element by element)."""
        return

    # -- properties -----------------------------------------------------------------------
    @property
    def element_spec(self) -> Any:
        """The structure of ``ember.TensorSpec`` describing one element."""
        spec = self.__dict__.get("_spec_cache")
        if spec is None:
            spec = self._compute_spec()
            self.__dict__["_spec_cache"] = spec
        return spec

    def cardinality(self) -> Any:
        """Number of elements as an int64 scalar tensor; ``INFINITE_CARDINALITY`` (-1) or
        ``UNKNOWN_CARDINALITY`` (-2) when it is infinite or cannot be known statically.

        >>> import ember.data
        >>> int(ember.data.Dataset.range(10).batch(3).cardinality())
        4
        """
        return ember.constant(np.int64(self._card()))

    def __len__(self) -> int:
        n = self._card()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self) -> bool:
        return True     # never falls back on __len__ (which may raise)

    def __iter__(self) -> Iterator[Any]:
        """An iterator of the elements as Ember tensors (``next``, ``get_next``,
        ``get_next_as_optional``, ``element_spec``)."""
        from .iterator import Iterator as DatasetIterator
        return DatasetIterator(self)

    def as_numpy_iterator(self) -> Iterator[Any]:
        """Iterate elements as NumPy arrays (scalars as NumPy scalars).

        >>> import ember.data
        >>> list(ember.data.Dataset.range(3).as_numpy_iterator())
        [np.int64(0), np.int64(1), np.int64(2)]
        """
        for element in self._iter_np():
            yield st.map_structure(_numpy_leaf, element)

    def __repr__(self) -> str:
        try:
            spec = self.element_spec
        except Exception:    # noqa: BLE001 -- repr must not fail
            spec = "?"
        return f"<{type(self).__name__} element_spec={spec}>"

    # -- sources --------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> Dataset:
        """One element per slice along the first dimension of every component.

        >>> import ember.data
        >>> [int(x) for x in ember.data.Dataset.from_tensor_slices([1, 2, 3])]
        [1, 2, 3]
        """
        from .sources import TensorSliceDataset
        return TensorSliceDataset(tensors)

    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> Dataset:
        """A dataset of one element, ``tensors``.

        >>> import ember.data
        >>> ember.data.Dataset.from_tensors([1, 2]).element_spec.shape
        TensorShape([2])
        """
        from .sources import TensorDataset
        return TensorDataset(tensors)

    @staticmethod
    def range(*args: int, output_type: Any = "int64", name: str | None = None) -> Dataset:
        """Like Python's ``range``: ``range(stop)``, ``range(start, stop[, step])``.

        >>> import ember.data
        >>> list(ember.data.Dataset.range(1, 8, 3).as_numpy_iterator())
        [np.int64(1), np.int64(4), np.int64(7)]
        """
        from .sources import RangeDataset
        return RangeDataset(*args, output_type=output_type)

    @staticmethod
    def from_generator(generator: Callable, output_types: Any = None,
                       output_shapes: Any = None, args: Any = None,
                       output_signature: Any = None, name: str | None = None) -> Dataset:
        """Elements from a callable returning an iterator; each element is checked
        against (and cast to) ``output_signature``.

        >>> import ember, ember.data
        >>> def gen():
        ...     yield 1.0; yield 2.0
        >>> ds = ember.data.Dataset.from_generator(
        ...     gen, output_signature=ember.TensorSpec([], ember.float32))
        >>> [float(x) for x in ds]
        [1.0, 2.0]
        """
        from .sources import GeneratorDataset
        return GeneratorDataset(generator, output_types, output_shapes, args,
                                output_signature)

    @staticmethod
    def zip(*args: Any, datasets: Any = None, name: str | None = None) -> Dataset:
        """Elements of several datasets side by side (as a tuple / the given nest); as
        long as the shortest.

        >>> import ember.data
        >>> a, b = ember.data.Dataset.range(3), ember.data.Dataset.range(10, 20)
        >>> [(int(x), int(y)) for x, y in ember.data.Dataset.zip(a, b)]
        [(0, 10), (1, 11), (2, 12)]
        """
        from .sources import ZipDataset
        if datasets is not None and args:
            raise TypeError("ember.data.Dataset.zip: pass the datasets either positionally "
                            "or as `datasets`, not both")
        if datasets is None:
            if not args:
                raise TypeError("ember.data.Dataset.zip: needs at least one dataset")
            datasets = args[0] if len(args) == 1 else tuple(args)
        if isinstance(datasets, list):
            datasets = tuple(datasets)
        return ZipDataset(datasets)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None,
                             stop_on_empty_dataset=False, rerandomize_each_iteration=None):
        """Elements drawn at random from ``datasets`` with probabilities ``weights``."""
        from .sources import SampleDataset
        return SampleDataset(list(datasets), weights, seed, stop_on_empty_dataset)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        """Element ``i`` comes from ``datasets[choice_dataset[i]]``."""
        from .sources import ChooseDataset
        return ChooseDataset(list(datasets), choice_dataset, stop_on_empty_dataset)

    # -- transformations --------------------------------------------------------------------
    def map(self, map_func: Callable, num_parallel_calls: Any = None,
            deterministic: Any = None, name: str | None = None) -> Dataset:
        """``map_func`` applied to each element (a tuple element is unpacked into
        positional arguments; the function gets Ember tensors).

        >>> import ember.data
        >>> ds = ember.data.Dataset.from_tensor_slices(([1, 2], [10, 20]))
        >>> [int(v) for v in ds.map(lambda a, b: a + b)]
        [11, 22]
        """
        from .transforms import MapDataset
        return MapDataset(self, map_func)

    def filter(self, predicate: Callable, name: str | None = None) -> Dataset:
        """The elements for which ``predicate`` is true.

        >>> import ember.data
        >>> [int(v) for v in ember.data.Dataset.range(6).filter(lambda x: x % 2 == 0)]
        [0, 2, 4]
        """
        from .transforms import FilterDataset
        return FilterDataset(self, predicate)

    def batch(self, batch_size: int, drop_remainder: bool = False,
              num_parallel_calls: Any = None, deterministic: Any = None,
              name: str | None = None) -> Dataset:
        """Consecutive elements stacked into batches of ``batch_size`` (the last one
        smaller unless ``drop_remainder``).

        >>> import ember.data
        >>> [b.shape[0] for b in ember.data.Dataset.range(5).batch(2)]
        [2, 2, 1]
        """
        from .batching import BatchDataset
        return BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size: int, padded_shapes: Any = None,
                     padding_values: Any = None, drop_remainder: bool = False,
                     name: str | None = None) -> Dataset:
        """Batches of elements padded (at the end of each dimension) to a common shape:
        ``padded_shapes`` where given, else the largest in the batch.

        >>> import ember, ember.data
        >>> ds = ember.data.Dataset.range(1, 4).map(lambda x: ember.fill([x], x))
        >>> next(iter(ds.padded_batch(2))).numpy().tolist()
        [[1, 0], [2, 2]]
        """
        from .batching import PaddedBatchDataset
        return PaddedBatchDataset(self, batch_size, padded_shapes, padding_values,
                                  drop_remainder)

    def unbatch(self, name: str | None = None) -> Dataset:
        """Split every element along its first dimension into separate elements.

        >>> import ember.data
        >>> int(ember.data.Dataset.range(5).batch(2).unbatch().reduce(0, lambda s, x: s + x))
        10
        """
        from .batching import UnbatchDataset
        return UnbatchDataset(self)

    def window(self, size: int, shift: int | None = None, stride: int = 1,
               drop_remainder: bool = False, name: str | None = None) -> Dataset:
        """A dataset of windows, each a (structure of) dataset(s) of ``size`` elements.

        >>> import ember.data
        >>> [list(w.as_numpy_iterator()) for w in ember.data.Dataset.range(5).window(2)]
        [[np.int64(0), np.int64(1)], [np.int64(2), np.int64(3)], [np.int64(4)]]
        """
        from .batching import WindowDataset
        return WindowDataset(self, size, shift, stride, drop_remainder)

    def shuffle(self, buffer_size: int, seed: int | None = None,
                reshuffle_each_iteration: bool | None = None,
                name: str | None = None) -> Dataset:
        """Elements drawn at random from a buffer of ``buffer_size`` (filled from the
        input in order). A ``seed`` (or ``ember.random.set_seed``) makes the order
        repeatable; each new iteration reshuffles unless
        ``reshuffle_each_iteration=False``.

        >>> import ember.data
        >>> ds = ember.data.Dataset.range(5).shuffle(5, seed=1)
        >>> sorted(ds.as_numpy_iterator()) == list(range(5))
        True
        """
        from .shuffling import ShuffleDataset
        return ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count: int | None = None, name: str | None = None) -> Dataset:
        """The dataset ``count`` times (forever when ``None`` or -1).

        >>> import ember.data
        >>> list(ember.data.Dataset.range(2).repeat(2).as_numpy_iterator())
        [np.int64(0), np.int64(1), np.int64(0), np.int64(1)]
        """
        from .transforms import RepeatDataset
        return RepeatDataset(self, count)

    def take(self, count: int, name: str | None = None) -> Dataset:
        """The first ``count`` elements (all when -1).

        >>> import ember.data
        >>> len(ember.data.Dataset.range(10).take(3))
        3
        """
        from .transforms import TakeDataset
        return TakeDataset(self, count)

    def skip(self, count: int, name: str | None = None) -> Dataset:
        """All but the first ``count`` elements (none when -1).

        >>> import ember.data
        >>> list(ember.data.Dataset.range(4).skip(2).as_numpy_iterator())
        [np.int64(2), np.int64(3)]
        """
        from .transforms import SkipDataset
        return SkipDataset(self, count)

    def prefetch(self, buffer_size: int, name: str | None = None) -> Dataset:
        """Accepted for compatibility: Ember's pipelines run in the consuming thread, so
        this passes elements through unchanged.

        >>> import ember.data
        >>> len(ember.data.Dataset.range(3).prefetch(ember.data.AUTOTUNE))
        3
        """
        from .transforms import PassThroughDataset
        return PassThroughDataset(self)

    def cache(self, filename: str = "", name: str | None = None) -> Dataset:
        """Remember the elements of the first complete iteration (in memory; a
        ``filename`` is accepted and ignored) and replay them afterwards.

        >>> import ember.data
        >>> ds = ember.data.Dataset.range(3).cache()
        >>> list(ds.as_numpy_iterator()) == list(ds.as_numpy_iterator())
        True
        """
        from .transforms import CacheDataset
        return CacheDataset(self)

    def concatenate(self, dataset: Dataset, name: str | None = None) -> Dataset:
        """This dataset's elements followed by ``dataset``'s.

        >>> import ember.data
        >>> len(ember.data.Dataset.range(2).concatenate(ember.data.Dataset.range(3)))
        5
        """
        from .transforms import ConcatenateDataset
        return ConcatenateDataset(self, dataset)

    def enumerate(self, start: int = 0, name: str | None = None) -> Dataset:
        """``(index, element)`` pairs, the index an int64 counting from ``start``.

        >>> import ember.data
        >>> [(int(i), int(x)) for i, x in ember.data.Dataset.range(5, 7).enumerate()]
        [(0, 5), (1, 6)]
        """
        return Dataset.zip((Dataset.range(start, np.iinfo(np.int64).max), self))

    def flat_map(self, map_func: Callable, name: str | None = None) -> Dataset:
        """``map_func`` maps each element to a dataset; their elements in sequence.

        >>> import ember.data
        >>> D = ember.data.Dataset
        >>> list(D.range(3).flat_map(lambda x: D.range(x)).as_numpy_iterator())
        [np.int64(0), np.int64(0), np.int64(1)]
        """
        from .transforms import InterleaveDataset
        return InterleaveDataset(self, map_func, 1, 1)

    def interleave(self, map_func: Callable, cycle_length: int | None = None,
                   block_length: int | None = None, num_parallel_calls: Any = None,
                   deterministic: Any = None, name: str | None = None) -> Dataset:
        """Datasets made by ``map_func`` read in turn, ``block_length`` elements from
        each of ``cycle_length`` open at a time (default: the number of CPU cores).

        >>> import ember.data
        >>> D = ember.data.Dataset
        >>> ds = D.range(1, 3).interleave(lambda x: D.from_tensors(x).repeat(2),
        ...                               cycle_length=2)
        >>> [int(v) for v in ds]
        [1, 2, 1, 2]
        """
        from .transforms import InterleaveDataset
        return InterleaveDataset(self, map_func, cycle_length, block_length)

    def take_while(self, predicate: Callable, name: str | None = None) -> Dataset:
        """Elements up to (not including) the first for which ``predicate`` is false.

        >>> import ember.data
        >>> len(list(ember.data.Dataset.range(9).take_while(lambda x: x < 4)))
        4
        """
        from .transforms import TakeWhileDataset
        return TakeWhileDataset(self, predicate)

    def unique(self, name: str | None = None) -> Dataset:
        """The elements (scalars) with repeats removed, in first-seen order.

        >>> import ember.data
        >>> ds = ember.data.Dataset.from_tensor_slices([1, 2, 1, 3])
        >>> [int(v) for v in ds.unique()]
        [1, 2, 3]
        """
        from .transforms import UniqueDataset
        return UniqueDataset(self)

    def apply(self, transformation_func: Callable[[Dataset], Dataset]) -> Dataset:
        """``transformation_func(self)``, for chaining.

        >>> import ember.data
        >>> len(ember.data.Dataset.range(10).apply(lambda d: d.take(4)))
        4
        """
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError(f"ember.data.Dataset.apply: `transformation_func` must return a "
                            f"Dataset; it returned {type(out).__name__}")
        return out

    def reduce(self, initial_state: Any, reduce_func: Callable) -> Any:
        """Fold the elements into a state: ``state = reduce_func(state, element)``.

        >>> import ember.data
        >>> int(ember.data.Dataset.range(5).reduce(0, lambda s, x: s + x))
        10
        """
        initial = st.element_to_numpy(initial_state)
        state = st.element_to_ember(initial)
        spec = st.spec_of(initial)
        for element in self._iter_np():
            state = reduce_func(state, st.element_to_ember(element))
            state = st.element_to_ember(st.cast_state(st.element_to_numpy(state), spec,
                                                      "reduce"))
        return state

    def options(self) -> Options:
        """The options set on this dataset and those it is built from."""
        merged = Options()
        for d in self._inputs:
            if isinstance(d, Dataset):
                merged = merged.merge(d.options())
        return merged.merge(self._options_value)

    def with_options(self, options: Options, name: str | None = None) -> Dataset:
        """The same dataset with ``options`` set (recorded; see ``Options``)."""
        from .transforms import PassThroughDataset
        if not isinstance(options, Options):
            raise TypeError(f"ember.data.Dataset.with_options: expected an "
                            f"ember.data.Options; got {type(options).__name__}")
        out = PassThroughDataset(self)
        out._options_value = options
        return out

    def shard(self, num_shards: int, index: int, name: str | None = None) -> Dataset:
        """Every ``num_shards``-th element starting at ``index``."""
        if not 0 <= int(index) < int(num_shards):
            raise InvalidArgumentError(f"ember.data.Dataset.shard: index must be in [0, num_shards); "
                             f"got index={index}, num_shards={num_shards}")
        from .transforms import ShardDataset
        return ShardDataset(self, int(num_shards), int(index))

    def scan(self, initial_state: Any, scan_func: Callable, name: str | None = None) -> Dataset:
        """A state threaded through the elements: ``scan_func(state, element)`` returns
        ``(new_state, output_element)``; the new state keeps the initial state's structure
        and dtypes.

        >>> import ember.data
        >>> ds = ember.data.Dataset.range(5).scan(0, lambda s, x: (s + x, s + x))
        >>> [int(v) for v in ds]
        [0, 1, 3, 6, 10]
        """
        from .transforms import ScanDataset
        return ScanDataset(self, initial_state, scan_func)

    def group_by_window(self, key_func: Callable, reduce_func: Callable,
                        window_size: int | None = None,
                        window_size_func: Callable | None = None,
                        name: str | None = None) -> Dataset:
        """Elements grouped by the integer ``key_func(element)``; each window of
        ``window_size`` (or ``window_size_func(key)``) elements of one key is handed to
        ``reduce_func(key, window_dataset)``, whose dataset's elements are the output. At
        the end the partial windows follow, in increasing key order.

        >>> import ember.data
        >>> ds = ember.data.Dataset.range(6).group_by_window(
        ...     lambda x: x % 2, lambda k, w: w.batch(2), window_size=2)
        >>> [b.numpy().tolist() for b in ds]
        [[0, 2], [1, 3], [4], [5]]
        """
        from .batching import GroupByWindowDataset
        return GroupByWindowDataset(self, key_func, reduce_func, window_size,
                                    window_size_func)

    def bucket_by_sequence_length(self, element_length_func: Callable,
                                  bucket_boundaries: list[int],
                                  bucket_batch_sizes: list[int], padded_shapes: Any = None,
                                  padding_values: Any = None,
                                  pad_to_bucket_boundary: bool = False,
                                  no_padding: bool = False, drop_remainder: bool = False,
                                  name: str | None = None) -> Dataset:
        """Elements put in buckets by ``element_length_func(element)`` (bucket ``i``
        holds lengths in ``[bucket_boundaries[i-1], bucket_boundaries[i])``) and batched
        per bucket with ``bucket_batch_sizes[i]``, padded to the longest in the batch (or
        to the bucket's boundary - 1 with ``pad_to_bucket_boundary``).

        >>> import ember, ember.data
        >>> ds = ember.data.Dataset.range(1, 5).map(lambda n: ember.fill([n], n))
        >>> ds = ds.bucket_by_sequence_length(lambda x: ember.shape(x)[0], [3], [2, 2])
        >>> [b.numpy().tolist() for b in ds]
        [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]
        """
        from .batching import bucket_by_sequence_length
        return bucket_by_sequence_length(self, element_length_func, bucket_boundaries,
                                         bucket_batch_sizes, padded_shapes, padding_values,
                                         pad_to_bucket_boundary, no_padding, drop_remainder)

    def rebatch(self, batch_size: Any, drop_remainder: bool = False,
                name: str | None = None) -> Dataset:
        """The rows of this (batched) dataset regrouped into batches of ``batch_size``
        (a list of sizes is used in turn); batches may span input batches.

        >>> import ember.data
        >>> ds = ember.data.Dataset.range(7).batch(4).rebatch(3)
        >>> [b.numpy().tolist() for b in ds]
        [[0, 1, 2], [3, 4, 5], [6]]
        """
        from .batching import RebatchDataset
        return RebatchDataset(self, batch_size, drop_remainder)

    def get_single_element(self, name: str | None = None) -> Any:
        """The only element of a one-element dataset (an error if it has none or more).

        >>> import ember.data
        >>> int(ember.data.Dataset.range(4).batch(4).get_single_element()[3])
        3
        """
        it = iter(self._iter_np())
        first = next(it, _END)
        if first is _END:
            raise InvalidArgumentError("ember.data.Dataset.get_single_element: the dataset "
                                       "was empty; expected exactly one element")
        if next(it, _END) is not _END:
            raise InvalidArgumentError("ember.data.Dataset.get_single_element: the dataset "
                                       "had more than one element; expected exactly one")
        return st.element_to_ember(first)

    def ignore_errors(self, log_warning: bool = False, name: str | None = None) -> Dataset:
        """The elements whose making did not fail: failures of a ``map`` / ``filter``
        function, or of batching elements of unequal shapes, drop that element (logged
        as a warning with ``log_warning``).

        >>> import ember.data
        >>> def inverse(x):
        ...     if float(x) == 0:
        ...         raise ValueError("division by zero")
        ...     return 1 / x
        >>> ds = ember.data.Dataset.from_tensor_slices([1., 0., 2.]).map(inverse)
        >>> [float(v) for v in ds.ignore_errors()]
        [1.0, 0.5]
        """
        from .transforms import IgnoreErrorsDataset
        return IgnoreErrorsDataset(self, log_warning)

    @staticmethod
    def counter(start: int = 0, step: int = 1, dtype: Any = "int64",
                name: str | None = None) -> Dataset:
        """``start``, ``start + step``, ... forever.

        >>> import ember.data
        >>> list(ember.data.Dataset.counter(5, 2).take(3).as_numpy_iterator())
        [np.int64(5), np.int64(7), np.int64(9)]
        """
        from .sources import CounterDataset
        return CounterDataset(start, step, dtype)

    @staticmethod
    def random(seed: int | None = None, rerandomize_each_iteration: bool | None = None,
               name: str | None = None) -> Dataset:
        """Random int64 numbers in ``[0, 2**32)`` forever (a different sequence than
        TF's for the same seed). Each iteration repeats the sequence unless
        ``rerandomize_each_iteration``.

        >>> import ember.data
        >>> ds = ember.data.Dataset.random(seed=1).take(3)
        >>> list(ds.as_numpy_iterator()) == list(ds.as_numpy_iterator())
        True
        """
        from .sources import RandomDataset
        return RandomDataset(seed, rerandomize_each_iteration)

    # -- used by Keras ------------------------------------------------------------------------
    def _numpy_elements(self) -> Iterator[Any]:
        """Elements as nests of NumPy arrays (no conversion to tensors)."""
        return self._iter_np()


def _numpy_leaf(a: Any) -> Any:
    """One leaf as ``as_numpy_iterator`` gives it: 0-d arrays as NumPy scalars (strings
    as Python ``bytes``); dataset-valued leaves (from ``window``) are refused, as in TF."""
    if isinstance(a, Dataset):
        raise TypeError("ember.data.Dataset.as_numpy_iterator: not supported for datasets "
                        "whose elements are datasets (from `window`); iterate the windows, "
                        "or `flat_map` them into batches first")
    if isinstance(a, np.ndarray) and a.ndim == 0:
        a = a[()]
    return bytes(a) if isinstance(a, np.bytes_) else a
