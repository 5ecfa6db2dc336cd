"""``ember.data``: input pipelines in the shape of TensorFlow 2's ``tf.data``.

>>> import numpy as np, ember.data
>>> x, y = np.zeros((10, 3), np.float32), np.arange(10)
>>> ds = ember.data.Dataset.from_tensor_slices((x, y)).shuffle(10, seed=1).batch(4)
>>> [b[0].shape[0] for b in ds.prefetch(ember.data.AUTOTUNE)]
[4, 4, 2]
"""
from __future__ import annotations

from . import experimental
from .dataset import Dataset
from .iterator import Iterator
from .options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Options
from .structure import DatasetSpec, StringSpec

__all__ = [
           "AUTOTUNE",
           "INFINITE_CARDINALITY",
           "UNKNOWN_CARDINALITY",
           "Dataset",
           "DatasetSpec",
           "Iterator",
           "Options",
           "StringSpec",
           "experimental",
]
