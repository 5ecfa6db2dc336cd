"""ember.raw_ops' fused in-place optimizer updates against the formulas written out."""
import numpy as np
import pytest

import ember


def _arrays(shape, seed=0):
    rng = np.random.default_rng(seed)
    x, m, g = (rng.normal(size=shape).astype(np.float32) for _ in range(3))
    v = rng.random(shape, dtype=np.float32)
    return x, m, v, g


@pytest.mark.parametrize("shape", [(3,), (7, 5), (300, 200), (100003,)],
                         ids=["tiny", "small", "large", "large_ragged"])
def test_apply_adam_matches_the_formula(shape):
    x, m, v, g = _arrays(shape)
    alpha, c1, c2, eps = 1e-3, 0.1, 0.001, 1e-7
    m_want = m + (g - m) * np.float32(c1)
    v_want = v + (g * g - v) * np.float32(c2)
    x_want = x - np.float32(alpha) * (m_want / (np.sqrt(v_want) + np.float32(eps)))
    xs, ms, vs = (ember.Variable(a) for a in (x, m, v))
    ember.raw_ops.apply_adam(xs, ms, vs, g, alpha, c1, c2, eps)
    np.testing.assert_allclose(ms.numpy(), m_want, rtol=1e-6)
    np.testing.assert_allclose(vs.numpy(), v_want, rtol=1e-6)
    np.testing.assert_allclose(xs.numpy(), x_want, rtol=1e-6, atol=1e-7)


def test_apply_adam_leaves_earlier_reads_alone():
    w = ember.Variable(np.ones(40000, np.float32))
    m, v = (ember.Variable(np.zeros(40000, np.float32)) for _ in range(2))
    before = w.read_value()
    ember.raw_ops.apply_adam(w, m, v, np.ones(40000, np.float32), 0.1, 0.1, 0.001, 1e-7)
    assert float(before[0]) == 1.0 and float(w[0]) < 1.0


def test_apply_adam_rejects_a_gradient_of_another_shape():
    w, m, v = (ember.Variable(np.zeros(3, np.float32)) for _ in range(3))
    with pytest.raises(ValueError, match="does not match"):
        ember.raw_ops.apply_adam(w, m, v, np.ones(4, np.float32), 0.1, 0.1, 0.001, 1e-7)


@pytest.mark.parametrize("jit", [True, False])
def test_updates_of_scalar_variables(jit):
    """0-d variables (a learned temperature): NumPy returns scalars, not arrays, for
    0-d arithmetic, which once broke the in-place scratch buffer."""
    from ember.ops import kernels
    kernels.set_enabled(jit)
    try:
        w, m, v = ember.Variable(1.0), ember.Variable(0.0), ember.Variable(0.0)
        ember.raw_ops.apply_adam(w, m, v, 1.0, 0.1, 0.1, 0.001, 1e-7)
        assert w.numpy() == pytest.approx(1 - 0.1 * 0.1 / (np.sqrt(0.001) + 1e-7), rel=1e-6)
        for nesterov, want in ((False, 1.9), (True, 1.81)):
            w, a = ember.Variable(2.0), ember.Variable(0.0)
            ember.raw_ops.apply_momentum(w, a, 0.1, 1.0, 0.9, use_nesterov=nesterov)
            assert w.numpy() == pytest.approx(want) and a.numpy() == pytest.approx(-0.1)
    finally:
        kernels.set_enabled(True)
