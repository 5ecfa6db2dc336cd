"""keras.layers.RandomFlip: flip images left-right and/or upside down at random."""
from __future__ import annotations

import ember

from .base_image_layer import BaseImagePreprocessingLayer, float_images, make_seed_stream

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"
_MODES = (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL)


class RandomFlip(BaseImagePreprocessingLayer):
    """While training, flips each image with probability 1/2: left-right
    (``"horizontal"``), upside down (``"vertical"``) or, for
    ``"horizontal_and_vertical"``, both at once (one coin per image, as in Keras).

    As in Keras, ``call``'s ``training`` defaults to True: a direct call augments,
    ``predict`` and ``training=False`` return the images (cast to float).

    >>> from ember import keras
    >>> flip = keras.layers.RandomFlip("horizontal", seed=0)
    >>> x = ember.reshape(ember.range(4.0), (1, 1, 4, 1))
    >>> flip(x, training=False)[0, 0, :, 0].numpy().tolist()
    [0.0, 1.0, 2.0, 3.0]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, mode: str = HORIZONTAL_AND_VERTICAL, seed: int | None = None,
                 data_format: str | None = None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if mode not in _MODES:
            raise ValueError(f"RandomFlip layer {self.name} received an unknown mode "
                             f"argument {mode!r}. Expected one of {_MODES}.")
        self.seed = seed
        self.generator = make_seed_stream(seed)
        self.mode = mode

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        shape = (int(images.shape[0]), 1, 1, 1)
        uniform = ember.random.stateless_uniform(shape, seed=self._seed() if seed is None
                                                 else seed)
        return {"flips": uniform <= 0.5}

    def transform_images(self, images, transformation, training=True):
        images = float_images(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        flips = transformation["flips"]
        h_axis, w_axis = self._hw_axes()
        out = images
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            out = ember.where(flips, ember.reverse(out, [w_axis]), out)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            out = ember.where(flips, ember.reverse(out, [h_axis]), out)
        return out

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"seed": self.seed, "mode": self.mode,
                       "data_format": self.data_format})
        return config
