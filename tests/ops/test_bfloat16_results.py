"""bfloat16 in, bfloat16 out (as TF): activations that used to promote to float32, and
convolutions (computed in float32, rounded back) forward and backward."""
import ml_dtypes
import numpy as np
import pytest

import ember

BF16 = ml_dtypes.bfloat16


@pytest.mark.parametrize("fn", [ember.nn.elu, ember.nn.selu, ember.nn.leaky_relu])
def test_activations_keep_bfloat16(fn):
    x = ember.constant(np.linspace(-3, 3, 7).astype(BF16))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    assert y.dtype == ember.bfloat16
    assert tape.gradient(y, x).dtype == ember.bfloat16
    reference = fn(ember.cast(x, ember.float32)).numpy()
    np.testing.assert_allclose(y.numpy().astype(np.float32), reference, rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize("op, kernel_shape", [
    (lambda x, k: ember.nn.conv2d(x, k, 1, "SAME"), (3, 3, 2, 4)),
    (lambda x, k: ember.nn.depthwise_conv2d(x, k, [1, 1, 1, 1], "VALID"), (3, 3, 2, 1)),
    (lambda x, k: ember.nn.conv2d_transpose(x, k, [1, 5, 5, 4], 1, "SAME"), (3, 3, 4, 2)),
])
def test_convolutions_keep_bfloat16(op, kernel_shape):
    rng = np.random.default_rng(0)
    x = ember.constant(rng.random((1, 5, 5, 2)).astype(BF16))
    k = ember.constant(rng.random(kernel_shape).astype(BF16))
    with ember.GradientTape() as tape:
        tape.watch([x, k])
        y = op(x, k)
    assert y.dtype == ember.bfloat16
    assert [g.dtype for g in tape.gradient(y, [x, k])] == [ember.bfloat16] * 2
    reference = op(ember.cast(x, ember.float32), ember.cast(k, ember.float32)).numpy()
    np.testing.assert_allclose(y.numpy().astype(np.float32), reference, rtol=2e-2, atol=2e-2)
