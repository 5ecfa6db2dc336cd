"""Connectionist temporal classification ops of ``keras.ops.nn``: ``ctc_loss`` and
``ctc_decode`` (greedy and beam search).

``ctc_loss`` is written with Ember ops (the forward recursion, batched, one step per time
frame), so it is differentiable to any order. ``ctc_decode`` gives integer labels, with
no gradient; its beam search runs on the host through ``ember.numpy_function``.

>>> import numpy as np
>>> from ember.keras.ops import nn_ctc
>>> logits = np.log(np.array([[[0.1, 0.9], [0.9, 0.1]]], "float32"))
>>> paths, scores = nn_ctc.ctc_decode(logits, [2])
>>> paths.numpy().tolist()
[[[1, -1]]]
"""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from ._dispatch import keras_op
from ._dispatch import t as _t

__all__ = ["ctc_decode", "ctc_loss"]

# log(0) in the forward recursion: finite, so that impossible alignments give a large
# loss and finite gradients instead of inf and NaN (the value Keras's own recursion uses).
_LOG_ZERO = -1e5


def _logits(x: Any, op: str) -> ember.Tensor:
    x = _t(x)
    if x.ndim != 3:
        raise ValueError(f"keras.ops.{op}: expected logits of shape (batch_size, max_length, "
                         f"num_classes). Received shape {tuple(x.shape)}")
    dtype = "float64" if x.dtype.name == "float64" else "float32"
    return ember.cast(x, dtype)


def _lengths(v: Any, batch: int, what: str, op: str) -> ember.Tensor:
    v = ember.cast(_t(v), "int32")
    if tuple(v.shape) != (batch,):
        raise ValueError(f"keras.ops.{op}: `{what}` must have shape (batch_size,) = "
                         f"({batch},). Received: {what}.shape={tuple(v.shape)}")
    return v


def _class_index(index: Any, num_classes: int, op: str) -> int:
    if index is None:
        return num_classes - 1
    index = int(index)
    if not -num_classes <= index < num_classes:
        raise ValueError(f"keras.ops.{op}: mask_index {index} is out of range for "
                         f"{num_classes} classes")
    return index % num_classes


# =========================================================================================
# Loss
# =========================================================================================
@keras_op
def ctc_loss(target: Any, output: Any, target_length: Any, output_length: Any,
             mask_index: int = 0) -> ember.Tensor:
    """Per-example CTC loss ``-log p(target | output)``, shape ``(batch_size,)``.

    ``target`` is ``(batch_size, max_label_length)`` integer labels (entries past
    ``target_length`` ignored), ``output`` the ``(batch_size, max_length, num_classes)``
    logits (softmax is applied here), ``output_length`` how many frames of each example
    count, and ``mask_index`` the blank class. float32 unless ``output`` is float64.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_ctc
    >>> logits = np.zeros((1, 2, 3), "float32")   # uniform over 3 classes, 2 frames
    >>> round(float(nn_ctc.ctc_loss([[1]], logits, [1], [2])[0]), 4)   # 3 paths of 1/9
    1.0986
    """
    op = "ctc_loss"
    logits = _logits(output, op)
    labels = ember.cast(_t(target), "int32")
    b, steps, classes = logits.shape
    if labels.ndim != 2 or labels.shape[0] != b:
        raise ValueError(f"keras.ops.{op}: Arguments `target` and `output` must have the "
                         "same first dimension, and `target` must be (batch_size, "
                         f"max_label_length). Received shapes: `{tuple(labels.shape)}` and "
                         f"`{tuple(logits.shape)}`.")
    tlen = _lengths(target_length, b, "target_length", op)
    olen = _lengths(output_length, b, "output_length", op)
    blank = _class_index(mask_index, classes, op)
    n_labels = labels.shape[1]
    dtype = logits.dtype
    neg = ember.cast(_LOG_ZERO, dtype)

    logp = ember.nn.log_softmax(logits, axis=-1)                     # b, T, K
    # Entries past each target's length are padding, whatever their value.
    inside = ember.less(ember.expand_dims(ember.range(n_labels, dtype="int32"), 0),
                        ember.expand_dims(tlen, 1))
    labels = ember.where(inside, labels, ember.fill([b, n_labels],
                                                    ember.constant(blank, dtype="int32")))
    # The extended label sequence: blank, l1, blank, l2, ..., blank  (S = 2 L + 1 states).
    n_states = 2 * n_labels + 1
    blanks = ember.fill([b, n_labels], ember.constant(blank, dtype="int32"))
    ext = ember.reshape(ember.stack([blanks, labels], axis=2), [b, 2 * n_labels])
    ext = ember.concat([ext, blanks[:, :1]], axis=1)                   # b, S
    emit = ember.gather(logp, ext, axis=2, batch_dims=1)              # b, T, S
    # A label state may skip the blank before it unless it repeats the previous label.
    prev_label = ember.concat([ember.fill([b, 2], ember.constant(blank, dtype="int32")),
                               ext[:, :-2]], axis=1)
    odd = np.arange(n_states) % 2 == 1
    can_skip = ember.logical_and(ember.constant(odd[None, :] & (np.arange(n_states) >= 3)),
                                 ember.not_equal(ext, prev_label))
    skip_pad = ember.fill([b, n_states], neg)
    pad1 = ember.fill([b, 1], neg)
    pad2 = ember.fill([b, 2], neg)

    # alpha before the first frame: all mass in state 0 ("nothing emitted yet").
    alpha = ember.concat([ember.zeros([b, 1], dtype), ember.fill([b, n_states - 1], neg)], 1)
    for step in range(steps):
        stay = alpha
        advance = ember.concat([pad1, alpha[:, :-1]], axis=1)
        skip = ember.where(can_skip, ember.concat([pad2, alpha[:, :-2]], axis=1), skip_pad)
        new = ember.reduce_logsumexp(ember.stack([stay, advance, skip]), axis=0) + \
            emit[:, step]
        running = ember.expand_dims(ember.less(step, olen), 1)
        alpha = ember.where(ember.broadcast_to(running, [b, n_states]), new, alpha)

    last = ember.stack([2 * tlen, ember.maximum(2 * tlen - 1, 0)], axis=1)    # b, 2
    ends = ember.gather(alpha, last, axis=1, batch_dims=1)
    # The state before the last label counts only when there is a label.
    valid = ember.logical_or(ember.constant([[True, False]]),
                             ember.expand_dims(ember.greater(tlen, 0), 1))
    ends = ember.where(ember.broadcast_to(valid, [b, 2]), ends, ember.fill([b, 2], neg))
    return -ember.reduce_logsumexp(ends, axis=1)


# =========================================================================================
# Decoding
# =========================================================================================
def _greedy(logits: ember.Tensor, lengths: ember.Tensor, merge_repeated: bool, blank: int):
    b, steps, _ = logits.shape
    labels = ember.argmax(logits, axis=-1, output_type="int32")
    best = ember.reduce_max(logits, axis=-1)
    time = ember.expand_dims(ember.range(steps, dtype="int32"), 0)
    beyond = ember.greater_equal(time, ember.expand_dims(lengths, 1))    # b, T
    blank_t = ember.fill([b, steps], ember.constant(blank, dtype="int32"))
    labels = ember.where(beyond, blank_t, labels)
    best = ember.where(beyond, ember.zeros_like(best), best)
    if merge_repeated:
        same = ember.equal(labels[:, 1:], labels[:, :-1])
        same = ember.concat([ember.fill([b, 1], ember.constant(False)), same], axis=1)
        labels = ember.where(same, blank_t, labels)
    dropped = ember.equal(labels, blank_t)
    labels = ember.where(dropped, ember.fill([b, steps], ember.constant(-1, dtype="int32")),
                         labels)
    # Move the kept labels to the front, in order.
    order = ember.where(dropped, ember.fill([b, steps], ember.constant(steps, dtype="int32")),
                        ember.broadcast_to(time, [b, steps]))
    order = ember.argsort(order, axis=1, stable=True)
    labels = ember.gather(labels, order, axis=1, batch_dims=1)
    scores = -ember.reduce_sum(best, axis=1, keepdims=True)
    return ember.expand_dims(labels, 0), scores


def _group_rows(rows: np.ndarray) -> tuple:
    """Deduplicate each batch item's rows ``rows`` (B, N, L) of labels in [-1, K).

    Returns the unique rows in lexicographic order, padded with -1 rows to (B, N, L), and
    each row's group index (B, N). Rows are compared as bytes (label + 1, big-endian, after
    the big-endian batch index), which orders them as the integer sequences.
    """
    b, n, length = rows.shape
    flat = rows.reshape(b * n, length)
    code = np.uint8 if flat.max(initial=0) < 255 else np.dtype(">u2")
    labels = (flat + 1).astype(code).view(np.uint8).reshape(b * n, -1)
    batch = np.repeat(np.arange(b, dtype=">u4"), n).view(np.uint8).reshape(b * n, 4)
    keys = np.ascontiguousarray(np.concatenate([batch, labels], axis=1))
    keys = keys.view(np.dtype((np.void, keys.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    owner = first // n                                                  # batch of each group
    start = np.searchsorted(owner, np.arange(b))                       # each item's first group
    slot = np.arange(len(first)) - start[owner]
    out = np.full((b, n, length), -1, rows.dtype)
    out[owner, slot] = flat[first]
    local = inverse.reshape(-1) - np.repeat(start, n)
    return out, local.reshape(b, n)


def _merge(group: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """log-sum-exp of ``scores`` (B, N) within each group; -inf for unused group slots."""
    b, n = scores.shape
    top = scores.max(axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, np.zeros_like(top))
    total = np.zeros((b * n,), scores.dtype)
    flat = (group + np.arange(b)[:, None] * n).reshape(-1)
    np.add.at(total, flat, np.exp(scores - top).reshape(-1))
    with np.errstate(divide="ignore"):
        return np.log(total.reshape(b, n)) + top


def _beam_search_np(logits: np.ndarray, lengths: np.ndarray, beam_width: int,
                    top_paths: int, blank: int) -> tuple:
    """Prefix beam search over log-softmax scores, batched; the same search (and the same
    tie-breaking) as Keras's NumPy and JAX backends."""
    b, steps, k = logits.shape
    shifted = logits - logits.max(axis=-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    # Classes are searched in reverse order (Keras's convention for breaking ties).
    logp = logp[:, :, ::-1]
    blank = k - 1 - blank
    width = 2 * beam_width
    paths = np.full((b, width, steps), -1, np.int32)
    scores = np.full((b, width), -np.inf, logp.dtype)
    n0 = min(k, beam_width)
    first = np.argsort(logp[:, 0], axis=1)[:, -n0:]
    paths[:, :n0, 0] = np.where(first == blank, -1, first)
    scores[:, :n0] = np.take_along_axis(logp[:, 0], first, axis=1)
    masked = paths[:, :, 0] == -1

    classes = np.arange(k, dtype=np.int32)
    classes[blank] = -1
    classes = np.tile(classes, width)                                   # N = width * k
    n = width * k
    ends_blank = classes == -1
    for step in range(1, steps):
        running = step < lengths
        if not running.any():
            break
        used = min(step + 1, steps)              # paths hold at most ``step`` labels
        cand = np.repeat(paths[:, :, :used], k, axis=1)                 # b, N, used
        cand_scores = np.repeat(scores, k, axis=1) + np.tile(logp[:, step], (1, width))
        was_masked = np.repeat(masked, k, axis=1)
        tail = np.argmax(cand == -1, axis=2)                            # path lengths
        last = np.take_along_axis(cand, np.maximum(tail - 1, 0)[..., None], axis=2)[..., 0]
        last = np.where(tail == 0, -1, last)
        repeat = ~was_masked & (last == classes)
        write = np.where(repeat, -1, classes)
        bi, ni = np.meshgrid(np.arange(b), np.arange(n), indexing="ij")
        cand[bi, ni, tail] = write
        uniq, group = _group_rows(cand)
        emit = _merge(group, np.where(ends_blank, -np.inf, cand_scores))
        hold = _merge(group, np.where(ends_blank, cand_scores, -np.inf))
        total = np.logaddexp(emit, hold)
        keep = np.argsort(total, axis=1, kind="stable")[:, -beam_width:]
        kept = np.take_along_axis(uniq, keep[..., None], axis=1)
        kept = np.concatenate([kept, np.full((b, beam_width, steps - used), -1, np.int32)], 2)
        new_paths = np.concatenate([kept, kept], axis=1)
        new_scores = np.concatenate([np.take_along_axis(emit, keep, axis=1),
                                     np.take_along_axis(hold, keep, axis=1)], axis=1)
        new_masked = np.broadcast_to(np.arange(width) >= beam_width, (b, width))
        paths = np.where(running[:, None, None], new_paths, paths)
        scores = np.where(running[:, None], new_scores, scores)
        masked = np.where(running[:, None], new_masked, masked)

    uniq, group = _group_rows(paths)
    total = _merge(group, scores)
    best = np.argsort(total, axis=1)[:, -top_paths:][:, ::-1]
    out_paths = np.take_along_axis(uniq, best[..., None], axis=1)       # b, top, T
    out_scores = np.take_along_axis(total, best, axis=1)
    out_paths = np.where(out_paths == -1, -1, k - 1 - out_paths).astype(np.int32)
    return np.ascontiguousarray(out_paths.transpose(1, 0, 2)), out_scores


@keras_op
def ctc_decode(inputs: Any, sequence_lengths: Any, strategy: str = "greedy",
               beam_width: int = 100, top_paths: int = 1, merge_repeated: bool = True,
               mask_index: int = 0) -> tuple:
    """Decode CTC logits ``(batch_size, max_length, num_classes)``.

    Returns ``(paths, scores)``: ``paths`` int32 ``(top_paths, batch_size, max_length)``
    (``top_paths`` is 1 for ``"greedy"``) with labels first and -1 after, and ``scores``
    ``(batch_size, top_paths)``: for ``"greedy"`` minus the sum of each frame's best logit,
    for ``"beam_search"`` each path's log-probability. ``mask_index`` is the blank class
    (None: the last class); ``merge_repeated`` applies to greedy decoding.

    >>> import numpy as np
    >>> from ember.keras.ops import nn_ctc
    >>> logits = np.log(np.array([[[0.1, 0.9], [0.2, 0.8], [0.9, 0.1]]], "float32"))
    >>> nn_ctc.ctc_decode(logits, [3], strategy="beam_search", beam_width=4)[0].numpy().tolist()
    [[[1, -1, -1]]]
    """
    op = "ctc_decode"
    logits = _logits(inputs, op)
    b, _steps, classes = logits.shape
    lengths = _lengths(sequence_lengths, b, "sequence_lengths", op)
    blank = _class_index(mask_index, classes, op)
    if strategy == "greedy":
        return _greedy(logits, lengths, merge_repeated, blank)
    if strategy != "beam_search":
        raise ValueError(f"keras.ops.{op}: Invalid strategy {strategy}. Supported values are "
                         "'greedy' and 'beam_search'.")
    if int(beam_width) < 1 or int(top_paths) < 1 or int(top_paths) > 2 * int(beam_width):
        raise ValueError(f"keras.ops.{op}: beam_width must be >= 1 and top_paths between 1 "
                         f"and 2 * beam_width. Received: beam_width={beam_width}, "
                         f"top_paths={top_paths}")
    width, top = int(beam_width), int(top_paths)

    def search(x, lens):
        return _beam_search_np(np.asarray(x), np.asarray(lens), width, top, blank)

    paths, scores = ember.numpy_function(search, [logits, lengths],
                                         [ember.int32, logits.dtype], stateful=False)
    return paths, scores
