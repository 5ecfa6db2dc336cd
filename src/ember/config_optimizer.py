"""``ember.config.optimizer``: TensorFlow's ``tf.config.optimizer`` JIT switch.

In TensorFlow ``set_jit`` turns on XLA's fused kernels. In Ember it turns on the fused
kernels compiled with Numba (``pip install "ember[jit]"``; see ``ember.ops.kernels``),
which are on by default whenever Numba is installed: ``set_jit(False)`` keeps every op
on its NumPy path, for example to compare results or timings.
"""
from __future__ import annotations

from .ops import kernels


def set_jit(enabled: bool | str) -> None:
    """Switch the compiled kernels on (``True`` or ``"autoclustering"``) or off
    (``False`` or ``""``) for this process.

    >>> import ember
    >>> ember.config.optimizer.set_jit(False); ember.config.optimizer.get_jit()
    ''
    >>> ember.config.optimizer.set_jit(True)
    """
    if isinstance(enabled, str):
        if enabled not in ("", "autoclustering"):
            raise ValueError("ember.config.optimizer.set_jit: expected a bool, "
                             f"'autoclustering' or ''; got {enabled!r}")
        enabled = enabled == "autoclustering"
    elif not isinstance(enabled, bool):
        raise TypeError("ember.config.optimizer.set_jit: expected a bool, 'autoclustering' "
                        f"or ''; got {type(enabled).__name__}")
    kernels.set_enabled(enabled)


def get_jit() -> str:
    """``"autoclustering"`` when compiled kernels run (switched on and Numba installed),
    else ``""``, as TensorFlow reports it.

    >>> import ember
    >>> ember.config.optimizer.get_jit() in ("", "autoclustering")
    True
    """
    return "autoclustering" if kernels.enabled() else ""


__all__ = ["get_jit", "set_jit"]
