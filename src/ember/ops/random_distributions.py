"""Gamma, Poisson, binomial and parameterized truncated-normal samples (``tf.random``).

Each draw is a pure function of a seed pair, as every Ember random op: the stateful forms
(``gamma``, ``poisson``) take the pair from TensorFlow's seed rules, the ``stateless_*``
forms from the caller. Gamma, Poisson and binomial samples come from NumPy's algorithms
driven by a Philox bit generator keyed with the pair (computed on the host, then moved
to the array's device), so a seed gives the same numbers on every run, not TF's numbers.

Edge values follow TensorFlow: ``alpha == 0`` gives the smallest normal float,
``alpha < 0`` NaN; ``lam <= 0`` gives 0; ``probs`` is clipped to [0, 1] and negative
``counts`` give 0. These samples have no gradient.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.backend import to_host
from ..core.dtypes import from_numpy, to_numpy
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from . import random as _r
from .primitive import primitive
from .special_erfinv import erfc_array, erfinv_array

_SQRT2 = math.sqrt(2.0)
_FLOATS = ("float16", "bfloat16", "float32", "float64")
_COUNT_DTYPES = ("float16", "float32", "float64", "int32", "int64")


def _host_rng(seed) -> np.random.Generator:
    pair = [int(v) & _r._M64 for v in to_host(seed).tolist()]
    return np.random.Generator(np.random.Philox(key=np.array(pair, dtype=np.uint64)))


def _f64(xp, a) -> np.ndarray:
    return to_host(a).astype(np.float64)


@primitive(name="random_gamma")
def _gamma(xp, seed, alpha, beta, shape=(), dtype=np.dtype(np.float32)):
    a = np.broadcast_to(_f64(xp, alpha), shape)
    b = np.broadcast_to(_f64(xp, beta), shape)
    draw = _host_rng(seed).standard_gamma(np.where(a > 0, a, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = draw / b
    tiny = float(np.finfo(np.float16 if dtype == np.float16 else
                          np.float64 if dtype == np.float64 else np.float32).tiny)
    out = np.where(np.isnan(a) | (a < 0), np.nan, np.maximum(out, tiny))
    return xp.asarray(out.astype(dtype))


@primitive(name="random_poisson")
def _poisson(xp, seed, lam, shape=(), dtype=np.dtype(np.float32)):
    lm = np.broadcast_to(_f64(xp, lam), shape)
    ok = np.isfinite(lm) & (lm > 0)
    # NumPy refuses rates above ~1e19; such counts are not representable exactly anyway
    out = _host_rng(seed).poisson(np.where(ok, np.minimum(lm, 1e18), 0.0)).astype(np.float64)
    if dtype.kind == "f":
        out = np.where(np.isnan(lm), np.nan, np.where(lm == np.inf, np.inf, out))
    return xp.asarray(out.astype(dtype))


@primitive(name="random_binomial")
def _binomial(xp, seed, counts, probs, shape=(), dtype=np.dtype(np.int32)):
    n = np.broadcast_to(_f64(xp, counts), shape)
    p = np.broadcast_to(_f64(xp, probs), shape)
    n = np.where(np.isfinite(n) & (n > 0), np.floor(n), 0.0).astype(np.int64)
    p = np.clip(np.where(np.isnan(p), 0.0, p), 0.0, 1.0)
    return xp.asarray(_host_rng(seed).binomial(n, p).astype(dtype))


def _erfcinv(xp, y):
    """erfc's inverse on (0, 2), keeping relative precision down to tiny ``y``."""
    small = y < 1e-2
    mid = erfinv_array(xp, 1.0 - xp.where(small, 0.5, y))
    # Newton on log(erfc(z)) = log(y), from the asymptote z ~ sqrt(-log(y))
    ys = xp.where(small, y, 1e-3)
    z = xp.sqrt(-xp.log(ys))
    for _ in range(8):
        e = erfc_array(xp, z)
        slope = -(2.0 / math.sqrt(math.pi)) * xp.exp(-z * z) / e
        z = z - (xp.log(e) - xp.log(ys)) / slope
    return xp.where(small, z, mid)


@primitive(name="random_parameterized_truncated_normal")
def _ptn(xp, seed, means, stddevs, minvals, maxvals, shape=(), dtype=np.dtype(np.float32)):
    m, s, lo, hi = (xp.broadcast_to(xp.asarray(v, dtype=xp.float64), shape)
                    for v in (means, stddevs, minvals, maxvals))
    bad = ~((s > 0) & (lo < hi) & (xp.isfinite(lo) | xp.isfinite(hi)))
    if bool(xp.any(bad)):
        raise InvalidArgumentError(
            "ember.random.stateless_parameterized_truncated_normal: invalid parameters: "
            "every stddev must be > 0 and every minval < maxval (not both infinite)")
    a, b = (lo - m) / s, (hi - m) / s
    flip = a > 0                         # sample right-tail intervals mirrored: [-b, -a]
    lo_s, hi_s = xp.where(flip, -b, a), xp.where(flip, -a, b)
    # lower CDF values through erfc, exact in the left tail: Phi(t) = erfc(-t/sqrt2) / 2
    c_lo = erfc_array(xp, -lo_s / _SQRT2)
    c_hi = erfc_array(xp, -hi_s / _SQRT2)
    n = math.prod(shape)
    u = _r._uniform01(xp, tuple(int(v) for v in to_host(seed).tolist()), n, True)
    c = c_lo + u.reshape(shape) * (c_hi - c_lo)
    z = -_SQRT2 * xp.where(c < 1.0, _erfcinv(xp, xp.where(c < 1.0, c, 1.0)),
                           -_erfcinv(xp, xp.where(c < 1.0, 1.0, 2.0 - c)))
    z = xp.clip(z, lo_s, hi_s)
    z = xp.where(flip, -z, z)
    return (m + s * z).astype(dtype)


# -- argument handling --------------------------------------------------------------------------
def _param(value: Any, npd: np.dtype) -> Tensor:
    from .creation import convert_to_tensor
    from .elementwise import cast
    t = convert_to_tensor(value)
    return t if to_numpy(t.dtype) == npd else cast(t, npd)


def _dtype_in(dtype: Any, allowed: tuple, op: str, arg: str = "dtype") -> np.dtype:
    npd = to_numpy(dtype)
    name = from_numpy(npd).name
    if name not in allowed:
        raise TypeError(f"ember.{op}: {arg} must be one of {', '.join(allowed)}; got {name}")
    return npd


def _param_shape(op: str, *params: Tensor) -> tuple:
    try:
        return tuple(np.broadcast_shapes(*(tuple(p.shape) for p in params)))
    except ValueError:
        raise InvalidArgumentError(
            f"ember.{op}: the parameter shapes "
            f"{', '.join(str(tuple(p.shape)) for p in params)} do not broadcast") from None


def _stateless_shape(shape: tuple, op: str, *params: Tensor) -> tuple:
    """``shape`` itself, after checking the parameters broadcast to it."""
    pshape = _param_shape(op, *params)
    try:
        ok = tuple(np.broadcast_shapes(shape, pshape)) == shape
    except ValueError:
        ok = False
    if not ok:
        raise InvalidArgumentError(f"ember.{op}: shape {shape} must end with the parameters' "
                                   f"broadcast shape {pshape}")
    return shape


# -- public ops ---------------------------------------------------------------------------------
def gamma(shape: Any, alpha: Any, beta: Any = None, dtype: Any = "float32",
          seed: int | None = None, name=None) -> Tensor:
    """Gamma samples with concentration ``alpha`` and rate ``beta`` (default 1): the
    result has shape ``shape + broadcast(alpha.shape, beta.shape)``.

    >>> import ember
    >>> ember.random.gamma([5], alpha=[1.0, 2.0], seed=1).shape
    TensorShape([5, 2])
    """
    op = "random.gamma"
    npd = _dtype_in(dtype, _FLOATS[:1] + _FLOATS[2:], op)
    shp = _r._shape_tuple(shape, op)
    a = _param(alpha, npd)
    b = _param(1.0 if beta is None else beta, npd)
    full = shp + _param_shape(op, a, b)
    return _gamma(_r._stateful_seed(seed, op), a, b, shape=full, dtype=npd)


def stateless_gamma(shape: Any, seed: Any, alpha: Any, beta: Any = None,
                    dtype: Any = "float32", name=None) -> Tensor:
    """Gamma samples of shape ``shape`` (``alpha`` and ``beta`` broadcast to it), a pure
    function of ``seed`` (shape [2]).

    >>> import ember
    >>> ember.random.stateless_gamma([3, 2], seed=[1, 2], alpha=[1.0, 5.0]).shape
    TensorShape([3, 2])
    """
    op = "random.stateless_gamma"
    npd = _dtype_in(dtype, _FLOATS[:1] + _FLOATS[2:], op)
    shp = _r._shape_tuple(shape, op)
    pair = _r._seed_tensor(_r._stateless_seed(seed, op))
    a = _param(alpha, npd)
    b = _param(1.0 if beta is None else beta, npd)
    return _gamma(pair, a, b, shape=_stateless_shape(shp, op, a, b), dtype=npd)


def poisson(shape: Any, lam: Any, dtype: Any = "float32", seed: int | None = None,
            name=None) -> Tensor:
    """Poisson samples with rate ``lam``: shape ``shape + lam.shape``.

    >>> import ember
    >>> ember.random.poisson([4], lam=[1.0, 10.0], dtype="int32", seed=1).shape
    TensorShape([4, 2])
    """
    op = "random.poisson"
    npd = _dtype_in(dtype, _COUNT_DTYPES, op)
    shp = _r._shape_tuple(shape, op)
    lm = _param(lam, np.dtype(np.float64))
    return _poisson(_r._stateful_seed(seed, op), lm, shape=shp + tuple(lm.shape), dtype=npd)


def stateless_poisson(shape: Any, seed: Any, lam: Any, dtype: Any = "int32",
                      name=None) -> Tensor:
    """Poisson samples of shape ``shape`` (``lam`` broadcast to it), a pure function of
    ``seed``.

    >>> import ember
    >>> ember.random.stateless_poisson([2, 3], seed=[1, 2], lam=[1.0, 2.0, 3.0]).dtype
    ember.int32
    """
    op = "random.stateless_poisson"
    npd = _dtype_in(dtype, _COUNT_DTYPES, op)
    shp = _r._shape_tuple(shape, op)
    pair = _r._seed_tensor(_r._stateless_seed(seed, op))
    lm = _param(lam, np.dtype(np.float64))
    return _poisson(pair, lm, shape=_stateless_shape(shp, op, lm), dtype=npd)


def _draw_binomial(pair: Tensor, shape: Any, counts: Any, probs: Any, dtype: Any,
                   op: str) -> Tensor:
    npd = _dtype_in(dtype, _COUNT_DTYPES, op)
    shp = _r._shape_tuple(shape, op)
    n = _param(counts, np.dtype(np.float64))
    p = _param(probs, np.dtype(np.float64))
    return _binomial(pair, n, p, shape=_stateless_shape(shp, op, n, p), dtype=npd)


def stateless_binomial(shape: Any, seed: Any, counts: Any, probs: Any,
                       output_dtype: Any = "int32", name=None) -> Tensor:
    """Binomial samples (``counts`` trials of success probability ``probs``, both
    broadcast to ``shape``), a pure function of ``seed``.

    >>> import ember
    >>> ember.random.stateless_binomial([2], seed=[1, 2], counts=10, probs=[0.0, 1.0])
    <ember.Tensor: shape=(2,), dtype=int32, numpy=array([ 0, 10], dtype=int32)>
    """
    op = "random.stateless_binomial"
    pair = _r._seed_tensor(_r._stateless_seed(seed, op))
    return _draw_binomial(pair, shape, counts, probs, output_dtype, op)


def stateless_parameterized_truncated_normal(shape: Any, seed: Any, means: Any = 0.0,
                                             stddevs: Any = 1.0, minvals: Any = -2.0,
                                             maxvals: Any = 2.0, name=None) -> Tensor:
    """Normal samples of mean ``means`` and standard deviation ``stddevs`` restricted to
    ``[minvals, maxvals]`` (all broadcast to ``shape``), a pure function of ``seed``;
    the dtype is that of ``means`` (float32 for Python numbers). Drawn by inverting the
    normal CDF in float64, accurate far into the tails.

    >>> import ember
    >>> x = ember.random.stateless_parameterized_truncated_normal(
    ...     [1000], seed=[1, 2], minvals=10.0, maxvals=11.0)
    >>> bool(ember.reduce_min(x) >= 10.0) and bool(ember.reduce_max(x) <= 11.0)
    True
    """
    op = "random.stateless_parameterized_truncated_normal"
    from .creation import convert_to_tensor
    m = convert_to_tensor(means)
    npd = _dtype_in(m.dtype, _FLOATS, op, "means' dtype")
    params = [_param(v, npd) for v in (m, stddevs, minvals, maxvals)]
    shp = _stateless_shape(_r._shape_tuple(shape, op), op, *params)
    pair = _r._seed_tensor(_r._stateless_seed(seed, op))
    return _ptn(pair, *params, shape=shp, dtype=npd)


__all__ = ["gamma", "poisson", "stateless_gamma", "stateless_poisson", "stateless_binomial",
           "stateless_parameterized_truncated_normal"]
