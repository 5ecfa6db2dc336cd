"""Crops and pads: pixel boxes against NumPy slicing, crop_and_resize and
extract_glimpse against TensorFlow 2.21 constants and a NumPy reference, gradients."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_grad

import ember
from ember import image
from ember.ops.image import crop as C

RNG = np.random.default_rng(0)
X = RNG.random((2, 5, 6, 3)).astype(np.float32)


def test_crop_to_bounding_box():
    np.testing.assert_array_equal(image.crop_to_bounding_box(X, 1, 2, 3, 4).numpy(),
                                  X[:, 1:4, 2:6])
    np.testing.assert_array_equal(image.crop_to_bounding_box(X[0], 0, 0, 5, 6).numpy(), X[0])


def test_pad_to_bounding_box():
    out = image.pad_to_bounding_box(X[0], 2, 1, 8, 9).numpy()
    assert out.shape == (8, 9, 3)
    np.testing.assert_array_equal(out[2:7, 1:7], X[0])
    assert out.sum() == pytest.approx(X[0].sum(), rel=1e-5)


@pytest.mark.parametrize("th,tw", [(3, 4), (8, 9), (2, 10), (7, 1), (5, 6)])
def test_resize_with_crop_or_pad(th, tw):
    out = image.resize_with_crop_or_pad(X, th, tw).numpy()
    ref = np.zeros((2, th, tw, 3), np.float32)
    h0, w0 = max((5 - th) // 2, 0), max((6 - tw) // 2, 0)           # crop offsets
    p0, q0 = max((th - 5) // 2, 0), max((tw - 6) // 2, 0)           # pad offsets
    ch, cw = min(th, 5), min(tw, 6)
    ref[:, p0:p0 + ch, q0:q0 + cw] = X[:, h0:h0 + ch, w0:w0 + cw]
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize("fraction,shape", [(0.5, (2, 3, 4, 3)), (0.33, (2, 3, 2, 3)),
                                            (1.0, (2, 5, 6, 3)), (0.9, (2, 5, 6, 3))])
def test_central_crop(fraction, shape):
    # tf.image.central_crop(X, fraction).shape
    out = image.central_crop(X, fraction)
    assert tuple(out.shape) == shape
    top, left = (5 - shape[1]) // 2, (6 - shape[2]) // 2
    np.testing.assert_array_equal(out.numpy(), X[:, top:top + shape[1], left:left + shape[2]])


def test_crop_pad_gradients():
    x = ember.constant(X)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = image.pad_to_bounding_box(image.crop_to_bounding_box(x, 1, 1, 2, 3), 0, 0, 4, 4)
        loss = ember.reduce_sum(y * y)
    g = tape.gradient(loss, x).numpy()
    want = np.zeros_like(X)
    want[:, 1:3, 1:4] = 2 * X[:, 1:3, 1:4]
    np.testing.assert_allclose(g, want, rtol=1e-6)


def test_crop_errors():
    with pytest.raises(ValueError, match="ember.image.crop_to_bounding_box: width must be >= "
                                         "target \\+ offset"):
        image.crop_to_bounding_box(X, 0, 3, 2, 4)
    with pytest.raises(ValueError, match="ember.image.pad_to_bounding_box: offset_height must be"):
        image.pad_to_bounding_box(X, -1, 0, 8, 8)
    with pytest.raises(ValueError, match="ember.image.central_crop: central_fraction"):
        image.central_crop(X, 0.0)
    with pytest.raises(ValueError, match="ember.image.resize_with_crop_or_pad: 'image' must "
                                         "have rank"):
        image.resize_with_crop_or_pad(np.ones((2, 2)), 1, 1)


# -- crop_and_resize ------------------------------------------------------------------------
IMG = (np.arange(2 * 4 * 5 * 2, dtype=np.float32).reshape(2, 4, 5, 2) % 7) / 7
BOXES = np.array([[0.1, 0.2, 0.9, 0.7], [-0.3, 0.4, 0.6, 1.2], [0.8, 0.9, 0.2, 0.1]], np.float32)
# tf.image.crop_and_resize(IMG, BOXES, [1, 0, 1], (3, 2), method, extrapolation_value=-1)
CROP_BILINEAR = [[[[0.211429, 0.354286], [0.402857, 0.545714]],
                  [[0.585714, 0.328571], [0.257143, 0.4]],
                  [[0.4, 0.302857], [0.671429, 0.254286]]],
                 [[[-1.0, -1.0], [-1.0, -1.0]], [[0.38, 0.522857], [-1.0, -1.0]],
                  [[0.308571, 0.451429], [-1.0, -1.0]]],
                 [[[0.531429, 0.514286], [0.457143, 0.36]],
                  [[0.385714, 0.528571], [0.471429, 0.414286]],
                  [[0.4, 0.302857], [0.325714, 0.468571]]]]
CROP_NEAREST = [[[[0.0, 0.142857], [0.571429, 0.714286]],
                 [[0.857143, 0.0], [0.428571, 0.571429]],
                 [[0.285714, 0.428571], [0.857143, 0.0]]],
                [[[-1.0, -1.0], [-1.0, -1.0]], [[0.571429, 0.714286], [-1.0, -1.0]],
                 [[0.428571, 0.571429], [-1.0, -1.0]]],
                [[[0.714286, 0.857143], [0.571429, 0.714286]],
                 [[0.714286, 0.857143], [0.571429, 0.714286]],
                 [[0.285714, 0.428571], [0.142857, 0.285714]]]]


def _ref_crop_and_resize(img, boxes, idx, size, method, fill):
    n, (ch, cw), (_, height, width, c) = len(boxes), size, img.shape
    out = np.zeros((n, ch, cw, c))
    f = np.float32                                   # positions in float32, as TF
    for b, (y1, x1, y2, x2) in enumerate(boxes.astype(np.float32)):
        for i in range(ch):
            y = y1 * f(height - 1) + f(i) * ((y2 - y1) * f(height - 1) / f(ch - 1)) \
                if ch > 1 else f(0.5) * (y1 + y2) * f(height - 1)
            for j in range(cw):
                x = x1 * f(width - 1) + f(j) * ((x2 - x1) * f(width - 1) / f(cw - 1)) \
                    if cw > 1 else f(0.5) * (x1 + x2) * f(width - 1)
                if not (0 <= y <= height - 1 and 0 <= x <= width - 1):
                    out[b, i, j] = fill
                elif method == "nearest":
                    out[b, i, j] = img[idx[b], int(np.floor(y + 0.5)), int(np.floor(x + 0.5))]
                else:
                    t, l = int(np.floor(y)), int(np.floor(x))
                    bo, r = int(np.ceil(y)), int(np.ceil(x))
                    top = img[idx[b], t, l] + (img[idx[b], t, r] - img[idx[b], t, l]) * (x - l)
                    bot = img[idx[b], bo, l] + (img[idx[b], bo, r] - img[idx[b], bo, l]) * (x - l)
                    out[b, i, j] = top + (bot - top) * (y - t)
    return out


@pytest.mark.parametrize("method,want", [("bilinear", CROP_BILINEAR), ("nearest", CROP_NEAREST)])
def test_crop_and_resize_matches_tensorflow(method, want):
    out = image.crop_and_resize(IMG, BOXES, [1, 0, 1], (3, 2), method=method,
                                extrapolation_value=-1)
    assert out.dtype == ember.float32
    np.testing.assert_allclose(out.numpy(), want, atol=2e-6)


@pytest.mark.parametrize("size", [(3, 4), (1, 1), (1, 5), (7, 2)])
@pytest.mark.parametrize("method", ["bilinear", "nearest"])
def test_crop_and_resize_matches_reference(size, method):
    boxes = np.array([[0.1, 0.2, 0.8, 0.9], [-0.2, 0.3, 1.3, 0.5], [0.9, 0.8, 0.1, 0.05],
                      [0.5, 0.5, 0.5, 0.5]], np.float32)
    idx = np.array([0, 1, 1, 0], np.int32)
    out = image.crop_and_resize(X, boxes, idx, size, method=method, extrapolation_value=0.5)
    np.testing.assert_allclose(out.numpy(), _ref_crop_and_resize(X, boxes, idx, size, method,
                                                                 0.5), atol=2e-6)


def _cr_inputs(rng):
    return [rng.uniform(-1, 1, (2, 3, 4, 2)), rng.uniform(0.05, 0.95, (3, 4)),
            np.array([1, 0, 1], np.int32)]


CR_GRAD = OpCase("crop_and_resize", lambda im, bx, ix: C._crop_and_resize(
    im, bx, ix, (3, 2), "bilinear", 0.0, None), None, [], make_inputs=_cr_inputs,
    grad_argnums=[0, 1], grad_rtol=1e-5, grad_atol=1e-6)


def test_crop_and_resize_gradient():
    check_grad(CR_GRAD)


def test_crop_and_resize_errors():
    with pytest.raises(ValueError, match="ember.image.crop_and_resize: 'boxes' must have shape"):
        image.crop_and_resize(IMG, [[0.0, 0.0, 1.0]], [0], (2, 2))
    with pytest.raises(ValueError, match="ember.image.crop_and_resize: box_indices has values"):
        image.crop_and_resize(IMG, BOXES, [0, 1, 2], (2, 2))
    with pytest.raises(ValueError, match="crop dimensions must be positive"):
        image.crop_and_resize(IMG, BOXES, [0, 1, 1], (0, 2))
    with pytest.raises(ValueError, match="method must be 'bilinear' or 'nearest'"):
        image.crop_and_resize(IMG, BOXES, [0, 1, 1], (2, 2), method="bicubic")
    with pytest.raises(ValueError, match="rank 4"):
        image.crop_and_resize(IMG[0], BOXES, [0, 1, 1], (2, 2))


# -- extract_glimpse ----------------------------------------------------------------------------
G = np.arange(1, 21, dtype=np.float32).reshape(1, 4, 5, 1)
# tf.image.extract_glimpse(G, size, [offset], centered, normalized, noise="zero")[0, ..., 0]
GLIMPSES = {
    (True, False, (0.0, 0.0), (2, 2)): [[13.0, 14.0], [18.0, 19.0]],
    (True, False, (-1.0, 1.0), (3, 2)): [[9.0, 10.0], [14.0, 15.0], [19.0, 20.0]],
    (False, True, (0.3, 0.9), (3, 3)): [[10.0, 0.0, 0.0], [15.0, 0.0, 0.0], [20.0, 0.0, 0.0]],
    (True, True, (-1, -1), (2, 3)): [[0.0, 0.0, 0.0], [0.0, 1.0, 2.0]],
    (True, True, (0.2, -0.1), (6, 5)):
        [[1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0], [11.0, 12.0, 13.0, 14.0, 15.0],
         [16.0, 17.0, 18.0, 19.0, 20.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]],
}


@pytest.mark.parametrize("key", list(GLIMPSES), ids=str)
def test_extract_glimpse_matches_tensorflow(key):
    centered, normalized, offset, size = key
    out = image.extract_glimpse(G, size, [offset], centered=centered, normalized=normalized,
                                noise="zero")
    np.testing.assert_array_equal(out.numpy()[0, :, :, 0], GLIMPSES[key])


def test_extract_glimpse_noise():
    ember.random.set_seed(5)
    a = image.extract_glimpse(G, (3, 3), [[0.9, 0.9]]).numpy()
    ember.random.set_seed(5)
    b = image.extract_glimpse(G, (3, 3), [[0.9, 0.9]]).numpy()
    np.testing.assert_array_equal(a, b)                      # repeatable after set_seed
    np.testing.assert_array_equal(a[0, :2, :2, 0], [[14, 15], [19, 20]])
    outside = np.concatenate([a[0, 2, :, 0], a[0, :2, 2, 0]])
    assert np.all((outside >= 1) & (outside <= 20))          # uniform in [min, max]
    g = image.extract_glimpse(G, (3, 3), [[0.9, 0.9]], noise="gaussian")
    assert g.shape == (1, 3, 3, 1)
    with pytest.raises(ValueError, match="ember.image.extract_glimpse: noise must be"):
        image.extract_glimpse(G, (3, 3), [[0.0, 0.0]], noise="salt")
    with pytest.raises(ValueError, match="'offsets' must have shape \\[batch_size, 2\\]"):
        image.extract_glimpse(G, (3, 3), [[0.0, 0.0, 0.0]])


@settings(max_examples=20, deadline=None)
@given(h=st.integers(1, 6), w=st.integers(1, 6), th=st.integers(1, 8), tw=st.integers(1, 8),
       batched=st.booleans())
def test_crop_or_pad_shapes(h, w, th, tw, batched):
    x = np.ones((2, h, w, 1) if batched else (h, w, 1), np.float32)
    out = image.resize_with_crop_or_pad(x, th, tw)
    assert tuple(out.shape) == ((2, th, tw, 1) if batched else (th, tw, 1))
    assert float(ember.reduce_sum(out)) == (2 if batched else 1) * min(h, th) * min(w, tw)


def test_crop_and_resize_with_no_boxes():
    """A detector with no proposals: TF returns [0, h, w, C]; Ember's reshape with -1 on
    zero elements raised."""
    img = ember.constant(np.random.default_rng(0).uniform(size=(2, 5, 6, 3)), "float32")
    none = np.zeros((0, 4), np.float32)
    for method in ("bilinear", "nearest"):
        out = image.crop_and_resize(img, none, np.zeros((0,), np.int32), (3, 2),
                                    method=method)
        assert out.shape == (0, 3, 2, 3) and out.dtype == ember.float32
    boxes = ember.constant(none)
    with ember.GradientTape() as tape:
        tape.watch([img, boxes])
        y = ember.reduce_sum(image.crop_and_resize(img, boxes, np.zeros((0,), np.int32),
                                                   (3, 3)))
    g_img, g_boxes = tape.gradient(y, [img, boxes])
    assert float(ember.reduce_sum(ember.abs(g_img))) == 0.0 and g_boxes.shape == (0, 4)
