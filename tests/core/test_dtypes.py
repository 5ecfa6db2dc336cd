import numpy as np
import pytest

import ember


def test_dtype_objects_compare_with_names_and_numpy():
    assert ember.float32 == "float32" and ember.float32 == np.float32
    assert ember.float32 != ember.float64
    assert ember.as_dtype("int64") is ember.int64
    assert ember.bool.name == "bool" and ember.bool.is_bool
    assert ember.int8.is_integer and ember.uint8.is_unsigned and ember.float16.is_floating
    assert repr(ember.float32) == "ember.float32"


def test_python_defaults_are_32_bit():
    assert ember.constant(1.0).dtype == ember.float32
    assert ember.constant([1, 2]).dtype == ember.int32
    assert ember.constant(True).dtype == ember.bool
    assert ember.constant(np.float64(1.0)).dtype == ember.float64
    assert ember.constant(np.arange(3)).dtype == ember.int64


@pytest.mark.parametrize("dtype", ["bool", "int8", "int16", "int32", "int64", "uint8",
                                   "float16", "float32", "float64"])
def test_every_dtype_makes_tensors(dtype):
    t = ember.constant([0, 1], dtype=dtype)
    assert t.dtype == dtype and t.numpy().dtype == np.dtype(dtype)


def test_weak_python_scalars_keep_tensor_dtype():
    for dtype in ("float16", "float32", "float64"):
        t = ember.ones((2,), dtype=dtype)
        assert (t * 2.0).dtype == dtype
        assert (2.5 + t).dtype == dtype
    assert (ember.constant([1, 2], dtype="int8") + 1).dtype == ember.int8
    # a Python float with an integer tensor gives float32, not NumPy's float64
    assert (ember.constant([1, 2]) * 2.5).dtype == ember.float32


def test_tensor_tensor_promotion_is_numpy_like():
    a = ember.ones((2,), dtype="float32")
    b = ember.ones((2,), dtype="float64")
    assert (a + b).dtype == ember.float64
    c = ember.ones((2,), dtype="float16")
    assert (a + c).dtype == ember.float32


def test_cast():
    t = ember.cast(ember.constant([1.7, -1.7, 0.0]), "int32")
    assert t.numpy().tolist() == [1, -1, 0] and t.dtype == ember.int32
    assert ember.cast(ember.constant([0.0, 2.0]), ember.bool).numpy().tolist() == [False, True]


def test_bfloat16_with_ml_dtypes():
    pytest.importorskip("ml_dtypes")
    t = ember.constant([1.0, 2.5], dtype=ember.bfloat16)
    assert t.dtype == ember.bfloat16 and t.dtype.is_floating
    assert (t * 2.0).dtype == ember.bfloat16
    np.testing.assert_allclose(np.asarray(t * 2.0, dtype=np.float32), [2.0, 5.0])
    x = ember.Variable(np.ones(3), dtype=ember.bfloat16)
    with ember.GradientTape() as tape:
        y = ember.reduce_sum(x * x)
    assert tape.gradient(y, x).dtype == ember.bfloat16


def test_unknown_dtype_is_a_clear_error():
    with pytest.raises(TypeError, match="Cannot interpret"):
        ember.as_dtype("float7")
    with pytest.raises(TypeError, match="strings"):
        ember.constant(["a"])
