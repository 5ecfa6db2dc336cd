"""Python data to tensors: TensorFlow's default dtypes, never a silently wrapped value."""
import numpy as np
import pytest

import ember


@pytest.mark.parametrize("value, dtype", [
    (3, "int32"), ([1, 2], "int32"), (2 ** 31 - 1, "int32"), (-2 ** 31, "int32"),
    (2 ** 40, "int64"), ([1, 2 ** 40], "int64"), (-2 ** 31 - 1, "int64"),
    (1.5, "float32"), ([1.0, 2.0], "float32"), (1 + 2j, "complex128"), ([1j], "complex128"),
    (True, "bool"),
])
def test_python_data_takes_tensorflow_default_dtype(value, dtype):
    t = ember.constant(value)
    assert t.dtype.name == dtype
    np.testing.assert_array_equal(t.numpy(), np.asarray(value))


def test_numpy_arrays_keep_their_dtype():
    assert ember.constant(np.arange(3)).dtype == ember.int64
    assert ember.constant(np.ones(2, np.float64)).dtype == ember.float64
    assert ember.constant(np.ones(2, np.complex64)).dtype == ember.complex64


def test_explicit_dtype_that_cannot_hold_the_value_is_refused():
    with pytest.raises(TypeError, match="int32"):
        ember.constant(2 ** 40, dtype="int32")
