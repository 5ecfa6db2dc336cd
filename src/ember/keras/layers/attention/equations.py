"""The einsum equations multi-head attention uses, spelled the way Keras spells them.

Keras names einsum axes with consecutive lowercase letters; the equations (and so the
projection kernels' shapes and bias axes) must come out letter for letter the same for
weights and configs to move between Keras and Ember.
"""
from __future__ import annotations

import string


def _letter(i: int) -> str:
    return string.ascii_lowercase[i]


def projection_equation(free_dims: int, bound_dims: int,
                        output_dims: int) -> tuple[str, str, int]:
    """``(equation, bias_axes, output_rank)`` of a projection inside attention.

    ``free_dims`` input axes pass through (batch and positions), ``bound_dims`` are
    contracted with the kernel, ``output_dims`` new axes come from the kernel.

    >>> projection_equation(2, 1, 2)
    ('abc,cde->abde', 'de', 4)
    >>> projection_equation(2, 2, 1)
    ('abcd,cde->abe', 'e', 3)
    """
    free = "".join(_letter(i) for i in range(free_dims))
    bound = "".join(_letter(free_dims + i) for i in range(bound_dims))
    new = "".join(_letter(free_dims + bound_dims + i) for i in range(output_dims))
    return f"{free}{bound},{bound}{new}->{free}{new}", new, len(free) + len(new)


def partial_output_shape(output_rank: int, known_last_dims) -> list:
    """An EinsumDense ``output_shape``: ``None`` for each leading axis, then the known
    trailing sizes (the batch axis is not part of it).

    >>> partial_output_shape(3, [2, 8])
    [None, 2, 8]
    """
    known = list(known_last_dims)
    return [None] * (output_rank - len(known)) + known


def attention_equations(rank: int, attention_axes: tuple) -> tuple[str, str, int]:
    """``(dot_product_equation, combine_equation, scores_rank)`` for projected tensors of
    ``rank`` laid out ``(batch, <other dims>, <attention dims>, heads, channels)``.

    The dot product takes ``(key, query)`` to scores laid out ``(<batch dims>, heads,
    <query attention dims>, <key attention dims>)``; the combination takes ``(scores,
    value)`` back to the query's layout.

    >>> attention_equations(4, (1,))
    ('aecd,abcd->acbe', 'acbe,aecd->abcd', 4)
    """
    target = "".join(_letter(i) for i in range(rank))
    batch_dims = [i for i in range(rank) if i not in attention_axes and i != rank - 1]
    source, offset = "", rank
    for i in range(rank):
        if i in batch_dims or i == rank - 1:
            source += target[i]
        else:
            source += _letter(offset)
            offset += 1
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in attention_axes]
                      + [source[i] for i in attention_axes])
    return (f"{source},{target}->{product}", f"{product},{source}->{target}",
            len(product))
