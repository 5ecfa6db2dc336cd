"""Crash-safe writes: write a temporary file beside the target, then rename it into place.

A save that fails half way (an exception, a full disk, a killed process) leaves the
previous file untouched: readers see either the old file or the complete new one, since
``os.replace`` within one directory is atomic on POSIX and Windows.

>>> import os, tempfile
>>> target = os.path.join(tempfile.mkdtemp(), "out.txt")
>>> with atomic_write(target) as tmp:
...     with open(tmp, "w") as f:
...         _ = f.write("done")
>>> open(target).read()
'done'
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import ember


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[str]:
    """Give a temporary path in ``path``'s directory; on success it replaces ``path``
    (``ember.train.atomic_path``, after checking the directory exists so the error
    names it).

    On an exception the temporary file is removed and ``path`` is left as it was.

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "w.bin")
    >>> try:
    ...     with atomic_write(target) as tmp:
    ...         raise RuntimeError("crash while writing")
    ... except RuntimeError:
    ...     pass
    >>> os.path.exists(target)
    False
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"Cannot save to {path!r}: the directory {directory!r} "
                                "does not exist.")
    with ember.train.atomic_path(path) as tmp:
        yield tmp
