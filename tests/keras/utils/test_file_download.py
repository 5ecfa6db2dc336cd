"""keras.utils.get_file with local file:// URLs and a local HTTP server (no internet)."""
import functools
import hashlib
import http.server
import os
import pathlib
import tarfile
import threading
import zipfile

import pytest

from ember import keras
from ember.keras.utils import archive_utils

get_file = keras.utils.get_file


@pytest.fixture
def served(tmp_path):
    """``(folder, base_url)``: a folder served over HTTP on localhost."""
    folder = tmp_path / "served"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_download_once_then_cached(served, tmp_path, capsys):
    folder, url = served
    (folder / "a.txt").write_bytes(b"hello world")
    cache = str(tmp_path / "cache")
    path = get_file(origin=f"{url}/a.txt", cache_dir=cache)
    assert path == os.path.join(cache, "datasets", "a.txt")
    assert pathlib.Path(path).read_bytes() == b"hello world"
    assert f"Downloading data from {url}/a.txt" in capsys.readouterr().out
    (folder / "a.txt").write_bytes(b"changed")
    sha = hashlib.sha256(b"hello world").hexdigest()
    assert get_file("a.txt", origin=f"{url}/a.txt", cache_dir=cache, file_hash=sha) == path
    assert "Downloading" not in capsys.readouterr().out
    get_file("a.txt", origin=f"{url}/a.txt", cache_dir=cache, force_download=True)
    assert pathlib.Path(path).read_bytes() == b"changed"


def test_stale_file_is_downloaded_again(served, tmp_path, capsys):
    folder, url = served
    (folder / "a.txt").write_bytes(b"hello world")
    cache = tmp_path / "cache"
    (cache / "datasets").mkdir(parents=True)
    (cache / "datasets" / "a.txt").write_bytes(b"stale")
    path = get_file("a.txt", origin=f"{url}/a.txt", cache_dir=str(cache),
                    md5_hash=hashlib.md5(b"hello world").hexdigest())
    assert pathlib.Path(path).read_bytes() == b"hello world"
    assert "does not match the original value" in capsys.readouterr().out


def test_failures_leave_no_file(served, tmp_path):
    folder, url = served
    (folder / "a.txt").write_bytes(b"hello world")
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected. The md5"):
        get_file("bad.txt", origin=f"{url}/a.txt", cache_dir=str(cache),
                 md5_hash="0" * 32)
    with pytest.raises(OSError, match=f"URL fetch failure on {url}/missing.txt: 404"):
        get_file("missing.txt", origin=f"{url}/missing.txt", cache_dir=str(cache))
    with pytest.raises(OSError, match="URL fetch failure on file://"):
        get_file("nf.txt", origin=(tmp_path / "nope").as_uri(), cache_dir=str(cache))
    assert os.listdir(cache / "datasets") == []


def test_extract_tar_and_zip(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("in tar")
    with tarfile.open(src / "arch.tar.gz", "w:gz") as archive:
        archive.add(src / "a.txt", arcname="inner/a.txt")
    with zipfile.ZipFile(src / "z.zip", "w") as archive:
        archive.writestr("zz/b.txt", "in zip")
    cache = str(tmp_path / "cache")
    out = get_file("arch.tar.gz", origin=(src / "arch.tar.gz").as_uri(), cache_dir=cache,
                   extract=True)
    assert out == os.path.join(cache, "datasets", "arch_extracted")
    assert pathlib.Path(os.path.join(out, "inner", "a.txt")).read_text() == "in tar"
    out = get_file(origin=(src / "z.zip").as_uri(), cache_dir=cache, extract=True)
    assert out == os.path.join(cache, "datasets", "z.zip")
    assert os.path.exists(os.path.join(cache, "datasets", "z.zip_archive"))
    assert pathlib.Path(os.path.join(out, "zz", "b.txt")).read_text() == "in zip"
    out = get_file("u", origin=(src / "arch.tar.gz").as_uri(), cache_dir=cache, untar=True)
    assert os.listdir(out) == ["inner"]
    with pytest.warns(UserWarning, match="Could not extract archive"):
        get_file("plain.txt", origin=(src / "a.txt").as_uri(), cache_dir=cache, extract=True)


def test_unsafe_archive_members_are_skipped(tmp_path):
    archive_path = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("../escape.txt", "no")
        archive.writestr("ok.txt", "yes")
    target = tmp_path / "out"
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        assert archive_utils.extract_archive(str(archive_path), str(target))
    assert os.listdir(target) == ["ok.txt"]
    assert not (tmp_path / "escape.txt").exists()


def test_default_cache_dir_is_keras_home(tmp_path, monkeypatch):
    src = tmp_path / "a.txt"
    src.write_text("x")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    path = get_file(origin=pathlib.Path(src).as_uri())
    assert path == str(tmp_path / "home" / "datasets" / "a.txt")


def test_argument_errors(tmp_path):
    with pytest.raises(ValueError, match='Please specify the "origin" argument'):
        get_file("x")
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        get_file("a/b.txt", origin="file:///x", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="Can't parse the file name from the origin"):
        get_file(origin="http://127.0.0.1/", cache_dir=str(tmp_path))
