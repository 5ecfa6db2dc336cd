"""ember.train.CheckpointManager: numbering, max_to_keep, keep_checkpoint_every_n_hours,
intervals, restore_or_initialize, and its state file."""
import os

import numpy as np
import pytest

import ember
from ember.train import atomic, checkpoint_manager, file_format


class FakeClock:
    def __init__(self, start=1_000_000.0):
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(checkpoint_manager, "_now", fake)
    return fake


def names(paths):
    return [os.path.basename(p) for p in paths]


def on_disk(directory):
    return sorted(f[: -len(".index")] for f in os.listdir(directory) if f.endswith(".index"))


def test_max_to_keep_deletes_oldest(tmp_path, clock):
    v = ember.Variable(0.0)
    manager = ember.train.CheckpointManager(ember.train.Checkpoint(v=v), str(tmp_path),
                                            max_to_keep=2)
    assert manager.latest_checkpoint is None and manager.checkpoints == []
    for i in range(4):
        v.assign(float(i))
        clock.now += 10
        path = manager.save()
        assert os.path.basename(path) == f"ckpt-{i + 1}"
    assert names(manager.checkpoints) == ["ckpt-3", "ckpt-4"]
    assert on_disk(tmp_path) == ["ckpt-3", "ckpt-4"]
    assert len([f for f in os.listdir(tmp_path) if ".data-" in f]) == 2
    assert manager.latest_checkpoint == str(tmp_path / "ckpt-4")
    assert ember.train.latest_checkpoint(str(tmp_path)) == manager.latest_checkpoint
    state = ember.train.get_checkpoint_state(str(tmp_path))
    assert names(state.all_model_checkpoint_paths) == ["ckpt-3", "ckpt-4"]
    assert '"ckpt-4"' in (tmp_path / "checkpoint").read_text()   # relative paths
    assert not [f for f in os.listdir(tmp_path) if atomic.is_temp_file(f)]


def test_new_manager_continues_from_the_state_file(tmp_path, clock):
    ckpt = ember.train.Checkpoint(v=ember.Variable(0.0))
    first = ember.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    for _ in range(3):
        clock.now += 1
        first.save()
    ckpt2 = ember.train.Checkpoint(v=ember.Variable(0.0))
    second = ember.train.CheckpointManager(ckpt2, str(tmp_path), max_to_keep=2)
    assert names(second.checkpoints) == ["ckpt-2", "ckpt-3"]
    assert second.restore_or_initialize() == str(tmp_path / "ckpt-3")
    assert int(ckpt2.save_counter) == 3
    clock.now += 1
    assert os.path.basename(second.save()) == "ckpt-4"
    assert on_disk(tmp_path) == ["ckpt-3", "ckpt-4"]


def test_max_to_keep_none_keeps_everything(tmp_path, clock):
    manager = ember.train.CheckpointManager(ember.train.Checkpoint(v=ember.Variable(0.0)),
                                            str(tmp_path), max_to_keep=None)
    for _ in range(4):
        manager.save()
    assert len(manager.checkpoints) == 4 and len(on_disk(tmp_path)) == 4


def test_keep_checkpoint_every_n_hours(tmp_path, clock):
    manager = ember.train.CheckpointManager(ember.train.Checkpoint(v=ember.Variable(0.0)),
                                            str(tmp_path), max_to_keep=1,
                                            keep_checkpoint_every_n_hours=1.0)
    # one save every 20 minutes for two hours: one per hour survives outside the set
    for _ in range(7):
        clock.now += 20 * 60
        manager.save()
    assert names(manager.checkpoints) == ["ckpt-7"]
    assert on_disk(tmp_path) == ["ckpt-3", "ckpt-6", "ckpt-7"]
    # a new manager does not take back the preserved ones
    again = ember.train.CheckpointManager(ember.train.Checkpoint(v=ember.Variable(0.0)),
                                          str(tmp_path), max_to_keep=1,
                                          keep_checkpoint_every_n_hours=1.0)
    assert names(again.checkpoints) == ["ckpt-7"]


def test_checkpoint_interval_and_explicit_numbers(tmp_path, clock):
    step = ember.Variable(np.int64(0))
    manager = ember.train.CheckpointManager(ember.train.Checkpoint(step=step),
                                            str(tmp_path), max_to_keep=5,
                                            step_counter=step, checkpoint_interval=10)
    assert manager.checkpoint_interval == 10
    saved = []
    for i in range(25):
        step.assign(np.int64(i))
        path = manager.save()
        if path is not None:
            saved.append(i)
    assert saved == [0, 10, 20]
    assert manager.save() is None                     # same step
    step.assign(np.int64(21))
    assert manager.save(check_interval=False) is not None
    path = manager.save(checkpoint_number=step, check_interval=False)
    assert path is None                               # still step 21
    step.assign(np.int64(100))
    assert os.path.basename(manager.save(checkpoint_number=step)) == "ckpt-100"


def test_restore_or_initialize(tmp_path, clock):
    v = ember.Variable(5.0)
    calls = []
    manager = ember.train.CheckpointManager(ember.train.Checkpoint(v=v), str(tmp_path),
                                            max_to_keep=3,
                                            init_fn=lambda: calls.append(v.assign(1.0)))
    assert manager.restore_or_initialize() is None and len(calls) == 1
    assert float(v) == 1.0
    manager.save()
    v.assign(9.0)
    assert manager.restore_or_initialize() == manager.latest_checkpoint
    assert float(v) == 1.0 and len(calls) == 1


def test_failed_save_keeps_previous_state(tmp_path, clock, monkeypatch):
    v = ember.Variable(1.0)
    ckpt = ember.train.Checkpoint(v=v)
    manager = ember.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=1)
    first = manager.save()
    before = sorted(os.listdir(tmp_path))

    def broken(file, **arrays):
        raise OSError("disk full")
    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError):
        manager.save()
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == before
    assert manager.latest_checkpoint == first and names(manager.checkpoints) == ["ckpt-1"]
    assert int(ckpt.save_counter) == 1
    assert os.path.basename(manager.save()) == "ckpt-2"
    assert on_disk(tmp_path) == ["ckpt-2"]
    assert not file_format.checkpoint_exists(first)


def test_bad_arguments(tmp_path):
    ckpt = ember.train.Checkpoint(v=ember.Variable(1.0))
    with pytest.raises(ValueError, match="max_to_keep"):
        ember.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=0)
    with pytest.raises(ValueError, match="step_counter"):
        ember.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=1,
                                      checkpoint_interval=5)
    with pytest.raises(TypeError, match="Checkpoint"):
        ember.train.CheckpointManager(ember.Variable(1.0), str(tmp_path), max_to_keep=1)


def test_latest_checkpoint_ignores_deleted_files(tmp_path, clock):
    manager = ember.train.CheckpointManager(ember.train.Checkpoint(v=ember.Variable(1.0)),
                                            str(tmp_path), max_to_keep=2)
    path = manager.save()
    file_format.delete_checkpoint(path)
    assert ember.train.latest_checkpoint(str(tmp_path)) is None
    assert ember.train.latest_checkpoint(str(tmp_path / "nowhere")) is None
