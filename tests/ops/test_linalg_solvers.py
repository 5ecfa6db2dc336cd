"""ember.linalg's lstsq, LU family, cholesky_solve, expm, matrix_rank, normalize, eigvals
and the tridiagonal ops. Expected values were read from TensorFlow 2.21 or come from a
NumPy reference."""
import numpy as np
import pytest
from opcheck import numeric_grad

import ember
from ember import linalg as L
from ember.core.errors import InvalidArgumentError

RNG = np.random.default_rng(0)


def _grad(f, *arrays):
    """Tape gradients of sum(f(*xs) * w) and the same by finite differences (float64)."""
    w = np.random.default_rng(1).normal(size=np.shape(f(*map(ember.constant, arrays))))

    def objective(*xs):
        return ember.reduce_sum(f(*xs) * w)

    xs = [ember.constant(a) for a in arrays]
    with ember.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = objective(*xs)
    got = [g.numpy() for g in tape.gradient(y, xs)]
    want = [numeric_grad(objective, list(arrays), i, 1e-6) for i in range(len(arrays))]
    return got, want


def test_lu_matches_tensorflow_pivoting():
    a = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 10.]])
    lu, perm = L.lu(a)
    np.testing.assert_allclose(lu.numpy(), [[7, 8, 10], [1 / 7, 6 / 7, 11 / 7],
                                            [4 / 7, 0.5, -0.5]], atol=1e-12)
    assert perm.numpy().tolist() == [2, 0, 1] and perm.dtype == ember.int32
    assert L.lu(a, output_idx_type=ember.int64)[1].dtype == ember.int64
    # complex pivots by modulus (|3| > |2+2j|), as TF; not by |re| + |im|
    lu, perm = L.lu(np.array([[3, 1], [2 + 2j, 1]]))
    assert perm.numpy().tolist() == [0, 1]
    np.testing.assert_allclose(lu.numpy()[1], [(2 + 2j) / 3, 1 - (2 + 2j) / 3])


def test_lu_batched_reconstruct_solve_inverse():
    a = RNG.normal(size=(2, 3, 4, 4))
    b = RNG.normal(size=(2, 3, 4, 2))
    lu, perm = L.lu(a)
    assert lu.shape == (2, 3, 4, 4) and perm.shape == (2, 3, 4)
    np.testing.assert_allclose(L.lu_reconstruct(lu, perm).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(L.lu_solve(lu, perm, b).numpy(), np.linalg.solve(a, b),
                               atol=1e-10)
    np.testing.assert_allclose(L.lu_matrix_inverse(lu, perm).numpy(), np.linalg.inv(a),
                               atol=1e-10)
    lu32, _ = L.lu(a.astype(np.float32))
    assert lu32.dtype == ember.float32


def test_lu_errors():
    with pytest.raises(InvalidArgumentError, match="not invertible"):
        L.lu(np.array([[0, 0, 1], [0, 0, 2], [1, 2, 3.]], np.float32))
    with pytest.raises(InvalidArgumentError, match="square"):
        L.lu(np.ones((2, 3), np.float32))
    x = ember.constant(np.eye(2))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.reduce_sum(L.lu(x)[0])
    with pytest.raises(NotImplementedError, match="no gradient"):
        tape.gradient(y, x)


def test_lu_solve_gradients():
    a = RNG.normal(size=(3, 3)) + 3 * np.eye(3)
    lu, perm = L.lu(a)
    got, want = _grad(lambda m, b: L.lu_solve(m, perm, b), lu.numpy(), RNG.normal(size=(3, 2)))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-6)


def test_lstsq_values_and_regularizer():
    w = np.array([[1., 2], [3, 4], [5, 7]])
    b = np.array([[1.], [2], [4]])
    np.testing.assert_allclose(L.lstsq(w, b).numpy(), np.linalg.lstsq(w, b, rcond=None)[0])
    # values from TensorFlow (the regularized normal equations)
    np.testing.assert_allclose(L.lstsq(w, b, l2_regularizer=0.5).numpy(),
                               [[0.21886792], [0.39245283]], rtol=1e-7)
    np.testing.assert_allclose(L.lstsq(w.T, b[:2], l2_regularizer=0.5).numpy(),
                               [[0.23396226], [0.03773585], [0.17358491]], rtol=1e-7)
    wide = L.lstsq(w.T, b[:2]).numpy()     # minimum-norm solution
    np.testing.assert_allclose(wide, np.linalg.pinv(w.T) @ b[:2], atol=1e-10)
    # fast=False: the pseudo-inverse (copes with rank deficiency; l2 ignored, as TF)
    deficient = np.array([[1., 1], [1, 1], [2, 2]])
    np.testing.assert_allclose(L.lstsq(deficient, b, fast=False, l2_regularizer=3.).numpy(),
                               np.linalg.pinv(deficient) @ b, atol=1e-10)
    batch = RNG.normal(size=(4, 6, 3)).astype(np.float32)
    out = L.lstsq(batch, batch[..., :1])
    assert out.shape == (4, 3, 1) and out.dtype == ember.float32
    np.testing.assert_allclose(out.numpy()[..., 0], np.tile([1, 0, 0], (4, 1)), atol=1e-4)


def test_lstsq_errors():
    with pytest.raises(InvalidArgumentError, match="same M"):
        L.lstsq(np.ones((3, 2), np.float32), np.ones((2, 1), np.float32))
    with pytest.raises(TypeError, match="float"):
        L.lstsq(np.ones((3, 2), np.int32), np.ones((3, 1), np.int32))
    # TF fills the Cholesky factor with NaNs and returns NaNs; Ember says what to do
    with pytest.raises(InvalidArgumentError, match="fast=False"):
        L.lstsq(np.ones((3, 2), np.float32), np.ones((3, 1), np.float32))


@pytest.mark.parametrize("shape,l2", [((5, 3), 0.0), ((5, 3), 0.3), ((2, 4), 0.0)])
def test_lstsq_gradients(shape, l2):
    a = RNG.normal(size=shape)
    b = RNG.normal(size=(shape[0], 2))
    got, want = _grad(lambda m, r: L.lstsq(m, r, l2_regularizer=l2), a, b)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-6)


def test_cholesky_solve():
    a = np.array([[4., 2.], [2., 3.]])
    chol = L.cholesky(a)
    b = np.array([[1., 2.], [3., 4.]])
    np.testing.assert_allclose(L.cholesky_solve(chol, b).numpy(), np.linalg.solve(a, b))
    got, want = _grad(L.cholesky_solve, np.linalg.cholesky(a), b)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-6)


def test_expm_values():
    # values from TensorFlow
    np.testing.assert_allclose(L.expm(np.array([[1., 2], [-3, 0.5]])).numpy(),
                               [[-1.47174181, 1.12588141], [-1.68882212, -1.75321216]],
                               rtol=1e-7)
    np.testing.assert_allclose(L.expm(np.array([[10., 20], [-30, 5]])).numpy(),
                               [[1174.77619037, -1028.54011893],
                                [1542.81017839, 1431.91122011]], rtol=1e-7)
    d = np.diag([0.5, -1.0, 2.0])
    np.testing.assert_allclose(L.expm(d).numpy(), np.diag(np.exp([0.5, -1.0, 2.0])),
                               rtol=1e-12)
    batch = np.stack([np.zeros((2, 2)), [[0, 1.], [-1, 0]], [[20, 0], [0, -3.]]])
    out = L.expm(batch.astype(np.float32))
    assert out.dtype == ember.float32
    np.testing.assert_allclose(out.numpy()[1], [[np.cos(1), np.sin(1)], [-np.sin(1), np.cos(1)]],
                               rtol=1e-6)
    np.testing.assert_allclose(out.numpy()[2], np.diag(np.exp([20, -3.])), rtol=1e-6)
    rot = L.expm(np.array([[0, 1j], [1j, 0]]))
    np.testing.assert_allclose(rot.numpy(), [[np.cos(1), 1j * np.sin(1)],
                                             [1j * np.sin(1), np.cos(1)]], rtol=1e-12)


def test_expm_gradient_first_and_second_order():
    a = RNG.normal(size=(3, 3)) * 0.7
    got, want = _grad(L.expm, a)
    np.testing.assert_allclose(got[0], want[0], atol=1e-6)
    x = ember.constant(a)
    with ember.GradientTape() as outer:
        outer.watch(x)
        with ember.GradientTape() as inner:
            inner.watch(x)
            y = ember.reduce_sum(L.expm(x))
        g = ember.reduce_sum(inner.gradient(y, x) ** 2)
    hess = outer.gradient(g, x).numpy()

    def first(v):
        xv = ember.constant(v)
        with ember.GradientTape() as t:
            t.watch(xv)
            yv = ember.reduce_sum(L.expm(xv))
        return float(ember.reduce_sum(t.gradient(yv, xv) ** 2))
    eps = 1e-5
    e = np.zeros_like(a)
    e[0, 1] = eps
    np.testing.assert_allclose(hess[0, 1], (first(a + e) - first(a - e)) / (2 * eps), rtol=1e-5)


def test_matrix_rank():
    stack = np.array([[[1., 0], [0, 1e-3]], [[1, 0], [0, 1e-9]]], np.float32)
    out = L.matrix_rank(stack)
    assert out.numpy().tolist() == [2, 1] and out.dtype == ember.int32
    assert L.matrix_rank(stack.astype(np.float64)).numpy().tolist() == [2, 2]  # eps64
    assert int(L.matrix_rank(np.array([[1., 2.], [2., 4.]], np.float32))) == 1
    # a tolerance vector broadcasts against the singular values (TF gives 2)
    s = np.array([[1., 0, 0], [0, 0.5, 0], [0, 0, 0.1]])
    assert int(L.matrix_rank(s, tol=np.array([0.2, 0.05, 0.3]))) == 2
    assert int(L.matrix_rank(s, tol=0.3)) == 2


def test_normalize_and_eigvals():
    x, n = L.normalize([[3., 4.], [6., 8.]], axis=-1)
    np.testing.assert_allclose(x.numpy(), [[0.6, 0.8], [0.6, 0.8]], rtol=1e-6)
    assert n.numpy().tolist() == [[5.], [10.]]
    x, n = L.normalize([[3., -4.]], ord=1)
    assert n.shape == (1, 1) and float(n.numpy()[0, 0]) == 7.0
    e = L.eigvals(np.array([[2., 1.], [0., 3.]], np.float32))
    assert e.dtype == ember.complex64
    np.testing.assert_allclose(np.sort(e.numpy().real), [2., 3.])


def test_tridiagonal_solve_and_matmul_formats():
    d = np.array([[1, 2, 3, 0.], [4, 5, 6, 7], [0, 1, 2, 3]])
    r = np.array([[1.], [2], [3], [4]])
    # values from TensorFlow
    np.testing.assert_allclose(L.tridiagonal_solve(d, r).numpy().ravel(),
                               [0.17281553, 0.30873786, 0.14174757, 0.51067961], rtol=1e-7)
    np.testing.assert_allclose(L.tridiagonal_matmul(d, r).numpy().ravel(), [6, 17, 34, 37])
    dense = np.diag(d[1]) + np.diag(d[0, :-1], 1) + np.diag(d[2, 1:], -1)
    seq = [d[0], d[1], d[2]]
    np.testing.assert_allclose(L.tridiagonal_solve(seq, r, diagonals_format="sequence").numpy(),
                               np.linalg.solve(dense, r))
    np.testing.assert_allclose(L.tridiagonal_solve(dense, r, diagonals_format="matrix").numpy(),
                               np.linalg.solve(dense, r))
    vec = L.tridiagonal_solve(d, r[:, 0])
    assert vec.shape == (4,)
    np.testing.assert_allclose(L.tridiagonal_solve(d, r.T, transpose_rhs=True).numpy(),
                               np.linalg.solve(dense, r))
    np.testing.assert_allclose(
        L.tridiagonal_matmul(dense, r, diagonals_format="matrix").numpy(), dense @ r)
    with pytest.raises(InvalidArgumentError, match="3, M"):
        L.tridiagonal_solve(np.ones((2, 4)), r)
    got, want = _grad(L.tridiagonal_solve, d + np.array([[0.], [5], [0]]), r)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-6)


def test_new_ops_in_compiled_functions():
    a = ember.constant(RNG.normal(size=(2, 3, 3)).astype(np.float32) + 3 * np.eye(3, dtype=np.float32))
    b = ember.constant(RNG.normal(size=(2, 3, 1)).astype(np.float32))

    @ember.function
    def f(a, b):
        lu, perm = L.lu(a)
        return L.lu_solve(lu, perm, b), L.expm(a * 0.1), L.lstsq(a, b)

    for got, want in zip(f(a, b), (np.linalg.solve(a.numpy(), b.numpy()),
                                   L.expm(a * 0.1).numpy(),
                                   np.linalg.solve(a.numpy(), b.numpy()))):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-5)


def test_set_diag_rejects_diagonal_ranges_clearly():
    x = np.zeros((3, 3), np.float32)
    with pytest.raises(NotImplementedError, match="single diagonal"):
        L.set_diag(x, np.ones((2, 3), np.float32), k=(0, 1))
    out = L.set_diag(x, np.ones(2, np.float32), k=(1, 1))
    np.testing.assert_allclose(out.numpy(), np.eye(3, k=1))


def test_lu_of_empty_inputs():
    lu, perm = L.lu(np.zeros((0, 0), np.float32))
    assert lu.shape == (0, 0) and perm.shape == (0,)
    lu, perm = L.lu(np.zeros((0, 3, 3), np.float32))
    assert lu.shape == (0, 3, 3) and perm.shape == (0, 3)
