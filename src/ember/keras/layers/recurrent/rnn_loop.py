"""The time loops under every recurrent layer.

``rnn_loop`` calls a step function once per timestep (any cell); ``fused_outputs`` turns
the state sequence of a fused recurrence (``ember.ops.rnn_cells``) into the same outputs.
Both follow ``keras.backend.rnn``: a masked step keeps the previous states, and its
output is the previous step's output (zeros before the first unmasked step), or zeros
with ``zero_output_for_mask``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ember


def map_states(fn: Callable, states: Any) -> Any:
    """Apply ``fn`` to every tensor of a (possibly nested) list of states."""
    if isinstance(states, (list, tuple)):
        return type(states)(map_states(fn, s) for s in states)
    return fn(states)


def _expand(mask: Any, like: Any) -> Any:
    """A ``(batch,)`` mask reshaped to broadcast against ``like``."""
    return ember.reshape(mask, (-1,) + (1,) * (like.ndim - 1))


def rnn_loop(step: Callable, sequences: Any, initial_states: list, go_backwards: bool = False,
             mask: Any = None, zero_output_for_mask: bool = False,
             return_all_outputs: bool = True) -> tuple:
    """Iterate ``step(input_t, states) -> (output_t, new_states)`` over axis 1 of
    ``sequences``; returns ``(last_output, outputs, final_states)`` where ``outputs`` is
    ``(batch, time, ...)`` (or ``(batch, 1, ...)`` without ``return_all_outputs``).

    >>> import ember
    >>> def step(x, states):
    ...     h = states[0] + x
    ...     return h, [h]
    >>> last, outs, states = rnn_loop(step, ember.ones((2, 3, 1)), [ember.zeros((2, 1))])
    >>> last.numpy().ravel().tolist(), outs.shape
    ([3.0, 3.0], TensorShape([2, 3, 1]))
    """
    steps = ember.unstack(sequences, axis=1)
    if not steps:
        raise ValueError("A recurrent layer needs at least one timestep; got inputs of "
                         f"shape {tuple(sequences.shape)}")
    masks = None
    if mask is not None:
        if mask.dtype != ember.bool:
            mask = ember.cast(mask, "bool")
        masks = ember.unstack(mask, axis=1)
    if go_backwards:
        steps = steps[::-1]
        masks = None if masks is None else masks[::-1]
    states = tuple(initial_states)
    outputs = []
    prev = None
    output = None
    for t, x in enumerate(steps):
        output, new_states = step(x, states)
        if masks is not None:
            m = masks[t]
            if prev is None or zero_output_for_mask:
                prev = ember.zeros_like(output)
            output = ember.where(_expand(m, output), output, prev)
            flat_new = ember.nest.flatten(new_states)
            flat_old = ember.nest.flatten(states)
            kept = [ember.where(_expand(m, n), n, o) for n, o in zip(flat_new, flat_old)]
            new_states = ember.nest.pack_sequence_as(new_states, kept)
            prev = output
        states = tuple(new_states) if isinstance(new_states, (list, tuple)) else \
            (new_states,)
        if return_all_outputs:
            outputs.append(output)
    stacked = ember.stack(outputs, axis=1) if return_all_outputs else \
        ember.expand_dims(output, 1)
    return output, stacked, list(states)


def time_major(sequences: Any, mask: Any, go_backwards: bool) -> tuple:
    """``(inputs (time, batch, ...), mask (time, batch, 1) bool or None)`` in processing
    order (reversed for ``go_backwards``)."""
    perm = (1, 0) + tuple(range(2, sequences.ndim))
    xs = ember.transpose(sequences, perm)
    if go_backwards:
        xs = ember.reverse(xs, [0])
    if mask is not None:
        if mask.dtype != ember.bool:
            mask = ember.cast(mask, "bool")
        mask = ember.expand_dims(ember.transpose(mask), -1)
        if go_backwards:
            mask = ember.reverse(mask, [0])
    return xs, mask


def fused_outputs(hs: Any, mask: Any, zero_output_for_mask: bool,
                  return_all_outputs: bool) -> tuple:
    """``(last_output, outputs (batch, time, units))`` from the state sequence ``hs``
    (time-major; masked steps already carry the previous state)."""
    if not return_all_outputs:
        last = hs[-1]
        if mask is not None:
            # zeros where the last step is masked, or where no step was unmasked yet
            keep = mask[-1] if zero_output_for_mask else ember.reduce_any(mask, axis=0)
            last = last * ember.cast(keep, hs.dtype)
        return last, ember.expand_dims(last, 1)
    if mask is not None:
        m = ember.cast(mask, hs.dtype)
        if not zero_output_for_mask:
            # before the first unmasked step the output is zeros, not the initial state
            m = ember.cast(ember.cumsum(m, axis=0) > 0, hs.dtype)
        hs = hs * m
    return hs[-1], ember.transpose(hs, (1, 0, 2))


def input_projection(xs: Any, kernel: Any, bias: Any, dropout_mask: Any, gates: int) -> Any:
    """``x_t @ kernel + bias`` for every step of time-major ``xs`` in one matmul; with
    dropout, ``x_t * mask`` (one mask, or one per gate block of ``kernel``)."""
    T, B, F = xs.shape

    def project(x, k):
        return ember.reshape(ember.matmul(ember.reshape(x, (T * B, F)), k), (T, B, -1))

    def project_aug(x, k):
        return ember.reshape(ember.matmul(ember.reshape(x, (T * B, F + 1)), k), (T, B, -1))

    if dropout_mask is None and bias is not None:
        # the bias as one more input row (a column of ones): no separate add, and its
        # gradient comes out of the kernel gradient's matmul
        ones = ember.ones((T, B, 1), dtype=xs.dtype)
        return project_aug(ember.concat([xs, ones], axis=-1),
                           ember.concat([kernel, ember.expand_dims(bias, 0)], axis=0))
    if dropout_mask is None:
        z = project(xs, kernel)
    elif isinstance(dropout_mask, (list, tuple)):
        blocks = ember.split(kernel, gates, axis=1)
        z = ember.concat([project(xs * m, k) for m, k in zip(dropout_mask, blocks)], axis=-1)
    else:
        z = project(xs * dropout_mask, kernel)
    if bias is not None:
        z = z + bias
    return z


def recurrent_mask(rdp: Any, gates: int) -> Any:
    """Recurrent dropout masks as one ``(gates, batch, units)`` tensor (or None)."""
    if rdp is None:
        return None
    if isinstance(rdp, (list, tuple)):
        return ember.stack(list(rdp))
    return ember.stack([rdp] * gates)


def cell_property(name: str) -> property:
    """A read-only layer attribute forwarded to its cell (``LSTM.units`` ...)."""
    return property(lambda self: getattr(self.cell, name),
                    doc=f"The cell's ``{name}``.")
