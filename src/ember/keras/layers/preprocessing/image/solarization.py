"""keras.layers.Solarization: invert the pixels above a threshold."""
from __future__ import annotations

from typing import Any

import ember

from .base_image_layer import ColorAdjustmentLayer, float_images, make_seed_stream
from .color_utils import checked_value_range, rescale


class Solarization(ColorAdjustmentLayer):
    """While training, maps images to the ``[0, 255]`` scale, adds ``addition`` and
    clips, then replaces each pixel ``p >= threshold`` by ``255 - p`` and maps back to
    ``value_range``. ``addition`` and ``threshold`` are drawn per image from
    ``addition_factor * 255`` and ``threshold_factor * 255`` (a number ``f`` means
    ``[0, f]``); the defaults (0, 0) solarize every pixel. The result is in the compute
    dtype; ``training=False`` only casts to it.

    >>> layer = Solarization(value_range=(0, 1))
    >>> layer(ember.constant([[[0.25, 1.0, 0.0]]]), training=True).numpy().ravel().tolist()
    [0.75, 0.0, 1.0]
    """

    _CONFIG_KEYS = ("value_range", "addition_factor", "threshold_factor", "seed")
    _USE_BASE_FACTOR = False

    def __init__(self, addition_factor: Any = 0.0, threshold_factor: Any = 0.0,
                 value_range: Any = (0, 255), seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.generator = make_seed_stream(seed)
        self.addition_factor = self._checked_factor(addition_factor, "addition_factor")
        self.threshold_factor = self._checked_factor(threshold_factor, "threshold_factor")
        self.value_range = checked_value_range(self, value_range)

    def _checked_factor(self, factor: Any, name: str) -> tuple:
        error = ValueError(f"Solarization layer '{self.name}': The `addition_factor` and "
                           "`threshold_factor` arguments should be a number (or a list of "
                           f"two numbers) in the range [0, 1]. Received: {name}={factor!r}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise error
            values = list(factor)
        elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
            values = [0, factor]
        else:
            raise error
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1
               for v in values):
            raise error
        return tuple(sorted(values))

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        draws = ember.random.stateless_uniform(
            (2, int(images.shape[0]), 1, 1, 1),
            seed=self._seed() if seed is None else seed, dtype=self.compute_dtype)
        (a_low, a_high), (t_low, t_high) = self.addition_factor, self.threshold_factor
        return {"additions": 255.0 * (a_low + (a_high - a_low) * draws[0]),
                "thresholds": 255.0 * (t_low + (t_high - t_low) * draws[1])}

    def transform_images(self, images, transformation, training=True):
        x = float_images(images, self.compute_dtype)
        if not training or transformation is None:
            return x
        x = rescale(x, self.value_range, (0, 255))
        x = ember.clip_by_value(x + ember.cast(transformation["additions"], x.dtype),
                                0.0, 255.0)
        x = ember.where(x < ember.cast(transformation["thresholds"], x.dtype), x, 255.0 - x)
        return rescale(x, (0, 255), self.value_range)
