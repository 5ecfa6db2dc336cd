"""ember.image.resize and resize_with_pad: values against TensorFlow 2.21 (constants
recorded from it) and NumPy references of its kernels, dtypes, gradients, shapes."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_grad, check_second_order

import ember
from ember import image
from ember.ops.image import resize as R

X = (np.arange(12, dtype=np.float64).reshape(1, 3, 4, 1) ** 1.5 / 10).astype(np.float32)

# tf.image.resize(X, size, method, antialias=...)[0, :, :, 0], recorded from TensorFlow 2.21
RESIZE = {
    ('bilinear', False, (2, 5)):
        [[0.2, 0.308156, 0.467032, 0.661504, 0.852718],
         [1.897056, 2.182273, 2.52182, 2.877159, 3.199222]],
    ('bilinear', False, (5, 3)):
        [[0.016667, 0.191421, 0.480153], [0.351202, 0.632398, 1.003414],
         [0.853006, 1.293864, 1.788304], [1.742573, 2.276229, 2.855693],
         [2.335618, 2.931139, 3.567286]],
    ('bilinear', True, (2, 5)):
        [[0.3, 0.427234, 0.604837, 0.815319, 1.019269],
         [1.714214, 1.988998, 2.317161, 2.661698, 2.974689]],
    ('bilinear', True, (5, 3)):
        [[0.03, 0.191421, 0.448584], [0.376164, 0.632398, 0.964081],
         [0.89541, 1.293864, 1.737326], [1.794516, 2.276229, 2.796422],
         [2.393919, 2.931139, 3.502485]],
    ('nearest', False, (2, 5)):
        [[0.0, 0.1, 0.282843, 0.282843, 0.519615],
         [2.262742, 2.7, 3.162278, 3.162278, 3.648287]],
    ('nearest', False, (5, 3)):
        [[0.0, 0.282843, 0.519615], [0.0, 0.282843, 0.519615], [0.8, 1.469694, 1.852026],
         [2.262742, 3.162278, 3.648287], [2.262742, 3.162278, 3.648287]],
    ('nearest', True, (2, 5)):
        [[0.0, 0.1, 0.282843, 0.282843, 0.519615],
         [2.262742, 2.7, 3.162278, 3.162278, 3.648287]],
    ('nearest', True, (5, 3)):
        [[0.0, 0.282843, 0.519615], [0.0, 0.282843, 0.519615], [0.8, 1.469694, 1.852026],
         [2.262742, 3.162278, 3.648287], [2.262742, 3.162278, 3.648287]],
    ('bicubic', False, (2, 5)):
        [[0.11381, 0.20451, 0.357081, 0.559665, 0.744451],
         [1.984573, 2.272749, 2.641424, 3.030416, 3.356816]],
    ('bicubic', False, (5, 3)):
        [[-0.05276, 0.099268, 0.395099], [0.232303, 0.498189, 0.877317],
         [0.832414, 1.289845, 1.812278], [1.826378, 2.402374, 3.029888],
         [2.41895, 3.051821, 3.73279]],
    ('bicubic', True, (2, 5)):
        [[0.213817, 0.327691, 0.504484, 0.726726, 0.92604],
         [1.765509, 2.043159, 2.399258, 2.77616, 3.09292]],
    ('bicubic', True, (5, 3)):
        [[-0.049462, 0.103211, 0.372986], [0.243832, 0.500844, 0.850102],
         [0.858481, 1.2916, 1.777654], [1.860995, 2.40444, 2.989839],
         [2.456501, 3.053032, 3.688732]],
    ('area', False, (2, 5)):
        [[0.266667, 0.396175, 0.558902, 0.749783, 0.963752],
         [1.775161, 2.073299, 2.385381, 2.710946, 3.049533]],
    ('area', False, (5, 3)):
        [[0.025, 0.191421, 0.460422], [0.309836, 0.558902, 0.892429],
         [0.879508, 1.293864, 1.756443], [1.874541, 2.385381, 2.936671],
         [2.372056, 2.931138, 3.526784]],
    ('area', True, (2, 5)):
        [[0.266667, 0.396175, 0.558902, 0.749783, 0.963752],
         [1.775161, 2.073299, 2.385381, 2.710946, 3.049533]],
    ('area', True, (5, 3)):
        [[0.025, 0.191421, 0.460422], [0.309836, 0.558902, 0.892429],
         [0.879508, 1.293864, 1.756443], [1.874541, 2.385381, 2.936671],
         [2.372056, 2.931138, 3.526784]],
    ('lanczos3', False, (2, 5)):
        [[0.053601, 0.134583, 0.276311, 0.496227, 0.666039],
         [2.024986, 2.302194, 2.689482, 3.106415, 3.417305]],
    ('lanczos3', False, (5, 3)):
        [[-0.034435, 0.105294, 0.413566], [0.124383, 0.369349, 0.748302],
         [0.826259, 1.284678, 1.818305], [1.89953, 2.499587, 3.153945],
         [2.431849, 3.064919, 3.755824]],
    ('lanczos3', True, (2, 5)):
        [[0.165984, 0.269612, 0.438701, 0.678743, 0.862981],
         [1.79845, 2.064569, 2.437001, 2.840189, 3.141252]],
    ('lanczos3', True, (5, 3)):
        [[-0.032161, 0.116873, 0.395389], [0.133367, 0.378554, 0.726675],
         [0.848392, 1.289845, 1.789076], [1.929647, 2.503318, 3.118704],
         [2.463484, 3.068893, 3.718733]],
    ('lanczos5', False, (2, 5)):
        [[-0.012777, 0.080552, 0.196299, 0.412812, 0.589476],
         [2.061327, 2.379116, 2.748353, 3.153151, 3.50035]],
    ('lanczos5', False, (5, 3)):
        [[0.039556, 0.173347, 0.493447], [0.05156, 0.267044, 0.635045],
         [0.840421, 1.280676, 1.804954], [1.983804, 2.579392, 3.23105],
         [2.399968, 2.99809, 3.664704]],
    ('lanczos5', True, (2, 5)):
        [[0.139583, 0.261095, 0.408233, 0.645915, 0.842311],
         [1.799859, 2.101047, 2.451097, 2.839499, 3.172403]],
    ('lanczos5', True, (5, 3)):
        [[0.036452, 0.192122, 0.481323], [0.052013, 0.282414, 0.622125],
         [0.849535, 1.289143, 1.788972], [1.998011, 2.585042, 3.21226],
         [2.413665, 3.004992, 3.645409]],
    ('gaussian', False, (2, 5)):
        [[0.228348, 0.332199, 0.487914, 0.678994, 0.855007],
         [1.903051, 2.164192, 2.490808, 2.833385, 3.127095]],
    ('gaussian', False, (5, 3)):
        [[0.069328, 0.254618, 0.544861], [0.360164, 0.633845, 0.992749],
         [0.934736, 1.350827, 1.822602], [1.75696, 2.27408, 2.83472],
         [2.268681, 2.837283, 3.445172]],
    ('gaussian', True, (2, 5)):
        [[0.408012, 0.535295, 0.715913, 0.928506, 1.121028],
         [1.65409, 1.898405, 2.206184, 2.531499, 2.811595]],
    ('gaussian', True, (5, 3)):
        [[0.086179, 0.26094, 0.511712], [0.387146, 0.638979, 0.952534],
         [0.977957, 1.354182, 1.770734], [1.811385, 2.276702, 2.773537],
         [2.328745, 2.83965, 3.379008]],
    ('mitchellcubic', False, (2, 5)):
        [[0.16983, 0.265364, 0.423598, 0.626509, 0.803769],
         [1.935672, 2.203796, 2.559193, 2.933731, 3.236869]],
    ('mitchellcubic', False, (5, 3)):
        [[0.000535, 0.167126, 0.458356], [0.290958, 0.560272, 0.928666],
         [0.886314, 1.321235, 1.81706], [1.79379, 2.339368, 2.932481],
         [2.358386, 2.958418, 3.602216]],
    ('mitchellcubic', True, (2, 5)):
        [[0.305089, 0.423023, 0.605984, 0.829496, 1.021611],
         [1.707216, 1.962191, 2.301704, 2.661494, 2.953559]],
    ('mitchellcubic', True, (5, 3)):
        [[0.008854, 0.172464, 0.432524], [0.30845, 0.564515, 0.897251],
         [0.918451, 1.323843, 1.776366], [1.835126, 2.341403, 2.884465],
         [2.404113, 2.960292, 3.550339]],
}


@pytest.mark.parametrize("key", sorted(RESIZE), ids=str)
def test_matches_tensorflow(key):
    method, antialias, size = key
    out = image.resize(X, size, method=method, antialias=antialias)
    assert out.dtype == ember.float32
    np.testing.assert_allclose(out.numpy()[0, :, :, 0], RESIZE[key], atol=2e-6)


# -- NumPy references of TensorFlow's kernels, one output pixel at a time -----------------
def _ref_bilinear(n_in, n_out):
    w = np.zeros((n_in, n_out))
    for o in range(n_out):
        pos = (o + 0.5) * n_in / n_out - 0.5
        lo = int(np.floor(pos))
        frac = pos - lo
        w[min(max(lo, 0), n_in - 1), o] += 1 - frac
        w[min(max(lo + 1, 0), n_in - 1), o] += frac
    return w


def _ref_area(n_in, n_out):
    w = np.zeros((n_in, n_out))
    scale = n_in / n_out
    for o in range(n_out):
        lo, hi = o * scale, (o + 1) * scale
        for i in range(int(np.floor(lo)), int(np.ceil(hi))):
            w[min(i, n_in - 1), o] += (min(i + 1, hi) - max(i, lo)) / scale
    return w


def _keys(x):
    x = abs(x)
    return (1.5 * x - 2.5) * x * x + 1 if x < 1 else \
        ((-0.5 * x + 2.5) * x - 4) * x + 2 if x < 2 else 0.0


def _ref_bicubic(n_in, n_out):
    """Half-pixel Keys cubic, fractional position rounded to 1/1024 (TF's table)."""
    w = np.zeros((n_in, n_out))
    for o in range(n_out):
        pos = (o + 0.5) * n_in / n_out - 0.5
        lo = int(np.floor(pos))
        frac = np.rint((pos - lo) * 1024) / 1024
        taps = [(lo + k, _keys(frac - k)) for k in (-1, 0, 1, 2)]
        taps = [(i, v) for i, v in taps if 0 <= i < n_in]
        total = sum(v for _, v in taps)
        for i, v in taps:
            w[i, o] += v / total
    return w


def _lanczos(r):
    return lambda x: 1.0 if abs(x) < 1e-3 else 0.0 if abs(x) > r else \
        r * np.sin(np.pi * x) * np.sin(np.pi * x / r) / (np.pi * x) ** 2


_KERNELS = {"bilinear": lambda x: max(1 - abs(x), 0.0), "bicubic": _keys,
            "lanczos3": _lanczos(3), "lanczos5": _lanczos(5),
            "gaussian": lambda x: np.exp(-2 * x * x) if abs(x) < 1.5 else 0.0,
            "mitchellcubic": lambda x: (7 / 6 * abs(x) - 2) * x * x + 8 / 9 if abs(x) < 1
            else ((-7 / 18 * abs(x) + 2) * abs(x) - 10 / 3) * abs(x) + 16 / 9
            if abs(x) < 2 else 0.0}


def _ref_scaled(method, n_in, n_out, antialias):
    """ScaleAndTranslate: kernel((i + 0.5 - sample) / k), each column normalised."""
    scale = n_out / n_in
    k = max(1 / scale, 1.0) if antialias else 1.0
    w = np.zeros((n_in, n_out))
    for o in range(n_out):
        sample = (o + 0.5) / scale
        col = np.array([_KERNELS[method]((i + 0.5 - sample) / k) for i in range(n_in)])
        w[:, o] = col / col.sum()
    return w


SIZES = [(3, 7), (7, 3), (5, 5), (1, 4), (4, 1), (6, 4)]


@pytest.mark.parametrize("n_in,n_out", SIZES)
def test_weights_match_references(n_in, n_out):
    np.testing.assert_allclose(R.tf_weights("bilinear", n_in, n_out), _ref_bilinear(n_in, n_out),
                               atol=1e-6)
    np.testing.assert_allclose(R.tf_weights("area", n_in, n_out), _ref_area(n_in, n_out),
                               atol=1e-6)
    np.testing.assert_allclose(R.tf_weights("bicubic", n_in, n_out), _ref_bicubic(n_in, n_out),
                               atol=1e-6)
    for method in _KERNELS:
        for aa in (False, True):
            if method in ("bilinear", "bicubic") and not aa:
                continue
            np.testing.assert_allclose(R.tf_weights(method, n_in, n_out, aa),
                                       _ref_scaled(method, n_in, n_out, aa), atol=1e-5,
                                       err_msg=f"{method} antialias={aa}")


@pytest.mark.parametrize("n_in,n_out", SIZES)
def test_nearest_indices(n_in, n_out):
    want = [min(int(np.floor((o + 0.5) * np.float32(n_in / n_out))), n_in - 1)
            for o in range(n_out)]
    assert R.tf_nearest_indices(n_in, n_out).tolist() == want


def test_bilinear_values_against_reference_4d():
    rng = np.random.default_rng(0)
    x = rng.random((2, 4, 5, 3)).astype(np.float32)
    want = np.einsum("bhwc,hH,wW->bHWc", x, _ref_bilinear(4, 7), _ref_bilinear(5, 2))
    np.testing.assert_allclose(image.resize(x, (7, 2)).numpy(), want, atol=1e-6)


def test_dtypes_and_ranks():
    u8 = (np.arange(24) * 10).astype(np.uint8).reshape(2, 4, 3)
    out = image.resize(u8, (3, 5))
    assert out.dtype == ember.float32 and out.shape == (3, 5, 3)
    assert image.resize(u8, (3, 5), method="nearest").dtype == ember.uint8
    near = image.resize(u8, [4, 6], method=image.ResizeMethod.NEAREST_NEIGHBOR).numpy()
    np.testing.assert_array_equal(near, u8[[0, 0, 1, 1]][:, [0, 1, 1, 2, 3, 3]])
    assert image.resize(np.ones((1, 2, 2, 1)), (3, 3)).dtype == ember.float32   # float64 in
    assert image.resize(np.ones((2, 2, 1), np.float16), (3, 3)).dtype == ember.float32
    assert image.resize(X, ember.constant([2, 5])).shape == (1, 2, 5, 1)
    # integer images are resized as their values, not as fractions of their range
    np.testing.assert_allclose(image.resize(u8[..., :1], (2, 4)).numpy().max(), 200.0, atol=30)


def test_preserve_aspect_ratio():
    x = np.ones((1, 10, 20, 3), np.float32)
    assert image.resize(x, (8, 8), preserve_aspect_ratio=True).shape == (1, 4, 8, 3)
    assert image.resize(x, (30, 15), preserve_aspect_ratio=True).shape == (1, 8, 15, 3)
    assert image.resize(x[0], (5, 40), preserve_aspect_ratio=True).shape == (5, 10, 3)


def test_resize_with_pad():
    # tf.image.resize_with_pad(ones((2, 4, 1)), 4, 4) and a 5 x 6 ramp to (3, 9)
    out = image.resize_with_pad(np.ones((2, 4, 1), np.float32), 4, 4)[..., 0].numpy()
    np.testing.assert_array_equal(out, [[0] * 4, [1] * 4, [1] * 4, [0] * 4])
    x = np.arange(30, dtype=np.float32).reshape(5, 6, 1)
    out = image.resize_with_pad(x, 3, 9, method="nearest")
    assert out.shape == (3, 9, 1) and out.dtype == ember.float32
    # resized to 3 x 3 (3.6 wide before flooring), padded floor((9 - 3.6) / 2) = 2 on the left
    np.testing.assert_array_equal(out[..., 0].numpy()[:, :2], 0)
    np.testing.assert_array_equal(out[..., 0].numpy()[:, 2:5], x[[0, 2, 4]][:, [1, 3, 5], 0])
    np.testing.assert_array_equal(out[..., 0].numpy()[:, 5:], 0)
    u8 = np.full((2, 3, 4, 1), 7, np.uint8)
    assert image.resize_with_pad(u8, 6, 4, method="nearest").dtype == ember.uint8


# -- gradients (float64, through the private kernel that keeps the dtype) ------------------
def _resizer(method, size, antialias=False):
    return lambda x: R._resample_hw(x, size[0], size[1], method, antialias, out_dtype=None)


GRAD_CASES = [
    OpCase(f"{m}{'_aa' if aa else ''}_{s[0]}x{s[1]}", _resizer(m, s, aa), None, [(1, 3, 4, 2)],
           dtypes=("float64",), second_order=(m == "bilinear"))
    for m, aa, s in [("bilinear", False, (5, 3)), ("bicubic", False, (2, 6)),
                     ("area", False, (2, 3)), ("lanczos3", True, (2, 7)),
                     ("bilinear", True, (2, 2))]
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: c.name)
def test_gradient(case):
    check_grad(case)


def test_second_order_bilinear():
    check_second_order(GRAD_CASES[0])


def test_public_gradient_float32():
    x = ember.constant(np.random.default_rng(1).random((1, 3, 3, 1)).astype(np.float32))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.reduce_sum(image.resize(x, (6, 6), method="bicubic"))
    g = tape.gradient(y, x)
    # the columns of the weight matrices sum to 1: every input pixel spreads 6*6/(3*3)
    np.testing.assert_allclose(np.sum(g.numpy()), 36.0, rtol=1e-5)


# -- shapes and invariants, drawn ------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 6), w=st.integers(1, 6), oh=st.integers(1, 8), ow=st.integers(1, 8),
       method=st.sampled_from(R.TF_METHODS), antialias=st.booleans(), batched=st.booleans())
def test_constant_images_stay_constant(h, w, oh, ow, method, antialias, batched):
    shape = (2, h, w, 3) if batched else (h, w, 3)
    out = image.resize(np.full(shape, 0.5, np.float32), (oh, ow), method=method,
                       antialias=antialias)
    assert tuple(out.shape) == ((2, oh, ow, 3) if batched else (oh, ow, 3))
    np.testing.assert_allclose(out.numpy(), 0.5, atol=1e-5)


def test_errors():
    with pytest.raises(ValueError, match=r"ember.image.resize: .*rank.*\(4, 4\)"):
        image.resize(np.ones((4, 4)), (2, 2))
    with pytest.raises(ValueError, match="ember.image.resize: Resize method is not implemented"):
        image.resize(np.ones((4, 4, 1)), (2, 2), method="cubic")
    with pytest.raises(ValueError, match="ember.image.resize: 'size'"):
        image.resize(np.ones((4, 4, 1)), (2, 2, 2))
    with pytest.raises(ValueError, match="ember.image.resize: the output size must be positive"):
        image.resize(np.ones((4, 4, 1)), (0, 2))
    with pytest.raises(ValueError, match="ember.image.resize_with_pad: target_width must be > 0"):
        image.resize_with_pad(np.ones((4, 4, 1)), 3, 0)
