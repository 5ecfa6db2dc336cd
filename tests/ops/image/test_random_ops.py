"""Random augmentations: repeatable with ember.random.set_seed / op seeds / stateless
seeds, results drawn from the right sets, TensorFlow's argument checks."""
import numpy as np
import pytest

import ember
from ember import image

X = np.random.default_rng(0).random((6, 3, 4, 3)).astype(np.float32)


def _twice(fn):
    ember.random.set_seed(11)
    a = fn().numpy()
    ember.random.set_seed(11)
    b = fn().numpy()
    return a, b


STATEFUL = {
    "random_flip_left_right": lambda: image.random_flip_left_right(X),
    "random_flip_up_down": lambda: image.random_flip_up_down(X[0]),
    "random_crop": lambda: image.random_crop(X, [2, 2, 3, 3]),
    "random_brightness": lambda: image.random_brightness(X, 0.3),
    "random_contrast": lambda: image.random_contrast(X, 0.2, 1.8),
    "random_saturation": lambda: image.random_saturation(X, 0.2, 1.8),
    "random_hue": lambda: image.random_hue(X, 0.4),
}


@pytest.mark.parametrize("name", list(STATEFUL))
def test_repeatable_after_set_seed(name):
    a, b = _twice(STATEFUL[name])
    np.testing.assert_array_equal(a, b)


STATELESS = {
    "flip_left_right": lambda s: image.stateless_random_flip_left_right(X, s),
    "flip_up_down": lambda s: image.stateless_random_flip_up_down(X, s),
    "crop": lambda s: image.stateless_random_crop(X, [2, 2, 3, 3], s),
    "brightness": lambda s: image.stateless_random_brightness(X, 0.3, s),
    "contrast": lambda s: image.stateless_random_contrast(X, 0.2, 1.8, s),
    "saturation": lambda s: image.stateless_random_saturation(X, 0.2, 1.8, s),
    "hue": lambda s: image.stateless_random_hue(X, 0.4, s),
}


@pytest.mark.parametrize("name", list(STATELESS))
def test_stateless_is_a_function_of_the_seed(name):
    fn = STATELESS[name]
    np.testing.assert_array_equal(fn([3, 4]).numpy(), fn([3, 4]).numpy())
    outs = {fn([k, 7]).numpy().tobytes() for k in range(6)}
    assert len(outs) > 1


def test_flips_are_per_image():
    flips = set()
    for k in range(4):
        out = image.stateless_random_flip_left_right(X, [k, 1]).numpy()
        for i in range(len(X)):
            if np.array_equal(out[i], X[i, :, ::-1]):
                flips.add((k, i, True))
            else:
                np.testing.assert_array_equal(out[i], X[i])
                flips.add((k, i, False))
    assert {f[2] for f in flips} == {True, False}
    one = image.random_flip_up_down(X[0], seed=5).numpy()
    assert np.array_equal(one, X[0]) or np.array_equal(one, X[0, ::-1])


def test_amounts_in_range():
    for k in range(5):
        out = image.stateless_random_brightness(np.zeros((2, 2, 1), np.float32), 0.3, [k, 0])
        delta = float(out.numpy()[0, 0, 0])
        assert -0.3 <= delta < 0.3
        np.testing.assert_array_equal(out.numpy(), delta)
        crop = image.stateless_random_crop(np.arange(10), [4], [k, 0]).numpy()
        assert crop.tolist() == list(range(crop[0], crop[0] + 4))
    u8 = (X * 255).astype(np.uint8)
    assert image.random_brightness(u8, 0.2, seed=1).dtype == ember.uint8


def test_errors():
    with pytest.raises(ValueError, match="ember.image.random_brightness: max_delta must be "
                                         "non-negative"):
        image.random_brightness(X, -0.1)
    with pytest.raises(ValueError, match="ember.image.random_hue: max_delta must be <= 0.5"):
        image.random_hue(X, 0.6)
    with pytest.raises(ValueError, match="ember.image.random_contrast: upper must be > lower"):
        image.random_contrast(X, 1.0, 1.0)
    with pytest.raises(ValueError, match="ember.image.random_crop: Need value.shape >= size"):
        image.random_crop(X, [7, 3, 4, 3])
    with pytest.raises(ValueError, match="ember.image.stateless_random_saturation: a "
                                         "stateless op needs a seed"):
        image.stateless_random_saturation(X, 0.5, 1.5)
