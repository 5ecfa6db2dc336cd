"""switch_case, case, foldl, foldr, vectorized_map and no_op, eagerly and compiled, with
the results TensorFlow 2.21 gives."""
from __future__ import annotations

import numpy as np
import pytest

import ember
from ember.graph.control_flow.combinators import (
    case,
    foldl,
    foldr,
    no_op,
    switch_case,
    vectorized_map,
)


def _both(f, *args):
    """``f(*args)`` eagerly and compiled, as NumPy values."""
    out = []
    for g in (f, ember.function(f)):
        r = g(*args)
        out.append([np.asarray(v).tolist() for v in ember.nest.flatten(r)])
    assert out[0] == out[1]
    return out[0]


X = ember.constant([1.0, 2.0])


@pytest.mark.parametrize("index, expected", [(0, [1.0, 2.0]), (1, [2.0, 4.0]),
                                             (5, [2.0, 4.0]), (-1, [2.0, 4.0])])
def test_switch_case_out_of_range_runs_the_last_branch(index, expected):
    f = lambda i: switch_case(i, [lambda: X, lambda: X * 2.0])
    assert _both(f, ember.constant(index)) == [expected]


def test_switch_case_default_pairs_and_structures():
    f = lambda i: switch_case(i, {0: lambda: X, 1: lambda: X * 2.0},
                              default=lambda: -X)
    assert _both(f, ember.constant(7)) == [[-1.0, -2.0]]
    g = lambda i: switch_case(i, [(1, lambda: (X, {"a": X})),
                                  (0, lambda: (X * 2.0, {"a": X * 3.0}))])
    assert _both(g, ember.constant(0, "int64")) == [[2.0, 4.0], [3.0, 6.0]]
    with pytest.raises(ValueError, match=r"\[0, 2\); got \[1, 3\]"):
        switch_case(ember.constant(1), {3: lambda: X, 1: lambda: X})


def test_switch_case_runs_only_the_chosen_branch_and_differentiates():
    v = ember.Variable(0.0)

    @ember.function
    def f(i, x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            y = switch_case(i, [lambda: (v.assign_add(1.0), x * x)[1],
                                lambda: (v.assign_add(10.0), x * x * x)[1]])
        return tape.gradient(y, x)

    assert float(f(ember.constant(0), ember.constant(3.0))) == 6.0
    assert float(f(ember.constant(1), ember.constant(3.0))) == 27.0
    assert float(v) == 11.0 and f.experimental_get_tracing_count() == 1


def test_case_takes_the_first_true_predicate():
    first = lambda x: case([(x[0] > 0, lambda: x), (x[0] > -1, lambda: x * 2.0)])
    assert _both(first, X) == [[1.0, 2.0]]
    dflt = lambda x: case([(x[0] > 5, lambda: x)], default=lambda: -x)
    assert _both(dflt, X) == [[-1.0, -2.0]]
    none = lambda x: case([(x[0] > 5, lambda: x), (x[0] > 3, lambda: x * 2.0)])
    with pytest.raises(ember.errors.InvalidArgumentError, match="none of the conditions"):
        none(X)
    compiled = ember.function(none)
    assert compiled(ember.constant([4.0, 0.0])).numpy().tolist() == [8.0, 0.0]
    with pytest.raises(ember.errors.InvalidArgumentError, match="none of the conditions"):
        compiled(X)


def test_folds():
    e = ember.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert _both(lambda e: foldl(lambda a, r: a + ember.reduce_sum(r), e,
                                 initializer=ember.constant(0.0)), e) == [21.0]
    assert _both(lambda e: foldr(lambda a, r: a * 2.0 + r, e), e) == [[27.0, 34.0]]
    assert _both(lambda e: foldl(lambda a, r: a * 2.0 + r, e), e) == [[15.0, 22.0]]
    assert _both(lambda e: foldl(lambda a, r: a + r[0] * r[1], (e, e),
                                 initializer=ember.zeros([2])), e) == [[35.0, 56.0]]
    assert _both(lambda e: foldl(lambda a, r: (a[0] + r, a[1] * r), e,
                                 initializer=(ember.zeros([2]), ember.ones([2]))),
                 e) == [[9.0, 12.0], [15.0, 48.0]]
    assert int(foldl(lambda a, x: a * 10 + x, ember.constant([7]))) == 7


def test_vectorized_map_and_no_op():
    e = ember.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert _both(lambda e: vectorized_map(lambda t: (t, ember.reduce_sum(t)), e),
                 e) == [[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [3.0, 7.0, 11.0]]
    assert _both(lambda e: vectorized_map(lambda t: t[0] * t[1], (e, e)),
                 e) == [[[1.0, 4.0], [9.0, 16.0], [25.0, 36.0]]]
    assert no_op() is None
