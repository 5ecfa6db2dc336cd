"""keras.utils.image_dataset_from_directory: image files in class folders as a dataset of
``(images, labels)`` (decoded with Pillow, resized as ``tf.image.resize`` does)."""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import ember
import ember.data

from ..config import standardize_data_format
from .directory_dataset import directory_datasets
from .directory_index import check_label_args, check_validation_split_arg, index_directory
from .image_decode import decode_image
from .pil_import import require_pil
from .smart_resize import crop_box

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                  "gaussian", "mitchellcubic")
_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}


def _loader(image_size: tuple[int, int], num_channels: int, interpolation: str,
            data_format: str, crop_to_aspect_ratio: bool,
            pad_to_aspect_ratio: bool) -> Callable[[str], np.ndarray]:
    height, width = image_size

    def load(path: str) -> np.ndarray:
        img = decode_image(path, num_channels)
        if crop_to_aspect_ratio:
            top, left, ch, cw = crop_box(img.shape[0], img.shape[1], height, width)
            out = ember.image.resize(img[top:top + ch, left:left + cw], image_size,
                                     method=interpolation)
        elif pad_to_aspect_ratio:
            out = ember.image.resize_with_pad(img, height, width, method=interpolation)
        else:
            out = ember.image.resize(img, image_size, method=interpolation)
        out = out.numpy()
        return out.transpose(2, 0, 1) if data_format == "channels_first" else out

    return load


def image_dataset_from_directory(directory: str | os.PathLike, labels: Any = "inferred",
                                 label_mode: str | None = "int",
                                 class_names: Sequence[str] | None = None,
                                 color_mode: str = "rgb", batch_size: int | None = 32,
                                 image_size: Any = (256, 256), shuffle: bool = True,
                                 seed: int | None = None,
                                 validation_split: float | None = None,
                                 subset: str | None = None, interpolation: str = "bilinear",
                                 follow_links: bool = False,
                                 crop_to_aspect_ratio: bool = False,
                                 pad_to_aspect_ratio: bool = False,
                                 data_format: str | None = None, format: str = "tf",
                                 verbose: bool = True
                                 ) -> ember.data.Dataset | list[ember.data.Dataset]:
    """A dataset of the images (``.bmp .gif .jpeg .jpg .png``) under ``directory``.

    Labels as in ``text_dataset_from_directory``. Each image is decoded (Pillow is
    needed), given ``color_mode``'s channels ("rgb", "rgba", "grayscale"), resized to
    ``image_size`` with ``interpolation`` (float32, or uint8 with "nearest") — after a
    centred crop to the target aspect ratio with ``crop_to_aspect_ratio``, or fitted and
    zero-padded with ``pad_to_aspect_ratio`` — and laid out by ``data_format``. The
    dataset has ``class_names`` and ``file_paths`` attributes.

    Decoding needs Pillow, so the example is not run by the doctests:

    >>> import tempfile, os, numpy as np  # doctest: +SKIP
    >>> from PIL import Image  # doctest: +SKIP
    >>> d = tempfile.mkdtemp()  # doctest: +SKIP
    >>> for c in ("cat", "dog"):  # doctest: +SKIP
    ...     os.mkdir(os.path.join(d, c))
    ...     Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(os.path.join(d, c, "1.png"))
    >>> ds = image_dataset_from_directory(d, image_size=(4, 4), seed=1)  # doctest: +SKIP
    Found 2 files belonging to 2 classes.
    >>> images, labels = next(iter(ds))  # doctest: +SKIP
    >>> tuple(images.shape), ds.class_names  # doctest: +SKIP
    ((2, 4, 4, 3), ['cat', 'dog'])
    """
    check_label_args(labels, label_mode, class_names, "image")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if color_mode not in _CHANNELS:
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
                         f"Received: color_mode={color_mode}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError("Invalid `image_size` value. Expected a tuple of 2 integers. "
                         f"Received: image_size={image_size}")
    image_size = (int(image_size[0]), int(image_size[1]))
    interpolation = str(interpolation).lower()
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"Argument `interpolation` should be one of {INTERPOLATIONS}. "
                         f"Received: interpolation={interpolation}")
    if format != "tf":
        raise ValueError('`format` should be "tf" (Ember builds an ember.data.Dataset; '
                         f'"grain" is not supported). Received: format={format}')
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be "
                         "set to `True`.")
    check_validation_split_arg(validation_split, subset, shuffle, seed)
    require_pil("keras.utils.image_dataset_from_directory")
    if seed is None:
        seed = np.random.randint(1e6)
    file_paths, labels, class_names = index_directory(
        directory, labels, formats=ALLOWLIST_FORMATS, class_names=class_names,
        shuffle=shuffle, seed=seed, follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")
    data_format = standardize_data_format(data_format)
    load = _loader(image_size, _CHANNELS[color_mode], interpolation, data_format,
                   bool(crop_to_aspect_ratio), bool(pad_to_aspect_ratio))
    directory = os.fspath(directory)
    return directory_datasets(
        file_paths, labels, label_mode, class_names, validation_split, subset, batch_size,
        shuffle, seed, load,
        lambda kind: f"No {kind}images found in directory {directory}. "
                     f"Allowed formats: {ALLOWLIST_FORMATS}")
