"""keras.random: stateless draws whose seed is an int (same values every call), a
``SeedGenerator`` (new values every call, repeatable run to run) or None (Keras's global
generator, reset by ``keras.utils.set_random_seed``)."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember
from ember.ops.random import stateless_keep_mask

from .. import config
from .seed_generator import draw_seed


def _float_dtype(dtype: Any, op: str) -> str:
    name = config.floatx() if dtype is None else ember.as_dtype(dtype).name
    if not ember.as_dtype(name).is_floating:
        raise ValueError(f"`keras.random.{op}` requires a floating point `dtype`. "
                         f"Received: dtype={dtype} ")
    return name


def _shape(shape: Any) -> tuple:
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
           seed: Any = None) -> ember.Tensor:
    """Samples from a normal distribution.

    >>> from ember import keras
    >>> keras.random.normal((2, 3), seed=1).shape
    TensorShape([2, 3])
    """
    return ember.random.stateless_normal(_shape(shape), seed=draw_seed(seed), mean=mean,
                                         stddev=stddev, dtype=_float_dtype(dtype, "normal"))


def uniform(shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None,
            seed: Any = None) -> ember.Tensor:
    """Samples from a uniform distribution on ``[minval, maxval)``; floats only (use
    ``randint`` for integers).

    >>> from ember import keras
    >>> float(keras.ops.max(keras.random.uniform((100,), 2.0, 3.0, seed=1))) < 3.0
    True
    """
    return ember.random.stateless_uniform(_shape(shape), seed=draw_seed(seed), minval=minval,
                                          maxval=maxval, dtype=_float_dtype(dtype, "uniform"))


def randint(shape: Any, minval: int, maxval: int, dtype: Any = "int32",
            seed: Any = None) -> ember.Tensor:
    """Integers drawn uniformly from ``[minval, maxval)``.

    >>> from ember import keras
    >>> keras.random.randint((3,), 0, 5, seed=2).dtype.name
    'int32'
    """
    dt = ember.as_dtype(dtype)
    if not dt.is_integer:
        raise ValueError("`keras.random.randint` requires an integer `dtype`. "
                         f"Received: dtype={dtype} ")
    return ember.random.stateless_uniform(_shape(shape), seed=draw_seed(seed),
                                          minval=int(minval), maxval=int(maxval),
                                          dtype=dt.name)


def truncated_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
                     seed: Any = None) -> ember.Tensor:
    """Normal samples redrawn until within two standard deviations of the mean.

    >>> from ember import keras
    >>> float(keras.ops.max(keras.ops.abs(keras.random.truncated_normal((500,), seed=3)))) <= 2
    True
    """
    return ember.random.stateless_truncated_normal(
        _shape(shape), seed=draw_seed(seed), mean=mean, stddev=stddev,
        dtype=_float_dtype(dtype, "truncated_normal"))


def categorical(logits: Any, num_samples: int, dtype: Any = "int32",
                seed: Any = None) -> ember.Tensor:
    """Class indices drawn from the rows of ``logits`` (batch, classes), as
    (batch, num_samples).

    >>> from ember import keras
    >>> keras.random.categorical([[0.0, 0.0, 0.0]], 4, seed=1).shape
    TensorShape([1, 4])
    """
    logits = ember.convert_to_tensor(logits)
    if logits.ndim != 2:
        raise ValueError("`logits` should be a 2-D tensor with shape [batch_size, "
                         f"num_classes]. Received: logits={logits}")
    return ember.random.stateless_categorical(logits, int(num_samples), seed=draw_seed(seed),
                                              dtype=dtype)


def dropout(inputs: Any, rate: float, noise_shape: Any = None,
            seed: Any = None) -> ember.Tensor:
    """``inputs`` with each entry zeroed with probability ``rate`` and the rest scaled by
    ``1 / (1 - rate)``; ``noise_shape`` (None entries: the input's size) shares draws
    along its size-1 axes.

    >>> from ember import keras
    >>> sorted(set(keras.random.dropout(ember.ones((50,)), 0.5, seed=1).numpy().tolist()))
    [0.0, 2.0]
    """
    inputs = ember.convert_to_tensor(inputs)
    if not inputs.dtype.is_floating:
        raise ValueError("`keras.random.dropout` needs floating point inputs; received "
                         f"dtype {inputs.dtype.name} of shape {tuple(inputs.shape)}")
    rate = float(rate)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"`keras.random.dropout`: rate must be in [0, 1]; received {rate}")
    seed = draw_seed(seed)
    if rate == 1.0:
        return ember.zeros_like(inputs)
    shape = tuple(inputs.shape)
    if noise_shape is not None:
        noise_shape = tuple(noise_shape)
        if len(noise_shape) != len(shape):
            raise ValueError(f"`keras.random.dropout`: noise_shape {noise_shape} must have "
                             f"the rank of the inputs, whose shape is {shape}")
        shape = tuple(s if n is None else int(n) for n, s in zip(noise_shape, shape))
    keep = stateless_keep_mask(shape, seed, rate, inputs.dtype)
    return inputs * (keep * (1.0 / (1.0 - rate)))


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> ember.Tensor:
    """``x`` with its slices along ``axis`` in a random order.

    >>> from ember import keras
    >>> sorted(keras.random.shuffle(ember.range(5), seed=1).numpy().tolist())
    [0, 1, 2, 3, 4]
    """
    x = ember.convert_to_tensor(x)
    axis = int(axis)
    if not -x.ndim <= axis < max(x.ndim, 1):
        raise ValueError(f"`keras.random.shuffle`: axis {axis} is out of range for an input "
                         f"of shape {tuple(x.shape)}")
    keys = ember.random.stateless_uniform((x.shape[axis],), seed=draw_seed(seed))
    return ember.gather(x, ember.argsort(keys), axis=axis)
