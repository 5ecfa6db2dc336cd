"""Fused native kernels, compiled with Numba when it is installed (``ember[jit]``).

NumPy runs an elementwise chain as one pass per op, each through memory; a loop compiled
by Numba computes the whole chain per element in registers, which is what TensorFlow's
XLA and PyTorch's fused kernels do. The kernels here cover the hot elementwise chains of
Ember's fused ops (the LSTM cell step and its gradient, layer normalization and its
gradient, the Adam update); every op keeps its NumPy path, which runs when Numba is
missing, for float64 (where gradients are checked) and on GPU.

``ember.config.optimizer.set_jit(False)`` switches the kernels off for the process.
Numba is imported only when a kernel is first needed, so ``import ember`` stays fast.
"""
from __future__ import annotations

import warnings
from types import ModuleType
from typing import Any

import numpy as np

_STATE: dict[str, Any] = {"enabled": True, "modules": {}, "numba": None}


def set_enabled(enabled: bool) -> None:
    """Use the compiled kernels where they apply (the default when Numba is installed)."""
    _STATE["enabled"] = bool(enabled)


def enabled() -> bool:
    """Whether kernels are switched on and Numba can be imported."""
    return _STATE["enabled"] and _numba_available()


def _numba_available() -> bool:
    if _STATE["numba"] is None:
        try:
            import numba  # noqa: F401
            _STATE["numba"] = True
        except ImportError:
            _STATE["numba"] = False
        except Exception as e:  # noqa: BLE001 - a broken install must not break Ember
            warnings.warn(f"ember: Numba is installed but failed to import ({e}); the "
                          f"compiled kernels are off", RuntimeWarning, stacklevel=3)
            _STATE["numba"] = False
    return _STATE["numba"]


def kernels_for(name: str, *arrays: Any) -> ModuleType | None:
    """The kernel module ``ember.ops.kernels.<name>`` when the kernels apply to
    ``arrays`` (NumPy float32, kernels switched on, Numba importable), else None.

    >>> from ember.ops import kernels
    >>> kernels.kernels_for("lstm", np.zeros(3)) is None   # float64: the NumPy path
    True
    """
    for a in arrays:
        if type(a) is not np.ndarray or a.dtype != np.float32:
            return None
    if not enabled():
        return None
    module = _STATE["modules"].get(name)
    if module is None:
        import importlib
        module = importlib.import_module(f"{__name__}.{name}")
        _STATE["modules"][name] = module
    return module
