"""Sampling images at computed points: the interpolation behind ``keras.ops.image``'s
``map_coordinates``, ``affine_transform``, ``perspective_transform`` and
``elastic_transform``, and the gather indices of ``extract_patches`` (Keras's and
``ember.image.extract_patches``).

Everything follows Keras's NumPy/JAX backends (``scipy.ndimage``-style sampling):

- ``order=0`` reads the pixel at ``floor(c + 0.5)``, ``order=1`` blends the two pixels
  around ``c`` with weights ``1 - frac(c)`` and ``frac(c)``, axis by axis.
- A read outside the input is folded back by ``fill_mode``: ``"constant"`` (the read
  gives ``fill_value``), ``"nearest"`` (``a a | a b c d | d d``), ``"wrap"``
  (``c d | a b c d | a b``), ``"mirror"`` (``c b | a b c d | c b``) and ``"reflect"``
  (``b a | a b c d | d c``).

All of it is made of Ember ops (``floor``, integer arithmetic, ``gather``, ``where``),
so it runs eagerly and inside ``ember.function``, and it is differentiable with respect
to the sampled values and to the coordinates (through the interpolation weights).

>>> import ember
>>> values = ember.constant([[0.0], [10.0], [20.0]])            # 3 pixels, 1 channel
>>> sample(values, (3,), [ember.constant([0.25, 1.5, 2.5])], order=1,
...        fill_mode="constant", fill_value=-1.0)[:, 0].numpy().tolist()
[2.5, 15.0, 9.5]
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..conv import _out_spatial, _resolve_padding
from . import _api as E

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _mirror(index: E.Tensor, size: int) -> E.Tensor:
    """Fold integer ``index`` into ``[0, size)`` as a triangle wave (``c b | a b c d``)."""
    period = size - 1
    if period == 0:
        return E.zeros_like(index)
    return E.abs(E.floormod(index + period, 2 * period) - period)


def fix_index(index: E.Tensor, size: int, fill_mode: str) -> E.Tensor:
    """Integer pixel indices folded into ``[0, size)`` by ``fill_mode`` (``"constant"``
    clamps them: the caller masks the reads outside with ``fill_value``).

    >>> import ember
    >>> idx = ember.constant([-3, -1, 0, 3, 4, 6])
    >>> fix_index(idx, 4, "reflect").numpy().tolist()
    [2, 0, 0, 3, 3, 1]
    >>> fix_index(idx, 4, "mirror").numpy().tolist()
    [3, 1, 0, 3, 2, 0]
    >>> fix_index(idx, 4, "wrap").numpy().tolist()
    [1, 3, 0, 3, 0, 2]
    """
    if fill_mode in ("constant", "nearest"):
        return E.clip_by_value(index, 0, size - 1)
    if fill_mode == "wrap":
        return E.floormod(index, size)
    if fill_mode == "mirror":
        return _mirror(index, size)
    if fill_mode == "reflect":
        return E.floordiv(_mirror(2 * index + 1, 2 * size + 1) - 1, 2)
    raise ValueError(f"Invalid fill_mode {fill_mode!r}; expected one of {FILL_MODES}")


def _taps(coord: E.Tensor, order: int, index_dtype: str) -> list:
    """``[(index, weight or None), ...]`` of one axis: 1 tap for order 0, 2 for order 1."""
    if coord.dtype.is_integer:                       # an exact index: one tap, in range
        return [(E.cast(coord, index_dtype), None)]
    if order == 0:
        return [(E.cast(E.floor(coord + 0.5), index_dtype), None)]
    low = E.floor(coord)
    upper = coord - low
    low_i = E.cast(low, index_dtype)
    return [(low_i, 1.0 - upper), (low_i + 1, upper)]


def sample(values: E.Tensor, shape: Sequence[int], coords: Sequence[E.Tensor],
           order: int, fill_mode: str, fill_value: Any) -> E.Tensor:
    """Interpolate the grid ``values`` at ``coords``.

    ``values`` is ``(prod(shape), V)``: a grid of ``shape`` flattened in C order, with a
    vector of ``V`` numbers per point (channels read together). ``coords`` holds one
    tensor per axis of ``shape``, all broadcastable to the output's shape ``S``; a float
    tensor is a position to interpolate at, an integer tensor an exact in-range index.
    The result is ``S + (V,)`` in ``values``' dtype (which must be floating).

    >>> import ember
    >>> grid = ember.reshape(ember.range(6.0), (6, 1))            # a 2 x 3 grid
    >>> sample(grid, (2, 3), [ember.constant([0.5]), ember.constant([1.0])], 1,
    ...        "nearest", 0.0).numpy().tolist()
    [[2.5]]
    """
    if fill_mode not in FILL_MODES:
        raise ValueError(f"Invalid fill_mode {fill_mode!r}; expected one of {FILL_MODES}")
    dtype = values.dtype
    total = int(np.prod(shape, dtype=np.int64))
    index_dtype = "int64" if total >= 2 ** 31 else "int32"
    strides = [int(np.prod(shape[i + 1:], dtype=np.int64)) for i in range(len(shape))]
    per_axis = []
    for coord, size in zip(coords, shape):
        exact = coord.dtype.is_integer
        taps = []
        for index, weight in _taps(coord, order, index_dtype):
            if exact:
                taps.append((index, None, weight))
                continue
            valid = None
            if fill_mode == "constant":
                valid = E.logical_and(index >= 0, index < size)
            taps.append((fix_index(index, size, fill_mode), valid, weight))
        per_axis.append(taps)
    fill = E.cast(fill_value, dtype)
    out = None
    for combo in itertools.product(*per_axis):
        flat = None
        valid = None
        weight = None
        for (index, ok, w), stride in zip(combo, strides):
            term = index * stride if stride != 1 else index
            flat = term if flat is None else flat + term
            if ok is not None:
                valid = ok if valid is None else E.logical_and(valid, ok)
            if w is not None:
                w = E.cast(w, dtype)
                weight = w if weight is None else weight * w
        read = E.gather(values, flat)
        if valid is not None:
            read = E.where(E.expand_dims(valid, -1), read, fill)
        if weight is not None:
            read = read * E.expand_dims(weight, -1)
        out = read if out is None else out + read
    return out


def round_half_away(x: E.Tensor) -> E.Tensor:
    """Round to the nearest integer, halves away from zero (as ``scipy.ndimage`` rounds
    integer outputs).

    >>> import ember
    >>> round_half_away(ember.constant([-1.5, -0.5, 0.5, 2.5])).numpy().tolist()
    [-2.0, -1.0, 1.0, 3.0]
    """
    return E.sign(x) * E.floor(E.abs(x) + 0.5)


def to_dtype(x: E.Tensor, dtype: Any) -> E.Tensor:
    """Interpolated values back in the images' ``dtype``: integers are rounded (halves
    away from zero) and saturated to the dtype's range.

    >>> import ember
    >>> to_dtype(ember.constant([-3.0, 2.5, 300.0]), "uint8").numpy().tolist()
    [0, 3, 255]
    """
    dtype = E.as_dtype(dtype)
    if x.dtype == dtype:
        return x
    if dtype.is_integer:
        return E.saturate_cast(round_half_away(x), dtype)
    if dtype.is_bool:
        return E.not_equal(round_half_away(x), 0.0)
    return E.cast(x, dtype)


# -- projective transforms -----------------------------------------------------------------
def affine_source_coordinates(transform: E.Tensor, height: int, width: int,
                              channels: int) -> tuple[E.Tensor, E.Tensor]:
    """Where each output element ``(b, y, x, c)`` of ``affine_transform`` reads its input:
    ``(b0 x + b1 y + c0 c + b2, a0 x + a1 y + c1 c + a2)`` for each ``(batch, 8)`` row
    ``[a0, a1, a2, b0, b1, b2, c0, c1]``, in float64, each ``(batch, height, width,
    channels)``.

    This is what Keras's NumPy and JAX backends compute: there ``c0`` and ``c1`` do not
    divide (as the projective denominator does on TensorFlow) but shift each channel
    ``c`` by ``(c0 c, c1 c)``; with the usual ``c0 = c1 = 0`` both agree.

    >>> import ember
    >>> t = ember.constant([[1.0, 0.0, 2.0, 0.0, 1.0, 0.0, 0.0, 0.0]])   # x + 2
    >>> ys, xs = affine_source_coordinates(t, 1, 3, 1)
    >>> xs[0, 0, :, 0].numpy().tolist()
    [2.0, 3.0, 4.0]
    """
    t = E.cast(transform, "float64")
    a0, a1, a2, b0, b1, b2, c0, c1 = (E.reshape(v, (-1, 1, 1, 1))
                                      for v in E.unstack(t, 8, axis=1))
    ys = E.constant(np.arange(height, dtype=np.float64).reshape(1, height, 1, 1))
    xs = E.constant(np.arange(width, dtype=np.float64).reshape(1, 1, width, 1))
    cs = E.constant(np.arange(channels, dtype=np.float64).reshape(1, 1, 1, channels))
    src_y = ys * b1 + xs * b0 + cs * c0 + b2
    src_x = ys * a1 + xs * a0 + cs * c1 + a2
    return src_y, src_x


def homography(start_points: E.Tensor, end_points: E.Tensor) -> E.Tensor:
    """The ``(batch, 8)`` projective transforms that map each output point in
    ``end_points`` to the input point in ``start_points`` (both ``(batch, 4, 2)``, as
    ``(x, y)``): the solution of the usual 8 x 8 linear system.

    >>> import ember
    >>> square = ember.constant([[[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]])
    >>> [round(v, 6) + 0.0 for v in homography(square, square * 2.0).numpy()[0].tolist()]
    [0.5, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0]
    """
    sx, sy = start_points[..., 0], start_points[..., 1]
    ex, ey = end_points[..., 0], end_points[..., 1]
    zeros, ones = E.zeros_like(ex), E.ones_like(ex)
    x_rows = E.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1)
    y_rows = E.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1)
    system = E.concat([x_rows, y_rows], axis=1)                    # (batch, 8, 8)
    target = E.expand_dims(E.concat([sx, sy], axis=1), -1)      # (batch, 8, 1)
    return E.squeeze(E.solve(system, target), -1)


# -- patches -------------------------------------------------------------------------------
def patch_geometry(in_sizes: Sequence[int], size: Sequence[int], strides: Sequence[int],
                   dilation: Sequence[int], padding: str):
    """``(pads, out_sizes)`` of a patch grid: per axis ``(before, after)`` zero padding and
    the number of patches, by the convolution rules (``"same"``: ``ceil(n / stride)``
    patches, padding split with the extra one after).

    >>> patch_geometry((5, 6), (2, 3), (2, 3), (1, 1), "valid")
    ([(0, 0), (0, 0)], [2, 2])
    >>> patch_geometry((5,), (2,), (1,), (1,), "same")
    ([(0, 1)], [5])
    """
    pads = _resolve_padding(padding, in_sizes, size, strides, dilation, False,
                            "extract_patches")
    outs = [max(o, 0) for o in _out_spatial(in_sizes, size, strides, dilation, pads)]
    return list(pads), outs


def patch_indices(padded_sizes: Sequence[int], out_sizes: Sequence[int],
                  size: Sequence[int], strides: Sequence[int],
                  dilation: Sequence[int]) -> np.ndarray:
    """Flat (C-order) indices into the padded grid of every patch element:
    ``out_sizes + (prod(size),)``, the patch elements in C order of ``size``.

    >>> patch_indices((3, 4), (1, 2), (2, 2), (2, 2), (1, 1)).tolist()
    [[[0, 1, 4, 5], [2, 3, 6, 7]]]
    """
    rank = len(out_sizes)
    flat = np.zeros(tuple(out_sizes) + tuple(size), dtype=np.int64)
    step = 1
    for axis in reversed(range(rank)):
        pos = (np.arange(out_sizes[axis]) * strides[axis]).reshape(
            [-1 if a == axis else 1 for a in range(rank)] + [1] * rank)
        offset = (np.arange(size[axis]) * dilation[axis]).reshape(
            [1] * rank + [-1 if a == axis else 1 for a in range(rank)])
        flat = flat + (pos + offset) * step
        step *= padded_sizes[axis]
    index_dtype = np.int64 if step >= 2 ** 31 else np.int32
    return flat.reshape(tuple(out_sizes) + (-1,)).astype(index_dtype)


def gather_patches(x: E.Tensor, size: Sequence[int], strides: Sequence[int],
                   dilation: Sequence[int], padding: str) -> E.Tensor:
    """The patches of a channels-last batch ``(batch, *spatial, channels)``: ``(batch,
    *out_sizes, prod(size) * channels)``, each patch flattened in ``(*size, channel)``
    order (``padding``: ``"valid"`` or ``"same"``, zeros; see ``patch_geometry``).

    >>> import ember
    >>> x = ember.reshape(ember.range(8.0), (1, 2, 4, 1))
    >>> gather_patches(x, (2, 2), (2, 2), (1, 1), "valid")[0, 0].numpy().tolist()
    [[0.0, 1.0, 4.0, 5.0], [2.0, 3.0, 6.0, 7.0]]
    """
    shape = [int(d) for d in x.shape]
    batch, spatial, channels = shape[0], shape[1:-1], shape[-1]
    pads, outs = patch_geometry(spatial, size, strides, dilation, padding)
    if any(p != (0, 0) for p in pads):
        x = E.pad(x, [[0, 0]] + [list(p) for p in pads] + [[0, 0]])
    padded = [n + lo + hi for n, (lo, hi) in zip(spatial, pads)]
    idx = patch_indices(padded, outs, size, strides, dilation)
    flat = E.reshape(x, (batch, int(np.prod(padded)), channels))  # (no -1: batch may be 0)
    out = E.gather(flat, E.constant(idx), axis=1)                 # (batch, *outs, K, C)
    return E.reshape(out, [batch] + outs + [idx.shape[-1] * channels])
