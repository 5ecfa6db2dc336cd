"""Colour ops: values against TensorFlow 2.21 constants, NumPy and ``colorsys``
references, dtypes, gradients (float64) against finite differences."""
import colorsys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, table_tests

import ember
from ember import image
from ember.ops.image import color as Cl

RGB = np.array([[[0.2, 0.4, 0.9], [0.9, 0.1, 0.3], [0.5, 0.5, 0.5], [0.0, 0.7, 0.1]]],
               np.float32)
U8 = (RGB * 255).astype(np.uint8)

# recorded from TensorFlow 2.21 on RGB / U8
TF_HSV = [[[0.619048, 0.777778, 0.9], [0.958333, 0.888889, 0.9], [0.0, 0.0, 0.5],
           [0.357143, 1.0, 0.7]]]
TF_HUE_03 = [[[0.9, 0.2, 0.54], [0.46, 0.9, 0.1], [0.5, 0.5, 0.5], [0.0, 0.04, 0.7]]]
TF_HUE_M045 = [[[0.89, 0.9, 0.2], [0.1, 0.86, 0.9], [0.5, 0.5, 0.5], [0.7, 0.0, 0.39]]]
TF_SAT_04 = [[[0.62, 0.7, 0.9], [0.9, 0.58, 0.66], [0.5, 0.5, 0.5], [0.42, 0.7, 0.46]]]
TF_SAT_25 = [[[0.0, 0.257143, 0.9], [0.9, 0.0, 0.225], [0.5, 0.5, 0.5], [0.0, 0.7, 0.1]]]
TF_CON_18 = [[[0.04, 0.38, 1.26], [1.3, -0.16, 0.18], [0.58, 0.56, 0.54],
              [-0.32, 0.92, -0.18]]]
TF_HUE8_03 = [[[229, 51, 137], [117, 229, 25], [127, 127, 127], [0, 10, 178]]]
TF_GRAY8 = [[[101], [91], [127], [107]]]
TF_GAMMA8 = [[[137, 193, 255], [255, 96, 167], [216, 216, 216], [0, 255, 96]]]
TF_PIS8 = [[[-0.774382, -0.081514, 1.643864], [1.643864, -1.127609, -0.434741],
            [0.258127, 0.258127, 0.258127], [-1.46725, 0.950996, -1.127609]]]


def test_matches_tensorflow():
    close = {"atol": 2e-6}
    np.testing.assert_allclose(image.rgb_to_hsv(RGB).numpy(), TF_HSV, **close)
    np.testing.assert_allclose(image.adjust_hue(RGB, 0.3).numpy(), TF_HUE_03, **close)
    np.testing.assert_allclose(image.adjust_hue(RGB, -0.45).numpy(), TF_HUE_M045, **close)
    np.testing.assert_allclose(image.adjust_saturation(RGB, 0.4).numpy(), TF_SAT_04, **close)
    np.testing.assert_allclose(image.adjust_saturation(RGB, 2.5).numpy(), TF_SAT_25, **close)
    np.testing.assert_allclose(image.adjust_contrast(RGB, 1.8).numpy(), TF_CON_18, **close)
    np.testing.assert_array_equal(image.adjust_hue(U8, 0.3).numpy(), TF_HUE8_03)
    np.testing.assert_array_equal(image.rgb_to_grayscale(U8).numpy(), TF_GRAY8)
    np.testing.assert_array_equal(image.adjust_gamma(U8, 0.5, 1.2).numpy(), TF_GAMMA8)
    np.testing.assert_allclose(image.per_image_standardization(U8).numpy(), TF_PIS8, **close)
    assert image.adjust_hue(U8, 0.3).dtype == ember.uint8


# convert_image_dtype, recorded from TensorFlow 2.21
U8_VALUES = np.array([0, 1, 2, 127, 128, 254, 255], np.uint8)
F_VALUES = np.array([-0.5, 0.0, 0.3, 0.5, 0.999, 1.0, 1.7], np.float32)
I32_VALUES = np.array([-2147483648, -1, 0, 65536, 2147483647], np.int32)
CONVERT = [
    (U8_VALUES, "int8", False, [0, 0, 1, 63, 64, 127, 127]),
    (U8_VALUES, "int16", False, [0, 128, 256, 16256, 16384, 32512, 32640]),
    (U8_VALUES, "int32", False, [0, 8388608, 16777216, 1065353216, 1073741824, 2130706432,
                                 2139095040]),
    (F_VALUES, "uint8", True, [0, 0, 76, 127, 255, 255, 255]),
    (F_VALUES, "int16", True, [-16383, 0, 9830, 16383, 32734, 32767, 32767]),
    # TF saturates float32 to int32 at 2147483520 (the largest float32 below 2**31);
    # ember.saturate_cast gives the int32 maximum itself
    (F_VALUES, "int32", True, [-1073741824, 0, 644245120, 1073741824, 2145336192, 2147483647,
                               2147483647]),
    (I32_VALUES, "uint8", False, [0, 255, 0, 0, 255]),
    (I32_VALUES, "uint8", True, [0, 0, 0, 0, 255]),
    (I32_VALUES, "int8", False, [-128, -1, 0, 0, 127]),
    (I32_VALUES, "int64", False, [-9223372036854775808, -4294967296, 0, 281474976710656,
                                  9223372032559808512]),
]


@pytest.mark.parametrize("src,dtype,saturate,want", CONVERT,
                         ids=[f"{c[0].dtype}-{c[1]}-{c[2]}" for c in CONVERT])
def test_convert_image_dtype(src, dtype, saturate, want):
    out = image.convert_image_dtype(src, dtype, saturate=saturate)
    assert out.dtype == ember.as_dtype(dtype)
    np.testing.assert_array_equal(out.numpy(), want)


def test_convert_image_dtype_to_float():
    out = image.convert_image_dtype(U8_VALUES, "float32")
    np.testing.assert_allclose(out.numpy(), U8_VALUES / 255.0, rtol=1e-6)
    assert image.convert_image_dtype(F_VALUES, "float64").dtype == ember.float64
    with pytest.raises(TypeError, match="ember.image.convert_image_dtype: dtype must be"):
        image.convert_image_dtype(F_VALUES, "bool")


def _hsv_ref(x):
    flat = x.reshape(-1, 3).astype(np.float64)
    return np.array([colorsys.rgb_to_hsv(*p) for p in flat]).reshape(x.shape)


def _rgb_ref(x):
    flat = x.reshape(-1, 3).astype(np.float64)
    return np.array([colorsys.hsv_to_rgb(*p) for p in flat]).reshape(x.shape)


def _hue_ref(x, delta):
    hsv = _hsv_ref(x)
    hsv[..., 0] = (hsv[..., 0] + delta) % 1.0
    return _rgb_ref(hsv)


def _sat_ref(x, factor):
    hsv = _hsv_ref(x)
    hsv[..., 1] = np.clip(hsv[..., 1] * factor, 0, 1)
    return _rgb_ref(hsv)


def _contrast_ref(x, f):
    mean = x.mean(axis=(-3, -2), keepdims=True)
    return (x - mean) * f + mean


def _std_ref(x):
    n = np.prod(x.shape[-3:])
    mean = x.mean(axis=(-3, -2, -1), keepdims=True)
    std = x.std(axis=(-3, -2, -1), keepdims=True)
    return (x - mean) / np.maximum(std, 1 / np.sqrt(n))


K_YUV = np.array([[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
                  [0.114, 0.43601035, -0.10001026]])
K_YIQ = np.array([[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
                  [0.114, -0.32134392, 0.31119955]])
K_YIQ_INV = np.array([[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
                      [0.6208248, -0.64720424, 1.70423049]])     # TF's (rounded) inverse
S = (1, 2, 3, 3)
unit = (0.05, 0.95)


def _pixels(rng):
    return [rng.uniform(0.05, 0.95, S)]


CASES = [
    OpCase("rgb_to_hsv", image.rgb_to_hsv, _hsv_ref, [S], domain=unit),
    OpCase("hsv_to_rgb", image.hsv_to_rgb, _rgb_ref, [S], domain=unit),
    OpCase("rgb_to_yuv", image.rgb_to_yuv, lambda x: x @ K_YUV, [S], second_order=True),
    OpCase("yuv_to_rgb", image.yuv_to_rgb, lambda x: x @ np.linalg.inv(K_YUV), [S]),
    OpCase("rgb_to_yiq", image.rgb_to_yiq, lambda x: x @ K_YIQ, [S]),
    OpCase("yiq_to_rgb", image.yiq_to_rgb, lambda x: x @ K_YIQ_INV, [S]),
    OpCase("rgb_to_grayscale", image.rgb_to_grayscale,
           lambda x: (x @ np.array([0.2989, 0.587, 0.114]))[..., None], [S]),
    OpCase("adjust_brightness", image.adjust_brightness, lambda x, d: x + d, [S, ()]),
    OpCase("adjust_contrast", image.adjust_contrast, _contrast_ref, [S, ()],
           second_order=True),
    OpCase("adjust_gamma", lambda x, g: image.adjust_gamma(x, g, 0.8),
           lambda x, g: 0.8 * x ** g, [S, ()], domain=(0.3, 1.5), second_order=True),
    OpCase("adjust_saturation", image.adjust_saturation, _sat_ref, [S, ()],
           make_inputs=lambda r: [r.uniform(0.05, 0.95, S), np.array(0.7)]),
    OpCase("adjust_hue", image.adjust_hue, _hue_ref, [S, ()],
           make_inputs=lambda r: [r.uniform(0.05, 0.95, S), np.array(0.37)]),
    OpCase("standardize", Cl._standardize, _std_ref, [S], second_order=True),
]


test_values, test_gradient, test_second_order = table_tests(CASES)


def test_dtypes():
    assert image.adjust_brightness(U8, 0.2).dtype == ember.uint8
    np.testing.assert_array_equal(image.adjust_brightness(U8, 1.0).numpy(), 255)  # saturated
    assert image.adjust_contrast(RGB.astype(np.float16), 2.0).dtype == ember.float16
    assert image.adjust_saturation(RGB.astype(np.float64), 2.0).dtype == ember.float64
    assert image.per_image_standardization(RGB.astype(np.float64)).dtype == ember.float32
    assert image.rgb_to_grayscale(U8).dtype == ember.uint8
    np.testing.assert_array_equal(image.grayscale_to_rgb(U8[..., :1]).numpy(),
                                  np.repeat(U8[..., :1], 3, -1))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0, 1, width=32), min_size=3, max_size=3))
def test_hsv_round_trip(pixel):
    x = np.array(pixel, np.float32).reshape(1, 1, 3)
    np.testing.assert_allclose(image.hsv_to_rgb(image.rgb_to_hsv(x)).numpy(), x, atol=2e-6)
    np.testing.assert_allclose(image.adjust_hue(x, 1.0).numpy(), x, atol=2e-6)


def test_errors():
    with pytest.raises(TypeError, match="ember.image.rgb_to_hsv: 'images' must be a floating"):
        image.rgb_to_hsv(U8)
    with pytest.raises(ValueError, match=r"ember.image.rgb_to_hsv: the last axis .* 3 \(RGB\) "
                                         r"channels; got shape \(1, 4, 2\)"):
        image.rgb_to_hsv(RGB[..., :2])
    with pytest.raises(ValueError, match=r"ember.image.adjust_hue: delta must be in the "
                                         r"interval \[-1, 1\]"):
        image.adjust_hue(RGB, 1.5)
    with pytest.raises(ValueError, match="ember.image.adjust_gamma: Gamma should be"):
        image.adjust_gamma(RGB, -1.0)
    with pytest.raises(ValueError, match="ember.image.adjust_contrast: 'images' must be at "
                                         "least three-dimensional"):
        image.adjust_contrast(RGB[0], 2.0)
    with pytest.raises(ValueError, match="ember.image.grayscale_to_rgb: the last axis"):
        image.grayscale_to_rgb(RGB)
