"""The HDF5 weight store of Keras 3 files (``.weights.h5`` and ``model.weights.h5`` inside
``.keras``): one group per saveable object, ``<path>/vars/<i>`` datasets.

Writing collects ``{path: {key: array}}`` in memory (``WeightsWriter``), then writes one
HDF5 file. Reading (``WeightsReader``) hands out one ``VarsEntry`` per path and checks
what it reads: no soft or external links, no external or virtual datasets, and no
dataset that declares far more data than the file stores (a "shape bomb").

>>> import io, numpy as np
>>> writer = WeightsWriter()
>>> entry = writer.make("layers/dense", name="dense")
>>> entry["0"] = np.ones((2, 3), np.float32)
>>> buffer = io.BytesIO()
>>> writer.write(buffer)
>>> reader = WeightsReader(buffer, "in-memory")
>>> reader.get("layers/dense")["0"].shape
(2, 3)
"""
from __future__ import annotations

import io
import os
from typing import Any

import numpy as np

INSTALL_HINT = 'pip install "ember[keras-files]"'
# a dataset declaring more than this many bytes must store at least 1/_MAX_EXPANSION of
# them; Keras writes uncompressed datasets, so genuine files are far from the limit
_BOMB_FLOOR_BYTES = 1 << 30
_MAX_EXPANSION = 1000


def require_h5py():
    """The ``h5py`` module, or one ImportError saying how to install it.

    >>> require_h5py().__name__
    'h5py'
    """
    try:
        import h5py
    except ImportError as e:
        raise ImportError("Reading and writing Keras weight files (.keras, .weights.h5, "
                          "legacy .h5) needs the optional dependency h5py. Install it "
                          f"with: {INSTALL_HINT}") from e
    return h5py


def describe(source: Any) -> str:
    """A printable name for a path or file object (for error messages)."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return getattr(source, "name", None) or type(source).__name__


class WeightsWriter:
    """Collects variable values by object path, then writes them as one HDF5 file."""

    def __init__(self):
        self.entries: dict[str, dict[str, np.ndarray]] = {}
        self.names: dict[str, str | None] = {}

    def make(self, path: str, name: str | None = None) -> dict:
        """The (new) entry for ``path``: a dict that ``save_own_variables`` fills."""
        self.names[path] = name
        return self.entries.setdefault(path, {})

    def write(self, target: Any) -> None:
        """Write every entry to ``target`` (a path or a binary file object)."""
        h5py = require_h5py()
        with h5py.File(target, "w") as f:
            for path, values in self.entries.items():
                group = f.create_group(f"{path}/vars" if path else "vars")
                if self.names.get(path):
                    group.attrs["name"] = self.names[path]
                for key, value in values.items():
                    group.create_dataset(key, data=_as_storable(value, path, key))


def _as_storable(value: Any, path: str, key: str) -> np.ndarray:
    arr = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    if arr.dtype == object or arr.dtype.kind in "OV":
        raise TypeError(f"Cannot save the value '{key}' at '{path}': its dtype {arr.dtype} "
                        "is not a numeric type HDF5 can store.")
    if arr.dtype.kind == "U":
        arr = np.char.encode(arr, "utf-8")
    return arr


class VarsEntry:
    """The ``vars`` group of one object: ``keys()``, ``len()``, ``in``, ``[key]``."""

    def __init__(self, group: Any, path: str, source: str):
        self.group = group          # an h5py Group, or None when the file has none
        self.path = path
        self.source = source

    def keys(self) -> list:
        return [] if self.group is None else list(self.group.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key: str) -> bool:
        return self.group is not None and key in self.group

    def __getitem__(self, key: str) -> np.ndarray:
        where = f"'{self.path}/vars/{key}'" if self.path else f"'vars/{key}'"
        if self.group is None or key not in self.group:
            raise KeyError(f"{self.source}: no variable {where} in the file")
        h5py = require_h5py()
        link = self.group.get(key, getclass=True, getlink=True)
        if link in (h5py.SoftLink, h5py.ExternalLink):
            raise ValueError(f"{self.source}: {where} is a {link.__name__}; links are not "
                             "allowed in weight files.")
        dataset = self.group[key]
        if not isinstance(dataset, h5py.Dataset):
            raise ValueError(f"{self.source}: {where} should be a dataset but is a "
                             f"{type(dataset).__name__}.")
        check_dataset(dataset, where, self.source)
        try:
            value = dataset[()]
        except Exception as e:    # a truncated or corrupt file fails here
            raise ValueError(f"{self.source}: cannot read {where} (the file may be "
                             f"truncated or corrupt): {e}") from e
        value = np.asarray(value)
        if dataset.attrs.get("dtype") == "bfloat16":
            import ml_dtypes
            value = value.view(ml_dtypes.bfloat16) if value.dtype.itemsize == 2 else \
                value.astype(ml_dtypes.bfloat16)
        return value


def check_dataset(dataset: Any, where: str, source: str) -> None:
    """Refuse external, virtual and "shape bomb" datasets before reading them."""
    if dataset.external:
        raise ValueError(f"{source}: {where} stores its data in external files "
                         f"{dataset.external}; this is not allowed in weight files.")
    if dataset.is_virtual:
        raise ValueError(f"{source}: {where} is a virtual dataset; this is not allowed in "
                         "weight files.")
    declared = int(np.prod(dataset.shape, dtype=np.float64)) * dataset.dtype.itemsize \
        if dataset.shape is not None else 0
    stored = dataset.id.get_storage_size()
    if declared > _BOMB_FLOOR_BYTES and declared > _MAX_EXPANSION * stored:
        raise ValueError(f"{source}: {where} declares shape {dataset.shape} "
                         f"({declared / 2**30:.1f} GiB) but stores only {stored} bytes; "
                         "refusing to load a possible decompression/shape bomb.")


class WeightsReader:
    """Reads a Keras 3 HDF5 weight store from a path or a binary file object."""

    def __init__(self, source: Any, name: str | None = None):
        h5py = require_h5py()
        self.source = name or describe(source)
        try:
            self.file = h5py.File(source, "r")
        except Exception as e:
            raise ValueError(f"Cannot read weights from '{self.source}': it is not a valid "
                             f"HDF5 file (it may be truncated or corrupt): {e}") from None
        self.used: set[str] = set()

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> WeightsReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _group(self, path: str):
        """The group at ``path`` walked one name at a time (no links), or None."""
        h5py = require_h5py()
        current = self.file
        for part in [p for p in path.split("/") if p]:
            if part in (".", ".."):
                raise ValueError(f"{self.source}: invalid path '{path}' in the file")
            if not isinstance(current, h5py.Group) or part not in current:
                return None
            link = current.get(part, getclass=True, getlink=True)
            if link in (h5py.SoftLink, h5py.ExternalLink):
                raise ValueError(f"{self.source}: '{path}' goes through a "
                                 f"{link.__name__}; links are not allowed in weight files.")
            current = current[part]
        return current if isinstance(current, h5py.Group) else None

    def has_path(self, path: str) -> bool:
        return self._group(path) is not None

    def get(self, path: str) -> VarsEntry:
        """The ``vars`` entry of the object at ``path`` (empty when the file has none)."""
        group = self._group(f"{path}/vars" if path else "vars")
        if group is not None:
            self.used.add(path)
        return VarsEntry(group, path, self.source)

    def paths_with_values(self) -> list[str]:
        """Every object path whose ``vars`` group holds at least one dataset."""
        h5py = require_h5py()
        found = []

        def visit(name, obj):
            if isinstance(obj, h5py.Group) and (name == "vars" or name.endswith("/vars")) \
                    and len(obj):
                found.append(name[:-len("vars")].rstrip("/"))
        self.file.visititems(visit)
        return found


def open_reader(data: bytes | Any, name: str) -> WeightsReader:
    """A reader over bytes (a zip member) or a path."""
    if isinstance(data, (bytes, bytearray)):
        return WeightsReader(io.BytesIO(data), name)
    return WeightsReader(data, name)
