"""Shared pieces of the colour augmentation layers: ``value_range`` checks, rescaling
between value ranges and per-image random draws."""
from __future__ import annotations

from typing import Any

import ember

from ....models.layer import Layer


def checked_value_range(layer: Layer, value_range: Any) -> list:
    """``value_range`` sorted into a list, or an error naming ``layer``.

    >>> checked_value_range(Layer(name="l"), (255, 0))
    [0, 255]
    """
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"{type(layer).__name__} layer '{layer.name}': The `value_range` "
                         "argument should be a list of two numbers. Received: "
                         f"value_range={value_range}")
    return sorted(value_range)


def rescale(images: ember.Tensor, source: Any, target: Any) -> ember.Tensor:
    """Map floating ``images`` linearly from the range ``source`` to ``target``.

    >>> rescale(ember.constant([0.0, 127.5, 255.0]), (0, 255), (0, 1)).numpy().tolist()
    [0.0, 0.5, 1.0]
    """
    if float(source[0]) == float(target[0]) and float(source[1]) == float(target[1]):
        return images
    unit = (images - float(source[0])) / float(source[1] - source[0])
    return unit * float(target[1] - target[0]) + float(target[0])


def per_image_uniform(layer: Any, images: ember.Tensor, low: float, high: float,
                      seed: Any = None) -> ember.Tensor:
    """One draw from ``[low, high)`` per image of the rank-4 batch ``images``, shape
    ``(batch,)``, from the layer's seed stream unless ``seed`` is given."""
    return ember.random.stateless_uniform(
        (int(images.shape[0]),), seed=layer._seed() if seed is None else seed,
        minval=float(low), maxval=float(high), dtype=layer.compute_dtype)


def channel_axis(layer: Any) -> int:
    """The channel axis of a rank-4 batch in ``layer.data_format``."""
    return 1 if layer.data_format == "channels_first" else 3
