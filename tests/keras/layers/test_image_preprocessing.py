"""Image preprocessing layers and image_ops: shapes, inference behaviour, invariants of
the random transforms in training, seeds, configs, dict inputs and errors. (Exact pixel
values against Keras are in test_image_vs_keras.py.)"""
import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.layers.preprocessing.image import image_ops

L = keras.layers
RANDOM_LAYERS = [
    lambda: L.RandomFlip(seed=1),
    lambda: L.RandomRotation(0.2, seed=1),
    lambda: L.RandomZoom(0.2, seed=1),
    lambda: L.RandomTranslation(0.2, 0.1, seed=1),
    lambda: L.RandomContrast(0.4, value_range=(0, 1), seed=1),
    lambda: L.RandomBrightness(0.2, value_range=(0, 1), seed=1),
]


@pytest.fixture
def images(rng):
    return rng.uniform(0, 1, (8, 6, 5, 2)).astype("float32")


# -- image_ops ----------------------------------------------------------------------------
@pytest.mark.parametrize("interpolation", image_ops.RESIZE_INTERPOLATIONS)
@pytest.mark.parametrize("antialias", [False, True])
def test_resize_taps_are_normalized_and_paths_agree(interpolation, antialias, rng):
    for n_in, n_out in [(5, 13), (40, 7), (6, 6)]:
        idx, w = image_ops.resize_taps(n_in, n_out, interpolation, antialias)
        assert idx.shape == w.shape and idx.min() >= 0 and idx.max() < n_in
        np.testing.assert_allclose(w.sum(1), 1.0, atol=1e-5)
        if interpolation == "nearest":
            continue
        x = ember.constant(rng.standard_normal((2, n_in, 3)).astype("float32"))
        a = image_ops.resize_axis(x, 1, n_out, interpolation, antialias, method="gather")
        b = image_ops.resize_axis(x, 1, n_out, interpolation, antialias, method="matmul")
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5)


def test_resize_keeps_constants_and_identity(rng):
    ones = np.full((1, 4, 7, 2), 3.0, "float32")
    for interpolation in image_ops.RESIZE_INTERPOLATIONS:
        out = image_ops.resize(ones, (9, 3), interpolation=interpolation)
        np.testing.assert_allclose(out.numpy(), 3.0, atol=1e-5)
    x = rng.standard_normal((2, 4, 5, 1)).astype("float32")
    for interpolation in ("bilinear", "nearest", "bicubic", "area"):
        np.testing.assert_array_equal(image_ops.resize(x, (4, 5), interpolation).numpy(), x)
    assert image_ops.resize(x.astype("float64"), (2, 2)).dtype == ember.float64
    assert image_ops.resize(x.astype("int32"), (2, 2)).dtype == ember.float32
    assert image_ops.resize(x.astype("int32"), (2, 2), "nearest").dtype == ember.int32


def test_affine_transform_basic_geometry(rng):
    x = rng.standard_normal((2, 4, 4, 3)).astype("float32")
    identity = np.array([1, 0, 0, 0, 1, 0, 0, 0], "float32")
    for fill in image_ops.FILL_MODES:
        out = image_ops.affine_transform(x, identity, "bilinear", fill)
        np.testing.assert_allclose(out.numpy(), x, atol=1e-6)
    shift = np.array([1, 0, -1, 0, 1, 0, 0, 0], "float32")     # content moves right
    out = image_ops.affine_transform(x, shift, "nearest", "constant", 9.0).numpy()
    np.testing.assert_array_equal(out[:, :, 1:], x[:, :, :-1])
    np.testing.assert_array_equal(out[:, :, 0], 9.0)
    out = image_ops.affine_transform(x, shift, "nearest", "wrap").numpy()
    np.testing.assert_array_equal(out, np.roll(x, 1, axis=2))
    out = image_ops.affine_transform(x, shift, "nearest", "nearest").numpy()
    np.testing.assert_array_equal(out[:, :, 0], x[:, :, 0])
    out = image_ops.affine_transform(x, shift, "nearest", "reflect").numpy()
    np.testing.assert_array_equal(out[:, :, 0], x[:, :, 0])
    with pytest.raises(ValueError, match="fill_mode"):
        image_ops.affine_transform(x, identity, fill_mode="mirror")
    with pytest.raises(ValueError, match="transform"):
        image_ops.affine_transform(x, np.ones((2, 6), "float32"))


def test_affine_transform_is_differentiable_in_the_images(rng):
    x = ember.Variable(rng.standard_normal((1, 4, 4, 1)))
    t = ember.constant([[0.9, 0.2, 0.3, -0.1, 1.1, 0.2, 0.0, 0.0]])
    w = ember.constant(rng.standard_normal((1, 4, 4, 1)))

    def f(v):
        return ember.reduce_sum(image_ops.affine_transform(v, t, fill_mode="reflect") * w)
    with ember.GradientTape() as tape:
        loss = f(x)
    grad = tape.gradient(loss, x).numpy()
    base, numeric = x.numpy(), np.zeros((1, 4, 4, 1))
    for idx in np.ndindex(base.shape):
        probe = base.copy()
        probe[idx] += 1e-6
        up = float(f(ember.constant(probe)))
        probe[idx] -= 2e-6
        numeric[idx] = (up - float(f(ember.constant(probe)))) / 2e-6
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)


# -- Resizing and CenterCrop --------------------------------------------------------------
def test_resizing_shapes_dtypes_and_symbolic(images):
    layer = L.Resizing(4, 7)
    assert tuple(layer(images).shape) == (8, 4, 7, 2)
    assert tuple(layer(images[0]).shape) == (4, 7, 2)
    assert layer(keras.Input(shape=(6, 5, 2))).shape == (None, 4, 7, 2)
    cf = L.Resizing(4, 7, data_format="channels_first")
    assert cf.compute_output_shape((None, 2, 6, 5)) == (None, 2, 4, 7)
    assert tuple(cf(np.transpose(images, (0, 3, 1, 2))).shape) == (8, 2, 4, 7)
    uint8 = (images * 255).astype("uint8")
    out = L.Resizing(3, 3, interpolation="area")(uint8)
    assert out.dtype == ember.uint8


def test_resizing_aspect_ratio_options(images):
    crop = L.Resizing(4, 4, crop_to_aspect_ratio=True, interpolation="nearest")
    assert tuple(crop(images).shape) == (8, 4, 4, 2)
    pad = L.Resizing(5, 10, pad_to_aspect_ratio=True, fill_value=7.0, interpolation="nearest")
    out = pad(images).numpy()
    assert out.shape == (8, 5, 10, 2)
    assert np.all(out[:, :, 0] == 7.0) and np.all(out[:, :, -1] == 7.0)
    with pytest.raises(ValueError, match="Only one of"):
        L.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="interpolation"):
        L.Resizing(2, 2, interpolation="cubic")


def test_resizing_gradient_step_lowers_loss(rng):
    x = ember.Variable(rng.uniform(0, 1, (1, 6, 6, 1)).astype("float32"))
    target = ember.constant(rng.uniform(0, 1, (1, 3, 4, 1)).astype("float32"))
    layer = L.Resizing(3, 4, interpolation="bicubic")
    losses = []
    for _ in range(5):
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean(ember.square(layer(x) - target))
        x.assign_sub(2.0 * tape.gradient(loss, x))
        losses.append(float(loss))
    assert losses[-1] < losses[0]


def test_center_crop_windows_and_small_inputs(images):
    out = L.CenterCrop(2, 3)(images).numpy()
    np.testing.assert_array_equal(out, images[:, 2:4, 1:4])
    small = L.CenterCrop(8, 4)(images).numpy()
    np.testing.assert_allclose(small, image_ops.smart_resize(images, (8, 4)).numpy())
    assert L.CenterCrop(2, 3).compute_output_shape((6, 5, 2)) == (2, 3, 2)
    assert L.CenterCrop(2, 3)(keras.Input(shape=(6, 5, 2))).shape == (None, 2, 3, 2)
    assert L.CenterCrop(2, 3)((images * 255).astype("uint8")).dtype == ember.float32


# -- the random layers --------------------------------------------------------------------
@pytest.mark.parametrize("make", RANDOM_LAYERS)
def test_random_layers_identity_at_inference_and_seeded(make, images):
    layer = make()
    np.testing.assert_array_equal(layer(images, training=False).numpy(), images)
    a = layer(images, training=True).numpy()
    assert a.shape == images.shape and not np.allclose(a, images)
    b = make()(images, training=True).numpy()
    np.testing.assert_array_equal(a, b)                         # same seed, same draws
    assert layer(keras.Input(shape=(6, 5, 2))).shape == (None, 6, 5, 2)
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    np.testing.assert_array_equal(clone(images, training=True).numpy(), b)


@pytest.mark.parametrize("make", RANDOM_LAYERS)
def test_random_layers_training_default_and_predict(make, images):
    """As in Keras: a direct call augments (training defaults to True), predict does not."""
    layer = make()
    assert not np.allclose(layer(images).numpy(), images)
    inp = keras.Input(shape=(6, 5, 2))
    model = keras.Model(inp, layer(inp))
    np.testing.assert_array_equal(model.predict(images, verbose=0), images)


def test_random_layers_repeatable_under_set_random_seed(images):
    outs = []
    for _ in range(2):
        keras.utils.set_random_seed(5)
        outs.append(L.RandomRotation(0.3)(images, training=True).numpy())
    np.testing.assert_array_equal(*outs)


@pytest.mark.parametrize("mode,data_format", [
    ("horizontal", "channels_last"), ("vertical", "channels_last"),
    ("horizontal_and_vertical", "channels_last"), ("horizontal", "channels_first")])
def test_random_flip_outputs_are_flips(mode, data_format, rng):
    x = rng.standard_normal((16, 3, 4, 2)).astype("float32")
    h, w = (2, 3) if data_format == "channels_first" else (1, 2)
    flipped = {"horizontal": np.flip(x, w), "vertical": np.flip(x, h),
               "horizontal_and_vertical": np.flip(np.flip(x, h), w)}[mode]
    y = L.RandomFlip(mode, seed=2, data_format=data_format)(x, training=True).numpy()
    same = np.array([np.array_equal(y[i], x[i]) for i in range(16)])
    flip = np.array([np.array_equal(y[i], flipped[i]) for i in range(16)])
    assert np.all(same | flip) and same.any() and flip.any()
    with pytest.raises(ValueError, match="mode"):
        L.RandomFlip("diagonal")


def test_random_rotation_geometry(rng):
    x = rng.standard_normal((2, 5, 5, 1)).astype("float32")
    quarter = L.RandomRotation((0.25, 0.25), interpolation="nearest")(x, training=True)
    np.testing.assert_allclose(quarter.numpy(), np.rot90(x, 1, axes=(1, 2)), atol=1e-6)
    none = L.RandomRotation(0.0)(x, training=True)
    np.testing.assert_allclose(none.numpy(), x, atol=1e-5)
    layer = L.RandomRotation(0.1)
    m = layer.rotation_matrix(ember.constant([90.0]), 5, 5).numpy()
    np.testing.assert_allclose(m[0, [0, 1, 3, 4]], [0, -1, 1, 0], atol=1e-6)
    with pytest.raises(NotImplementedError, match="fill_mode"):
        L.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(ValueError, match="factor"):
        L.RandomRotation(1.5)


def test_random_translation_integer_shift_and_zoom_identity(rng):
    x = rng.standard_normal((2, 4, 5, 1)).astype("float32")
    shift = L.RandomTranslation((0.25, 0.25), (-0.4, -0.4), fill_mode="wrap",
                                interpolation="nearest")(x, training=True).numpy()
    np.testing.assert_allclose(shift, np.roll(np.roll(x, 1, axis=1), -2, axis=2), atol=1e-6)
    same = L.RandomZoom(0.0, interpolation="nearest")(x, training=True).numpy()
    np.testing.assert_allclose(same, x, atol=1e-6)
    zoom_in = L.RandomZoom((-0.5, -0.5), interpolation="nearest")(
        np.ones((1, 4, 4, 1), "float32") * np.arange(4.0)[None, None, :, None],
        training=True).numpy()
    assert set(np.unique(zoom_in)) <= {0.0, 1.0, 2.0, 3.0}
    with pytest.raises(ValueError, match="height_factor"):
        L.RandomZoom(-1.0)
    with pytest.raises(ValueError, match="factor"):
        L.RandomTranslation(0.1, 1.2)


def test_random_contrast_keeps_means_and_range(rng):
    x = rng.uniform(0.4, 0.6, (8, 5, 6, 3)).astype("float32")
    y = L.RandomContrast(0.5, value_range=(0, 1), seed=3)(x, training=True).numpy()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), x.mean(axis=(1, 2)), atol=1e-5)
    centered_x = x - x.mean(axis=(1, 2), keepdims=True)
    centered_y = y - y.mean(axis=(1, 2), keepdims=True)
    ratio = np.abs(centered_y).sum(axis=(1, 2, 3)) / np.abs(centered_x).sum(axis=(1, 2, 3))
    assert np.all((ratio >= 1 - 1e-4) & (ratio <= 1.5 + 1e-4))    # factor in [1, 1.5]
    wide = L.RandomContrast((1.0, 1.0), value_range=(0, 1), seed=3)(
        rng.uniform(0, 1, (4, 5, 6, 3)).astype("float32"), training=True).numpy()
    assert wide.min() >= 0 and wide.max() <= 1
    assert L.RandomContrast(0.5).factor == (0, 0.5)
    with pytest.raises(ValueError, match="factor"):
        L.RandomContrast(1.5)


def test_random_brightness_shifts_each_image_and_clips(rng):
    x = rng.uniform(100, 150, (8, 4, 4, 3)).astype("float32")
    y = L.RandomBrightness(0.1, seed=4)(x, training=True).numpy()
    delta = (y - x).reshape(8, -1)
    np.testing.assert_allclose(delta, delta[:, :1].repeat(delta.shape[1], 1), atol=1e-4)
    assert np.all(np.abs(delta) <= 25.5 + 1e-4)
    clipped = L.RandomBrightness((0.9, 0.9), value_range=(0, 1))(
        rng.uniform(0.2, 1, (2, 3, 3, 1)).astype("float32"), training=True).numpy()
    np.testing.assert_array_equal(clipped, 1.0)
    ints = L.RandomBrightness(0.2, seed=1)(x.astype("uint8"), training=True)
    assert ints.dtype == ember.uint8
    assert L.RandomBrightness(0.1, value_range=(255, 0)).value_range == [0, 255]
    with pytest.raises(ValueError, match="value_range"):
        L.RandomBrightness(0.1, value_range=(0, 1, 2))


def test_random_crop_training_windows_and_inference(rng):
    x = rng.standard_normal((2, 7, 8, 1)).astype("float32")
    layer = L.RandomCrop(3, 4, seed=9)
    starts = set()
    for _ in range(8):
        y = layer(x, training=True).numpy()
        assert y.shape == (2, 3, 4, 1)
        hits = [(i, j) for i in range(5) for j in range(5) if
                np.array_equal(y, x[:, i:i + 3, j:j + 4])]
        assert len(hits) == 1
        starts.add(hits[0])
    assert len(starts) > 1
    np.testing.assert_allclose(layer(x, training=False).numpy(),
                               image_ops.smart_resize(x, (3, 4)).numpy())
    assert layer.compute_output_shape((None, 7, 8, 1)) == (None, 3, 4, 1)
    assert layer(keras.Input(shape=(7, 8, 1))).shape == (None, 3, 4, 1)
    assert isinstance(L.RandomCrop(2, 2).get_config()["seed"], int)
    clone = L.RandomCrop.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    unbatched = layer(x[0], training=True)
    assert tuple(unbatched.shape) == (3, 4, 1)


def test_random_crop_runs_in_a_compiled_fit(rng):
    inp = keras.Input(shape=(6, 6, 1))
    out = L.Dense(1)(L.Flatten()(L.RandomCrop(4, 4, seed=1)(L.RandomFlip(seed=1)(inp))))
    model = keras.Model(inp, out)
    model.compile(optimizer="sgd", loss="mse")
    x = rng.uniform(0, 1, (8, 6, 6, 1)).astype("float32")
    history = model.fit(x, np.zeros((8, 1), "float32"), epochs=2, batch_size=4, verbose=0)
    assert len(history.history["loss"]) == 2


def test_dict_inputs_transform_masks_and_pass_labels(rng):
    x = rng.uniform(0, 1, (2, 5, 5, 3)).astype("float32")
    masks = rng.integers(0, 3, (2, 5, 5, 1)).astype("float32")
    labels = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
    layer = L.RandomRotation((0.25, 0.25), interpolation="bilinear")
    out = layer({"images": x, "segmentation_masks": masks, "labels": labels},
                training=True)
    np.testing.assert_allclose(out["images"].numpy(), np.rot90(x, 1, axes=(1, 2)),
                               atol=1e-5)
    np.testing.assert_array_equal(out["segmentation_masks"].numpy(),
                                  np.rot90(masks, 1, axes=(1, 2)))
    np.testing.assert_array_equal(out["labels"].numpy(), labels)
    single = L.Resizing(3, 3)({"images": x[0], "segmentation_masks": masks[0]})
    assert tuple(single["images"].shape) == (3, 3, 3)
    assert set(np.unique(single["segmentation_masks"].numpy())) <= {0.0, 1.0, 2.0}
    with pytest.raises(NotImplementedError, match="bounding boxes"):
        layer({"images": x, "bounding_boxes": {"boxes": np.zeros((2, 1, 4))}})


def test_bad_ranks_are_reported():
    with pytest.raises(ValueError, match="rank 3"):
        L.RandomFlip()(ember.ones((2, 3)))
    with pytest.raises(ValueError, match="rank 3"):
        image_ops.resize(ember.ones((2, 3)), (2, 2))


@pytest.mark.parametrize("cls", [L.Resizing, L.CenterCrop, L.RandomCrop])
def test_target_size_must_be_positive_integers(cls):
    # Keras fails later (TensorFlow's resize, or a division by zero at inference)
    for height, width in [(0, 4), (3, -1), (2.5, 3), (True, 3)]:
        with pytest.raises(ValueError, match=f"{cls.__name__} layer .*positive integers"):
            cls(height, width)
    layer = cls(np.int64(3), 4)
    assert type(layer.get_config()["height"]) is int
    assert tuple(layer(np.ones((1, 5, 6, 2), "float32"), training=False).shape) == (1, 3, 4, 2)
