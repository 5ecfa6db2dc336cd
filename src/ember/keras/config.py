"""Global Keras settings: float dtype, dtype policy, epsilon, image data format
(``keras.config``)."""
from __future__ import annotations

from typing import Any

_FLOATX = "float32"
_DTYPE_POLICY: str | None = None        # None: the policy named by floatx()
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def floatx() -> str:
    """The default float dtype of new weights (``"float32"``).

    >>> floatx()
    'float32'
    """
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float dtype (``"float16"``, ``"bfloat16"``, ``"float32"``, ``"float64"``)."""
    global _FLOATX
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(f"Unknown floatx type: {value!r}; expected float16, bfloat16, "
                         "float32 or float64")
    _FLOATX = str(value)


def set_dtype_policy(policy: Any) -> None:
    """Make ``policy`` (a ``DTypePolicy`` or a name such as ``"mixed_float16"``) the policy
    of layers created without a ``dtype``; None goes back to ``floatx()``.

    >>> set_dtype_policy("mixed_float16"); dtype_policy().compute_dtype
    'float16'
    >>> set_dtype_policy(None); dtype_policy().name
    'float32'
    """
    global _DTYPE_POLICY
    name = getattr(policy, "name", policy)
    if policy is not None and not isinstance(name, str):
        raise ValueError(  # Keras raises ValueError here
            "Invalid `policy` argument. Expected the string name of a policy (such as "
            "'mixed_float16') or a `DTypePolicy` instance. Received: "
            f"policy={policy!r} (of type {type(policy)})")
    _DTYPE_POLICY = name


def dtype_policy() -> Any:
    """The global ``DTypePolicy``: the one set last, else the one of ``floatx()``."""
    from .models.dtype_policy import DTypePolicy
    return DTypePolicy(default_policy_name())


def default_policy_name() -> str:
    """The name of the policy a layer created without a ``dtype`` gets."""
    return _DTYPE_POLICY or _FLOATX


def epsilon() -> float:
    """The fuzz factor used to avoid division by zero (1e-7)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """``"channels_last"`` (default) or ``"channels_first"``."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first'; "
                         f"got {data_format!r}")
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format: str | None) -> str:
    """``data_format`` or the global default, checked."""
    if data_format is None:
        return _IMAGE_DATA_FORMAT
    data_format = str(data_format).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first'; "
                         f"got {data_format!r}")
    return data_format


def backend() -> str:
    """The name of the backend: always ``"ember"``."""
    return "ember"


_UNSAFE_DESERIALIZATION = False


def enable_unsafe_deserialization() -> None:
    """Let ``load_model`` load files holding Python code (Lambda layers) without
    ``safe_mode=False``. Ember still never runs bytecode from a file: the functions must
    come from ``custom_objects`` or the registry.

    >>> enable_unsafe_deserialization()
    >>> is_unsafe_deserialization_enabled()
    True
    >>> disable_unsafe_deserialization()
    """
    global _UNSAFE_DESERIALIZATION
    _UNSAFE_DESERIALIZATION = True


def disable_unsafe_deserialization() -> None:
    """Undo ``enable_unsafe_deserialization`` (the default: safe mode on)."""
    global _UNSAFE_DESERIALIZATION
    _UNSAFE_DESERIALIZATION = False


def is_unsafe_deserialization_enabled() -> bool:
    """Whether ``enable_unsafe_deserialization`` is in effect."""
    return _UNSAFE_DESERIALIZATION
