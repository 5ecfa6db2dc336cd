"""keras.utils.text_dataset_from_directory: ``.txt`` files in class folders as a dataset
of ``(text, label)``."""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

import ember.data

from .directory_dataset import directory_datasets
from .directory_index import check_label_args, check_validation_split_arg, index_directory


def _reader(max_length: int | None):
    def read(path: str) -> np.ndarray:
        with open(path, "rb") as f:
            content = f.read() if max_length is None else f.read(max_length)
        return np.asarray(content)
    return read


def text_dataset_from_directory(directory: str | os.PathLike, labels: Any = "inferred",
                                label_mode: str | None = "int",
                                class_names: Sequence[str] | None = None,
                                batch_size: int | None = 32, max_length: int | None = None,
                                shuffle: bool = True, seed: int | None = None,
                                validation_split: float | None = None,
                                subset: str | None = None, follow_links: bool = False,
                                format: str = "tf", verbose: bool = True
                                ) -> ember.data.Dataset | list[ember.data.Dataset]:
    """A dataset of the ``.txt`` files under ``directory``, as Keras 3 builds it.

    With ``labels="inferred"`` each subfolder is a class (``class_names`` picks and orders
    them); ``labels`` may instead be a list of integer labels (one per file, in sorted
    path order) or None. ``label_mode``: ``"int"`` (int32), ``"categorical"`` (one-hot
    float32), ``"binary"`` (float32 ``(1,)``, two classes) or None (texts only). Texts are
    bytes strings (NumPy ``bytes_`` arrays: Ember has no string tensors), cut to the first
    ``max_length`` bytes. ``validation_split`` with ``subset`` ("training", "validation",
    or "both" for a list of the two) splits after the seeded shuffle. The dataset has a
    ``class_names`` attribute.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> for c in ("neg", "pos"):
    ...     os.mkdir(os.path.join(d, c))
    ...     with open(os.path.join(d, c, "a.txt"), "w") as f:
    ...         _ = f.write(c + " review")
    >>> ds = text_dataset_from_directory(d, batch_size=2, shuffle=False, verbose=False)
    >>> texts, labels = next(iter(ds))
    >>> texts.tolist(), labels.numpy().tolist(), ds.class_names
    ([b'neg review', b'pos review'], [0, 1], ['neg', 'pos'])
    """
    check_label_args(labels, label_mode, class_names, "text")
    if format != "tf":
        raise ValueError('`format` should be "tf" (Ember builds an ember.data.Dataset; '
                         f'"grain" is not supported). Received: format={format}')
    if max_length is not None and (isinstance(max_length, bool) or int(max_length) < 0):
        raise ValueError(f"`max_length` must be a non-negative integer or None. Received: "
                         f"max_length={max_length}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    file_paths, labels, class_names = index_directory(
        directory, labels, formats=(".txt",), class_names=class_names, shuffle=shuffle,
        seed=seed, follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")
    directory = os.fspath(directory)
    return directory_datasets(
        file_paths, labels, label_mode, class_names, validation_split, subset, batch_size,
        shuffle, seed, _reader(None if max_length is None else int(max_length)),
        lambda kind: f"No {kind}text files found in directory {directory}. "
                     "Allowed format: .txt")
