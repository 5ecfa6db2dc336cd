"""keras.utils.image_dataset_from_directory: pixels, specs, labels and file order as
Keras 3.15 (on TensorFlow) gives them for the same files (values recorded from Keras).

Decoding needs Pillow (an optional dependency): those tests skip without it; the
argument checks and the missing-Pillow error are tested either way."""
import importlib.util
import os
import sys

import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.utils import image_decode

f = keras.utils.image_dataset_from_directory
needs_pil = pytest.mark.skipif(importlib.util.find_spec("PIL") is None,
                               reason="Pillow not installed")

# relative path: (height, width, channels, pattern step)
IMAGES = {"cat/a.png": (5, 7, 3, 7), "cat/b.bmp": (6, 9, 3, 13), "cat/g.png": (4, 4, 1, 29),
          "dog/a.png": (4, 6, 4, 5), "dog/c.png": (3, 8, 3, 17)}


def _pattern(h, w, c, k):
    return ((np.arange(h * w * c).reshape(h, w, c) * k + 11) % 256).astype(np.uint8)


@pytest.fixture
def root(tmp_path):
    if importlib.util.find_spec("PIL") is None:
        pytest.skip("Pillow not installed")
    from PIL import Image
    for rel, (h, w, c, k) in IMAGES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        a = _pattern(h, w, c, k)
        mode = {1: "L", 3: "RGB", 4: "RGBA"}[c]
        Image.fromarray(a[..., 0] if c == 1 else a, mode).save(
            str(path), format="BMP" if rel.endswith("bmp") else "PNG")
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    return str(tmp_path)


def _check(ds, expected):
    """``expected``: per image (shape, dtype, sum, first four values, labels...)."""
    got = list(ds.as_numpy_iterator())
    assert len(got) == len(expected)
    for element, (shape, dtype, total, head, *labels) in zip(got, expected):
        element = element if isinstance(element, tuple) else (element,)
        x = element[0]
        assert x.shape == shape and x.dtype == np.dtype(dtype)
        np.testing.assert_allclose(x.astype("float64").sum(), total, rtol=1e-5)
        np.testing.assert_allclose(x.reshape(-1)[:4], head, rtol=1e-4, atol=1e-3)
        assert [y.tolist() for y in element[1:]] == labels


def test_rgb_bilinear(root, capsys):
    ds = f(root, shuffle=False, batch_size=None, image_size=(4, 6))
    assert capsys.readouterr().out == "Found 5 files belonging to 2 classes.\n"
    assert ds.element_spec == (ember.TensorSpec((4, 6, 3), ember.float32),
                               ember.TensorSpec((), ember.int32))
    assert ds.class_names == ["cat", "dog"]
    assert [os.path.relpath(p, root) for p in ds.file_paths] == list(IMAGES)
    _check(ds, [((4, 6, 3), "float32", 8888.0, [31.125, 38.125, 45.125, 55.625], 0),
                ((4, 6, 3), "float32", 8796.0, [44.5, 57.5, 70.5, 103.0], 0),
                ((4, 6, 3), "float32", 8388.0, [11.0, 11.0, 11.0, 25.5], 0),
                ((4, 6, 3), "float32", 8752.0, [11.0, 16.0, 21.0, 31.0], 1),
                ((4, 6, 3), "float32", 8900.0, [19.5, 36.5, 53.5, 87.5], 1)])


def test_grayscale_from_colour_uses_libpng_weights(root):
    ds = f(root, shuffle=False, batch_size=None, image_size=(3, 3), color_mode="grayscale",
           label_mode="categorical", class_names=["dog"], verbose=False)
    assert ds.element_spec == (ember.TensorSpec((3, 3, 1), ember.float32),
                               ember.TensorSpec((1,), ember.float32))
    _check(ds, [((3, 3, 1), "float32", 1078.333, [45.0, 85.0, 125.0, 96.0], [1.0]),
                ((3, 3, 1), "float32", 1227.833, [66.5, 202.5, 82.5, 218.5], [1.0])])


def test_grayscale_bmp_decodes(root):
    """TensorFlow refuses one-channel BMP decoding; Ember converts it like PNG."""
    ds = f(root, shuffle=False, batch_size=None, image_size=(6, 9), color_mode="grayscale",
           interpolation="nearest", verbose=False)
    bmp = [x for x, _ in ds.as_numpy_iterator()][1]
    rgb = _pattern(6, 9, 3, 13).astype(np.uint32)
    expected = (rgb @ np.array([9797, 19234, 3737], np.uint32)) >> 15
    np.testing.assert_array_equal(bmp[..., 0], expected)


def test_rgba_nearest_keeps_uint8(root):
    ds = f(root, shuffle=False, batch_size=None, image_size=(2, 5), color_mode="rgba",
           interpolation="nearest", label_mode="binary", verbose=False)
    assert ds.element_spec == (ember.TensorSpec((2, 5, 4), ember.uint8),
                               ember.TensorSpec((1,), ember.float32))
    _check(ds, [((2, 5, 4), "uint8", 6632, [158, 165, 172, 255], [0.0]),
                ((2, 5, 4), "uint8", 6627, [106, 119, 132, 255], [0.0]),
                ((2, 5, 4), "uint8", 7392, [127, 127, 127, 255], [0.0]),
                ((2, 5, 4), "uint8", 7300, [131, 136, 141, 146], [1.0]),
                ((2, 5, 4), "uint8", 5778, [11, 28, 45, 255], [1.0])])


def test_crop_to_aspect_ratio_bicubic_without_labels(root):
    ds = f(root, shuffle=False, batch_size=None, image_size=(3, 3), labels=None,
           crop_to_aspect_ratio=True, interpolation="bicubic", verbose=False)
    assert ds.class_names is None
    _check(ds, [((3, 3, 3), "float32", 3262.185, [81.3155, 88.3155, 95.3155, 118.2529]),
                ((3, 3, 3), "float32", 3441.623, [112.263, 125.263, 146.2353, 133.9118]),
                ((3, 3, 3), "float32", 3141.358, [26.2674, 26.2674, 26.2674, 69.4437]),
                ((3, 3, 3), "float32", 3186.0, [48.242, 53.242, 58.242, 76.1804]),
                ((3, 3, 3), "float32", 3615.0, [113.0, 130.0, 147.0, 164.0])])


def test_pad_to_aspect_ratio_channels_first(root):
    ds = f(root, shuffle=False, batch_size=None, image_size=(4, 4), pad_to_aspect_ratio=True,
           data_format="channels_first", verbose=False)
    assert ds.element_spec[0] == ember.TensorSpec((3, 4, 4), ember.float32)
    _check(ds, [((3, 4, 4), "float32", 3192.0, [129.125, 165.875, 202.625, 47.375], 0),
                ((3, 4, 4), "float32", 3428.0, [130.375, 218.125, 49.875, 137.625], 0),
                ((3, 4, 4), "float32", 5592.0, [11.0, 40.0, 69.0, 98.0], 0),
                ((3, 4, 4), "float32", 2928.0, [76.0, 106.0, 136.0, 166.0], 1),
                ((3, 4, 4), "float32", 1614.0, [0.0, 0.0, 0.0, 0.0], 1)])


def test_batches_split_and_seeded_file_order(root):
    ds = f(root, seed=5, image_size=(2, 2), batch_size=2, verbose=False)
    assert ds.element_spec == (ember.TensorSpec((None, 2, 2, 3), ember.float32),
                               ember.TensorSpec((None,), ember.int32))
    assert len(ds) == 3
    assert [os.path.relpath(p, root) for p in ds.file_paths] == [
        "dog/c.png", "cat/a.png", "cat/b.bmp", "cat/g.png", "dog/a.png"]
    train, val = f(root, validation_split=0.4, subset="both", seed=3, image_size=(2, 2),
                   verbose=False)
    assert [os.path.relpath(p, root) for p in train.file_paths] == [
        "dog/a.png", "dog/c.png", "cat/b.bmp"]
    assert [os.path.relpath(p, root) for p in val.file_paths] == ["cat/a.png", "cat/g.png"]
    images, labels = next(iter(val))
    assert isinstance(images, ember.Tensor) and tuple(images.shape) == (2, 2, 2, 3)
    assert labels.numpy().tolist() == [0, 0]


def test_fits_a_model(root):
    ds = f(root, seed=1, image_size=(4, 4), batch_size=2, verbose=False)
    model = keras.Sequential([keras.Input((4, 4, 3)), keras.layers.Rescaling(1 / 255),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile(optimizer="sgd",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert np.isfinite(model.fit(ds, epochs=1, verbose=0).history["loss"][0])


@pytest.mark.parametrize("kwargs, message", [
    ({"color_mode": "rgbx"}, '`color_mode` must be one of {"rgb", "rgba", "grayscale"}'),
    ({"image_size": (1, 2, 3)}, "Invalid `image_size` value"),
    ({"image_size": "ab"}, "Invalid `image_size` value"),
    ({"interpolation": "foo"}, "Argument `interpolation` should be one of"),
    ({"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, "Only one of"),
    ({"labels": "x"}, ("`labels` argument should be a list/tuple of integer labels, of the "
                       "same size as the number of image files")),
    ({"label_mode": "x"}, "`label_mode` argument must be one of"),
    ({"validation_split": 0.5, "subset": "training"}, "you must provide a `seed`"),
])
def test_argument_errors_need_no_files(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        f(str(tmp_path), verbose=False, **kwargs)


def test_missing_pillow_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"needs Pillow .* pip install \"ember\[images\]\""):
        f(str(tmp_path), verbose=False)
    with pytest.raises(ImportError, match="keras.utils.load_img needs Pillow"):
        keras.utils.load_img(str(tmp_path / "x.png"))


@needs_pil
def test_no_images(tmp_path):
    (tmp_path / "a").mkdir()
    with pytest.raises(ValueError, match="No images found in directory .* Allowed formats: "
                                         r"\('.bmp', '.gif', '.jpeg', '.jpg', '.png'\)"):
        f(str(tmp_path), verbose=False)


def test_gray_weights_are_libpng_fixed_point():
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 200, 200]]], np.uint8)
    assert image_decode._to_gray(rgb)[0, :, 0].tolist() == [76, 149, 29, 200]
