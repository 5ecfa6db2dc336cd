"""Call keys with open dimensions: relaxing shapes for ``reduce_retracing`` and for
steps that leave the batch dimension open."""
from __future__ import annotations

from typing import Any


def relax_leading(key: Any) -> Any:
    """``key`` with the first dimension of every tensor shape left open (``None``)."""
    if isinstance(key, tuple):
        if len(key) == 3 and key[0] == "T":
            shape = key[1]
            return ("T", (None,) + tuple(shape[1:]), key[2]) if len(shape) else key
        return tuple(relax_leading(k) for k in key)
    return key


def relaxed_shapes(old: Any, new: Any, relaxed: list | None) -> list | None:
    """Per tensor argument, the shape with ``None`` where ``old`` and ``new`` (call
    keys) differ; None when they differ in more than sizes (structure, rank, dtype)."""
    a, b = [], []
    collect_shape_keys(old, a)
    collect_shape_keys(new, b)
    if len(a) != len(b) or strip_shapes(old) != strip_shapes(new):
        return None
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if len(x) != len(y):
            return None
        prev = relaxed[i] if relaxed is not None and i < len(relaxed) else x
        out.append(tuple(None if p is None or p != d else p for p, d in zip(prev, y)))
    return out


def strip_shapes(key: Any) -> Any:
    if isinstance(key, tuple):
        if len(key) == 3 and key[0] == "T":
            return ("T", len(key[1]), key[2])
        return tuple(strip_shapes(k) for k in key)
    return key


def relax_key(key: Any, relaxed: list) -> Any:
    """``key`` with each tensor shape that fits its relaxed shape replaced by it."""
    it = iter(relaxed)

    def walk(k):
        if isinstance(k, tuple):
            if len(k) == 3 and k[0] == "T":
                r = next(it, None)
                if r is not None and len(r) == len(k[1]) and all(
                        d is None or d == e for d, e in zip(r, k[1])):
                    return ("T", r, k[2])
                return k
            return tuple(walk(x) for x in k)
        return k

    return walk(key)


def collect_shape_keys(key: Any, out: list) -> None:
    """The shape keys of the tensor leaves of a call key, in order."""
    if isinstance(key, tuple):
        if len(key) == 3 and key[0] == "T":
            out.append(key[1])
            return
        for k in key:
            collect_shape_keys(k, out)
