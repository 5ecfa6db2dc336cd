"""keras.callbacks.BackupAndRestore: resume an interrupted ``fit`` where it stopped."""
from __future__ import annotations

import json
import os
import shutil
from typing import Any

import numpy as np

from ..saving.atomic import atomic_write
from ..saving.state_walk import save_state
from ..saving.weights_h5 import WeightsWriter, require_h5py
from .batch_counting import save_due
from .callback import Callback

# the root attribute of the backup weights file that holds its own training metadata,
# so weights, optimizer state, epoch/batch and RNG states are replaced in one rename
_METADATA_ATTR = "ember_training_metadata"


class BackupAndRestore(Callback):
    """Back up the training state to ``backup_dir`` and restore it when ``fit`` starts
    again after an interruption (a crash, a killed job, a preempted machine).

    ``backup_dir`` holds ``latest.weights.h5`` (the model's weights and optimizer state)
    and ``training_metadata.json`` (``{"epoch": ..., "batch": ...}``), as in Keras, and
    with ``double_checkpoint=True`` the previous pair as ``*.bkp``. Every file is written
    atomically (a temporary file renamed into place), so a kill during a save leaves the
    previous backup intact.

    Ember restores more than Keras, so that a resumed run ends with exactly the weights
    of an uninterrupted one (same seed, same data, same script): besides weights and
    optimizer state, the backup holds every layer's random seed state (dropout, noise,
    augmentation), the state of the generator ``fit`` shuffles with, and with an integer
    ``save_freq`` how many batches of the current epoch were trained: those batches are
    skipped on resume instead of the epoch starting over.

    Args:
        backup_dir: a directory used by this callback only; created when needed.
        save_freq: ``"epoch"`` to back up at the end of each epoch, an integer to back up
            every ``save_freq`` batches, or ``False`` to never back up (restore only).
        double_checkpoint: keep the previous backup too, and fall back to it when the
            latest one cannot be read (a corrupt or truncated file).
        delete_checkpoint: delete ``backup_dir`` when ``fit`` completes.

    >>> import tempfile, numpy as np
    >>> from ember import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> backup = keras.callbacks.BackupAndRestore(tempfile.mkdtemp() + "/backup")
    >>> history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
    ...                     callbacks=[backup])
    >>> len(history.history["loss"])
    2
    """

    def __init__(self, backup_dir: str | os.PathLike, save_freq: Any = "epoch",
                 double_checkpoint: bool = False, delete_checkpoint: bool = True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq is not False and save_freq != "epoch" and (
                isinstance(save_freq, bool) or not isinstance(save_freq, (int, np.integer))
                or save_freq < 1):
            raise ValueError("Invalid value for argument `save_freq`. "
                             f"Received: save_freq={save_freq}. "
                             "Expected either 'epoch' or an integer value.")
        self.backup_dir = os.fspath(backup_dir)
        _check_not_a_file(self.backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._training_metadata_path = os.path.join(self.backup_dir,
                                                    "training_metadata.json")
        self._prev_weights_path = self._weights_path + ".bkp"
        self._prev_training_metadata_path = self._training_metadata_path + ".bkp"
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0

    # -- hooks ------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        _check_not_a_file(self.backup_dir)
        if not getattr(self.model, "built", False):
            raise ValueError("To use the BackupAndRestore callback, your model must be built "
                             f"before you call `fit()`. Model {self.model} is unbuilt. You "
                             "can build it beforehand by calling it on a batch of data.")
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        try:
            self._restore()
        except (OSError, ValueError, KeyError) as latest_error:
            if not os.path.exists(self._prev_weights_path):
                raise
            # the latest backup is unreadable: make the previous one the latest again
            _atomic_copy(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_training_metadata_path):
                _atomic_copy(self._prev_training_metadata_path,
                             self._training_metadata_path)
            elif os.path.exists(self._training_metadata_path):
                os.remove(self._training_metadata_path)
            try:
                self._restore()
            except Exception as prev_error:
                raise prev_error from latest_error

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            # with steps_per_execution a short last execution still reports
            # first + steps_per_execution - 1 (as Keras): count only batches that exist
            steps_done = batch + 1
            total = self.params.get("steps") if isinstance(self.params, dict) else None
            if isinstance(total, int) and total > 0:
                steps_done = min(steps_done, total)
            self._save(epoch=self._current_epoch, batch=batch, steps_done=steps_done)

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save(epoch=epoch + 1, batch=0, steps_done=0)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    # -- saving -----------------------------------------------------------------------------
    def _should_save_on_batch(self, batch: int) -> bool:
        """Count trained batches across epochs (``steps_per_execution`` aware)."""
        if self.save_freq == "epoch" or self.save_freq is False:
            return False
        return save_due(self, batch)

    def _save(self, epoch: int, batch: int, steps_done: int) -> None:
        """Write the backup: ``epoch`` is the epoch to resume in, ``steps_done`` how many
        of its batches are already trained (``batch`` is Keras's field)."""
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            _atomic_copy(self._weights_path, self._prev_weights_path)
            if os.path.exists(self._training_metadata_path):
                _atomic_copy(self._training_metadata_path,
                             self._prev_training_metadata_path)
        metadata = {"epoch": int(epoch), "batch": int(batch),
                    "steps_done": int(steps_done),
                    "shuffle_state": getattr(self.model, "_shuffle_state", None),
                    "seed_states": {key: stream.state.numpy().tolist()
                                    for key, stream in _seed_streams(self.model)}}
        text = json.dumps(metadata, default=_plain)
        writer = WeightsWriter()
        save_state(self.model, writer)
        h5py = require_h5py()
        with atomic_write(self._weights_path) as tmp:
            writer.write(tmp)
            with h5py.File(tmp, "a") as f:
                f.attrs[_METADATA_ATTR] = text
        # the JSON file mirrors the metadata inside the weights file (Keras's layout)
        with atomic_write(self._training_metadata_path) as tmp, open(tmp, "w") as f:
            f.write(text)

    # -- restoring --------------------------------------------------------------------------
    def _restore(self) -> None:
        """Load the latest backup, if there is one, into the model and the trainer."""
        metadata = None
        if os.path.exists(self._weights_path):
            metadata = _read_embedded_metadata(self._weights_path)
            optimizer = getattr(self.model, "optimizer", None)
            if optimizer is not None and not getattr(optimizer, "built", True):
                optimizer.build(self.model.trainable_variables)   # so its state loads
            self.model.load_weights(self._weights_path)
        if metadata is None and os.path.exists(self._training_metadata_path):
            with open(self._training_metadata_path) as f:    # a backup written by Keras
                metadata = json.loads(f.read())
        if metadata is None:
            return
        epoch = int(metadata["epoch"])
        steps_done = int(metadata.get("steps_done", 0))
        self._restore_seed_states(metadata.get("seed_states") or {})
        if metadata.get("shuffle_state") is not None:
            self.model._shuffle_state = metadata["shuffle_state"]
        self.model._initial_epoch = epoch
        self.model._initial_step = steps_done
        self._current_epoch = epoch
        self._last_batch_seen = steps_done - 1 if steps_done else 0

    def _restore_seed_states(self, states: dict) -> None:
        streams = dict(_seed_streams(self.model))
        if not states:
            return
        if set(states) != set(streams):
            raise ValueError(f"The backup in '{self.backup_dir}' holds random seed states "
                             f"for {sorted(states)} but the model has seeded layers at "
                             f"{sorted(streams)}: the backup belongs to a different model.")
        for key, value in states.items():
            streams[key].state.assign(np.asarray(value, dtype=np.int64))


def _seed_streams(model: Any) -> list[tuple[str, Any]]:
    """Every ``SeedGenerator`` held by ``model`` or its layers (dropout, noise, RNN cells,
    augmentation), keyed by its position: ``"1/0/seed_generator"`` is the attribute
    ``seed_generator`` of sub-layer 0 of the model's sub-layer 1."""
    from ..random.seed_generator import SeedGenerator
    found: list[tuple[str, Any]] = []
    seen: set[int] = set()

    def visit(layer: Any, prefix: str) -> None:
        if id(layer) in seen:
            return
        seen.add(id(layer))
        for attr, value in sorted(vars(layer).items()):
            if isinstance(value, SeedGenerator) and id(value) not in seen:
                seen.add(id(value))
                found.append((prefix + attr, value))
        for i, sub in enumerate(getattr(layer, "_layers", [])):
            visit(sub, f"{prefix}{i}/")

    visit(model, "")
    return found


def _read_embedded_metadata(path: str) -> dict | None:
    """The training metadata stored in a backup weights file (None in a Keras backup);
    a file that is not readable HDF5 raises ValueError."""
    h5py = require_h5py()
    try:
        with h5py.File(path, "r") as f:
            text = f.attrs.get(_METADATA_ATTR)
    except Exception as e:
        raise ValueError(f"Cannot read the backup '{path}': it is not a valid HDF5 file "
                         f"(it may be truncated or corrupt): {e}") from None
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return json.loads(text)


def _plain(value: Any) -> Any:
    """JSON for the NumPy values a generator state may hold."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"Cannot store {type(value).__name__} in the training metadata")


def _atomic_copy(source: str, target: str) -> None:
    with atomic_write(target) as tmp:
        shutil.copyfile(source, tmp)


def _check_not_a_file(backup_dir: str) -> None:
    if os.path.exists(backup_dir) and not os.path.isdir(backup_dir):
        raise ValueError("BackupAndRestore needs `backup_dir` to be a directory, but "
                         f"'{backup_dir}' is an existing file. Pass the path of a "
                         "directory used by this callback only.")
