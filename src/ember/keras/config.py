"""Global Keras settings: float dtype, dtype policy, epsilon, image data format
(``keras.config``)."""
from __future__ import annotations

import os
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
        raise ValueError("The `data_format` argument must be one of {'channels_first', "
                         f"'channels_last'}}. Received: data_format={data_format}")
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format: str | None) -> str:
    """``data_format`` or the global default, checked."""
    if data_format is None:
        return _IMAGE_DATA_FORMAT
    data_format = str(data_format).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', "
                         f"'channels_last'}}. Received: data_format={data_format}")
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


# -- debugging caps on training runs (also set by KERAS_MAX_EPOCHS and
# KERAS_MAX_STEPS_PER_EPOCH in the environment, as Keras reads them)
_MAX_EPOCHS: int | None = int(os.environ["KERAS_MAX_EPOCHS"]) \
    if os.environ.get("KERAS_MAX_EPOCHS") else None
_MAX_STEPS_PER_EPOCH: int | None = int(os.environ["KERAS_MAX_STEPS_PER_EPOCH"]) \
    if os.environ.get("KERAS_MAX_STEPS_PER_EPOCH") else None


def set_max_epochs(max_epochs: int | None) -> None:
    """Cap the epochs of every ``fit`` call at ``max_epochs`` (None: no cap), to run a
    script quickly while debugging; ``fit`` warns when it cuts a run short.

    >>> set_max_epochs(2); max_epochs()
    2
    >>> set_max_epochs(None)
    """
    global _MAX_EPOCHS
    _MAX_EPOCHS = None if max_epochs is None else int(max_epochs)


def max_epochs() -> int | None:
    """The cap ``set_max_epochs`` set (or ``KERAS_MAX_EPOCHS``), None when there is none."""
    return _MAX_EPOCHS


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Cap the steps of each epoch of ``fit``, ``evaluate`` and ``predict`` (None: no cap).

    >>> set_max_steps_per_epoch(3); max_steps_per_epoch()
    3
    >>> set_max_steps_per_epoch(None)
    """
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = None if max_steps_per_epoch is None else int(max_steps_per_epoch)


def max_steps_per_epoch() -> int | None:
    """The cap ``set_max_steps_per_epoch`` set (or ``KERAS_MAX_STEPS_PER_EPOCH``)."""
    return _MAX_STEPS_PER_EPOCH


def enable_interactive_logging() -> None:
    """Progress bars and messages to stdout (the default)."""
    from . import interactive_logging
    interactive_logging.enable_interactive_logging()


def disable_interactive_logging() -> None:
    """Progress bars and messages to the ``"ember.keras"`` logger (INFO) instead."""
    from . import interactive_logging
    interactive_logging.disable_interactive_logging()


def is_interactive_logging_enabled() -> bool:
    """Whether progress bars and messages go to stdout."""
    from . import interactive_logging
    return interactive_logging.is_interactive_logging_enabled()
