"""CTC (connectionist temporal classification) and Circle (metric learning) losses."""
from __future__ import annotations

from typing import Any

import ember

from .loss import Loss, LossFunctionWrapper, set_mask, to_float_tensor, to_tensor


def ctc(y_true: Any, y_pred: Any) -> ember.Tensor:
    """Per-example CTC loss of integer label sequences ``y_true`` (batch, max_length),
    0 being the blank and padding, against logits ``y_pred`` (batch, frames, classes);
    every frame of every example counts.

    >>> import numpy as np
    >>> round(float(ctc(np.array([[1]]), np.zeros((1, 2, 3), "float32"))[0]), 4)
    1.0986
    """
    from .. import ops as kops  # keras.ops is built after the losses
    y_true = to_tensor(y_true)
    y_pred = to_float_tensor(y_pred)
    if len(y_true.shape) != 2:
        raise ValueError("keras.losses.ctc: targets `y_true` are expected to be a tensor of "
                         "shape `(batch_size, max_length)` in integer format. Received: "
                         f"y_true.shape={tuple(y_true.shape)}")
    if len(y_pred.shape) != 3:
        raise ValueError("keras.losses.ctc: logits `y_pred` are expected to be a tensor of "
                         "shape `(batch_size, max_length, num_classes)`. Received: "
                         f"y_pred.shape={tuple(y_pred.shape)}")
    batch, frames = y_pred.shape[0], y_pred.shape[1]
    input_length = ember.fill((batch,), ember.constant(frames, "int32"))
    label_length = ember.cast(ember.reduce_sum(ember.cast(ember.not_equal(
        y_true, ember.cast(0, y_true.dtype)), "int32"), axis=-1), "int32")
    return kops.ctc_loss(y_true, y_pred, label_length, input_length, mask_index=0)


class CTC(LossFunctionWrapper):
    """CTC loss: integer label sequences (0 is the blank) against per-frame logits.

    >>> import numpy as np
    >>> round(float(CTC()(np.array([[1]]), np.zeros((1, 2, 3), "float32"))), 4)
    1.0986
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "ctc",
                 dtype: Any = None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


def _pos_neg_masks(query_labels: ember.Tensor, key_labels: ember.Tensor,
                   remove_diagonal: bool) -> tuple:
    """Pairs of equal labels (less each example with itself) and pairs of different ones."""
    query = ember.reshape(query_labels, (-1, 1))
    key = ember.reshape(key_labels, (1, -1))
    positive = ember.equal(query, key)
    negative = ember.logical_not(positive)
    if remove_diagonal:
        n_query, n_key = query.shape[0], key.shape[1]
        positive = ember.logical_and(positive, ember.logical_not(
            ember.cast(ember.eye(n_query, n_key), "bool")))
    return positive, negative


def _masked_logsumexp(x: ember.Tensor, mask: ember.Tensor) -> ember.Tensor:
    """``logsumexp`` over axis 1 of the entries where ``mask`` holds; -inf for a row with
    none (without taking the log of zero)."""
    neg_inf = ember.constant(float("-inf"), x.dtype)
    top = ember.reduce_max(ember.where(mask, x, neg_inf), axis=1, keepdims=True)
    any_row = ember.reduce_any(mask, axis=1)
    top = ember.where(ember.math.is_finite(top), top, ember.zeros_like(top))
    total = ember.reduce_sum(ember.where(mask, ember.exp(x - top), ember.zeros_like(x)),
                             axis=1)
    safe = ember.where(any_row, total, ember.ones_like(total))
    lse = ember.math.log(safe) + ember.squeeze(top, axis=1)
    return ember.where(any_row, lse, ember.fill(tuple(lse.shape), neg_inf))


def circle(y_true: Any, y_pred: Any, ref_labels: Any = None, ref_embeddings: Any = None,
           remove_diagonal: bool = True, gamma: float = 80, margin: float = 0.4
           ) -> ember.Tensor:
    """Circle loss (Sun et al., 2020) of L2-normalized embeddings ``y_pred`` with integer
    labels ``y_true``, against ``ref_embeddings`` / ``ref_labels`` (the batch itself by
    default). The result carries a mask of its positive entries, so the mean runs
    over the examples that still have a loss.

    >>> import numpy as np
    >>> emb = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], "float32")
    >>> [round(v, 4) for v in circle(np.array([0, 0, 1]), emb).numpy().tolist()]
    [0.0, 0.0, 0.0]
    """
    y_pred = to_float_tensor(y_pred)
    y_true = ember.cast(to_tensor(y_true), "int32")
    ref_embeddings = y_pred if ref_embeddings is None else \
        ember.cast(to_tensor(ref_embeddings), y_pred.dtype)
    ref_labels = y_true if ref_labels is None else ember.cast(to_tensor(ref_labels), "int32")
    distances = ember.maximum(1.0 - ember.matmul(y_pred, ember.transpose(ref_embeddings)),
                              0.0)
    positive, negative = _pos_neg_masks(y_true, ref_labels, remove_diagonal)
    pos_f = ember.cast(positive, distances.dtype)
    neg_f = ember.cast(negative, distances.dtype)
    pos_weights = ember.maximum((margin + distances) * pos_f, 0.0)
    neg_weights = ember.maximum((1.0 + margin - distances) * neg_f, 0.0)
    pos_wdists = -gamma * pos_weights * (margin - distances)
    neg_wdists = gamma * neg_weights * ((1.0 - margin) - distances)
    p_loss = _masked_logsumexp(pos_wdists, positive)
    n_loss = _masked_logsumexp(neg_wdists, negative)
    loss = ember.nn.softplus(p_loss + n_loss)
    set_mask(loss, loss > 0)
    return loss


class Circle(LossFunctionWrapper):
    """Circle loss between integer labels and L2-normalized embeddings.

    >>> import numpy as np
    >>> emb = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], "float32")
    >>> round(float(Circle()(np.array([0, 0, 1]), emb)), 2)
    19.2
    """

    def __init__(self, gamma: float = 80.0, margin: float = 0.4, remove_diagonal: bool = True,
                 reduction: Any = "sum_over_batch_size", name: str = "circle",
                 dtype: Any = None):
        super().__init__(circle, name=name, reduction=reduction, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"gamma": self.gamma, "margin": self.margin,
                       "remove_diagonal": self.remove_diagonal})
        return config
