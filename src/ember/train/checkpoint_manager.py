"""ember.train.CheckpointManager: numbered checkpoints in a directory, old ones deleted.

Follows ``tf.train.CheckpointManager``: the newest ``max_to_keep`` checkpoints are
kept (the *active set*); one leaving the active set survives if at least
``keep_checkpoint_every_n_hours`` passed since the last one preserved that way. The
state (active set, timestamps) lives in the directory's ``checkpoint`` file, written
atomically, so a new manager on the same directory carries on where the last left off.
"""
from __future__ import annotations

import collections
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from . import file_format, state_file


def _now() -> float:
    """The clock used for checkpoint timestamps (tests replace it)."""
    return time.time()


def _as_int(value: Any) -> int:
    """A Python int from an int, a 0-d array, tensor or variable."""
    return int(np.asarray(value.numpy() if hasattr(value, "numpy") else value))


class CheckpointManager:
    """Saves numbered checkpoints of ``checkpoint`` in ``directory``, keeping the last
    ``max_to_keep`` (all when None).

    >>> import tempfile, ember
    >>> w = ember.Variable(0.0)
    >>> manager = ember.train.CheckpointManager(ember.train.Checkpoint(w=w),
    ...                                        tempfile.mkdtemp(), max_to_keep=2)
    >>> for step in range(3):
    ...     _ = w.assign(float(step))
    ...     _ = manager.save()
    >>> [p.rsplit("-", 1)[1] for p in manager.checkpoints]
    ['2', '3']
    >>> _ = w.assign(-1.0); manager.restore_or_initialize() == manager.latest_checkpoint
    True
    >>> float(w)
    2.0
    """

    def __init__(self, checkpoint: Any, directory: str | os.PathLike,
                 max_to_keep: int | None, keep_checkpoint_every_n_hours: float | None = None,
                 checkpoint_name: str = "ckpt", step_counter: Any = None,
                 checkpoint_interval: int | None = None,
                 init_fn: Callable[[], Any] | None = None,
                 last_checkpoint_step: int | None = None) -> None:
        if directory is None or not os.fspath(directory):
            raise ValueError("CheckpointManager needs a directory; got "
                             f"directory={directory!r}")
        if not (hasattr(checkpoint, "write") and hasattr(checkpoint, "restore")
                and hasattr(type(checkpoint), "save_counter")):
            raise TypeError("CheckpointManager expects an ember.train.Checkpoint; got "
                            f"{type(checkpoint).__name__}")
        if max_to_keep is not None and (not isinstance(max_to_keep, (int, np.integer))
                                        or max_to_keep <= 0):
            raise ValueError("Expected a positive integer or `None` for `max_to_keep`, "
                             f"got {max_to_keep!r}.")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("`step_counter` should be passed if `checkpoint_interval` is "
                             "not None.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._checkpoint_prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._checkpoint_interval = checkpoint_interval
        self._init_fn = init_fn
        self._last_checkpoint_step = last_checkpoint_step
        self._maybe_delete: collections.OrderedDict = collections.OrderedDict()
        recovered = state_file.get_checkpoint_state(self._directory)
        clock = _now()
        if recovered is None:
            self._latest_checkpoint = None
            # a little in the past, so a manager re-created at once behaves the same
            self._last_preserved_timestamp = clock - 1.0
            return
        self._latest_checkpoint = recovered.model_checkpoint_path
        self._last_preserved_timestamp = min(recovered.last_preserved_timestamp, clock)
        paths = recovered.all_model_checkpoint_paths
        stamps = recovered.all_model_checkpoint_timestamps or \
            [self._last_preserved_timestamp] * len(paths)
        for path, stamp in zip(paths, stamps):
            stamp = min(stamp, clock)          # a clock that went back deletes nothing
            if stamp > self._last_preserved_timestamp:
                self._maybe_delete[path] = stamp

    # -- what it manages ----------------------------------------------------------------------
    @property
    def directory(self) -> str:
        """The directory the checkpoints are written to."""
        return self._directory

    @property
    def checkpoint(self) -> Any:
        """The managed ``Checkpoint``."""
        return self._checkpoint

    @property
    def checkpoint_interval(self) -> int | None:
        """Minimum steps between two saves (with ``step_counter``), or None."""
        return self._checkpoint_interval

    @property
    def checkpoints(self) -> list:
        """The active checkpoints' prefixes, oldest first (those that may still be
        deleted; kept-forever ones are not listed)."""
        return list(self._maybe_delete)

    @property
    def latest_checkpoint(self) -> str | None:
        """The newest checkpoint's prefix, or None (pass it to ``Checkpoint.restore``)."""
        return self._latest_checkpoint

    # -- saving -------------------------------------------------------------------------------
    def save(self, checkpoint_number: Any = None, check_interval: bool = True,
             options: Any = None) -> str | None:
        """Write a new checkpoint ``<directory>/<checkpoint_name>-<number>`` and delete
        the ones that fall out of the active set. Returns its prefix, or None when
        ``checkpoint_interval`` steps have not passed since the last save.

        ``checkpoint_number`` (an int or integer variable) numbers the checkpoint;
        by default the checkpoint's ``save_counter``, which goes up by one on every
        save either way.

        >>> import tempfile, ember
        >>> step = ember.Variable(0, dtype="int64")
        >>> m = ember.train.CheckpointManager(ember.train.Checkpoint(step=step),
        ...     tempfile.mkdtemp(), max_to_keep=3, step_counter=step, checkpoint_interval=10)
        >>> m.save() is None, m.save() is None     # the second: no step since the first
        (False, True)
        """
        previous_step = self._last_checkpoint_step
        if self._checkpoint_interval is not None:
            current = _as_int(self._step_counter)
            if previous_step is not None:
                if current == previous_step:
                    return None
                if check_interval and current < previous_step + self._checkpoint_interval:
                    return None
            self._last_checkpoint_step = current
        counter = self._checkpoint.save_counter
        count = _as_int(counter)
        from .trackable import assign_values
        assign_values([(counter, np.int64(count + 1))])
        number = count + 1 if checkpoint_number is None else _as_int(checkpoint_number)
        prefix = f"{self._checkpoint_prefix}-{number}"
        try:
            save_path = self._checkpoint.write(prefix, options=options)
        except BaseException:
            assign_values([(counter, np.int64(count))])
            self._last_checkpoint_step = previous_step
            raise
        timestamp = _now()
        # an overwritten checkpoint moves to the end of the queue
        self._maybe_delete.pop(save_path, None)
        self._maybe_delete[save_path] = timestamp
        self._latest_checkpoint = save_path
        # record first (a crash while deleting still finds the new checkpoint), then
        # again without the deleted ones
        self._record_state()
        self._sweep()
        self._record_state()
        return save_path

    def _record_state(self) -> None:
        if self._latest_checkpoint is None:
            return
        state_file.update_checkpoint_state(
            self._directory, model_checkpoint_path=self._latest_checkpoint,
            all_model_checkpoint_paths=list(self._maybe_delete),
            all_model_checkpoint_timestamps=list(self._maybe_delete.values()),
            last_preserved_timestamp=self._last_preserved_timestamp)

    def _sweep(self) -> None:
        """Delete (or preserve, every n hours) checkpoints beyond ``max_to_keep``."""
        if not self._max_to_keep:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            path, timestamp = self._maybe_delete.popitem(last=False)
            hours = self._keep_checkpoint_every_n_hours
            if hours and timestamp - hours * 3600.0 >= self._last_preserved_timestamp:
                self._last_preserved_timestamp = timestamp
                continue                     # kept on disk, no longer tracked
            file_format.delete_checkpoint(path)

    # -- restoring ----------------------------------------------------------------------------
    def restore_or_initialize(self) -> str | None:
        """Restore the newest checkpoint and return its prefix; with none, call
        ``init_fn`` (if given) and return None."""
        if self._latest_checkpoint is not None:
            self._checkpoint.restore(self._latest_checkpoint)
            if self._checkpoint_interval is not None:
                self._last_checkpoint_step = _as_int(self._step_counter)
            return self._latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None

    def sync(self) -> None:
        """Wait for pending saves: a no-op, saves are synchronous."""
