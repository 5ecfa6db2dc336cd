"""The base of the image preprocessing layers: batching, dict inputs, factors, seeds.

A layer draws one random transformation per call (``get_random_transformation``, on a
rank-4 batch) and applies it to the images and, in dict inputs, to segmentation masks
(labels pass through). Single images (rank 3) are handled as a batch of one.
"""
from __future__ import annotations

import numbers
from typing import Any

import ember

from ....config import standardize_data_format
from ....models.layer import Layer
from ....random.seed_generator import SeedGenerator


class BaseImagePreprocessingLayer(Layer):
    """Shared machinery of Keras's image augmentation layers (not exported).

    Subclasses set ``_USE_BASE_FACTOR`` / ``_FACTOR_BOUNDS`` for a ``factor`` argument
    and implement ``get_random_transformation`` and ``transform_images``.

    >>> class Negate(BaseImagePreprocessingLayer):
    ...     _USE_BASE_FACTOR = False
    ...     def transform_images(self, images, transformation, training=True):
    ...         return -images if training else images
    >>> Negate()(ember.ones((2, 2, 1)), training=True).numpy().ravel().tolist()
    [-1.0, -1.0, -1.0, -1.0]
    """

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, factor: Any = None, bounding_box_format: str | None = None,
                 data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.bounding_box_format = bounding_box_format
        self.data_format = standardize_data_format(data_format)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(f"Layer {type(self).__name__} does not take a `factor` "
                             f"argument. Received: factor={factor}")
        self.built = True

    def _set_factor(self, factor: Any) -> None:
        low, high = self._FACTOR_BOUNDS
        error = ("The `factor` argument should be a number (or a list of two numbers) in "
                 f"the range [{low}, {high}]. Received: factor={factor}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > high or factor[1] < low:
                raise ValueError(error)
            lower, upper = sorted(factor)
        elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
            if factor < low or factor > high:
                raise ValueError(error)
            factor = abs(factor)
            lower, upper = max(-factor, low), factor
        else:
            raise ValueError(error)  # noqa: TRY004 - Keras raises ValueError here
        self.factor = (lower, upper)

    # -- geometry helpers ---------------------------------------------------------------
    def _hw_axes(self) -> tuple[int, int]:
        """Height and width axes of a rank-4 batch."""
        return (2, 3) if self.data_format == "channels_first" else (1, 2)

    def _hw(self, images: ember.Tensor) -> tuple[int, int]:
        h_axis, w_axis = self._hw_axes()
        return int(images.shape[h_axis]), int(images.shape[w_axis])

    def _seed(self) -> ember.Tensor:
        return self.generator.next()

    # -- the per-call protocol ----------------------------------------------------------
    def get_random_transformation(self, images: ember.Tensor, training: bool = True,
                                  seed: Any = None) -> Any:
        """The random parameters for this batch (``None``: nothing to do)."""
        return None

    def transform_images(self, images: ember.Tensor, transformation: Any,
                         training: bool = True) -> ember.Tensor:
        """Apply ``transformation`` to a rank-4 batch."""
        return images

    def transform_segmentation_masks(self, masks: ember.Tensor, transformation: Any,
                                     training: bool = True) -> ember.Tensor:
        """Apply ``transformation`` to segmentation masks (like the images by default)."""
        return self.transform_images(masks, transformation, training=training)

    def transform_labels(self, labels: Any, transformation: Any,
                         training: bool = True) -> Any:
        return labels

    def _batched(self, x: Any, what: str) -> tuple[ember.Tensor, bool]:
        x = ember.convert_to_tensor(x)
        if x.ndim == 4:
            return x, True
        if x.ndim == 3:
            return ember.expand_dims(x, 0), False
        raise ValueError(f"{type(self).__name__} layer '{self.name}': expected {what} of "
                         "rank 3 (single image) or 4 (batch of images). Received: "
                         f"{what}.shape={tuple(x.shape)}")

    def call(self, data, training=True):
        training = bool(training)
        if not isinstance(data, dict):
            images, batched = self._batched(data, "images")
            transformation = self.get_random_transformation(images, training=training)
            out = self.transform_images(images, transformation, training=training)
            return out if batched else ember.squeeze(out, 0)
        if "bounding_boxes" in data:
            raise NotImplementedError(f"{type(self).__name__} layer '{self.name}': "
                                      "bounding boxes are not supported by Ember yet.")
        data = dict(data)
        images, batched = self._batched(data["images"], "images")
        transformation = self.get_random_transformation(images, training=training)
        out = self.transform_images(images, transformation, training=training)
        data["images"] = out if batched else ember.squeeze(out, 0)
        if "segmentation_masks" in data:
            masks, _ = self._batched(data["segmentation_masks"], "segmentation_masks")
            masks = self.transform_segmentation_masks(masks, transformation,
                                                      training=training)
            data["segmentation_masks"] = masks if batched else ember.squeeze(masks, 0)
        if "labels" in data:
            data["labels"] = self.transform_labels(data["labels"], transformation,
                                                   training=training)
        return data

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape) if isinstance(input_shape, (list, tuple)) else \
            input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config


def check_target_size(layer: Layer, height: Any, width: Any) -> tuple[int, int]:
    """``(height, width)`` as Python ints; an error naming ``layer`` unless both are
    positive integers.

    >>> check_target_size(Layer(name="crop"), 2, 3)
    (2, 3)
    """
    def ok(v: Any) -> bool:
        return isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0
    if not (ok(height) and ok(width)):
        raise ValueError(f"{type(layer).__name__} layer '{layer.name}': `height` and `width` "
                         f"must be positive integers. Received: height={height!r}, "
                         f"width={width!r}")
    return int(height), int(width)


class ColorAdjustmentLayer(BaseImagePreprocessingLayer):
    """Base of the layers that change pixel values only (brightness, contrast, hue ...):
    segmentation masks pass through unchanged, and the config adds the attributes named
    in ``_CONFIG_KEYS`` (by default ``factor``, ``value_range`` and ``seed``)."""

    _CONFIG_KEYS: tuple = ("factor", "value_range", "seed")

    def transform_segmentation_masks(self, masks, transformation, training=True):
        return masks

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({key: getattr(self, key) for key in self._CONFIG_KEYS})
        return config


def make_seed_stream(seed: int | None) -> SeedGenerator:
    """The seed source of a random image layer (``keras.utils.set_random_seed`` makes
    it repeatable when ``seed`` is None).

    >>> make_seed_stream(3).next().numpy().tolist()
    [3, 0]
    """
    return SeedGenerator(seed)


def float_images(images: ember.Tensor, dtype: str) -> ember.Tensor:
    """``images`` in the layer's compute dtype (Keras casts before transforming).

    >>> float_images(ember.constant([[1, 2]]), "float32").dtype.name
    'float32'
    """
    return images if images.dtype == dtype else ember.cast(images, dtype)


class AffineImageLayer(BaseImagePreprocessingLayer):
    """Base of the layers that warp images by a random affine transform (rotation, zoom,
    translation): subclasses define ``_warp(images, transformation, interpolation)``;
    segmentation masks are warped with nearest-neighbour sampling."""

    def _warp(self, images, transformation, interpolation):
        raise NotImplementedError

    def transform_images(self, images, transformation, training=True):
        images = float_images(images, self.compute_dtype)
        if not training or transformation is None:
            return images
        return self._warp(images, transformation, self.interpolation)

    def transform_segmentation_masks(self, masks, transformation, training=True):
        if not training or transformation is None:
            return masks
        return self._warp(masks, transformation, "nearest")
