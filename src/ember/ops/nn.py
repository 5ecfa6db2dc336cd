"""Neural-network ops of ``tf.nn`` other than activations and convolutions: the
cross-entropy losses, ``l2_loss``, ``log_poisson_loss``, the loss scaling of
``compute_average_loss`` / ``scale_regularization_loss``, ``moments`` /
``weighted_moments`` and the batch-normalization family, ``local_response_normalization``,
``bias_add``.

The losses that need it are fused primitives: their forward is the numerically stable
formula (log-sum-exp with the maximum subtracted), and their gradients are written with
Ember ops, so they can be differentiated again. ``fused_batch_norm`` in training mode is
one primitive with a hand-derived gradient.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.convert import to_array
from ..core.dtypes import from_numpy
from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from ..core.variable import Variable
from .activations import (_blockwise, _log1p_unit, _log_softmax, _sigmoid, _softmax,
                          _softplus)
from .creation import convert_to_tensor
from .elementwise import (add, cast, divide_no_nan, exp, greater_equal, less_equal, log,
                          logical_and, multiply, pow as pow_, rsqrt, square, subtract, where,
                          zeros_like_value)
from .kernels import kernels_for
from .primitive import primitive
from .reduction import normalize_axis, reduce_sum
from .shape import pad, reshape

__all__ = [
    "sigmoid_cross_entropy_with_logits", "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits", "weighted_cross_entropy_with_logits",
    "l2_loss", "moments", "normalize_moments", "batch_normalization", "fused_batch_norm",
    "bias_add", "weighted_moments", "log_poisson_loss", "compute_average_loss",
    "scale_regularization_loss", "local_response_normalization",
]


# -- helpers --------------------------------------------------------------------------------
def _tensor(x: Any) -> Any:
    """Tensors and Variables pass through (so gradients reach them); other values
    (lists, NumPy arrays, Python numbers) become Tensors."""
    if isinstance(x, (Tensor, Variable)):
        return x
    return Tensor(to_array(x))


def _desc(x: Any) -> str:
    v = x._value
    return f"{from_numpy(v.dtype).name} tensor of shape {tuple(v.shape)}"


def _float(x: Any) -> Tensor:
    """``x`` as a Tensor; integers and bools become float32."""
    x = convert_to_tensor(x)
    return cast(x, "float32") if x.dtype.is_integer or x.dtype.is_bool else x


def _half_to_float(xp, x):
    """(array computed in, dtype to cast the result back to or None)."""
    k = x.dtype.kind
    if (k == "f" and x.dtype.itemsize < 4) or x.dtype.name == "bfloat16":
        return x.astype(xp.float32), x.dtype
    if k in "iub":
        return x.astype(xp.float32), None
    return x, None


def _back(a, dtype):
    return a if dtype is None else a.astype(dtype)


def _labels_like(labels: Any, logits: Any) -> Any:
    """Labels in the logits' dtype (TensorFlow requires them to match already)."""
    if labels._value.dtype != logits._value.dtype:
        return cast(labels, logits._value.dtype)
    return labels


def _require_floating(x: Any, what: str, op: str) -> None:
    d = x._value.dtype
    if not (d.kind == "f" or d.name == "bfloat16"):
        raise TypeError(f"ember.{op}: {what} must be a floating-point tensor; got "
                        f"{_desc(x)}")


# -- sigmoid cross-entropy -----------------------------------------------------------------
@primitive(name="sigmoid_cross_entropy_with_logits")
def _sigmoid_ce(xp, labels, logits):
    # max(x, 0) - x z + log(1 + exp(-|x|)): exp of non-positive numbers only
    def block(z, x):
        e = xp.abs(x)
        xp.negative(e, out=e)
        xp.exp(e, out=e)
        out = _log1p_unit(xp, e)
        out += xp.maximum(x, 0)
        out -= x * z
        return out
    return _blockwise(xp, block, labels, logits)


@_sigmoid_ce.vjp
def _(g, y, labels, logits):
    return g * -logits, g * (_sigmoid(logits) - labels)


def _pair(labels: Any, logits: Any, op: str):
    if labels is None or logits is None:
        raise ValueError(f"ember.{op}: both labels and logits must be given")
    labels, logits = _tensor(labels), _tensor(logits)
    _require_floating(logits, "logits", op)
    if labels._value.shape != logits._value.shape:
        raise InvalidArgumentError(
            f"ember.{op}: logits and labels must have the same shape; got labels "
            f"{_desc(labels)} and logits {_desc(logits)}")
    return _labels_like(labels, logits), logits


def sigmoid_cross_entropy_with_logits(labels: Any = None, logits: Any = None, name=None):
    """Elementwise logistic loss ``-z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x))``
    for labels ``z`` and logits ``x`` of the same shape, computed as
    ``max(x, 0) - x * z + log(1 + exp(-abs(x)))`` (no overflow for large ``|x|``).

    >>> import ember
    >>> ember.nn.sigmoid_cross_entropy_with_logits(labels=[1.0, 0.0],
    ...                                            logits=[0.0, 0.0]).numpy().round(4)
    array([0.6931, 0.6931], dtype=float32)
    """
    labels, logits = _pair(labels, logits, "sigmoid_cross_entropy_with_logits")
    return _sigmoid_ce(labels, logits)


def weighted_cross_entropy_with_logits(labels: Any, logits: Any, pos_weight: Any, name=None):
    """Like ``sigmoid_cross_entropy_with_logits`` with the positive term weighted by
    ``pos_weight``: ``(1 - z) x + (1 + (pos_weight - 1) z) log(1 + exp(-x))``.

    >>> import ember
    >>> ember.nn.weighted_cross_entropy_with_logits([1.0], [0.0], 2.0).numpy().round(4)
    array([1.3863], dtype=float32)
    """
    labels, logits = _pair(labels, logits, "weighted_cross_entropy_with_logits")
    if isinstance(pos_weight, (int, float, np.integer, np.floating)):
        log_weight = add(multiply(labels, float(pos_weight) - 1.0), 1)  # weak scalars
    else:
        log_weight = add(multiply(subtract(pos_weight, 1), labels), 1)
    # softplus(-x) = log(1 + exp(-x)), stable and smooth
    return add(multiply(subtract(1, labels), logits), multiply(log_weight, _softplus(-logits)))


# -- softmax cross-entropy -------------------------------------------------------------------
@primitive(name="softmax_cross_entropy_with_logits")
def _softmax_ce(xp, labels, logits, axis=-1):
    logits, back = _half_to_float(xp, logits)
    labels = labels.astype(logits.dtype, copy=False)
    shifted = logits - xp.max(logits, axis=axis, keepdims=True)
    lse = xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))
    # -sum(labels * log_softmax) with log_softmax = shifted - lse
    shifted -= lse
    shifted *= labels
    return _back(-xp.sum(shifted, axis=axis), back)


@_softmax_ce.vjp
def _(g, y, labels, logits, axis=-1):
    keep = list(logits.shape)
    keep[axis] = 1
    gk = reshape(g, tuple(keep))
    # exact for any labels: softmax * sum(labels) - labels (= softmax - labels when the
    # labels are a distribution, which is what TensorFlow's kernel returns)
    p = _softmax(logits, axis=axis)
    d_logits = gk * (p * reduce_sum(labels, axis=axis, keepdims=True) - labels)
    d_labels = -gk * _log_softmax(logits, axis=axis)
    return d_labels, d_logits


def softmax_cross_entropy_with_logits(labels: Any, logits: Any, axis: int = -1, name=None):
    """Cross-entropy between a distribution ``labels`` and ``softmax(logits)`` along
    ``axis``: ``-reduce_sum(labels * log_softmax(logits), axis)``. The result drops
    ``axis``. Computed with a stable log-sum-exp; differentiable in both arguments.

    >>> import ember
    >>> ember.nn.softmax_cross_entropy_with_logits([[0.0, 1.0]],
    ...                                            [[0.0, 0.0]]).numpy().round(4)
    array([0.6931], dtype=float32)
    """
    op = "softmax_cross_entropy_with_logits"
    labels, logits = _pair(labels, logits, op)
    ndim = logits._value.ndim
    if ndim == 0:
        raise InvalidArgumentError(f"ember.{op}: logits must have rank >= 1; got a scalar")
    ax = normalize_axis(int(axis), ndim, op)[0]
    return _softmax_ce(labels, logits, axis=ax)


@primitive
def _one_hot_rows(xp, labels, depth=1, dtype=np.float32):
    """One-hot encoding along a new last axis (no gradient)."""
    return (labels[..., None] == xp.arange(depth, dtype=labels.dtype)).astype(dtype)


@primitive(name="sparse_softmax_cross_entropy_with_logits")
def _sparse_softmax_ce(xp, labels, logits):
    num_classes = logits.shape[-1]
    bad = (labels < 0) | (labels >= num_classes)
    if bad.any():
        first = int(labels[bad].reshape(-1)[0])
        raise InvalidArgumentError(
            f"ember.sparse_softmax_cross_entropy_with_logits: received a label value of "
            f"{first} which is outside the valid range of [0, {num_classes}) (labels "
            f"{labels.dtype.name} of shape {tuple(labels.shape)}, logits "
            f"{logits.dtype.name} of shape {tuple(logits.shape)})")
    logits, back = _half_to_float(xp, logits)
    shifted = logits - xp.max(logits, axis=-1, keepdims=True)
    lse = xp.log(xp.sum(xp.exp(shifted), axis=-1))
    picked = xp.take_along_axis(shifted, labels[..., None].astype(xp.intp), axis=-1)
    return _back(lse - picked[..., 0], back)


@_sparse_softmax_ce.vjp
def _(g, y, labels, logits):
    depth = int(logits.shape[-1])
    gk = reshape(g, tuple(g.shape) + (1,))
    onehot = _one_hot_rows(labels, depth=depth, dtype=logits._value.dtype)
    return None, gk * (_softmax(logits, axis=logits.ndim - 1) - onehot)


def sparse_softmax_cross_entropy_with_logits(labels: Any = None, logits: Any = None,
                                             name=None):
    """Softmax cross-entropy with integer class labels: for logits of shape
    ``[..., num_classes]`` and int labels of shape ``[...]`` in ``[0, num_classes)``,
    ``logsumexp(logits) - logits[label]``. A label out of range is an error.

    >>> import ember
    >>> ember.nn.sparse_softmax_cross_entropy_with_logits(
    ...     [1], [[0.0, 0.0]]).numpy().round(4)
    array([0.6931], dtype=float32)
    """
    op = "sparse_softmax_cross_entropy_with_logits"
    if labels is None or logits is None:
        raise ValueError(f"ember.{op}: both labels and logits must be given")
    labels, logits = _tensor(labels), _tensor(logits)
    _require_floating(logits, "logits", op)
    lv, xv = labels._value, logits._value
    if lv.dtype.kind not in "iu":
        raise TypeError(f"ember.{op}: labels must be an integer tensor of class indices; "
                        f"got {_desc(labels)}")
    if xv.ndim == 0 or lv.shape != xv.shape[:-1]:
        raise InvalidArgumentError(
            f"ember.{op}: labels must have the shape of logits without its last "
            f"dimension (logits [..., num_classes], labels [...]); got labels "
            f"{_desc(labels)} and logits {_desc(logits)}")
    return _sparse_softmax_ce(labels, logits)


# -- l2_loss ---------------------------------------------------------------------------------
@primitive(name="l2_loss")
def _l2_loss(xp, t):
    if t.dtype.kind in "iub":
        t = t.astype(xp.float32)
    flat = t.reshape(-1)
    return xp.asarray(xp.dot(flat, flat) * 0.5, dtype=t.dtype)


@_l2_loss.vjp
def _(g, y, t):
    return g * t


def l2_loss(t: Any, name=None):
    """Half the sum of squares: ``sum(t ** 2) / 2`` (a scalar).

    >>> import ember
    >>> float(ember.nn.l2_loss([1.0, 2.0]))
    2.5
    """
    return _l2_loss(t)


# -- log_poisson_loss ------------------------------------------------------------------------
def log_poisson_loss(targets: Any, log_input: Any, compute_full_loss: bool = False,
                     name=None) -> Tensor:
    """``exp(log_input) - log_input * targets``; with ``compute_full_loss`` plus the
    Stirling term ``z log z - z + log(2 pi z) / 2`` where the target ``z`` is above 1."""
    li = _float(log_input)
    z = cast(targets, li.dtype)
    if tuple(z.shape) != tuple(li.shape):
        raise InvalidArgumentError(
            f"ember.nn.log_poisson_loss: log_input and targets must have the same shape; "
            f"got {tuple(li.shape)} and {tuple(z.shape)}")
    result = exp(li) - li * z
    if compute_full_loss:
        small = logical_and(greater_equal(z, 0), less_equal(z, 1))
        safe = where(small, zeros_like_value(z) + 1, z)
        stirling = safe * log(safe) - safe + 0.5 * log(2 * math.pi * safe)
        result = result + where(small, zeros_like_value(z), stirling)
    return result


# -- loss scaling ----------------------------------------------------------------------------
def compute_average_loss(per_example_loss: Any, sample_weight: Any = None,
                         global_batch_size: Any = None) -> Tensor:
    """The per-example losses (times ``sample_weight``) summed and divided by
    ``global_batch_size`` (default: the batch size; Ember runs one replica here).

    >>> import ember
    >>> float(ember.nn.compute_average_loss([1.0, 2.0, 3.0], global_batch_size=6))
    1.0
    """
    loss = _float(per_example_loss)
    if sample_weight is not None:
        loss = loss * cast(sample_weight, loss.dtype)
    if global_batch_size is None:
        if loss.ndim == 0:
            raise InvalidArgumentError("ember.nn.compute_average_loss: per_example_loss "
                                       "must have rank >= 1 when global_batch_size is None")
        global_batch_size = loss.shape[0]
    n = cast(global_batch_size, loss.dtype)
    if not isinstance(global_batch_size, Tensor) and float(global_batch_size) <= 0:
        raise InvalidArgumentError(f"ember.nn.compute_average_loss: global_batch_size must "
                                   f"be positive; got {global_batch_size}")
    return reduce_sum(loss) / n


def scale_regularization_loss(regularization_loss: Any) -> Tensor:
    """The summed regularization loss divided by the number of replicas (1 here)."""
    return reduce_sum(_float(regularization_loss))


# -- moments and batch normalization ---------------------------------------------------------
def _keep_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


@primitive(name="moments", multiple_results=True)
def _moments(xp, x, axes=(), keepdims=False):
    xf, back = _half_to_float(xp, x)
    mean = xp.mean(xf, axis=axes, keepdims=True)
    d = xf - mean
    d *= d
    var = xp.mean(d, axis=axes, keepdims=True)
    if not keepdims:
        mean = xp.squeeze(mean, axis=axes)
        var = xp.squeeze(var, axis=axes)
    return _back(mean, back), _back(var, back)


@_moments.vjp
def _(g, outs, x, axes=(), keepdims=False):
    gm, gv = g
    mean = outs[0]
    shape = tuple(x.shape)
    if not keepdims:
        keep = _keep_shape(shape, axes)
        gm, gv, mean = reshape(gm, keep), reshape(gv, keep), reshape(mean, keep)
    n = 1
    for a in axes:
        n *= shape[a]
    # mean: 1/n each; variance: 2 (x - mean) / n (the mean's own path sums to zero)
    return gm * (1.0 / max(n, 1)) + (x - mean) * (gv * (2.0 / max(n, 1)))


def moments(x: Any, axes: Any, shift: Any = None, keepdims: bool = False, name=None):
    """Mean and (biased) variance of ``x`` over ``axes``: returns ``(mean, variance)``.
    ``shift`` is accepted and unused, as in TensorFlow 2. Half-precision inputs are
    reduced in float32.

    >>> import ember
    >>> m, v = ember.nn.moments(ember.constant([1.0, 2.0, 3.0, 4.0]), axes=[0])
    >>> float(m), float(v)
    (2.5, 1.25)
    """
    x = _tensor(x)
    ax = normalize_axis(axes, x._value.ndim, "moments") if axes is not None else None
    if ax is None:
        raise InvalidArgumentError("ember.moments: axes must be a list of ints; got None")
    return _moments(x, axes=ax, keepdims=bool(keepdims))


def normalize_moments(counts: Any, mean_ss: Any, variance_ss: Any, shift: Any, name=None):
    """Mean and variance from sufficient statistics: ``mean = mean_ss / counts``
    (plus ``shift`` when given) and ``variance = variance_ss / counts - shifted_mean**2``.

    >>> import ember
    >>> m, v = ember.nn.normalize_moments(4.0, 10.0, 30.0, None)
    >>> float(m), float(v)
    (2.5, 1.25)
    """
    divisor = 1.0 / _tensor(counts) if not isinstance(counts, (int, float)) else 1.0 / counts
    shifted_mean = multiply(mean_ss, divisor)
    mean = add(shifted_mean, shift) if shift is not None else shifted_mean
    variance = subtract(multiply(variance_ss, divisor), square(shifted_mean))
    return mean, variance


def weighted_moments(x: Any, axes: Any, frequency_weights: Any, keepdims: bool = False,
                     name=None) -> tuple[Tensor, Tensor]:
    """Frequency-weighted mean and variance of ``x`` over ``axes`` (0 where the weights
    sum to 0).

    >>> import ember
    >>> m, v = ember.nn.weighted_moments([1.0, 3.0], [0], [1.0, 3.0])
    >>> float(m), float(v)
    (2.5, 0.75)
    """
    x = _float(x)
    w = cast(frequency_weights, x.dtype)
    ax = list(normalize_axis(axes, x.ndim, "weighted_moments"))
    total = reduce_sum(w * x, axis=ax, keepdims=True)
    weight_sum = reduce_sum(w + zeros_like_value(x), axis=ax, keepdims=True)
    mean = divide_no_nan(total, weight_sum)
    dist = reduce_sum(w * (x - mean) * (x - mean), axis=ax, keepdims=True)
    variance = divide_no_nan(dist, weight_sum)
    if not keepdims:
        kept = [d for i, d in enumerate(mean.shape) if i not in ax]
        mean, variance = reshape(mean, kept), reshape(variance, kept)
    return mean, variance


def batch_normalization(x: Any, mean: Any, variance: Any, offset: Any, scale: Any,
                        variance_epsilon: float, name=None):
    """``scale * (x - mean) / sqrt(variance + variance_epsilon) + offset`` (broadcasting;
    ``offset`` and ``scale`` may be None).

    >>> import ember
    >>> ember.nn.batch_normalization(ember.constant([1.0, 3.0]), 2.0, 1.0, None, None,
    ...                              0.0).numpy()
    array([-1.,  1.], dtype=float32)
    """
    x = _tensor(x)
    inv = rsqrt(add(variance, variance_epsilon))
    if scale is not None:
        inv = multiply(inv, scale)
    shift = -multiply(mean, inv) if offset is None else subtract(offset, multiply(mean, inv))
    xd = x._value.dtype
    if inv._value.dtype != xd and x.dtype.is_floating:
        inv, shift = cast(inv, xd), cast(shift, xd)
    return add(multiply(x, inv), shift)


# -- layer normalization (fused) ----------------------------------------------------------------
def _ln_trailing(x, axes) -> bool:
    """The normalized axes are the trailing ones of a C-contiguous float32/float64 array:
    every group is one contiguous row of a matrix."""
    nd = x.ndim
    return (axes == tuple(range(nd - len(axes), nd)) and x.flags.c_contiguous
            and x.dtype.kind == "f" and x.dtype.itemsize >= 4)


def _ln_normalized(xp, x, axes, epsilon):
    """``((x - mean) * inv, inv)`` over ``axes``: ``inv = 1 / sqrt(var + epsilon)`` with
    kept dims; the first is a new array. Row sums are matrix-vector products."""
    if _ln_trailing(x, axes):
        n = 1
        for a in axes:
            n *= x.shape[a]
        x2 = x.reshape(-1, n)
        mean = x2 @ xp.full(n, 1.0 / max(n, 1), x.dtype)
        xh = x2 - mean[:, None]
        inv = xp.einsum("ij,ij->i", xh, xh)
        inv *= 1.0 / max(n, 1)
        inv += epsilon
        xp.sqrt(inv, out=inv)
        xp.divide(1.0, inv, out=inv)
        xh *= inv[:, None]
        return xh.reshape(x.shape), inv.reshape(_ln_kept_shape(x.shape, axes))
    mean = xp.mean(x, axis=axes, keepdims=True)
    xh = x - mean
    inv = xp.mean(xh * xh, axis=axes, keepdims=True)
    inv += epsilon
    xp.sqrt(inv, out=inv)
    xp.divide(1.0, inv, out=inv)
    xh *= inv
    return xh, inv


def _np_sum_to(xp, a, shape):
    """``a`` summed down to the broadcastable ``shape`` (a backend array)."""
    if a.shape == tuple(shape):
        return a
    lead = a.ndim - len(shape)
    if (lead >= 1 and tuple(a.shape[lead:]) == tuple(shape) and a.flags.c_contiguous
            and a.dtype.kind == "f"):
        a2 = a.reshape(-1, a[(0,) * lead].size)
        return (xp.ones(a2.shape[0], a.dtype) @ a2).reshape(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, d in enumerate(shape) if d == 1 and a.shape[lead + i] != 1)
    return xp.sum(a, axis=axes).reshape(shape)


@primitive(name="layer_norm", multiple_results=True)
def _layer_norm(xp, x, gamma, beta, axes=(-1,), epsilon=1e-3):
    """``(y, xh, inv)``: the output, and for the gradient the normalized input ``xh`` and
    ``inv = 1 / sqrt(var + epsilon)`` (kept dims), in the computing dtype."""
    xf, back = _half_to_float(xp, x)
    rows = _ln_rows(xf, axes, gamma, beta)
    if rows is not None:
        kernels, x2, g1, b1 = rows
        y, xh = np.empty_like(xf), np.empty_like(xf)
        inv = np.empty(x2.shape[0], xf.dtype)
        kernels.forward(x2, g1, b1, epsilon, y.reshape(x2.shape), xh.reshape(x2.shape), inv)
        return _back(y, back), xh, inv.reshape(_ln_kept_shape(xf.shape, axes))
    xh, inv = _ln_normalized(xp, xf, axes, epsilon)
    y = xh * gamma
    y += beta
    return _back(y, back), xh, inv


def _ln_kept_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(shape[:len(shape) - len(axes)]) + (1,) * len(axes)


def _ln_rows(x, axes, gamma, *params):
    """``(kernels, x as (rows, n), gamma and params flat)`` when the compiled layer-norm
    kernels apply: float32 NumPy arrays, trailing normalized axes of a contiguous ``x``,
    and ``gamma`` and ``params`` each one value per element of a row; else None."""
    if not _ln_trailing(x, axes) or x.size == 0:
        return None
    norm_shape = tuple(x.shape[x.ndim - len(axes):])
    n = math.prod(norm_shape)
    flat = []
    for p in (gamma,) + params:
        if (type(p) is not np.ndarray or p.size != n or not p.flags.c_contiguous
                or tuple(p.shape[p.ndim - len(norm_shape):]) != norm_shape):
            return None
        flat.append(p.reshape(n))
    kernels = kernels_for("layer_norm", x, *flat)
    if kernels is None:
        return None
    return (kernels, x.reshape(-1, n), *flat)


@_layer_norm.vjp(takes_none=True)
def _(g, outs, x, gamma, beta, axes=(-1,), epsilon=1e-3):
    if g[0] is None:                    # only the saved statistics were read
        return None, None, None
    _, xh, inv = outs
    return _layer_norm_grad(g[0], x, gamma, xh, inv, axes=axes, epsilon=epsilon,
                            beta_shape=tuple(beta.shape))


@primitive(name="layer_norm_grad", multiple_results=True)
def _layer_norm_grad(xp, g, x, gamma, xh, inv, axes=(-1,), epsilon=1e-3, beta_shape=()):
    """Gradients of ``layer_norm`` for x, gamma and beta from the output gradient ``g``:
    ``dx = inv * (dh - mean(dh) - xh * mean(dh * xh))`` with ``dh = g * gamma``; ``xh``
    and ``inv`` are the forward's saved statistics (read, never written)."""
    back = None if x.dtype == xh.dtype else x.dtype    # half precision ran in float32
    gf = g.astype(xh.dtype, copy=False)
    rows = _ln_rows(xh, axes, gamma) if gf.shape == xh.shape and inv.dtype == xh.dtype \
        else None
    if rows is not None and gamma.shape == beta_shape:
        kernels, xh2, g1 = rows
        gf = np.ascontiguousarray(gf)   # e.g. broadcast from a mean: one copy, then rows
        dx = np.empty_like(xh)
        dgamma, dbeta = np.empty_like(g1), np.empty_like(g1)
        kernels.backward(gf.reshape(xh2.shape), g1, xh2, inv.reshape(-1),
                         dx.reshape(xh2.shape), dgamma, dbeta)
        return (_back(dx, back), dgamma.reshape(gamma.shape).astype(gamma.dtype, copy=False),
                dbeta.reshape(gamma.shape).astype(gamma.dtype, copy=False))
    dh = gf * gamma
    if dh.dtype != xh.dtype:
        dh = dh.astype(xh.dtype)
    if _ln_trailing(dh, axes) and xh.flags.c_contiguous:
        n = xh.size // max(inv.size, 1)
        dh2, xh2 = dh.reshape(-1, n), xh.reshape(-1, n)
        a = dh2 @ xp.full(n, 1.0 / max(n, 1), dh.dtype)
        b = xp.einsum("ij,ij->i", dh2, xh2)
        b *= 1.0 / max(n, 1)
        dh2 -= a[:, None]
        dh2 -= xh2 * b[:, None]
        dx = dh
    else:
        a = xp.mean(dh, axis=axes, keepdims=True)
        b = xp.mean(dh * xh, axis=axes, keepdims=True)
        dx = dh - a
        dx -= xh * b
    dx *= inv
    dgamma = _np_sum_to(xp, xh * gf, gamma.shape)
    dbeta = _np_sum_to(xp, gf, beta_shape)
    return (_back(dx, back), dgamma.astype(gamma.dtype, copy=False),
            dbeta.astype(gamma.dtype, copy=False))


@_layer_norm_grad.vjp
def _(cot, outs, g, x, gamma, xh_saved, inv_saved, axes=(-1,), epsilon=1e-3, beta_shape=()):
    # written with Ember ops so that it is differentiable again; only second (and higher)
    # order gradients come here, so it recomputes what it needs
    from .reduction import reduce_mean
    from .shape import broadcast_to
    u, v, w = cot
    shape = tuple(x.shape)
    n = 1
    for ax in axes:
        n *= shape[ax]
    mean, var = _moments(x, axes=axes, keepdims=True)
    s = rsqrt(var + epsilon)
    xh = (x - mean) * s
    dh = g * gamma
    a = reduce_mean(dh, axis=axes, keepdims=True)
    b = reduce_mean(dh * xh, axis=axes, keepdims=True)
    # through dx = s * (dh - a - xh * b)
    mu_uxh = reduce_mean(u * xh, axis=axes, keepdims=True)
    dh_bar = s * (u - reduce_mean(u, axis=axes, keepdims=True) - xh * mu_uxh)
    xh_bar = -s * (u * b + dh * mu_uxh)
    s_bar = reduce_sum(u * (dh - a - xh * b), axis=axes, keepdims=True)
    # through dgamma = sum(g * xh) and dbeta = sum(g)
    xh_bar = xh_bar + g * v
    g_bar = dh_bar * gamma + v * xh + broadcast_to(w, shape)
    gamma_bar = dh_bar * g
    # xh and s as functions of x
    x_bar = (s * (xh_bar - reduce_mean(xh_bar, axis=axes, keepdims=True)
                  - xh * reduce_mean(xh_bar * xh, axis=axes, keepdims=True))
             - s_bar * (s * s) * xh * (1.0 / max(n, 1)))
    # the saved statistics are functions of x, already differentiated through above
    return g_bar, x_bar, gamma_bar, None, None


def layer_norm(x: Any, gamma: Any = None, beta: Any = None, axis: Any = -1,
               epsilon: float = 1e-3, name=None):
    """Layer normalization, fused: ``(x - mean) / sqrt(var + epsilon) * gamma + beta`` with
    the mean and (biased) variance taken over ``axis`` (an int or a list of ints).

    ``gamma`` and ``beta`` broadcast against ``x`` (None: no scale / no offset); the result
    has ``x``'s dtype (half precision is computed in float32). Ember's own fused kernel
    (no TensorFlow raw op of this name), used by ``keras.layers.LayerNormalization``.

    >>> import ember
    >>> ember.raw_ops.layer_norm(ember.constant([[1.0, 3.0]]), epsilon=0.0).numpy()
    array([[-1.,  1.]], dtype=float32)
    """
    x = _tensor(x)
    xv = x._value
    if xv.dtype.kind not in "fV":
        raise TypeError(f"ember.layer_norm: x must be a floating tensor; got "
                        f"{from_numpy(xv.dtype).name} tensor of shape {tuple(xv.shape)}")
    if xv.ndim == 0:
        raise InvalidArgumentError("ember.layer_norm: x must have rank >= 1; got a scalar")
    axes = normalize_axis(axis, xv.ndim, "layer_norm")
    if not axes:
        raise InvalidArgumentError("ember.layer_norm: axis must name at least one axis")
    pdt = xv.dtype if xv.dtype.itemsize >= 4 and xv.dtype.kind == "f" else np.float32
    params = []
    for label, p, fill in (("gamma", gamma, 1.0), ("beta", beta, 0.0)):
        if p is None:
            p = Tensor(np.full((), fill, pdt))
        else:
            p = _tensor(p)
            try:
                ok = np.broadcast_shapes(xv.shape, p._value.shape) == xv.shape
            except ValueError:
                ok = False
            if not ok:
                raise InvalidArgumentError(
                    f"ember.layer_norm: {label} of shape {tuple(p._value.shape)} does not "
                    f"broadcast to x's shape {tuple(xv.shape)}")
        params.append(p)
    return _layer_norm(x, params[0], params[1], axes=axes, epsilon=float(epsilon))[0]


_MIN_FUSED_EPSILON = 1.001e-5  # TensorFlow raises smaller epsilons to this (cuDNN's minimum)


def _channel_axis(data_format: Any, ndim: int, op: str) -> int:
    fmt = "NHWC" if data_format is None else str(data_format)
    if len(fmt) >= 2 and fmt[0] == "N" and fmt[-1] == "C":
        return ndim - 1
    if len(fmt) >= 3 and fmt.startswith("NC"):
        return 1
    raise InvalidArgumentError(
        f"ember.{op}: data_format must be channels-last ('NHWC', 'NWC', 'NDHWC') or "
        f"channels-first ('NCHW', 'NCW', 'NCDHW'); got {data_format!r}")


@primitive(name="fused_batch_norm", multiple_results=True)
def _fused_bn_train(xp, x, scale, offset, *running, epsilon=1e-3, axes=(), caxis=-1,
                    factor=1.0):
    xf, _ = _half_to_float(xp, x)
    ndim = x.ndim
    bshape = tuple(x.shape[caxis] if i == caxis else 1 for i in range(ndim))
    acc = scale.dtype if scale.dtype.kind == "f" else xf.dtype
    mu = xp.mean(xf, axis=axes)
    xc = xf - mu.reshape(bshape)
    var = xp.mean(xc * xc, axis=axes)
    inv = 1.0 / xp.sqrt(var + epsilon)
    y = xc
    y *= (inv * scale).reshape(bshape)
    y += offset.reshape(bshape)
    n = x.size // max(x.shape[caxis], 1)
    unbiased = var * (n / max(n - 1, 1))  # Bessel's correction, as TensorFlow's kernel
    if running:
        old_mean, old_var = running
        mean_out = old_mean * (1.0 - factor) + mu * factor
        var_out = old_var * (1.0 - factor) + unbiased * factor
    else:
        mean_out, var_out = mu, unbiased
    return (y.astype(x.dtype, copy=False), mean_out.astype(acc, copy=False),
            var_out.astype(acc, copy=False), mu, inv)


@_fused_bn_train.vjp
def _(g, outs, x, scale, offset, *running, epsilon=1e-3, axes=(), caxis=-1, factor=1.0):
    gy, gm, gv, gmu, ginv = g
    mu, inv = outs[3], outs[4]
    shape = tuple(x.shape)
    bshape = tuple(shape[caxis] if i == caxis else 1 for i in range(len(shape)))
    n = 1
    for a in axes:
        n *= shape[a]
    adj = n / max(n - 1, 1)
    if gy.dtype != mu.dtype:
        gy = cast(gy, mu.dtype)
    xc = x - reshape(mu, bshape)
    sum_gy = reduce_sum(gy, axis=axes)
    sum_gy_xc = reduce_sum(gy * xc, axis=axes)
    d_scale = sum_gy_xc * inv
    d_offset = sum_gy
    scale_inv = scale * inv
    # gradients reaching the batch mean and the batch (biased) variance
    d_mu = gmu + gm * factor - sum_gy * scale_inv
    d_inv = ginv + scale * sum_gy_xc
    d_var = d_inv * (inv * inv * inv) * -0.5 + gv * (factor * adj)
    d_x = (gy * reshape(scale_inv, bshape) + reshape(d_mu * (1.0 / n), bshape)
           + xc * reshape(d_var * (2.0 / n), bshape))
    if running:
        return d_x, d_scale, d_offset, gm * (1.0 - factor), gv * (1.0 - factor)
    return d_x, d_scale, d_offset


def fused_batch_norm(x: Any, scale: Any, offset: Any, mean: Any = None,
                     variance: Any = None, epsilon: float = 0.001,
                     data_format: str = "NHWC", is_training: bool = True, name=None,
                     exponential_avg_factor: float = 1.0):
    """Batch normalization over every axis but the channel axis, as
    ``tf.compat.v1.nn.fused_batch_norm``: returns ``(y, batch_mean, batch_variance)``.

    Training (``is_training=True``) normalizes with the batch statistics; the returned
    variance is Bessel-corrected (``n / (n - 1)``), and with ``exponential_avg_factor``
    ``f != 1`` the returned statistics are ``(1 - f) * running + f * batch`` (then
    ``mean`` and ``variance`` are the running values). Inference normalizes with the
    given ``mean`` and ``variance`` and returns them. ``epsilon`` is raised to at least
    1.001e-5, as TensorFlow does. Half-precision ``x`` is computed in float32.

    >>> import ember
    >>> x = ember.constant([[1.0], [3.0]])
    >>> y, m, v = ember.nn.fused_batch_norm(x, [1.0], [0.0], epsilon=0.0)
    >>> y.numpy().round(3).ravel().tolist(), float(m), float(v)
    ([-1.0, 1.0], 2.0, 2.0)
    """
    op = "fused_batch_norm"
    x, scale, offset = _tensor(x), _tensor(scale), _tensor(offset)
    xv = x._value
    _require_floating(x, "x", op)
    if xv.ndim < 2:
        raise InvalidArgumentError(f"ember.{op}: x must have rank >= 2 (4 or 5 in "
                                   f"TensorFlow); got {_desc(x)}")
    caxis = _channel_axis(data_format, xv.ndim, op)
    channels = xv.shape[caxis]
    for what, t in (("scale", scale), ("offset", offset)):
        if t._value.shape != (channels,):
            raise InvalidArgumentError(
                f"ember.{op}: {what} must be 1-D of size {channels} (the channel dimension "
                f"of x, {_desc(x)}, data_format={data_format!r}); got {_desc(t)}")
    eps = max(float(epsilon), _MIN_FUSED_EPSILON)
    factor = float(exponential_avg_factor)
    need_stats = (not is_training) or factor != 1.0
    if need_stats:
        if mean is None or variance is None:
            when = "inference" if not is_training else "exponential_avg_factor != 1"
            raise InvalidArgumentError(
                f"ember.{op}: mean and variance must be given for {when}")
        mean, variance = _tensor(mean), _tensor(variance)
        for what, t in (("mean", mean), ("variance", variance)):
            if t._value.shape != (channels,):
                raise InvalidArgumentError(
                    f"ember.{op}: {what} must be 1-D of size {channels}; got {_desc(t)}")
    if not is_training:
        bshape = tuple(channels if i == caxis else 1 for i in range(xv.ndim))
        inv = multiply(rsqrt(add(variance, eps)), scale)
        shift = subtract(offset, multiply(mean, inv))
        y = add(multiply(x, reshape(inv, bshape)), reshape(shift, bshape))
        if y._value.dtype != xv.dtype:
            y = cast(y, xv.dtype)
        return y, mean, variance
    axes = tuple(i for i in range(xv.ndim) if i != caxis)
    running = (mean, variance) if factor != 1.0 else ()
    outs = _fused_bn_train(x, scale, offset, *running, epsilon=eps, axes=axes,
                           caxis=caxis, factor=factor)
    return outs[0], outs[1], outs[2]


# -- local response normalization ------------------------------------------------------------
def local_response_normalization(input: Any, depth_radius: int = 5,  # noqa: A002
                                 bias: float = 1.0, alpha: float = 1.0, beta: float = 0.5,
                                 name=None) -> Tensor:
    """``x / (bias + alpha * sum(x**2 over channels d-r..d+r)) ** beta`` (4-D, NHWC)."""
    x = _float(input)
    if x.ndim != 4:
        raise InvalidArgumentError(f"ember.nn.local_response_normalization: input must be "
                                   f"4-D; got shape {tuple(x.shape)}")
    r = int(depth_radius)
    c = x.shape[-1]
    sq = pad(x * x, [[0, 0], [0, 0], [0, 0], [r, r]])
    total = sq[..., 0:c]
    for k in range(1, 2 * r + 1):
        total = total + sq[..., k:k + c]
    return x / pow_(total * alpha + bias, beta)


# -- bias_add --------------------------------------------------------------------------------
def bias_add(value: Any, bias: Any, data_format: Any = None, name=None):
    """Add a 1-D ``bias`` along the channel dimension of ``value``: the last one for
    ``data_format`` None / 'N...C', the second for 'NC...'.

    >>> import ember
    >>> ember.nn.bias_add(ember.zeros((2, 3)), [1.0, 2.0, 3.0]).numpy()[0]
    array([1., 2., 3.], dtype=float32)
    """
    op = "bias_add"
    value, bias = _tensor(value), _tensor(bias)
    vv, bv = value._value, bias._value
    if vv.ndim < 2:
        raise InvalidArgumentError(f"ember.{op}: value must be at least 2-D; got "
                                   f"{_desc(value)}")
    caxis = _channel_axis(data_format, vv.ndim, op)
    if bv.ndim != 1 or bv.shape[0] != vv.shape[caxis]:
        raise InvalidArgumentError(
            f"ember.{op}: bias must be 1-D with one value per channel ({vv.shape[caxis]}, "
            f"dimension {caxis} of value {_desc(value)}, data_format={data_format!r}); "
            f"got bias {_desc(bias)}")
    if caxis != vv.ndim - 1:
        bias = reshape(bias, (bv.shape[0],) + (1,) * (vv.ndim - 1 - caxis))
    return add(value, bias)


def __getattr__(name: str):
    # ``l2_normalize`` is listed under tf.nn but lives with the linear algebra ops
    if name == "l2_normalize":
        from .linalg import l2_normalize
        return l2_normalize
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
