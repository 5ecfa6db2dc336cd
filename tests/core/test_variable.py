import numpy as np
import pytest

import ember


def test_assign_family():
    v = ember.Variable([1.0, 2.0], name="w")
    assert v.name == "w:0" and v.trainable and v.dtype == ember.float32
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub(ember.constant([0.5, 0.5]))
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    assert isinstance(v.read_value(), ember.Tensor)


def test_assign_checks_shape():
    v = ember.Variable(np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 2\)"):
        v.assign(np.zeros(3))


def test_variable_usable_as_tensor():
    v = ember.Variable([[1.0, 2.0]])
    np.testing.assert_allclose((v * 2).numpy(), [[2.0, 4.0]])
    np.testing.assert_allclose((v @ ember.ones((2, 1))).numpy(), [[3.0]])
    np.testing.assert_allclose(ember.exp(v).numpy(), np.exp([[1.0, 2.0]]), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(v), [[1.0, 2.0]])
    assert v.shape == (1, 2)


def test_variable_reads_are_snapshots_for_gradients():
    v = ember.Variable(2.0)
    with ember.GradientTape() as tape:
        y = v * v
        v.assign(100.0)
    # d(v*v)/dv at the value read (2.0), not after the assign
    assert float(tape.gradient(y, v)) == 4.0


def test_repr():
    v = ember.Variable([1.0], name="b")
    assert repr(v) == "<ember.Variable 'b:0' shape=(1,) dtype=float32, numpy=array([1.], " \
                      "dtype=float32)>"


def test_dtype_argument_casts():
    v = ember.Variable([1, 2], dtype="float64")
    assert v.dtype == ember.float64
