"""keras.mixed_precision: the global dtype policy and loss scaling (Keras 3's legacy
namespace for ``keras.config.set_dtype_policy`` and friends).

>>> from ember import keras
>>> keras.mixed_precision.set_global_policy("mixed_float16")
>>> p = keras.mixed_precision.global_policy()
>>> p.name, p.compute_dtype, p.variable_dtype
('mixed_float16', 'float16', 'float32')
>>> keras.mixed_precision.set_global_policy(None)      # back to floatx()
>>> keras.mixed_precision.global_policy().name
'float32'
"""
from __future__ import annotations

from . import config
from .models.dtype_policy import DTypePolicy
from .optimizers.loss_scale_optimizer import LossScaleOptimizer

Policy = DTypePolicy

_global_policy: DTypePolicy | None = None


def set_dtype_policy(policy: DTypePolicy | str | None) -> None:
    """Make ``policy`` (a ``DTypePolicy`` or its name, such as ``"mixed_float16"``) the
    policy of layers created without a ``dtype``; None goes back to ``floatx()``."""
    global _global_policy
    if policy is None or isinstance(policy, DTypePolicy):
        _global_policy = policy
        return
    if not isinstance(policy, str):     # Keras raises ValueError here
        raise ValueError(  # noqa: TRY004
            "Invalid `policy` argument. Expected the string name of a policy (such as "
            "'mixed_float16') or a `DTypePolicy` instance. Received: "
            f"policy={policy!r} (of type {type(policy)})")
    _global_policy = DTypePolicy(policy)


def dtype_policy() -> DTypePolicy:
    """The global dtype policy: the one set last, else the one of ``floatx()``."""
    return _global_policy if _global_policy is not None else DTypePolicy(config.floatx())


set_global_policy = set_dtype_policy
global_policy = dtype_policy

__all__ = ["DTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy", "global_policy",
           "set_dtype_policy", "set_global_policy"]
