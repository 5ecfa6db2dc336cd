import numpy as np
import pytest

import ember
from ember.keras.optimizers import clipping


def test_clip_by_norm():
    g = ember.constant(np.array([[3.0, 0.0], [0.0, 4.0]], np.float32))
    np.testing.assert_allclose(clipping.clip_by_norm(g, 2.5).numpy(),
                               [[1.5, 0.0], [0.0, 2.0]], rtol=1e-6)
    np.testing.assert_allclose(clipping.clip_by_norm(g, 10.0).numpy(), g.numpy())
    zero = ember.zeros((3,))
    np.testing.assert_array_equal(clipping.clip_by_norm(zero, 1.0).numpy(), [0, 0, 0])


def test_global_norm_and_clip():
    grads = [ember.constant([3.0]), None, ember.constant([[4.0, 0.0]])]
    assert float(clipping.global_norm(grads)) == pytest.approx(5.0)
    a, none, b = clipping.clip_by_global_norm(grads, 1.0)
    assert none is None
    np.testing.assert_allclose(a.numpy(), [0.6], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), [[0.8, 0.0]], rtol=1e-6)
    same = clipping.clip_by_global_norm(grads, 100.0)
    np.testing.assert_allclose(same[0].numpy(), [3.0])


def test_global_clip_propagates_non_finite_norms_as_nan():
    with np.errstate(invalid="ignore"):
        out = clipping.clip_by_global_norm([ember.constant([np.inf, 1.0])], 1.0)
    assert np.isnan(out[0].numpy()).all()


def test_clip_by_value():
    (out,) = clipping.clip_by_value([ember.constant([-3.0, 0.2, 9.0])], 1.0)
    np.testing.assert_allclose(out.numpy(), [-1.0, 0.2, 1.0])
