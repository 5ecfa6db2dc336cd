"""keras.initializers: how new weights get their first values."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import ember

from .. import config
from ..saving.family import ObjectFamily
from ..utils.random import draw_seed


def compute_fans(shape: tuple, input_axes=None, output_axes=None) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape, Keras's way (kernels: receptive field x channels;
    with ``input_axes``/``output_axes``, the product of those axes).

    >>> compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (int(np.prod([shape[a] for a in input_axes])),
                int(np.prod([shape[a] for a in output_axes])))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: ``init(shape, dtype=None)`` returns a tensor."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return cls(**config)

    def clone(self) -> Initializer:
        return type(self).from_config(self.get_config())


def _dtype(dtype) -> str:
    return ember.as_dtype(dtype or config.floatx()).name


def _out(array: np.ndarray, dtype) -> ember.Tensor:
    return ember.constant(np.asarray(array).astype(_dtype(dtype) if _dtype(dtype) !=
                                                    "bfloat16" else np.float32),
                          dtype=_dtype(dtype))


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return ember.zeros(tuple(shape), dtype=_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return ember.ones(tuple(shape), dtype=_dtype(dtype))


class Constant(Initializer):
    """Every value set to ``value``."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return _out(np.broadcast_to(np.asarray(self.value, dtype=np.float64), tuple(shape)),
                    dtype)

    def get_config(self):
        v = self.value
        return {"value": v.tolist() if hasattr(v, "tolist") else v}


class Identity(Initializer):
    """The identity matrix times ``gain`` (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={tuple(shape)} of rank {len(shape)}.")
        return _out(self.gain * np.eye(*shape), dtype)

    def get_config(self):
        return {"gain": self.gain}


IdentityInitializer = Identity


class RandomInitializer(Initializer):
    """Base of the random initializers: a fixed ``seed`` gives the same values every call;
    ``seed=None`` draws from Keras's seeded generator (``keras.utils.set_random_seed``)."""

    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise ValueError(f"`seed` argument should be an integer or None. Received: "
                             f"seed={seed!r}")
        self.seed = seed

    def _rng(self) -> np.random.Generator:
        return np.random.default_rng(self.seed if self.seed is not None else draw_seed())

    def get_config(self):
        return {"seed": self.seed}


def _truncated(rng, shape, mean, stddev):
    """Normal values re-drawn until within two standard deviations."""
    out = rng.normal(mean, stddev, size=shape)
    bad = np.abs(out - mean) > 2 * stddev
    while bad.any():
        out[bad] = rng.normal(mean, stddev, size=int(bad.sum()))
        bad = np.abs(out - mean) > 2 * stddev
    return out


class RandomNormal(RandomInitializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _out(self._rng().normal(self.mean, self.stddev, size=tuple(shape)), dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class TruncatedNormal(RandomInitializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _out(_truncated(self._rng(), tuple(shape), self.mean, self.stddev), dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class RandomUniform(RandomInitializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        return _out(self._rng().uniform(self.minval, self.maxval, size=tuple(shape)), dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class VarianceScaling(RandomInitializer):
    """Values scaled to the weight's fan: the family behind Glorot, He and LeCun."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        super().__init__(seed)
        self.input_axes, self.output_axes = input_axes, output_axes
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: "
                             f"scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode!r}; expected fan_in, fan_out "
                             "or fan_avg")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out,
               "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, fan)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / 0.87962566103423978
            values = _truncated(rng, shape, 0.0, stddev)
        elif self.distribution == "untruncated_normal":
            values = rng.normal(0.0, math.sqrt(scale), size=shape)
        else:
            limit = math.sqrt(3.0 * scale)
            values = rng.uniform(-limit, limit, size=shape)
        return _out(values, dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                **super().get_config(), "input_axes": self.input_axes,
                "output_axes": self.output_axes}


def _variance_scaling_preset(name, scale, mode, distribution, doc):
    class Preset(VarianceScaling):
        __doc__ = doc

        def __init__(self, seed=None, input_axes=None, output_axes=None):
            super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed,
                             input_axes=input_axes, output_axes=output_axes)

        def get_config(self):
            return {"seed": self.seed, "input_axes": self.input_axes,
                    "output_axes": self.output_axes}

    Preset.__name__ = Preset.__qualname__ = name
    return Preset


GlorotUniform = _variance_scaling_preset("GlorotUniform", 1.0, "fan_avg", "uniform",
                                         "Uniform within sqrt(6 / (fan_in + fan_out)).")
GlorotNormal = _variance_scaling_preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                                        "Truncated normal, stddev sqrt(2 / (fan_in + fan_out)).")
HeUniform = _variance_scaling_preset("HeUniform", 2.0, "fan_in", "uniform",
                                     "Uniform within sqrt(6 / fan_in).")
HeNormal = _variance_scaling_preset("HeNormal", 2.0, "fan_in", "truncated_normal",
                                    "Truncated normal, stddev sqrt(2 / fan_in).")
LecunUniform = _variance_scaling_preset("LecunUniform", 1.0, "fan_in", "uniform",
                                        "Uniform within sqrt(3 / fan_in).")
LecunNormal = _variance_scaling_preset("LecunNormal", 1.0, "fan_in", "truncated_normal",
                                       "Truncated normal, stddev sqrt(1 / fan_in).")
for _cls in (GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal):
    _cls.__module__ = __name__


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix times ``gain``, reshaped to the weight's shape."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(f"The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = self._rng().normal(size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return _out(self.gain * q.reshape(shape), dtype)

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}


OrthogonalInitializer = Orthogonal

ALL_CLASSES = {c.__name__: c for c in (
    Zeros, Ones, Constant, Identity, RandomNormal, TruncatedNormal, RandomUniform,
    VarianceScaling, GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform,
    LecunNormal, Orthogonal)}
ALL_CLASSES.update({"IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal})
_ALIASES = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "identity": Identity, "random_normal": RandomNormal, "normal": RandomNormal,
    "truncated_normal": TruncatedNormal, "random_uniform": RandomUniform,
    "uniform": RandomUniform, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_uniform": HeUniform,
    "he_normal": HeNormal, "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal,
}

# function-style aliases, as Keras exports them
zeros, ones, constant = Zeros, Ones, Constant
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_uniform, he_normal, lecun_uniform, lecun_normal = HeUniform, HeNormal, LecunUniform, \
    LecunNormal
orthogonal, random_normal, random_uniform = Orthogonal, RandomNormal, RandomUniform
truncated_normal, variance_scaling, identity = TruncatedNormal, VarianceScaling, Identity


_FAMILY = ObjectFamily(
    ALL_CLASSES, aliases=_ALIASES, instantiates=Initializer,
    invalid="Could not interpret initializer identifier: {!r}")


def get(identifier: Any):
    """An initializer from a name (``"glorot_uniform"``), class name, config, instance or
    callable.

    >>> get("he_normal").__class__.__name__
    'HeNormal'
    """
    return _FAMILY.get(identifier)


def serialize(initializer) -> Any:
    """The Keras 3 config envelope of ``initializer``.

    >>> serialize(Zeros())["class_name"]
    'Zeros'
    """
    return _FAMILY.serialize(initializer)


def deserialize(config, custom_objects=None):
    """The initializer a config envelope (or a class name) describes.

    >>> type(deserialize(serialize(Zeros()))).__name__
    'Zeros'
    """
    return _FAMILY.deserialize(config, custom_objects)
