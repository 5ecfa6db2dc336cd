"""Counting trained batches for callbacks that act every ``save_freq`` batches."""
from __future__ import annotations


def batches_since(last_batch_seen: int | None, batch: int) -> int:
    """How many batches end with ``batch`` since the one numbered ``last_batch_seen``
    (batch numbers start again from 0 each epoch; with ``steps_per_execution`` a hook
    reports only every few batches).

    >>> batches_since(None, 0), batches_since(3, 5), batches_since(5, 1)
    (1, 2, 2)
    """
    if last_batch_seen is None or batch <= last_batch_seen:
        return batch + 1
    return batch - last_batch_seen


def save_due(callback, batch: int) -> bool:
    """Count the batches up to ``batch`` on ``callback`` (its ``_last_batch_seen`` and
    ``_batches_seen_since_last_saving``); True, and the count restarted, once
    ``callback.save_freq`` batches have passed since the last save."""
    callback._batches_seen_since_last_saving += batches_since(callback._last_batch_seen,
                                                              batch)
    callback._last_batch_seen = batch
    if callback._batches_seen_since_last_saving >= callback.save_freq:
        callback._batches_seen_since_last_saving = 0
        return True
    return False
