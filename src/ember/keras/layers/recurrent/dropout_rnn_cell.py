"""The dropout masks of a recurrent cell: drawn once per sequence, reused at every step."""
from __future__ import annotations

from typing import Any

import ember
from ember.ops.random import stateless_keep_mask


class DropoutRNNCell:
    """Mixin for cells with ``dropout`` / ``recurrent_dropout`` rates and a
    ``seed_generator`` (a ``SeedGenerator``).

    The RNN layer asks for the masks before its time loop and clears them after it, so
    one sequence sees one mask, as in Keras. Cells whose ``dropout_mask_count`` is set
    (Keras's ``implementation=1``: one mask per gate) get a list of masks. A mask holds
    0 where a unit is dropped and ``1 / (1 - rate)`` elsewhere.

    >>> from ember import keras
    >>> cell = keras.layers.SimpleRNNCell(3, dropout=0.5, seed=1)
    >>> mask = cell.get_dropout_mask(ember.ones((2, 4)))
    >>> sorted(set(mask.numpy().ravel().tolist())) <= [0.0, 2.0]
    True
    """

    def _create_dropout_mask(self, step_input: Any, rate: float) -> Any:
        shape = tuple(step_input.shape)
        dtype = step_input.dtype

        def one():
            if rate >= 1.0:
                return ember.zeros(shape, dtype=dtype)
            keep = stateless_keep_mask(shape, self.seed_generator.next(), rate, dtype)
            return keep * (1.0 / (1.0 - rate))

        count = getattr(self, "dropout_mask_count", None)
        return one() if count is None else [one() for _ in range(count)]

    def get_dropout_mask(self, step_input: Any) -> Any:
        """The (cached) mask for the inputs of a step, or None when ``dropout`` is 0."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input: Any) -> Any:
        """The (cached) mask for the recurrent state, or None when ``recurrent_dropout``
        is 0."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and \
                self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(
                step_input, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self) -> None:
        """Forget the input mask (the RNN layer calls this after each sequence)."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None


def masks_for_sequence(cell: Any, step_input: Any, state: Any, training: bool) -> tuple:
    """``(input_masks, recurrent_masks)`` a fused loop applies, each None, one mask or a
    list of one mask per gate; None for both outside training, as cells do per step."""
    if not training:
        return None, None
    dp = cell.get_dropout_mask(step_input) if 0.0 < cell.dropout < 1.0 else None
    rdp = cell.get_recurrent_dropout_mask(state) if 0.0 < cell.recurrent_dropout < 1.0 \
        else None
    return dp, rdp
