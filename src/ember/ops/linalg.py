"""Linear algebra: matmul, einsum, tensordot, norms, inverses, decompositions.

Forwards use ``xp.linalg`` (NumPy or CuPy) only. Every gradient is written with Ember ops
(matmul, einsum, triangular_solve, ...), so most of them can be differentiated again.
Decompositions (cholesky, eigh) read only the lower triangle of their input, as LAPACK
does; their gradients follow TensorFlow's conventions.
"""
from __future__ import annotations

import string
from typing import Any, NamedTuple, Sequence

import numpy as np

from ..core.errors import InvalidArgumentError
from ..core.tensor import Tensor
from . import gemm
from .primitive import primitive


def _mT(xp, a):
    return xp.swapaxes(a, -1, -2)


@primitive(name="matmul")
def matmul(xp, a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product of the last two axes, broadcasting leading (batch) axes.

    The public op is the primitive itself (TF's full signature), so ``matmul(a, b)`` takes
    the shortest eager path there is.

    >>> import ember
    >>> ember.matmul([[1., 2.]], [[3.], [4.]]).numpy()
    array([[11.]], dtype=float32)
    """
    if a.ndim < 2 or b.ndim < 2:
        raise InvalidArgumentError(
            f"ember.matmul: inputs must have rank >= 2; got shapes {tuple(a.shape)} and "
            f"{tuple(b.shape)}")
    if (transpose_a and adjoint_a) or (transpose_b and adjoint_b):
        raise InvalidArgumentError(
            "ember.matmul: give at most one of transpose_a / adjoint_a (and of "
            "transpose_b / adjoint_b) for each input")
    if output_type is not None:  # e.g. int8 x int8 -> int32, accumulated in the wide type
        from ..core.dtypes import to_numpy
        wide = to_numpy(output_type)
        a, b = a.astype(wide, copy=False), b.astype(wide, copy=False)
    if transpose_a or adjoint_a:
        a = _mT(xp, a).conj() if adjoint_a else _mT(xp, a)
    if transpose_b or adjoint_b:
        b = _mT(xp, b).conj() if adjoint_b else _mT(xp, b)
    if a.ndim == 2 and b.ndim == 2:
        return gemm.dot(a, b)   # ndarray.dot's call path is much shorter than matmul's
    return gemm.matmul(a, b) if xp is np else xp.matmul(a, b)


@matmul.vjp
def _(g, out, a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
      *, needs=(True, True), **unused):
    ta, tb = transpose_a or adjoint_a, transpose_b or adjoint_b
    if g.dtype.is_complex:   # TF: the products take conj(a), conj(b) (an adjoint flag
        from .special_functions import conj   # conjugated the input already)
        ga, gb = _matmul_vjp(g, a if adjoint_a else conj(a), b if adjoint_b else conj(b),
                             ta, tb, needs)
        return (conj(ga) if adjoint_a and ga is not None else ga,
                conj(gb) if adjoint_b and gb is not None else gb)
    return _matmul_vjp(g, a, b, ta, tb, needs)


def _matmul_vjp(g, a, b, ta: bool, tb: bool, needs) -> tuple:
    if not ta and not tb:
        ga = (lambda: matmul(g, b, transpose_b=True))
        gb = (lambda: matmul(a, g, transpose_a=True))
    elif ta and not tb:
        ga = (lambda: matmul(b, g, transpose_b=True))
        gb = (lambda: matmul(a, g))
    elif not ta and tb:
        ga = (lambda: matmul(g, b))
        gb = (lambda: matmul(g, a, transpose_a=True))
    else:
        ga = (lambda: matmul(b, g, transpose_a=True, transpose_b=True))
        gb = (lambda: matmul(g, a, transpose_a=True, transpose_b=True))
    # a model's first layer: no gradient is wanted for the data, so skip that product
    return (ga() if needs[0] else None, gb() if needs[1] else None)


_matmul = matmul  # the name other modules import


# -- small helpers ---------------------------------------------------------------------
def _value(x: Any):
    """The backend array of a tensor-like (converting Python data)."""
    v = getattr(x, "_value", None)
    if v is not None:
        return v
    from ..core.convert import to_array
    return to_array(x)


def _as_tensor(x: Any):
    """Tensors and Variables pass through (the dispatcher reads variables); data converts."""
    if isinstance(x, Tensor) or hasattr(x, "_is_ember_variable"):
        return x
    from ..core.convert import holds_tensor, to_array
    if holds_tensor(x):  # stacked, so tapes and traces see the tensors inside
        from .shape import pack
        return pack(x)
    return Tensor(to_array(x))


def _shape(x: Any) -> tuple:
    return tuple(_value(x).shape)


def _float_input(xp, op: str, *arrays):
    """Linalg kernels need float or complex; float16/bfloat16 are computed in float32.

    Returns (arrays, dtype to cast results back to or None).
    """
    out = []
    back = None
    for a in arrays:
        k = a.dtype.kind
        if k in "iub":
            raise TypeError(f"expected a float or complex tensor, not {a.dtype.name}; "
                            "cast it first")
        if a.dtype.itemsize < 4 or a.dtype.name == "bfloat16":
            back = a.dtype
            a = a.astype(xp.float32)
        out.append(a)
    return out, back


def _back(arr, back):
    return arr if back is None else arr.astype(back)


def _require_matrix(a, op: str, square: bool = False, what: str = "input"):
    if a.ndim < 2:
        raise InvalidArgumentError(
            f"ember.{op}: {what} must have rank >= 2 (a [..., M, N] matrix); got shape "
            f"{tuple(a.shape)}")
    if square and a.shape[-1] != a.shape[-2]:
        raise InvalidArgumentError(
            f"ember.{op}: {what} must be square ([..., M, M]); got shape {tuple(a.shape)}")


def _expand2(x, shape: tuple):
    """A [...] tensor as [..., 1, 1]."""
    from .shape import reshape
    return reshape(x, tuple(shape) + (1, 1))


def _row(x):
    """A [..., k] tensor as [..., 1, k] (scales columns when multiplied)."""
    from .shape import reshape
    return reshape(x, _shape(x)[:-1] + (1, _shape(x)[-1]))


def _col(x):
    """A [..., k] tensor as [..., k, 1] (scales rows when multiplied)."""
    from .shape import reshape
    return reshape(x, _shape(x) + (1,))


def _T(x):
    return _matrix_transpose(x, conjugate=False)


def _H(x):
    """The conjugate transpose (the transpose of real matrices): complex gradients follow
    TF's convention, dL/dRe + i dL/dIm, so the rules' transposes become adjoints."""
    return _matrix_transpose(x, conjugate=_value(x).dtype.kind == "c")


# -- transpose, diagonals, bands -------------------------------------------------------
@primitive(name="matrix_transpose")
def _matrix_transpose(xp, a, conjugate=False):
    if a.ndim < 2:
        raise InvalidArgumentError(
            f"ember.matrix_transpose: input must have rank >= 2; got shape {tuple(a.shape)}")
    out = xp.swapaxes(a, -1, -2)
    return xp.conj(out) if conjugate and a.dtype.kind == "c" else out


@_matrix_transpose.vjp
def _(g, out, a, conjugate=False):
    return _matrix_transpose(g, conjugate=conjugate)


def matrix_transpose(a: Any, name=None, conjugate: bool = False):
    """Swap the last two axes (conjugating too when ``conjugate``).

    >>> import ember
    >>> ember.linalg.matrix_transpose([[1., 2., 3.]]).shape
    TensorShape([3, 1])
    """
    return _matrix_transpose(a, conjugate=bool(conjugate))


def adjoint(matrix: Any, name=None):
    """Conjugate transpose of the last two axes (the transpose, for real tensors).

    >>> import ember
    >>> ember.linalg.adjoint([[1., 2.], [3., 4.]]).numpy().tolist()
    [[1.0, 3.0], [2.0, 4.0]]
    """
    return _matrix_transpose(matrix, conjugate=True)


@primitive(name="diag_part")
def _diag_part(xp, x, k=0, length=None):
    if x.ndim < 2:
        raise InvalidArgumentError(
            f"ember.diag_part: input must have rank >= 2; got shape {tuple(x.shape)}")
    d = xp.diagonal(x, offset=k, axis1=-2, axis2=-1)
    if length is not None:
        d = d[..., :length]
    return xp.ascontiguousarray(d)


@_diag_part.vjp
def _(g, out, x, k=0, length=None):
    m, n = _shape(x)[-2:]
    return _matrix_diag(g, k=k, num_rows=m, num_cols=n, padding_value=0)


@primitive(name="matrix_diag")
def _matrix_diag(xp, d, k=0, num_rows=0, num_cols=0, padding_value=0):
    n = d.shape[-1]
    shape = tuple(d.shape[:-1]) + (num_rows, num_cols)
    if padding_value == 0:
        out = xp.zeros(shape, dtype=d.dtype)
    else:
        out = xp.full(shape, padding_value, dtype=d.dtype)
    i = xp.arange(n)
    out[..., i + max(-k, 0), i + max(k, 0)] = d
    return out


@_matrix_diag.vjp
def _(g, out, d, k=0, num_rows=0, num_cols=0, padding_value=0):
    return _diag_part(g, k=k, length=_shape(d)[-1])


def _diag_len(m: int, n: int, k: int) -> int:
    return max(0, min(m - max(-k, 0), n - max(k, 0)))


def diag_part(input: Any, name="diag_part", k: int = 0, padding_value=0,  # noqa: A002
              align="RIGHT_LEFT"):
    """The diagonal (offset ``k``: above the main one when positive) of the last two axes.

    >>> import ember
    >>> ember.linalg.diag_part([[1., 2.], [3., 4.]]).numpy()
    array([1., 4.], dtype=float32)
    """
    if isinstance(k, (tuple, list)):
        if len(k) == 2 and int(k[0]) == int(k[1]):
            k = k[0]
        else:
            raise NotImplementedError("ember.diag_part: only a single diagonal (an int k) is "
                                      f"supported; got k={k!r}")
    return _diag_part(input, k=int(k))


def diag(diagonal: Any, name="diag", k: int = 0, num_rows: int = -1, num_cols: int = -1,
         padding_value=0, align="RIGHT_LEFT"):
    """A batch of matrices with ``diagonal`` on diagonal ``k`` and ``padding_value`` elsewhere.

    >>> import ember
    >>> ember.linalg.diag([1., 2.]).numpy().tolist()
    [[1.0, 0.0], [0.0, 2.0]]
    """
    if isinstance(k, (tuple, list)):
        if len(k) == 2 and int(k[0]) == int(k[1]):
            k = k[0]
        else:
            raise NotImplementedError("ember.diag: only a single diagonal (an int k) is "
                                      f"supported; got k={k!r}")
    k = int(k)
    shape = _shape(diagonal)
    if len(shape) < 1:
        raise InvalidArgumentError(f"ember.diag: diagonal must have rank >= 1; got shape {shape}")
    n = shape[-1]
    num_rows, num_cols = int(num_rows), int(num_cols)
    min_rows, min_cols = n + max(-k, 0), n + max(k, 0)
    if num_rows < 0 and num_cols < 0:
        num_rows = num_cols = max(min_rows, min_cols)
    elif num_rows < 0:
        num_rows = min_rows
    elif num_cols < 0:
        num_cols = min_cols
    if _diag_len(num_rows, num_cols, k) < n:
        raise InvalidArgumentError(
            f"ember.diag: a diagonal of length {n} at k={k} does not fit a "
            f"{num_rows}x{num_cols} matrix")
    pv = padding_value
    if hasattr(pv, "_value"):
        pv = pv._value.item()
    return _matrix_diag(diagonal, k=k, num_rows=num_rows, num_cols=num_cols,
                        padding_value=pv)


def _eye_like(s):
    """Identity matrices [..., k, k] with the batch shape and dtype of ``s`` [..., k]."""
    from .creation import ones_like
    k = _shape(s)[-1]
    return _matrix_diag(ones_like(s), k=0, num_rows=k, num_cols=k)


@primitive(name="band_part")
def _band_part(xp, x, num_lower=-1, num_upper=-1):
    if x.ndim < 2:
        raise InvalidArgumentError(
            f"ember.band_part: input must have rank >= 2; got shape {tuple(x.shape)}")
    m, n = x.shape[-2:]
    r = xp.arange(m)[:, None]
    c = xp.arange(n)[None, :]
    keep = xp.ones((m, n), dtype=bool)
    if num_lower >= 0:
        keep &= (r - c) <= num_lower
    if num_upper >= 0:
        keep &= (c - r) <= num_upper
    return xp.where(keep, x, xp.zeros((), dtype=x.dtype))


@_band_part.vjp
def _(g, out, x, num_lower=-1, num_upper=-1):
    return _band_part(g, num_lower=num_lower, num_upper=num_upper)


def band_part(input: Any, num_lower: int, num_upper: int, name=None):  # noqa: A002
    """Keep a band around the diagonal: ``num_lower`` subdiagonals and ``num_upper``
    superdiagonals (negative: all of them), zeroing the rest.

    >>> import ember
    >>> ember.linalg.band_part([[1., 2.], [3., 4.]], -1, 0).numpy().tolist()
    [[1.0, 0.0], [3.0, 4.0]]
    """
    return _band_part(input, num_lower=int(_scalar(num_lower)),
                      num_upper=int(_scalar(num_upper)))


def _scalar(v):
    if hasattr(v, "_value"):
        return v._value.item()
    return v


def _tril(x):
    return _band_part(x, num_lower=-1, num_upper=0)


def _triu(x):
    return _band_part(x, num_lower=0, num_upper=-1)


def trace(x: Any, name=None):
    """Sum of the main diagonal of each matrix in the last two axes.

    >>> import ember
    >>> float(ember.linalg.trace([[1., 2.], [3., 4.]]))
    5.0
    """
    from .reduction import reduce_sum
    return reduce_sum(_diag_part(x, k=0), axis=-1)


# -- einsum and tensordot ----------------------------------------------------------------
_LETTERS = string.ascii_lowercase + string.ascii_uppercase


def _einsum_forward_kwargs(xp, ops):
    if xp is np and len(ops) >= 2 and (len(ops) > 2 or max(o.size for o in ops) > 4096):
        return {"optimize": "greedy"}
    return {}


# Planned two-operand contractions: (equation, shapes) -> plan, or None for "use einsum".
_EINSUM_PLANS: dict = {}


def _plan_einsum2(equation: str, sa: tuple, sb: tuple):
    """A transpose -> reshape -> matmul plan for ``equation`` on shapes ``sa``, ``sb``.

    Every index must appear in at least two of (a, b, output) with one size, and no
    operand may repeat an index; anything else (diagonals, lone sums, broadcasting)
    returns None and the caller uses ``einsum``. The plan computes ``x @ y`` with
    ``x`` of shape (batch, M, K) and ``y`` (batch, K, N), swapping the operands when that
    gives the output's axis order, so the result is a contiguous matmul output.
    """
    ins, out = _split_equation(equation)
    sub_a, sub_b = ins
    if (len(set(sub_a)) != len(sub_a) or len(set(sub_b)) != len(sub_b)
            or len(sa) != len(sub_a) or len(sb) != len(sub_b)):
        return None
    size = {}
    for sub, shape in ((sub_a, sa), (sub_b, sb)):
        for c, d in zip(sub, shape):
            if size.setdefault(c, d) != d:
                return None
    batch = [c for c in out if c in sub_a and c in sub_b]
    keep_a = [c for c in out if c in sub_a and c not in sub_b]
    keep_b = [c for c in out if c in sub_b and c not in sub_a]
    contr = [c for c in sub_a if c in sub_b and c not in out]
    if any(c not in sub_b and c not in out for c in sub_a) or any(
            c not in sub_a and c not in out for c in sub_b):
        return None
    # left/right operand so that the output order is batch + left-kept + right-kept
    kept = [c for c in out if c not in batch]
    if kept == keep_a + keep_b:
        swap = False
    elif kept == keep_b + keep_a:
        swap = True
    else:
        swap = len(keep_b) > 0 and kept[0] in keep_b
    if swap:
        sub_l, sub_r, keep_l, keep_r = sub_b, sub_a, keep_b, keep_a
    else:
        sub_l, sub_r, keep_l, keep_r = sub_a, sub_b, keep_a, keep_b

    def prod(cs):
        n = 1
        for c in cs:
            n *= size[c]
        return n

    nb, m, k, n = prod(batch), prod(keep_l), prod(contr), prod(keep_r)
    if nb > 1 and (k == 1 or m * k * n < 64):
        return None  # many tiny products (or a pure multiplication): einsum does better
    # each operand in either (batch, rows, cols) or the transposed (batch, cols, rows)
    perm_l = tuple(sub_l.index(c) for c in batch + keep_l + contr)
    perm_lt = tuple(sub_l.index(c) for c in batch + contr + keep_l)
    perm_r = tuple(sub_r.index(c) for c in batch + contr + keep_r)
    perm_rt = tuple(sub_r.index(c) for c in batch + keep_r + contr)
    mid = tuple(size[c] for c in batch + keep_l + keep_r)
    order = batch + keep_l + keep_r
    final = tuple(order.index(c) for c in out)
    if final == tuple(range(len(out))):
        final = None
    return (swap, (nb, m, k), (nb, k, m), perm_l, perm_lt, (nb, k, n), (nb, n, k),
            perm_r, perm_rt, mid, final)


def _as_matrices(x, perm, shape, perm_t, shape_t):
    """``x`` permuted and reshaped to ``shape``, as a view where one exists."""
    try:
        return x.transpose(perm).reshape(shape, copy=False)
    except (ValueError, AttributeError, TypeError):
        pass
    try:
        return x.transpose(perm_t).reshape(shape_t, copy=False).swapaxes(-1, -2)
    except (ValueError, AttributeError, TypeError):
        return np.ascontiguousarray(x.transpose(perm)).reshape(shape)


def _einsum2_matmul(equation: str, a, b):
    key = (equation, a.shape, b.shape)
    plan = _EINSUM_PLANS.get(key, False)
    if plan is False:
        plan = _plan_einsum2(equation, a.shape, b.shape)
        if len(_EINSUM_PLANS) > 4096:
            _EINSUM_PLANS.clear()
        _EINSUM_PLANS[key] = plan
    if plan is None:
        return None
    swap, shl, shlt, perm_l, perm_lt, shr, shrt, perm_r, perm_rt, mid, final = plan
    if swap:
        a, b = b, a
    x = _as_matrices(a, perm_l, shl, perm_lt, shlt)
    y = _as_matrices(b, perm_r, shr, perm_rt, shrt)
    if shl[0] == 1:
        res = gemm.matmul(x[0], y[0]).reshape(mid)
    else:
        res = gemm.matmul(x, y).reshape(mid)
    if final is not None:
        res = np.ascontiguousarray(res.transpose(final))
    return res


@primitive(name="einsum")
def _einsum(xp, *ops, equation=""):
    low = [o.dtype for o in ops if o.dtype.name == "bfloat16"]
    if low:  # NumPy's einsum has no bfloat16 kernel: compute in float32, round once
        alone = all(o.dtype.name == "bfloat16" or o.dtype.kind in "iub" for o in ops)
        wide = [o.astype(np.float32) if o.dtype.name == "bfloat16" else o for o in ops]
        out = _einsum_arrays(xp, wide, equation)
        return out.astype(low[0], copy=False) if alone else out  # else as the promotion
    return _einsum_arrays(xp, ops, equation)


def _einsum_arrays(xp, ops, equation: str):
    if (xp is np and len(ops) == 2 and type(ops[0]) is np.ndarray
            and type(ops[1]) is np.ndarray and ops[0].dtype == ops[1].dtype
            and ops[0].dtype.kind == "f" and ops[0].dtype.itemsize >= 4):
        res = _einsum2_matmul(equation, *ops)
        if res is not None:
            return res
    return xp.einsum(equation, *ops, **_einsum_forward_kwargs(xp, ops))


def _split_equation(equation: str):
    lhs, out = equation.split("->")
    return lhs.split(","), out


@_einsum.vjp
def _(g, out, *ops, equation=""):
    ins, out_subs = _split_equation(equation)
    used = set(equation) - set(",->")
    fresh = [c for c in _LETTERS if c not in used]
    grads = []
    for k, op in enumerate(ops):
        if op._value.dtype.kind not in "fc" and op._value.dtype.name != "bfloat16":
            grads.append(None)
            continue
        shape = _shape(op)
        subs = [ins[j] for j in range(len(ops)) if j != k] + [out_subs]
        operands = [ops[j] for j in range(len(ops)) if j != k] + [g]
        if g.dtype.is_complex:   # TF's convention: g times the conjugate of the others
            from .special_functions import conj
            operands = [conj(o) for o in operands[:-1]] + [g]
        xp = g.xp if hasattr(g, "xp") else np
        dtype = g._value.dtype
        target = ""
        fresh_iter = iter(fresh)
        extra_subs, extra_ops = [], []
        for pos, c in enumerate(ins[k]):
            if c in target:  # a repeated index: its gradient lives on a diagonal
                try:
                    f = next(fresh_iter)
                except StopIteration:
                    raise InvalidArgumentError(
                        "ember.einsum: too many indices to differentiate this equation "
                        f"{equation!r}") from None
                extra_subs.append(c + f)
                extra_ops.append(Tensor(xp.eye(shape[pos], dtype=dtype)))
                target += f
            else:
                target += c
        available = set("".join(subs + extra_subs))
        for pos, c in enumerate(target):
            if c not in available:  # summed over in this operand alone: broadcast back
                extra_subs.append(c)
                extra_ops.append(Tensor(xp.ones((shape[pos],), dtype=dtype)))
                available.add(c)
        eq = ",".join(subs + extra_subs) + "->" + target
        grads.append(_einsum(*operands, *extra_ops, equation=eq))
    return tuple(grads)


def _canonical_einsum(equation: str, shapes: Sequence[tuple]) -> str:
    """Rewrite an einsum equation with explicit letters: no '...', explicit output."""
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->")
        explicit = True
    else:
        lhs, out, explicit = eq, "", False
    ins = lhs.split(",")
    if len(ins) != len(shapes):
        raise InvalidArgumentError(
            f"ember.einsum: equation {equation!r} names {len(ins)} inputs but got "
            f"{len(shapes)} tensors of shapes {list(shapes)}")
    for part in ins + [out]:
        bad = set(part.replace("...", "")) - set(_LETTERS)
        if bad:
            raise InvalidArgumentError(
                f"ember.einsum: invalid subscript(s) {sorted(bad)} in equation {equation!r}; "
                "use letters a-z, A-Z and '...'")
    used = set(eq) - set(",->.")
    fresh = [c for c in _LETTERS if c not in used]
    ell_ranks = []
    for sub, shape in zip(ins, shapes):
        named = len(sub.replace("...", ""))
        if "..." in sub:
            r = len(shape) - named
            if r < 0:
                raise InvalidArgumentError(
                    f"ember.einsum: subscripts {sub!r} need rank >= {named}; got shape {shape} "
                    f"(equation {equation!r})")
            ell_ranks.append(r)
        else:
            if named != len(shape):
                raise InvalidArgumentError(
                    f"ember.einsum: subscripts {sub!r} name {named} axes but the tensor has "
                    f"shape {shape} (equation {equation!r})")
            ell_ranks.append(0)
    n_ell = max(ell_ranks, default=0)
    if n_ell > len(fresh):
        raise InvalidArgumentError(f"ember.einsum: too many axes in {equation!r}")
    ell = "".join(fresh[:n_ell])
    new_ins = [sub.replace("...", ell[n_ell - r:]) for sub, r in zip(ins, ell_ranks)]
    # check sizes of repeated letters (size-1 axes broadcast)
    sizes: dict = {}
    for sub, shape in zip(new_ins, shapes):
        for c, d in zip(sub, shape):
            prev = sizes.get(c)
            if prev is None or prev == 1:
                sizes[c] = d
            elif d != 1 and d != prev:
                raise InvalidArgumentError(
                    f"ember.einsum: index {c!r} has size {prev} in one place and {d} in "
                    f"another (equation {equation!r}, shapes {list(shapes)})")
    if explicit:
        new_out = out.replace("...", ell)
        if len(set(new_out)) != len(new_out):
            raise InvalidArgumentError(
                f"ember.einsum: output subscripts {out!r} repeat an index")
        missing = set(new_out) - set("".join(new_ins))
        if missing:
            raise InvalidArgumentError(
                f"ember.einsum: output index {sorted(missing)} does not appear in any input "
                f"(equation {equation!r})")
    else:
        counts: dict = {}
        for c in "".join(ins).replace(".", ""):
            counts[c] = counts.get(c, 0) + 1
        new_out = ell + "".join(sorted(c for c, n in counts.items() if n == 1))
    return ",".join(new_ins) + "->" + new_out


def einsum(equation: str, *inputs: Any, **kwargs):
    """Einstein summation over tensors described by ``equation`` (NumPy's notation,
    with ``...`` for broadcast batch axes).

    >>> import ember
    >>> ember.einsum("ij,jk->ik", [[1., 2.]], [[3.], [4.]]).numpy()
    array([[11.]], dtype=float32)
    """
    if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)) and inputs[0] and \
            hasattr(inputs[0][0], "_value") and equation.count(",") + 1 == len(inputs[0]):
        inputs = tuple(inputs[0])
    tensors = [_as_tensor(x) for x in inputs]
    canon = _canonical_einsum(str(equation), [_shape(t) for t in tensors])
    return _einsum(*tensors, equation=canon)


def _axes_list(v, op: str) -> list:
    if hasattr(v, "_value"):
        v = np.asarray(v._value).tolist()
    if isinstance(v, (int, np.integer)):
        return [int(v)]
    return [int(a) for a in v]


def tensordot(a: Any, b: Any, axes: Any, name=None):
    """Contract ``axes`` of ``a`` with ``axes`` of ``b``: an int N means the last N axes
    of ``a`` with the first N of ``b``; a pair of lists names them.

    >>> import ember
    >>> ember.tensordot([[1., 2.]], [[3.], [4.]], axes=1).numpy()
    array([[11.]], dtype=float32)
    """
    a, b = _as_tensor(a), _as_tensor(b)
    sa, sb = _shape(a), _shape(b)
    if hasattr(axes, "_value"):
        axes = np.asarray(axes._value).tolist()
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0 or n > len(sa) or n > len(sb):
            raise InvalidArgumentError(
                f"ember.tensordot: axes={n} must be between 0 and the ranks of the inputs; "
                f"got shapes {sa} and {sb}")
        ax_a = list(range(len(sa) - n, len(sa)))
        ax_b = list(range(n))
    else:
        try:
            first, second = axes
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"ember.tensordot: axes must be an int or a pair of axis lists; got {axes!r}"
            ) from None
        ax_a, ax_b = _axes_list(first, "tensordot"), _axes_list(second, "tensordot")
        if len(ax_a) != len(ax_b):
            raise InvalidArgumentError(
                f"ember.tensordot: axes {ax_a} and {ax_b} differ in length")
        for ax, s, which in ((ax_a, sa, "a"), (ax_b, sb, "b")):
            for i in ax:
                if not -len(s) <= i < len(s):
                    raise InvalidArgumentError(
                        f"ember.tensordot: axis {i} is out of range for {which} of shape {s}")
        ax_a = [i % len(sa) for i in ax_a]
        ax_b = [i % len(sb) for i in ax_b]
    for i, j in zip(ax_a, ax_b):
        if sa[i] != sb[j]:
            raise InvalidArgumentError(
                f"ember.tensordot: contracted axes differ in size: axis {i} of a (shape {sa}) "
                f"has {sa[i]}, axis {j} of b (shape {sb}) has {sb[j]}")
    if len(sa) + len(sb) > len(_LETTERS):
        raise InvalidArgumentError("ember.tensordot: too many axes")
    la = list(_LETTERS[:len(sa)])
    lb = list(_LETTERS[len(sa):len(sa) + len(sb)])
    for i, j in zip(ax_a, ax_b):
        lb[j] = la[i]
    out = [la[i] for i in range(len(sa)) if i not in ax_a] + \
          [lb[j] for j in range(len(sb)) if j not in ax_b]
    eq = "".join(la) + "," + "".join(lb) + "->" + "".join(out)
    return _einsum(a, b, equation=eq)


def matvec(a: Any, b: Any, transpose_a: bool = False, adjoint_a: bool = False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix-vector product ``a @ b`` for [..., M, N] ``a`` and [..., N] ``b``.

    >>> import ember
    >>> ember.linalg.matvec([[1., 2.], [3., 4.]], [1., 1.]).numpy()
    array([3., 7.], dtype=float32)
    """
    from .shape import reshape
    b = _as_tensor(b)
    sb = _shape(b)
    if len(sb) < 1:
        raise InvalidArgumentError(f"ember.matvec: b must have rank >= 1; got shape {sb}")
    out = _matmul(a, reshape(b, sb + (1,)), transpose_a=bool(transpose_a or adjoint_a))
    return reshape(out, _shape(out)[:-1])


def cross(a: Any, b: Any, name=None):
    """Cross product of 3-vectors in the last axis.

    >>> import ember
    >>> ember.linalg.cross([1., 0., 0.], [0., 1., 0.]).numpy()
    array([0., 0., 1.], dtype=float32)
    """
    return _cross(a, b)


@primitive(name="cross")
def _cross(xp, a, b):
    if a.shape[-1:] != (3,) or b.shape[-1:] != (3,):
        raise InvalidArgumentError(
            f"ember.cross: both inputs need a last axis of size 3; got shapes "
            f"{tuple(a.shape)} and {tuple(b.shape)}")
    return xp.cross(a, b)


@_cross.vjp
def _(g, out, a, b):
    return _cross(b, g), _cross(g, a)


# -- inverses, determinants, solves ------------------------------------------------------
@primitive(name="inv")
def _inv(xp, a):
    _require_matrix(a, "inv", square=True)
    (a,), back = _float_input(xp, "inv", a)
    return _back(xp.linalg.inv(a), back)


@_inv.vjp
def _(g, y, a):
    adj = g.dtype.is_complex   # TF's complex convention: -y^H g y^H
    return -_matmul(_matmul(y, g, transpose_a=not adj, adjoint_a=adj), y,
                    transpose_b=not adj, adjoint_b=adj)


def inv(input: Any, adjoint: bool = False, name=None):  # noqa: A002
    """Inverse of each square matrix in the last two axes (of its adjoint with ``adjoint``).

    >>> import ember
    >>> ember.linalg.inv([[2., 0.], [0., 4.]]).numpy().tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    if adjoint:
        input = _matrix_transpose(input, conjugate=True)  # noqa: A001
    return _inv(input)


@primitive(name="det")
def _det(xp, a):
    _require_matrix(a, "det", square=True)
    (a,), back = _float_input(xp, "det", a)
    return _back(xp.asarray(xp.linalg.det(a)), back)


@_det.vjp
def _(g, y, a):
    batch = _shape(a)[:-2]
    if g.dtype.is_complex:   # the conjugate derivative, as for every holomorphic op
        from .special_functions import conj
        return _expand2(g * conj(y), batch) * _matrix_transpose(_inv(a), conjugate=True)
    return _expand2(g * y, batch) * _T(_inv(a))


def det(input: Any, name=None):  # noqa: A002
    """Determinant of each square matrix in the last two axes.

    >>> import ember
    >>> float(ember.linalg.det([[1., 2.], [3., 4.]]))
    -2.0
    """
    return _det(input)


@primitive(name="slogdet", multiple_results=True)
def _slogdet(xp, a):
    _require_matrix(a, "slogdet", square=True)
    (a,), back = _float_input(xp, "slogdet", a)
    sign, logabs = xp.linalg.slogdet(a)
    return _back(xp.asarray(sign), back), _back(xp.asarray(logabs), back)


@_slogdet.vjp
def _(g, ys, a):
    batch = _shape(a)[:-2]
    return _expand2(g[1], batch) * _H(_inv(a))


class Slogdet(NamedTuple):
    """What ``slogdet`` returns (a named tuple, as TF's)."""

    sign: Any
    log_abs_determinant: Any


def slogdet(input: Any, name=None):  # noqa: A002
    """``(sign, log_abs_determinant)`` of each square matrix: a stable log-determinant,
    as a named tuple.

    >>> import ember
    >>> sign, logabs = ember.linalg.slogdet([[1., 2.], [3., 4.]])
    >>> float(sign), round(float(logabs), 4)
    (-1.0, 0.6931)
    >>> round(float(ember.linalg.slogdet([[2.]]).log_abs_determinant), 4)
    0.6931
    """
    sign, logabs = _slogdet(input)
    return Slogdet(sign, logabs)


def logdet(matrix: Any, name=None):
    """Log-determinant of Hermitian positive definite matrices (through Cholesky).

    >>> import ember
    >>> round(float(ember.linalg.logdet([[2., 0.], [0., 3.]])), 4)
    1.7918
    """
    from .elementwise import log
    from .reduction import reduce_sum
    chol = _cholesky(matrix)
    diagonal = _diag_part(chol, k=0)
    if _value(diagonal).dtype.kind == "c":  # real and positive: the result is real (as TF)
        from .special_functions import real
        diagonal = real(diagonal)
    half = reduce_sum(log(diagonal), axis=-1)
    return half + half  # (not 2.0 * half: keeps float64 0-d results float64)


@primitive(name="solve")
def _solve(xp, a, b, adjoint=False):
    _require_matrix(a, "solve", square=True, what="matrix")
    _require_matrix(b, "solve", what="rhs")
    if b.shape[-2] != a.shape[-1]:
        raise InvalidArgumentError(
            f"ember.solve: rhs must have {a.shape[-1]} rows to match matrix of shape "
            f"{tuple(a.shape)}; got rhs of shape {tuple(b.shape)}")
    (a, b), back = _float_input(xp, "solve", a, b)
    if adjoint:
        a = xp.conj(_mT(xp, a)) if a.dtype.kind == "c" else _mT(xp, a)
    return _back(xp.linalg.solve(a, b), back)


@_solve.vjp
def _(g, x, a, b, adjoint=False):
    gb = _solve(a, g, adjoint=not adjoint)
    adj = g.dtype.is_complex   # TF's complex convention: conjugate transposes
    if adjoint:
        ga = -_matmul(x, gb, transpose_b=not adj, adjoint_b=adj)
    else:
        ga = -_matmul(gb, x, transpose_b=not adj, adjoint_b=adj)
    return ga, gb


def solve(matrix: Any, rhs: Any, adjoint: bool = False, name=None):
    """Solve ``matrix @ x = rhs`` (``adjoint(matrix) @ x = rhs`` with ``adjoint``) for
    [..., M, M] ``matrix`` and [..., M, K] ``rhs``.

    >>> import ember
    >>> ember.linalg.solve([[2., 0.], [0., 4.]], [[2.], [4.]]).numpy().tolist()
    [[1.0], [1.0]]
    """
    return _solve(matrix, rhs, adjoint=bool(adjoint))


@primitive(name="triangular_solve")
def _triangular_solve(xp, a, b, lower=True, adjoint=False):
    _require_matrix(a, "triangular_solve", square=True, what="matrix")
    _require_matrix(b, "triangular_solve", what="rhs")
    if b.shape[-2] != a.shape[-1]:
        raise InvalidArgumentError(
            f"ember.triangular_solve: rhs must have {a.shape[-1]} rows to match matrix of "
            f"shape {tuple(a.shape)}; got rhs of shape {tuple(b.shape)}")
    (a, b), back = _float_input(xp, "triangular_solve", a, b)
    a = xp.tril(a) if lower else xp.triu(a)
    if adjoint:
        a = xp.conj(_mT(xp, a)) if a.dtype.kind == "c" else _mT(xp, a)
    return _back(xp.linalg.solve(a, b), back)


@_triangular_solve.vjp
def _(g, x, a, b, lower=True, adjoint=False):
    gb = _triangular_solve(a, g, lower=lower, adjoint=not adjoint)
    adj = g.dtype.is_complex   # TF's complex convention: conjugate transposes
    if adjoint:
        ga = -_matmul(x, gb, transpose_b=not adj, adjoint_b=adj)
    else:
        ga = -_matmul(gb, x, transpose_b=not adj, adjoint_b=adj)
    return (_tril(ga) if lower else _triu(ga)), gb


def triangular_solve(matrix: Any, rhs: Any, lower: bool = True, adjoint: bool = False,
                     name=None):
    """Solve ``matrix @ x = rhs`` reading only the lower (``lower``) or upper triangle of
    ``matrix``.

    >>> import ember
    >>> ember.linalg.triangular_solve([[2., 0.], [1., 1.]], [[2.], [2.]]).numpy().tolist()
    [[1.0], [1.0]]
    """
    return _triangular_solve(matrix, rhs, lower=bool(lower), adjoint=bool(adjoint))


# -- decompositions ---------------------------------------------------------------------
@primitive(name="cholesky")
def _cholesky(xp, a):
    _require_matrix(a, "cholesky", square=True)
    (a,), back = _float_input(xp, "cholesky", a)
    try:
        return _back(xp.linalg.cholesky(a), back)
    except Exception as e:  # noqa: BLE001
        if type(e).__name__ == "LinAlgError":
            raise InvalidArgumentError(
                f"ember.cholesky: the input is not positive definite ({e}); got shape "
                f"{tuple(a.shape)}") from None
        raise


@_cholesky.vjp
def _(g, l, a):
    # phi(L^H gL) with half the diagonal; then L^{-H} phi L^{-1}, symmetrized (as TF).
    p = _matmul(l, g, adjoint_a=True)
    p = _tril(p) - 0.5 * _matrix_diag(_diag_part(p, k=0), k=0, num_rows=_shape(p)[-1],
                                      num_cols=_shape(p)[-1])
    y = _triangular_solve(l, p, lower=True, adjoint=True)
    s = _H(_triangular_solve(l, _H(y), lower=True, adjoint=True))
    return 0.5 * (s + _H(s))


def cholesky(input: Any, name=None):  # noqa: A002
    """Lower-triangular ``L`` with ``L @ L^H = input`` for Hermitian positive definite input.

    Only the lower triangle of ``input`` is read.

    >>> import ember
    >>> ember.linalg.cholesky([[4., 2.], [2., 2.]]).numpy().tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    return _cholesky(input)


@primitive(name="qr", multiple_results=True)
def _qr(xp, a, full_matrices=False):
    _require_matrix(a, "qr")
    (a,), back = _float_input(xp, "qr", a)
    q, r = xp.linalg.qr(a, mode="complete" if full_matrices else "reduced")
    return _back(q, back), _back(r, back)


def _solve_right_upper_T(x, r):
    """``x @ inv(r)^H`` for upper-triangular ``r``."""
    return _H(_triangular_solve(r, _H(x), lower=False, adjoint=False))


def _qr_grad_deep(q, r, dq, dr):
    qdq = _matmul(q, dq, adjoint_a=True)
    qdq_ = qdq - _H(qdq)
    rdr = _matmul(r, dr, adjoint_b=True)
    rdr_ = rdr - _H(rdr)
    low = _tril(qdq_ + rdr_)
    grad_a = _matmul(q, dr + _solve_right_upper_T(low, r))
    grad_b = _solve_right_upper_T(dq - _matmul(q, qdq), r)
    if _value(q).dtype.kind == "c":  # complex: the imaginary part of diag(R dR^H - dQ^H Q)
        from .special_functions import imag
        d = _diag_part(rdr - _H(qdq), k=0)
        k = _shape(d)[-1]
        fix = _matrix_diag(imag(d), k=0, num_rows=k, num_cols=k) * (-1j)  # -i Im: conj
        return grad_a + grad_b + _solve_right_upper_T(_matmul(q, fix), r)
    return grad_a + grad_b


@_qr.vjp
def _(g, ys, a, full_matrices=False):
    q, r = ys
    dq, dr = g
    m, n = _shape(a)[-2:]
    if full_matrices and m > n:
        raise NotImplementedError(
            f"ember.qr: the gradient of full_matrices=True QR is defined only for square or "
            f"wide matrices; got shape {_shape(a)}")
    if m >= n:
        return _qr_grad_deep(q, r, dq, dr)
    # wide: a = [x | y], r = [u | v]; reduce to the square case (as TensorFlow does)
    y = _cols(a, start=m, stop=n)
    u = _cols(r, start=0, stop=m)
    dv = _cols(dr, start=m, stop=n)
    du = _cols(dr, start=0, stop=m)
    dy = _matmul(q, dv)
    dx = _qr_grad_deep(q, u, dq + _matmul(y, dv, adjoint_b=True), du)
    return _concat_cols(dx, dy)


@primitive(name="slice_columns")
def _cols(xp, x, start=0, stop=0):
    return x[..., start:stop]


@_cols.vjp
def _(g, out, x, start=0, stop=0):
    return _pad_cols(g, start=start, total=_shape(x)[-1])


@primitive(name="pad_columns")
def _pad_cols(xp, x, start=0, total=0):
    out = xp.zeros(tuple(x.shape[:-1]) + (total,), dtype=x.dtype)
    out[..., start:start + x.shape[-1]] = x
    return out


@_pad_cols.vjp
def _(g, out, x, start=0, total=0):
    return _cols(g, start=start, stop=start + _shape(x)[-1])


@primitive(name="concat_columns")
def _concat_cols(xp, a, b):
    return xp.concatenate([a, b], axis=-1)


@_concat_cols.vjp
def _(g, out, a, b):
    na, nb = _shape(a)[-1], _shape(b)[-1]
    return _cols(g, start=0, stop=na), _cols(g, start=na, stop=na + nb)


def qr(input: Any, full_matrices: bool = False, name=None):  # noqa: A002
    """QR decomposition ``input = q @ r``: returns ``(q, r)``, ``q`` with orthonormal
    columns and ``r`` upper triangular.

    >>> import ember
    >>> q, r = ember.linalg.qr([[3., 0.], [4., 5.]])
    >>> [round(abs(float(v)), 4) for v in ember.linalg.diag_part(r)]
    [5.0, 3.0]
    """
    q, r = _qr(input, full_matrices=bool(full_matrices))
    return q, r


@primitive(name="svd", multiple_results=True)
def _svd_uv(xp, a, full_matrices=False):
    _require_matrix(a, "svd")
    (a,), back = _float_input(xp, "svd", a)
    u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices, compute_uv=True)
    v = xp.conj(_mT(xp, vh)) if vh.dtype.kind == "c" else _mT(xp, vh)
    return _back(s, back), _back(u, back), _back(xp.ascontiguousarray(v), back)


@_svd_uv.vjp
def _(g, ys, a, full_matrices=False):
    s, u, v = ys
    gs, gu, gv = g
    m, n = _shape(a)[-2:]
    if full_matrices and m != n:
        raise NotImplementedError(
            "ember.svd: the gradient of full_matrices=True SVD is defined only for square "
            f"matrices; got shape {_shape(a)}")
    k = min(m, n)
    eye = _eye_like(s)
    s2 = s * s
    f = 1.0 / (_row(s2) - _col(s2) + eye) - eye       # f_ij = 1 / (s_j^2 - s_i^2)
    utgu = _matmul(u, gu, adjoint_a=True)
    vtgv = _matmul(v, gv, adjoint_a=True)
    j = f * utgu
    kk = f * vtgv
    inner = (j + _H(j)) * _row(s) + _col(s) * (kk + _H(kk)) + \
        _matrix_diag(gs, k=0, num_rows=k, num_cols=k)
    inv_s = 1.0 / s
    if _value(u).dtype.kind == "c":  # the phases of v's columns: 1/2 S^-1 (L^H - L)
        diag_vgv = _matrix_diag(_diag_part(vtgv, k=0), k=0, num_rows=k, num_cols=k)
        inner = inner + 0.5 * _col(inv_s) * (_H(diag_vgv) - diag_vgv)
    ga = _matmul(_matmul(u, inner), v, adjoint_b=True)
    if m > k:
        ga = ga + _matmul((gu - _matmul(u, utgu)) * _row(inv_s), v, adjoint_b=True)
    if n > k:
        ga = ga + _matmul(u * _row(inv_s), gv - _matmul(v, vtgv), adjoint_b=True)
    return ga


@primitive(name="svd_values")
def _svd_s(xp, a):
    _require_matrix(a, "svd")
    (a,), back = _float_input(xp, "svd", a)
    return _back(xp.linalg.svd(a, compute_uv=False), back)


@_svd_s.vjp
def _(g, s, a):
    _, u, v = _svd_uv(a, full_matrices=False)
    return _matmul(u * _row(g), v, adjoint_b=True)


def svd(tensor: Any, full_matrices: bool = False, compute_uv: bool = True, name=None):
    """Singular value decomposition ``tensor = u @ diag(s) @ adjoint(v)``.

    Returns ``(s, u, v)`` (TensorFlow's order; ``v`` is not transposed), or only ``s``
    when ``compute_uv`` is False. Singular values come in descending order.

    >>> import ember
    >>> ember.linalg.svd([[3., 0.], [0., 4.]], compute_uv=False).numpy()
    array([4., 3.], dtype=float32)
    """
    if not compute_uv:
        return _svd_s(tensor)
    s, u, v = _svd_uv(tensor, full_matrices=bool(full_matrices))
    return s, u, v


@primitive(name="eigh", multiple_results=True)
def _eigh(xp, a):
    _require_matrix(a, "eigh", square=True)
    (a,), back = _float_input(xp, "eigh", a)
    e, v = xp.linalg.eigh(a)
    return _back(e, back), _back(v, back)


@_eigh.vjp
def _(g, ys, a):
    e, v = ys
    ge, gv = g
    n = _shape(a)[-1]
    eye = _eye_like(e)
    f = 1.0 / (_row(e) - _col(e) + eye) - eye          # f_ij = 1 / (e_j - e_i)
    inner = _matrix_diag(ge, k=0, num_rows=n, num_cols=n) + \
        f * _matmul(v, gv, adjoint_a=True)
    ga = _matmul(_matmul(v, inner), v, adjoint_b=True)
    # the forward reads only the lower triangle: fold the gradient onto it
    ga = _tril(ga + _H(ga))
    return ga - 0.5 * _matrix_diag(_diag_part(ga, k=0), k=0, num_rows=n, num_cols=n)


def eigh(tensor: Any, name=None):
    """Eigen-decomposition of self-adjoint matrices: ``(e, v)`` with eigenvalues ``e`` in
    ascending order and eigenvectors in the columns of ``v``. Reads the lower triangle.

    >>> import ember
    >>> e, v = ember.linalg.eigh([[2., 0.], [0., 1.]])
    >>> e.numpy()
    array([1., 2.], dtype=float32)
    """
    e, v = _eigh(tensor)
    return e, v


def eigvalsh(tensor: Any, name=None):
    """Eigenvalues (ascending) of self-adjoint matrices.

    >>> import ember
    >>> ember.linalg.eigvalsh([[2., 0.], [0., 1.]]).numpy()
    array([1., 2.], dtype=float32)
    """
    return _eigh(tensor)[0]


@primitive(name="pinv")
def _pinv(xp, a, rcond=None):
    _require_matrix(a, "pinv")
    (a,), back = _float_input(xp, "pinv", a)
    m, n = a.shape[-2:]
    if rcond is None:
        rcond = 10.0 * max(m, n) * float(xp.finfo(a.dtype).eps)
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    if s.shape[-1] == 0:
        return _back(xp.zeros(tuple(a.shape[:-2]) + (n, m), dtype=a.dtype), back)
    cutoff = rcond * xp.max(s, axis=-1, keepdims=True)
    keep = s > cutoff
    s_inv = xp.where(keep, 1.0 / xp.where(keep, s, 1), 0).astype(s.dtype)
    vs = xp.conj(_mT(xp, vh)) * s_inv[..., None, :]
    uh = xp.conj(_mT(xp, u)) if u.dtype.kind == "c" else _mT(xp, u)
    return _back(xp.matmul(vs, uh), back)


@_pinv.vjp
def _(g, p, a, rcond=None):
    # d pinv for a matrix of locally constant rank (Golub & Pereyra).
    gt = _H(g)
    t1 = -_matmul(_matmul(p, g, adjoint_a=True), p, adjoint_b=True)
    x = _matmul(gt, _matmul(p, p, adjoint_b=True))
    t2 = x - _matmul(a, _matmul(p, x))
    z = _matmul(_matmul(p, p, adjoint_a=True), gt)
    t3 = z - _matmul(_matmul(z, p), a)
    return t1 + t2 + t3


def pinv(a: Any, rcond: Any = None, validate_args: bool = False, name=None):
    """Moore-Penrose pseudo-inverse, dropping singular values below ``rcond`` times the
    largest (default ``10 * max(M, N) * eps``).

    >>> import ember
    >>> ember.linalg.pinv([[2., 0.], [0., 0.]]).numpy().tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    if rcond is not None:
        rcond = float(_scalar(rcond))
    return _pinv(a, rcond=rcond)


# -- norms ------------------------------------------------------------------------------
def _normalize_axes(axis, ndim: int, op: str) -> tuple:
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < ndim:
            raise InvalidArgumentError(
                f"ember.{op}: axis {a} is out of range for a tensor of rank {ndim}")
        out.append(a % ndim)
    return tuple(out)


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def norm(tensor: Any, ord: Any = "euclidean", axis: Any = None,  # noqa: A002
         keepdims: bool | None = None, name=None):
    """Vector norms (``ord`` 'euclidean', 1, 2, inf or any p > 0) and matrix norms
    (``axis`` a pair; ``ord`` 'euclidean'/'fro', 1, 2, inf).

    >>> import ember
    >>> float(ember.norm([3., 4.]))
    5.0
    """
    from .elementwise import abs as abs_
    from .elementwise import pow as pow_
    from .elementwise import sqrt
    from .reduction import reduce_max, reduce_sum
    from .shape import reshape

    x = _as_tensor(tensor)
    shape = _shape(x)
    ndim = len(shape)
    keep = bool(keepdims)
    if hasattr(axis, "_value"):
        axis = np.asarray(axis._value).tolist()
    if axis is None:
        axes, matrix = tuple(range(ndim)), False
    elif isinstance(axis, (int, np.integer)):
        axes, matrix = _normalize_axes([axis], ndim, "norm"), False
    elif isinstance(axis, (list, tuple)) and len(axis) in (1, 2):
        axes = _normalize_axes(axis, ndim, "norm")
        matrix = len(axes) == 2
        if matrix and axes[0] == axes[1]:
            raise InvalidArgumentError(f"ember.norm: the two matrix axes must differ; got "
                                       f"axis={axis}")
    else:
        raise InvalidArgumentError(
            f"ember.norm: axis must be None, an int or a pair of ints; got {axis!r}")
    if isinstance(ord, str):
        if ord not in ("euclidean", "fro"):
            raise InvalidArgumentError(f"ember.norm: unsupported ord {ord!r}")
        if ord == "fro" and not matrix:
            raise InvalidArgumentError(
                "ember.norm: ord='fro' is a matrix norm; pass a pair of axes (got "
                f"axis={axis!r})")
    elif not _is_number(ord) or not ord > 0:
        raise InvalidArgumentError(
            f"ember.norm: ord must be 'euclidean', 'fro', 1, 2, inf or a positive number; "
            f"got {ord!r}")
    elif matrix and ord not in (1, 2, np.inf):
        raise InvalidArgumentError(
            f"ember.norm: matrix norms support ord 'euclidean', 'fro', 1, 2 and inf; got "
            f"{ord!r}")
    kept_shape = tuple(1 if i in axes else d for i, d in enumerate(shape))
    is_complex = _value(x).dtype.kind == "c"

    def sq_sum(t, ax):
        a2 = abs_(t) * abs_(t) if is_complex else t * t
        return reduce_sum(a2, axis=ax, keepdims=True)

    if isinstance(ord, str) or (not matrix and ord == 2):
        result = sqrt(sq_sum(x, axes))
    elif not matrix:
        if ord == 1:
            result = reduce_sum(abs_(x), axis=axes, keepdims=True)
        elif ord == np.inf:
            result = reduce_max(abs_(x), axis=axes, keepdims=True)
        else:
            p = float(ord)
            result = pow_(reduce_sum(pow_(abs_(x), p), axis=axes, keepdims=True), 1.0 / p)
    else:
        r_ax, c_ax = axes
        if ord == 1:
            result = reduce_max(reduce_sum(abs_(x), axis=r_ax, keepdims=True), axis=c_ax,
                                keepdims=True)
        elif ord == np.inf:
            result = reduce_max(reduce_sum(abs_(x), axis=c_ax, keepdims=True), axis=r_ax,
                                keepdims=True)
        else:  # spectral norm: the largest singular value
            rest = [i for i in range(ndim) if i not in axes]
            letters = _LETTERS[:ndim]
            eq = letters + "->" + "".join(letters[i] for i in rest) + letters[r_ax] + \
                letters[c_ax]
            mats = _einsum(x, equation=eq)
            s = _svd_s(mats)
            result = reshape(reduce_max(s, axis=-1), kept_shape)
    if keep:
        return result
    return reshape(result, tuple(d for i, d in enumerate(shape) if i not in axes))


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name=None, dim=None):
    """``x / sqrt(max(sum(x**2, axis), epsilon))``.

    >>> import ember
    >>> ember.math.l2_normalize([3., 4.]).numpy()
    array([0.6, 0.8], dtype=float32)
    """
    from .elementwise import maximum, rsqrt
    from .reduction import reduce_sum
    if dim is not None:
        axis = dim
    x = _as_tensor(x)
    if _value(x).dtype.kind == "c":
        from .elementwise import abs as abs_
        sq = reduce_sum(abs_(x) * abs_(x), axis=axis, keepdims=True)
    else:
        sq = reduce_sum(x * x, axis=axis, keepdims=True)
    return x * rsqrt(maximum(sq, epsilon))


def global_norm(t_list: Sequence[Any], name=None):
    """``sqrt(sum(sum(t**2) for t in t_list))``; None entries are skipped.

    >>> import ember
    >>> float(ember.linalg.global_norm([[3.], [4.]]))
    5.0
    """
    from .elementwise import sqrt
    from .reduction import reduce_sum
    if isinstance(t_list, (str, bytes)) or not isinstance(t_list, (list, tuple)):
        raise TypeError(f"ember.global_norm: t_list must be a list or tuple; got "
                        f"{type(t_list).__name__}")
    total = None
    for t in t_list:
        if t is None:
            continue
        t = getattr(t, "values", t) if type(t).__name__ == "IndexedSlices" else t
        t = _as_tensor(t)
        s = reduce_sum(t * t)
        total = s if total is None else total + s
    if total is None:
        return Tensor(np.zeros((), np.float32))
    return sqrt(total)


__all__ = ["matmul", "einsum", "tensordot", "norm", "inv", "det", "solve", "cholesky", "qr",
           "svd", "eigh", "trace", "diag_part", "diag", "matrix_transpose", "adjoint",
           "logdet", "slogdet", "pinv", "triangular_solve", "cross", "band_part",
           "eigvalsh", "matvec", "l2_normalize", "global_norm"]
