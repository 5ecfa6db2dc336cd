"""Linear-algebra ops of ``keras.ops`` (``keras.ops.linalg``), over ``ember.linalg``.

Integer and bool inputs are computed in float32 (as Keras's JAX backend does); float16
and bfloat16 stay in their dtype. Every op but ``eig`` (complex results, forward only, as
in Keras's TensorFlow backend) and ``matrix_rank`` (an integer count) has a gradient.

>>> from ember import keras
>>> from ember.keras.ops import linalg
>>> float(linalg.det([[1.0, 2.0], [3.0, 4.0]]))
-2.0
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import ember

from ._dispatch import float_t as _f
from ._dispatch import keras_op
from ._dispatch import t as _t

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq",
           "lu_factor", "matrix_rank", "norm", "pinv", "qr", "solve", "solve_triangular",
           "svd"]

def _matrix(x: Any, name: str, square: bool = False, what: str = "input") -> ember.Tensor:
    x = _f(x)
    if x.ndim < 2:
        raise ValueError(f"keras.ops.{name}: Expected {what} to have rank >= 2. Received "
                         f"{what} with shape {tuple(x.shape)}.")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"keras.ops.{name}: Expected a square matrix. Received non-square "
                         f"{what} with shape {tuple(x.shape)}")
    return x


def _common_float(a: ember.Tensor, b: ember.Tensor):
    """Two float tensors of one dtype (the wider float; ints become float32 first)."""
    a, b = _f(a), _f(b)
    if a.dtype != b.dtype:
        d = np.promote_types(np.dtype(a.dtype.as_numpy_dtype), np.dtype(b.dtype.as_numpy_dtype))
        a, b = ember.cast(a, d.name), ember.cast(b, d.name)
    return a, b


def _eps(x: ember.Tensor) -> float:
    d = np.dtype(x.dtype.as_numpy_dtype)
    try:
        return float(np.finfo(d).eps)
    except ValueError:  # bfloat16
        import ml_dtypes
        return float(ml_dtypes.finfo(d).eps)


def _system(a: Any, b: Any, name: str):
    """Checked ``(a, b, vector_rhs)`` for ``a x = b`` with ``b`` [..., M] or [..., M, K]."""
    a, b = _common_float(_t(a), _t(b))
    a = _matrix(a, name, square=True, what="a")
    if b.ndim < 1:
        raise ValueError(f"keras.ops.{name}: Expected b to have rank >= 1. Received scalar "
                         "b.")
    vector = b.ndim == a.ndim - 1
    rows = b.shape[-1] if vector else b.shape[-2] if b.ndim >= 2 else None
    if rows != a.shape[-1] or (b.ndim != a.ndim and not vector):
        raise ValueError(f"keras.ops.{name}: Incompatible shapes between `a` and `b`: `a` of "
                         f"shape {tuple(a.shape)} needs `b` of shape (..., {a.shape[-1]}) or "
                         f"(..., {a.shape[-1]}, K) with the same rank or one less. Received: "
                         f"a.shape={tuple(a.shape)}, b.shape={tuple(b.shape)}")
    if vector:
        b = ember.expand_dims(b, -1)
    return a, b, vector


def _wrap_failure(name: str, what: str, fn: Callable, *args: Any) -> Any:
    try:
        return fn(*args)
    except ember.errors.InvalidArgumentError as e:
        raise ValueError(f"keras.ops.{name}: {what} failed: {e}") from None


# ---- decompositions ---------------------------------------------------------------------
@keras_op
def cholesky(x: Any, upper: bool = False) -> ember.Tensor:
    """Cholesky factor of symmetric positive definite ``x`` [..., M, M]: lower ``L`` with
    ``L @ L^T == x`` (its transpose, upper, with ``upper=True``). Reads the lower triangle.

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> linalg.cholesky([[4.0, 2.0], [2.0, 2.0]]).numpy().tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    x = _matrix(x, "cholesky", square=True)
    factor = _wrap_failure("cholesky", "Cholesky decomposition", ember.linalg.cholesky, x)
    return ember.linalg.adjoint(factor) if upper else factor


@keras_op
def cholesky_inverse(x: Any, upper: bool = False) -> ember.Tensor:
    """Inverse of ``A`` from its Cholesky factor ``x``: ``A = x @ x^T`` for lower ``x``
    (``A = x^T @ x`` for upper ``x`` with ``upper=True``); only that triangle is read.

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> linalg.cholesky_inverse([[2.0, 0.0], [1.0, 1.0]]).numpy().tolist()
    [[0.5, -0.5], [-0.5, 1.0]]
    """
    x = _matrix(x, "cholesky_inverse", square=True)
    eye = ember.broadcast_to(ember.eye(x.shape[-1], dtype=x.dtype), tuple(x.shape))
    inv_factor = _wrap_failure(
        "cholesky_inverse", "Cholesky inverse",
        lambda: ember.linalg.triangular_solve(x, eye, lower=not upper))
    if upper:
        return ember.matmul(inv_factor, inv_factor, transpose_b=True)
    return ember.matmul(inv_factor, inv_factor, transpose_a=True)


@keras_op
def det(x: Any) -> ember.Tensor:
    """Determinant of each square matrix in ``x`` [..., M, M]; shape ``x.shape[:-2]``.

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> float(linalg.det([[2.0, 1.0], [1.0, 3.0]]))
    5.0
    """
    return ember.linalg.det(_matrix(x, "det", square=True))


@keras_op
def eig(x: Any) -> tuple:
    """Eigenvalues ``(..., M)`` and eigenvectors ``(..., M, M)`` (in columns) of general
    square matrices. Always complex (complex64 for float32 input); forward only.

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> w, v = linalg.eig([[0.0, -1.0], [1.0, 0.0]])
    >>> w.numpy()
    array([0.+1.j, 0.-1.j], dtype=complex64)
    """
    return ember.linalg.eig(_matrix(x, "eig", square=True))


@keras_op
def eigh(x: Any) -> tuple:
    """Eigenvalues (ascending, ``(..., M)``) and eigenvectors (columns of ``(..., M, M)``)
    of symmetric matrices. Reads the lower triangle.

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> w, v = linalg.eigh([[2.0, 0.0], [0.0, 1.0]])
    >>> w.numpy().tolist()
    [1.0, 2.0]
    """
    w, v = ember.linalg.eigh(_matrix(x, "eigh", square=True))
    return w, v


@keras_op
def inv(x: Any) -> ember.Tensor:
    """Inverse of each square matrix in ``x`` [..., M, M].

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> linalg.inv([[2.0, 0.0], [0.0, 4.0]]).numpy().tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    return ember.linalg.inv(_matrix(x, "inv", square=True))


@keras_op
def lu_factor(x: Any) -> tuple:
    """LU decomposition with partial pivoting of ``x`` [..., M, N]: ``(lu, pivots)``.

    ``lu`` [..., M, N] holds ``U`` in its upper triangle and the unit-lower ``L`` below
    the diagonal; ``pivots`` [..., min(M, N)] (int32) says row ``i`` was swapped with row
    ``pivots[i]`` (0-based, as ``scipy.linalg.lu_factor``). Differentiable in ``x``.

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> lu, piv = linalg.lu_factor([[1.0, 2.0], [3.0, 4.0]])
    >>> [[round(v, 4) for v in row] for row in lu.numpy().tolist()], piv.numpy().tolist()
    ([[3.0, 4.0], [0.3333, 0.6667]], [1, 1])
    """
    a = _matrix(x, "lu_factor")
    batch, (m, n) = tuple(a.shape[:-2]), tuple(a.shape[-2:])
    k = min(m, n)
    nb = len(batch)
    rows = ember.range(m, dtype="int32")
    cols = ember.range(n, dtype="int32")
    zero = ember.zeros((), dtype=a.dtype)
    pivots = []
    for j in range(k):   # one elimination step per column, vectorized over the batch
        col = a[..., :, j]
        score = ember.where(ember.greater_equal(rows, j), ember.abs(col),
                            -ember.ones_like(col))
        p = ember.argmax(score, axis=-1, output_type="int32")
        pivots.append(p)
        p1 = ember.expand_dims(p, -1)
        perm = ember.where(ember.equal(rows, j), p1,
                           ember.where(ember.equal(rows, p1), ember.constant(j, "int32"),
                                       rows))
        a = ember.gather(a, perm, axis=nb, batch_dims=nb)   # swap rows j and p
        pivot = a[..., j:j + 1, j]                          # [..., 1]
        safe = ember.where(ember.equal(pivot, zero), ember.ones_like(pivot), pivot)
        below = ember.greater(rows, j)
        lcol = ember.where(below, a[..., :, j] / safe, zero)           # [..., m]
        urow = ember.where(ember.greater(cols, j), a[..., j, :], zero)  # [..., n]
        a = a - ember.expand_dims(lcol, -1) * ember.expand_dims(urow, -2)
        in_l = ember.logical_and(ember.expand_dims(below, -1),
                                 ember.expand_dims(ember.equal(cols, j), 0))
        a = ember.where(in_l, ember.expand_dims(lcol, -1), a)
    if pivots:
        piv = ember.stack(pivots, axis=-1)
    else:
        piv = ember.zeros(batch + (0,), dtype="int32")
    return a, piv


@keras_op
def qr(x: Any, mode: str = "reduced") -> tuple:
    """QR decomposition ``x = q @ r`` of ``x`` [..., M, N]: ``mode="reduced"`` gives
    ``q`` [..., M, K] and ``r`` [..., K, N] (K = min(M, N)); ``"complete"`` gives
    ``q`` [..., M, M] and ``r`` [..., M, N] (differentiable when M <= N, as in TensorFlow).

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> q, r = linalg.qr([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> q.shape, r.shape
    (TensorShape([3, 2]), TensorShape([2, 2]))
    """
    if mode not in ("reduced", "complete"):
        raise ValueError("keras.ops.qr: `mode` argument value not supported. Expected one "
                         f"of {{'reduced', 'complete'}}. Received: mode={mode}")
    x = _matrix(x, "qr")
    q, r = ember.linalg.qr(x, full_matrices=mode == "complete")
    return q, r


@keras_op
def svd(x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """Singular value decomposition ``x = u @ diag(s) @ vh`` of ``x`` [..., M, N]:
    ``(u, s, vh)`` (NumPy's order; ``s`` descending), or ``s`` alone when not
    ``compute_uv``. With ``full_matrices`` ``u`` is [..., M, M] and ``vh`` [..., N, N],
    otherwise [..., M, K] and [..., K, N]. Gradients of ``u``/``vh`` need square input or
    ``full_matrices=False`` (as in TensorFlow).

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> linalg.svd([[3.0, 0.0], [0.0, 4.0]], compute_uv=False).numpy().tolist()
    [4.0, 3.0]
    """
    x = _matrix(x, "svd")
    if not compute_uv:
        return ember.linalg.svd(x, compute_uv=False)
    s, u, v = ember.linalg.svd(x, full_matrices=bool(full_matrices))
    return u, s, ember.linalg.adjoint(v)


# ---- solves and inverses ----------------------------------------------------------------
@keras_op
def solve(a: Any, b: Any) -> ember.Tensor:
    """Solve ``a @ x = b`` for ``a`` [..., M, M] and ``b`` [..., M] (one rank less than
    ``a``: vectors) or [..., M, K]; ``x`` has ``b``'s shape (batch axes broadcast).

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> linalg.solve([[2.0, 0.0], [0.0, 4.0]], [2.0, 4.0]).numpy().tolist()
    [1.0, 1.0]
    """
    a, b, vector = _system(a, b, "solve")
    x = ember.linalg.solve(a, b)
    return ember.squeeze(x, -1) if vector else x


@keras_op
def solve_triangular(a: Any, b: Any, lower: bool = False) -> ember.Tensor:
    """Solve ``a @ x = b`` reading only the upper triangle of ``a`` (the lower one with
    ``lower=True``); shapes as in ``solve``.

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> linalg.solve_triangular([[2.0, 1.0], [0.0, 1.0]], [3.0, 1.0]).numpy().tolist()
    [1.0, 1.0]
    """
    a, b, vector = _system(a, b, "solve_triangular")
    x = ember.linalg.triangular_solve(a, b, lower=bool(lower))
    return ember.squeeze(x, -1) if vector else x


@keras_op
def pinv(x: Any, rcond: Any = None) -> ember.Tensor:
    """Moore-Penrose pseudo-inverse [..., N, M] of ``x`` [..., M, N]. Singular values at
    or below ``rcond`` times the largest are dropped (default ``10 * max(M, N) * eps``, as
    in Keras's JAX and TensorFlow backends).

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> linalg.pinv([[2.0, 0.0], [0.0, 0.0]]).numpy().tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    return ember.linalg.pinv(_matrix(x, "pinv"), rcond=rcond)


@keras_op
def lstsq(a: Any, b: Any, rcond: Any = None) -> ember.Tensor:
    """Least-squares solution (of minimum norm) of ``a @ x = b`` for ``a`` (M, N) and ``b``
    (M,) or (M, K): ``x`` is (N,) or (N, K). Singular values at or below ``rcond`` times
    the largest count as zero (default ``max(M, N) * eps``; a negative ``rcond``: eps).

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> x = linalg.lstsq([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [1.0, 2.0, 2.0])
    >>> [round(v, 4) for v in x.numpy().tolist()]
    [1.1667, 0.5]
    """
    a, b = _common_float(_t(a), _t(b))
    if a.ndim != 2:
        raise ValueError(f"keras.ops.lstsq: Expected a to have rank 2. Received: "
                         f"a.shape={tuple(a.shape)}")
    if b.ndim not in (1, 2):
        raise ValueError(f"keras.ops.lstsq: Expected b to have rank 1 or 2. Received: "
                         f"b.shape={tuple(b.shape)}")
    m, n = a.shape
    if b.shape[0] != m:
        raise ValueError("keras.ops.lstsq: Expected b.shape[0] to be equal to a.shape[0]. "
                         f"Received: a.shape={tuple(a.shape)}, b.shape={tuple(b.shape)}")
    eps = _eps(a)
    if rcond is None:
        rcond = eps * max(m, n)
    else:
        rcond = float(ember.convert_to_tensor(rcond).numpy())
        if rcond < 0:
            rcond = eps
    p = ember.linalg.pinv(a, rcond=rcond)
    if b.ndim == 1:
        return ember.linalg.matvec(p, b)
    return ember.matmul(p, b)


@keras_op
def matrix_rank(x: Any, tol: Any = None) -> ember.Tensor:
    """The number of singular values of each matrix in ``x`` [..., M, N] above ``tol``
    (default ``max(s) * max(M, N) * eps``); int32 of shape ``x.shape[:-2]``.

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> int(linalg.matrix_rank([[1.0, 2.0], [2.0, 4.0]]))
    1
    """
    x = _matrix(x, "matrix_rank")
    s = ember.linalg.svd(x, compute_uv=False)
    if tol is None:
        cut = ember.reduce_max(s, axis=-1, keepdims=True) * (_eps(x) * max(x.shape[-2:]))
    else:
        cut = ember.expand_dims(ember.cast(_t(tol), s.dtype), -1)
    return ember.reduce_sum(ember.cast(ember.greater(s, cut), "int32"), axis=-1)


# ---- norms ------------------------------------------------------------------------------
_MATRIX_ORDS = (None, "fro", "nuc", float("inf"), float("-inf"), 1, -1, 2, -2)


def _is_ord(ord, value) -> bool:
    return not isinstance(ord, str) and ord is not None and ord == value


@keras_op
def norm(x: Any, ord: Any = None, axis: Any = None,
         keepdims: bool = False) -> ember.Tensor:
    """Vector or matrix norm (NumPy's ``linalg.norm``).

    Vectors (``axis`` an int): ``ord`` None/2 (Euclidean), inf, -inf, 0 (count of
    non-zeros) or any p (``sum(|x|**p) ** (1/p)``). Matrices (``axis`` a pair): None/"fro"
    (Frobenius), "nuc" (sum of singular values), 2/-2 (largest/smallest singular value),
    1/-1 (max/min column sum), inf/-inf (max/min row sum). ``axis=None`` with ``ord=None``
    is the 2-norm of all values; with another ``ord`` the input must be 1-D or 2-D.
    Integer inputs give float32.

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> x = keras.ops.reshape(keras.ops.arange(9, dtype="float32") - 4, (3, 3))
    >>> round(float(linalg.norm(x)), 4)
    7.746
    """
    if isinstance(ord, str) and ord not in ("fro", "nuc"):
        raise ValueError("keras.ops.norm: Invalid `ord` argument. Expected one of "
                         f"{{'fro', 'nuc'}} when using string. Received: ord={ord}")
    x = _f(x)
    ndim = x.ndim
    if axis is None:
        if ord is None:   # 2-norm of everything
            out = ember.sqrt(ember.reduce_sum(_abs2(x), keepdims=keepdims))
            return out
        if ndim not in (1, 2):
            raise ValueError(f"keras.ops.norm: with axis=None and ord={ord!r} the input "
                             f"must be 1-D or 2-D. Received input with shape "
                             f"{tuple(x.shape)}")
        axis = tuple(range(ndim))
    elif isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    else:
        axis = tuple(int(a) for a in axis)
    for a in axis:
        if not -ndim <= a < ndim:
            raise ValueError(f"keras.ops.norm: All `axis` values must be in the range "
                             f"[-ndim, ndim). Received inputs with ndim={ndim}, while "
                             f"axis={axis}")
    axis = tuple(a % ndim for a in axis)
    if len(axis) == 1:
        return _vector_norm(x, ord, axis[0], keepdims)
    if len(axis) == 2:
        if axis[0] == axis[1]:
            raise ValueError(f"keras.ops.norm: the two matrix axes must differ; received "
                             f"axis={axis}")
        if not any(ord == o and (isinstance(ord, str) == isinstance(o, str))
                   for o in _MATRIX_ORDS):
            raise ValueError("keras.ops.norm: Invalid `ord` argument for matrix norm. "
                             f"Received: ord={ord}")
        return _matrix_norm(x, ord, axis, keepdims)
    raise ValueError(f"keras.ops.norm: Invalid axis values: pass one axis for a vector "
                     f"norm or two for a matrix norm. Received: axis={axis}")


def _abs2(x: ember.Tensor) -> ember.Tensor:
    if x.dtype.is_complex:
        a = ember.abs(x)
        return a * a
    return x * x


def _vector_norm(x, ord, axis, keepdims):
    if isinstance(ord, str):  # a ValueError, as in Keras
        raise ValueError(f"keras.ops.norm: Invalid `ord` argument for vector norm. "  # noqa: TRY004
                         f"Received: ord={ord}")
    if ord is None or _is_ord(ord, 2):
        return ember.sqrt(ember.reduce_sum(_abs2(x), axis=axis, keepdims=keepdims))
    mag = ember.abs(x)
    if _is_ord(ord, float("inf")):
        return ember.reduce_max(mag, axis=axis, keepdims=keepdims)
    if _is_ord(ord, float("-inf")):
        return ember.reduce_min(mag, axis=axis, keepdims=keepdims)
    if _is_ord(ord, 0):
        nonzero = ember.cast(ember.not_equal(x, ember.zeros_like(x)), mag.dtype)
        return ember.reduce_sum(nonzero, axis=axis, keepdims=keepdims)
    if _is_ord(ord, 1):
        return ember.reduce_sum(mag, axis=axis, keepdims=keepdims)
    p = float(ord)
    total = ember.reduce_sum(ember.pow(mag, ember.constant(p, dtype=mag.dtype)), axis=axis,
                             keepdims=keepdims)
    return ember.pow(total, ember.constant(1.0 / p, dtype=mag.dtype))


def _matrix_norm(x, ord, axis, keepdims):
    row, col = axis
    if ord is None or ord == "fro":
        return ember.sqrt(ember.reduce_sum(_abs2(x), axis=list(axis), keepdims=keepdims))
    if ord == "nuc" or _is_ord(ord, 2) or _is_ord(ord, -2):
        rest = [i for i in range(x.ndim) if i not in axis]
        s = ember.linalg.svd(ember.transpose(x, rest + [row, col]), compute_uv=False)
        if ord == "nuc":
            out = ember.reduce_sum(s, axis=-1)
        elif _is_ord(ord, 2):
            out = ember.reduce_max(s, axis=-1)
        else:
            out = ember.reduce_min(s, axis=-1)
        if keepdims:
            for a in sorted(axis):
                out = ember.expand_dims(out, a)
        return out
    mag = ember.abs(x)
    if _is_ord(ord, 1) or _is_ord(ord, -1):        # over rows, then the best column
        sums, other = ember.reduce_sum(mag, axis=row, keepdims=True), col
    else:                                          # inf / -inf: over columns, best row
        sums, other = ember.reduce_sum(mag, axis=col, keepdims=True), row
    pick = ember.reduce_max if ord > 0 else ember.reduce_min
    out = pick(sums, axis=other, keepdims=True)
    if not keepdims:
        out = ember.squeeze(out, list(axis))
    return out


# ---- forward-mode differentiation -------------------------------------------------------
def _zeros_of(x: ember.Tensor) -> ember.Tensor:
    return ember.zeros_like(x)


@keras_op
def jvp(fun: Callable, primals: Any, tangents: Any, has_aux: bool = False) -> tuple:
    """Jacobian-vector product of ``fun`` at ``primals`` along ``tangents``:
    ``(fun(*primals), J @ tangents)``, plus ``fun``'s auxiliary output with ``has_aux``.

    ``primals`` is a tuple/list of ``fun``'s arguments (nests of tensors allowed) and
    ``tangents`` matches it. Computed with two reverse-mode passes (the gradient of a
    vector-Jacobian product), so it works for every Ember op and can be differentiated
    again. Outputs that do not depend on the inputs (or are integers) get zero tangents.

    >>> from ember import keras
    >>> from ember.keras.ops import linalg
    >>> y, dy = linalg.jvp(keras.ops.sin, (0.1,), (0.2,))
    >>> round(float(y), 6), round(float(dy), 6)
    (0.099833, 0.199001)
    """
    if not callable(fun):
        raise TypeError(f"keras.ops.jvp: `fun` must be callable; got {fun!r}")
    if not isinstance(primals, (list, tuple)):
        raise TypeError("keras.ops.jvp: `primals` must be a tuple or list of arguments; got "
                        f"{type(primals).__name__}")
    flat_p = [_t(p) for p in ember.nest.flatten(primals)]
    flat_t = ember.nest.flatten(tangents)
    if not isinstance(tangents, (list, tuple)) or len(flat_t) != len(flat_p):
        raise ValueError("keras.ops.jvp: `tangents` must have the same structure as "
                         f"`primals`; got {len(flat_t)} tangents for {len(flat_p)} primals")
    flat_t = [_t(v, p.dtype) for v, p in zip(flat_t, flat_p)]
    for v, p in zip(flat_t, flat_p):
        if tuple(v.shape) != tuple(p.shape):
            raise ValueError(f"keras.ops.jvp: each tangent must have its primal's shape; "
                             f"got {tuple(v.shape)} for a primal of shape {tuple(p.shape)}")
    wrt = [i for i, p in enumerate(flat_p) if p.dtype.is_floating or p.dtype.is_complex]
    args = ember.nest.pack_sequence_as(primals, flat_p)
    with ember.GradientTape(persistent=True) as outer:
        with ember.GradientTape(persistent=True) as inner:
            for i in wrt:
                inner.watch(flat_p[i])
            result = fun(*args)
        if has_aux:
            if not isinstance(result, (list, tuple)) or len(result) != 2:
                raise ValueError("keras.ops.jvp: with has_aux=True `fun` must return a pair "
                                 "(output, aux)")
            out, aux = result
        else:
            out, aux = result, None
        flat_o = [_t(o) for o in ember.nest.flatten(out)]
        diff = [j for j, o in enumerate(flat_o) if o.dtype.is_floating or o.dtype.is_complex]
        cotangents = [_zeros_of(flat_o[j]) for j in diff]   # the VJP is linear in these
        for c in cotangents:
            outer.watch(c)
        grads = []
        if wrt and diff:
            grads = inner.gradient([flat_o[j] for j in diff], [flat_p[i] for i in wrt],
                                   output_gradients=cotangents)
    connected = [(g, flat_t[i]) for g, i in zip(grads, wrt) if g is not None]
    tangent_out = [None] * len(flat_o)
    if connected and diff:
        jts = outer.gradient([g for g, _ in connected], cotangents,
                             output_gradients=[v for _, v in connected])
        for j, jt in zip(diff, jts):
            tangent_out[j] = jt
    tangent_out = [_zeros_of(o) if v is None else v for o, v in zip(flat_o, tangent_out)]
    primals_out = ember.nest.pack_sequence_as(out, flat_o)
    tangents_out = ember.nest.pack_sequence_as(out, tangent_out)
    if has_aux:
        return primals_out, tangents_out, aux
    return primals_out, tangents_out
