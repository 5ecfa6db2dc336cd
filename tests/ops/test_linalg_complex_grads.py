"""Gradients of the linalg decompositions on complex matrices, in TF's convention
(dL/dRe + i dL/dIm for a real loss L), checked by finite differences in float64.

Before, slogdet, cholesky (so logdet, lstsq), eigh, svd, qr and pinv used plain
transposes in their rules and gave wrong complex gradients."""
import numpy as np
import pytest

import ember
from ember import linalg as L

RNG = np.random.default_rng(0)
C = RNG.normal(size=(3, 3)) + 1j * RNG.normal(size=(3, 3))
HPD = C @ C.conj().T + 3 * np.eye(3)
WIDE = RNG.normal(size=(2, 4)) + 1j * RNG.normal(size=(2, 4))
WTS = RNG.normal(size=(3, 3)) + 1j * RNG.normal(size=(3, 3))


def _loss(f, x):
    return ember.math.real(ember.reduce_sum(f(x)))


def _tape_grad(f, z):
    x = ember.constant(z)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = _loss(f, x)
    return tape.gradient(y, x).numpy()


def _fd_grad(f, z, eps=1e-6):
    def value(v):
        return float(_loss(f, ember.constant(v)).numpy())
    out = np.zeros(z.shape, complex)
    for i in np.ndindex(z.shape):
        e = np.zeros(z.shape)
        e[i] = eps
        out[i] = (value(z + e) - value(z - e)) / (2 * eps) + \
            1j * (value(z + 1j * e) - value(z - 1j * e)) / (2 * eps)
    return out


def _svd_recompose(x):
    s, u, v = L.svd(x)
    return ember.matmul(u * ember.cast(s ** 3, u.dtype)[None, :], v, adjoint_b=True) * \
        WTS[:2, :1]


@pytest.mark.parametrize("name, f, z", [
    ("slogdet", lambda x: L.slogdet(x)[1], C),
    ("det", L.det, C),
    ("qr_r", lambda x: L.qr(x)[1] * WTS, np.vstack([C, C[:1]])),
    ("qr_q", lambda x: L.qr(x)[0] * np.vstack([WTS, WTS[:1]]), np.vstack([C, C[:1]])),
    ("qr_wide", lambda x: L.qr(x)[1] * WTS[:2, :1], WIDE),
    ("svd_values", lambda x: ember.cast(L.svd(x, compute_uv=False), "complex128") * (1 + 1j),
     WIDE),
    ("svd_vectors", _svd_recompose, WIDE),
    ("spectral_norm", lambda x: L.norm(x, ord=2, axis=[-2, -1]), WIDE),
    ("pinv", lambda x: L.pinv(x) * WTS[:, :1], C),
    ("lstsq", lambda x: L.lstsq(x, WIDE.T[:, :1]) * (1 - 1j), WIDE.T.copy()),
])
def test_complex_gradients_match_finite_differences(name, f, z):
    np.testing.assert_allclose(_tape_grad(f, z), _fd_grad(f, z), atol=1e-6)


def _eigh_recompose(x):
    e, v = L.eigh(x)
    return ember.matmul(v * ember.cast(e * e, v.dtype)[None, :], v, adjoint_b=True) * WTS


@pytest.mark.parametrize("name, f", [
    ("cholesky", lambda x: L.cholesky(x) * WTS),
    ("logdet", L.logdet),
    ("eigh_values", lambda x: ember.cast(L.eigh(x)[0], "complex128") * (1 + 1j)),
    ("eigh_vectors", _eigh_recompose),
])
def test_hermitian_input_gradients_along_hermitian_directions(name, f):
    # these read one triangle of a Hermitian input: check directional derivatives
    g = _tape_grad(f, HPD)
    rng = np.random.default_rng(1)
    for _ in range(3):
        d = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
        d = d + d.conj().T
        eps = 1e-6
        num = (float(_loss(f, ember.constant(HPD + eps * d))) -
               float(_loss(f, ember.constant(HPD - eps * d)))) / (2 * eps)
        assert abs(num - np.real(np.sum(np.conj(g) * d))) < 1e-6


def test_logdet_of_complex_input_is_real_and_complex64_grads_keep_dtype():
    out = L.logdet(HPD.astype(np.complex64))
    assert out.dtype == ember.float32
    np.testing.assert_allclose(float(out), np.log(np.linalg.det(HPD).real), rtol=1e-5)
    x = ember.constant(C.astype(np.complex64))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.math.real(ember.reduce_sum(L.qr(x)[1]))
    assert tape.gradient(y, x).dtype == ember.complex64
