"""Sampling images at computed points, for ``keras.ops.image``: the interpolation behind
``map_coordinates``, ``affine_transform``, ``perspective_transform`` and
``elastic_transform``, and the gather indices of ``extract_patches``.

The code lives in ``ember.ops.image.sampling`` (shared with ``ember.image``); everything
there follows Keras's NumPy/JAX backends (``scipy.ndimage``-style sampling).

>>> import ember
>>> fix_index(ember.constant([-1, 4]), 4, "reflect").numpy().tolist()
[0, 3]
"""
from __future__ import annotations

from ...ops.image.sampling import (FILL_MODES, affine_source_coordinates, compute_dtype,
                                   fix_index, homography, patch_geometry, patch_indices,
                                   round_half_away, sample, to_dtype)

__all__ = ["FILL_MODES", "affine_source_coordinates", "compute_dtype", "fix_index",
           "homography", "patch_geometry", "patch_indices", "round_half_away", "sample",
           "to_dtype"]
