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

import threading

__all__ = ["STATE", "ThreadState"]


class ThreadState(threading.local):
    """Each thread's own stacks, innermost last; every new thread starts with them empty."""

    def __init__(self) -> None:
        self.tapes: list = []           # recording GradientTapes (``ember.autodiff``)
        self.watchers: list = []        # told about each variable read (custom_gradient)
        self.tracing: list = []         # graph builders tracing an ember.function
        self.assign_hooks: list = []    # where variable assignments go while tracing


STATE = ThreadState()
