"""``ember.debugging.check_numerics``: stop at the first NaN or Inf, with its message."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from ..ops.creation import convert_to_tensor
from .value_asserts import run_check


def check_numerics(tensor: Any, message: str, name: str | None = None) -> Any:
    """``tensor`` itself, after checking it holds no NaN or Inf (raising
    ``InvalidArgumentError("<message> : Tensor had NaN values")`` if it does); inside a
    traced function it is checked on every call. Gradients pass through unchanged.

    >>> import ember
    >>> ember.debugging.check_numerics(ember.constant([1.0, 2.0]), "x").numpy()
    array([1., 2.], dtype=float32)
    """
    tensor = convert_to_tensor(tensor)
    if not (tensor.dtype.is_floating or tensor.dtype.is_complex):
        raise TypeError(f"ember.debugging.check_numerics: needs a float tensor (bfloat16, "
                        f"float16, float32, float64); got {tensor.dtype.name} of shape "
                        f"{tuple(tensor.shape)}")

    def check(a: np.ndarray) -> None:
        if np.isnan(a).any():
            raise InvalidArgumentError(f"{message} : Tensor had NaN values")
        if np.isinf(a).any():
            raise InvalidArgumentError(f"{message} : Tensor had Inf values")
    run_check(check, [tensor], "check_numerics")
    return tensor


def assert_all_finite(t: Any, msg: str, name: str | None = None) -> Any:
    """``check_numerics`` under its other TensorFlow name.

    >>> import ember
    >>> float(ember.debugging.assert_all_finite(ember.constant(1.0), "t"))
    1.0
    """
    return check_numerics(t, msg, name=name)
