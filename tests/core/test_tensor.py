import numpy as np
import pytest

import ember


def test_repr_like_tensorflow():
    t = ember.constant([1.0, 2.0])
    assert repr(t) == ("<ember.Tensor: shape=(2,), dtype=float32, "
                       "numpy=array([1., 2.], dtype=float32)>")
    assert repr(ember.constant(3)) == "<ember.Tensor: shape=(), dtype=int32, numpy=3>"


def test_shape_behaves_like_tuple():
    t = ember.zeros((2, 3))
    assert t.shape == (2, 3)
    assert t.shape[0] == 2 and t.shape.as_list() == [2, 3]
    assert t.shape.rank == 2 and t.ndim == 2
    assert isinstance(t.shape[1:], ember.TensorShape)
    assert repr(t.shape) == "TensorShape([2, 3])"


def test_numpy_and_array_protocol():
    t = ember.constant([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(t.numpy(), np.ndarray)
    np.testing.assert_array_equal(np.asarray(t), t.numpy())
    np.testing.assert_allclose(np.exp(t), np.exp(t.numpy()))
    assert np.sum(t) == 10.0


def test_python_operators():
    a = ember.constant([1.0, 2.0, 4.0])
    b = ember.constant([2.0, 2.0, 2.0])
    cases = {
        "+": (a + b, [3, 4, 6]), "-": (a - b, [-1, 0, 2]), "*": (a * b, [2, 4, 8]),
        "/": (a / b, [0.5, 1, 2]), "//": (a // b, [0, 1, 2]), "%": (a % b, [1, 0, 0]),
        "**": (a ** b, [1, 4, 16]), "neg": (-a, [-1, -2, -4]), "abs": (abs(-a), [1, 2, 4]),
        "r+": (1.0 + a, [2, 3, 5]), "r-": (1.0 - a, [0, -1, -3]), "r*": (2 * a, [2, 4, 8]),
        "r/": (4.0 / a, [4, 2, 1]), "r**": (2.0 ** a, [2, 4, 16]),
    }
    for name, (got, want) in cases.items():
        np.testing.assert_allclose(got.numpy(), want, err_msg=name)
        assert got.dtype == ember.float32, name
    m = ember.constant([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose((m @ m).numpy(), m.numpy() @ m.numpy())


def test_comparisons_are_elementwise():
    a = ember.constant([1, 2, 3])
    assert (a < 2).numpy().tolist() == [True, False, False]
    assert (a >= 2).numpy().tolist() == [False, True, True]
    assert (a == 2).numpy().tolist() == [False, True, False]
    assert (a != 2).numpy().tolist() == [True, False, True]
    assert (a == None) is False  # noqa: E711


def test_numpy_array_on_the_left_defers_to_tensor():
    a = ember.constant([1.0, 2.0])
    out = np.array([1.0, 1.0], dtype=np.float32) + a
    assert isinstance(out, ember.Tensor)


def test_bool_float_int_on_scalars():
    assert bool(ember.constant(True)) is True
    assert float(ember.constant(2.5)) == 2.5
    assert int(ember.constant(7)) == 7
    assert [1, 2, 3][ember.constant(1)] == 2  # __index__
    with pytest.raises(ValueError, match="ambiguous"):
        bool(ember.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="exactly one element"):
        float(ember.constant([1.0, 2.0]))


def test_len_and_iter():
    t = ember.constant([[1, 2], [3, 4], [5, 6]])
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and rows[2].numpy().tolist() == [5, 6]
    with pytest.raises(TypeError):
        len(ember.constant(1.0))


def test_tensors_are_unhashable_but_have_refs():
    t = ember.constant(1.0)
    with pytest.raises(TypeError):
        hash(t)
    d = {t.ref(): "x"}
    assert d[t.ref()] == "x" and t.ref().deref() is t


def test_constant_copies_caller_array():
    a = np.zeros(3, np.float32)
    t = ember.constant(a)
    a[0] = 5
    assert t.numpy()[0] == 0


def test_getitem_basic():
    t = ember.constant(np.arange(12.0).reshape(3, 4))
    np.testing.assert_array_equal(t[1].numpy(), np.arange(4.0, 8.0))
    np.testing.assert_array_equal(t[:, 1:3].numpy(), np.arange(12.0).reshape(3, 4)[:, 1:3])
    np.testing.assert_array_equal(t[..., None].shape, (3, 4, 1))


def test_numpy_of_a_scalar_is_a_numpy_scalar_as_in_tf():
    import numpy as np
    for value in (ember.constant(1.5), ember.Variable(1.5)):
        out = value.numpy()
        assert type(out) is np.float32 and out == np.float32(1.5)
    assert type(ember.Variable(2).numpy()) is np.int32
    vector = ember.constant([1.0]).numpy()
    assert type(vector) is np.ndarray and vector.shape == (1,)
