"""The call context: the ``training`` flag an outer layer call hands to inner ones."""
from __future__ import annotations

import threading

_state = threading.local()


def stack() -> list:
    """This thread's stack of ``training`` values, one per layer call in progress
    (empty outside any layer call)."""
    st = getattr(_state, "stack", None)
    if st is None:
        st = _state.stack = []
    return st


def current_training():
    """The ``training`` value of the innermost layer call in progress (None outside)."""
    stack = getattr(_state, "stack", None)
    return stack[-1] if stack else None


class training_scope:
    """``with training_scope(True):`` - layer calls inside see ``training=True``."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __enter__(self):
        stack = getattr(_state, "stack", None)
        if stack is None:
            stack = _state.stack = []
        stack.append(self.value)

    def __exit__(self, *exc):
        _state.stack.pop()
