"""keras.callbacks.BackupAndRestore: Keras's behaviour, exact resumption, crash safety."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from ember import keras
from ember.keras.callbacks import BackupAndRestore
from ember.keras.saving import weights_h5
from ember.keras.trainers.data_adapter import ArrayAdapter

pytest.importorskip("h5py")


class Interrupt(keras.callbacks.Callback):
    """Raises after ``batches`` trained batches or ``epochs`` finished epochs."""

    def __init__(self, batches=None, epochs=None):
        super().__init__()
        self.batches, self.epochs = batches, epochs
        self.batch_count = self.epoch_count = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batch_count += 1
        if self.batch_count == self.batches:
            raise RuntimeError("StepsInterruption")

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_count += 1
        if self.epoch_count == self.epochs:
            raise RuntimeError("EpochInterruption")


class Canary(keras.layers.Layer):
    """Counts the batches it has seen in a (saved) non-trainable weight."""

    def build(self, input_shape):
        self.counter = self.add_weight(shape=(), initializer="zeros", dtype="float32",
                                       trainable=False, name="counter")

    def call(self, x):
        self.counter.assign_add(1.0)
        return x


def canary_model():
    model = keras.Sequential([keras.Input((3,)), Canary(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.layers[0].counter.assign(0.0)   # building the model calls it (see report)
    return model


def counter(model) -> int:
    return int(model.layers[0].counter.numpy())


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.random((10, 3)).astype("float32"), rng.random((10, 1)).astype("float32")


def dropout_model(seed=3):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dropout(0.3), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    return model


def weights_of(model):
    return [w.numpy() for w in model.weights]


# -- arguments ---------------------------------------------------------------------------
def test_public_name():
    assert keras.callbacks.BackupAndRestore is BackupAndRestore
    assert "BackupAndRestore" in dir(keras.callbacks)


@pytest.mark.parametrize("freq", ["batch", 0.15, 0, -2, True])
def test_invalid_save_freq(freq, tmp_path):
    with pytest.raises(ValueError, match="Invalid value for argument `save_freq`"):
        BackupAndRestore(tmp_path / "b", save_freq=freq)


@pytest.mark.parametrize("backup_dir", ["", None])
def test_empty_backup_dir(backup_dir):
    with pytest.raises(ValueError, match="Empty `backup_dir` argument passed"):
        BackupAndRestore(backup_dir)


def test_backup_dir_that_is_a_file(tmp_path, data):
    path = tmp_path / "not_a_dir"
    path.write_text("x")
    with pytest.raises(ValueError, match="is an existing file"):
        BackupAndRestore(path)
    later = tmp_path / "later"
    cb = BackupAndRestore(later)
    later.write_text("x")     # becomes a file after the callback was made
    with pytest.raises(ValueError, match="is an existing file"):
        canary_model().fit(*data, epochs=1, verbose=0, callbacks=[cb])


def test_unbuilt_model(tmp_path, data):
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="must be built before you call `fit\\(\\)`"):
        model.fit(*data, epochs=1, verbose=0, callbacks=[BackupAndRestore(tmp_path / "b")])


# -- Keras's behaviour -------------------------------------------------------------------
def test_epoch_resume(tmp_path, data):
    backup_dir = tmp_path / "sub" / "dir"
    model = canary_model()
    cb = BackupAndRestore(backup_dir, save_freq="epoch")
    with pytest.raises(RuntimeError, match="EpochInterruption"):
        model.fit(*data, batch_size=4, epochs=6, verbose=0,
                  callbacks=[cb, Interrupt(epochs=2)])
    assert cb._current_epoch == 2 and counter(model) == 6
    assert sorted(os.listdir(backup_dir)) == ["latest.weights.h5", "training_metadata.json"]
    metadata = json.loads((backup_dir / "training_metadata.json").read_text())
    assert metadata["epoch"] == 2 and metadata["batch"] == 0

    fresh = canary_model()              # a new process would start from a new model
    hist = fresh.fit(*data, batch_size=4, epochs=5, verbose=0, callbacks=[cb])
    assert hist.epoch == [2, 3, 4]
    assert cb._current_epoch == 5
    assert counter(fresh) == 5 * 3      # restored 6, then 3 epochs of 3 batches
    assert not backup_dir.exists()      # deleted on completion


def test_batch_resume_skips_trained_batches(tmp_path, data):
    model = canary_model()
    cb = BackupAndRestore(tmp_path / "b", save_freq=1)
    with pytest.raises(RuntimeError, match="StepsInterruption"):
        model.fit(*data, batch_size=4, epochs=2, verbose=0,
                  callbacks=[cb, Interrupt(batches=2)])
    assert cb._current_epoch == 0 and cb._last_batch_seen == 1 and counter(model) == 2
    metadata = json.loads((tmp_path / "b" / "training_metadata.json").read_text())
    assert (metadata["epoch"], metadata["batch"], metadata["steps_done"]) == (0, 1, 2)

    seen = []
    spy = keras.callbacks.LambdaCallback(
        on_train_batch_begin=lambda batch, logs: seen.append(batch))
    hist = model.fit(*data, batch_size=4, epochs=5, verbose=0, callbacks=[cb, spy])
    assert hist.epoch == [0, 1, 2, 3, 4]
    assert seen[:2] == [2, 0]           # epoch 0 resumes at its third batch
    assert cb._current_epoch == 5
    assert counter(model) == 5 * 3      # as many batches as an uninterrupted run


def test_batch_counting_with_steps_per_execution(tmp_path, data):
    model = canary_model()
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=2)
    cb = BackupAndRestore(tmp_path / "b", save_freq=2, delete_checkpoint=False)
    model.fit(*data, batch_size=2, epochs=1, verbose=0, callbacks=[cb])  # 5 batches
    metadata = json.loads((tmp_path / "b" / "training_metadata.json").read_text())
    # the batch hooks end at 1, 3 and 5 (Keras numbers a short last execution as a full
    # one), so the last backup comes after the fifth batch: 5 steps done, not 6
    assert (metadata["epoch"], metadata["steps_done"]) == (0, 5)


@pytest.mark.parametrize("delete", [True, False])
def test_delete_checkpoint(tmp_path, data, delete):
    backup_dir = tmp_path / "b"
    canary_model().fit(*data, batch_size=4, epochs=2, verbose=0,
                       callbacks=[BackupAndRestore(backup_dir, delete_checkpoint=delete)])
    assert backup_dir.exists() is not delete
    if not delete:
        assert sorted(os.listdir(backup_dir)) == ["latest.weights.h5",
                                                  "training_metadata.json"]
        # a finished backup makes the next fit start at its end: no epoch left to run
        model = canary_model()
        hist = model.fit(*data, batch_size=4, epochs=2, verbose=0,
                         callbacks=[BackupAndRestore(backup_dir, delete_checkpoint=False)])
        assert hist.epoch == [] and counter(model) == 6


def test_double_checkpoint_falls_back_to_previous(tmp_path, data):
    backup_dir = tmp_path / "b"
    model = canary_model()
    cb = BackupAndRestore(backup_dir, double_checkpoint=True)
    with pytest.raises(RuntimeError):
        model.fit(*data, batch_size=4, epochs=6, verbose=0,
                  callbacks=[cb, Interrupt(epochs=2)])
    for path in (cb._weights_path, cb._training_metadata_path, cb._prev_weights_path,
                 cb._prev_training_metadata_path):
        assert os.path.exists(path)
    with open(cb._weights_path, "w") as f:
        f.write("0")                    # the latest backup is corrupt

    fresh = canary_model()
    hist = fresh.fit(*data, batch_size=4, epochs=5, verbose=0, callbacks=[cb])
    assert hist.epoch == [1, 2, 3, 4]   # resumed from the previous backup (epoch 1)
    assert counter(fresh) == 5 * 3


def test_corrupt_backup_without_previous_is_a_clear_error(tmp_path, data):
    backup_dir = tmp_path / "b"
    backup_dir.mkdir()
    (backup_dir / "latest.weights.h5").write_bytes(b"\x89HDF\r\n garbage")
    with pytest.raises(ValueError, match="not a valid HDF5 file"):
        canary_model().fit(*data, epochs=1, verbose=0,
                           callbacks=[BackupAndRestore(backup_dir)])


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_backup_from_another_model_is_refused(tmp_path, data):
    backup_dir = tmp_path / "b"
    dropout_model().fit(np.ones((8, 6)), np.ones((8, 1)), epochs=1, verbose=0,
                        callbacks=[BackupAndRestore(backup_dir, delete_checkpoint=False)])
    with pytest.raises(ValueError, match="Could not load the weights"):
        canary_model().fit(*data, epochs=1, verbose=0,
                           callbacks=[BackupAndRestore(backup_dir)])


def test_reads_a_backup_written_by_keras(tmp_path, data):
    """Keras writes the weights and a JSON file with the epoch only."""
    backup_dir = tmp_path / "b"
    backup_dir.mkdir()
    source = canary_model()
    source.fit(*data, batch_size=4, epochs=1, verbose=0)
    source.save_weights(backup_dir / "latest.weights.h5")
    (backup_dir / "training_metadata.json").write_text('{"epoch": 3, "batch": 0}')
    model = canary_model()
    hist = model.fit(*data, batch_size=4, epochs=4, verbose=0,
                     callbacks=[BackupAndRestore(backup_dir)])
    assert hist.epoch == [3] and counter(model) == 6


def test_resume_state_does_not_leak_into_the_next_fit(tmp_path, data):
    model = canary_model()
    cb = BackupAndRestore(tmp_path / "b")
    with pytest.raises(RuntimeError):
        model.fit(*data, batch_size=4, epochs=4, verbose=0,
                  callbacks=[cb, Interrupt(epochs=2)])
    model.fit(*data, batch_size=4, epochs=4, verbose=0, callbacks=[cb])
    assert model.fit(*data, batch_size=4, epochs=2, verbose=0).epoch == [0, 1]


# -- exact resumption --------------------------------------------------------------------
@pytest.mark.parametrize("save_freq,interrupt_after", [
    ("epoch", 12), (3, 12), (2, 7), (1, 1), (4, 19)])
def test_resumed_run_ends_with_the_uninterrupted_weights(tmp_path, save_freq,
                                                         interrupt_after):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6)).astype("float32")
    y = rng.normal(size=(40, 1)).astype("float32")
    fit = dict(batch_size=8, epochs=4, verbose=0, shuffle=True)
    model = dropout_model()
    model.fit(x, y, **fit)
    expected = weights_of(model)

    backup_dir = tmp_path / "b"
    model = dropout_model()
    with pytest.raises(RuntimeError):
        model.fit(x, y, callbacks=[BackupAndRestore(backup_dir, save_freq=save_freq),
                                   Interrupt(batches=interrupt_after)], **fit)
    metadata = json.loads((backup_dir / "training_metadata.json").read_text())
    assert list(metadata["seed_states"]) == ["1/seed_generator"]   # the Dropout layer

    model = dropout_model()
    keras.utils.set_random_seed(12345)   # global RNG state must not matter on resume
    model.fit(x, y, callbacks=[BackupAndRestore(backup_dir, save_freq=save_freq)], **fit)
    for want, got in zip(expected, weights_of(model)):
        np.testing.assert_array_equal(got, want)


def test_a_failed_save_leaves_the_previous_backup(tmp_path, monkeypatch):
    x, y = np.ones((8, 6), "float32"), np.ones((8, 1), "float32")
    backup_dir = tmp_path / "b"
    model = dropout_model()
    cb = BackupAndRestore(backup_dir, save_freq=1, delete_checkpoint=False)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0, callbacks=[cb])
    before = {name: (backup_dir / name).read_bytes() for name in os.listdir(backup_dir)}

    def crash(self, target):           # dies half way through writing the HDF5 file
        with open(target, "wb") as f:
            f.write(b"\x89HDF partial")
        raise KeyboardInterrupt("killed during save")
    monkeypatch.setattr(weights_h5.WeightsWriter, "write", crash)
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[cb])
    after = {name: (backup_dir / name).read_bytes() for name in os.listdir(backup_dir)}
    assert after == before             # same files, same bytes, no temporary left


def test_a_resumed_epoch_draws_the_same_shuffle_order():
    x = np.arange(10, dtype="float32").reshape(10, 1)
    rng = np.random.default_rng(5)
    adapter = ArrayAdapter(x, batch_size=3, shuffle=True, rng=rng)
    state = rng.bit_generator.state
    full = [b.numpy().ravel().tolist() for b in adapter.batches()]   # x alone
    assert sorted(sum(full, [])) == list(range(10))
    rng.bit_generator.state = state
    tail = [b.numpy().ravel().tolist() for b in adapter.batches(start=2)]
    assert tail == full[2:]
    assert rng.bit_generator.state != state       # the whole order was drawn


# -- a real kill -------------------------------------------------------------------------
_SCRIPT = """
import os, sys
import numpy as np
from ember import keras

out, backup_dir = sys.argv[1], sys.argv[2]
pause_at = int(os.environ.get("PAUSE_AT_BATCH", "0"))
keras.utils.set_random_seed(7)
rng = np.random.default_rng(0)
x = rng.normal(size=(48, 8)).astype("float32")
y = rng.normal(size=(48, 1)).astype("float32")
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dropout(0.25), keras.layers.Dense(1)])
model.compile(keras.optimizers.Adam(0.01), "mse")


class Progress(keras.callbacks.Callback):
    count = 0

    def on_train_batch_end(self, batch, logs=None):
        Progress.count += 1
        with open(out + ".progress", "a") as f:
            f.write(f"{Progress.count}\\n")
        if Progress.count == pause_at:   # wait here, mid-epoch, to be killed
            open(out + ".paused", "w").close()
            while True:
                import time
                time.sleep(0.05)


model.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=True,
          callbacks=[keras.callbacks.BackupAndRestore(backup_dir, save_freq=4),
                     Progress()])
np.savez(out, *[w.numpy() for w in model.weights])
"""


def _wait_for(path, proc, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if proc.poll() is not None:
            raise AssertionError(f"the training script exited early ({proc.returncode}): "
                                 f"{proc.stderr.read().decode()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"timed out waiting for {path}")
        time.sleep(0.02)


def test_sigkill_mid_epoch_then_resume_gives_the_uninterrupted_weights(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(_SCRIPT))
    run = lambda out, backup, **env: subprocess.Popen(  # noqa: E731
        [sys.executable, str(script), str(tmp_path / out), str(tmp_path / backup)],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    reference = run("reference", "reference_backup")          # runs alongside
    # 6 batches an epoch, a backup every 4: batch 10 is mid-epoch 1, two after a backup
    victim = run("resumed", "backup", PAUSE_AT_BATCH="10")
    _wait_for(str(tmp_path / "resumed.paused"), victim)
    assert os.path.exists(tmp_path / "backup" / "latest.weights.h5")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    metadata = json.loads((tmp_path / "backup" / "training_metadata.json").read_text())
    assert (metadata["epoch"], metadata["steps_done"]) == (1, 2)
    assert not (tmp_path / "resumed.npz").exists()

    resumed = run("resumed", "backup")
    assert resumed.wait(timeout=120) == 0, resumed.stderr.read().decode()
    assert reference.wait(timeout=120) == 0, reference.stderr.read().decode()
    assert not (tmp_path / "backup").exists()
    # the restart trained batches 9..24 only (8 were backed up, 9 and 10 redone)
    progress = (tmp_path / "resumed.progress").read_text().split()
    assert len(progress) == 10 + 24 - 8
    want, got = np.load(tmp_path / "reference.npz"), np.load(tmp_path / "resumed.npz")
    assert len(want.files) == len(got.files) == 4
    for key in want.files:
        np.testing.assert_allclose(got[key], want[key], rtol=0, atol=1e-7)
