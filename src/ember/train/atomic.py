"""Atomic file writes: write next to the target, then rename into place.

A reader sees either the old file or the complete new one, never a half-written file:
the content goes to a temporary file in the target's directory (same file system, so
the final ``os.replace`` is atomic), is flushed to disk, and only then replaces the
target. If anything fails on the way, the temporary file is removed and the target is
left as it was.

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> with atomic_write(os.path.join(d, "notes.txt"), "w") as f:
...     _ = f.write("hello")
>>> open(os.path.join(d, "notes.txt")).read()
'hello'
"""
from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import IO

TEMP_MARKER = ".tmp-"


def temp_path_for(target: str | os.PathLike) -> str:
    """A fresh temporary file name in ``target``'s directory (hidden, with a random tag).

    >>> temp_path_for("/data/ckpt-1.index").startswith("/data/.ckpt-1.index.tmp-")
    True
    """
    target = os.fspath(target)
    directory, name = os.path.split(target)
    return os.path.join(directory, f".{name}{TEMP_MARKER}{secrets.token_hex(6)}")


def fsync_directory(directory: str | os.PathLike) -> None:
    """Flush a directory's entries (a rename) to disk; a no-op where unsupported."""
    try:
        fd = os.open(os.fspath(directory) or ".", os.O_RDONLY)
    except OSError:
        return                          # e.g. Windows: directories cannot be opened
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, durable: bool = True) -> Iterator[str]:
    """Yield a temporary path next to ``target``; on success it replaces ``target``.

    The block must create the file at the yielded path. When the block raises, the
    temporary file is removed and ``target`` is untouched. With ``durable`` the file
    and the rename are flushed to disk (``fsync``), so a power loss cannot leave an
    empty file under the final name.

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "a.bin")
    >>> with atomic_path(target) as tmp:
    ...     with open(tmp, "wb") as f:
    ...         _ = f.write(b"data")
    >>> open(target, "rb").read()
    b'data'
    """
    target = os.fspath(target)
    tmp = temp_path_for(target)
    try:
        yield tmp
        if not os.path.exists(tmp):
            raise FileNotFoundError(f"atomic_path: the block did not create {tmp!r} "
                                    f"(the temporary file for {target!r})")
        if durable:
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        _remove_quietly(tmp)
        raise
    if durable:
        fsync_directory(os.path.dirname(target))


@contextlib.contextmanager
def atomic_write(target: str | os.PathLike, mode: str = "wb", durable: bool = True,
                 encoding: str | None = None) -> Iterator[IO]:
    """Open a temporary file for writing; on success it replaces ``target`` atomically.

    ``mode`` is ``"w"`` (text, UTF-8 unless ``encoding`` says otherwise) or ``"wb"``.

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "state.json")
    >>> with atomic_write(target, "w") as f:
    ...     _ = f.write("{}")
    >>> open(target).read()
    '{}'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write: mode must be 'w' or 'wb', got {mode!r}")
    if mode == "w" and encoding is None:
        encoding = "utf-8"
    with atomic_path(target, durable=False) as tmp, open(tmp, mode, encoding=encoding) as f:
        yield f
        f.flush()
        if durable:
            os.fsync(f.fileno())
    if durable:
        fsync_directory(os.path.dirname(os.fspath(target)))


def is_temp_file(name: str) -> bool:
    """Whether a file name is one of this module's temporary files.

    >>> is_temp_file(".ckpt-1.index.tmp-0a1b2c3d4e5f"), is_temp_file("ckpt-1.index")
    (True, False)
    """
    base = os.path.basename(name)
    return base.startswith(".") and TEMP_MARKER in base
