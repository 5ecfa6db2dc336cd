"""atomic_write: the target changes only when the write completes."""
import os

import pytest

from ember.keras.saving.atomic import atomic_write


def test_success_replaces_and_failure_keeps(tmp_path):
    target = tmp_path / "f.bin"
    target.write_bytes(b"old")
    with atomic_write(target) as tmp:
        assert os.path.dirname(tmp) == str(tmp_path)
        with open(tmp, "wb") as f:
            f.write(b"new")
        assert target.read_bytes() == b"old"
    assert target.read_bytes() == b"new"
    with pytest.raises(RuntimeError):
        with atomic_write(target) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"half")
            raise RuntimeError("crash")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["f.bin"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_missing_directory_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        with atomic_write(tmp_path / "nope" / "f.bin"):
            pass
