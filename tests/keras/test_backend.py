"""keras.backend: dtype names and checks, result_type, get_uid, clear_session (values
as Keras 3.15 on TensorFlow gives them)."""
import numpy as np
import pytest

import ember
from ember import keras

B = keras.backend


@pytest.mark.parametrize("dtype, name", [
    ("float16", "float16"), (np.float64, "float64"), (np.dtype("int8"), "int8"),
    (ember.float32, "float32"), (int, "int64"), (float, "float32"), (bool, "bool"),
    (str, "string"), ("int", "int64"), (None, "float32"), ("bfloat16", "bfloat16"),
])
def test_standardize_dtype(dtype, name):
    assert B.standardize_dtype(dtype) == name


def test_standardize_dtype_refuses_unknown_names():
    with pytest.raises(ValueError, match="Invalid dtype: float$"):
        B.standardize_dtype("float")


def test_kind_checks():
    assert [B.is_float_dtype(d) for d in ("float16", "bfloat16", "int32", "bool")] == \
        [True, True, False, False]
    assert [B.is_int_dtype(d) for d in ("uint8", "int64", "bool", "float32")] == \
        [True, True, False, False]


def test_result_type():
    assert B.result_type("int32", "float16") == "float16"
    assert B.result_type(int, "int8") == "int8"
    assert B.result_type(bool, "int8") == "int8"
    assert B.result_type(np.float64, "float32") == "float64"
    assert B.result_type(np.dtype("int64"), "int8") == "int64"   # not a weak Python int
    assert B.result_type() == "float32"


def test_get_uid_and_clear_session():
    B.clear_session()
    assert [B.get_uid("a"), B.get_uid("a"), B.get_uid("b"), B.get_uid()] == [1, 2, 1, 1]
    assert keras.layers.Dense(1).name == "dense"
    assert keras.layers.Dense(1).name == "dense_1"
    B.clear_session()
    assert B.get_uid("a") == 1
    assert keras.layers.Dense(1).name == "dense"


def test_is_keras_tensor_and_image_format():
    assert B.is_keras_tensor(keras.Input((2,)))
    assert not B.is_keras_tensor(np.ones(2))
    B.set_image_data_format("channels_first")
    try:
        assert B.image_data_format() == "channels_first"
    finally:
        B.set_image_data_format("channels_last")


def test_clear_session_takes_free_memory_and_data_format_errors_read_as_keras():
    B.clear_session(free_memory=False)
    assert keras.layers.Dense(1).name == "dense"
    with pytest.raises(ValueError, match=r"^The `data_format` argument must be one of "
                                         r"\{'channels_first', 'channels_last'\}. "
                                         r"Received: data_format=x$"):
        B.set_image_data_format("x")
    with pytest.raises(ValueError, match="Received: data_format=wide"):
        keras.layers.Conv2D(1, 1, data_format="wide")
