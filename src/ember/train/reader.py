"""Look inside a checkpoint without restoring it: ``list_variables``, ``load_variable``,
``load_checkpoint`` (a reader)."""
from __future__ import annotations

import os

import numpy as np

from ..core.dtypes import as_dtype
from ..core.errors import NotFoundError
from . import file_format, state_file
from .trackable import parse_path, path_str


def _prefix(ckpt_dir_or_file: str | os.PathLike) -> str:
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = state_file.latest_checkpoint(path)
        if latest is None:
            raise NotFoundError(f"no checkpoint found in directory {path!r}")
        return latest
    return path


def list_variables(ckpt_dir_or_file: str | os.PathLike) -> list:
    """``[(name, shape), ...]`` for every variable path in a checkpoint (a prefix, or a
    directory: its newest checkpoint), sorted by name.

    >>> import os, tempfile, ember
    >>> p = ember.train.Checkpoint(w=ember.Variable([1.0, 2.0])).write(
    ...     os.path.join(tempfile.mkdtemp(), "c"))
    >>> ember.train.list_variables(p)
    [('w', [2])]
    """
    body = file_format.read_index(_prefix(ckpt_dir_or_file))
    shapes = {k: list(m["shape"]) for k, m in body["arrays"].items()}
    return sorted((path_str(tuple(o["path"])), shapes[o["array"]]) for o in body["objects"])


def load_variable(ckpt_dir_or_file: str | os.PathLike, name: str) -> np.ndarray:
    """The value saved for the variable ``name`` (as ``list_variables`` names it).

    >>> import os, tempfile, ember
    >>> p = ember.train.Checkpoint(w=ember.Variable([1.0, 2.0])).write(
    ...     os.path.join(tempfile.mkdtemp(), "c"))
    >>> ember.train.load_variable(p, "w").tolist()
    [1.0, 2.0]
    """
    contents = file_format.read_checkpoint(_prefix(ckpt_dir_or_file))
    wanted = parse_path(name)
    for entry in contents.entries:
        if entry.path == wanted:
            return contents.arrays[entry.array]
    raise NotFoundError(f"checkpoint {contents.prefix!r} has no variable {name!r}; it has "
                        f"{sorted(path_str(e.path) for e in contents.entries)[:20]}")


class CheckpointReader:
    """Reads the values of one checkpoint (what ``load_checkpoint`` returns). Every file
    is checked once when the reader is made; names are those of ``list_variables``.

    >>> import os, tempfile, ember
    >>> p = ember.train.Checkpoint(w=ember.Variable([1.0, 2.0])).write(
    ...     os.path.join(tempfile.mkdtemp(), "c"))
    >>> reader = ember.train.load_checkpoint(p)
    >>> reader.get_variable_to_shape_map(), reader.get_tensor("w").tolist()
    ({'w': [2]}, [1.0, 2.0])
    """

    def __init__(self, prefix: str) -> None:
        contents = file_format.read_checkpoint(prefix)
        self._prefix = contents.prefix
        self._values = {path_str(e.path): contents.arrays[e.array] for e in contents.entries}
        self._dtypes = {path_str(e.path): contents.dtypes[e.array] for e in contents.entries}

    def has_tensor(self, name: str) -> bool:
        """Whether the checkpoint holds a value named ``name``."""
        return name in self._values

    def get_tensor(self, name: str) -> np.ndarray:
        """The value named ``name`` (a NumPy array); ``NotFoundError`` if there is none."""
        if name not in self._values:
            raise NotFoundError(f"Key {name} not found in checkpoint {self._prefix!r}; it "
                                f"has {sorted(self._values)[:20]}")
        return self._values[name].copy()

    def get_variable_to_shape_map(self) -> dict:
        """``{name: shape as a list}`` for every value."""
        return {k: list(v.shape) for k, v in self._values.items()}

    def get_variable_to_dtype_map(self) -> dict:
        """``{name: ember dtype}`` for every value."""
        return {k: as_dtype(d) for k, d in self._dtypes.items()}

    def debug_string(self) -> bytes:
        """One line per value: name, dtype and shape (as TF's reader gives)."""
        return "".join(f"{k} ({self._dtypes[k]}) {list(self._values[k].shape)}\n"
                       for k in sorted(self._values)).encode("utf-8")


def load_checkpoint(ckpt_dir_or_file: str | os.PathLike) -> CheckpointReader:
    """A :class:`CheckpointReader` for a checkpoint prefix, or a directory's newest
    checkpoint (``NotFoundError`` when it holds none)."""
    return CheckpointReader(_prefix(ckpt_dir_or_file))
