"""Global Keras settings: float dtype, epsilon, image data format (``keras.config``)."""
from __future__ import annotations

_FLOATX = "float32"
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
