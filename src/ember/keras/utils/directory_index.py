"""Files under a directory with their labels: what ``text_dataset_from_directory`` and
``image_dataset_from_directory`` share (listing, label inference, the global shuffle, the
training / validation split and the label encodings), in Keras 3's order."""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..interactive_logging import print_msg


def is_inferred(labels: Any) -> bool:
    """Whether ``labels`` is the string "inferred" (it may also be an array)."""
    return isinstance(labels, str) and labels == "inferred"


def check_label_args(labels: Any, label_mode: Any, class_names: Any, what: str) -> None:
    """The ``labels`` / ``label_mode`` / ``class_names`` checks (``what``: "text" or
    "image", as the messages say)."""
    if labels is not None and not is_inferred(labels):
        if not isinstance(labels, (list, tuple, np.ndarray)):
            raise ValueError(
                "`labels` argument should be a list/tuple of integer labels, of the same "
                f"size as the number of {what} files in the target directory. If you wish "
                "to infer the labels from the subdirectory names in the target directory, "
                'pass `labels="inferred"`. If you wish to get a dataset that only contains '
                f"{what} samples (no labels), pass `labels=None`. Received: labels={labels}")
        if class_names:
            raise ValueError('You can only pass `class_names` if `labels="inferred"`. '
                             f"Received: labels={labels}, and class_names={class_names}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError('`label_mode` argument must be one of "int", "categorical", '
                         f'"binary", or None. Received: label_mode={label_mode}')


def check_validation_split_arg(validation_split: float | None, subset: str | None,
                               shuffle: bool, seed: int | None) -> None:
    """Refuse inconsistent ``validation_split`` / ``subset`` / ``seed`` combinations."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError("`validation_split` must be between 0 and 1, "
                         f"received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError('`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must "
                         "provide a `seed` argument, to make sure that there is no overlap "
                         "between the training and validation subset.")


def _walk_files(directory: str, follow_links: bool, formats: tuple[str, ...]) -> list[str]:
    """Files under ``directory`` (recursively) whose lower-cased name ends with one of
    ``formats``, as paths relative to it: folders in sorted path order, names sorted."""
    found = []
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                found.append(os.path.relpath(os.path.join(root, name), directory))
    return found


def index_directory(directory: str, labels: Any, formats: tuple[str, ...],
                    class_names: Sequence[str] | None = None, shuffle: bool = True,
                    seed: int | None = None, follow_links: bool = False,
                    verbose: bool = True) -> tuple[list[str], Any, list[str] | None]:
    """``(file_paths, labels, class_names)`` for the files under ``directory``.

    With ``labels="inferred"`` each visible subfolder is a class (sorted, or in the order
    of ``class_names``) and the labels are int32 indices; with a list they are given in
    the sorted order of the paths; with None there are none. ``shuffle`` permutes paths
    and labels alike with ``np.random.RandomState(seed)``, as Keras does.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); os.mkdir(os.path.join(d, "a"))
    >>> open(os.path.join(d, "a", "x.txt"), "w").close()
    >>> index_directory(d, "inferred", (".txt",), shuffle=False, verbose=False)[2]
    ['a']
    """
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"No such directory: {directory!r}")
    if is_inferred(labels):
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError(
                    "The `class_names` passed did not match the names of the subdirectories "
                    f"of the target directory. Expected: {subdirs} (or a subset of it), but "
                    f"received: class_names={class_names}")
            subdirs = list(class_names)
    else:
        if class_names is not None:
            if labels is None:
                raise ValueError("When `labels=None` (no labels), argument `class_names` "
                                 "cannot be specified.")
            raise ValueError("When argument `labels` is specified, argument `class_names` "
                             "cannot be specified (the `class_names` will be the sorted "
                             "list of labels).")
        subdirs = [""]
    filenames: list[str] = []
    label_ids: list[int] = []
    for index, subdir in enumerate(subdirs):
        found = _walk_files(os.path.join(directory, subdir), follow_links, formats)
        filenames += [os.path.join(subdir, name) for name in found]
        label_ids += [index] * len(found)
    if is_inferred(labels):
        labels = np.asarray(label_ids, dtype="int32")
        class_names = list(subdirs)
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError(
                "Expected the lengths of `labels` to match the number of files in the "
                f"target directory. len(labels) is {len(labels)} while we found "
                f"{len(filenames)} files in directory {directory}.")
        class_names = [str(label) for label in sorted(set(np.asarray(labels).tolist()))]
        labels = list(labels)
    if verbose:
        if labels is None:
            print_msg(f"Found {len(filenames)} files.")
        else:
            print_msg(f"Found {len(filenames)} files belonging to {len(class_names)} "
                      "classes.")
    file_paths = [os.path.join(directory, name) for name in filenames]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def training_or_validation_split(samples: list, labels: Any, validation_split: float | None,
                                 subset: str | None) -> tuple[list, Any]:
    """The last ``int(validation_split * n)`` samples are the validation subset, the
    others the training subset (no split without ``validation_split``)."""
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    if subset == "training":
        print_msg(f"Using {len(samples) - num_val} files for training.")
        keep = slice(None, len(samples) - num_val)
    elif subset == "validation":
        print_msg(f"Using {num_val} files for validation.")
        keep = slice(len(samples) - num_val, None)
    else:
        raise ValueError(f'`subset` must be either "training" or "validation", received: '
                         f"{subset}")
    return samples[keep], (None if labels is None else labels[keep])


def encode_labels(labels: Any, label_mode: str, num_classes: int) -> np.ndarray:
    """Labels as Keras feeds them: ``"int"`` as given (int32 for Python ints),
    ``"binary"`` as float32 of shape ``(n, 1)``, ``"categorical"`` one-hot float32 (a
    label outside ``[0, num_classes)`` is all zeros, as ``tf.one_hot`` gives)."""
    values = np.asarray(labels)
    if isinstance(labels, (list, tuple)) and values.dtype.kind in "iu":
        values = values.astype("int32")
    elif isinstance(labels, (list, tuple)) and values.dtype.kind == "f":
        values = values.astype("float32")
    if label_mode == "binary":
        return values.astype("float32").reshape(-1, 1)
    if label_mode == "categorical":
        return (values.reshape(-1, 1) == np.arange(num_classes)).astype("float32")
    return values

