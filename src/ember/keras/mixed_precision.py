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
set_dtype_policy = set_global_policy = config.set_dtype_policy
dtype_policy = global_policy = config.dtype_policy

__all__ = ["DTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy", "global_policy",
           "set_dtype_policy", "set_global_policy"]
