import numpy as np
import pytest

import ember


def test_jacobian_matches_analytic():
    x = ember.constant([1.0, 2.0, 3.0])
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    j = tape.jacobian(y, x)
    np.testing.assert_allclose(j.numpy(), np.diag([2.0, 4.0, 6.0]))


def test_jacobian_of_matrix_function_shape():
    w = ember.Variable(np.arange(6.0).reshape(2, 3).astype(np.float32))
    x = ember.constant(np.ones((4, 2), np.float32))
    with ember.GradientTape() as tape:
        y = ember.matmul(x, w)
    j = tape.jacobian(y, w)
    assert j.shape == (4, 3, 2, 3)
    # d y[i, k] / d w[a, b] = x[i, a] * (k == b)
    want = np.einsum("ia,kb->ikab", np.ones((4, 2)), np.eye(3))
    np.testing.assert_allclose(j.numpy(), want)


def test_batch_jacobian():
    x = ember.constant(np.arange(6.0).reshape(3, 2).astype(np.float32))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.stack([x[:, 0] * x[:, 1], x[:, 0] + x[:, 1], x[:, 1] * 2.0], axis=1)
    bj = tape.batch_jacobian(y, x)
    assert bj.shape == (3, 3, 2)
    xv = x.numpy()
    for b in range(3):
        want = [[xv[b, 1], xv[b, 0]], [1, 1], [0, 2]]
        np.testing.assert_allclose(bj.numpy()[b], want)


def test_persistent_jacobian_twice():
    x = ember.Variable([1.0, 2.0])
    with ember.GradientTape(persistent=True) as tape:
        y = ember.exp(x)
    j1 = tape.jacobian(y, x)
    j2 = tape.jacobian(y, x)
    np.testing.assert_allclose(j1.numpy(), j2.numpy())
    np.testing.assert_allclose(np.diag(j1.numpy()), np.exp([1.0, 2.0]), rtol=1e-6)


def test_batch_jacobian_unconnected_is_zeros_in_either_mode():
    # TF returns zeros (target dtype) even with unconnected_gradients='none'
    x = ember.Variable([[1.0, 2.0]])
    z = ember.Variable([[1.0]])
    with ember.GradientTape(persistent=True) as tape:
        y = x * 2.0
    for mode in ("none", "zero"):
        j = tape.batch_jacobian(y, z, unconnected_gradients=mode)
        assert j.shape == (1, 2, 1) and j.dtype == ember.float32
        np.testing.assert_array_equal(j.numpy(), np.zeros((1, 2, 1)))


def test_jacobian_of_a_list_target_is_refused():
    x = ember.Variable([1.0, 2.0])
    with ember.GradientTape() as tape:
        y = x * x
        z = x * 3.0
    with pytest.raises(TypeError, match="single tensor"):
        tape.jacobian([y, z], x)


def test_jacobian_inside_persistent_context_and_variable_target():
    x = ember.Variable([1.0, 2.0])
    with ember.GradientTape(persistent=True) as tape:
        y = x * x
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            j = tape.jacobian(y, x)
    np.testing.assert_allclose(j.numpy(), [[2.0, 0.0], [0.0, 4.0]])
    np.testing.assert_allclose(tape.jacobian(x, x).numpy(), np.eye(2))
