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


def test_every_positional_argument_gets_a_gradient_slot():
    # TF: a Python number argument is an input too (grad_fn returns None for it)
    @ember.custom_gradient
    def f(x, s):
        def grad(dy):
            return dy * s, None
        return x * s, grad

    x = ember.constant(2.0)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = f(x, 3.0)
    assert float(tape.gradient(y, x)) == 3.0


def test_variable_argument_is_an_input_not_a_captured_variable():
    w = ember.Variable(3.0)

    @ember.custom_gradient
    def f(x):
        def grad(dy):
            return dy * 5.0
        return x * 1.0, grad

    with ember.GradientTape() as tape:
        y = f(w)
    assert float(tape.gradient(y, w)) == 5.0


def test_grad_fn_with_var_keyword_receives_variables():
    w = ember.Variable(3.0)

    @ember.custom_gradient
    def f(x):
        def grad(dy, **kw):
            return dy * w, [dy * 0.0 + len(kw["variables"])]
        return x * w, grad

    x = ember.constant(2.0)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    gx, gw = tape.gradient(y, [x, w])
    assert float(gx) == 3.0 and float(gw) == 1.0


def test_recompute_grad_matches_plain_gradients():
    from ember.autodiff import recompute_grad
    w = ember.Variable([[1.0, 2.0], [3.0, 4.0]])
    block = recompute_grad(lambda x: ember.tanh(ember.matmul(x, w)))
    x = ember.constant([[0.1, 0.2]])
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.reduce_sum(block(x))
    gx, gw = tape.gradient(y, [x, w])
    # TF 2.21 tf.recompute_grad gives these
    np.testing.assert_allclose(gx.numpy(), [[1.47469, 3.58412]], rtol=1e-5)
    np.testing.assert_allclose(gw.numpy(), [[0.06347, 0.04200], [0.12695, 0.08399]],
                               rtol=1e-3)
    with ember.GradientTape() as t2:
        t2.watch(x)
        with ember.GradientTape() as t1:
            t1.watch(x)
            y = ember.reduce_sum(recompute_grad(lambda v: v ** 3)(x))
        g = t1.gradient(y, x)
    np.testing.assert_allclose(t2.gradient(g, x).numpy(), [[0.6, 1.2]], rtol=1e-6)
