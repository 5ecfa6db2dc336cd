"""keras.ops.linalg: values vs NumPy (and constants checked against Keras 3.15), dtypes,
gradients vs finite differences, symbolic use in a functional model, errors."""
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember import keras
from ember.keras.ops import linalg as L

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from opcheck import OpCase, check_grad, check_second_order

rng = np.random.default_rng(0)
S = rng.normal(size=(2, 3, 3)).astype("float32")                  # general square
SPD = (S @ np.swapaxes(S, -1, -2) + 3 * np.eye(3)).astype("float32")
CH = np.linalg.cholesky(SPD)
R = rng.normal(size=(2, 4, 3)).astype("float32")                  # tall
X4 = rng.normal(size=(2, 3, 4)).astype("float32")
B = rng.normal(size=(2, 3, 2)).astype("float32")
V = rng.normal(size=(2, 3)).astype("float32")
A2 = np.array([[4.0, 2.0], [2.0, 3.0]], "float32")


def _np(x):
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def _lu_ref(a):
    """Partial-pivoting LU in LAPACK's packed form (scipy.linalg.lu_factor's output)."""
    a = np.array(a, dtype=np.float64)
    m, n = a.shape
    piv = np.zeros(min(m, n), np.int32)
    for j in range(min(m, n)):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        piv[j] = p
        a[[j, p]] = a[[p, j]]
        if a[j, j] != 0:
            a[j + 1:, j] /= a[j, j]
            a[j + 1:, j + 1:] -= np.outer(a[j + 1:, j], a[j, j + 1:])
    return a, piv


def _np_norm(x, ord=None, axis=None, keepdims=False):
    return np.linalg.norm(x.astype(np.float64), ord=ord, axis=axis, keepdims=keepdims)


def _tri_solve(a, b, lower):
    t = np.tril(a) if lower else np.triu(a)
    return np.linalg.solve(t, b)


VALUES = [  # (id, call, numpy reference)
    ("cholesky", lambda: L.cholesky(SPD), lambda: CH),
    ("cholesky_upper", lambda: L.cholesky(SPD, upper=True), lambda: np.swapaxes(CH, -1, -2)),
    ("cholesky_inverse", lambda: L.cholesky_inverse(CH), lambda: np.linalg.inv(SPD)),
    ("cholesky_inverse_upper", lambda: L.cholesky_inverse(np.swapaxes(CH, -1, -2), upper=True),
     lambda: np.linalg.inv(SPD)),
    ("det", lambda: L.det(S), lambda: np.linalg.det(S)),
    ("inv", lambda: L.inv(S), lambda: np.linalg.inv(S)),
    ("eigh_values", lambda: L.eigh(SPD)[0], lambda: np.linalg.eigh(SPD)[0]),
    ("solve_matrix", lambda: L.solve(S, B), lambda: np.linalg.solve(S, B)),
    ("solve_vector", lambda: L.solve(S[0], V[0]), lambda: np.linalg.solve(S[0], V[0])),
    ("solve_batch_vectors", lambda: L.solve(S, V),
     lambda: np.linalg.solve(S, V[..., None])[..., 0]),
    ("solve_broadcast", lambda: L.solve(S[:1], B), lambda: np.linalg.solve(S[:1], B)),
    ("solve_triangular", lambda: L.solve_triangular(S, B), lambda: _tri_solve(S, B, False)),
    ("solve_triangular_lower", lambda: L.solve_triangular(S, B, lower=True),
     lambda: _tri_solve(S, B, True)),
    ("solve_triangular_vector", lambda: L.solve_triangular(A2, [1.0, 2.0]),
     lambda: np.array([-1 / 12, 2 / 3], "float32")),           # Keras 3.15: upper by default
    ("svd_s", lambda: L.svd(R)[1], lambda: np.linalg.svd(R)[1]),
    ("svd_s_only", lambda: L.svd(R, compute_uv=False), lambda: np.linalg.svd(R)[1]),
    ("pinv", lambda: L.pinv(R), lambda: np.linalg.pinv(R)),
    ("pinv_rcond", lambda: L.pinv(np.diag([1.0, 1e-3]).astype("float32"), rcond=1e-2),
     lambda: np.diag([1.0, 0.0])),
    ("lstsq", lambda: L.lstsq([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [1.0, 2.0, 2.0]),
     lambda: np.array([7 / 6, 0.5])),
    ("lstsq_matrix", lambda: L.lstsq(R[0], B[0, :, :1].repeat(2, 0)[:4]),
     lambda: np.linalg.lstsq(R[0], B[0, :, :1].repeat(2, 0)[:4], rcond=None)[0]),
    ("lstsq_wide", lambda: L.lstsq(X4[0], V[0]),
     lambda: np.linalg.lstsq(X4[0], V[0], rcond=None)[0]),
    ("matrix_rank", lambda: L.matrix_rank(np.stack([S[0], np.outer(V[0], V[1])])),
     lambda: np.array([3, 1], "int32")),
    ("matrix_rank_tol", lambda: L.matrix_rank(np.diag([1.0, 1e-3]).astype("float32"), tol=1e-2),
     lambda: np.int32(1)),
    ("lu", lambda: L.lu_factor(X4)[0], lambda: np.stack([_lu_ref(x)[0] for x in X4])),
    ("lu_pivots", lambda: L.lu_factor(X4)[1], lambda: np.stack([_lu_ref(x)[1] for x in X4])),
    ("lu_tall_pivots", lambda: L.lu_factor(R)[1], lambda: np.stack([_lu_ref(x)[1] for x in R])),
    ("lu_keras", lambda: L.lu_factor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]])[1],
     lambda: np.array([2, 2, 2], "int32")),                     # Keras 3.15 (numpy, jax)
    ("lu_singular", lambda: L.lu_factor(np.zeros((3, 3), "float32"))[0],
     lambda: np.zeros((3, 3))),
    ("norm", lambda: L.norm(X4), lambda: _np_norm(X4)),
    ("norm_keepdims", lambda: L.norm(X4, keepdims=True), lambda: _np_norm(X4.ravel()).reshape(1, 1, 1)),
    ("norm_axis", lambda: L.norm(X4, axis=1), lambda: _np_norm(X4, axis=1)),
    ("norm_inf", lambda: L.norm(X4, ord=np.inf, axis=-1), lambda: _np_norm(X4, np.inf, -1)),
    ("norm_ninf", lambda: L.norm(X4, ord=-np.inf, axis=0, keepdims=True),
     lambda: _np_norm(X4, -np.inf, 0, True)),
    ("norm_0", lambda: L.norm([0.0, 1.0, -2.0, 0.0], ord=0), lambda: 2.0),
    ("norm_1", lambda: L.norm(X4, ord=1, axis=2), lambda: _np_norm(X4, 1, 2)),
    ("norm_p3", lambda: L.norm(X4, ord=3, axis=2), lambda: _np_norm(X4, 3, 2)),
    ("norm_pm1", lambda: L.norm(X4, ord=-1, axis=2), lambda: _np_norm(X4, -1, 2)),
    ("norm_p05", lambda: L.norm(X4, ord=0.5, axis=2), lambda: _np_norm(X4, 0.5, 2)),
    ("norm_fro", lambda: L.norm(X4, ord="fro", axis=(1, 2)), lambda: _np_norm(X4, "fro", (1, 2))),
    ("norm_nuc", lambda: L.norm(X4, ord="nuc", axis=(2, 0)), lambda: _np_norm(X4, "nuc", (2, 0))),
    ("norm_nuc_keepdims", lambda: L.norm(X4, ord="nuc", axis=(2, 0), keepdims=True),
     lambda: _np_norm(X4, "nuc", (2, 0), True)),
    ("norm_2", lambda: L.norm(X4, ord=2, axis=(1, 2)), lambda: _np_norm(X4, 2, (1, 2))),
    ("norm_m2", lambda: L.norm(X4, ord=-2, axis=(1, 2), keepdims=True),
     lambda: _np_norm(X4, -2, (1, 2), True)),
    ("norm_m1", lambda: L.norm(X4, ord=1, axis=(1, 2)), lambda: _np_norm(X4, 1, (1, 2))),
    ("norm_mm1", lambda: L.norm(X4, ord=-1, axis=(2, 1)), lambda: _np_norm(X4, -1, (2, 1))),
    ("norm_minf", lambda: L.norm(X4, ord=np.inf, axis=(1, 2), keepdims=True),
     lambda: _np_norm(X4, np.inf, (1, 2), True)),
    ("norm_mninf", lambda: L.norm(X4, ord=-np.inf, axis=(0, 2)),
     lambda: _np_norm(X4, -np.inf, (0, 2))),
    ("norm_2d_ord1", lambda: L.norm(X4[0], ord=1), lambda: _np_norm(X4[0], 1)),
    ("norm_1d_ord3", lambda: L.norm(V[0], ord=3), lambda: _np_norm(V[0], 3)),
    ("qr_r_abs", lambda: abs(_np(L.qr(R)[1])), lambda: abs(np.linalg.qr(R)[1])),
    ("qr_complete_r_abs", lambda: abs(_np(L.qr(R, mode="complete")[1])),
     lambda: abs(np.linalg.qr(R, mode="complete")[1])),
]


@pytest.mark.parametrize("call,ref", [c[1:] for c in VALUES], ids=[c[0] for c in VALUES])
def test_values_match_numpy(call, ref):
    got, want = _np(call()), np.asarray(ref())
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-4)


def test_decompositions_reconstruct():
    u, s, vh = L.svd(R)
    assert (u.shape, s.shape, vh.shape) == ((2, 4, 4), (2, 3), (2, 3, 3))
    u, s, vh = L.svd(R, full_matrices=False)
    np.testing.assert_allclose(_np(u) * _np(s)[:, None, :] @ _np(vh), R, atol=1e-5)
    q, r = L.qr(R)
    assert (q.shape, r.shape) == ((2, 4, 3), (2, 3, 3))
    np.testing.assert_allclose(_np(q) @ _np(r), R, atol=1e-5)
    q, r = L.qr(R, mode="complete")
    assert (q.shape, r.shape) == ((2, 4, 4), (2, 4, 3))
    np.testing.assert_allclose(_np(q) @ _np(r), R, atol=1e-5)
    w, v = L.eigh(SPD)
    np.testing.assert_allclose(SPD @ _np(v), _np(v) * _np(w)[:, None, :], atol=1e-4)


def test_eig_is_complex_and_forward_only():
    w, v = L.eig([[0.0, -1.0], [1.0, 0.0]])                    # Keras 3.15: [1j, -1j]
    assert w.dtype == ember.complex64 and v.dtype == ember.complex64
    np.testing.assert_allclose(_np(w), [1j, -1j], atol=1e-6)
    w, v = L.eig(S.astype("float64"))
    assert w.dtype == ember.complex128 and tuple(v.shape) == (2, 3, 3)
    np.testing.assert_allclose(S @ _np(v), _np(v) * _np(w)[:, None, :], atol=1e-10)
    x = ember.constant(S[0])
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.abs(L.eig(x)[0])
    with pytest.raises(NotImplementedError, match="eig"):
        tape.gradient(y, x)


def test_result_dtypes():
    ints = np.array([[2, 1], [1, 3]], "int32")
    for op in (L.det, L.inv, L.cholesky, L.pinv, L.norm):
        assert op(ints).dtype == ember.float32, op
    assert L.lu_factor(ints)[0].dtype == ember.float32
    assert L.lu_factor(ints)[1].dtype == ember.int32
    assert L.matrix_rank(ints).dtype == ember.int32
    assert L.eig(ints)[0].dtype == ember.complex64
    assert L.solve(ints, np.ones(2, "float64")).dtype == ember.float64
    assert L.norm(np.ones(3, "float16")).dtype == ember.float16
    assert L.det(S.astype("float64")).dtype == ember.float64


def _well(shape):
    return lambda r: [r.normal(size=shape) + 3 * np.eye(shape[-1])]


def _sym(a):
    return (a + ember.linalg.matrix_transpose(a)) / 2


def _lower_factor(r):
    return [np.tril(r.normal(size=(3, 3))) * 0.3 + 2 * np.eye(3)]


GRADS = [
    OpCase("cholesky", lambda a: L.cholesky(_sym(a)), None, [],
           make_inputs=lambda r: [r.normal(size=(3, 3)) * 0.3 + 2 * np.eye(3)]),
    OpCase("cholesky_upper", lambda a: L.cholesky(_sym(a), upper=True), None, [],
           make_inputs=lambda r: [r.normal(size=(2, 3, 3)) * 0.3 + 2 * np.eye(3)]),
    OpCase("cholesky_inverse", L.cholesky_inverse, None, [], make_inputs=_lower_factor),
    OpCase("cholesky_inverse_upper", lambda a: L.cholesky_inverse(a, upper=True), None, [],
           make_inputs=lambda r: [_lower_factor(r)[0].T]),
    OpCase("det", L.det, None, [(2, 3, 3)], second_order=True),
    OpCase("inv", L.inv, None, [], make_inputs=_well((3, 3)), second_order=True),
    OpCase("solve", L.solve, None, [],
           make_inputs=lambda r: _well((3, 3))(r) + [r.normal(size=(3, 2))]),
    OpCase("solve_vectors", L.solve, None, [],
           make_inputs=lambda r: _well((2, 3, 3))(r) + [r.normal(size=(2, 3))]),
    OpCase("solve_broadcast", L.solve, None, [],
           make_inputs=lambda r: _well((1, 3, 3))(r) + [r.normal(size=(2, 3, 1))]),
    OpCase("solve_triangular", L.solve_triangular, None, [],
           make_inputs=lambda r: _well((3, 3))(r) + [r.normal(size=(3,))]),
    OpCase("solve_triangular_lower", lambda a, b: L.solve_triangular(a, b, lower=True), None,
           [], make_inputs=lambda r: _well((2, 3, 3))(r) + [r.normal(size=(2, 3, 2))]),
    OpCase("eigh", L.eigh, None, [], make_inputs=lambda r: [r.normal(size=(3, 3))]),
    OpCase("svd_reduced", lambda a: L.svd(a, full_matrices=False), None, [(4, 3)]),
    OpCase("svd_square", L.svd, None, [(3, 3)]),
    OpCase("svd_values", lambda a: L.svd(a, compute_uv=False), None, [(2, 4, 3)]),
    OpCase("qr", L.qr, None, [(4, 3)]),
    OpCase("qr_complete", lambda a: L.qr(a, mode="complete"), None, [(3, 3)]),
    OpCase("pinv", L.pinv, None, [(4, 3)]),
    OpCase("lstsq", L.lstsq, None, [(4, 3), (4,)]),
    OpCase("lstsq_matrix", L.lstsq, None, [(4, 3), (4, 2)]),
    OpCase("lu_factor", lambda a: L.lu_factor(a)[0], None, [(2, 3, 3)]),
    OpCase("lu_factor_wide", lambda a: L.lu_factor(a)[0], None, [(3, 4)]),
    OpCase("lu_factor_tall", lambda a: L.lu_factor(a)[0], None, [(4, 3)]),
    OpCase("jvp", lambda x, t: L.jvp(lambda v: ember.sin(v) * v, (x,), (t,))[1], None,
           [(3,), (3,)], second_order=True),
] + [OpCase(f"norm_vector_{o}", lambda a, o=o: L.norm(a, ord=o, axis=-1), None, [(2, 4)],
            domain=(0.2, 2.0)) for o in (None, 1, 3, 0.5, -1, np.inf, -np.inf)] + \
    [OpCase(f"norm_matrix_{o}", lambda a, o=o: L.norm(a, ord=o, axis=(0, 2)), None, [(3, 2, 4)])
     for o in (None, "nuc", 2, -2, 1, -1, np.inf, -np.inf)]


@pytest.mark.parametrize("case", GRADS, ids=lambda c: c.name)
def test_gradients_match_finite_differences(case):
    check_grad(case)
    if case.second_order:
        check_second_order(case)


def test_jvp_values_structures_and_aux():
    def f(x, w):
        return ember.tanh(ember.matmul(x, w)) * ember.reduce_sum(x)

    x, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
    tx, tw = rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
    y, dy = L.jvp(f, (ember.constant(x), ember.constant(w)), (tx, tw))
    eps = 1e-6
    fd = (f(ember.constant(x + eps * tx), ember.constant(w + eps * tw)).numpy()
          - f(ember.constant(x - eps * tx), ember.constant(w - eps * tw)).numpy()) / (2 * eps)
    np.testing.assert_allclose(_np(y), f(ember.constant(x), ember.constant(w)).numpy())
    np.testing.assert_allclose(_np(dy), fd, rtol=1e-6, atol=1e-8)

    def g(d):
        return {"sq": d["x"] ** 2, "count": ember.constant(3)}, "aux"

    out, tan, aux = L.jvp(g, ({"x": ember.constant([1.0, 2.0])},),
                          ({"x": ember.constant([1.0, 1.0])},), has_aux=True)
    assert aux == "aux" and set(out) == {"sq", "count"}
    np.testing.assert_allclose(_np(tan["sq"]), [2.0, 4.0])
    assert int(tan["count"]) == 0 and tan["count"].dtype == ember.int32
    y, dy = L.jvp(ember.sin, (0.1,), (0.2,))                      # Keras docstring example
    np.testing.assert_allclose([float(y), float(dy)], [0.09983342, 0.19900084], rtol=1e-6)
    _, dy = L.jvp(lambda v: ember.constant([1.0, 2.0]), (ember.constant(1.0),), (1.0,))
    np.testing.assert_allclose(_np(dy), [0.0, 0.0])


@settings(max_examples=20, deadline=None)
@given(batch=st.lists(st.integers(1, 3), max_size=2), n=st.integers(1, 4),
       k=st.integers(1, 3), vector=st.booleans())
def test_batched_solve_inv_det_match_numpy(batch, n, k, vector):
    r = np.random.default_rng(len(batch) * 100 + n * 10 + k)
    a = r.normal(size=tuple(batch) + (n, n)) + 3 * np.eye(n)
    b = r.normal(size=tuple(batch) + ((n,) if vector else (n, k)))
    got = _np(L.solve(a, b))
    want = np.linalg.solve(a, b[..., None])[..., 0] if vector else np.linalg.solve(a, b)
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(_np(L.inv(a)), np.linalg.inv(a), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(_np(L.det(a)), np.linalg.det(a), rtol=1e-8)
    lu, piv = L.lu_factor(a)
    for i in np.ndindex(*batch):
        ref_lu, ref_piv = _lu_ref(a[i])
        np.testing.assert_allclose(_np(lu)[i], ref_lu, rtol=1e-8, atol=1e-10)
        np.testing.assert_array_equal(_np(piv)[i], ref_piv)


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=3),
       ord=st.sampled_from([None, 1, 2, -1, -2, np.inf, -np.inf, "fro", "nuc", 3, 0.5]),
       matrix=st.booleans(), keepdims=st.booleans())
def test_norm_matches_numpy(shape, ord, matrix, keepdims):
    x = np.random.default_rng(sum(shape)).normal(size=shape)
    axis = (0, len(shape) - 1) if matrix else len(shape) - 1
    if (not matrix and isinstance(ord, str)) or (matrix and ord in (3, 0.5)):
        with pytest.raises(ValueError, match="keras.ops.norm"):
            L.norm(x, ord=ord, axis=axis, keepdims=keepdims)
        return
    got = _np(L.norm(x, ord=ord, axis=axis, keepdims=keepdims))
    want = np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-12)


def test_symbolic_functional_model():
    x = keras.Input((3, 3))
    b = keras.Input((3,))
    spd = keras.ops.matmul(x, keras.ops.transpose(x, (0, 2, 1))) + keras.ops.eye(3) * 3.0
    outs = [L.inv(spd), L.cholesky(spd, upper=True), L.solve(spd, b), L.det(x),
            L.solve_triangular(spd, b, lower=True), L.lu_factor(x)[1], L.matrix_rank(x),
            L.norm(x, ord="nuc", axis=(1, 2)), L.svd(x)[1], L.qr(x)[1]]
    assert [o.shape for o in outs] == [(None, 3, 3), (None, 3, 3), (None, 3), (None,),
                                       (None, 3), (None, 3), (None,), (None,), (None, 3),
                                       (None, 3, 3)]
    assert outs[5].dtype == "int32" and outs[6].dtype == "int32"
    model = keras.Model([x, b], outs)
    xd = rng.normal(size=(2, 3, 3)).astype("float32")
    bd = rng.normal(size=(2, 3)).astype("float32")
    got = model([xd, bd])
    spd_d = xd @ np.swapaxes(xd, 1, 2) + 3 * np.eye(3, dtype="float32")
    eager = [L.inv(spd_d), L.cholesky(spd_d, upper=True), L.solve(spd_d, bd), L.det(xd),
             L.solve_triangular(spd_d, bd, lower=True), L.lu_factor(xd)[1],
             L.matrix_rank(xd), L.norm(xd, ord="nuc", axis=(1, 2)), L.svd(xd)[1],
             L.qr(xd)[1]]
    for g, w in zip(got, eager):
        np.testing.assert_allclose(_np(g), _np(w), rtol=1e-5, atol=1e-5)


def test_symbolic_jvp():
    x = keras.Input((3,))
    y, t = L.jvp(lambda v: keras.ops.sin(v) * v, (x,), (keras.ops.ones_like(x),))
    assert y.shape == t.shape == (None, 3)
    data = rng.normal(size=(2, 3)).astype("float32")
    np.testing.assert_allclose(_np(keras.Model(x, t)(data)),
                               np.cos(data) * data + np.sin(data), rtol=1e-5, atol=1e-6)


def test_config_round_trip(monkeypatch):
    for name in L.__all__:   # until keras.ops re-exports this module
        if not hasattr(keras.ops, name):
            monkeypatch.setattr(keras.ops, name, getattr(L, name), raising=False)
    x = keras.Input((3, 3))
    b = keras.Input((3,))
    outs = [keras.ops.det(x), keras.ops.norm(x, ord=1, axis=(1, 2)), keras.ops.inv(x),
            keras.ops.cholesky(x, upper=True), keras.ops.solve_triangular(x, b, lower=True)]
    model = keras.Model([x, b], outs)
    config = model.get_config()
    clone = keras.Model.from_config(config)   # rebuilt on zeros: inv/cholesky cope
    data = SPD[:1].repeat(2, 0)
    for g, w in zip(clone([data, V]), model([data, V])):
        np.testing.assert_allclose(_np(g), _np(w), rtol=1e-6)


def test_custom_layer_calling_inv_builds_symbolically():
    class Inverse(keras.layers.Layer):
        def call(self, x):
            return L.inv(x)

    x = keras.Input((3, 3))
    y = Inverse()(x)
    assert y.shape == (None, 3, 3)
    np.testing.assert_allclose(_np(keras.Model(x, y)(SPD)), np.linalg.inv(SPD), rtol=1e-4)


def test_clear_errors():
    with pytest.raises(ValueError, match="keras.ops.inv: Expected a square matrix"):
        L.inv(np.ones((2, 3)))
    with pytest.raises(ValueError, match="keras.ops.det: Expected input to have rank >= 2"):
        L.det(np.ones(3))
    with pytest.raises(ValueError, match="keras.ops.cholesky: Cholesky decomposition failed"):
        L.cholesky([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="keras.ops.cholesky_inverse: Cholesky inverse failed"):
        L.cholesky_inverse(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="keras.ops.solve: Incompatible shapes"):
        L.solve(A2, np.ones(3))
    with pytest.raises(ValueError, match="keras.ops.solve_triangular: Expected b"):
        L.solve_triangular(A2, 1.0)
    with pytest.raises(ValueError, match="keras.ops.qr: `mode`"):
        L.qr(A2, mode="r")
    with pytest.raises(ValueError, match="keras.ops.lstsq: Expected a to have rank 2"):
        L.lstsq(np.ones((2, 3, 2)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="keras.ops.lstsq: Expected b.shape"):
        L.lstsq(np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match="keras.ops.norm: Invalid `ord` argument. Expected"):
        L.norm(A2, ord="foo")
    with pytest.raises(ValueError, match="for vector norm"):
        L.norm(A2[0], ord="fro")
    with pytest.raises(ValueError, match="for matrix norm"):
        L.norm(A2, ord=3, axis=(0, 1))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        L.norm(np.ones((2, 2, 2)), ord=2)
    with pytest.raises(ValueError, match="range"):
        L.norm(A2, axis=2)
    with pytest.raises(TypeError, match="keras.ops.jvp: `primals`"):
        L.jvp(ember.sin, 1.0, 1.0)
    with pytest.raises(ValueError, match="keras.ops.jvp: each tangent"):
        L.jvp(ember.sin, (np.ones(2),), (np.ones(3),))
