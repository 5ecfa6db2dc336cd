"""keras.layers.BatchNormalization: normalize with batch statistics while training and
with their moving averages at inference."""
from __future__ import annotations

from typing import Any

import ember

from ... import config as keras_config
from ... import constraints, initializers, regularizers
from ...models.layer import Layer

_FUSED_MIN_EPSILON = 1.001e-5  # ember.nn.fused_batch_norm raises smaller epsilons to this


def _clone(initializer: Any) -> Any:
    """A fresh copy of an initializer object (so a seeded one is not reused as-is)."""
    if hasattr(initializer, "get_config") and not isinstance(initializer, (str, dict)):
        return type(initializer).from_config(initializer.get_config())
    return initializer


def _float_compute_dtype(dtype: Any) -> Any:
    """Keras computes batch norm in at least float32 (half precision overflows)."""
    return dtype if dtype.is_floating and dtype.size >= 4 else ember.float32


class BatchNormalization(Layer):
    """Normalizes each channel (the ``axis`` dimension) to zero mean and unit variance.

    Training (``training=True`` and ``layer.trainable``) uses the batch's mean and
    variance and updates ``moving = moving * momentum + batch * (1 - momentum)``;
    inference uses the moving statistics. The output is
    ``gamma * (x - mean) / sqrt(variance + epsilon) + beta``. A mask (one axis fewer than
    the inputs) leaves masked-out entries out of the batch statistics. Setting
    ``trainable = False`` runs the layer in inference mode, as in Keras 3.

    >>> from ember import keras
    >>> bn = keras.layers.BatchNormalization()
    >>> y = bn(ember.constant([[1.0, 2.0], [3.0, 6.0]]), training=True)
    >>> [w.name for w in bn.weights]
    ['gamma', 'beta', 'moving_mean', 'moving_variance']
    >>> bn.moving_mean.numpy()
    array([0.02, 0.04], dtype=float32)
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros",
                 moving_variance_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False,
                 renorm_clipping: dict | None = None, renorm_momentum: float = 0.99,
                 synchronized: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)
        # One process holds the whole batch, so synchronized statistics are the local ones.
        self.synchronized = bool(synchronized)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            renorm_clipping = renorm_clipping or {}
            keys = ["rmax", "rmin", "dmax"]
            if set(renorm_clipping) - set(keys):
                raise ValueError("Received invalid keys for `renorm_clipping` argument: "
                                 f"{renorm_clipping}. Supported values: {keys}.")
            rmax, rmin = renorm_clipping.get("rmax"), renorm_clipping.get("rmin")
            dmax = renorm_clipping.get("dmax")
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError("rmax should be greater than rmin in the "
                                 f"`renorm_clipping` argument. Received: rmax={rmax}, "
                                 f"rmin={rmin}.")
            if dmax is not None and dmax < 0:
                raise ValueError("dmax should be non-negative in the `renorm_clipping` "
                                 f"argument. Received: dmax={dmax}.")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes = None

    # -- building -----------------------------------------------------------------------------
    def _axis_for(self, rank: int) -> int:
        if not -rank <= self.axis < rank:
            raise ValueError(f"Axis {self.axis} is out of bounds for input shape of rank "
                             f"{rank}. Received: axis={self.axis}")
        return self.axis % rank

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        axis = self._axis_for(len(input_shape))
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(f"BatchNormalization layer '{self.name}': axis {self.axis} of "
                             f"the input shape {input_shape} must be defined to build the "
                             "layer (it sizes gamma, beta and the moving statistics).")
        shape = (channels,)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma",
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta",
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean",
                                           initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer,
                                               trainable=False, autocast=False)
        if self.renorm:
            def stddev_init(shape, dtype=None):
                return ember.sqrt(_clone(self.moving_variance_initializer)(shape,
                                                                           dtype=dtype))
            # inference tracks the moving stddev; renorm_* are the training-time averages
            self.moving_stddev = self.add_weight(shape=shape, name="moving_stddev",
                                                 initializer=stddev_init,
                                                 trainable=False, autocast=False)
            self.renorm_mean = self.add_weight(
                shape=shape, name="renorm_mean",
                initializer=_clone(self.moving_mean_initializer),
                trainable=False, autocast=False)
            self.renorm_stddev = self.add_weight(shape=shape, name="renorm_stddev",
                                                 initializer=stddev_init,
                                                 trainable=False, autocast=False)
        self._input_rank = len(input_shape)
        self._channels = channels
        self._reduction_axes = [i for i in range(len(input_shape)) if i != axis]
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._axis_for(len(input_shape))
        return tuple(input_shape)

    def _check_input(self, shape: tuple) -> int:
        if len(shape) != self._input_rank:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: expected ndim={self._input_rank}, found "
                             f"ndim={len(shape)}. Full shape received: {shape}")
        axis = self.axis % len(shape)
        if shape[axis] != self._channels:
            raise ValueError(f"Input 0 of layer \"{self.name}\" is incompatible with the "
                             f"layer: expected axis {self.axis} of input shape to have "
                             f"value {self._channels}, but received input with shape "
                             f"{shape}")
        return axis

    # -- calling ------------------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        shape = tuple(inputs.shape)
        axis = self._check_input(shape)
        if mask is not None and mask.ndim != len(shape) - 1:
            raise ValueError("The mask provided should be one dimension less than the "
                             f"inputs. Received: mask.shape={tuple(mask.shape)}, "
                             f"inputs.shape={shape}")
        dtype = _float_compute_dtype(inputs.dtype)
        x = ember.cast(inputs, dtype) if inputs.dtype != dtype else inputs
        gamma = self._cast(self.gamma, dtype)
        beta = self._cast(self.beta, dtype)
        if training and self.trainable:
            if mask is None and not self.renorm and self._fusable(axis, len(shape)):
                y = self._fused_train(x, gamma, beta, axis, dtype)
            else:
                mean, variance = self._moments(x, mask)
                if self.renorm:
                    gamma, beta = self._renorm_transform(mean, variance, gamma, beta, dtype)
                    self._update_renorm_statistics(mean, variance)
                else:
                    self._update_moving(mean, variance)
                y = self._normalize(x, mean, variance, gamma, beta, axis)
        else:
            mean = self._cast(self.moving_mean, dtype)
            variance = self._cast(self.moving_variance, dtype)
            y = self._normalize(x, mean, variance, gamma, beta, axis)
        return ember.cast(y, self.compute_dtype) if y.dtype != self.compute_dtype else y

    @staticmethod
    def _cast(v: Any, dtype: Any) -> Any:
        if v is None:
            return None
        return ember.cast(v, dtype) if v.dtype != dtype else v

    def _fusable(self, axis: int, rank: int) -> bool:
        return rank >= 2 and self.epsilon >= _FUSED_MIN_EPSILON and \
            (axis == rank - 1 or axis == 1)

    def _fused_train(self, x, gamma, beta, axis: int, dtype):
        channels = self._channels
        if gamma is None:
            gamma = ember.ones((channels,), dtype=dtype)
        if beta is None:
            beta = ember.zeros((channels,), dtype=dtype)
        data_format = "NHWC" if axis == x.ndim - 1 else "NCHW"
        y, mean, unbiased = ember.nn.fused_batch_norm(x, gamma, beta,
                                                      epsilon=self.epsilon,
                                                      data_format=data_format)
        n = x.shape.num_elements() // channels
        # the fused op returns the Bessel-corrected variance; Keras averages the biased one
        self._update_moving(mean, unbiased, variance_scale=(n - 1) / n if n > 1 else 0.0)
        return y

    def _moments(self, x, mask):
        axes = self._reduction_axes
        if mask is None:
            return ember.nn.moments(x, axes)
        m = ember.cast(mask, "bool") if mask.dtype != ember.bool else mask
        m = ember.broadcast_to(ember.expand_dims(m, -1), tuple(x.shape))
        weight = ember.reduce_sum(ember.cast(m, x.dtype), axis=axes, keepdims=True) + \
            keras_config.epsilon()
        zero = ember.zeros((), dtype=x.dtype)
        mean = ember.reduce_sum(ember.where(m, x, zero), axis=axes, keepdims=True) / weight
        diff = ember.where(m, x - mean, zero)
        variance = ember.reduce_sum(ember.square(diff), axis=axes, keepdims=True) / weight
        flat = (self._channels,)
        return ember.reshape(mean, flat), ember.reshape(variance, flat)

    def _normalize(self, x, mean, variance, gamma, beta, axis: int):
        if axis != x.ndim - 1:
            bshape = tuple(self._channels if i == axis else 1 for i in range(x.ndim))
            mean, variance = ember.reshape(mean, bshape), ember.reshape(variance, bshape)
            gamma = None if gamma is None else ember.reshape(gamma, bshape)
            beta = None if beta is None else ember.reshape(beta, bshape)
        return ember.nn.batch_normalization(x, mean, variance, beta, gamma, self.epsilon)

    def _update_moving(self, mean, variance, variance_scale: float = 1.0) -> None:
        """``moving = moving * momentum + batch * (1 - momentum)`` (``variance`` is
        multiplied by ``variance_scale`` first); few ops, as it runs every step."""
        m = self.momentum
        mm, mv = self.moving_mean, self.moving_variance
        if mean.dtype != mm.dtype:
            mean, variance = ember.cast(mean, mm.dtype), ember.cast(variance, mv.dtype)
        mm.assign(mm * m + mean * (1.0 - m))
        mv.assign(mv * m + variance * ((1.0 - m) * variance_scale))

    # -- batch renormalization -----------------------------------------------------------
    def _renorm_transform(self, mean, variance, gamma, beta, dtype):
        """``gamma * (x_hat * r + d) + beta`` as one scale and offset (r, d held fixed)."""
        stddev = ember.sqrt(variance + self.epsilon)
        renorm_mean = ember.cast(self.renorm_mean, mean.dtype)
        renorm_stddev = ember.maximum(ember.cast(self.renorm_stddev, mean.dtype),
                                      ember.sqrt(ember.constant(self.epsilon, mean.dtype)))
        r = stddev / renorm_stddev
        d = (mean - renorm_mean) / renorm_stddev
        clip = self.renorm_clipping or {}
        if clip.get("rmin") is not None:
            r = ember.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = ember.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = ember.clip_by_value(d, -clip["dmax"], clip["dmax"])
        r, d = ember.stop_gradient(r), ember.stop_gradient(d)
        if gamma is not None:
            new_gamma, new_beta = r * gamma, d * gamma
        else:
            new_gamma, new_beta = ember.cast(r, dtype), ember.cast(d, dtype)
        if beta is not None:
            new_beta = new_beta + beta
        return new_gamma, new_beta

    def _update_renorm_statistics(self, mean, variance) -> None:
        mean, variance = ember.stop_gradient(mean), ember.stop_gradient(variance)
        stddev = ember.sqrt(variance + self.epsilon)
        rm = self.renorm_momentum
        self.renorm_mean.assign(self.renorm_mean * rm + mean * (1.0 - rm))
        self.renorm_stddev.assign(self.renorm_stddev * rm + stddev * (1.0 - rm))
        m = self.momentum
        self.moving_mean.assign(self.moving_mean * m + mean * (1.0 - m))
        new_stddev = self.moving_stddev * m + stddev * (1.0 - m)
        self.moving_stddev.assign(new_stddev)
        self.moving_variance.assign(ember.maximum(new_stddev * new_stddev - self.epsilon,
                                                  0.0))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer":
                initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        return config
