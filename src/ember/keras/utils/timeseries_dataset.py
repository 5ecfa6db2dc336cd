"""keras.utils.timeseries_dataset_from_array: sliding windows over an array as a dataset
(windows are gathered a batch at a time, never all held in memory)."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

import ember
import ember.data


def _as_array(values: Any) -> np.ndarray:
    """An array as given (NumPy, tensor, pandas); Python lists with TF's dtypes."""
    if isinstance(values, np.ndarray):
        return values
    if isinstance(values, (ember.Tensor, ember.Variable)):
        return values.numpy()
    if isinstance(values, (list, tuple)):
        return ember.convert_to_tensor(values).numpy()
    return np.asarray(values)


def _count(value: Any, name: str) -> int:
    """``value`` as an int (an integral float is accepted, as Keras does)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != int(value):
        raise ValueError(f"timeseries_dataset_from_array: `{name}` must be an integer. "
                         f"Received: {name}={value!r}")
    return int(value)


def _check_args(n: int, sequence_length: int, sequence_stride: int, sampling_rate: int,
                batch_size: Any, start_index: int | None, end_index: int | None) -> None:
    """Keras's argument checks, in its order (with the same messages)."""
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: "
                             f"start_index={start_index}")
        if start_index >= n:
            raise ValueError("`start_index` must be lower than the length of the data. "
                             f"Received: start_index={start_index}, for data of length {n}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError("`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        if end_index >= n:
            raise ValueError("`end_index` must be lower than the length of the data. "
                             f"Received: end_index={end_index}, for data of length {n}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: "
                             f"end_index={end_index}")
    if sampling_rate <= 0:
        raise ValueError(f"`sampling_rate` must be higher than 0. Received: "
                         f"sampling_rate={sampling_rate}")
    if sampling_rate >= n:
        raise ValueError("`sampling_rate` must be lower than the length of the data. "
                         f"Received: sampling_rate={sampling_rate}, for data of length {n}")
    if sequence_stride <= 0:
        raise ValueError(f"`sequence_stride` must be higher than 0. Received: "
                         f"sequence_stride={sequence_stride}")
    if sequence_stride >= n:
        raise ValueError("`sequence_stride` must be lower than the length of the data. "
                         f"Received: sequence_stride={sequence_stride}, for data of length {n}")
    if sequence_length <= 0:
        raise ValueError(f"`sequence_length` must be higher than 0. Received: "
                         f"sequence_length={sequence_length}")
    if batch_size is not None and _count(batch_size, "batch_size") <= 0:
        raise ValueError(f"`batch_size` must be higher than 0 (or None). Received: "
                         f"batch_size={batch_size}")


def timeseries_dataset_from_array(data: Any, targets: Any, sequence_length: int,
                                  sequence_stride: int = 1, sampling_rate: int = 1,
                                  batch_size: int | None = 128, shuffle: bool = False,
                                  seed: int | None = None, start_index: int | None = None,
                                  end_index: int | None = None,
                                  format: str = "tf") -> ember.data.Dataset:
    """Windows of ``sequence_length`` steps, ``sampling_rate`` apart, starting every
    ``sequence_stride`` steps in ``data[start_index:end_index]``; with ``targets``, each
    window is paired with the target at its first step. Batched by ``batch_size`` (None:
    single windows). ``shuffle`` permutes the window starts with
    ``np.random.RandomState(seed)`` (as Keras does) and then shuffles with a buffer of
    ``batch_size * 8`` (that order differs from TensorFlow's for the same seed).

    >>> import numpy as np
    >>> ds = timeseries_dataset_from_array(np.arange(6), None, sequence_length=3,
    ...                                    batch_size=2)
    >>> [b.tolist() for b in ds.as_numpy_iterator()]
    [[[0, 1, 2], [1, 2, 3]], [[2, 3, 4], [3, 4, 5]]]
    """
    data = _as_array(data)
    if data.ndim == 0:
        raise TypeError(f"timeseries_dataset_from_array: `data` must be an array with a "
                        f"time axis first; got a scalar of dtype {data.dtype}")
    sequence_length = _count(sequence_length, "sequence_length")
    sequence_stride = _count(sequence_stride, "sequence_stride")
    sampling_rate = _count(sampling_rate, "sampling_rate")
    _check_args(len(data), sequence_length, sequence_stride, sampling_rate, batch_size,
                start_index, end_index)
    if format != "tf":
        raise ValueError('`format` should be "tf" (Ember builds an ember.data.Dataset; '
                         f'"grain" is not supported). Received: format={format}')
    start = 0 if start_index is None else int(start_index)
    stop = len(data) if end_index is None else int(end_index)
    steps = data[start:stop]
    num_seqs = stop - start - (sequence_length - 1) * sampling_rate
    target_steps = None
    if targets is not None:
        targets = _as_array(targets)
        num_seqs = min(num_seqs, len(targets))
        target_steps = targets[start:stop]
        if num_seqs > 0 and len(target_steps) < num_seqs:
            raise ValueError(
                f"timeseries_dataset_from_array: `targets` (length {len(targets)}) is too "
                f"short for the {num_seqs} windows that start at start_index={start}: it "
                f"needs at least {start + num_seqs} entries")
    index_dtype = "int32" if num_seqs < 2147483647 else "int64"
    positions = np.arange(0, max(num_seqs, 0), sequence_stride, dtype=index_dtype)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(positions)
    offsets = np.arange(sequence_length, dtype=index_dtype) * sampling_rate

    def windows(p: Any) -> Any:
        x = steps[p[..., None] + offsets]
        return x if target_steps is None else (x, target_steps[p])

    ds = ember.data.Dataset.from_tensor_slices(positions)
    lead: tuple = ()
    if batch_size is not None:
        if shuffle:
            ds = ds.shuffle(int(batch_size) * 8, seed=seed)
        ds = ds.batch(int(batch_size))
        lead = (None,)
    elif shuffle:
        ds = ds.shuffle(1024, seed=seed)
    # Keras's element_spec: the window length is left unknown, as TensorFlow traces it.
    spec: Any = _spec(lead + (None,) + steps.shape[1:], steps.dtype)
    if target_steps is not None:
        spec = (spec, _spec(lead + target_steps.shape[1:], target_steps.dtype))
    out = ember.data.Dataset.from_generator(
        lambda: (windows(p) for p in ds.as_numpy_iterator()), output_signature=spec)
    return out.apply(ember.data.experimental.assert_cardinality(len(ds)))


def _spec(shape: tuple, dtype: np.dtype) -> Any:
    if dtype.kind in "SUO":
        return ember.data.StringSpec(shape)
    return ember.TensorSpec(shape, dtype)
