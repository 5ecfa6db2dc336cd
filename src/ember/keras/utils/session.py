"""keras.utils.clear_session: ``keras.backend.clear_session`` under its utils name."""
from __future__ import annotations

from .. import backend


def clear_session(free_memory: bool = True) -> None:
    """Forget Keras's global state (layer-name counters, uids); with ``free_memory``, also
    run Python's garbage collector so dropped models release their arrays at once.

    >>> from ember import keras
    >>> keras.layers.Dense(1).name != keras.layers.Dense(1).name
    True
    >>> clear_session(); keras.layers.Dense(1).name
    'dense'
    """
    backend.clear_session(free_memory=free_memory)
