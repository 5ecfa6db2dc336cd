"""``math.confusion_matrix``: how often each label is predicted as each class, as a
``[num_classes, num_classes]`` matrix (optionally weighted).

A composite: a ``scatter_nd`` of ones (or of the weights) at the ``(label, prediction)``
pairs.

>>> import ember
>>> ember.math.confusion_matrix([0, 1, 1], [0, 1, 0]).numpy().tolist()
[[1, 0], [1, 1]]
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from .creation import convert_to_tensor
from .elementwise import cast, zeros_like_value
from .indexing import scatter_nd
from .shape import reshape, stack

__all__ = ["confusion_matrix"]


def confusion_matrix(labels: Any, predictions: Any, num_classes: Any = None,
                     weights: Any = None, dtype: Any = "int32", name=None) -> Tensor:
    """``m[i, j]`` = (weighted) count of examples with label ``i`` predicted as ``j``."""
    lab, pred = convert_to_tensor(labels), convert_to_tensor(predictions)
    if not (lab.dtype.is_integer and pred.dtype.is_integer):
        raise TypeError(f"ember.math.confusion_matrix: labels and predictions must be "
                        f"integers; got {lab.dtype.name} and {pred.dtype.name}")
    lab, pred = reshape(cast(lab, "int64"), [-1]), reshape(cast(pred, "int64"), [-1])
    if lab.shape != pred.shape:
        raise InvalidArgumentError(f"ember.math.confusion_matrix: labels and predictions "
                                   f"must have the same size; got {tuple(lab.shape)} and "
                                   f"{tuple(pred.shape)}")
    lv, pv = np.asarray(lab.numpy()), np.asarray(pred.numpy())
    if (lv.size and lv.min() < 0) or (pv.size and pv.min() < 0):
        raise InvalidArgumentError("ember.math.confusion_matrix: labels and predictions "
                                   "must be non-negative")
    if num_classes is None:
        n = int(max(lv.max() if lv.size else -1, pv.max() if pv.size else -1)) + 1
    else:
        n = int(getattr(num_classes, "_value", num_classes))
        if (lv.size and lv.max() >= n) or (pv.size and pv.max() >= n):
            raise InvalidArgumentError(f"ember.math.confusion_matrix: labels and "
                                       f"predictions must be < num_classes={n}")
    values = (cast(reshape(convert_to_tensor(weights), [-1]), dtype) if weights is not None
              else cast(zeros_like_value(lab) + 1, dtype))
    return scatter_nd(stack([lab, pred], axis=1), values, [n, n])
