"""``ember.data.experimental``: TF's constants and helpers under that name."""
from __future__ import annotations

import enum
from typing import Any

import numpy as np

from .iterator import Optional  # noqa: F401
from .options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY  # noqa: F401


def cardinality(dataset: Any) -> Any:
    """``dataset.cardinality()`` (TF's older spelling).

    >>> import ember.data
    >>> int(ember.data.experimental.cardinality(ember.data.Dataset.range(3).repeat()))
    -1
    """
    return dataset.cardinality()


def assert_cardinality(expected_cardinality: int):
    """A transformation (for ``Dataset.apply``) that declares the dataset's cardinality;
    iterating raises if the real number of elements differs.

    >>> import ember.data
    >>> ds = ember.data.Dataset.range(5).filter(lambda x: x < 3)
    >>> len(ds.apply(ember.data.experimental.assert_cardinality(3)))
    3
    """
    from .transforms import AssertCardinalityDataset

    def apply(dataset):
        return AssertCardinalityDataset(dataset, int(expected_cardinality))
    return apply


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    from .dataset import Dataset
    return Dataset.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    from .dataset import Dataset
    return Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


class AutoShardPolicy(enum.IntEnum):
    """How a distributed dataset is split between workers (recorded in ``Options``)."""
    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class ExternalStatePolicy(enum.IntEnum):
    """What checkpointing does with state outside the pipeline (recorded only)."""
    WARN = 0
    IGNORE = 1
    FAIL = 2


def Counter(start: int = 0, step: int = 1, dtype: Any = "int64"):  # TF's name
    """``Dataset.counter`` under its older name."""
    from .dataset import Dataset
    return Dataset.counter(start, step, dtype)


def from_list(elements: list, name: str | None = None):
    """A dataset of the given elements (all of one structure), in order.

    >>> import ember.data
    >>> ds = ember.data.experimental.from_list([(1, 'a'), (2, 'b')])
    >>> [int(x) for x, _ in ds]
    [1, 2]
    """
    from .dataset import Dataset
    from .structure import flatten, pack_as, same_structure, tensors_to_numpy
    if not elements:
        raise ValueError("ember.data.experimental.from_list: `elements` must not be empty")
    items = [tensors_to_numpy(e) for e in elements]
    for e in items[1:]:
        if not same_structure(e, items[0]) or len(flatten(e)) != len(flatten(items[0])):
            raise ValueError(f"ember.data.experimental.from_list: all elements must have "
                             f"the same structure; got {elements[0]!r} and {e!r}")
    columns = [np.stack(c) for c in zip(*(flatten(e) for e in items))]
    return Dataset.from_tensor_slices(pack_as(items[0], columns))


def get_structure(dataset_or_iterator: Any) -> Any:
    """The ``element_spec`` of a dataset or iterator."""
    return dataset_or_iterator.element_spec


def get_single_element(dataset: Any) -> Any:
    return dataset.get_single_element()


def get_next_as_optional(iterator: Any) -> Any:
    return iterator.get_next_as_optional()


def _transformation(method: str, *args: Any, **kwargs: Any):
    def apply(dataset):
        return getattr(dataset, method)(*args, **kwargs)
    return apply


def scan(initial_state: Any, scan_func):
    """``Dataset.scan`` as a transformation for ``Dataset.apply``."""
    return _transformation("scan", initial_state, scan_func)


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """``Dataset.group_by_window`` as a transformation for ``Dataset.apply``."""
    return _transformation("group_by_window", key_func, reduce_func, window_size,
                           window_size_func)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """``Dataset.bucket_by_sequence_length`` as a transformation for ``Dataset.apply``."""
    return _transformation("bucket_by_sequence_length", element_length_func,
                           bucket_boundaries, bucket_batch_sizes, padded_shapes,
                           padding_values, pad_to_bucket_boundary, no_padding,
                           drop_remainder)


def take_while(predicate):
    return _transformation("take_while", predicate)


def unique():
    return _transformation("unique")


def unbatch():
    return _transformation("unbatch")


def enumerate_dataset(start: int = 0):
    return _transformation("enumerate", start)


def shuffle_and_repeat(buffer_size: int, count: int | None = None, seed: int | None = None):
    """``shuffle(buffer_size, seed).repeat(count)`` (each repetition reshuffled)."""
    return lambda dataset: dataset.shuffle(buffer_size, seed).repeat(count)


def map_and_batch(map_func, batch_size: int, num_parallel_batches=None,
                  drop_remainder: bool = False, num_parallel_calls=None):
    """``map(map_func).batch(batch_size, drop_remainder)``."""
    return lambda dataset: dataset.map(map_func).batch(batch_size, drop_remainder)


def parallel_interleave(map_func, cycle_length: int, block_length: int = 1, sloppy=False,
                        buffer_output_elements=None, prefetch_input_elements=None):
    """``interleave(map_func, cycle_length, block_length)``."""
    return lambda dataset: dataset.interleave(map_func, cycle_length, block_length)
