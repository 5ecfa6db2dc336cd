"""keras.layers.RandomGrayscale: turn some images of a batch to grayscale."""
from __future__ import annotations

import ember

from ....ops.image import rgb_to_grayscale
from .base_image_layer import ColorAdjustmentLayer, make_seed_stream
from .color_utils import per_image_uniform


class RandomGrayscale(ColorAdjustmentLayer):
    """While training, replaces each image with probability ``factor`` by its grayscale
    ``0.2989 R + 0.5870 G + 0.1140 B`` repeated on every channel (one-channel images are
    left alone). The dtype is kept: integer images get truncated gray levels, as in
    Keras. With ``training=False`` images pass through.

    >>> layer = RandomGrayscale(factor=1.0)
    >>> layer(ember.constant([[[1.0, 0.0, 0.0]]]), training=True).numpy().ravel().tolist()
    [0.2989000082015991, 0.2989000082015991, 0.2989000082015991]
    """

    _CONFIG_KEYS = ("factor", "seed")
    _USE_BASE_FACTOR = False

    def __init__(self, factor: float = 0.5, data_format: str | None = None,
                 seed: int | None = None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or \
                not 0 <= factor <= 1:
            raise ValueError(f"RandomGrayscale layer '{self.name}': `factor` should be a "
                             f"number between 0 and 1. Received: factor={factor!r}")
        self.factor = factor
        self.seed = seed
        self.generator = make_seed_stream(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        draws = per_image_uniform(self, images, 0.0, 1.0, seed)
        return ember.reshape(draws < float(self.factor), (-1, 1, 1, 1))

    def transform_images(self, images, transformation, training=True):
        if not training or transformation is None:
            return images
        gray = rgb_to_grayscale(images, data_format=self.data_format)
        return ember.where(transformation, ember.broadcast_to(gray, images.shape), images)
