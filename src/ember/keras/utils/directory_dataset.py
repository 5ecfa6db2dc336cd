"""Indexed files to ``ember.data.Dataset``: the pipeline shared by
``text_dataset_from_directory`` and ``image_dataset_from_directory`` (one subset, or the
training and validation subsets for ``subset="both"``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import ember.data

from .directory_index import encode_labels, training_or_validation_split


def paths_to_dataset(file_paths: list[str], labels: Any, label_mode: str | None,
                     num_classes: int, load: Callable[[str], np.ndarray], shuffle: bool,
                     shuffle_buffer_size: int, seed: int | None) -> ember.data.Dataset:
    """Elements ``load(path)`` (with the encoded label when ``label_mode``), shuffled with
    a buffer as Keras does (the order differs from TensorFlow's for the same seed)."""
    paths = list(file_paths)
    index = np.arange(len(paths), dtype="int64")
    if label_mode:
        ds = ember.data.Dataset.from_tensor_slices(
            (index, encode_labels(labels, label_mode, num_classes)))
    else:
        ds = ember.data.Dataset.from_tensor_slices(index)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=seed)
    if label_mode:
        return ds.map(lambda i, y: (load(paths[int(i)]), y))
    return ds.map(lambda i: load(paths[int(i)]))


def directory_datasets(file_paths: list[str], labels: Any, label_mode: str | None,
                       class_names: list[str] | None, validation_split: float | None,
                       subset: str | None, batch_size: int | None, shuffle: bool,
                       seed: int | None, load: Callable[[str], np.ndarray],
                       missing: Callable[[str], str]) -> Any:
    """The dataset (or ``[training, validation]`` for ``subset="both"``), batched when
    ``batch_size``; with ``subset="both"`` only the training subset is shuffled. ``missing(kind)`` is the error
    for an empty subset (``kind``: "", "training " or "validation ")."""
    if batch_size is not None and (isinstance(batch_size, bool) or int(batch_size) < 1):
        raise ValueError(f"`batch_size` must be a positive integer or None. Received: "
                         f"batch_size={batch_size}")
    buffer = batch_size * 8 if batch_size is not None else 1024
    num_classes = len(class_names) if class_names else 0
    names = ["training", "validation"] if subset == "both" else [subset]
    out = []
    for name in names:
        paths, part_labels = training_or_validation_split(file_paths, labels,
                                                          validation_split, name)
        if not paths:
            raise ValueError(missing(f"{name} " if subset == "both" else ""))
        ds = paths_to_dataset(paths, part_labels, label_mode, num_classes, load,
                              shuffle and not (subset == "both" and name == "validation"),
                              buffer, seed)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds.class_names = class_names
        ds.file_paths = paths
        out.append(ds)
    return out if subset == "both" else out[0]
