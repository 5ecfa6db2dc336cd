"""Unique, Keras-style object names: ``dense``, ``dense_1``, ``dense_2`` ..."""
from __future__ import annotations

import re
from collections import defaultdict

_counts: dict[str, int] = defaultdict(int)


def to_snake_case(name: str) -> str:
    """``"BatchNormalization"`` -> ``"batch_normalization"``.

    >>> to_snake_case("Conv2DTranspose")
    'conv2d_transpose'
    """
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return s.lstrip("_") or "layer"


def uniquify(base: str) -> str:
    """``base`` the first time, then ``base_1``, ``base_2`` ..."""
    n = _counts[base]
    _counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def reset_uids() -> None:
    """Forget issued names (``keras.backend.clear_session``)."""
    _counts.clear()
