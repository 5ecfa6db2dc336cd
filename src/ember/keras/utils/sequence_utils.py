"""keras.utils.pad_sequences: lists of sequences as one padded NumPy array."""
from __future__ import annotations

from typing import Any

import numpy as np


def pad_sequences(sequences: Any, maxlen: int | None = None, dtype: Any = "int32",
                  padding: str = "pre", truncating: str = "pre",
                  value: Any = 0.0) -> np.ndarray:
    """Pad (and cut) sequences to one length: an array ``(len(sequences), maxlen, ...)``.

    ``padding``/``truncating`` say at which end values are added/dropped ("pre" or
    "post"); ``maxlen`` defaults to the longest sequence. Each step may itself be an
    array (all of one shape). Strings need ``dtype=object`` (or a NumPy string dtype).

    >>> pad_sequences([[1, 2], [3], [4, 5, 6]])
    array([[0, 1, 2],
           [0, 0, 3],
           [4, 5, 6]], dtype=int32)
    >>> pad_sequences([[1, 2, 3]], maxlen=2, padding="post", truncating="post")
    array([[1, 2]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("pad_sequences: `sequences` must be a list (or array) of "
                         f"sequences; got {type(sequences).__name__}")
    if padding not in ("pre", "post"):
        raise ValueError(f'pad_sequences: padding type "{padding}" not understood; use '
                         '"pre" or "post"')
    if truncating not in ("pre", "post"):
        raise ValueError(f'pad_sequences: truncating type "{truncating}" not understood; '
                         'use "pre" or "post"')
    lengths, step_shape = [], None
    for i, seq in enumerate(sequences):
        try:
            n = len(seq)
        except TypeError:
            raise ValueError("pad_sequences: `sequences` must be a list of iterables; "
                             f"item {i} is {seq!r}") from None
        lengths.append(n)
        if step_shape is None and n:
            step_shape = np.asarray(seq).shape[1:]
    step_shape = step_shape or ()
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    maxlen = int(maxlen)
    if maxlen < 0:
        raise ValueError(f"pad_sequences: maxlen must be >= 0; got {maxlen}")
    textual = np.dtype(dtype).kind in "SU"
    if isinstance(value, str) and np.dtype(dtype) != object and not textual:
        raise ValueError(f"pad_sequences: `dtype` {dtype} cannot hold the string padding "
                         f"value {value!r}; pass dtype=object for strings.")
    out = np.full((len(lengths), maxlen) + tuple(step_shape), value, dtype=dtype)
    for i, seq in enumerate(sequences):
        if not lengths[i] or not maxlen:
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != tuple(step_shape):
            raise ValueError(f"pad_sequences: the steps of sequence {i} have shape "
                             f"{kept.shape[1:]}, but earlier ones have shape "
                             f"{tuple(step_shape)}")
        if padding == "post":
            out[i, :len(kept)] = kept
        else:
            out[i, maxlen - len(kept):] = kept
    return out
