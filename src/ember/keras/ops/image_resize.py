"""Resampling for ``keras.ops.image``: the separable kernels of ``resize`` and
``scale_and_translate``, as Keras's NumPy and JAX backends compute them
(``jax.image.scale_and_translate``).

The kernels live in ``ember.ops.image.resize``, shared with ``ember.image.resize``
(TensorFlow's flavour); this module names the Keras flavour: exact Keys cubic weights,
Keras's nearest-neighbour rounding, and integer images rounded and clipped to their range.

>>> weights("bilinear", 2, 4).round(4).tolist()
[[1.0, 0.75, 0.25, 0.0], [0.0, 0.25, 0.75, 1.0]]
"""
from __future__ import annotations

from ...ops.image.resize import (KERNELS, RESIZE_INTERPOLATIONS, SCALE_AND_TRANSLATE_METHODS,
                                 apply_axis, nearest_indices, resample, scale_and_translate,
                                 weights)

__all__ = ["KERNELS", "RESIZE_INTERPOLATIONS", "SCALE_AND_TRANSLATE_METHODS", "apply_axis",
           "nearest_indices", "resample", "scale_and_translate", "weights"]
