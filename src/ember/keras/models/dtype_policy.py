"""Layer dtype policies (``keras.DTypePolicy``): variable dtype and compute dtype."""
from __future__ import annotations

from typing import Any

import ember

from .. import config


class DTypePolicy:
    """``"float32"``, ``"float64"``, or ``"mixed_float16"`` / ``"mixed_bfloat16"``
    (float32 variables, 16-bit compute).

    >>> p = DTypePolicy("mixed_float16")
    >>> p.variable_dtype, p.compute_dtype
    ('float32', 'float16')
    """

    def __init__(self, name: str | None = None):
        name = name or config.default_policy_name()
        if name.startswith("mixed_"):
            self.variable_dtype = "float32"
            self.compute_dtype = name[len("mixed_"):]
        else:
            self.variable_dtype = self.compute_dtype = name
        self.name = name
        # read on every eager layer call: whether inputs (and variables) are cast
        self._float_compute = _is_float(self.compute_dtype)
        self._mixed = self.compute_dtype != self.variable_dtype and self._float_compute

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, cfg: dict) -> "DTypePolicy":
        return cls(**cfg)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self.name}">'


def _is_float(name: str) -> bool:
    try:
        return ember.as_dtype(name).is_floating
    except (TypeError, ValueError):
        return False


def get(identifier: Any) -> DTypePolicy:
    """A policy from None, a name, a DTypePolicy, an ember dtype or a config dict."""
    if identifier is None:
        return DTypePolicy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        cfg = identifier.get("config", identifier)
        return DTypePolicy(cfg.get("name"))
    name = getattr(identifier, "name", identifier)
    return DTypePolicy(str(name))


def serialize(policy: DTypePolicy) -> dict:
    return {"module": "keras", "class_name": "DTypePolicy",
            "config": {"name": policy.name}, "registered_name": None}
