"""``ember.config.experimental``: the everyday ``tf.config.experimental`` calls scripts
make at start-up. Ember's ops are deterministic and its GPU memory (CuPy's pool) grows on
demand, so these settings ask for what Ember already does; they are checked and
recorded as TensorFlow checks them."""
from __future__ import annotations

from typing import Any

_MEMORY_GROWTH: dict[str, bool] = {}
_STATE = {"determinism": False}


def _device_name(device: Any) -> tuple[str, str]:
    name = getattr(device, "name", None)
    kind = getattr(device, "device_type", None)
    if name is None or kind is None:
        raise ValueError(f"Expected a PhysicalDevice from ember.config.list_physical_devices; "
                         f"got {device!r}")
    return name, kind


def set_memory_growth(device: Any, enable: bool) -> None:
    """Let ``device`` (a GPU from ``list_physical_devices("GPU")``) take memory as it
    needs it; Ember's CuPy memory pool always does, whatever ``enable`` says.

    >>> import ember
    >>> for gpu in ember.config.list_physical_devices("GPU"):
    ...     ember.config.experimental.set_memory_growth(gpu, True)
    """
    name, kind = _device_name(device)
    if kind != "GPU":
        raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")
    _MEMORY_GROWTH[name] = bool(enable)


def get_memory_growth(device: Any) -> bool:
    """What ``set_memory_growth`` recorded for a GPU (False until set)."""
    name, kind = _device_name(device)
    if kind != "GPU":
        raise KeyError(device)
    return _MEMORY_GROWTH.get(name, False)


def enable_op_determinism() -> None:
    """Ask for ops that give the same results run to run: Ember's always do (NumPy and
    CuPy kernels without atomics; seeded random ops repeat).

    >>> import ember
    >>> ember.config.experimental.enable_op_determinism()
    """
    _STATE["determinism"] = True


def list_physical_devices(device_type: str | None = None) -> list:
    """``ember.config.list_physical_devices`` under its older name."""
    from .config import list_physical_devices as listing
    return listing(device_type)


def list_logical_devices(device_type: str | None = None) -> list:
    """``ember.config.list_logical_devices`` under its older name."""
    from .config import list_logical_devices as listing
    return listing(device_type)
