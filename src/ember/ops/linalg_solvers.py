"""More of ``tf.linalg``: least squares, LU, Cholesky solves, the matrix exponential,
rank, tridiagonal systems.

``lu`` and ``expm`` are primitives (forwards through ``xp``); the others are written with
Ember ops, so their gradients come from the ops they are made of (as in TensorFlow, where
``lstsq``, ``lu_solve`` and ``cholesky_solve`` are Python compositions too).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidArgumentError
from .linalg import (
    _T,
    _as_tensor,
    _back,
    _cholesky,
    _float_input,
    _matmul,
    _require_matrix,
    _shape,
    _svd_s,
    _triangular_solve,
    _value,
    band_part,
    diag,
    norm,
)
from .primitive import primitive

__all__ = [
    "cholesky_solve",
    "eigvals",
    "expm",
    "lstsq",
    "lu",
    "lu_matrix_inverse",
    "lu_reconstruct",
    "lu_solve",
    "matrix_rank",
    "normalize",
    "tridiagonal_matmul",
    "tridiagonal_solve",
]


def _adj(x):
    """The conjugate transpose of the last two axes."""
    from .linalg import _matrix_transpose
    return _matrix_transpose(x, conjugate=_value(x).dtype.kind == "c")


def _identity_like(n: int, x):
    """An n x n identity matrix with the dtype of ``x``."""
    from ..core.tensor import Tensor
    return Tensor(np.eye(n, dtype=np.dtype(_value(x).dtype)))


# -- Cholesky and least squares -------------------------------------------------------------
def cholesky_solve(chol: Any, rhs: Any, name=None):
    """Solve ``A @ x = rhs`` given ``chol``, the lower Cholesky factor of ``A``
    (``A = chol @ adjoint(chol)``); ``chol`` is [..., M, M], ``rhs`` [..., M, K].

    >>> import ember
    >>> chol = ember.linalg.cholesky([[4., 2.], [2., 2.]])
    >>> ember.linalg.cholesky_solve(chol, [[6.], [4.]]).numpy().tolist()
    [[1.0], [1.0]]
    """
    y = _triangular_solve(chol, rhs, lower=True, adjoint=False)
    return _triangular_solve(chol, y, lower=True, adjoint=True)


def lstsq(matrix: Any, rhs: Any, l2_regularizer: Any = 0.0, fast: bool = True, name=None):
    """Least-squares solutions ``x`` of ``matrix @ x ~= rhs`` for [..., M, N] ``matrix`` and
    [..., M, K] ``rhs`` (returns [..., N, K]).

    With ``fast`` (the default, as in TF) the regularized normal equations are solved by
    Cholesky: ``(A^H A + l2 I)^-1 A^H b`` when M >= N, else ``A^H (A A^H + l2 I)^-1 b``
    (the minimum-norm solution); they need full-rank inputs when ``l2_regularizer`` is 0.
    With ``fast=False`` the minimum-norm solution comes from the pseudo-inverse, which
    copes with rank-deficient matrices; ``l2_regularizer`` is then ignored (as in TF).

    >>> import ember
    >>> x = ember.linalg.lstsq([[1., 0.], [0., 1.], [1., 1.]], [[1.], [1.], [2.]])
    >>> x.numpy().round(4).tolist()
    [[1.0], [1.0]]
    """
    from .linalg import pinv
    a, b = _as_tensor(matrix), _as_tensor(rhs)
    sa, sb = _shape(a), _shape(b)
    if len(sa) < 2 or len(sb) < 2 or sa[-2] != sb[-2]:
        raise InvalidArgumentError(
            f"ember.linalg.lstsq: matrix must be [..., M, N] and rhs [..., M, K] with the "
            f"same M; got shapes {sa} and {sb}")
    if _value(a).dtype.kind in "iub" or _value(b).dtype.kind in "iub":
        raise TypeError(f"ember.linalg.lstsq: expected float or complex tensors; got "
                        f"{_value(a).dtype.name} and {_value(b).dtype.name}")
    if not fast:
        return _matmul(pinv(a), b)
    l2 = float(np.asarray(_value(l2_regularizer)))
    m, n = sa[-2:]
    deep = m >= n
    gram = _matmul(a, a, adjoint_a=deep, adjoint_b=not deep)
    if l2:
        gram = gram + l2 * _identity_like(min(m, n), gram)
    try:
        chol = _cholesky(gram)
    except InvalidArgumentError:
        raise InvalidArgumentError(
            f"ember.linalg.lstsq: the matrix (shape {sa}) is rank deficient or too badly "
            f"conditioned for the normal equations of fast=True (l2_regularizer={l2}); "
            "pass fast=False, or an l2_regularizer > 0") from None
    if deep:
        return cholesky_solve(chol, _matmul(a, b, adjoint_a=True))
    return _matmul(a, cholesky_solve(chol, b), adjoint_a=True)


# -- LU -------------------------------------------------------------------------------------
@primitive(name="lu", multiple_results=True)
def _lu(xp, a, index_dtype="int32"):
    _require_matrix(a, "lu", square=True)
    (a,), back = _float_input(xp, "lu", a)
    n = a.shape[-1]
    batch = tuple(a.shape[:-2])
    count = int(np.prod(batch, dtype=np.int64))
    lu = a.reshape((count, n, n)).copy()
    perm = xp.tile(xp.arange(n), (count, 1))
    rows = xp.arange(count)
    for k in range(n):  # partial pivoting: the first entry of largest modulus (as TF)
        piv = k + xp.argmax(xp.abs(lu[:, k:, k]), axis=1)
        row_k, row_p = lu[rows, k].copy(), lu[rows, piv].copy()
        lu[rows, k], lu[rows, piv] = row_p, row_k
        pk, pp = perm[rows, k].copy(), perm[rows, piv].copy()
        perm[rows, k], perm[rows, piv] = pp, pk
        pivot = lu[:, k, k]
        if bool((pivot == 0).any()):
            raise InvalidArgumentError(
                f"ember.linalg.lu: the input is not invertible (a zero pivot in column {k}); "
                f"got shape {tuple(a.shape)}")
        lu[:, k + 1:, k] /= pivot[:, None]
        lu[:, k + 1:, k + 1:] -= lu[:, k + 1:, k, None] * lu[:, k, None, k + 1:]
    return (_back(lu.reshape(batch + (n, n)), back),
            perm.reshape(batch + (n,)).astype(index_dtype))


@_lu.vjp
def _(g, ys, a, index_dtype="int32"):
    raise NotImplementedError(
        "ember.linalg.lu: the LU decomposition has no gradient (nor in TensorFlow); solve "
        "with ember.linalg.solve, or differentiate lu_solve/lu_reconstruct with respect to "
        "their other inputs")


def lu(input: Any, output_idx_type: Any = "int32", name=None):  # noqa: A002
    """LU decomposition with partial pivoting of square matrices: ``(lower_upper, perm)``.

    ``lower_upper`` holds ``L`` (unit diagonal, not stored) below the diagonal and ``U`` on
    and above it; the rows of ``input`` taken in the order ``perm`` equal ``L @ U``.

    >>> import ember
    >>> lower_upper, perm = ember.linalg.lu([[1., 2.], [3., 4.]])
    >>> perm.numpy().tolist()
    [1, 0]
    """
    from ..core.dtypes import as_dtype
    idx = as_dtype(output_idx_type).name
    if idx not in ("int32", "int64"):
        raise TypeError(f"ember.linalg.lu: output_idx_type must be int32 or int64; got {idx}")
    lower_upper, perm = _lu(input, index_dtype=idx)
    return lower_upper, perm


def _perm_matrix(perm, like):
    """``P`` with ``P @ x == x[..., perm, :]``, in the dtype of ``like``."""
    from .indexing import one_hot
    n = _shape(perm)[-1]
    return one_hot(perm, n, dtype=np.dtype(_value(like).dtype).name)


def _lu_factors(lower_upper):
    from .creation import ones
    from .diagonals import set_diag
    n = _shape(lower_upper)[-1]
    low = set_diag(band_part(lower_upper, -1, 0),
                   ones(_shape(lower_upper)[:-2] + (n,),
                        dtype=np.dtype(_value(lower_upper).dtype).name))
    return low, band_part(lower_upper, 0, -1)


def lu_solve(lower_upper: Any, perm: Any, rhs: Any, validate_args: bool = False, name=None):
    """Solve ``A @ x = rhs`` from ``A``'s LU decomposition (``ember.linalg.lu``).

    >>> import ember
    >>> lower_upper, perm = ember.linalg.lu([[1., 2.], [3., 4.]])
    >>> ember.linalg.lu_solve(lower_upper, perm, [[3.], [7.]]).numpy().tolist()
    [[1.0], [1.0]]
    """
    lower_upper, rhs = _as_tensor(lower_upper), _as_tensor(rhs)
    low, up = _lu_factors(lower_upper)
    permuted = _matmul(_perm_matrix(_as_tensor(perm), rhs), rhs)
    y = _triangular_solve(low, permuted, lower=True, adjoint=False)
    return _triangular_solve(up, y, lower=False, adjoint=False)


def lu_reconstruct(lower_upper: Any, perm: Any, validate_args: bool = False, name=None):
    """The matrix whose LU decomposition is ``(lower_upper, perm)``.

    >>> import ember
    >>> ember.linalg.lu_reconstruct(*ember.linalg.lu([[1., 2.], [3., 4.]])).numpy().tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    lower_upper = _as_tensor(lower_upper)
    low, up = _lu_factors(lower_upper)
    return _matmul(_perm_matrix(_as_tensor(perm), lower_upper), _matmul(low, up),
                   transpose_a=True)


def lu_matrix_inverse(lower_upper: Any, perm: Any, validate_args: bool = False, name=None):
    """The inverse of the matrix whose LU decomposition is ``(lower_upper, perm)``.

    >>> import ember
    >>> ember.linalg.lu_matrix_inverse(*ember.linalg.lu([[2., 0.], [0., 4.]])).numpy().tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    lower_upper = _as_tensor(lower_upper)
    n = _shape(lower_upper)[-1]
    return lu_solve(lower_upper, perm, _identity_like(n, lower_upper))


# -- rank, eigenvalues, normalize -----------------------------------------------------------
def matrix_rank(a: Any, tol: Any = None, validate_args: bool = False, name=None):
    """The number of singular values above ``tol`` (default ``eps * max(M, N) * max(s)``),
    as int32. A given ``tol`` broadcasts against the singular values [..., min(M, N)].

    >>> import ember
    >>> int(ember.linalg.matrix_rank([[1., 2.], [2., 4.]]))
    1
    """
    from .elementwise import cast
    from .reduction import reduce_max, reduce_sum
    a = _as_tensor(a)
    s = _svd_s(a)
    if tol is None:
        m, n = _shape(a)[-2:]
        eps = float(np.finfo(np.dtype(_value(s).dtype)).eps)
        tol = reduce_max(s, axis=-1, keepdims=True) * (eps * max(m, n))
    return reduce_sum(cast(s > tol, "int32"), axis=-1)


def eigvals(tensor: Any, name=None):
    """Eigenvalues of general square matrices (complex; ``eig(tensor)[0]``).

    >>> import ember
    >>> ember.linalg.eigvals([[2., 0.], [0., 3.]]).numpy()
    array([2.+0.j, 3.+0.j], dtype=complex64)
    """
    from .linalg_extra import eig
    return eig(tensor)[0]


def normalize(tensor: Any, ord: Any = "euclidean", axis: Any = None,  # noqa: A002
              name=None):
    """``(tensor / norm, norm)`` with ``norm = ember.linalg.norm(tensor, ord, axis,
    keepdims=True)``.

    >>> import ember
    >>> x, n = ember.linalg.normalize([3., 4.])
    >>> x.numpy(), n.numpy()
    (array([0.6, 0.8], dtype=float32), array([5.], dtype=float32))
    """
    tensor = _as_tensor(tensor)
    nrm = norm(tensor, ord=ord, axis=axis, keepdims=True)
    return tensor / nrm, nrm


# -- matrix exponential ---------------------------------------------------------------------
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _expm_array(xp, a):
    """exp of each matrix: degree-13 Pade with scaling and squaring (Higham 2005)."""
    n = a.shape[-1]
    norm1 = xp.max(xp.sum(xp.abs(a), axis=-2), axis=-1)  # [...]
    with np.errstate(divide="ignore"):
        s = xp.ceil(xp.log2(norm1 / _THETA13))
    s = xp.where(xp.isfinite(s) & (s > 0), s, 0).astype(xp.int64)
    a = a / (2.0 ** s)[..., None, None].astype(a.real.dtype)
    b = _PADE13
    eye = xp.eye(n, dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2)
             + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * eye
    r = xp.linalg.solve(v - u, v + u)
    most = int(s.max()) if s.size else 0
    for i in range(most):  # square each matrix as many times as it was scaled down
        r = xp.where((s > i)[..., None, None], r @ r, r)
    return r


@primitive(name="expm")
def _expm(xp, a):
    _require_matrix(a, "expm", square=True)
    (a,), back = _float_input(xp, "expm", a)
    wide = xp.complex128 if a.dtype.kind == "c" else xp.float64
    return _back(_expm_array(xp, a.astype(wide)).astype(a.dtype), back)


@_expm.vjp
def _(g, y, a):
    # d<G, expm(A)> = expm([[A^H, G], [0, A^H]]) read at the top-right block (Najfeld-Havel)
    from .creation import zeros_like
    from .shape import concat
    n = _shape(a)[-1]
    ah = _adj(a)
    top = concat([ah, g], axis=-1)
    bottom = concat([zeros_like(ah), ah], axis=-1)
    big = _expm(concat([top, bottom], axis=-2))
    return big[..., :n, n:]


def expm(input: Any, name=None):  # noqa: A002
    """The matrix exponential of each square matrix in the last two axes (computed in
    64-bit precision and returned in the input's dtype).

    >>> import ember
    >>> ember.linalg.expm([[0., 0.], [0., 0.]]).numpy().tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return _expm(input)


# -- tridiagonal systems --------------------------------------------------------------------
def _tridiagonal_dense(diagonals: Any, diagonals_format: str, op: str):
    """The dense [..., M, M] matrix of tridiagonal ``diagonals`` in TF's three formats."""
    if diagonals_format == "matrix":
        d = _as_tensor(diagonals)
        return band_part(d, 1, 1)
    if diagonals_format == "sequence":
        if not isinstance(diagonals, (list, tuple)) or len(diagonals) != 3:
            raise InvalidArgumentError(
                f"ember.linalg.{op}: diagonals_format='sequence' expects a list of three "
                "tensors (superdiagonal, main diagonal, subdiagonal)")
        sup, main, sub = (_as_tensor(d) for d in diagonals)
    elif diagonals_format == "compact":
        d = _as_tensor(diagonals)
        if len(_shape(d)) < 2 or _shape(d)[-2] != 3:
            raise InvalidArgumentError(
                f"ember.linalg.{op}: compact diagonals must have shape [..., 3, M]; got "
                f"{_shape(d)}")
        sup, main, sub = d[..., 0, :], d[..., 1, :], d[..., 2, :]
    else:
        raise InvalidArgumentError(
            f"ember.linalg.{op}: diagonals_format must be 'compact', 'sequence' or "
            f"'matrix'; got {diagonals_format!r}")
    m = _shape(main)[-1]
    dense = diag(main)
    if m > 1:
        dense = dense + diag(sup[..., :-1], k=1) + diag(sub[..., 1:], k=-1)
    return dense


def tridiagonal_matmul(diagonals: Any, rhs: Any, diagonals_format: str = "compact",
                       name=None):
    """``A @ rhs`` for tridiagonal ``A`` given by its diagonals (``compact``: [..., 3, M]
    holding the superdiagonal, the main diagonal and the subdiagonal; the superdiagonal's
    last and the subdiagonal's first entries are ignored).

    >>> import ember
    >>> d = [[1., 1., 0.], [2., 2., 2.], [0., 1., 1.]]
    >>> ember.linalg.tridiagonal_matmul(d, [[1.], [1.], [1.]]).numpy().tolist()
    [[3.0], [4.0], [3.0]]
    """
    return _matmul(_tridiagonal_dense(diagonals, diagonals_format, "tridiagonal_matmul"),
                   _as_tensor(rhs))


def tridiagonal_solve(diagonals: Any, rhs: Any, diagonals_format: str = "compact",
                      transpose_rhs: bool = False, conjugate_rhs: bool = False, name=None,
                      partial_pivoting: bool = True, perturb_singular: bool = False):
    """Solve ``A @ x = rhs`` for tridiagonal ``A`` (formats as in ``tridiagonal_matmul``);
    ``rhs`` is [..., M, K] or [..., M] (then ``x`` is [..., M]).

    >>> import ember
    >>> d = [[1., 1., 0.], [2., 2., 2.], [0., 1., 1.]]
    >>> ember.linalg.tridiagonal_solve(d, [[3.], [4.], [3.]]).numpy().tolist()
    [[1.0], [1.0], [1.0]]
    """
    from .linalg import _solve
    from .shape import expand_dims
    if perturb_singular:
        raise NotImplementedError("ember.linalg.tridiagonal_solve: perturb_singular=True is "
                                  "not supported")
    dense = _tridiagonal_dense(diagonals, diagonals_format, "tridiagonal_solve")
    b = _as_tensor(rhs)
    if transpose_rhs:
        b = _adj(b) if conjugate_rhs else _T(b)
    elif conjugate_rhs:
        from .elementwise import conj
        b = conj(b)
    vector = len(_shape(b)) == len(_shape(dense)) - 1
    if vector:
        b = expand_dims(b, -1)
    x = _solve(dense, b)
    return x[..., 0] if vector else x
