"""Gradients of ``ember.while_loop`` inside ``ember.function`` (loop_gradient.py)."""
import numpy as np
import pytest

import ember


def _rnn(W, xs, steps):
    """A loop over time whose trip count is data: h = tanh(h W + xs[i])."""
    def body(i, h):
        return i + 1, ember.tanh(ember.matmul(h, W) + ember.gather(xs, i))
    with ember.GradientTape() as tape:
        tape.watch(xs)
        _, h = ember.while_loop(lambda i, h: i < steps, body,
                                [ember.constant(0), ember.ones((2, 3), ember.float64)])
        loss = ember.reduce_sum(h * h)
    return loss, tape.gradient(loss, [W, xs])


def test_while_gradient_matches_eager_for_every_trip_count_with_one_trace():
    rng = np.random.default_rng(0)
    W = ember.Variable(rng.normal(size=(3, 3)) * 0.5)
    xs = ember.constant(rng.normal(size=(5, 2, 3)))
    f = ember.function(_rnn)
    for steps in (3, 5, 1):
        le, (gw, gx) = _rnn(W, xs, ember.constant(steps))
        lf, (gw2, gx2) = f(xs=xs, W=W, steps=ember.constant(steps))
        np.testing.assert_allclose(float(lf), float(le), rtol=1e-12)
        np.testing.assert_allclose(gw2.numpy(), gw.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(gx2.numpy(), gx.numpy(), rtol=1e-10, atol=1e-12)
    assert f.experimental_get_tracing_count() == 1


def test_while_gradient_of_a_loop_that_does_not_run_is_zero_in_graphs():
    rng = np.random.default_rng(1)
    W = ember.Variable(rng.normal(size=(3, 3)))
    xs = ember.constant(rng.normal(size=(5, 2, 3)))
    loss, (gw, gx) = ember.function(_rnn)(W, xs, ember.constant(0))
    assert float(loss) == 6.0
    assert not gw.numpy().any() and not gx.numpy().any()


def _finite_difference(f, x, eps=1e-6):
    out = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[k] = eps
        out[k] = (float(f(ember.constant(x + d))) - float(f(ember.constant(x - d)))) / (2 * eps)
    return out


def test_while_gradient_against_finite_differences_nested_loops_and_max_iterations():
    def loss_of(x):
        def outer(i, y):
            (z,) = ember.while_loop(lambda z: ember.reduce_sum(z) < 5.0,
                                    lambda z: (z * 1.5 + 0.1,), [y])
            return i + 1, ember.sin(z)
        _, y = ember.while_loop(lambda i, y: i < 3, outer, [ember.constant(0), x],
                                maximum_iterations=2)
        return ember.reduce_sum(y * y)

    @ember.function
    def value_and_grad(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            loss = loss_of(x)
        return loss, tape.gradient(loss, x)

    for x0 in ([0.3, 0.4], [1.2, -0.7]):
        x = np.array(x0)
        _, g = value_and_grad(ember.constant(x))
        fd = _finite_difference(lambda t: value_and_grad(t)[0], x)
        np.testing.assert_allclose(g.numpy(), fd, rtol=1e-6, atol=1e-8)
        with ember.GradientTape() as tape:      # and the eager tape agrees
            xe = ember.constant(x)
            tape.watch(xe)
            le = loss_of(xe)
        np.testing.assert_allclose(g.numpy(), tape.gradient(le, xe).numpy(), rtol=1e-12)


def test_while_second_order_gradient_matches_eager():
    def second(x):
        with ember.GradientTape() as outer:
            outer.watch(x)
            with ember.GradientTape() as inner:
                inner.watch(x)
                (y,) = ember.while_loop(lambda y: y < 100.0, lambda y: (y * y + 1.0,), [x])
            g = inner.gradient(y, x)
        return y, g, outer.gradient(g, x)

    f = ember.function(second)
    for v in (1.3, 0.2, 9.0):          # 4, 5 and 2 iterations through one graph
        x = ember.constant(v, ember.float64)
        np.testing.assert_allclose([float(t) for t in f(x)],
                                   [float(t) for t in second(x)], rtol=1e-12)
    assert f.experimental_get_tracing_count() == 1
    # y = x*x + 1 twice: y' = 4x(x^2+1) and y'' = 12x^2 + 4
    y, g, gg = f(ember.constant(9.0, ember.float64))
    assert (float(g), float(gg)) == (4 * 9 * 82, 12 * 81 + 4)


def test_while_gradient_trains_a_variable_in_a_compiled_step():
    w = ember.Variable(0.5)
    opt = ember.keras.optimizers.SGD(0.01)

    @ember.function
    def step(n):
        with ember.GradientTape() as tape:
            _, y = ember.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * w + 1.0),
                                    [ember.constant(0), ember.constant(0.0)])
            loss = (y - 3.0) ** 2
        opt.apply_gradients([(tape.gradient(loss, w), w)])
        return loss

    losses = [float(step(ember.constant(4))) for _ in range(60)]
    assert losses[-1] < 1e-3 < losses[0]
    assert step.experimental_get_tracing_count() == 1


def test_while_gradient_reuses_the_random_numbers_each_iteration_drew():
    @ember.function
    def scaled(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            _, y = ember.while_loop(lambda i, y: i < 3,
                                    lambda i, y: (i + 1, y * ember.random.uniform([2], 0.5, 1.5)),
                                    [ember.constant(0), x])
        return y, tape.gradient(y, x)

    x = ember.constant([1.0, 2.0])
    grads = []
    for _ in range(3):                 # y = x * (product of the draws): dy/dx = y / x
        y, g = scaled(x)
        np.testing.assert_allclose(g.numpy(), y.numpy() / x.numpy(), rtol=1e-6)
        grads.append(g.numpy())
    assert not np.allclose(grads[0], grads[1])


def test_while_gradient_errors_name_the_problem():
    @ember.function
    def growing(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            (y,) = ember.while_loop(lambda y: ember.reduce_sum(y) < 10.0,
                                    lambda y: (ember.concat([y, y], 0),), [x],
                                    shape_invariants=[ember.TensorShape([None])])
        return tape.gradient(ember.reduce_sum(y), x)

    with pytest.raises(NotImplementedError, match="may change shape"):
        growing(ember.constant([1.0]))


def test_random_numbers_in_a_cond_inside_the_loop_body_are_refused_for_gradients():
    @ember.function
    def nested(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            (y,) = ember.while_loop(
                lambda y: y < 10.0,
                lambda y: (ember.cond(y > 2.0, lambda: y * (2.0 + ember.random.uniform([])),
                                      lambda: y * 2.0),), [x])
        return tape.gradient(y, x)

    with pytest.raises(NotImplementedError, match="while_loop: random ops"):
        nested(ember.constant(1.0))
