"""load_checkpoint / CheckpointReader, CheckpointOptions, checkpoints_iterator (TF 2.21's
tf.train names)."""
import os
import threading
import time

import pytest

import ember
from ember.core.errors import DataLossError, NotFoundError


def _write(tmp_path, **variables):
    return ember.train.Checkpoint(**variables).save(os.path.join(tmp_path, "ckpt"))


def test_load_checkpoint_reader(tmp_path):
    path = _write(tmp_path, w=ember.Variable([1.0, 2.0]), n={"k": ember.Variable(3, dtype="int64")})
    for source in (path, str(tmp_path)):            # a prefix, or a directory's newest
        reader = ember.train.load_checkpoint(source)
        assert reader.get_variable_to_shape_map() == {"w": [2], "n/k": [], "save_counter": []}
        dtypes = reader.get_variable_to_dtype_map()
        assert dtypes["w"] == ember.float32 and dtypes["n/k"] == ember.int64
        assert reader.has_tensor("w") and not reader.has_tensor("nope")
        assert reader.get_tensor("w").tolist() == [1.0, 2.0]
        assert int(reader.get_tensor("n/k")) == 3
    reader.get_tensor("w")[0] = 9.0                   # a copy: the reader is unchanged
    assert reader.get_tensor("w").tolist() == [1.0, 2.0]
    assert b"w (float32) [2]" in reader.debug_string()
    with pytest.raises(NotFoundError, match="Key nope not found"):
        reader.get_tensor("nope")


def test_load_checkpoint_errors(tmp_path):
    with pytest.raises(NotFoundError, match="no checkpoint found in directory"):
        ember.train.load_checkpoint(str(tmp_path))
    path = _write(tmp_path, w=ember.Variable(1.0))
    with open(path + ".index", "wb") as f:
        f.write(b"garbage")
    with pytest.raises(DataLossError):
        ember.train.load_checkpoint(path)


def test_checkpoint_options_are_accepted(tmp_path):
    opts = ember.train.CheckpointOptions(experimental_io_device="/job:localhost",
                                         enable_async=True)
    assert opts.enable_async and opts.experimental_io_device == "/job:localhost"
    v = ember.Variable(2.0)
    ckpt = ember.train.Checkpoint(v=v)
    path = ckpt.save(os.path.join(tmp_path, "c"), options=opts)
    v.assign(0.0)
    ckpt.restore(path, options=opts).assert_consumed()
    assert float(v) == 2.0


def test_checkpoints_iterator(tmp_path):
    d = str(tmp_path)
    assert list(ember.train.checkpoints_iterator(d, timeout=0)) == []
    ckpt = ember.train.Checkpoint(v=ember.Variable(1.0))
    first = ckpt.save(os.path.join(d, "ckpt"))
    it = ember.train.checkpoints_iterator(d, timeout=5)
    assert next(it) == first
    later = []
    saver = threading.Timer(0.2, lambda: later.append(ckpt.save(os.path.join(d, "ckpt"))))
    saver.start()
    assert next(it).endswith("ckpt-2")                # waits for the new one
    saver.join()
    # no new checkpoint: timeout_fn False waits again, True stops
    calls = []
    it2 = ember.train.checkpoints_iterator(d, timeout=0, timeout_fn=lambda: calls.append(1) or
                                           len(calls) >= 2)
    assert list(it2) == [later[0]] and len(calls) == 2


def test_checkpoints_iterator_min_interval(tmp_path):
    d = str(tmp_path)
    ckpt = ember.train.Checkpoint(v=ember.Variable(1.0))
    ckpt.save(os.path.join(d, "ckpt"))
    it = ember.train.checkpoints_iterator(d, min_interval_secs=0.3, timeout=0)
    start = time.monotonic()
    next(it)
    assert list(it) == []
    assert time.monotonic() - start >= 0.3
