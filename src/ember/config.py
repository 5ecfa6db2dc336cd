"""`ember.config`: process-wide settings (TensorFlow's ``tf.config`` subset)."""
from __future__ import annotations

from typing import NamedTuple

from . import config_experimental as experimental
from . import config_optimizer as optimizer
from . import config_threading as threading
from .graph.context import functions_run_eagerly, run_functions_eagerly


class PhysicalDevice(NamedTuple):
    """A device Ember can run on (``name`` like ``/physical_device:GPU:0``)."""

    name: str
    device_type: str


def list_physical_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """The CPU, plus each GPU CuPy can see (none when CuPy is not installed).

    >>> import ember
    >>> ember.config.list_physical_devices("CPU")[0].device_type
    'CPU'
    """
    devices = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    try:
        from .core.backend import load_cupy
        count = load_cupy().cuda.runtime.getDeviceCount()
    except Exception:  # noqa: BLE001 - no CuPy, no driver, no device: CPU only
        count = 0
    devices += [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(count)]
    if device_type is None:
        return devices
    return [d for d in devices if d.device_type == device_type.upper()]


class LogicalDevice(NamedTuple):
    """A device ops can be placed on (``name`` like ``/device:GPU:0``)."""

    name: str
    device_type: str


def list_logical_devices(device_type: str | None = None) -> list[LogicalDevice]:
    """One logical device per physical device (Ember does not split devices).

    >>> import ember
    >>> ember.config.list_logical_devices("CPU")
    [LogicalDevice(name='/device:CPU:0', device_type='CPU')]
    """
    return [LogicalDevice(d.name.replace("/physical_device:", "/device:"), d.device_type)
            for d in list_physical_devices(device_type)]


_SOFT_PLACEMENT = {"enabled": True}


def set_soft_device_placement(enabled: bool) -> None:
    """Record TF's soft-placement switch: Ember runs every op on its inputs' device, so
    there is never an op without a kernel to move.

    >>> set_soft_device_placement(True); get_soft_device_placement()
    True
    """
    _SOFT_PLACEMENT["enabled"] = bool(enabled)


def get_soft_device_placement() -> bool:
    """What ``set_soft_device_placement`` recorded (True by default, as in TF)."""
    return _SOFT_PLACEMENT["enabled"]


__all__ = [
    "LogicalDevice",
    "PhysicalDevice",
    "experimental",
    "functions_run_eagerly",
    "get_soft_device_placement",
    "list_logical_devices",
    "list_physical_devices",
    "optimizer",
    "run_functions_eagerly",
    "set_soft_device_placement",
    "threading",
]
