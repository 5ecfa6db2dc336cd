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
import tempfile
from collections.abc import Iterator


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[str]:
    """Give a temporary path in ``path``'s directory; on success it replaces ``path``.

    On an exception the temporary file is removed and ``path`` is left as it was.
    The new file gets the permissions a plain ``open(path, "w")`` would give it.

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
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                               dir=directory)
    os.close(fd)
    try:
        yield tmp
        _apply_default_mode(tmp)
        with open(tmp, "rb+") as f:   # the bytes reach the disk before the rename
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def _apply_default_mode(tmp: str) -> None:
    """mkstemp creates 0600 files; give the file the usual 0666 & ~umask instead."""
    umask = os.umask(0)
    os.umask(umask)
    with contextlib.suppress(OSError):
        os.chmod(tmp, 0o666 & ~umask)
