"""keras.layers.Normalization: ``(x - mean) / sqrt(variance)`` with statistics given or
learned from data by ``adapt``."""
from __future__ import annotations

import itertools
import math
from typing import Any, Iterable

import numpy as np

import ember

from ... import config as keras_config
from ...models.layer import Layer


def _first_of(batch: Any) -> Any:
    """The inputs of an ``(x, y)`` or ``(x, y, sample_weight)`` batch."""
    return batch[0] if isinstance(batch, tuple) else batch


def _as_numpy(batch: Any) -> np.ndarray:
    if isinstance(batch, (ember.Tensor, ember.Variable)):
        return np.asarray(batch.numpy())
    return np.asarray(batch)


class Normalization(Layer):
    """Shifts and scales inputs to zero mean and unit variance per index of ``axis``.

    ``mean`` and ``variance`` are given (then they are constants, not weights) or
    learned by ``adapt(data)``, which stores them as non-trainable weights ``mean``,
    ``variance`` and ``count`` as Keras does; ``axis=None`` uses one scalar mean and
    variance. ``invert=True`` applies the inverse transformation.

    >>> import numpy as np
    >>> from ember import keras
    >>> layer = keras.layers.Normalization(axis=None)
    >>> layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype="float32"))
    >>> layer(np.array([1.0, 2.0, 3.0], dtype="float32")).numpy()
    array([-1.4142135 , -0.70710677,  0.        ], dtype=float32)
    """

    def __init__(self, axis: Any = -1, mean: Any = None, variance: Any = None,
                 invert: bool = False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape = None
        self.mean = None
        self.variance = None
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` "
                             f"must be set. Received: mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError("When setting values directly, `mean` and `variance` "
                                 f"must have the same shape. Received: mean shape "
                                 f"{np.shape(mean)} and variance shape {np.shape(variance)}")
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError("The rank of `mean` must be less than or equal to the "
                                 f"number of axes ({len(self.axis)}). Received: mean shape "
                                 f"{np.shape(mean)} for axis {self.axis}")

    # -- building -----------------------------------------------------------------------------
    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        self._build_input_shape = input_shape
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError("All `axis` values must be in the range [-ndim, ndim). "
                             f"Received inputs with ndim={ndim}, while axis={self.axis}")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError("All `axis` values to be kept must have a known shape. "
                                 f"Received axis={self.axis}, inputs.shape={input_shape}, "
                                 f"with unknown axis at index {d}")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1
                                      for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance",
                                                  shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            # kept (at 0) for compatibility with Keras files, as Keras does
            self.count = self.add_weight(name="count", shape=(), dtype="int64",
                                         initializer="zeros", trainable=False)
            self.built = True
            self.finalize_state()
            return
        self.mean = self._broadcast_given(self.input_mean, "mean")
        self.variance = self._broadcast_given(self.input_variance, "variance")
        self.built = True

    def _broadcast_given(self, value: Any, what: str):
        """A given mean/variance aligned right-to-left onto the kept axes."""
        value = np.asarray(value)
        expanded = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            expanded[self._keep_axis[-i]] = value.shape[-i]
        try:
            full = np.broadcast_to(value.reshape(expanded), self._broadcast_shape)
        except ValueError:
            raise ValueError(f"Normalization layer '{self.name}': the given {what} of shape "
                             f"{value.shape} cannot be broadcast to the kept axes "
                             f"{self._keep_axis} of inputs of shape "
                             f"{self._build_input_shape} (expected shape "
                             f"{self._mean_and_var_shape}).") from None
        return ember.constant(np.array(full, dtype=self.compute_dtype))

    def finalize_state(self) -> None:
        """Refresh ``mean`` / ``variance`` (broadcastable tensors) from the weights."""
        if self.input_mean is not None or not self.built:
            return
        self.mean, self.variance = self._adapted_stats()

    def _adapted_stats(self):
        dtype = self.compute_dtype
        mean = ember.reshape(self.adapt_mean, self._broadcast_shape)
        variance = ember.reshape(self.adapt_variance, self._broadcast_shape)
        if mean.dtype != dtype:
            mean, variance = ember.cast(mean, dtype), ember.cast(variance, dtype)
        return mean, variance

    # -- adapting -----------------------------------------------------------------------------
    def adapt(self, data: Any, batch_size: int | None = None,
              steps: int | None = None) -> None:
        """Learn ``mean`` and ``variance`` over every axis but ``axis`` from ``data``: a
        NumPy array, a tensor, or an iterable of batches (``(x, y)`` batches use ``x``).
        ``batch_size`` chunks an array; ``steps`` caps the number of batches read.

        >>> import numpy as np
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]]))
        >>> layer.adapt_mean.numpy().tolist(), layer.adapt_variance.numpy().tolist()
        ([1.0, 8.0], [1.0, 1.0])
        """
        if isinstance(data, (np.ndarray, ember.Tensor, ember.Variable)):
            array = _as_numpy(data)
            if batch_size is None:
                batches: Iterable = [array]
            else:
                batches = (array[i:i + batch_size]
                           for i in range(0, max(len(array), 1), int(batch_size)))
        elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes, dict)):
            batches = iter(data)
        else:
            raise TypeError(f"Unsupported data type: {type(data)}. `adapt` supports NumPy "
                            "arrays, tensors, and iterables of batches (e.g. a list or a "
                            "generator of arrays).")
        if steps is not None:
            batches = itertools.islice(batches, int(steps))
        batches = iter(batches)
        first = next(batches, None)
        if first is None:
            raise ValueError("adapt() received an empty iterable (no batches). Expected at "
                             "least one batch. Pass a non-empty iterable of arrays or "
                             "tensors, e.g. layer.adapt([x]) or layer.adapt(list_of_batches).")
        first = _first_of(first)
        if getattr(first, "shape", None) is None and not isinstance(first, (list, float,
                                                                            int)):
            raise TypeError("adapt() expects an iterable that yields arrays or tensors "
                            "with a `.shape` attribute (e.g. numpy arrays or backend "
                            f"tensors). Got an element of type {type(first).__name__}.")
        first = _as_numpy(first)
        if not self.built:
            self.build(first.shape)
        self._adapt_batches(itertools.chain([first], batches))

    def _check_batch(self, shape: tuple) -> None:
        if len(shape) != len(self._build_input_shape) or any(
                shape[d] != self._build_input_shape[d] for d in self._keep_axis):
            raise ValueError(f"The layer was built with input_shape="
                             f"{self._build_input_shape}, but adapt() is being called with "
                             f"data with an incompatible shape, data.shape={shape}")

    def _adapt_batches(self, batches: Iterable) -> None:
        if self.input_mean is not None:
            raise ValueError(f"Normalization layer '{self.name}' was given `mean` and "
                             "`variance`; adapt() cannot change them.")
        total_mean = np.zeros(self._mean_and_var_shape)
        total_var = np.zeros(self._mean_and_var_shape)
        total_count = 0
        for batch in batches:
            batch = _as_numpy(_first_of(batch)).astype(np.float64)
            self._check_batch(batch.shape)
            if batch.size == 0:
                continue
            mean = np.mean(batch, axis=self._reduce_axis)
            var = np.var(batch, axis=self._reduce_axis)
            count = math.prod(batch.shape[d] for d in self._reduce_axis)
            total_count += count
            w = count / total_count
            new_mean = total_mean * (1.0 - w) + mean * w
            # merge the two groups' variances (the lack-of-fit sum of squares)
            total_var = (total_var + (total_mean - new_mean) ** 2) * (1.0 - w) + \
                (var + (mean - new_mean) ** 2) * w
            total_mean = new_mean
        self.adapt_mean.assign(total_mean.astype(self.adapt_mean.dtype.name))
        self.adapt_variance.assign(total_var.astype(self.adapt_variance.dtype.name))
        self.finalize_state()

    # -- calling ------------------------------------------------------------------------------
    def call(self, inputs):
        if not self.built:
            raise ValueError("You must call `.build(input_shape)` on the layer before "
                             "using it.")
        dtype = self.compute_dtype
        x = ember.cast(inputs, dtype) if inputs.dtype != dtype else inputs
        if self.input_mean is None:
            mean, variance = self._adapted_stats()
        else:
            mean, variance = self.mean, self.variance
        std = ember.maximum(ember.sqrt(variance), keras_config.epsilon())
        if self.invert:
            return mean + x * std
        return (x - mean) / std

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        })
        return config

    def get_build_config(self) -> dict | None:
        if self._build_input_shape:
            return {"input_shape": list(self._build_input_shape)}
        return None

    def build_from_config(self, config: dict) -> None:
        if config:
            self.build(tuple(config["input_shape"]))
