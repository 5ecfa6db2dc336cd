"""ember.TensorArray: eager list semantics, traced loops, gradients, errors."""
import numpy as np
import pytest

import ember
from ember.core.errors import InvalidArgumentError


def test_write_read_stack_gather_concat_and_size():
    ta = ember.TensorArray(ember.float32, size=3)
    for i in range(3):
        ta = ta.write(i, [float(i), 10.0 * i])
    assert int(ta.size()) == 3 and ta.element_shape.as_list() == [2]
    np.testing.assert_array_equal(ta.stack().numpy(), [[0, 0], [1, 10], [2, 20]])
    np.testing.assert_array_equal(ta.read(1).numpy(), [1, 10])
    np.testing.assert_array_equal(ta.gather([2, 0]).numpy(), [[2, 20], [0, 0]])
    np.testing.assert_array_equal(ta.concat().numpy(), [0, 0, 1, 10, 2, 20])
    assert ta.dtype == ember.float32


def test_unstack_scatter_split_and_growing():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    ta = ember.TensorArray(ember.float32, size=3).unstack(x)
    np.testing.assert_array_equal(ta.read(2).numpy(), x[2])
    ta = ember.TensorArray(ember.float32, size=4, element_shape=[2]).scatter([3, 0], x[:2])
    np.testing.assert_array_equal(ta.stack().numpy(), [x[1], [0, 0], [0, 0], x[0]])
    ta = ember.TensorArray(ember.float32, size=0, dynamic_size=True).split(
        np.arange(5, dtype=np.float32), [2, 3])
    np.testing.assert_array_equal(ta.read(1).numpy(), [2, 3, 4])
    grow = ember.TensorArray(ember.int32, size=0, dynamic_size=True)
    grow = grow.write(2, 7)          # unwritten elements read as zeros
    assert grow.stack().numpy().tolist() == [0, 0, 7]


def test_errors_name_the_problem():
    ta = ember.TensorArray(ember.float32, size=2)
    with pytest.raises(InvalidArgumentError, match="out of range.*dynamic_size"):
        ta.write(2, 1.0)
    with pytest.raises(TypeError, match="holds float32 but the value is int32"):
        ta.write(0, ember.constant(1))
    ta = ta.write(0, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"shape \(2,\) but the value has shape \(3,\)"):
        ta.write(1, [1.0, 2.0, 3.0])
    with pytest.raises(InvalidArgumentError, match="index must be >= 0"):
        ta.read(-1)
    with pytest.raises(ValueError, match="element shape is not known"):
        ember.TensorArray(ember.float32, size=2).stack()


def test_gradient_through_an_eager_array():
    x = ember.constant([0.5, -0.3])
    with ember.GradientTape() as tape:
        tape.watch(x)
        ta = ember.TensorArray(ember.float32, size=3)
        for i in range(3):
            ta = ta.write(i, x * float(i + 1))
        loss = ember.reduce_sum(ta.stack() ** 2)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), 2 * x.numpy() * 14, rtol=1e-6)


def test_eager_while_loop_with_a_growing_array():
    ta = ember.TensorArray(ember.float32, size=0, dynamic_size=True)
    _, ta = ember.while_loop(lambda i, ta: i < 4,
                             lambda i, ta: (i + 1, ta.write(i, ember.cast(i, ember.float32))),
                             [ember.constant(0), ta])
    assert ta.stack().numpy().tolist() == [0.0, 1.0, 2.0, 3.0]


def _rnn(x, steps=4):
    ta = ember.TensorArray(ember.float32, size=steps, element_shape=[2])

    def body(i, h, ta):
        h = ember.tanh(h * x + ember.cast(i, ember.float32))
        return i + 1, h, ta.write(i, h)

    _, _, ta = ember.while_loop(lambda i, h, ta: i < steps, body,
                                [ember.constant(0), ember.ones([2]), ta])
    return ta


def test_traced_while_loop_writes_at_traced_indices_and_differentiates():
    @ember.function
    def loss_and_grad(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            loss = ember.reduce_sum(_rnn(x).stack() ** 2)
        return loss, tape.gradient(loss, x)

    def eager(x):
        with ember.GradientTape() as tape:
            tape.watch(x)
            ta = ember.TensorArray(ember.float32, size=4)
            h = ember.ones([2])
            for i in range(4):
                h = ember.tanh(h * x + float(i))
                ta = ta.write(i, h)
            loss = ember.reduce_sum(ta.stack() ** 2)
        return loss, tape.gradient(loss, x)

    for v in ([0.5, -0.3], [1.5, 0.2]):
        x = ember.constant(v)
        (lc, gc), (le, ge) = loss_and_grad(x), eager(x)
        np.testing.assert_allclose(float(lc), float(le), rtol=1e-6)
        np.testing.assert_allclose(gc.numpy(), ge.numpy(), rtol=1e-5)
    assert loss_and_grad.experimental_get_tracing_count() == 1


def test_python_loops_in_a_function_and_a_clear_error_for_an_unknown_element_shape():
    @ember.function
    def squares(x):
        ta = ember.TensorArray(ember.float32, size=0, dynamic_size=True)
        for i in range(3):
            ta = ta.write(i, x * float(i))
        return ta.stack()

    np.testing.assert_array_equal(squares(ember.constant(2.0)).numpy(), [0.0, 2.0, 4.0])

    @ember.function
    def growing(n):
        ta = ember.TensorArray(ember.float32, size=0, dynamic_size=True)
        _, ta = ember.while_loop(lambda i, ta: i < n,
                                 lambda i, ta: (i + 1, ta.write(i, 1.0)),
                                 [ember.constant(0), ta])
        return ta.stack()

    with pytest.raises(ValueError, match="element shape is not known.*element_shape="):
        growing(ember.constant(3))


def test_a_dynamic_array_grows_in_a_traced_while_loop():
    @ember.function
    def ramp(n):
        ta = ember.TensorArray(ember.float32, size=0, dynamic_size=True, element_shape=[2])
        _, ta = ember.while_loop(
            lambda i, ta: i < n,
            lambda i, ta: (i + 1, ta.write(i, ember.cast(i, ember.float32) * ember.ones([2]))),
            [ember.constant(0), ta])
        return ta.stack(), ta.size(), ta.read(1)

    for n in (3, 5, 2):
        stacked, size, second = ramp(ember.constant(n))
        np.testing.assert_array_equal(stacked.numpy(), np.repeat(np.arange(n), 2).reshape(n, 2))
        assert int(size) == n and second.numpy().tolist() == [1.0, 1.0]
    assert ramp.experimental_get_tracing_count() == 1

    @ember.function
    def running_sums(n):     # the element shape learned from a first write
        ta = ember.TensorArray(ember.int32, size=1, dynamic_size=True)
        ta = ta.write(0, ember.constant([7, 7]))
        _, ta = ember.while_loop(
            lambda i, ta: i < n, lambda i, ta: (i + 1, ta.write(i, ta.read(i - 1) + i)),
            [ember.constant(1), ta])
        return ta.stack()

    assert running_sums(ember.constant(4)).numpy().tolist() == [[7, 7], [8, 8], [10, 10],
                                                                [13, 13]]
    assert running_sums(ember.constant(2)).numpy().tolist() == [[7, 7], [8, 8]]
