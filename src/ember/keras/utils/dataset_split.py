"""keras.utils.split_dataset: one small in-memory dataset (arrays, or an
``ember.data.Dataset``) cut into a left and a right ``ember.data.Dataset``."""
from __future__ import annotations

import numbers
import random
from typing import Any

import numpy as np

import ember
import ember.data

from .. import tree


def _batch_size(dataset: ember.data.Dataset) -> int | None:
    """The batch size when ``dataset``'s last step is ``batch`` (as Keras checks it on a
    ``tf.data`` dataset), else None."""
    size = getattr(dataset, "_batch_size", None)
    return None if size is None else int(size)


def _check_arrays(arrays: list | tuple) -> None:
    kind = "list" if isinstance(arrays, list) else "tuple"
    if not arrays:
        raise ValueError(f"Received an empty {kind} dataset. Please provide a non-empty "
                         f"{kind} of arrays.")
    first = None
    for i, element in enumerate(arrays):
        if not isinstance(element, np.ndarray):    # Keras raises ValueError here
            raise ValueError(f"Expected a {kind} of `numpy.ndarray` objects, "  # noqa: TRY004
                             f"Received: {type(element)} at index {i}.")
        first = element.shape if first is None else first
        if element.ndim == 0 or element.shape[0] != first[0]:
            raise ValueError(
                f"Received a {kind} of NumPy arrays with different lengths. Mismatch found "
                f"at index {i}, Expected shape={first} Received shape={element.shape}. "
                f"Please provide a {kind} of NumPy arrays of the same length.")


def _samples(dataset: Any) -> tuple[list, Any]:
    """``(samples, structure)``: the samples as flat lists of NumPy values, and the
    structure of one sample (None for a bare array)."""
    if isinstance(dataset, (list, tuple)):
        _check_arrays(dataset)
        return [list(row) for row in zip(*dataset)], tuple(range(len(dataset)))
    if isinstance(dataset, np.ndarray):
        return [[row] for row in dataset], None
    if isinstance(dataset, ember.data.Dataset):
        if _batch_size(dataset) is not None:
            dataset = dataset.unbatch()
        elements = list(dataset.as_numpy_iterator())
        structure = elements[0] if elements else None
        return [tree.flatten(e) for e in elements], structure
    raise TypeError(f"Unsupported dataset type: {type(dataset)}")


def _check_size(size: Any, name: str, total: int) -> None:
    if size is None:
        return
    if isinstance(size, numbers.Integral) and (size <= 0 or size >= total):
        raise ValueError(f"`{name}` should be either a positive integer smaller than "
                         f"{total}, or a float within the range `[0, 1]`. Received: "
                         f"{name}={size}")
    if isinstance(size, numbers.Real) and not isinstance(size, numbers.Integral) and \
            not 0 < size < 1:
        raise ValueError(f"`{name}` should be either a positive integer smaller than "
                         f"{total}, or a float within the range `[0, 1]`. Received: "
                         f"{name}={size}")


def split_sizes(left_size: Any, right_size: Any, total: int) -> tuple[int, int]:
    """The two sizes as counts (fractions rounded as Python rounds; a missing one is the
    rest), with Keras's checks and messages.

    >>> split_sizes(0.8, None, 10)
    (8, 2)
    """
    for name, size in (("left_size", left_size), ("right_size", right_size)):
        if size is not None and (isinstance(size, bool) or
                                 not isinstance(size, numbers.Real)):
            raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, "
                            f"Received: type({name})={type(size)}.")
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be "
                         "specified. Received: left_size=None and right_size=None")
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the "
                         "split sizes must be non-zero.")
    _check_size(left_size, "left_size", total)
    _check_size(right_size, "right_size", total)
    fractions = [s for s in (left_size, right_size)
                 if s is not None and not isinstance(s, numbers.Integral)]
    if len(fractions) == 2 and sum(fractions) > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It "
                         "must be less than or equal to 1.")

    def count(size: Any) -> int | None:
        if size is None or isinstance(size, numbers.Integral):
            return None if size is None else int(size)
        return round(float(size) * total)

    left, right = count(left_size), count(right_size)
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than "
                         f"the {total}. Received: left_size + right_size = {left + right} "
                         f"and total_length = {total}")
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={total}, `left_size`={left} and "
                             f"`right_size`={right}. Resulting {side} side dataset split "
                             "will be empty. Adjust any of the aforementioned parameters")
    return left, right


def _to_dataset(samples: list, structure: Any) -> ember.data.Dataset:
    columns = [np.array(column) for column in zip(*samples)]
    if structure is None:
        return ember.data.Dataset.from_tensor_slices(columns[0])
    return ember.data.Dataset.from_tensor_slices(
        tree.pack_sequence_as(structure, columns))


def split_dataset(dataset: Any, left_size: float | None = None,
                  right_size: float | None = None, shuffle: bool = False,
                  seed: int | None = None, preferred_backend: str | None = None
                  ) -> tuple[ember.data.Dataset, ember.data.Dataset]:
    """Split ``dataset`` (a NumPy array, a list / tuple of arrays of one length, or an
    ``ember.data.Dataset``) into two datasets: the first ``left_size`` samples and the
    last ``right_size`` (fractions of the whole, or counts; either may be left out).
    ``shuffle`` first permutes the samples as Keras does (Python's ``random`` seeded with
    ``seed``). A batched dataset gives splits batched the same way.

    >>> import numpy as np
    >>> left, right = split_dataset(np.arange(10), left_size=0.8)
    >>> len(left), len(right)
    (8, 2)
    """
    if preferred_backend not in (None, "tensorflow", "ember"):
        raise ValueError("split_dataset: Ember returns ember.data datasets; "
                         f"preferred_backend={preferred_backend!r} is not supported")
    samples, structure = _samples(dataset)
    if not samples:
        raise ValueError("Received an empty dataset. Argument `dataset` must be a "
                         "non-empty list/tuple of `numpy.ndarray` objects or "
                         "`tf.data.Dataset` objects.")
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        random.Random(seed).shuffle(samples)
    left, right = split_sizes(left_size, right_size, len(samples))
    splits = (_to_dataset(samples[:left], structure),
              _to_dataset(samples[-right:], structure))
    batch = _batch_size(dataset) if isinstance(dataset, ember.data.Dataset) else None
    if batch is not None:
        splits = tuple(s.batch(batch) for s in splits)
    return splits
