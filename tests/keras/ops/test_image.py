"""keras.ops.image: values vs NumPy references and constants taken from Keras 3.15
(NumPy backend), gradients vs finite differences, symbolic use, dtypes and errors."""
import colorsys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_grad, check_second_order

import ember
from ember import keras
from ember.keras.ops import image as kimage

rng = np.random.default_rng(0)
IMG = rng.uniform(0, 1, (2, 5, 6, 3)).astype("float32")
U8 = (IMG * 255).astype("uint8")
RAMP = np.arange(24, dtype="float32").reshape(1, 3, 4, 2) ** 1.2       # Keras constants' input
GRID = np.arange(12, dtype="float32").reshape(3, 4) ** 1.3
X23 = np.array([[0.0, 1.0, 4.0], [2.0, 7.0, 3.0]], "float32").reshape(2, 3, 1)


def _np(x):
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def _cf(x):
    return np.moveaxis(x, -1, 1)


# =========================================================================================
# NumPy references (written independently of the implementation)
# =========================================================================================
def _kernel(method):
    def lanczos(r):
        def k(x):
            x = np.abs(x)
            with np.errstate(all="ignore"):
                v = r * np.sin(np.pi * x) * np.sin(np.pi * x / r) / (np.pi * x) ** 2
            return np.where(x > r, 0.0, np.where(x <= 1e-3, 1.0, v))
        return k

    def cubic(x):
        x = np.abs(x)
        return np.where(x < 1, 1.5 * x ** 3 - 2.5 * x ** 2 + 1,
                        np.where(x < 2, -0.5 * x ** 3 + 2.5 * x ** 2 - 4 * x + 2, 0.0))
    return {"bilinear": lambda x: np.maximum(0.0, 1 - np.abs(x)), "linear":
            lambda x: np.maximum(0.0, 1 - np.abs(x)), "bicubic": cubic, "cubic": cubic,
            "lanczos3": lanczos(3), "lanczos5": lanczos(5)}[method]


def ref_axis_weights(n_in, n_out, method, antialias, scale=None, shift=0.0):
    scale = n_out / n_in if scale is None else scale
    k = _kernel(method)
    width = max(1 / scale, 1.0) if antialias else 1.0
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        s = (o + 0.5 - shift) / scale - 0.5
        if not -0.5 <= s <= n_in - 0.5:
            continue
        row = np.array([k((s - i) / width) for i in range(n_in)])
        if abs(row.sum()) > 1000 * np.finfo(np.float32).eps:
            m[o] = row / row.sum()
    return m


def ref_resize(x, size, method, antialias=False):
    """channels-last batch (N, H, W, C) in float64."""
    x = np.asarray(x, np.float64)
    for axis, n_out in ((1, size[0]), (2, size[1])):
        n_in = x.shape[axis]
        if n_in == n_out:
            continue
        if method == "nearest":
            idx = np.floor((np.arange(n_out) + 0.5) * n_in / n_out).astype(int)
            x = np.take(x, idx, axis=axis)
        else:
            m = ref_axis_weights(n_in, n_out, method, antialias)
            x = np.moveaxis(np.tensordot(m, np.moveaxis(x, axis, 0), axes=1), 0, axis)
    return x


_PAD_MODE = {"constant": "constant", "nearest": "edge", "wrap": "wrap", "mirror": "reflect",
             "reflect": "symmetric"}


def ref_map_coordinates(x, coords, order, mode, cval=0.0):
    """Pad the input by ``mode`` far enough, then interpolate directly."""
    x = np.asarray(x, np.float64)
    coords = [np.asarray(c, np.float64) for c in coords]
    pads = [(max(int(-np.floor(c.min())) + 2, 0), max(int(np.ceil(c.max())) + 3 - n, 0))
            for c, n in zip(coords, x.shape)]
    kw = {"constant_values": cval} if mode == "constant" else {}
    padded = np.pad(x, pads, mode=_PAD_MODE[mode], **kw)
    shifted = [c + p[0] for c, p in zip(coords, pads)]
    if order == 0:
        return padded[tuple(np.floor(s + 0.5).astype(int) for s in shifted)]
    out = 0.0
    low = [np.floor(s).astype(int) for s in shifted]
    frac = [s - lo for s, lo in zip(shifted, low)]
    for corner in np.ndindex(*(2,) * x.ndim):
        w = np.prod([f if c else 1 - f for c, f in zip(corner, frac)], axis=0)
        out = out + w * padded[tuple(lo + c for lo, c in zip(low, corner))]
    return out


def ref_affine(images, transform, order, mode, cval):
    """Keras NumPy/JAX semantics: c0, c1 shift channel c by (c0 c, c1 c) in (y, x)."""
    out = np.zeros(images.shape)
    n, h, w, c = images.shape
    yy, xx, cc = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing="ij")
    for b in range(n):
        a0, a1, a2, b0, b1, b2, c0, c1 = np.asarray(transform[b], np.float64)
        # Keras computes these in float64 and hands them on in the images' float32
        sy = (b0 * xx + b1 * yy + c0 * cc + b2).astype(images.dtype)
        sx = (a0 * xx + a1 * yy + c1 * cc + a2).astype(images.dtype)
        out[b] = ref_map_coordinates(images[b], [sy, sx, cc], order, mode, cval)
    return out


def ref_blur(x, ksize, sigma):
    """Zero-padded 2-D Gaussian; Keras's quirk: (ksize[0], sigma[0]) shape the width."""
    def g(n, s):
        t = np.arange(n) - (n - 1) / 2
        k = np.exp(-0.5 * (t / s) ** 2)
        return k / k.sum()
    kern = np.outer(g(ksize[1], sigma[1]), g(ksize[0], sigma[0]))
    kh, kw = kern.shape
    p = np.pad(x.astype(np.float64), ((0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2),
                                      (0, 0)))
    out = np.zeros(x.shape)
    for i in range(kh):
        for j in range(kw):
            out += kern[i, j] * p[:, i:i + x.shape[1], j:j + x.shape[2]]
    return out


def ref_sobel(x):
    p = np.pad(x.astype(np.float64), ((0, 0), (1, 1), (1, 1), (0, 0)), mode="symmetric")
    ky = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], float)
    out = np.zeros(x.shape + (2,))
    for i in range(3):
        for j in range(3):
            win = p[:, i:i + x.shape[1], j:j + x.shape[2]]
            out[..., 0] += ky[i, j] * win
            out[..., 1] += ky.T[i, j] * win
    return out


def ref_ssim(a, b, max_val=1.0, size=11, sigma=1.5, k1=0.01, k2=0.03):
    t = np.arange(size) - (size - 1) / 2
    g = np.exp(-t ** 2 / (2 * sigma ** 2))
    g /= g.sum()
    kern = np.outer(g, g)

    def filt(v):                               # (N, H, W, C) valid correlation
        h, w = v.shape[1] - size + 1, v.shape[2] - size + 1
        return sum(kern[i, j] * v[:, i:i + h, j:j + w] for i in range(size)
                   for j in range(size))
    a, b = a.astype(np.float64), b.astype(np.float64)
    mu1, mu2 = filt(a), filt(b)
    s11, s22, s12 = filt(a * a) - mu1 ** 2, filt(b * b) - mu2 ** 2, filt(a * b) - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    m = (2 * mu1 * mu2 + c1) * (2 * s12 + c2) / ((mu1 ** 2 + mu2 ** 2 + c1) * (s11 + s22 + c2))
    return m.mean(axis=(1, 2, 3))


def ref_patches(x, size, strides, dilation, padding):
    """channels-last batch with any number of spatial axes."""
    spatial = x.shape[1:-1]
    pads, outs = [], []
    for n, k, s, d in zip(spatial, size, strides, dilation):
        span = (k - 1) * d + 1
        if padding == "same":
            o = -(-n // s)
            tot = max((o - 1) * s + span - n, 0)
            pads.append((tot // 2, tot - tot // 2))
        else:
            o = (n - span) // s + 1
            pads.append((0, 0))
        outs.append(o)
    p = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    out = np.zeros((x.shape[0],) + tuple(outs) + (int(np.prod(size)) * x.shape[-1],), x.dtype)
    for pos in np.ndindex(*outs):
        pieces = []
        for off in np.ndindex(*size):
            idx = tuple(q * s + o * d for q, s, o, d in zip(pos, strides, off, dilation))
            pieces.append(p[(slice(None),) + idx])
        out[(slice(None),) + pos] = np.concatenate(pieces, axis=-1)
    return out


def ref_homography(start, end):
    rows, rhs = [], []
    for (sx, sy), (ex, ey) in zip(start, end):
        rows.append([ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey])
        rows.append([0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey])
        rhs += [sx, sy]
    return np.linalg.solve(np.array(rows, float), np.array(rhs, float))


def ref_perspective(img, start, end, order, cval):
    a = ref_homography(start, end)
    h, w, c = img.shape
    y, x = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    den = a[6] * x + a[7] * y + 1
    sx, sy = (a[0] * x + a[1] * y + a[2]) / den, (a[3] * x + a[4] * y + a[5]) / den
    return np.stack([ref_map_coordinates(img[..., k], [sy, sx], order, "constant", cval)
                     for k in range(c)], -1)


# =========================================================================================
# Values
# =========================================================================================
# Constants from Keras 3.15.1's NumPy backend (the same on JAX) for the inputs above.
KERAS_RESIZE = {
    ("bilinear", False): [[0.0, 0.4, 1.0, 2.8, 4.0], [1.0, 2.2, 4.0, 3.7, 3.5],
                          [2.0, 4.0, 7.0, 4.6, 3.0]],
    ("bicubic", False): [[-0.18719, -0.02808, 0.60526, 2.88502, 4.32696],
                         [0.77358, 2.07463, 4.0, 3.8097, 3.46226],
                         [1.73436, 4.17734, 7.39474, 4.73439, 2.59757]],
    ("lanczos3", False): [[-0.17606, -0.47984, 0.25511, 2.90438, 4.52577],
                          [0.65944, 2.03714, 4.0, 3.97211, 3.34777],
                          [1.49494, 4.55413, 7.74489, 5.03985, 2.16977]],
    ("lanczos5", False): [[-0.05109, -0.77229, 0.09836, 2.95965, 4.50782],
                          [0.67886, 1.99827, 4.0, 4.09447, 3.23957],
                          [1.4088, 4.76882, 7.90164, 5.2293, 1.97132]],
    ("nearest", False): [[0.0, 0.0, 1.0, 4.0, 4.0], [2.0, 2.0, 7.0, 3.0, 3.0],
                         [2.0, 2.0, 7.0, 3.0, 3.0]],
    ("bilinear", True): [[2.2, 2.5875], [2.75, 3.0625], [3.3, 3.5375]],
    ("bicubic", True): [[2.16819, 2.61499], [2.69079, 3.05263], [3.21339, 3.49027]],
    ("lanczos3", True): [[2.24633, 2.78633], [2.63236, 3.09335], [3.01838, 3.40036]],
    ("lanczos5", True): [[2.30367, 2.88295], [2.60624, 3.11752], [2.90881, 3.35209]],
    ("nearest", True): [[1.0, 1.0], [1.0, 1.0], [7.0, 7.0]],
}


@pytest.mark.parametrize("method,antialias", list(KERAS_RESIZE), ids=str)
def test_resize_matches_keras_constants(method, antialias):
    x = X23 if not antialias else np.tile(X23, (2, 2, 1))
    size = (3, 5) if not antialias else (3, 2)
    got = kimage.resize(x, size, interpolation=method, antialias=antialias)
    np.testing.assert_allclose(_np(got)[..., 0], KERAS_RESIZE[method, antialias], atol=2e-5)


@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("size,antialias", [((3, 4), False), ((8, 11), False), ((3, 4), True),
                                            ((7, 2), True), ((1, 1), True)])
def test_resize_matches_reference(method, size, antialias):
    got = _np(kimage.resize(IMG, size, interpolation=method, antialias=antialias))
    assert got.dtype == np.float32 and got.shape == (2,) + size + (3,)
    np.testing.assert_allclose(got, ref_resize(IMG, size, method, antialias), atol=2e-6)


def test_resize_layouts_crop_pad_and_area():
    want = ref_resize(IMG, (4, 7), "bicubic")
    got = kimage.resize(_cf(IMG), (4, 7), interpolation="bicubic", data_format="channels_first")
    np.testing.assert_allclose(_np(got), _cf(want), atol=2e-6)
    np.testing.assert_allclose(_np(kimage.resize(IMG[1], (4, 7), interpolation="bicubic")),
                               want[1], atol=2e-6)
    # crop: the centred 5x5 window of the 5x6 images; pad: to 5x10, 2 columns of 0.5 a side
    np.testing.assert_allclose(_np(kimage.resize(IMG, (3, 3), crop_to_aspect_ratio=True)),
                               ref_resize(IMG[:, :, 0:5], (3, 3), "bilinear"), atol=2e-6)
    padded = np.pad(IMG, ((0, 0), (0, 0), (2, 2), (0, 0)), constant_values=0.5)
    np.testing.assert_allclose(
        _np(kimage.resize(IMG, (2, 4), pad_to_aspect_ratio=True, fill_value=0.5)),
        ref_resize(padded, (2, 4), "bilinear"), atol=2e-6)
    # "area" (TensorFlow's): 4 -> 2 averages pairs, 2 -> 3 splits the middle pixel
    x = np.array([[1.0, 3.0, 5.0, 9.0]], "float32").reshape(1, 4, 1)
    np.testing.assert_allclose(_np(kimage.resize(x, (1, 2), interpolation="area"))[0, :, 0],
                               [2.0, 7.0])
    y = np.array([[2.0, 8.0]], "float32").reshape(1, 2, 1)
    np.testing.assert_allclose(_np(kimage.resize(y, (1, 3), interpolation="area"))[0, :, 0],
                               [2.0, 5.0, 8.0], atol=1e-6)


def test_resize_dtypes():
    out = kimage.resize(U8, (8, 9), interpolation="bicubic")
    assert out.dtype == ember.uint8
    want = np.clip(np.round(ref_resize(U8.astype(np.float32), (8, 9), "bicubic")),
                   U8.min(), U8.max())
    np.testing.assert_array_equal(_np(out), want)
    assert kimage.resize(U8.astype("int32"), (3, 3), "nearest").dtype == ember.int32
    assert kimage.resize(IMG.astype("float64"), (3, 3)).dtype == ember.float64
    half = kimage.resize(IMG.astype("float16"), (3, 3))
    assert half.dtype == ember.float16
    np.testing.assert_allclose(_np(half).astype(np.float32), ref_resize(IMG, (3, 3), "bilinear"),
                               atol=2e-3)


def test_scale_and_translate():
    got = kimage.scale_and_translate(GRID, (4, 3), np.array([1.3, 0.6], "float32"),
                                     np.array([-0.2, 0.4], "float32"), (0, 1), "cubic")
    keras_value = [[0.11305, 1.62494, 3.99993], [4.59346, 7.03438, 10.20128],
                   [11.9225, 14.96428, 18.72523], [15.93534, 19.17651, 23.16381]]
    np.testing.assert_allclose(_np(got), keras_value, atol=2e-5)
    for method in ("linear", "cubic", "lanczos3", "lanczos5"):
        for aa in (True, False):
            got = kimage.scale_and_translate(IMG, (2, 3, 9, 3), [0.6, 1.7], [0.5, -1.2],
                                             (1, 2), method, aa)
            want = IMG.astype(np.float64)
            for axis, n, s, t in ((1, 3, 0.6, 0.5), (2, 9, 1.7, -1.2)):
                m = ref_axis_weights(want.shape[axis], n, method, aa, s, t)
                want = np.moveaxis(np.tensordot(m, np.moveaxis(want, axis, 0), 1), 0, axis)
            np.testing.assert_allclose(_np(got), want, atol=3e-6, err_msg=f"{method} {aa}")
    ints = kimage.scale_and_translate(U8, (2, 5, 9, 3), [1.0, 1.7], [0.0, -1.2], (1, 2),
                                      "cubic")
    assert ints.dtype == ember.uint8


# -- colour --------------------------------------------------------------------------------
def test_grayscale_hsv_rgb():
    want = IMG @ np.array([0.2989, 0.5870, 0.1140])
    np.testing.assert_allclose(_np(kimage.rgb_to_grayscale(IMG))[..., 0], want, rtol=1e-6)
    np.testing.assert_allclose(
        _np(kimage.rgb_to_grayscale(_cf(IMG), data_format="channels_first"))[:, 0], want,
        rtol=1e-6)
    gray8 = kimage.rgb_to_grayscale(U8)
    assert gray8.dtype == ember.uint8
    np.testing.assert_array_equal(
        _np(gray8)[..., 0], (U8.astype(np.float32) @ np.array([0.2989, 0.5870, 0.1140],
                                                            np.float32)).astype(np.uint8))
    np.testing.assert_array_equal(_np(kimage.rgb_to_grayscale(IMG[..., :1])), IMG[..., :1])
    rgb = np.concatenate([IMG.reshape(-1, 3), [[0.3, 0.3, 0.1], [0.1, 0.3, 0.3],
                                               [0.3, 0.1, 0.3], [0, 0, 0], [0.5, 0.5, 0.5]]])
    rgb = rgb.astype("float32")
    hsv = _np(kimage.rgb_to_hsv(rgb.reshape(1, -1, 3)))[0]
    np.testing.assert_allclose(hsv, [colorsys.rgb_to_hsv(*p) for p in rgb], atol=2e-6)
    np.testing.assert_allclose(
        _np(kimage.rgb_to_hsv([[[0.2, 0.4, 0.6], [0.9, 0.1, 0.1], [0.3, 0.8, 0.1]]]))[0],
        [[0.58333, 0.66667, 0.6], [0.0, 0.88889, 0.9], [0.28571, 0.875, 0.8]], atol=1e-5)
    back = _np(kimage.hsv_to_rgb(hsv.reshape(1, -1, 3)))[0]
    np.testing.assert_allclose(back, rgb, atol=2e-6)
    hsv2 = rng.uniform(0, 1, (4, 3)).astype("float32")
    np.testing.assert_allclose(_np(kimage.hsv_to_rgb(hsv2.reshape(1, 4, 3)))[0],
                               [colorsys.hsv_to_rgb(*p) for p in hsv2], atol=2e-6)
    cf = _np(kimage.rgb_to_hsv(_cf(IMG), data_format="channels_first"))
    np.testing.assert_allclose(cf, _cf(_np(kimage.rgb_to_hsv(IMG))))


# -- warps ---------------------------------------------------------------------------------
KERAS_MAPC = {
    ("constant", 0): [-1.0, -1.0, 2.46229, 22.5845, -1.0, -1.0],
    ("constant", 1): [-1.0, -1.0, 3.5951, 12.92526, -1.0, -1.0],
    ("nearest", 0): [0.0, 4.17117, 2.46229, 22.5845, 14.92853, 17.39864],
    ("nearest", 1): [0.0, 4.17117, 3.5951, 17.56701, 14.92853, 16.16358],
    ("wrap", 0): [22.5845, 0.0, 2.46229, 22.5845, 2.46229, 8.10328],
    ("wrap", 1): [15.44562, 7.81127, 3.5951, 15.79918, 6.83487, 3.79154],
    ("mirror", 0): [8.10328, 2.46229, 2.46229, 22.5845, 10.27062, 1.0],
    ("mirror", 1): [12.07438, 6.00349, 3.5951, 16.95317, 12.69112, 3.79154],
    ("reflect", 0): [0.0, 4.17117, 2.46229, 22.5845, 17.39864, 8.10328],
    ("reflect", 1): [3.03143, 3.82939, 3.5951, 17.56701, 17.39864, 11.62333],
}
MAPC_COORDS = np.array([[-1.5, -0.5, 0.25, 1.5, 2.75, 3.5], [-0.7, 4.2, 1.5, 3.25, -2.0, 0.5]],
                       "float32")


@pytest.mark.parametrize("mode,order", list(KERAS_MAPC), ids=str)
def test_map_coordinates(mode, order):
    got = kimage.map_coordinates(GRID, MAPC_COORDS, order, fill_mode=mode, fill_value=-1.0)
    np.testing.assert_allclose(_np(got), KERAS_MAPC[mode, order], atol=2e-5)
    np.testing.assert_allclose(_np(got), ref_map_coordinates(GRID, MAPC_COORDS, order, mode,
                                                             -1.0), atol=2e-5)
    vol = rng.uniform(0, 1, (3, 4, 2)).astype("float32")
    coords = rng.uniform(-3, 6, (3, 2, 5)).astype("float32")
    got = kimage.map_coordinates(vol, coords, order, fill_mode=mode, fill_value=0.5)
    assert got.shape == (2, 5)
    np.testing.assert_allclose(_np(got), ref_map_coordinates(vol, coords, order, mode, 0.5),
                               atol=2e-6)


def test_map_coordinates_dtypes():
    coords = rng.uniform(-1, 4, (2, 7))
    ints = kimage.map_coordinates(U8[0, :, :, 0], coords, 1)
    assert ints.dtype == ember.uint8
    want = ref_map_coordinates(U8[0, :, :, 0], coords, 1, "constant")
    np.testing.assert_array_equal(_np(ints), np.floor(want + 0.5).astype(np.uint8))
    assert kimage.map_coordinates(IMG[0, :, :, 0].astype("float64"), coords, 1).dtype == \
        ember.float64
    listed = kimage.map_coordinates(GRID, [ember.constant([0.5]), ember.constant([1.5])], 1)
    np.testing.assert_allclose(_np(listed), [(GRID[0, 1] + GRID[0, 2] + GRID[1, 1]
                                              + GRID[1, 2]) / 4], rtol=1e-6)


AFFINES = np.array([[1.3, 0.2, -1.5, 0.1, 0.8, 0.5, 0.0, 0.0],
                    [0.5, 0.0, 0.25, 0.0, 0.5, 0.0, 0.0, 0.0]], "float32")


@pytest.mark.parametrize("mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_affine_transform(mode, interpolation):
    order = 0 if interpolation == "nearest" else 1
    got = kimage.affine_transform(IMG, AFFINES, interpolation=interpolation, fill_mode=mode,
                                  fill_value=0.3)
    np.testing.assert_allclose(_np(got), ref_affine(IMG, AFFINES, order, mode, 0.3),
                               atol=2e-6)
    cf = kimage.affine_transform(_cf(IMG), AFFINES, interpolation=interpolation,
                                 fill_mode=mode, fill_value=0.3, data_format="channels_first")
    np.testing.assert_allclose(_np(cf), _cf(_np(got)))


def test_affine_transform_keras_constants_and_broadcast():
    quirk = np.array([0.9, 0.1, 0.3, -0.1, 1.2, 0.4, -0.7, 1.3], "float32")
    keras_value = [[[5.71061, 3.94385], [7.01271, 5.16872], [8.51221, 3.09912], [10.10054, 0.0]],
                   [[23.17559, 19.07232], [25.19797, 21.11506], [27.23345, 10.57312],
                    [25.9741, 0.0]],
                   [[5.99444, 33.95964], [10.14499, 41.72398], [15.09394, 16.53285],
                    [16.32929, 0.0]]]
    np.testing.assert_allclose(_np(kimage.affine_transform(RAMP[0], quirk)), keras_value,
                               atol=2e-4)
    one = AFFINES[0]
    both = kimage.affine_transform(IMG, one)                 # one transform for the batch
    np.testing.assert_allclose(_np(both), ref_affine(IMG, [one, one], 1, "constant", 0),
                               atol=2e-6)
    ints = kimage.affine_transform(U8, AFFINES)
    assert ints.dtype == ember.uint8
    want = ref_affine(U8.astype(np.float64), AFFINES, 1, "constant", 0)
    np.testing.assert_array_equal(_np(ints), np.floor(want + 0.5).astype(np.uint8))


def test_perspective_transform():
    start = np.array([[0, 0], [0, 3], [4, 0], [4, 3]], "float32")
    end = np.array([[0.5, 0.2], [0.1, 2.6], [3.7, 0.4], [4.2, 3.3]], "float32")
    keras_value = [[0.0, 0.97033, 2.94997, 3.08526], [7.9506, 16.38478, 19.1709, 18.38104],
                   [12.68678, 23.80483, 32.55959, 38.40675]]
    got = kimage.perspective_transform(RAMP[0], start, end)
    np.testing.assert_allclose(_np(got)[..., 0], keras_value, atol=2e-4)
    ends = np.stack([end, end[::-1] * 0.9 + 0.3])
    for interpolation, order in (("nearest", 0), ("bilinear", 1)):
        got = kimage.perspective_transform(IMG, np.stack([start, start]), ends,
                                           interpolation=interpolation, fill_value=0.1)
        for b in range(2):
            np.testing.assert_allclose(_np(got)[b], ref_perspective(IMG[b], start, ends[b],
                                                                    order, 0.1), atol=2e-5)
    cf = kimage.perspective_transform(_cf(IMG), start, end, data_format="channels_first")
    np.testing.assert_allclose(_np(cf), _cf(_np(kimage.perspective_transform(IMG, start, end))))


def test_elastic_transform():
    a = kimage.elastic_transform(IMG, seed=3)
    b = kimage.elastic_transform(IMG, seed=3)
    assert a.shape == IMG.shape and a.dtype == ember.float32
    np.testing.assert_array_equal(_np(a), _np(b))
    assert not np.allclose(_np(a), _np(kimage.elastic_transform(IMG, seed=4)))
    np.testing.assert_allclose(_np(kimage.elastic_transform(IMG, alpha=0.0, seed=1)), IMG,
                               atol=1e-6)
    flat = np.full((2, 6, 7, 2), 0.25, "float32")
    np.testing.assert_allclose(_np(kimage.elastic_transform(flat, seed=5, sigma=1.0)), 0.25,
                               atol=1e-6)
    cf = kimage.elastic_transform(_cf(IMG), seed=3, data_format="channels_first")
    np.testing.assert_allclose(_np(cf), _cf(_np(a)), atol=1e-6)
    assert kimage.elastic_transform(U8[0], seed=1, interpolation="nearest").dtype == ember.uint8


# -- filters and patches -------------------------------------------------------------------
@pytest.mark.parametrize("ksize,sigma", [((3, 5), (1.0, 2.0)), ((4, 2), (1.5, 0.7)),
                                         ((1, 7), (0.5, 3.0))])
def test_gaussian_blur(ksize, sigma):
    got = kimage.gaussian_blur(IMG, kernel_size=ksize, sigma=sigma)
    np.testing.assert_allclose(_np(got), ref_blur(IMG, ksize, sigma), atol=1e-6)
    cf = kimage.gaussian_blur(_cf(IMG), kernel_size=ksize, sigma=sigma,
                              data_format="channels_first")
    np.testing.assert_allclose(_np(cf), _cf(_np(got)), atol=1e-7)


def test_gaussian_blur_keras_constant_and_dtypes():
    keras_value = [[[5.33332, 6.47634], [9.17308, 10.82088], [12.55639, 14.35321],
                    [11.4232, 12.84452]],
                   [[16.16407, 17.67973], [23.99754, 26.03132], [28.09438, 30.18501],
                    [23.55769, 25.17614]],
                   [[11.10529, 11.91098], [16.0548, 17.12974], [18.2161, 19.31343],
                    [15.00614, 15.85229]]]
    got = kimage.gaussian_blur(RAMP[0], kernel_size=(3, 2), sigma=(0.8, 1.5))
    np.testing.assert_allclose(_np(got), keras_value, atol=2e-4)
    ints = kimage.gaussian_blur(U8)
    assert ints.dtype == ember.uint8
    np.testing.assert_array_equal(_np(ints), np.floor(ref_blur(U8, (3, 3), (1, 1)) + 0.5))


def test_sobel_edges():
    got = kimage.sobel_edges(IMG)
    assert got.shape == (2, 5, 6, 3, 2)
    np.testing.assert_allclose(_np(got), ref_sobel(IMG), atol=2e-6)
    cf = kimage.sobel_edges(_cf(IMG), data_format="channels_first")
    np.testing.assert_allclose(_np(cf), np.moveaxis(_np(got), 3, 1))
    keras_corner = [[[49.92874, 10.61539], [52.93198, 12.01431]],
                    [[53.6758, 23.43339], [55.84586, 25.44295]]]
    np.testing.assert_allclose(_np(kimage.sobel_edges(RAMP))[0, 0, :2], keras_corner,
                               atol=2e-4)
    ints = kimage.sobel_edges(U8.astype("int32"))
    assert ints.dtype == ember.int32
    np.testing.assert_array_equal(_np(ints), ref_sobel(U8))


def test_ssim():
    a, b = IMG, IMG[::-1] * 0.5 + 0.2
    np.testing.assert_allclose(_np(kimage.ssim(a, b, filter_size=3)),
                               ref_ssim(a, b, size=3), atol=2e-6)
    np.testing.assert_allclose(float(kimage.ssim(a[0], a[0] ** 2, max_val=2.0, filter_size=5,
                                                 filter_sigma=1.0)),
                               ref_ssim(a[:1], a[:1] ** 2, 2.0, 5, 1.0)[0], atol=2e-6)
    cf = kimage.ssim(_cf(a), _cf(b), filter_size=3, data_format="channels_first")
    np.testing.assert_allclose(_np(cf), ref_ssim(a, b, size=3), atol=2e-6)
    big = rng.uniform(0, 1, (12, 12, 1)).astype("float32")
    assert abs(float(kimage.ssim(big, big)) - 1.0) < 1e-6
    keras_value = 0.90485
    np.testing.assert_allclose(_np(kimage.ssim(RAMP / 30.0, (RAMP / 30.0) ** 2, filter_size=3)),
                               [keras_value], atol=1e-5)
    assert kimage.ssim(U8, U8[::-1], filter_size=3).dtype == ember.uint8


@pytest.mark.parametrize("size,strides,dilation,padding", [
    ((2, 3), None, 1, "valid"), (2, 1, 1, "same"), (3, (2, 1), 1, "same"),
    (2, 1, 2, "valid"), (2, 2, 2, "same")])
def test_extract_patches(size, strides, dilation, padding):
    got = kimage.extract_patches(IMG, size, strides, dilation, padding)
    sz = (size, size) if isinstance(size, int) else size
    st_ = sz if strides is None else ((strides, strides) if isinstance(strides, int)
                                      else strides)
    want = ref_patches(IMG, sz, st_, (dilation, dilation), padding)
    np.testing.assert_array_equal(_np(got), want)
    cf = kimage.extract_patches(_cf(IMG), size, strides, dilation, padding,
                                data_format="channels_first")
    np.testing.assert_array_equal(_np(cf), _cf(want))
    np.testing.assert_array_equal(_np(kimage.extract_patches(IMG[0], size, strides, dilation,
                                                             padding)), want[0])


def test_extract_patches_3d_and_ints():
    vol = rng.uniform(0, 1, (2, 4, 5, 6, 2)).astype("float32")
    got = kimage.extract_patches_3d(vol, (2, 2, 3))
    assert got.shape == (2, 2, 2, 2, 24)
    np.testing.assert_array_equal(_np(got), ref_patches(vol, (2, 2, 3), (2, 2, 3), (1, 1, 1),
                                                        "valid"))
    np.testing.assert_array_equal(_np(kimage.extract_patches(vol, (2, 2, 3))), _np(got))
    same = kimage.extract_patches_3d(vol[0], 2, strides=(1, 2, 1), padding="same")
    np.testing.assert_array_equal(_np(same), ref_patches(vol, (2, 2, 2), (1, 2, 1),
                                                         (1, 1, 1), "same")[0])
    cf = kimage.extract_patches_3d(np.moveaxis(vol, -1, 1), 2, data_format="channels_first")
    np.testing.assert_array_equal(_np(cf), np.moveaxis(_np(kimage.extract_patches_3d(vol, 2)),
                                                       -1, 1))
    ints = kimage.extract_patches(U8, 2)
    assert ints.dtype == ember.uint8
    np.testing.assert_array_equal(_np(ints), ref_patches(U8, (2, 2), (2, 2), (1, 1), "valid"))


def test_pad_and_crop_images():
    got = kimage.pad_images(IMG, 1, 2, target_height=8, target_width=9)
    np.testing.assert_array_equal(_np(got), np.pad(IMG, ((0, 0), (1, 2), (2, 1), (0, 0))))
    got = kimage.pad_images(IMG[0], None, 2, 1, 3, target_height=8)
    np.testing.assert_array_equal(_np(got), np.pad(IMG[0], ((2, 1), (2, 3), (0, 0))))
    got = kimage.pad_images(_cf(IMG), 1, 0, 1, 2, data_format="channels_first")
    np.testing.assert_array_equal(_np(got), np.pad(_cf(IMG), ((0, 0), (0, 0), (1, 1), (0, 2))))
    np.testing.assert_array_equal(
        _np(kimage.crop_images(IMG, 1, 2, target_height=3, target_width=2)), IMG[:, 1:4, 2:4])
    np.testing.assert_array_equal(_np(kimage.crop_images(IMG, None, 2, 1, 1, target_height=3)),
                                  IMG[:, 1:4, 2:5])
    np.testing.assert_array_equal(
        _np(kimage.crop_images(_cf(IMG), 1, 0, 1, 2, data_format="channels_first")),
        _cf(IMG)[:, :, 1:4, 0:4])
    assert kimage.pad_images(U8, 1, 1, 1, 1).dtype == ember.uint8


# =========================================================================================
# Gradients (float64, central finite differences)
# =========================================================================================
def _affine(x):
    return kimage.affine_transform(x, ember.constant([[0.8, 0.3, 0.4, -0.2, 1.1, 0.3, 0, 0]]))


GRAD_CASES = [
    OpCase("resize_bilinear", lambda x: kimage.resize(x, (4, 3)), None, [(1, 3, 2, 2)]),
    OpCase("resize_bicubic_aa", lambda x: kimage.resize(x, (2, 5), "bicubic", antialias=True),
           None, [(1, 4, 3, 1)]),
    OpCase("resize_lanczos3_cf", lambda x: kimage.resize(x, (3, 2), "lanczos3",
                                                         data_format="channels_first"),
           None, [(2, 4, 3)]),
    OpCase("resize_area", lambda x: kimage.resize(x, (2, 3), "area"), None, [(3, 4, 1)]),
    OpCase("scale_and_translate", lambda x, s, t: kimage.scale_and_translate(
        x, (4, 3), s, t, (0, 1), "cubic"), None, [(3, 4), (2,), (2,)],
        make_inputs=lambda r: [r.uniform(-1, 1, (3, 4)), np.array([1.3, 0.7]),
                               np.array([0.2, -0.25])]),
    OpCase("affine_bilinear", _affine, None, [(1, 3, 4, 2)]),
    OpCase("affine_reflect_cf", lambda x: kimage.affine_transform(
        x, ember.constant([1.2, 0.1, -0.4, 0.1, 0.9, 0.7, 0, 0]), fill_mode="reflect",
        data_format="channels_first"), None, [(2, 3, 4)]),
    OpCase("map_coordinates", lambda x, c: kimage.map_coordinates(x, c, 1, "mirror"), None,
           [(3, 4), (2, 5)],
           make_inputs=lambda r: [r.uniform(-1, 1, (3, 4)), r.uniform(0.1, 0.9, (2, 5))
                                  + np.array([[-1.0], [2.0]])]),
    OpCase("perspective", lambda x: kimage.perspective_transform(
        x, ember.constant([[0.0, 0.0], [0.0, 3.0], [4.0, 0.0], [4.0, 3.0]]),
        ember.constant([[0.3, 0.2], [0.1, 2.6], [3.7, 0.4], [4.2, 3.3]])), None, [(3, 4, 2)]),
    OpCase("gaussian_blur", lambda x: kimage.gaussian_blur(x, (3, 2), (0.8, 1.3)), None,
           [(1, 4, 3, 2)]),
    OpCase("sobel_edges", lambda x: kimage.sobel_edges(x), None, [(1, 3, 4, 2)]),
    OpCase("rgb_to_grayscale", lambda x: kimage.rgb_to_grayscale(x), None, [(2, 2, 3)]),
    OpCase("hsv_to_rgb", lambda x: kimage.hsv_to_rgb(x), None, [(1, 2, 3)],
           make_inputs=lambda r: [np.array([[[0.1, 0.5, 0.7], [0.6, 0.3, 0.9]]])]),
    OpCase("ssim", lambda a, b: kimage.ssim(a, b, filter_size=3), None, [(1, 4, 4, 1)] * 2,
           domain=(0.0, 1.0)),
    OpCase("extract_patches", lambda x: kimage.extract_patches(x, 2, 1, padding="same"), None,
           [(3, 3, 1)]),
    OpCase("crop_pad", lambda x: kimage.pad_images(kimage.crop_images(x, 1, 0, 0, 1), 0, 1, 2,
                                                   0), None, [(3, 3, 1)]),
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_gradients(case):
    check_grad(case)


@pytest.mark.parametrize("name", ["ssim", "map_coordinates", "rgb_to_hsv"])
def test_second_order(name):
    cases = {c.name: c for c in GRAD_CASES}
    cases["rgb_to_hsv"] = OpCase("rgb_to_hsv", lambda x: kimage.rgb_to_hsv(x), None, [(1, 2, 3)],
                                 make_inputs=lambda r: [np.array([[[0.1, 0.5, 0.7],
                                                                   [0.6, 0.3, 0.2]]])])
    case = cases[name]
    if name == "ssim":
        case = OpCase("ssim", case.fn, None, [(1, 3, 3, 1)] * 2, domain=(0.0, 1.0))
    check_grad(case)
    check_second_order(case)


def test_inside_ember_function():
    x = ember.constant(IMG)
    scale, shift = ember.constant([0.6, 1.7]), ember.constant([0.5, -1.2])
    calls = [
        lambda a, s, t: kimage.scale_and_translate(a, (2, 3, 9, 3), s, t, (1, 2), "cubic"),
        lambda a, s, t: kimage.affine_transform(a, ember.concat([s, t, s, t], 0),
                                                fill_mode="wrap"),
        lambda a, s, t: kimage.resize(kimage.gaussian_blur(a), (3, 8), "lanczos3"),
        lambda a, s, t: kimage.extract_patches(kimage.sobel_edges(a)[..., 0], 2, padding="same"),
    ]
    for fn in calls:
        np.testing.assert_allclose(_np(ember.function(fn)(x, scale, shift)),
                                   _np(fn(x, scale, shift)), rtol=1e-6)


# =========================================================================================
# Property tests
# =========================================================================================
@settings(max_examples=20, deadline=None)
@given(h=st.integers(1, 6), w=st.integers(1, 6), th=st.integers(1, 8), tw=st.integers(1, 8),
       method=st.sampled_from(["bilinear", "nearest", "bicubic", "lanczos3"]),
       antialias=st.booleans(), channels_first=st.booleans())
def test_resize_property(h, w, th, tw, method, antialias, channels_first):
    x = rng.uniform(-1, 1, (2, h, w, 2)).astype("float32")
    want = ref_resize(x, (th, tw), method, antialias)
    if channels_first:
        got = _np(kimage.resize(_cf(x), (th, tw), method, antialias,
                                data_format="channels_first"))
        want = _cf(want)
    else:
        got = _np(kimage.resize(x, (th, tw), method, antialias))
    np.testing.assert_allclose(got, want, atol=3e-6)


@settings(max_examples=20, deadline=None)
@given(h=st.integers(1, 7), w=st.integers(1, 7), kh=st.integers(1, 3), kw=st.integers(1, 3),
       sh=st.integers(1, 3), sw=st.integers(1, 3), d=st.integers(1, 2),
       padding=st.sampled_from(["valid", "same"]))
def test_extract_patches_property(h, w, kh, kw, sh, sw, d, padding):
    x = rng.uniform(-1, 1, (1, h, w, 2)).astype("float32")
    if padding == "valid" and min(h - (kh - 1) * d, w - (kw - 1) * d) < 1:
        return
    got = kimage.extract_patches(x, (kh, kw), (sh, sw), d, padding)
    np.testing.assert_array_equal(_np(got), ref_patches(x, (kh, kw), (sh, sw), (d, d), padding))


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3), order=st.sampled_from([0, 1]),
       mode=st.sampled_from(["constant", "nearest", "wrap", "mirror", "reflect"]),
       seed=st.integers(0, 1000))
def test_map_coordinates_property(shape, order, mode, seed):
    r = np.random.default_rng(seed)
    x = r.uniform(-1, 1, shape)
    coords = r.uniform(-4, 8, (len(shape), 6))
    got = kimage.map_coordinates(x, coords, order, fill_mode=mode, fill_value=0.7)
    np.testing.assert_allclose(_np(got), ref_map_coordinates(x, coords, order, mode, 0.7),
                               atol=1e-10)


# =========================================================================================
# Symbolic use
# =========================================================================================
def test_functional_model_matches_eager():
    inp = keras.Input((6, 8, 3))
    h = kimage.resize(inp, (4, 4), interpolation="bicubic")
    h = kimage.affine_transform(h, np.array([1.0, 0.1, 0.5, 0.0, 1.0, -0.5, 0, 0], "float32"),
                                fill_mode="nearest")
    g = kimage.rgb_to_grayscale(h)
    out = kimage.extract_patches(kimage.gaussian_blur(g), 2)
    assert out.shape == (None, 2, 2, 4)
    model = keras.Model(inp, out)
    data = rng.uniform(0, 1, (2, 6, 8, 3)).astype("float32")

    def eager(x):
        h = kimage.resize(x, (4, 4), interpolation="bicubic")
        h = kimage.affine_transform(h, np.array([1.0, 0.1, 0.5, 0.0, 1.0, -0.5, 0, 0],
                                                "float32"), fill_mode="nearest")
        return kimage.extract_patches(kimage.gaussian_blur(kimage.rgb_to_grayscale(h)), 2)

    np.testing.assert_allclose(_np(model(data)), _np(eager(data)), rtol=1e-6)


def test_symbolic_two_inputs():
    img = keras.Input((5, 6, 3))
    other = keras.Input((5, 6, 3))
    score = kimage.ssim(img, other, filter_size=3)
    edges = kimage.sobel_edges(img)
    model = keras.Model([img, other], [score, edges])
    a, b = IMG, IMG[::-1].copy()
    s, e = model([a, b])
    np.testing.assert_allclose(_np(s), _np(kimage.ssim(a, b, filter_size=3)), rtol=1e-6)
    np.testing.assert_allclose(_np(e), ref_sobel(a), atol=2e-6)


# =========================================================================================
# Errors
# =========================================================================================
@pytest.mark.parametrize("call,match", [
    (lambda: kimage.resize(IMG[0, 0], (2, 2)), "keras.ops.image.resize: Invalid images rank"),
    (lambda: kimage.resize(IMG, (2,)), "tuple of 2"),
    (lambda: kimage.resize(IMG, (0, 2)), "positive"),
    (lambda: kimage.resize(IMG, (2, 2), interpolation="cubic"), "interpolation"),
    (lambda: kimage.resize(IMG, (2, 2), fill_mode="reflect"), "fill_mode"),
    (lambda: kimage.resize(IMG, (2, 2), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True),
     "Only one of"),
    (lambda: kimage.rgb_to_grayscale(IMG[..., :2]), "channel size"),
    (lambda: kimage.rgb_to_hsv(U8), "expected float dtype"),
    (lambda: kimage.hsv_to_rgb(IMG[..., :2]), "3 channels"),
    (lambda: kimage.affine_transform(IMG, np.zeros(6)), "transform shape"),
    (lambda: kimage.affine_transform(IMG, np.zeros((1, 1, 8))), "transform rank"),
    (lambda: kimage.affine_transform(IMG, np.zeros((3, 8))), "3 transforms"),
    (lambda: kimage.affine_transform(IMG, AFFINES, fill_mode="edge"), "fill_mode"),
    (lambda: kimage.affine_transform(IMG, AFFINES, interpolation="bicubic"), "interpolation"),
    (lambda: kimage.map_coordinates(GRID, np.zeros((3, 2)), 1), "First dim"),
    (lambda: kimage.map_coordinates(GRID, np.zeros(2), 1), "at least rank 2"),
    (lambda: kimage.map_coordinates(GRID, np.zeros((2, 2)), 3), "order"),
    (lambda: kimage.perspective_transform(IMG, np.zeros((4, 3)), np.zeros((4, 3))),
     "start_points shape"),
    (lambda: kimage.perspective_transform(IMG, np.zeros((4, 2)), np.zeros((1, 4, 2))),
     "same shape"),
    (lambda: kimage.perspective_transform(IMG, [[0, 0], [1, 1], [2, 2], [3, 3]],
                                          [[0, 0], [1, 0], [0, 1], [1, 1]]), "collinear"),
    (lambda: kimage.gaussian_blur(IMG, sigma=(1.0, 0.0)), "sigma"),
    (lambda: kimage.gaussian_blur(IMG, kernel_size=(0, 3)), "kernel_size"),
    (lambda: kimage.sobel_edges(IMG[0]), "rank 4"),
    (lambda: kimage.ssim(IMG, IMG[:1]), "same shape"),
    (lambda: kimage.ssim(IMG, IMG), "filter_size=11"),
    (lambda: kimage.extract_patches(IMG, (1, 2, 3, 4)), "length 2 or 3"),
    (lambda: kimage.extract_patches(IMG, 2, padding="full"), "padding"),
    (lambda: kimage.extract_patches_3d(IMG, (2, 2, 2), strides=(1, 1)), "strides"),
    (lambda: kimage.scale_and_translate(IMG, (2, 3, 3, 3), [1.0], [0.0], (1, 2), "linear"),
     "one value per"),
    (lambda: kimage.scale_and_translate(IMG, (2, 3, 3, 3), [1.0, 1.0], [0.0, 0.0], (1, 2),
                                        "box"), "method"),
    (lambda: kimage.scale_and_translate(IMG, (3, 3, 3, 3), [1.0, 1.0], [0.0, 0.0], (1, 2),
                                        "linear"), "may only change"),
    (lambda: kimage.pad_images(IMG, 1, 1, 1, 1, target_height=9), "exactly two"),
    (lambda: kimage.pad_images(IMG, 4, 1, target_height=6, target_width=9), "bottom_padding"),
    (lambda: kimage.crop_images(IMG, -1, 1, 1, 1), "top_cropping must be >= 0"),
    (lambda: kimage.crop_images(IMG, 1, 1, target_height=5, target_width=2), "does not fit"),
    (lambda: kimage.elastic_transform(IMG, seed="x"), "seed"),
])
def test_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_extract_patches_size_type_error():
    with pytest.raises(TypeError, match="Invalid `size`"):
        kimage.extract_patches(IMG, 2.5)
