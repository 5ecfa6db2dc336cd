"""keras.layers.Dropout, and the construction and mask drawing its random siblings share."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember
from ember.ops.random import stateless_keep_mask

from ...models.layer import Layer
from ...random.seed_generator import SeedGenerator


class Dropout(Layer):
    """Sets inputs to 0 with probability ``rate`` while training, scaling the rest by
    ``1 / (1 - rate)``; at inference it returns its inputs unchanged.

    ``noise_shape`` (``None`` entries take the input's size) lets one draw cover several
    positions, e.g. ``(batch, 1, features)`` drops the same features at every timestep.

    >>> from ember import keras
    >>> layer = keras.layers.Dropout(0.5, seed=1)
    >>> x = ember.ones((2, 4))
    >>> bool(ember.reduce_all(layer(x) == x))
    True
    >>> sorted(set(layer(x, training=True).numpy().ravel().tolist())) <= [0.0, 2.0]
    True
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        init_dropout(self, rate, seed)
        self.noise_shape = _validate_noise_shape(noise_shape)

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        check_floating(self, inputs)
        if self.rate >= 1:
            return ember.zeros_like(inputs)
        keep = keep_mask(self, inputs, self.noise_shape, "Dropout")
        return inputs * (keep * (1.0 / (1.0 - self.rate)))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": self.noise_shape})
        return config


def init_dropout(layer: Layer, rate: float, seed: int | None, name: str = "rate") -> None:
    """The constructor part every dropout and noise layer shares: check the amount (the
    argument ``name``: ``rate``, or GaussianNoise's ``stddev``) is in [0, 1], keep it as
    that attribute with the seed, make the seed generator, support masking."""
    if not 0 <= rate <= 1:
        raise ValueError(f"Invalid value received for argument `{name}`. Expected a float "
                         f"value between 0 and 1. Received: {name}={rate}")
    setattr(layer, name, rate)
    layer.seed = seed
    if rate > 0:
        layer.seed_generator = SeedGenerator(seed)
    layer.supports_masking = True
    layer.built = True


def check_floating(layer: Layer, inputs: Any) -> None:
    """Raise, as Keras does, when a layer that scales or adds noise while training gets
    non-float inputs (NumPy promotion would silently turn int32 into float64)."""
    if not inputs.dtype.is_floating:
        raise ValueError(f"{type(layer).__name__} layer '{layer.name}': inputs must be a "
                         "floating point tensor while training, as they are scaled or "
                         f"noised; received dtype {inputs.dtype.name} of shape "
                         f"{tuple(inputs.shape)}. Cast them to a float dtype first.")


def keep_mask(layer: Layer, inputs: Any, noise_shape: tuple | None, kind: str):
    """1 where an input is kept and 0 where it is dropped (probability ``layer.rate``),
    in the inputs' dtype; ``noise_shape`` (``None`` entries: the input's size) shares a
    draw along its size-1 axes."""
    shape = tuple(inputs.shape)
    if noise_shape is not None:
        if len(noise_shape) != len(shape):
            raise ValueError(f"{kind} layer '{layer.name}': noise_shape {noise_shape} must "
                             f"have the rank of the inputs, whose shape is {shape}")
        shape = tuple(s if n is None else n for n, s in zip(noise_shape, shape))
    return stateless_keep_mask(shape, layer.seed_generator.next(), layer.rate, inputs.dtype)


def _validate_noise_shape(noise_shape: Any) -> tuple | None:
    if noise_shape is None:
        return None
    if isinstance(noise_shape, str):
        msg = ("Invalid value received for argument `noise_shape`. Expected a tuple or list "
               f"of integers. Received: noise_shape={noise_shape}")
        raise ValueError(msg)  # noqa: TRY004 -- Keras raises ValueError
    try:
        noise_shape = tuple(noise_shape)
    except TypeError:
        raise ValueError("Invalid value received for argument `noise_shape`. Expected an "
                         "iterable of integers (e.g., a tuple or list). Received: "
                         f"noise_shape={noise_shape}") from None
    for i, dim in enumerate(noise_shape):
        if dim is None:
            continue
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            msg = ("Invalid value received for argument `noise_shape`. Expected all "
                   f"elements to be integers or None. Received element at index {i}: "
                   f"{dim} (type: {type(dim).__name__})")
            raise ValueError(msg)  # noqa: TRY004 -- Keras raises ValueError
        if dim <= 0:
            raise ValueError("Invalid value received for argument `noise_shape`. Expected "
                             "all dimensions to be positive integers or None. Received "
                             f"negative or zero value at index {i}: {dim}")
    return tuple(None if d is None else int(d) for d in noise_shape)
