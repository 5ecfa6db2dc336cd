"""Image gradients, Sobel, total variation, PSNR and (MS-)SSIM: NumPy references,
TensorFlow 2.21 constants, gradients (float64) against finite differences."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, table_tests

import ember
from ember import image
from ember.ops.image import quality as Q


def pattern(shape, k):
    """The deterministic test images the TensorFlow constants below were computed on."""
    idx = np.indices(shape).astype(np.float64)
    return (0.5 + 0.5 * np.sin(idx[-3] * (0.7 + k) + idx[-2] * (1.3 - 0.2 * k) +
                               idx[-1] * 0.5 + k)).astype(np.float32)


# recorded from TensorFlow 2.21
TF_SSIM_5 = [-0.0456672, -0.0456672]     # ssim(pattern((2,12,13,3),0), ...1), 1.0, 5, 1.0)
TF_SSIM_11 = [0.0144355]                 # ssim(pattern((1,16,16,2),0), ...1), 1.0)
TF_MSSSIM = [0.0130948]                  # (1,40,44,2), power_factors=(.3,.3,.4), filter_size 5
TF_PSNR = [5.91713, 5.91713]             # psnr(pattern((2,12,13,3),0), ...1), 1.0)


def test_matches_tensorflow():
    a, b = pattern((2, 12, 13, 3), 0), pattern((2, 12, 13, 3), 1)
    out = image.ssim(a, b, 1.0, filter_size=5, filter_sigma=1.0)
    assert out.dtype == ember.float32 and out.shape == (2,)
    np.testing.assert_allclose(out.numpy(), TF_SSIM_5, atol=1e-6)
    np.testing.assert_allclose(image.ssim(pattern((1, 16, 16, 2), 0), pattern((1, 16, 16, 2), 1),
                                          1.0).numpy(), TF_SSIM_11, atol=1e-6)
    np.testing.assert_allclose(image.psnr(a, b, 1.0).numpy(), TF_PSNR, atol=1e-4)
    ms = image.ssim_multiscale(pattern((1, 40, 44, 2), 0), pattern((1, 40, 44, 2), 1), 1.0,
                               power_factors=(0.3, 0.3, 0.4), filter_size=5)
    np.testing.assert_allclose(ms.numpy(), TF_MSSSIM, atol=1e-6)


# -- NumPy references -------------------------------------------------------------------------
def _gradients_ref(x):
    dy, dx = np.zeros_like(x), np.zeros_like(x)
    dy[:, :-1] = x[:, 1:] - x[:, :-1]
    dx[:, :, :-1] = x[:, :, 1:] - x[:, :, :-1]
    return dy, dx


def _sobel_ref(x):
    p = np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)], mode="reflect")
    ky = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], np.float64)
    h, w = x.shape[1:3]
    out = np.zeros(x.shape + (2,))
    for k, kern in enumerate((ky, ky.T)):
        for i in range(3):
            for j in range(3):
                out[..., k] += kern[i, j] * p[:, i:i + h, j:j + w]
    return out


def _tv_ref(x):
    axes = (-3, -2, -1)
    return np.abs(np.diff(x, axis=-3)).sum(axes) + np.abs(np.diff(x, axis=-2)).sum(axes)


def _window(x, g):
    """'VALID' 2-D filtering of (..., H, W, C) with the outer product of g."""
    k = len(g)
    h, w = x.shape[-3] - k + 1, x.shape[-2] - k + 1
    out = np.zeros(x.shape[:-3] + (h, w, x.shape[-1]))
    for i in range(k):
        for j in range(k):
            out += g[i] * g[j] * x[..., i:i + h, j:j + w, :]
    return out


def _ssim_ref(a, b, max_val=1.0, size=11, sigma=1.5, k1=0.01, k2=0.03):
    g = np.exp(-0.5 * (np.arange(size) - (size - 1) / 2) ** 2 / sigma ** 2)
    g /= g.sum()
    a, b = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    mu_a, mu_b = _window(a, g), _window(b, g)
    var_a = _window(a * a, g) - mu_a ** 2
    var_b = _window(b * b, g) - mu_b ** 2
    cov = _window(a * b, g) - mu_a * mu_b
    lum = (2 * mu_a * mu_b + c1) / (mu_a ** 2 + mu_b ** 2 + c1)
    cs = (2 * cov + c2) / (var_a + var_b + c2)
    return (lum * cs).mean(axis=(-3, -2)), cs.mean(axis=(-3, -2))


S = (2, 4, 5, 2)
CASES = [
    OpCase("image_gradients_dy", lambda x: image.image_gradients(x)[0],
           lambda x: _gradients_ref(x)[0], [S]),
    OpCase("image_gradients_dx", lambda x: image.image_gradients(x)[1],
           lambda x: _gradients_ref(x)[1], [S]),
    OpCase("sobel_edges", image.sobel_edges, _sobel_ref, [S], second_order=True),
    OpCase("total_variation", image.total_variation, _tv_ref, [S]),
    OpCase("total_variation_3d", image.total_variation, _tv_ref, [S[1:]]),
    OpCase("ssim_per_channel", lambda a, b: Q._ssim_per_channel(a, b, 1.0, 3, 1.0, 0.01,
                                                                0.03)[0],
           lambda a, b: _ssim_ref(a, b, 1.0, 3, 1.0)[0], [(1, 4, 4, 1), (1, 4, 4, 1)],
           domain=(0.0, 1.0), second_order=True),
    OpCase("ssim_cs", lambda a, b: Q._ssim_per_channel(a, b, 2.0, 3, 0.8, 0.02, 0.05)[1],
           lambda a, b: _ssim_ref(a, b, 2.0, 3, 0.8, 0.02, 0.05)[1],
           [(1, 4, 5, 2), (1, 4, 5, 2)], domain=(0.0, 1.0)),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


def test_ssim_public_against_reference():
    rng = np.random.default_rng(2)
    a = rng.random((3, 13, 12, 3)).astype(np.float32)
    b = np.clip(a + rng.normal(0, 0.2, a.shape), 0, 1).astype(np.float32)
    np.testing.assert_allclose(image.ssim(a, b, 1.0).numpy(), _ssim_ref(a, b)[0].mean(-1),
                               atol=2e-6)
    index_map = image.ssim(a, b, 1.0, filter_size=3, return_index_map=True)
    assert index_map.shape == (3, 11, 10)
    # integer images are read as fractions of their range, max_val with them
    u8a, u8b = (a * 255).astype(np.uint8), (b * 255).astype(np.uint8)
    np.testing.assert_allclose(image.ssim(u8a, u8b, 255).numpy(),
                               _ssim_ref(u8a / 255.0, u8b / 255.0)[0].mean(-1), atol=2e-6)
    # the batch axes broadcast
    assert image.ssim(a, b[:1], 1.0).shape == (3,)
    np.testing.assert_allclose(image.ssim(a[0], a[0], 1.0).numpy(), 1.0, atol=1e-6)


def test_psnr_and_multiscale():
    rng = np.random.default_rng(3)
    a = rng.random((2, 8, 9, 3)).astype(np.float32)
    b = rng.random((2, 8, 9, 3)).astype(np.float32)
    mse = ((a.astype(np.float64) - b) ** 2).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(image.psnr(a, b, 1.0).numpy(), -10 * np.log10(mse), rtol=1e-5)
    assert image.psnr(a, b, 1.0).dtype == ember.float32
    big = rng.random((1, 33, 35, 1)).astype(np.float32)
    ms = image.ssim_multiscale(big, big, 1.0, power_factors=(0.5, 0.5), filter_size=5)
    np.testing.assert_allclose(ms.numpy(), [1.0], atol=1e-5)


def test_ssim_gradient_public():
    a = ember.constant(pattern((1, 8, 8, 1), 0))
    b = ember.constant(pattern((1, 8, 8, 1), 0) * 0.8 + 0.1)   # similar: every term > 0
    with ember.GradientTape() as tape:
        tape.watch(a)
        loss = ember.reduce_sum(image.ssim_multiscale(a, b, 1.0, power_factors=(0.5, 0.5),
                                                      filter_size=3))
    g = tape.gradient(loss, a)
    assert g.shape == (1, 8, 8, 1) and np.all(np.isfinite(g.numpy()))


@settings(max_examples=20, deadline=None)
@given(b=st.integers(1, 3), h=st.integers(2, 6), w=st.integers(2, 6), c=st.integers(1, 3))
def test_shapes(b, h, w, c):
    x = np.random.default_rng(b + h + w).random((b, h, w, c)).astype(np.float32)
    assert image.sobel_edges(x).shape == (b, h, w, c, 2)
    assert image.total_variation(x).shape == (b,)
    np.testing.assert_allclose(image.total_variation(x).numpy(), _tv_ref(x), rtol=1e-5)
    assert image.ssim(x, x, 1.0, filter_size=2).shape == (b,)


def test_errors():
    with pytest.raises(ValueError, match=r"ember.image.image_gradients: expects a 4-D tensor"):
        image.image_gradients(np.ones((3, 3, 1)))
    with pytest.raises(ValueError, match="ember.image.sobel_edges: the images must be at "
                                         "least 2 x 2"):
        image.sobel_edges(np.ones((1, 1, 3, 1), np.float32))
    with pytest.raises(ValueError, match=r"ember.image.ssim: the images \(4 x 4\) must be at "
                                         r"least filter_size = 11"):
        image.ssim(np.ones((4, 4, 1)), np.ones((4, 4, 1)), 1.0)
    with pytest.raises(ValueError, match=r"ember.image.ssim: the two images are not "
                                         r"compatible: shapes \(4, 4, 1\) and \(4, 5, 1\)"):
        image.ssim(np.ones((4, 4, 1)), np.ones((4, 5, 1)), 1.0, filter_size=3)
    with pytest.raises(ValueError, match="ember.image.total_variation: 'images' must have "
                                         "rank 3"):
        image.total_variation(np.ones((3, 3)))


def test_total_variation_of_narrow_integers_does_not_wrap():
    """uint8 differences wrapped around (a 0/255 stripe pattern gave 4, not 3060); TF
    refuses uint8 here, Ember sums 8- and 16-bit integers as int32."""
    x = np.zeros((1, 4, 4, 1), np.uint8)
    x[0, ::2] = 255
    out = image.total_variation(x)
    assert out.dtype == ember.int32 and out.numpy().tolist() == [3060]
    assert int(image.total_variation(x[0])) == 3060
    signed = np.where(x == 255, 127, -128).astype(np.int8)
    assert image.total_variation(signed).numpy().tolist() == [3060]
    assert image.total_variation(x.astype(np.int32)).dtype == ember.int32
    assert image.total_variation(x.astype(np.int64)).dtype == ember.int64
