"""Attention masks: causal and sliding-window bands, and Keras's way of merging the
inputs' masks with an explicit ``attention_mask`` (True = may attend)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

import ember


@lru_cache(maxsize=64)
def _band(query_length: int, value_length: int, lower: int | None,
          window: int | None) -> np.ndarray:
    rows = np.arange(query_length)[:, None]
    cols = np.arange(value_length)[None, :]
    keep = np.ones((query_length, value_length), dtype=bool)
    if lower is not None:
        keep &= rows >= cols
    if window is not None:
        keep &= np.abs(rows - cols) < window
    keep = keep[None]
    keep.setflags(write=False)
    return keep


def causal_mask(query_length: int, value_length: int) -> ember.Tensor:
    """``(1, T, S)`` booleans: query position ``i`` may attend to key positions ``<= i``.

    >>> causal_mask(2, 3).numpy().astype(int).tolist()
    [[[1, 0, 0], [1, 1, 0]]]
    """
    return ember.constant(_band(int(query_length), int(value_length), 0, None))


def sliding_window_mask(query_length: int, value_length: int,
                        window: int) -> ember.Tensor:
    """``(1, T, S)`` booleans: position ``i`` may attend to keys with ``|i - j| < window``.

    >>> sliding_window_mask(3, 3, 2).numpy().astype(int).tolist()
    [[[1, 1, 0], [1, 1, 1], [0, 1, 1]]]
    """
    return ember.constant(_band(int(query_length), int(value_length), None, int(window)))


def as_bool(mask: Any) -> ember.Tensor:
    """A mask as a boolean tensor (non-zero means keep)."""
    if not isinstance(mask, ember.Tensor):
        mask = ember.convert_to_tensor(mask)
    return mask if mask.dtype == ember.bool else ember.cast(mask, "bool")


def merge_attention_masks(query_length: int, value_length: int, query_mask: Any = None,
                          value_mask: Any = None, key_mask: Any = None,
                          attention_mask: Any = None, use_causal_mask: bool = False,
                          sliding_window: int | None = None) -> ember.Tensor | None:
    """The ``(B, T, S)`` mask (or one that broadcasts to it) Keras's multi-head layers
    attend with: the query's ``(B, T)`` mask as ``(B, T, 1)``, the value's and key's
    ``(B, S)`` masks as ``(B, 1, S)``, the causal and sliding-window bands as ``(1, T, S)``
    and ``attention_mask``, all AND-ed; ``None`` when there is nothing to mask.

    >>> merge_attention_masks(2, 2, value_mask=[[True, False]]).numpy().tolist()
    [[[True, False]]]
    """
    parts = []
    if query_mask is not None:
        parts.append(ember.expand_dims(as_bool(query_mask), -1))
    if value_mask is not None:
        parts.append(ember.expand_dims(as_bool(value_mask), -2))
    if key_mask is not None:
        parts.append(ember.expand_dims(as_bool(key_mask), -2))
    if use_causal_mask or sliding_window is not None:
        parts.append(ember.constant(_band(int(query_length), int(value_length),
                                          0 if use_causal_mask else None,
                                          None if sliding_window is None
                                          else int(sliding_window))))
    if attention_mask is not None:
        parts.append(as_bool(attention_mask))
    if not parts:
        return None
    merged = parts[0]
    for part in parts[1:]:
        merged = ember.logical_and(merged, part)
    return merged
