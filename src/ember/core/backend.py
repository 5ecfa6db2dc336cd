"""Array backends: NumPy on the CPU, CuPy on the GPU.

Every op's forward is written once against an array module ``xp``; this module says which
module owns an array. CuPy is imported only when a GPU array is first asked for, so CPU-only
programs never pay for it.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np


class _NoCupy:  # stands in for cupy.ndarray until CuPy is loaded
    pass


cupy: ModuleType | None = None
cupy_ndarray: type = _NoCupy


def load_cupy() -> ModuleType:
    """Import CuPy (the ``ember[gpu]`` extra) and register its array type."""
    global cupy, cupy_ndarray
    if cupy is None:
        try:
            import cupy as _cp
        except ImportError as e:  # pragma: no cover - depends on the machine
            raise ImportError('GPU support needs CuPy: pip install "ember[gpu]"') from e
        cupy, cupy_ndarray = _cp, _cp.ndarray
    return cupy


def xp_of(array: Any) -> ModuleType:
    """The array module (numpy or cupy) that owns ``array``."""
    return cupy if type(array) is cupy_ndarray else np


def device_of(array: Any) -> str:
    """TensorFlow-style device string of an array."""
    if type(array) is cupy_ndarray:
        return f"/job:localhost/replica:0/task:0/device:GPU:{array.device.id}"
    return "/job:localhost/replica:0/task:0/device:CPU:0"


def to_host(array: Any) -> np.ndarray:
    """A NumPy copy of an array from any backend."""
    if type(array) is cupy_ndarray:
        return array.get()
    return np.asarray(array)
