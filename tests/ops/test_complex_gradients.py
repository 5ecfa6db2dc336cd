"""Gradients of complex values follow TensorFlow's convention: for a holomorphic op the
gradient is ``g * conj(f'(z))`` (so a real loss gets dL/dRe + i dL/dIm)."""
import numpy as np
import pytest

import ember

Z = np.array([0.5 + 1.0j, -0.3 + 0.2j], np.complex64)
M = np.array([[1 + 1j, 2j], [0.5, 1 - 1j]], np.complex64)


def _grad(f, z=Z):
    v = ember.Variable(z)
    with ember.GradientTape() as tape:
        y = f(v)
    return tape.gradient(y, v).numpy()


@pytest.mark.parametrize("op, derivative", [
    (ember.exp, np.exp),
    (ember.math.log, lambda z: 1 / z),
    (ember.sin, np.cos),
    (ember.tanh, lambda z: 1 - np.tanh(z) ** 2),
    (ember.sqrt, lambda z: 0.5 / np.sqrt(z)),
    (ember.math.reciprocal, lambda z: -1 / z ** 2),
    (ember.square, lambda z: 2 * z),
    (lambda z: z ** 3, lambda z: 3 * z ** 2),
    (ember.math.expm1, np.exp),
    (ember.cosh, np.sinh),
])
def test_holomorphic_elementwise_gradients_are_conjugated(op, derivative):
    np.testing.assert_allclose(_grad(op), np.conj(derivative(Z.astype(np.complex128))),
                               rtol=1e-5)


def test_matmul_einsum_reduce_prod_match_tensorflow():
    row = lambda z: ember.reshape(z, (1, 2))  # noqa: E731
    tf_matmul = [1 - 3j, 1.5 + 1j]            # TF 2.21 values
    np.testing.assert_allclose(_grad(lambda z: ember.matmul(row(z), M)), tf_matmul)
    np.testing.assert_allclose(_grad(lambda z: ember.einsum("i,ij->j", z, M)), tf_matmul)
    np.testing.assert_allclose(
        _grad(lambda z: ember.matmul(ember.reshape(z, (2, 1)), M, adjoint_a=True)),
        [1 + 3j, 1.5 - 1j])
    np.testing.assert_allclose(_grad(ember.reduce_prod), [-0.3 - 0.2j, 0.5 - 1j], rtol=1e-6)


def test_inv_and_solve_match_tensorflow():
    shifted = lambda z: M + ember.linalg.diag(z)  # noqa: E731
    expected = [0.1474 - 0.2734j, 0.05359 + 0.43444j]    # TF 2.21 values
    np.testing.assert_allclose(_grad(lambda z: ember.linalg.inv(shifted(z))), expected,
                               atol=1e-4)
    np.testing.assert_allclose(
        _grad(lambda z: ember.linalg.solve(shifted(z), np.ones((2, 1), np.complex64))),
        expected, atol=1e-4)


def test_det_gradient_of_a_real_loss_is_exact():
    # TF's det gradient lacks the conjugate of det (its own convention broken there);
    # Ember's matches finite differences of the real loss |det A|^2
    a = ember.Variable(M)
    with ember.GradientTape() as tape:
        d = ember.linalg.det(a)
        loss = ember.math.real(d * ember.math.conj(d))
    np.testing.assert_allclose(tape.gradient(loss, a).numpy(),
                               [[6 + 2j, -2 + 1j], [4 + 8j, 2 - 6j]], atol=1e-4)


def test_real_gradients_unchanged():
    x = ember.Variable([[1.0, 2.0], [3.0, 5.0]])
    with ember.GradientTape() as tape:
        y = ember.reduce_sum(ember.linalg.inv(x)) + ember.linalg.det(x)
    expected = -np.linalg.inv(x.numpy()).T @ np.ones((2, 2)) @ np.linalg.inv(x.numpy()).T \
        + np.linalg.det(x.numpy()) * np.linalg.inv(x.numpy()).T
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), expected, rtol=1e-5)
