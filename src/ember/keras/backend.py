"""keras.backend: the few backend utilities Keras 3 still exports."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from .config import (epsilon, floatx, image_data_format, set_epsilon,  # noqa: F401
                     set_floatx, set_image_data_format)
from .dtype_names import is_float_dtype, is_int_dtype, standardize_dtype  # noqa: F401
from .models.keras_tensor import is_keras_tensor  # noqa: F401
from .utils.naming import reset_uids

_UIDS: dict[str, int] = defaultdict(int)


def backend() -> str:
    """Always ``"ember"``."""
    return "ember"


def get_uid(prefix: str = "") -> int:
    """1, 2, 3 ... on successive calls with the same ``prefix`` (until ``clear_session``).

    >>> clear_session(); get_uid("x"), get_uid("x"), get_uid("y")
    (1, 2, 1)
    """
    _UIDS[prefix] += 1
    return _UIDS[prefix]


def result_type(*dtypes: Any) -> str:
    """Keras's result dtype of mixed inputs (its promotion lattice; Python ``int`` and
    ``float`` are weak).

    >>> result_type("int32", "float16"), result_type(int, "int8")
    ('float16', 'int8')
    """
    from .ops._dtypes import result_type as _result_type
    if not dtypes:
        return floatx()
    return _result_type(*(d if d is int or d is float else standardize_dtype(d)
                          for d in dtypes))


def clear_session(free_memory: bool = True) -> None:
    """Reset layer-name counters (``dense``, ``dense_1`` ... start again) and ``get_uid``;
    with ``free_memory``, also collect garbage so dropped models' arrays are freed."""
    reset_uids()
    _UIDS.clear()
    if free_memory:
        import gc
        gc.collect()


def version() -> str:
    return "3.0.0-ember"
