"""Unpacking downloaded archives (tar, tar.gz/bz2/xz, zip) without letting a member
escape the target folder: absolute paths, ``..`` and links pointing outside are skipped
with a warning, as Keras does."""
from __future__ import annotations

import os
import shutil
import tarfile
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any


def _inside(base: str, relative: str) -> bool:
    path = os.path.realpath(os.path.join(base, relative))
    try:
        return os.path.commonpath([path, base]) == base
    except ValueError:          # another drive (Windows)
        return False


def _safe_zip_members(members: Iterable[zipfile.ZipInfo], base: str) -> Iterator[Any]:
    for info in members:
        if _inside(base, info.filename):
            yield info
        else:
            warnings.warn(f"Skipping invalid path during archive extraction: "
                          f"'{info.filename}'.", stacklevel=3)


def _safe_tar_members(members: Iterable[tarfile.TarInfo], base: str) -> Iterator[Any]:
    for info in members:
        ok = _inside(base, info.name)
        if ok and info.issym():
            target = os.path.join(os.path.dirname(info.name), info.linkname)
            ok = _inside(base, target)
        elif ok and info.islnk():
            ok = _inside(base, info.linkname)
        if ok:
            yield info
        else:
            warnings.warn(f"Skipping invalid path during archive extraction: '{info.name}'.",
                          stacklevel=3)


def extract_archive(file_path: str, path: str = ".", archive_format: Any = "auto") -> bool:
    """Unpack ``file_path`` into ``path`` if it is an archive of ``archive_format``
    ("tar", "zip", a list of them, "auto" for both, None for none); whether it was. A
    failed extraction removes what it wrote.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.txt")
    >>> _ = open(p, "w").write("not an archive")
    >>> extract_archive(p, tempfile.mkdtemp())
    False
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else list(formats)
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in formats:
        if kind == "tar":
            is_kind, opener = tarfile.is_tarfile, tarfile.open
        elif kind == "zip":
            is_kind, opener = zipfile.is_zipfile, zipfile.ZipFile
        else:
            raise ValueError(f"extract_archive: unknown archive_format {kind!r}; expected "
                             "'tar', 'zip', 'auto' or None")
        if not is_kind(file_path):
            continue
        os.makedirs(path, exist_ok=True)
        base = os.path.realpath(path)
        with opener(file_path) as archive:
            try:
                if kind == "zip":
                    archive.extractall(path, members=_safe_zip_members(archive.infolist(),
                                                                        base))
                else:
                    extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                    archive.extractall(path, members=_safe_tar_members(archive, base),
                                       **extra)
            except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
                if os.path.isfile(path):
                    os.remove(path)
                elif os.path.exists(path):
                    shutil.rmtree(path)
                raise
        return True
    return False
