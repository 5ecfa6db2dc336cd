"""keras.random.gamma, beta and binomial: exact samplers built from stateless uniform and
normal draws, with data-dependent rounds in ``ember.while_loop`` so they also run inside
compiled functions."""
from __future__ import annotations

from typing import Any

import ember

from .random_ops import _float_dtype, _shape
from .seed_generator import draw_seed

_FULL_RANGE = dict(minval=None, maxval=None, dtype="int64")


def _stream(seed: Any, tag: int) -> ember.Tensor:
    """A fresh seed pair for sub-stream ``tag`` of ``seed`` (a hash of ``seed + [0, tag *
    2**48]``, far from the pairs ``[s, n]`` that int seeds and generators give), whose
    rounds ``k`` use ``stream + [0, k]``."""
    offset = ember.constant([0, tag << 48], ember.int64)
    return ember.random.stateless_uniform((2,), seed=seed + offset, **_FULL_RANGE)


def _round_seed(stream: ember.Tensor, k: Any) -> ember.Tensor:
    return stream + ember.stack([ember.constant(0, ember.int64), ember.cast(k, ember.int64)])


def _gamma64(shape: tuple, alpha: Any, seed: Any) -> ember.Tensor:
    """Gamma(alpha, 1) samples in float64 by Marsaglia and Tsang's method: each round draws
    a candidate for every entry still waiting; alpha < 1 samples alpha + 1 and scales by
    U ** (1 / alpha)."""
    alpha = ember.broadcast_to(ember.cast(alpha, ember.float64), shape)
    boosted = ember.where(alpha < 1.0, alpha + 1.0, alpha)
    d = boosted - 1.0 / 3.0
    c = 1.0 / ember.sqrt(9.0 * d)
    stream = _stream(seed, 1)

    def cond(k, out, done):
        return ember.logical_not(ember.reduce_all(done))

    def body(k, out, done):
        round_seed = _round_seed(stream, k)
        z = ember.random.stateless_normal(shape, seed=round_seed, dtype="float64")
        u = ember.random.stateless_uniform(shape, seed=round_seed + ember.constant(
            [1, 0], ember.int64), dtype="float64")
        v = (1.0 + c * z) ** 3
        safe_v = ember.where(v > 0, v, ember.ones_like(v))
        accept = ember.logical_and(v > 0, ember.math.log(u) < 0.5 * z * z + d - d * safe_v +
                                   d * ember.math.log(safe_v))
        take = ember.logical_and(accept, ember.logical_not(done))
        return k + 1, ember.where(take, d * safe_v, out), ember.logical_or(done, accept)

    _, sample, _ = ember.while_loop(
        cond, body, (ember.constant(0, ember.int64), ember.zeros(shape, ember.float64),
                     ember.zeros(shape, ember.bool)))
    u = ember.random.stateless_uniform(shape, seed=_stream(seed, 2), dtype="float64")
    small = sample * u ** (1.0 / alpha)
    return ember.where(alpha < 1.0, small, sample)


def _check_positive(value: Any, what: str, op: str) -> ember.Tensor:
    value = ember.cast(ember.convert_to_tensor(value), ember.float64)
    if not ember.executing_eagerly():
        return value
    if not bool(ember.reduce_all(value > 0)):
        raise ValueError(f"`keras.random.{op}`: `{what}` must be positive; received "
                         f"{value.numpy().tolist()}")
    return value


def gamma(shape: Any, alpha: Any, dtype: Any = None, seed: Any = None) -> ember.Tensor:
    """Samples from the gamma distribution with shape ``alpha`` and scale 1.

    >>> from ember import keras
    >>> x = keras.random.gamma((4000,), alpha=3.0, seed=1)
    >>> 2.8 < float(keras.ops.mean(x)) < 3.2
    True
    """
    dtype = _float_dtype(dtype, "gamma")
    shape = _shape(shape)
    alpha = _check_positive(alpha, "alpha", "gamma")
    return ember.cast(_gamma64(shape, alpha, draw_seed(seed)), dtype)


def beta(shape: Any, alpha: Any, beta: Any, dtype: Any = None,
         seed: Any = None) -> ember.Tensor:
    """Samples from the beta distribution, as ``X / (X + Y)`` with ``X ~ Gamma(alpha)`` and
    ``Y ~ Gamma(beta)``.

    >>> from ember import keras
    >>> x = keras.random.beta((4000,), alpha=2.0, beta=6.0, seed=1)
    >>> 0.23 < float(keras.ops.mean(x)) < 0.27
    True
    """
    dtype = _float_dtype(dtype, "beta")
    shape = _shape(shape)
    alpha = _check_positive(alpha, "alpha", "beta")
    b = _check_positive(beta, "beta", "beta")
    seed = draw_seed(seed)
    x = _gamma64(shape, alpha, _stream(seed, 3))
    y = _gamma64(shape, b, _stream(seed, 4))
    return ember.cast(x / (x + y), dtype)


def binomial(shape: Any, counts: Any, probabilities: Any, dtype: Any = None,
             seed: Any = None) -> ember.Tensor:
    """The number of successes in ``counts`` trials of probability ``probabilities``
    (both broadcast to ``shape``), as floats.

    >>> from ember import keras
    >>> x = keras.random.binomial((4000,), counts=10, probabilities=0.3, seed=1)
    >>> 2.85 < float(keras.ops.mean(x)) < 3.15
    True
    """
    dtype = _float_dtype(dtype, "binomial")
    shape = _shape(shape)
    counts = ember.broadcast_to(ember.cast(counts, ember.float64), shape)
    p = ember.broadcast_to(ember.cast(probabilities, ember.float64), shape)
    if ember.executing_eagerly():
        pv = p.numpy()
        if ((pv < 0) | (pv > 1)).any() or (counts.numpy() < 0).any():
            raise ValueError("`keras.random.binomial`: `counts` must be >= 0 and "
                             "`probabilities` in [0, 1]; received counts="
                             f"{counts.numpy().tolist()}, probabilities={pv.tolist()}")
    stream = _stream(draw_seed(seed), 5)
    trials = ember.reduce_max(counts) if shape and 0 not in shape else ember.constant(0.0,
                                                                                     ember.float64)

    def cond(k, total):
        return ember.cast(k, ember.float64) < trials

    def body(k, total):
        u = ember.random.stateless_uniform(shape, seed=_round_seed(stream, k), dtype="float64")
        hit = ember.logical_and(u < p, ember.cast(k, ember.float64) < counts)
        return k + 1, total + ember.cast(hit, ember.float64)

    _, total = ember.while_loop(cond, body, (ember.constant(0, ember.int64),
                                             ember.zeros(shape, ember.float64)))
    return ember.cast(total, dtype)
