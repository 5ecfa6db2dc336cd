import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ember
from ember import linalg as L
from ember.core.tensor import Tensor
from opcheck import OpCase, numeric_grad, table_tests


def _T(a):
    return np.swapaxes(a, -1, -2)


def _wellcond(*shape):
    """Random square matrices kept away from singular: normal + n * I."""
    def make(rng):
        n = shape[-1]
        return [rng.normal(size=shape) + n * np.eye(n)]
    return make


def _spd(*shape):
    def make(rng):
        n = shape[-1]
        b = rng.normal(size=shape)
        return [b @ _T(b) + n * np.eye(n)]
    return make


def _sym(x):
    """Symmetrize inside the op under test, so finite differences see a symmetric input."""
    return 0.5 * (x + L.matrix_transpose(x))


def _np_sym(a):
    return 0.5 * (a + _T(a))


def _np_svd(a, full_matrices=False):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return s, u, _T(vh)


def _np_trisolve(a, b, lower=True, adjoint=False):
    t = np.tril(a) if lower else np.triu(a)
    if adjoint:
        t = _T(t)
    return np.linalg.solve(t, b)


def _np_matrix_diag(d, k=0):
    n = d.shape[-1] + abs(k)
    out = np.zeros(d.shape[:-1] + (n, n), d.dtype)
    i = np.arange(d.shape[-1])
    out[..., i + max(-k, 0), i + max(k, 0)] = d
    return out


def _np_pinv(a):
    return np.linalg.pinv(a, rcond=10 * max(a.shape[-2:]) * np.finfo(a.dtype).eps)


def _np_band(a, lo, up):
    m, n = a.shape[-2:]
    r, c = np.arange(m)[:, None], np.arange(n)[None, :]
    keep = np.ones((m, n), bool)
    if lo >= 0:
        keep &= (r - c) <= lo
    if up >= 0:
        keep &= (c - r) <= up
    return np.where(keep, a, 0).astype(a.dtype)


def _tall(*shape):
    def make(rng):
        return [rng.normal(size=shape)]
    return make


CASES = [
    OpCase("matmul", ember.matmul, np.matmul, [(3, 4), (4, 2)], second_order=True),
    OpCase("matmul_batch_broadcast", ember.matmul, np.matmul, [(2, 1, 2, 3), (3, 3, 2)],
           second_order=True),
    OpCase("matmul_transpose", lambda a, b: ember.matmul(a, b, transpose_a=True,
                                                          transpose_b=True),
           lambda a, b: _T(a) @ _T(b), [(3, 2), (4, 3)], second_order=True),
    OpCase("einsum_matmul", lambda a, b: ember.einsum("ij,jk->ik", a, b), np.matmul,
           [(2, 3), (3, 4)], second_order=True),
    OpCase("einsum_ellipsis_broadcast",
           lambda a, b: ember.einsum("...ij,...jk->...ik", a, b),
           lambda a, b: np.einsum("...ij,...jk->...ik", a, b), [(2, 1, 2, 3), (3, 3, 2)],
           second_order=True),
    OpCase("einsum_trace", lambda a: ember.einsum("ii", a), lambda a: np.einsum("ii", a),
           [(3, 3)], second_order=True),
    OpCase("einsum_diag", lambda a: ember.einsum("bii->bi", a),
           lambda a: np.einsum("bii->bi", a), [(2, 3, 3)], second_order=True),
    OpCase("einsum_sum_out", lambda a, b: ember.einsum("ijk,k->i", a, b),
           lambda a, b: np.einsum("ijk,k->i", a, b), [(2, 3, 4), (4,)], second_order=True),
    OpCase("einsum_implicit_outer", lambda a, b: ember.einsum("i,j", a, b), np.outer,
           [(3,), (2,)], second_order=True),
    OpCase("einsum_three", lambda a, b, c: ember.einsum("ij,jk,kl->il", a, b, c),
           lambda a, b, c: a @ b @ c, [(2, 3), (3, 2), (2, 2)], second_order=True),
    OpCase("einsum_batch_size1", lambda a, b: ember.einsum("bij,bjk->bik", a, b),
           lambda a, b: np.einsum("bij,bjk->bik", a, b), [(1, 2, 3), (3, 3, 2)]),
    # two-operand contractions planned as transpose -> reshape -> matmul
    *[OpCase(f"einsum_planned_{eq.replace(',', '_').replace('->', '_to_')}",
             (lambda eq: lambda a, b: ember.einsum(eq, a, b))(eq),
             (lambda eq: lambda a, b: np.einsum(eq, a, b))(eq), shapes, second_order=True)
      for eq, shapes in [
          ("abc,cde->abde", [(2, 3, 4), (4, 2, 3)]),
          ("abcd,cde->abe", [(2, 3, 2, 4), (2, 4, 3)]),
          ("ce,abe->abc", [(4, 3), (2, 3, 3)]),
          ("abc,abe->ce", [(2, 3, 4), (2, 3, 5)]),
          ("bij,bjk->bki", [(2, 4, 4), (2, 4, 5)]),
          ("bhqd,bhkd->bhqk", [(2, 2, 4, 4), (2, 2, 5, 4)]),
          ("abc,bca->", [(2, 3, 4), (3, 4, 2)]),
      ]],
    OpCase("tensordot_int", lambda a, b: ember.tensordot(a, b, axes=2),
           lambda a, b: np.tensordot(a, b, axes=2), [(2, 3, 4), (3, 4, 2)],
           second_order=True),
    OpCase("tensordot_lists", lambda a, b: ember.tensordot(a, b, axes=[[0, 2], [1, 0]]),
           lambda a, b: np.tensordot(a, b, axes=[[0, 2], [1, 0]]), [(2, 3, 4), (4, 2, 3)],
           second_order=True),
    OpCase("tensordot_outer", lambda a, b: ember.tensordot(a, b, axes=0),
           lambda a, b: np.tensordot(a, b, axes=0), [(2,), (3,)]),
    OpCase("inv", L.inv, np.linalg.inv, [(3, 3)], make_inputs=_wellcond(3, 3),
           second_order=True),
    OpCase("inv_batch_adjoint", lambda a: L.inv(a, adjoint=True),
           lambda a: np.linalg.inv(_T(a)), [(2, 3, 3)], make_inputs=_wellcond(2, 3, 3)),
    OpCase("det", L.det, np.linalg.det, [(3, 3)], make_inputs=_wellcond(3, 3),
           second_order=True),
    OpCase("det_batch", L.det, np.linalg.det, [(2, 3, 3)], make_inputs=_wellcond(2, 3, 3)),
    OpCase("slogdet", L.slogdet, lambda a: tuple(np.linalg.slogdet(a)), [(2, 3, 3)],
           make_inputs=lambda r: [r.normal(size=(2, 3, 3))], second_order=True),
    OpCase("logdet", lambda a: L.logdet(_sym(a)),
           lambda a: np.linalg.slogdet(_np_sym(a))[1], [(3, 3)], make_inputs=_spd(3, 3),
           second_order=True, grad_rtol=1e-4),
    OpCase("solve", L.solve, np.linalg.solve, [(3, 3), (3, 2)],
           make_inputs=lambda r: _wellcond(3, 3)(r) + [r.normal(size=(3, 2))],
           second_order=True),
    OpCase("solve_adjoint_batch", lambda a, b: L.solve(a, b, adjoint=True),
           lambda a, b: np.linalg.solve(_T(a), b), [(2, 3, 3), (2, 3, 1)],
           make_inputs=lambda r: _wellcond(2, 3, 3)(r) + [r.normal(size=(2, 3, 1))],
           second_order=True),
    OpCase("triangular_solve_lower", L.triangular_solve, _np_trisolve, [(3, 3), (3, 2)],
           make_inputs=lambda r: _wellcond(3, 3)(r) + [r.normal(size=(3, 2))],
           second_order=True),
    OpCase("triangular_solve_upper_adjoint",
           lambda a, b: L.triangular_solve(a, b, lower=False, adjoint=True),
           lambda a, b: _np_trisolve(a, b, lower=False, adjoint=True), [(2, 3, 3), (2, 3, 2)],
           make_inputs=lambda r: _wellcond(2, 3, 3)(r) + [r.normal(size=(2, 3, 2))]),
    OpCase("cholesky", lambda a: L.cholesky(_sym(a)),
           lambda a: np.linalg.cholesky(_np_sym(a)), [(3, 3)], make_inputs=_spd(3, 3),
           second_order=True, grad_rtol=1e-4),
    OpCase("cholesky_batch", lambda a: L.cholesky(_sym(a)),
           lambda a: np.linalg.cholesky(_np_sym(a)), [(2, 3, 3)], make_inputs=_spd(2, 3, 3),
           grad_rtol=1e-4),
    OpCase("qr_square", L.qr, lambda a: tuple(np.linalg.qr(a)), [(3, 3)],
           make_inputs=_tall(3, 3), grad_rtol=1e-4),
    OpCase("qr_tall_batch", L.qr, lambda a: tuple(np.linalg.qr(a)), [(2, 4, 3)],
           make_inputs=_tall(2, 4, 3), grad_rtol=1e-4),
    OpCase("qr_wide", L.qr, lambda a: tuple(np.linalg.qr(a)), [(2, 4)],
           make_inputs=_tall(2, 4), grad_rtol=1e-4),
    OpCase("qr_full_wide", lambda a: L.qr(a, full_matrices=True),
           lambda a: tuple(np.linalg.qr(a, mode="complete")), [(2, 3)],
           make_inputs=_tall(2, 3), grad_rtol=1e-4),
    OpCase("svd_square", L.svd, _np_svd, [(3, 3)], make_inputs=_tall(3, 3), grad_rtol=1e-4),
    OpCase("svd_tall", L.svd, _np_svd, [(4, 2)], make_inputs=_tall(4, 2), grad_rtol=1e-4),
    OpCase("svd_wide_batch", L.svd, _np_svd, [(2, 2, 4)], make_inputs=_tall(2, 2, 4),
           grad_rtol=1e-4),
    OpCase("svd_values", lambda a: L.svd(a, compute_uv=False),
           lambda a: np.linalg.svd(a, compute_uv=False), [(3, 2)], make_inputs=_tall(3, 2),
           second_order=True),
    OpCase("eigh", L.eigh, lambda a: tuple(np.linalg.eigh(a)), [(3, 3)],
           make_inputs=_tall(3, 3), grad_rtol=1e-4),
    OpCase("eigh_batch", L.eigh, lambda a: tuple(np.linalg.eigh(a)), [(2, 3, 3)],
           make_inputs=_tall(2, 3, 3), grad_rtol=1e-4),
    OpCase("eigvalsh", L.eigvalsh, np.linalg.eigvalsh, [(3, 3)], make_inputs=_tall(3, 3),
           second_order=True),
    OpCase("pinv_wide", L.pinv, _np_pinv, [(2, 3)], make_inputs=_tall(2, 3),
           second_order=True),
    OpCase("pinv_tall_batch", L.pinv, _np_pinv, [(2, 4, 2)], make_inputs=_tall(2, 4, 2)),
    OpCase("trace", L.trace, lambda a: np.trace(a, axis1=-2, axis2=-1), [(2, 3, 4)]),
    OpCase("diag_part", L.diag_part, lambda a: np.diagonal(a, axis1=-2, axis2=-1),
           [(2, 3, 4)]),
    OpCase("diag_part_k", lambda a: L.diag_part(a, k=1),
           lambda a: np.diagonal(a, 1, axis1=-2, axis2=-1), [(3, 4)]),
    OpCase("diag", L.diag, _np_matrix_diag, [(2, 3)], second_order=True),
    OpCase("diag_k", lambda d: L.diag(d, k=-1), lambda d: _np_matrix_diag(d, -1), [(3,)]),
    OpCase("matrix_transpose", L.matrix_transpose, _T, [(2, 3, 4)]),
    OpCase("adjoint", L.adjoint, _T, [(3, 2)]),
    OpCase("band_part", lambda a: L.band_part(a, 1, 0), lambda a: _np_band(a, 1, 0),
           [(2, 4, 3)]),
    OpCase("band_part_upper", lambda a: L.band_part(a, 0, -1), lambda a: np.triu(a),
           [(3, 3)]),
    OpCase("cross", L.cross, np.cross, [(2, 3), (2, 3)], second_order=True),
    OpCase("matvec", L.matvec, lambda a, b: np.einsum("...ij,...j->...i", a, b),
           [(2, 3, 4), (4,)], second_order=True),
    OpCase("norm_euclidean", ember.norm, lambda x: np.sqrt(np.sum(x * x)), [(3, 4)],
           second_order=True),
    OpCase("norm_vector_axis", lambda x: ember.norm(x, axis=1, keepdims=True),
           lambda x: np.linalg.norm(x, axis=1, keepdims=True), [(3, 4)]),
    OpCase("norm_1", lambda x: ember.norm(x, ord=1, axis=-1),
           lambda x: np.linalg.norm(x, ord=1, axis=-1), [(3, 4)]),
    OpCase("norm_inf", lambda x: ember.norm(x, ord=np.inf, axis=0),
           lambda x: np.linalg.norm(x, ord=np.inf, axis=0), [(3, 4)]),
    OpCase("norm_p3", lambda x: ember.norm(x, ord=3, axis=1),
           lambda x: np.sum(np.abs(x) ** 3, axis=1) ** (1 / 3), [(3, 4)]),
    OpCase("norm_fro", lambda x: ember.norm(x, ord="fro", axis=[-2, -1]),
           lambda x: np.linalg.norm(x, ord="fro", axis=(-2, -1)), [(2, 3, 4)]),
    OpCase("norm_matrix_1", lambda x: ember.norm(x, ord=1, axis=(1, 2)),
           lambda x: np.linalg.norm(x, ord=1, axis=(1, 2)), [(2, 3, 4)]),
    OpCase("norm_matrix_inf", lambda x: ember.norm(x, ord=np.inf, axis=(0, 1)),
           lambda x: np.linalg.norm(x, ord=np.inf, axis=(0, 1)), [(3, 4)]),
    OpCase("norm_matrix_2", lambda x: ember.norm(x, ord=2, axis=(2, 0), keepdims=True),
           lambda x: np.linalg.norm(x, ord=2, axis=(2, 0), keepdims=True), [(3, 2, 4)],
           grad_rtol=1e-4),
    OpCase("l2_normalize", lambda x: L.l2_normalize(x, axis=-1),
           lambda x: x / np.sqrt(np.sum(x * x, axis=-1, keepdims=True)), [(3, 4)],
           second_order=True),
    OpCase("global_norm", lambda a, b: L.global_norm([a, None, b]),
           lambda a, b: np.sqrt(np.sum(a * a) + np.sum(b * b)), [(3,), (2, 2)]),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


# -- broadcasting shapes drawn by hypothesis ----------------------------------------------
@st.composite
def _batch_pair(draw):
    n = draw(st.integers(0, 3))
    full = [draw(st.integers(1, 3)) for _ in range(n)]
    a = [d if draw(st.booleans()) else 1 for d in full]
    b = [d if draw(st.booleans()) else 1 for d in full]
    a = a[draw(st.integers(0, len(a))):]
    b = b[draw(st.integers(0, len(b))):]
    m, k, p = (draw(st.integers(1, 3)) for _ in range(3))
    return tuple(a) + (m, k), tuple(b) + (k, p)


def _sum_to(g, shape):
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True).reshape(shape)


@settings(max_examples=25, deadline=None)
@given(_batch_pair(), st.sampled_from(["matmul", "einsum"]))
def test_batch_broadcasting(shapes, which):
    sa, sb = shapes
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    ta, tb = ember.constant(a), ember.constant(b)
    fn = ember.matmul if which == "matmul" else \
        (lambda x, y: ember.einsum("...ij,...jk->...ik", x, y))
    with ember.GradientTape() as tape:
        tape.watch([ta, tb])
        out = fn(ta, tb)
        c = rng.normal(size=tuple(out.shape))
        loss = ember.reduce_sum(out * c)
    np.testing.assert_allclose(out.numpy(), np.matmul(a, b), rtol=1e-10, atol=1e-12)
    ga, gb = tape.gradient(loss, [ta, tb])
    np.testing.assert_allclose(ga.numpy(), _sum_to(c @ _T(b), sa), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gb.numpy(), _sum_to(_T(a) @ c, sb), rtol=1e-9, atol=1e-12)


@st.composite
def _einsum_problem(draw):
    letters = "abcd"
    sizes = {c: draw(st.integers(1, 3)) for c in letters}
    n_ops = draw(st.integers(1, 3))
    subs = []
    for _ in range(n_ops):
        r = draw(st.integers(0, 3))
        subs.append("".join(draw(st.sampled_from(letters)) for _ in range(r)))
    present = sorted(set("".join(subs)))
    out = "".join(draw(st.permutations(present))[:draw(st.integers(0, len(present)))])
    return ",".join(subs) + "->" + out, [tuple(sizes[c] for c in s) for s in subs]


@settings(max_examples=30, deadline=None)
@given(_einsum_problem())
def test_einsum_random_equations(problem):
    eq, shapes = problem
    rng = np.random.default_rng(2)
    arrays = [rng.normal(size=s) for s in shapes]
    got = ember.einsum(eq, *[ember.constant(a) for a in arrays])
    np.testing.assert_allclose(got.numpy(), np.einsum(eq, *arrays), rtol=1e-10, atol=1e-12)
    c = rng.normal(size=np.shape(np.einsum(eq, *arrays)))

    def f(*ts):
        return ember.reduce_sum(ember.einsum(eq, *ts) * ember.constant(c))

    ts = [ember.constant(a) for a in arrays]
    with ember.GradientTape() as tape:
        tape.watch(ts)
        y = f(*ts)
    grads = tape.gradient(y, ts)
    for i, g in enumerate(grads):
        num = numeric_grad(f, arrays, i, 1e-6)
        got_g = np.zeros_like(num) if g is None else g.numpy()
        np.testing.assert_allclose(got_g, num, rtol=1e-6, atol=1e-8, err_msg=eq)


# -- behaviour details ------------------------------------------------------------------
def test_svd_order_and_reconstruction():
    a = np.random.default_rng(3).normal(size=(4, 3)).astype(np.float32)
    s, u, v = L.svd(a)
    assert u.shape == (4, 3) and v.shape == (3, 3) and s.shape == (3,)
    rec = ember.matmul(u * s, v, adjoint_b=True)
    np.testing.assert_allclose(rec.numpy(), a, atol=1e-5)
    s, u, v = L.svd(a, full_matrices=True)
    assert u.shape == (4, 4)


def test_qr_shapes_and_reconstruction():
    a = np.random.default_rng(4).normal(size=(2, 5, 3))
    q, r = L.qr(a)
    assert q.shape == (2, 5, 3) and r.shape == (2, 3, 3)
    np.testing.assert_allclose(ember.matmul(q, r).numpy(), a, atol=1e-12)
    q, r = L.qr(a, full_matrices=True)
    assert q.shape == (2, 5, 5) and r.shape == (2, 5, 3)


def test_float16_and_dtypes():
    a = np.eye(2, dtype=np.float16) * 2
    out = L.inv(a)
    assert out.dtype == ember.float16
    np.testing.assert_allclose(out.numpy(), np.eye(2) * 0.5)
    assert ember.matmul(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32)).dtype \
        == ember.float32
    assert L.det(np.eye(2, dtype=np.float32)).dtype == ember.float32


def test_norm_gradient_finite_for_nonzero():
    x = ember.constant(np.array([[1e-20, 0.0, 3.0]]))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.norm(x)
    g = tape.gradient(y, x).numpy()
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, [[0.0, 0.0, 1.0]], atol=1e-12)


def test_eigh_reconstruction_lower_only():
    a = np.random.default_rng(5).normal(size=(3, 3))
    e, v = L.eigh(a)
    sym = np.tril(a) + np.tril(a, -1).T
    np.testing.assert_allclose((v.numpy() * e.numpy()) @ v.numpy().T, sym, atol=1e-12)


def test_diag_padding_and_sizes():
    out = L.diag([1., 2.], k=1, num_rows=2, num_cols=4, padding_value=9)
    np.testing.assert_array_equal(out.numpy(), [[9, 1, 9, 9], [9, 9, 2, 9]])
    out = L.diag([[1., 2.]])
    assert out.shape == (1, 2, 2)


def test_second_order_through_cholesky_solve():
    x = ember.constant(np.array([[3.0, 1.0], [1.0, 2.0]]))
    with ember.GradientTape() as outer:
        outer.watch(x)
        with ember.GradientTape() as inner:
            inner.watch(x)
            y = L.logdet(_sym(x))
        g = inner.gradient(y, x)
        z = ember.reduce_sum(g * g)
    h = outer.gradient(z, x)
    assert h is not None and np.all(np.isfinite(h.numpy()))


# -- errors --------------------------------------------------------------------------------
def _raises(fn, *words, exc=(ValueError, TypeError)):
    with pytest.raises(exc) as info:
        fn()
    msg = str(info.value)
    for w in words:
        assert w in msg, f"{w!r} not in {msg!r}"


def test_errors_name_op_and_shapes():
    a23, a34, a33 = np.ones((2, 3)), np.ones((3, 4)), np.eye(3)
    _raises(lambda: ember.matmul(a23, a23), "ember.matmul", "(2, 3)")
    _raises(lambda: ember.matmul(np.ones(3), a33), "ember.matmul", "rank")
    _raises(lambda: L.solve(a23, a23), "ember.solve", "square", "(2, 3)")
    _raises(lambda: L.solve(a33, np.ones((2, 1))), "ember.solve", "(2, 1)")
    _raises(lambda: L.inv(a34), "ember.inv", "(3, 4)")
    _raises(lambda: L.inv(np.zeros((2, 2))), "ember.inv")
    _raises(lambda: L.inv(np.eye(2, dtype=np.int32)), "ember.inv", "int32")
    _raises(lambda: L.cholesky(-np.eye(2)), "ember.cholesky", "positive definite")
    _raises(lambda: L.det(np.ones(3)), "ember.det", "rank")
    _raises(lambda: ember.einsum("ij,jk->ik", a23), "ember.einsum", "2 inputs")
    _raises(lambda: ember.einsum("ij,jk->ik", a23, a23), "ember.einsum", "size 3", "2")
    _raises(lambda: ember.einsum("ijk->i", a23), "ember.einsum", "(2, 3)")
    _raises(lambda: ember.einsum("ij->k", a23), "ember.einsum", "'k'")
    _raises(lambda: ember.tensordot(a23, a23, axes=1), "ember.tensordot", "(2, 3)")
    _raises(lambda: ember.tensordot(a23, a23, axes=[[0], [5]]), "ember.tensordot", "5")
    _raises(lambda: ember.norm(a23, ord="fro"), "ember.norm", "fro")
    _raises(lambda: ember.norm(a23, ord=3, axis=[0, 1]), "ember.norm", "3")
    _raises(lambda: ember.norm(a23, ord=-1), "ember.norm")
    _raises(lambda: L.cross(np.ones((2, 2)), a23), "ember.cross", "(2, 2)")
    _raises(lambda: L.triangular_solve(a33, a23), "ember.triangular_solve", "(2, 3)")
    _raises(lambda: L.global_norm(np.ones(2)), "ember.global_norm", exc=TypeError)


def test_svd_full_matrices_gradient_not_implemented():
    x = ember.constant(np.random.default_rng(0).normal(size=(3, 2)))
    with ember.GradientTape() as tape:
        tape.watch(x)
        s, u, v = L.svd(x, full_matrices=True)
        y = ember.reduce_sum(u)
    with pytest.raises(NotImplementedError, match="ember.svd"):
        tape.gradient(y, x)


def test_namespaces():
    for name in ["matmul", "einsum", "tensordot", "norm", "inv", "det", "solve", "cholesky",
                 "qr", "svd", "eigh", "trace", "diag_part", "diag", "matrix_transpose",
                 "adjoint", "logdet", "slogdet", "pinv", "triangular_solve", "cross",
                 "band_part", "eigvalsh", "matvec", "l2_normalize", "global_norm"]:
        assert callable(getattr(ember.linalg, name)), name
    for name in ["matmul", "einsum", "tensordot", "norm"]:
        assert getattr(ember, name) is getattr(ember.linalg, name)


@pytest.mark.parametrize("eq,sa,sb", [
    ("abc,cde->abde", (3, 4, 5), (5, 6, 7)), ("abcd,cde->abe", (3, 4, 5, 6), (5, 6, 7)),
    ("ce,abe->abc", (5, 6), (3, 4, 6)), ("abc,abe->ce", (3, 4, 5), (3, 4, 6)),
    ("abcd,abe->cde", (2, 3, 4, 5), (2, 3, 6)), ("cde,abde->abc", (5, 6, 7), (3, 4, 6, 7)),
    ("bij,bjk->bik", (2, 8, 9), (2, 9, 5)), ("bij,bjk->ikb", (2, 8, 9), (2, 9, 5)),
    ("ij,jk->ki", (3, 4), (4, 5)), ("i,j->ij", (3,), (4,)), ("i,i->", (3,), (3,)),
    ("ij,ij->ij", (3, 4), (3, 4)), ("ab,->ab", (2, 3), ()),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_einsum_two_operands_any_layout(eq, sa, sb, dtype):
    """Two-operand einsums match np.einsum on C, Fortran and reversed-axis layouts; the
    planned (matmul) ones give C-contiguous results."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal(sa).astype(dtype)
    b = rng.standard_normal(sb).astype(dtype)
    want = np.einsum(eq, a.astype(np.float64), b.astype(np.float64))
    layouts = [lambda x: x, lambda x: np.asfortranarray(x) if x.ndim else x,
               lambda x: np.ascontiguousarray(x.transpose()).transpose() if x.ndim else x]
    for la in layouts:
        for lb in layouts:
            # Tensor() keeps the array's layout (ember.constant makes it C-contiguous)
            got = ember.einsum(eq, Tensor(la(a)), Tensor(lb(b))).numpy()
            assert got.dtype == np.dtype(dtype) and got.shape == want.shape
            if eq != "ij,ij->ij":  # a pure product stays with np.einsum (order 'K')
                assert got.flags.c_contiguous
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_einsum_and_tensordot_take_bfloat16():
    """NumPy's einsum has no bfloat16 kernel: Ember computes in float32 and rounds once
    (it raised 'invalid data type for einsum'; a 3-operand einsum returned float32)."""
    bf16 = ember.bfloat16
    a = ember.cast(ember.constant([[1., 2., 3.], [4., 5., 6.]]), bf16)
    out = ember.einsum("ij,kj->ik", a, a)
    assert out.dtype == bf16 and out.numpy().astype(np.float32).tolist() == [[14, 32],
                                                                              [32, 77]]
    assert ember.einsum("ij->j", a).dtype == bf16
    assert ember.einsum("ij,jk,kl->il", a, ember.transpose(a), a).dtype == bf16
    assert ember.tensordot(a, a, [[1], [1]]).dtype == bf16
    assert ember.einsum("ij,kj->ik", a, ember.ones((2, 3), "float16")).dtype == ember.float32
    assert ember.einsum("ij,kj->ik", a, ember.ones((2, 3), "int32")).dtype == bf16
    with ember.GradientTape() as tape:
        tape.watch(a)
        y = ember.reduce_sum(ember.einsum("ij,kj->ik", a, a))
    g = tape.gradient(y, a)
    assert g is not None and g.dtype == bf16
    np.testing.assert_allclose(g.numpy().astype(np.float32), [[10, 14, 18]] * 2)
