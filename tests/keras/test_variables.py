"""keras.Variable: dtype from the initial value (as Keras 3), or the one given."""
import numpy as np
import pytest

import ember
from ember import keras


@pytest.mark.parametrize("value, dtype", [
    (np.ones(2), "float64"), (np.ones(2, np.int32), "int32"), ([1, 2], "int32"),
    ([1.0], "float32"), (np.ones(2, np.float16), "float16"), (np.ones(2, bool), "bool"),
    (ember.constant([1, 2]), "int32"),
])
def test_value_keeps_its_dtype(value, dtype):
    v = keras.Variable(value)
    assert v.dtype.name == dtype
    np.testing.assert_array_equal(v.numpy(), np.asarray(value))


def test_given_dtype_and_initializers():
    assert keras.Variable(np.ones(2), dtype="float32").dtype == ember.float32
    v = keras.Variable("ones", shape=(2, 3), name="kernel")
    assert v.dtype == ember.float32 and v.shape == (2, 3) and v.name == "kernel"
