"""keras.utils.get_file: download a file once into a cache folder (checked against a
hash, optionally unpacked). The download goes to a temporary file beside the target and
is renamed into place only when complete and verified, so a failure never leaves a
partial or corrupt file behind."""
from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
from typing import Any

from ..interactive_logging import print_msg
from .archive_utils import extract_archive
from .progbar import Progbar

_CHUNK = 1 << 16


def keras_home() -> str:
    """``$KERAS_HOME``, else ``~/.keras`` (``/tmp/.keras`` when home is not writable)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    home = os.path.expanduser("~")
    if not os.access(home, os.W_OK):
        home = "/tmp"
    return os.path.join(home, ".keras")


def _hasher(algorithm: str, file_hash: str | None = None) -> Any:
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and
                                 len(file_hash) == 64):
        return hashlib.sha256()
    if algorithm not in ("md5", "auto"):
        raise ValueError(f"get_file: hash_algorithm must be 'md5', 'sha256' or 'auto'; "
                         f"got {algorithm!r}")
    return hashlib.md5()


def hash_file(fpath: str, algorithm: Any = "sha256", chunk_size: int = 65535) -> str:
    """The hex digest of a file (``algorithm``: "sha256", "md5" or a hashlib object).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x"); _ = open(p, "wb").write(b"abc")
    >>> hash_file(p, "md5")
    '900150983cd24fb0d6963f7d28e17f72'
    """
    hasher = _hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath: str, file_hash: str, algorithm: str = "auto",
                  chunk_size: int = 65535) -> bool:
    """Whether the file's hash is ``file_hash`` ("auto": sha256 for 64 hex digits, else
    md5)."""
    return hash_file(fpath, _hasher(algorithm, file_hash), chunk_size) == str(file_hash)


def _download(origin: str, target: str, file_hash: str | None, algorithm: str) -> None:
    """``origin`` to ``target`` by way of a temporary file in the same folder."""
    error = "URL fetch failure on {}: {} -- {}"
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(target) + ".",
                               suffix=".part", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(origin) as response:
                    length = response.headers.get("Content-Length")
                    bar = Progbar(int(length) if length else None)
                    done = 0
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        out.write(chunk)
                        done += len(chunk)
                        bar.update(done)
            except urllib.error.HTTPError as e:
                raise OSError(error.format(origin, e.code, e.msg)) from e
            except urllib.error.URLError as e:
                raise OSError(error.format(origin, getattr(e, "errno", None),
                                           e.reason)) from e
        if file_hash is not None and not validate_file(tmp, file_hash, algorithm):
            raise ValueError(f"Incomplete or corrupted file detected. The {algorithm} file "
                             f"hash does not match the provided value of {file_hash}.")
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def get_file(fname: str | os.PathLike | None = None, origin: str | None = None,
             untar: bool = False, md5_hash: str | None = None,
             file_hash: str | None = None, cache_subdir: str = "datasets",
             hash_algorithm: str = "auto", extract: bool = False,
             archive_format: Any = "auto", cache_dir: str | os.PathLike | None = None,
             force_download: bool = False) -> str:
    """Download ``origin`` into ``cache_dir/cache_subdir`` (default
    ``~/.keras/datasets``) unless it is there already (with the right ``file_hash``, when
    given), and return its path. ``extract`` (or ``untar``) unpacks a tar / zip archive
    into a folder beside it and returns that folder instead. ``fname`` defaults to the
    last part of the URL; ``force_download`` downloads again.

    >>> import tempfile, os, pathlib
    >>> src = os.path.join(tempfile.mkdtemp(), "data.txt")
    >>> _ = open(src, "w").write("hello")
    >>> path = get_file(origin=pathlib.Path(src).as_uri(), cache_dir=tempfile.mkdtemp())
    Downloading data from file://...
    >>> open(path).read()
    'hello'
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to '
                         "download).")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(os.fspath(cache_dir) if cache_dir is not None
                              else keras_home())
    if not os.access(base, os.W_OK) and os.path.exists(base):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(),
                            ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    given = fname
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: "
                             f"'{origin}'.Please specify the `fname` argument.")
    elif os.sep in fname:
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify "
                         "the file's parent directory, use the `cache_dir` argument. "
                         f"Received: fname={fname}")
    if extract or untar:
        if given and "." in fname:
            download_target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, f"{fname[:fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            download_target = os.path.join(datadir, f"{fname}_archive")
    else:
        download_target = os.path.join(datadir, fname)
    download = force_download or not os.path.exists(download_target)
    if not download and file_hash is not None and \
            not validate_file(download_target, file_hash, hash_algorithm):
        print_msg(f"A local file was found, but it seems to be incomplete or outdated "
                  f"because the {hash_algorithm} file hash does not match the original "
                  f"value of {file_hash} so we will re-download the data.")
        download = True
    if download:
        print_msg(f"Downloading data from {origin}")
        _download(origin, download_target, file_hash, hash_algorithm)
    if not (extract or untar):
        return download_target
    if not extract_archive(download_target, extraction_dir,
                           "tar" if untar else archive_format):
        warnings.warn("Could not extract archive.", stacklevel=2)
    return extraction_dir
