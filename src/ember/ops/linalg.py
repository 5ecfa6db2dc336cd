"""Linear algebra: matmul, einsum, tensordot, norms, inverses, decompositions."""
from __future__ import annotations

from typing import Any

from ..core.errors import InvalidArgumentError
from .primitive import primitive


def _mT(xp, a):
    return xp.swapaxes(a, -1, -2)


@primitive(name="matmul")
def _matmul(xp, a, b, transpose_a=False, transpose_b=False):
    if a.ndim < 2 or b.ndim < 2:
        raise InvalidArgumentError(
            f"ember.matmul: inputs must have rank >= 2; got shapes {tuple(a.shape)} and "
            f"{tuple(b.shape)}")
    if transpose_a:
        a = _mT(xp, a)
    if transpose_b:
        b = _mT(xp, b)
    if a.shape[-1] != b.shape[-2]:
        raise InvalidArgumentError(
            f"ember.matmul: inner dimensions differ: {tuple(a.shape)} @ {tuple(b.shape)} "
            f"(after transpose_a={transpose_a}, transpose_b={transpose_b})")
    return xp.matmul(a, b)


@_matmul.vjp
def _(g, out, a, b, transpose_a=False, transpose_b=False):
    if not transpose_a and not transpose_b:
        return (_matmul(g, b, transpose_b=True), _matmul(a, g, transpose_a=True))
    if transpose_a and not transpose_b:
        return (_matmul(b, g, transpose_b=True), _matmul(a, g))
    if not transpose_a and transpose_b:
        return (_matmul(g, b), _matmul(g, a, transpose_a=True))
    return (_matmul(b, g, transpose_a=True, transpose_b=True),
            _matmul(g, a, transpose_a=True, transpose_b=True))


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, a_is_sparse=False,
           b_is_sparse=False, output_type=None, name=None):
    """Matrix product of the last two axes, broadcasting leading (batch) axes.

    >>> import ember
    >>> ember.matmul([[1., 2.]], [[3.], [4.]]).numpy()
    array([[11.]], dtype=float32)
    """
    if transpose_a or adjoint_a or transpose_b or adjoint_b:
        return _matmul(a, b, transpose_a=bool(transpose_a or adjoint_a),
                       transpose_b=bool(transpose_b or adjoint_b))
    return _matmul(a, b)
