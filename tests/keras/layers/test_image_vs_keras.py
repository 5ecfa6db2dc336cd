"""Image-shaped layers against real Keras 3 (fixtures from make_image_fixtures.py).

Ember rebuilds each layer from Keras's own config, loads Keras's weights and must give
Keras's outputs to 1e-5: up-sampling (nearest, bilinear, bicubic, lanczos, area),
padding, cropping, spatial/alpha dropout at inference, group and RMS normalization,
resizing and center crops, and the augmentation layers with degenerate (constant)
random ranges. Flips are checked against the set of flips Keras allows; the affine warp
and ``smart_resize`` against Keras's image ops.
"""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fixtures"))
from keras_fixture_lib import HERE, check_case, keras_version, load_cases

import ember
from ember import keras
from ember.keras.layers.preprocessing.image import image_ops

FIXTURE = HERE / "image.npz"
CASES = load_cases(FIXTURE)
LAYER_CASES = {n: c for n, c in CASES.items() if "class_name" in c}
FLIP_TRAIN = sorted(n for n, c in LAYER_CASES.items()
                    if c["class_name"] == "RandomFlip" and c["call_kwargs"].get("training"))
EXACT = sorted(n for n in LAYER_CASES if n not in FLIP_TRAIN)
AFFINE = sorted(n for n, c in CASES.items() if c.get("function") == "affine_transform")
SMART = sorted(n for n, c in CASES.items() if c.get("function") == "smart_resize")

WEIGHT_NAMES = {"RMSNormalization": ["scale"]}


def _jsonish(value):
    if isinstance(value, dict):
        return {k: _jsonish(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonish(v) for v in value]
    return value


def test_fixture_is_from_keras_3():
    assert keras_version(FIXTURE).startswith("3.")


def test_every_layer_class_is_covered():
    covered = {c["class_name"] for c in LAYER_CASES.values()}
    wanted = {f"{kind}{n}D" for kind in ("UpSampling", "ZeroPadding", "Cropping",
                                          "SpatialDropout") for n in (1, 2, 3)}
    wanted |= {"AlphaDropout", "GroupNormalization", "RMSNormalization", "Resizing",
               "CenterCrop", "RandomFlip", "RandomRotation", "RandomZoom",
               "RandomTranslation", "RandomContrast", "RandomBrightness", "RandomCrop"}
    assert wanted <= covered, sorted(wanted - covered)
    interpolations = {c["config"]["interpolation"] for c in LAYER_CASES.values()
                      if c["class_name"] in ("UpSampling2D", "Resizing")}
    assert set(image_ops.RESIZE_INTERPOLATIONS) <= interpolations
    fills = {c["config"]["fill_mode"] for c in LAYER_CASES.values()
             if c["class_name"] == "RandomRotation"}
    assert fills == {"reflect", "wrap", "constant", "nearest"}


@pytest.mark.parametrize("name", EXACT)
def test_matches_keras(name):
    check_case(LAYER_CASES[name])


@pytest.mark.parametrize("name", sorted(LAYER_CASES))
def test_config_and_weight_layout(name):
    """Same config back out (as JSON stores it), same weight names and shapes."""
    case = LAYER_CASES[name]
    layer = getattr(keras.layers, case["class_name"]).from_config(case["config"])
    layer(case["inputs"][0], **case["call_kwargs"])
    assert [tuple(w.shape) for w in layer.weights] == [w.shape for w in case["weights"]]
    if case["class_name"] == "GroupNormalization":
        cfg = case["config"]
        want = ["gamma"] * cfg["scale"] + ["beta"] * cfg["center"]
        assert [w.name for w in layer.weights] == want
    elif case["weights"]:
        assert [w.name for w in layer.weights] == WEIGHT_NAMES[case["class_name"]]
    assert _jsonish(layer.get_config()) == case["config"]


def _allowed_flips(x, mode, data_format):
    h, w = (2, 3) if data_format == "channels_first" else (1, 2)
    flipped = {"horizontal": np.flip(x, w), "vertical": np.flip(x, h),
               "horizontal_and_vertical": np.flip(np.flip(x, w), h)}[mode]
    return x, flipped


@pytest.mark.parametrize("name", FLIP_TRAIN)
def test_flip_training_picks_one_of_the_flips_keras_allows(name):
    case = LAYER_CASES[name]
    x, want = case["inputs"][0], case["outputs"][0]
    cfg = case["config"]
    same, flipped = _allowed_flips(x, cfg["mode"], cfg["data_format"])
    layer = keras.layers.RandomFlip.from_config(cfg)
    got = layer(x, training=True).numpy()
    for i in range(x.shape[0]):
        # Keras's own choice is one of the two, and so is Ember's
        assert np.array_equal(want[i], same[i]) or np.array_equal(want[i], flipped[i])
        assert np.array_equal(got[i], same[i]) or np.array_equal(got[i], flipped[i])


@pytest.mark.parametrize("name", AFFINE)
def test_affine_transform_matches_keras(name):
    case = CASES[name]
    images, transform = case["inputs"]
    got = image_ops.affine_transform(images, transform, **case["kwargs"]).numpy()
    np.testing.assert_allclose(got, case["outputs"][0], atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", AFFINE[:4])
def test_affine_transform_channels_first_and_unbatched(name):
    case = CASES[name]
    images, transform = case["inputs"]
    want = case["outputs"][0]
    got = image_ops.affine_transform(np.transpose(images, (0, 3, 1, 2)), transform,
                                     data_format="channels_first", **case["kwargs"])
    np.testing.assert_allclose(np.transpose(got.numpy(), (0, 2, 3, 1)), want, atol=1e-5)
    single = image_ops.affine_transform(images[1], transform[1], **case["kwargs"])
    np.testing.assert_allclose(single.numpy(), want[1], atol=1e-5)


@pytest.mark.parametrize("name", SMART)
def test_random_crop_inference_is_keras_smart_resize(name):
    case = CASES[name]
    images, want = case["inputs"][0], case["outputs"][0]
    height, width = case["kwargs"]["size"]
    np.testing.assert_allclose(image_ops.smart_resize(images, (height, width)).numpy(),
                               want, atol=1e-5)
    layer = keras.layers.RandomCrop(height, width, seed=1)
    np.testing.assert_allclose(layer(images, training=False).numpy(), want, atol=1e-5)


def test_resize_uint8_keeps_dtype_like_keras():
    case = LAYER_CASES["resize_uint8"]
    layer = keras.layers.Resizing.from_config(case["config"])
    out = layer(ember.constant(case["inputs"][0]))
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), case["outputs"][0])
