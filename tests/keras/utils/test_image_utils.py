"""keras.utils img_to_array / array_to_img / load_img / save_img and
keras.preprocessing.image.smart_resize, against values recorded from Keras 3.15 (the
Pillow-backed ones skip without Pillow)."""
import importlib.util
import io
import warnings

import numpy as np
import pytest

import ember
from ember import keras

image = keras.utils
needs_pil = pytest.mark.skipif(importlib.util.find_spec("PIL") is None,
                               reason="Pillow not installed")


def test_img_to_array_layouts_and_dtype():
    gray = np.arange(8).reshape(2, 4)
    assert image.img_to_array(gray).shape == (2, 4, 1)
    assert image.img_to_array(gray, data_format="channels_first").shape == (1, 2, 4)
    rgb = image.img_to_array(np.zeros((2, 4, 3)), data_format="channels_first",
                             dtype="uint8")
    assert rgb.shape == (3, 2, 4) and rgb.dtype == np.uint8
    assert image.img_to_array(ember.zeros((2, 2, 3))).dtype == np.float32
    with pytest.raises(ValueError, match=r"Unsupported image shape: \(2, 2, 2, 2\)"):
        image.img_to_array(np.zeros((2, 2, 2, 2)))


@needs_pil
def test_array_to_img_modes_and_scaling():
    img = image.array_to_img(np.arange(24, dtype="float32").reshape(2, 4, 3))
    assert (img.mode, img.size) == ("RGB", (4, 2))
    assert np.asarray(img)[..., 0].tolist() == [[0, 33, 66, 99], [133, 166, 199, 232]]
    big = image.array_to_img(np.arange(8).reshape(2, 4, 1) * 100, scale=False)
    assert big.mode == "I" and np.asarray(big).tolist() == [[0, 100, 200, 300],
                                                             [400, 500, 600, 700]]
    cf = image.array_to_img(np.arange(8).reshape(1, 2, 4), data_format="channels_first",
                            scale=False)
    assert cf.mode == "L" and np.asarray(cf).tolist() == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert image.array_to_img(np.zeros((2, 2, 4))).mode == "RGBA"
    with pytest.raises(ValueError, match="Expected image array to have rank 3"):
        image.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Unsupported channel number: 2"):
        image.array_to_img(np.zeros((2, 2, 2)))


@needs_pil
def test_save_and_load_round_trip(tmp_path):
    path = str(tmp_path / "x.png")
    image.save_img(path, np.arange(12, dtype="float32").reshape(2, 2, 3))
    loaded = image.load_img(path)
    assert (loaded.mode, loaded.size) == ("RGB", (2, 2))
    assert image.img_to_array(loaded, dtype="uint8").tolist() == [
        [[0, 23, 46], [69, 92, 115]], [[139, 162, 185], [208, 231, 255]]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        image.save_img(str(tmp_path / "x.jpg"), np.ones((2, 2, 4)) * 50, scale=False)
    assert any("JPEG format does not support RGBA" in str(w.message) for w in caught)
    assert image.load_img(str(tmp_path / "x.jpg"), color_mode="rgba").mode == "RGBA"
    with open(path, "rb") as f:
        assert image.load_img(io.BytesIO(f.read()), color_mode="grayscale").mode == "L"


@needs_pil
def test_load_img_resizes_like_keras(tmp_path):
    from PIL import Image
    a = ((np.arange(6 * 9 * 3).reshape(6, 9, 3) * 13 + 11) % 256).astype(np.uint8)
    path = str(tmp_path / "b.bmp")
    Image.fromarray(a).save(path)
    g = image.load_img(path, color_mode="grayscale", target_size=(3, 4))
    assert g.mode == "L" and g.size == (4, 3)
    assert np.asarray(g).tolist() == [[156, 234, 56, 134], [90, 168, 216, 68],
                                      [24, 102, 180, 78]]
    kept = image.load_img(path, target_size=(3, 3), keep_aspect_ratio=True,
                          interpolation="bilinear")
    assert np.asarray(kept)[..., 0].tolist() == [[120, 124, 134], [132, 130, 128],
                                                 [125, 135, 139]]


@needs_pil
def test_load_img_errors(tmp_path):
    path = str(tmp_path / "x.png")
    image.save_img(path, np.zeros((4, 4, 3)))
    with pytest.raises(ValueError, match='color_mode must be "grayscale", "rgb", or "rgba"'):
        image.load_img(path, color_mode="x")
    with pytest.raises(ValueError, match="Invalid interpolation method x specified"):
        image.load_img(path, target_size=(2, 2), interpolation="x")
    with pytest.raises(TypeError, match="path should be path-like or io.BytesIO"):
        image.load_img(3)


def test_smart_resize_values_dtypes_and_types():
    from ember.keras.preprocessing.image import smart_resize
    x = np.arange(12, dtype="float32").reshape(2, 6, 1)
    out = smart_resize(x, (2, 2))
    assert isinstance(out, np.ndarray) and out[..., 0].tolist() == [[2.0, 3.0], [8.0, 9.0]]
    assert smart_resize(x.astype("uint8"), (2, 2)).dtype == np.float32
    batch = smart_resize(np.arange(24, dtype="float64").reshape(2, 2, 6, 1), (3, 3),
                         interpolation="nearest")
    assert batch.dtype == np.float64 and batch.shape == (2, 3, 3, 1)
    assert batch[0, ..., 0].tolist() == [[2.0, 3.0, 3.0], [8.0, 9.0, 9.0], [8.0, 9.0, 9.0]]
    cf = smart_resize(ember.ones((1, 4, 6)), (2, 2), data_format="channels_first")
    assert isinstance(cf, ember.Tensor) and tuple(cf.shape) == (1, 2, 2)


def test_smart_resize_errors():
    from ember.keras.preprocessing.image import smart_resize
    with pytest.raises(ValueError, match="but got input with incorrect rank"):
        smart_resize(np.zeros((2, 2)), (2, 2))
    with pytest.raises(ValueError, match="Expected `size` to be a tuple of 2 integers"):
        smart_resize(np.zeros((2, 2, 2)), (2,))
    with pytest.raises(TypeError, match=r"unexpected keyword arguments: \['foo'\]"):
        smart_resize(np.zeros((2, 2, 2)), (2, 2), foo=1)
