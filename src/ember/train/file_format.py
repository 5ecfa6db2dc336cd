"""Ember's checkpoint files: a JSON index and an ``.npz`` data file, no pickle.

A checkpoint written under the prefix ``dir/ckpt-3`` is two files:

``dir/ckpt-3.data-<tag>.npz``
    The values, written with ``np.savez`` (one ``.npy`` member per distinct variable,
    named ``a0``, ``a1``, ...) and read back with ``np.load(allow_pickle=False)``.
    ``<tag>`` is 8 random hex digits chosen at each write, so writing the same prefix
    again never overwrites the data an existing index points to. dtypes NumPy cannot
    name by itself (bfloat16) are stored as unsigned integers of the same width.

``dir/ckpt-3.index``
    UTF-8 JSON, the checkpoint's table of contents::

        {"format": "ember-checkpoint", "version": 1,
         "checksum": <crc32 of the "checkpoint" member, serialized canonically>,
         "checkpoint": {
            "data_file": "ckpt-3.data-1f2e3d4c.npz", "data_bytes": 4242,
            "arrays": {"a0": {"dtype": "float32", "shape": [3, 2], "crc32": 123,
                              "stored_as": "float32"}, ...},
            "objects": [{"path": ["model", "layers", "0", "vars", "0"], "array": "a0",
                         "name": "sequential/dense/kernel"}, ...]}}

    ``objects`` is the object graph: each variable's attribute path from the checkpoint
    root (see :mod:`ember.train.trackable`), and the array holding its value. A variable
    reachable along several paths (a shared layer) is stored once and listed under each.

Writing order: the data file first, then the index, each to a temporary file in the
same directory that is renamed into place (:mod:`ember.train.atomic`). The index is
the commit point: a crash at any moment leaves either the previous checkpoint or the
new one, and never an index that points to missing data. Data files of the same
prefix that the new index does not name are deleted after the index is in place.

Reading verifies everything before any variable is touched: both files exist, the
index parses and its checksum matches, the data file has the recorded size, is a
readable zip of ``.npy`` arrays, and every array has the recorded dtype, shape and
CRC-32. Any failure raises :class:`ember.errors.DataLossError` (or
:class:`ember.errors.NotFoundError` when there is no checkpoint at all) naming the
file and what is wrong.
"""
from __future__ import annotations

import glob
import json
import os
import secrets
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core import dtypes as _dtypes
from ..core.errors import DataLossError, NotFoundError
from . import atomic

FORMAT = "ember-checkpoint"
VERSION = 1
INDEX_SUFFIX = ".index"
DATA_INFIX = ".data-"


def index_path(prefix: str) -> str:
    """The index file of the checkpoint at ``prefix``."""
    return prefix + INDEX_SUFFIX


def data_files(prefix: str) -> list[str]:
    """Every data file (current or stale) belonging to ``prefix``."""
    return sorted(glob.glob(glob.escape(prefix + DATA_INFIX) + "*"))


def checkpoint_exists(prefix: str) -> bool:
    """Whether an index file exists for ``prefix`` (its content is not checked).

    >>> checkpoint_exists("/nonexistent/ckpt-1")
    False
    """
    return os.path.isfile(index_path(os.fspath(prefix)))


def delete_checkpoint(prefix: str) -> None:
    """Remove the index and data files of ``prefix`` (missing files are fine).

    The index goes first, so a crash half-way never leaves an index without its data.
    """
    for path in [index_path(prefix)] + data_files(prefix):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


def _crc32(arr: np.ndarray) -> int:
    flat = _c_order(arr).reshape(-1)
    return zlib.crc32(flat.view(np.uint8)) & 0xFFFFFFFF


def _storable(arr: np.ndarray) -> np.ndarray:
    """``arr`` as an array ``np.load(allow_pickle=False)`` reads back exactly."""
    if arr.dtype.hasobject:
        raise TypeError(f"cannot checkpoint an array of dtype {arr.dtype} (Python objects); "
                        "only numeric and boolean values are stored")
    if arr.dtype.kind == "V" or not arr.dtype.isbuiltin:   # bfloat16 and friends
        arr = _c_order(arr)
        return arr.view(np.dtype(f"u{arr.dtype.itemsize}")) if arr.ndim else \
            arr.reshape(1).view(np.dtype(f"u{arr.dtype.itemsize}")).reshape(())
    return _c_order(arr)


def _c_order(arr: np.ndarray) -> np.ndarray:
    """``arr`` in C order, keeping its shape (``np.ascontiguousarray`` makes 0-d 1-d)."""
    return arr if arr.flags.c_contiguous else arr.copy(order="C")


def _layout(index: dict) -> str:
    """The index as JSON with one array or object a line (readable, diff-friendly)."""
    body = index["checkpoint"]
    d = json.dumps
    arrays = ",\n".join(f"   {d(k)}: {d(v)}" for k, v in body["arrays"].items())
    objects = ",\n".join(f"   {d(o)}" for o in body["objects"])
    head = {k: v for k, v in index.items() if k != "checkpoint"}
    return (d(head)[:-1] + ',\n "checkpoint": {"data_file": ' + d(body["data_file"]) +
            ', "data_bytes": ' + d(body["data_bytes"]) + ',\n  "arrays": {\n' + arrays +
            '},\n  "objects": [\n' + objects + ']}}\n')


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass
class Entry:
    """One variable of a checkpoint: its paths from the root and its array key."""
    path: tuple
    array: str
    name: str = ""


@dataclass
class CheckpointContents:
    """What :func:`read_checkpoint` returns: verified arrays and the object graph."""
    prefix: str
    arrays: dict = field(default_factory=dict)     # key -> np.ndarray (its real dtype)
    dtypes: dict = field(default_factory=dict)     # key -> ember dtype name
    entries: list = field(default_factory=list)    # [Entry]


def write_checkpoint(prefix: str, entries: list, values: dict) -> str:
    """Write a checkpoint: ``values`` maps array keys to NumPy arrays, ``entries`` is a
    list of :class:`Entry`. Returns ``prefix``.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "ckpt")
    >>> _ = write_checkpoint(p, [Entry(("w",), "a0")], {"a0": np.ones(2, np.float32)})
    >>> read_checkpoint(p).arrays["a0"].tolist()
    [1.0, 1.0]
    """
    prefix = os.fspath(prefix)
    directory = os.path.dirname(prefix)
    if directory:
        os.makedirs(directory, exist_ok=True)
    if os.path.isdir(prefix):
        raise IsADirectoryError(f"cannot write a checkpoint at {prefix!r}: it is a "
                                "directory; give a file prefix such as "
                                f"{os.path.join(prefix, 'ckpt')!r}")
    arrays_meta: dict = {}
    stored: dict = {}
    for key, value in values.items():
        arr = np.asarray(value)
        name = _dtypes.from_numpy(arr.dtype).name if not arr.dtype.hasobject else "object"
        store = _storable(arr)
        stored[key] = store
        arrays_meta[key] = {"dtype": name, "shape": list(arr.shape), "crc32": _crc32(store),
                            "stored_as": store.dtype.name}
    base = os.path.basename(prefix)
    data_name = f"{base}{DATA_INFIX}{secrets.token_hex(4)}.npz"
    data_path = os.path.join(directory, data_name)
    with atomic.atomic_write(data_path, "wb") as f:
        np.savez(f, **stored)
        f.flush()
        data_bytes = os.fstat(f.fileno()).st_size
    body = {"data_file": data_name, "data_bytes": int(data_bytes), "arrays": arrays_meta,
            "objects": [{"path": list(e.path), "array": e.array, "name": e.name}
                        for e in entries]}
    index = {"format": FORMAT, "version": VERSION,
             "checksum": zlib.crc32(_canonical(body)) & 0xFFFFFFFF, "checkpoint": body}
    try:
        with atomic.atomic_write(index_path(prefix), "w") as f:
            f.write(_layout(index))
    except BaseException:
        _remove(data_path)          # the index never named it: nothing can refer to it
        raise
    for stale in data_files(prefix):      # earlier writes of this prefix
        if os.path.basename(stale) != data_name and not atomic.is_temp_file(stale):
            _remove(stale)
    return prefix


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _no_checkpoint_message(prefix: str) -> str:
    msg = f"no checkpoint at {prefix!r}: {index_path(prefix)!r} does not exist"
    if os.path.isdir(prefix):
        msg += (". It is a directory; to restore its newest checkpoint use "
                f"ember.train.latest_checkpoint({prefix!r})")
    elif prefix.endswith(INDEX_SUFFIX) or DATA_INFIX in os.path.basename(prefix):
        msg += (". Give the checkpoint's prefix (the path without '.index' or "
                "'.data-...'), as returned by Checkpoint.save")
    return msg


def read_index(prefix: str) -> dict:
    """The verified ``"checkpoint"`` member of ``prefix``'s index file."""
    path = index_path(prefix)
    if not os.path.isfile(path):
        raise NotFoundError(_no_checkpoint_message(prefix))
    with open(path, "rb") as f:
        raw = f.read()
    what = f"checkpoint index {path!r}"
    if not raw.lstrip().startswith(b"{"):
        hint = " (it looks like a TensorFlow checkpoint, which Ember cannot read)" \
            if raw[:1] not in (b"", b"{") and b"\x00" in raw[:64] else ""
        raise DataLossError(f"{what} is not an Ember checkpoint index: it does not start "
                            f"with a JSON object{hint}" if raw.strip() else
                            f"{what} is empty (truncated?)")
    try:
        index = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise DataLossError(f"{what} is truncated or corrupt: it is not valid JSON "
                            f"({e})") from None
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise DataLossError(f"{what} is not an Ember checkpoint index (no "
                            f"'format': {FORMAT!r} entry)")
    version = index.get("version")
    if version != VERSION:
        raise DataLossError(f"{what} has format version {version!r}; this Ember reads "
                            f"version {VERSION} (written by a newer Ember?)")
    body = index.get("checkpoint")
    checksum = zlib.crc32(_canonical(body)) & 0xFFFFFFFF
    if checksum != index.get("checksum"):
        raise DataLossError(f"{what} is corrupt: its checksum does not match its content")
    try:
        _check_body(body)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise DataLossError(f"{what} is malformed: {e}") from None
    return body


def _check_body(body: dict) -> None:
    if not isinstance(body["data_file"], str) or os.path.basename(body["data_file"]) != \
            body["data_file"]:
        raise ValueError(f"bad data_file {body['data_file']!r}")
    int(body["data_bytes"])
    for key, meta in body["arrays"].items():
        if not (isinstance(meta["shape"], list) and
                all(isinstance(d, int) and d >= 0 for d in meta["shape"])):
            raise ValueError(f"array {key!r} has a bad shape {meta['shape']!r}")
        str(meta["dtype"]), int(meta["crc32"]), str(meta["stored_as"])
    for obj in body["objects"]:
        if not (isinstance(obj["path"], list) and all(isinstance(c, str)
                                                      for c in obj["path"])):
            raise ValueError(f"bad object path {obj['path']!r}")
        if obj["array"] not in body["arrays"]:
            raise ValueError(f"object {obj['path']!r} refers to a missing array "
                             f"{obj['array']!r}")


def read_checkpoint(prefix: str) -> CheckpointContents:
    """Read and verify the checkpoint at ``prefix`` (see the module docstring).

    Raises ``NotFoundError`` when there is no index, ``DataLossError`` when a file is
    missing, truncated, corrupt or not a checkpoint.
    """
    prefix = os.fspath(prefix)
    body = read_index(prefix)
    data_path = os.path.join(os.path.dirname(prefix), body["data_file"])
    what = f"checkpoint data file {data_path!r}"
    if not os.path.isfile(data_path):
        raise DataLossError(f"{what} is missing; the index {index_path(prefix)!r} refers "
                            "to it (the checkpoint is incomplete)")
    size = os.path.getsize(data_path)
    if size != body["data_bytes"]:
        raise DataLossError(f"{what} has {size} bytes but the index records "
                            f"{body['data_bytes']}: the file is truncated or was changed")
    out = CheckpointContents(prefix=prefix)
    try:
        with np.load(data_path, allow_pickle=False) as npz:
            members = set(npz.files)
            for key, meta in body["arrays"].items():
                if key not in members:
                    raise DataLossError(f"{what} has no array {key!r} (the index lists it)")
                try:
                    arr = npz[key]
                except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
                    raise DataLossError(f"{what}: array {key!r} cannot be read, the file "
                                        f"is corrupt ({e})") from None
                if arr.dtype.name != meta["stored_as"] or \
                        list(arr.shape) != meta["shape"]:
                    raise DataLossError(
                        f"{what}: array {key!r} has dtype {arr.dtype.name} and shape "
                        f"{list(arr.shape)}, but the index records "
                        f"{meta['stored_as']} {meta['shape']}")
                if _crc32(arr) != meta["crc32"]:
                    raise DataLossError(f"{what}: array {key!r} fails its CRC-32 check: "
                                        "the file is corrupt")
                if arr.dtype.name != meta["dtype"]:
                    arr = arr.view(_dtypes.as_dtype(meta["dtype"])._np)
                out.arrays[key] = arr
                out.dtypes[key] = meta["dtype"]
    except DataLossError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise DataLossError(f"{what} is not a readable .npz archive (truncated or "
                            f"corrupt): {e}") from None
    out.entries = [Entry(tuple(o["path"]), o["array"], o.get("name", ""))
                   for o in body["objects"]]
    return out
