"""keras.backend: the few backend utilities Keras 3 still exports."""
from __future__ import annotations

from .config import epsilon, floatx, image_data_format, set_epsilon, set_floatx  # noqa: F401
from .utils.naming import reset_uids


def backend() -> str:
    """Always ``"ember"``."""
    return "ember"


def clear_session() -> None:
    """Reset layer-name counters (``dense``, ``dense_1`` ... start again)."""
    reset_uids()


def version() -> str:
    return "3.0.0-ember"
