"""What records the ops a thread runs: its tapes, traces and hooks, kept per thread.

TensorFlow keeps its tape stack and its tracing context per thread, and so does Ember: a
``GradientTape`` or an ``ember.function`` trace in one thread never sees the ops another
thread runs meanwhile (a Keras ``PyDataset``'s workers build batches with Ember ops while
``fit`` traces its train step on the main thread).

>>> from ember.core.thread_state import STATE
>>> STATE.tapes, STATE.tracing     # a thread starts with nothing recording
([], [])
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

__all__ = ["STATE", "ThreadState", "set_aside"]


class ThreadState(threading.local):
    """Each thread's own stacks, innermost last; every new thread starts with them empty."""

    def __init__(self) -> None:
        self.tapes: list = []           # recording GradientTapes (``ember.autodiff``)
        self.watchers: list = []        # told about each variable read (custom_gradient)
        self.tracing: list = []         # graph builders tracing an ember.function
        self.assign_hooks: list = []    # where variable assignments go while tracing
        # told of each Variable about to be created, ``hook(name)``: an ember.function
        # allows new variables on its first trace only (init_scope does not set it aside)
        self.variable_hooks: list = []
        self.name_scope: str = ""       # ember.name_scope: prefix of new variables' names


STATE = ThreadState()


@contextlib.contextmanager
def set_aside(*stacks: str) -> Iterator[None]:
    """Run the block with this thread's ``stacks`` (names of ``STATE``'s lists) empty,
    and give them back after it, whatever the block left in them.

    >>> with set_aside("tapes"):
    ...     STATE.tapes.append("a tape")
    >>> STATE.tapes
    []
    """
    saved = [getattr(STATE, name) for name in stacks]
    for name in stacks:
        setattr(STATE, name, [])
    try:
        yield
    finally:
        for name, stack in zip(stacks, saved):
            setattr(STATE, name, stack)
