"""Flips, transposes, rotations and extract_patches against NumPy."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opcheck import OpCase, check_grad

import ember
from ember import image

X = np.random.default_rng(0).random((2, 3, 4, 2)).astype(np.float32)


@pytest.mark.parametrize("x", [X, X[0], (X * 100).astype(np.uint8)], ids=["4d", "3d", "uint8"])
def test_flips_and_transpose(x):
    h, w = (0, 1) if x.ndim == 3 else (1, 2)
    np.testing.assert_array_equal(image.flip_left_right(x).numpy(), np.flip(x, w))
    np.testing.assert_array_equal(image.flip_up_down(x).numpy(), np.flip(x, h))
    np.testing.assert_array_equal(image.transpose(x).numpy(), np.swapaxes(x, h, w))
    assert image.flip_left_right(x).dtype == ember.as_dtype(x.dtype)


@settings(max_examples=25, deadline=None)
@given(k=st.integers(-6, 6), h=st.integers(1, 4), w=st.integers(1, 4), batched=st.booleans())
def test_rot90(k, h, w, batched):
    x = np.arange((2 if batched else 1) * h * w * 2).reshape((2, h, w, 2) if batched
                                                             else (h, w, 2))
    axes = (1, 2) if batched else (0, 1)
    np.testing.assert_array_equal(image.rot90(x, k).numpy(), np.rot90(x, k, axes=axes))


def test_rot90_tensor_k_and_gradient():
    x = ember.constant(X)
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = image.rot90(x, ember.constant(3))
        loss = ember.reduce_sum(y * ember.constant(np.rot90(X, 3, axes=(1, 2))))
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), X, rtol=1e-6)


def _ref_patches(x, size, stride, rate, padding):
    b, h, w, c = x.shape
    eff = [(size[i] - 1) * rate[i] + 1 for i in range(2)]
    if padding == "SAME":
        out = [-(-n // s) for n, s in zip((h, w), stride)]
        pad = [max((o - 1) * s + e - n, 0) for o, s, e, n in zip(out, stride, eff, (h, w))]
        x = np.pad(x, [(0, 0), (pad[0] // 2, pad[0] - pad[0] // 2),
                       (pad[1] // 2, pad[1] - pad[1] // 2), (0, 0)])
    else:
        out = [(n - e) // s + 1 for n, e, s in zip((h, w), eff, stride)]
    res = np.zeros((b, out[0], out[1], size[0] * size[1] * c), x.dtype)
    for i in range(out[0]):
        for j in range(out[1]):
            r0, c0 = i * stride[0], j * stride[1]
            patch = x[:, r0:r0 + eff[0]:rate[0], c0:c0 + eff[1]:rate[1]]
            res[:, i, j] = patch.reshape(b, -1)
    return res


PATCH_ARGS = [((2, 2), (2, 2), (1, 1), "VALID"), ((3, 2), (1, 2), (2, 1), "SAME"),
              ((2, 3), (3, 1), (1, 2), "VALID"), ((4, 4), (3, 3), (1, 1), "SAME"),
              ((1, 1), (1, 1), (1, 1), "VALID")]


@pytest.mark.parametrize("size,stride,rate,padding", PATCH_ARGS)
def test_extract_patches(size, stride, rate, padding):
    x = np.random.default_rng(1).random((2, 5, 6, 3)).astype(np.float32)
    out = image.extract_patches(x, [1, *size, 1], [1, *stride, 1], [1, *rate, 1], padding)
    np.testing.assert_array_equal(out.numpy(), _ref_patches(x, size, stride, rate, padding))


PATCH_GRAD = OpCase("extract_patches", lambda x: image.extract_patches(
    x, [1, 2, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "SAME"), None, [(1, 3, 4, 2)],
    dtypes=("float64",))


def test_extract_patches_gradient():
    check_grad(PATCH_GRAD)


def test_errors():
    with pytest.raises(ValueError, match=r"ember.image.flip_left_right: 'image' must have rank "
                                         r"3 .* got shape \(2, 2\)"):
        image.flip_left_right(np.ones((2, 2)))
    with pytest.raises(TypeError, match="ember.image.rot90: k must be an integer"):
        image.rot90(X, 1.5)
    with pytest.raises(ValueError, match=r"ember.image.extract_patches: 'sizes' must be "
                                         r"\[1, rows, cols, 1\]"):
        image.extract_patches(X, [2, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match="ember.image.extract_patches: padding"):
        image.extract_patches(X, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "FULL")


def test_extract_patches_of_an_empty_batch():
    """A reshape with -1 on zero elements raised; TF returns the empty patches."""
    out = image.extract_patches(np.zeros((0, 7, 9, 3), np.float32), [1, 3, 3, 1],
                                [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    assert out.shape == (0, 5, 7, 27)


def test_rot90_with_k_known_only_inside_a_function():
    """tf.image.rot90(x, tf.random.uniform([], 0, 4, tf.int32)) is a common augmentation
    inside tf.function; Ember refused the traced k (it needed its value)."""
    x = ember.constant(np.random.default_rng(0).uniform(size=(2, 5, 5, 3)), "float32")
    f = ember.function(lambda img, k: image.rot90(img, k))
    for k in range(-2, 6):
        np.testing.assert_array_equal(f(x, ember.constant(k)).numpy(),
                                      np.rot90(x.numpy(), k, axes=(1, 2)))
    w = ember.constant(np.arange(75.0, dtype=np.float32).reshape(5, 5, 3))
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = ember.reduce_sum(f(x, ember.constant(1)) * w)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy()[0],
                                  np.rot90(w.numpy(), -1, axes=(0, 1)))
    with pytest.raises(ember.errors.InvalidArgumentError, match="square images"):
        f(x[:, :4], ember.constant(1))
