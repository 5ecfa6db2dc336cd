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


def test_scatter_nd_methods_eagerly_and_in_a_function():
    # values from tf.Variable.scatter_nd_update / scatter_nd_add (TF 2.21)
    v = ember.Variable([1.0, 2.0, 3.0, 4.0])
    assert v.scatter_nd_update([[0], [2]], [10.0, 30.0]) is v
    np.testing.assert_array_equal(v.numpy(), [10.0, 2.0, 30.0, 4.0])
    v.scatter_nd_add([[1], [1]], [5.0, 1.0])
    v.scatter_nd_sub([[0]], [1.0])
    v.scatter_nd_max([[3]], [5.0])
    v.scatter_nd_min([[2]], [-1.0])
    np.testing.assert_array_equal(v.numpy(), [9.0, 8.0, -1.0, 5.0])
    np.testing.assert_array_equal(v.sparse_read([3, 0]).numpy(), [5.0, 9.0])
    np.testing.assert_array_equal(v.gather_nd([[1]]).numpy(), [8.0])

    state = ember.Variable(ember.zeros([3]))

    @ember.function
    def put(i, value):
        state.scatter_nd_update([[i]], [value])   # a list holding traced tensors
        return state + 0

    np.testing.assert_array_equal(put(ember.constant(0), ember.constant(1.0)).numpy(),
                                  [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(put(ember.constant(2), ember.constant(5.0)).numpy(),
                                  [1.0, 0.0, 5.0])


def test_a_variable_created_with_an_open_shape_takes_new_shapes():
    # tf.Variable(..., shape=tf.TensorShape(None)).assign(ones([3])) works in TF
    v = ember.Variable(ember.zeros([2, 2]), shape=ember.TensorShape(None))
    v.assign(ember.ones([3]))
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0, 1.0])
    w = ember.Variable(ember.zeros([2, 2]), shape=[None, 2])
    w.assign(ember.ones([3, 2]))
    assert w.numpy().shape == (3, 2)
    with pytest.raises(ValueError, match="does not match"):
        w.assign(ember.ones([3]))
    with pytest.raises(ValueError, match="does not match"):
        ember.Variable([1.0, 2.0]).assign([1.0, 2.0, 3.0])
