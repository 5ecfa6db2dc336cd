"""Look inside a checkpoint without restoring it: ``list_variables``, ``load_variable``."""
from __future__ import annotations

import os

import numpy as np

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
