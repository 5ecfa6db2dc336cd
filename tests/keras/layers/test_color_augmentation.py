"""RandomGrayscale, RandomInvert, Solarization, RandomSaturation, RandomHue,
RandomColorDegeneration and AutoContrast: NumPy references at deterministic factor
settings (values and dtypes as observed in Keras 3.15), inference pass-through, seeded
repeatability and config round trips."""
import numpy as np
import pytest

from ember import keras
from ember.keras.layers.preprocessing.image.auto_contrast import AutoContrast
from ember.keras.layers.preprocessing.image.random_color_degeneration import RandomColorDegeneration
from ember.keras.layers.preprocessing.image.random_grayscale import RandomGrayscale
from ember.keras.layers.preprocessing.image.random_hue import RandomHue
from ember.keras.layers.preprocessing.image.random_invert import RandomInvert
from ember.keras.layers.preprocessing.image.random_saturation import RandomSaturation
from ember.keras.layers.preprocessing.image.solarization import Solarization

X = (np.random.RandomState(0).rand(2, 3, 4, 3) * 255).astype("float32")
GRAY_W = np.array([0.2989, 0.5870, 0.1140], "float32")


def _gray(x):
    return np.repeat((x @ GRAY_W)[..., None], 3, axis=-1)


def _np(layer, x, training=True):
    return np.asarray(layer(x, training=training))


def test_grayscale_all_or_none_keeps_dtype():
    np.testing.assert_allclose(_np(RandomGrayscale(1.0), X), _gray(X), rtol=1e-5)
    np.testing.assert_array_equal(_np(RandomGrayscale(0.0), X), X)
    u8 = X.astype("uint8")
    out = _np(RandomGrayscale(1.0), u8)
    assert out.dtype == np.uint8  # Keras truncates back to the input dtype
    np.testing.assert_array_equal(out[0, 0, 0], [165, 165, 165])
    cf = _np(RandomGrayscale(1.0, data_format="channels_first"), X.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(cf, _gray(X).transpose(0, 3, 1, 2), rtol=1e-5)
    assert _np(RandomGrayscale(1.0), X[..., :1]).shape == (2, 3, 4, 1)
    with pytest.raises(ValueError, match="factor"):
        RandomGrayscale(1.5)


def test_invert_and_solarization_at_fixed_factors():
    np.testing.assert_allclose(_np(RandomInvert((1, 1)), X), 255 - X, rtol=1e-6)
    # Keras inverts to value_range[1] - x without checking the range of the images.
    np.testing.assert_allclose(_np(RandomInvert((1, 1), value_range=(0, 1)), X), 1 - X,
                               rtol=1e-6)
    assert _np(RandomInvert((1, 1)), X.astype("uint8")).dtype == np.float32
    np.testing.assert_array_equal(_np(RandomInvert((0, 0)), X), X)
    np.testing.assert_allclose(_np(Solarization(), X), 255 - X, rtol=1e-6)
    unit = X / 255
    np.testing.assert_allclose(_np(Solarization(value_range=(0, 1)), unit), 1 - unit,
                               atol=1e-6)
    # threshold 0.6 * 255 = 153 and addition 0.1 * 255 = 25.5: clipped, then inverted
    # above the threshold.
    sol = Solarization(addition_factor=(0.1, 0.1), threshold_factor=(0.6, 0.6))
    shifted = np.clip(X + 25.5, 0, 255)
    np.testing.assert_allclose(_np(sol, X), np.where(shifted < 153, shifted, 255 - shifted),
                               rtol=1e-5, atol=1e-4)
    out = _np(Solarization(), X.astype("uint8"), training=False)
    assert out.dtype == np.float32  # Keras casts even at inference
    with pytest.raises(ValueError, match="addition_factor"):
        Solarization(addition_factor=2)


def test_saturation_and_hue_at_fixed_factors():
    gray = np.repeat(X.max(axis=-1, keepdims=True), 3, axis=-1)
    np.testing.assert_allclose(_np(RandomSaturation((0.0, 0.0)), X), gray, rtol=1e-6)
    np.testing.assert_allclose(_np(RandomSaturation((0.5, 0.5)), X), X, rtol=1e-4)
    full = _np(RandomSaturation((1.0, 1.0), value_range=(0, 1)), X / 255)
    np.testing.assert_allclose(full.min(axis=-1), 0, atol=1e-6)  # saturation 1
    np.testing.assert_allclose(full.max(axis=-1), X.max(axis=-1) / 255, rtol=1e-5)
    assert _np(RandomSaturation((0.5, 0.5)), X.astype("uint8")).dtype == np.float32
    np.testing.assert_allclose(_np(RandomHue((0.0, 0.0)), X), X, rtol=1e-5, atol=1e-3)
    # A hue shift of +-1/2 turn maps (r, g, b) to (v + m - r, ...) for this pure colour.
    red = np.array([[[[200.0, 50.0, 50.0]]]], "float32")
    np.testing.assert_allclose(_np(RandomHue((1.0, 1.0)), red), [[[[50, 200, 200]]]],
                               atol=1e-3)
    with pytest.raises(ValueError, match="factor"):
        RandomHue(1.5)


def test_color_degeneration_and_auto_contrast():
    np.testing.assert_allclose(_np(RandomColorDegeneration((1, 1)), X), _gray(X),
                               rtol=1e-5)
    np.testing.assert_allclose(_np(RandomColorDegeneration((0.5, 0.5)), X),
                               (X + _gray(X)) / 2, rtol=1e-5)
    low = X.min(axis=(1, 2), keepdims=True)
    high = X.max(axis=(1, 2), keepdims=True)
    expected = (X - low) * (255 / (high - low))
    for training in (True, False):  # not random: also at inference
        np.testing.assert_allclose(_np(AutoContrast(), X, training), expected, rtol=1e-4,
                                   atol=1e-3)
    cf = _np(AutoContrast(data_format="channels_first"), X.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(cf, expected.transpose(0, 3, 1, 2), rtol=1e-4, atol=1e-3)
    assert _np(AutoContrast(), X.astype("uint8")).dtype == np.float32
    const = np.full((1, 2, 2, 3), 5.0, "float32")
    np.testing.assert_array_equal(_np(AutoContrast(), const), const)
    with pytest.raises(ValueError, match="value_range"):
        AutoContrast(value_range=5)


LAYERS = [lambda s: RandomGrayscale(0.5, seed=s), lambda s: RandomInvert(seed=s),
          lambda s: Solarization((0, 0.5), (0, 0.5), seed=s),
          lambda s: RandomSaturation(0.5, seed=s), lambda s: RandomHue(0.5, seed=s),
          lambda s: RandomColorDegeneration(0.5, seed=s), lambda s: AutoContrast()]


@pytest.mark.parametrize("make", LAYERS)
def test_inference_seed_repeatability_and_config(make):
    layer = make(7)
    big = np.tile(X, (4, 1, 1, 1))
    if not isinstance(layer, (AutoContrast, Solarization)):
        for x in (big, big.astype("uint8")):
            out = _np(layer, x, training=False)
            assert out.dtype == x.dtype
            np.testing.assert_array_equal(out, x)
    first = _np(make(7), big)
    np.testing.assert_array_equal(first, _np(make(7), big))
    assert first.shape == big.shape and first.dtype == np.float32
    assert not np.allclose(first, big)  # something was transformed
    assert _np(layer, X[0]).shape == X[0].shape  # a single image
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    assert tuple(clone(keras.Input((3, 4, 3))).shape) == (None, 3, 4, 3)
