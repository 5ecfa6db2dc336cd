"""Integer inputs into layers that compute in floating point: Keras's dtypes, not NumPy's
promotion (int32 with float32 weights used to give float64; uint8 images into Conv2D cast
the float kernel to uint8 and returned garbage)."""
import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.layers.floating_inputs import as_floating, to_common_dtype


@pytest.mark.parametrize("layer, shape", [
    (lambda: keras.layers.Dense(3), (2, 4)),
    (lambda: keras.layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="c"), (2, 4)),
    (lambda: keras.layers.Conv1D(2, 3), (1, 6, 3)),
    (lambda: keras.layers.Conv2D(2, 3), (1, 5, 5, 3)),
    (lambda: keras.layers.Conv2DTranspose(2, 3), (1, 5, 5, 3)),
    (lambda: keras.layers.DepthwiseConv2D(3), (1, 5, 5, 3)),
    (lambda: keras.layers.SeparableConv2D(2, 3), (1, 5, 5, 3)),
])
@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.bool_])
def test_integer_inputs_compute_in_float32(layer, shape, dtype):
    layer = layer()
    x = (np.arange(np.prod(shape)).reshape(shape) % 7).astype(dtype)
    reference = layer(x.astype(np.float32)).numpy()
    out = layer(x)
    assert out.dtype == ember.float32
    np.testing.assert_allclose(out.numpy(), reference, rtol=1e-6, atol=1e-6)
    assert layer(ember.constant(x)).dtype == ember.float32


def test_integer_inputs_follow_the_compute_dtype_policy():
    layer = keras.layers.Dense(2, dtype="mixed_float16")
    assert layer(np.ones((1, 3), np.int32)).dtype == ember.float16
    assert keras.layers.Dense(2, dtype="float64")(np.ones((1, 3), np.int32)).dtype == \
        ember.float64


@pytest.mark.parametrize("layer", [keras.layers.Add, keras.layers.Subtract,
                                   keras.layers.Multiply, keras.layers.Average,
                                   keras.layers.Maximum, keras.layers.Minimum,
                                   keras.layers.Concatenate])
def test_merging_int32_with_float32_gives_float32(layer):
    a = np.arange(8).reshape(2, 4).astype(np.int32)
    b = np.linspace(0, 1, 8).reshape(2, 4).astype(np.float32)
    out = layer()([a, b])
    assert out.dtype == ember.float32
    reference = layer()([a.astype(np.float32), b]).numpy()
    np.testing.assert_allclose(out.numpy(), reference, rtol=1e-6)


def test_merging_follows_keras_promotion():
    ints = [np.ones((2, 3), np.uint8), np.ones((2, 3), np.int8)]
    assert keras.layers.Add()(ints).dtype == ember.int16
    halves = [np.ones((2, 3), np.float16), np.ones((2, 3), np.int32)]
    assert keras.layers.Concatenate()([ember.constant(h) for h in halves]).dtype == \
        ember.float32  # float16 is autocast to the float32 compute dtype first
    dot = keras.layers.Dot(axes=1)([np.ones((2, 3), np.int32), np.ones((2, 3), np.float32)])
    assert dot.dtype == ember.float32
    np.testing.assert_allclose(dot.numpy(), [[3.0], [3.0]])


def test_helpers_leave_floating_inputs_alone():
    half = ember.constant([1.5], ember.float16)
    assert as_floating(half, "float32") is half
    same = [ember.constant([1.0]), ember.constant([2.0])]
    assert all(a is b for a, b in zip(to_common_dtype(same), same))
