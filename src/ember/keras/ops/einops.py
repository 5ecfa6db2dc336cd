"""``keras.ops.rearrange``: einops-style axis regrouping (split, merge, reorder).

>>> from ember import keras
>>> keras.ops.rearrange(keras.ops.ones((2, 3, 4)), "b h w -> b (h w)").shape
TensorShape([2, 12])
"""
from __future__ import annotations

import math
import re
from typing import Any

import ember

from ._dispatch import keras_op
from ._dispatch import t as _t

__all__ = ["rearrange"]

_TOKEN = re.compile(r"\(|\)|[A-Za-z_][A-Za-z0-9_]*|\S")


def _groups(side: str, pattern: str) -> list[list[str]]:
    """``"b (h w) c"`` as ``[["b"], ["h", "w"], ["c"]]``."""
    groups: list[list[str]] = []
    inner: list[str] | None = None
    for tok in _TOKEN.findall(side):
        if tok == "(":
            if inner is not None:
                raise ValueError(f"keras.ops.rearrange: nested parentheses in {pattern!r}")
            inner = []
        elif tok == ")":
            if inner is None:
                raise ValueError(f"keras.ops.rearrange: unmatched ')' in {pattern!r}")
            groups.append(inner)
            inner = None
        elif tok[0].isalpha() or tok[0] == "_":
            if inner is None:
                groups.append([tok])
            else:
                inner.append(tok)
        else:
            raise ValueError(f"keras.ops.rearrange: unexpected {tok!r} in {pattern!r}; "
                             "axes are names, optionally grouped in parentheses")
    if inner is not None:
        raise ValueError(f"keras.ops.rearrange: unmatched '(' in {pattern!r}")
    return groups


def _sizes(groups: list, shape: tuple, lengths: dict, pattern: str) -> dict:
    """Every input axis name's length, from the shape and ``axes_lengths``."""
    sizes = dict(lengths)
    for group, dim in zip(groups, shape):
        unknown = [a for a in group if a not in sizes]
        known = math.prod(sizes[a] for a in group if a in sizes)
        if len(unknown) > 1:
            raise ValueError(f"keras.ops.rearrange: cannot split an axis of length {dim} "
                             f"into {group} in {pattern!r}: give the lengths of all but one "
                             "of them as keyword arguments")
        if unknown:
            if dim is None or known == 0 or dim % known:
                raise ValueError(f"keras.ops.rearrange: an axis of length {dim} cannot be "
                                 f"split into {group} with lengths {lengths}")
            sizes[unknown[0]] = dim // known
        elif dim is not None and known != dim:
            raise ValueError(f"keras.ops.rearrange: axis {group} has length {dim}, but the "
                             f"given lengths multiply to {known}")
    return sizes


@keras_op
def rearrange(tensor: Any, pattern: str, **axes_lengths: int) -> ember.Tensor:
    """Reshape and transpose ``tensor`` as an einops pattern says: names on the left are
    the input's axes (parentheses split one axis into several), names on the right the
    output's (parentheses merge axes).

    >>> from ember import keras
    >>> x = keras.ops.reshape(keras.ops.arange(6), (1, 2, 3))
    >>> keras.ops.rearrange(x, "b h w -> b w h").numpy().tolist()
    [[[0, 3], [1, 4], [2, 5]]]
    >>> keras.ops.rearrange(keras.ops.ones((6, 4)), "(a b) c -> a (b c)", a=2).shape
    TensorShape([2, 12])
    """
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"keras.ops.rearrange: pattern must be 'input axes -> output "
                         f"axes'; got {pattern!r}")
    x = _t(tensor)
    left, right = (_groups(side, pattern) for side in pattern.split("->"))
    if len(left) != x.ndim:
        raise ValueError(f"keras.ops.rearrange: the pattern {pattern!r} names {len(left)} "
                         f"input axes but the tensor has shape {tuple(x.shape)}")
    names_in = [a for g in left for a in g]
    names_out = [a for g in right for a in g]
    if sorted(names_in) != sorted(names_out) or len(set(names_in)) != len(names_in):
        raise ValueError(f"keras.ops.rearrange: both sides of {pattern!r} must name the "
                         "same axes, each once")
    sizes = _sizes(left, tuple(x.shape), axes_lengths, pattern)
    x = ember.reshape(x, [sizes[a] for a in names_in])
    order = [names_in.index(a) for a in names_out]
    if order != sorted(order):
        x = ember.transpose(x, order)
    return ember.reshape(x, [math.prod(sizes[a] for a in g) for g in right])
