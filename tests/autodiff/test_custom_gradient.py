import numpy as np
import pytest

import ember


def test_custom_gradient_replaces_the_rule():
    @ember.custom_gradient
    def log1pexp(x):
        e = ember.exp(x)

        def grad(dy):
            return dy * (1 - 1 / (1 + e))
        return ember.math.log1p(e), grad

    x = ember.constant(30.0)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert float(tape.gradient(y, x)) == 1.0


def test_custom_gradient_with_variables():
    w = ember.Variable(2.0)

    @ember.custom_gradient
    def scaled(x):
        def grad(dy, variables=None):
            return dy * w, [dy * x * 10.0]
        return x * w, grad

    x = ember.constant(3.0)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = scaled(x)
    gx, gw = tape.gradient(y, [x, w])
    assert float(gx) == 2.0 and float(gw) == 30.0


def test_custom_gradient_reading_variables_needs_variables_arg():
    w = ember.Variable(2.0)

    @ember.custom_gradient
    def f(x):
        return x * w, lambda dy: dy

    with ember.GradientTape() as tape:
        tape.watch(x := ember.constant(1.0))
        with pytest.raises(TypeError, match="variables"):
            f(x)


def test_custom_gradient_is_differentiable_again():
    @ember.custom_gradient
    def cube(x):
        def grad(dy):
            return dy * 3.0 * x * x
        return x * x * x, grad

    x = ember.constant(2.0)
    with ember.GradientTape() as outer:
        outer.watch(x)
        with ember.GradientTape() as inner:
            inner.watch(x)
            y = cube(x)
        g = inner.gradient(y, x)
    assert float(g) == 12.0
    assert float(outer.gradient(g, x)) == 12.0


def test_custom_gradient_outside_tape_returns_value():
    @ember.custom_gradient
    def f(x):
        return x * 2.0, lambda dy: dy
    np.testing.assert_allclose(f(ember.constant([1.0])).numpy(), [2.0])
