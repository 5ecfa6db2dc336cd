"""ember.debugging rank, shape and dtype checks: raised when called, with TF's wording."""
import pytest

import ember

D = ember.debugging


def test_ranks():
    D.assert_rank(ember.ones((2, 3)), 2)
    with pytest.raises(ValueError, match=r"^m.  Tensor must have rank 3.  Received rank 2, "
                                         r"shape \(2, 3\)$"):
        D.assert_rank(ember.ones((2, 3)), 3, message="m")
    D.assert_rank_at_least(ember.ones((2, 3)), 1)
    with pytest.raises(ValueError, match="must have rank at least 2.  Received rank 1"):
        D.assert_rank_at_least(ember.ones((2,)), 2)
    D.assert_rank_in(ember.ones((2,)), [1, 3])
    with pytest.raises(ValueError, match=r"must have rank in \(0, 2\)"):
        D.assert_rank_in(ember.ones((2,)), (0, 2))
    D.assert_scalar(ember.constant(1.0))
    with pytest.raises(ValueError, match=r"^Expected scalar shape, saw shape: \(2,\).$"):
        D.assert_scalar(ember.ones((2,)))


def test_dtypes():
    D.assert_type(ember.constant(1.0), ember.float32)
    with pytest.raises(TypeError, match="^tensor must be of type int32; got float32$"):
        D.assert_type(ember.ones((2,)), ember.int32)
    D.assert_integer(ember.constant([1]))
    with pytest.raises(TypeError, match='Expected "x" to be integer type.  Found: tensor of '
                                        'dtype float32'):
        D.assert_integer(ember.ones(2))
    assert D.assert_same_float_dtype([ember.constant(1.0), ember.constant(2.0)]) == \
        ember.float32
    assert D.assert_same_float_dtype(None, ember.float64) == ember.float64
    with pytest.raises(ValueError, match="found dtypes float32 and float64"):
        D.assert_same_float_dtype([ember.constant(1.0), ember.constant(1.0, ember.float64)])
    with pytest.raises(ValueError, match="expected a floating point dtype; got int32"):
        D.assert_same_float_dtype([ember.constant(1)])
    assert D.is_numeric_tensor(ember.constant([1]))
    assert not D.is_numeric_tensor(ember.constant([True]))
    assert not D.is_numeric_tensor([1.0])


def test_assert_proper_iterable():
    D.assert_proper_iterable([1, 2])
    D.assert_proper_iterable((x for x in range(2)))
    for bad in (ember.ones(2), "ab", b"ab"):
        with pytest.raises(TypeError, match='"proper" iterable'):
            D.assert_proper_iterable(bad)
    with pytest.raises(TypeError, match="to be iterable"):
        D.assert_proper_iterable(3)


def test_assert_shapes():
    x, y, s = ember.ones((2, 3)), ember.ones((2,)), ember.constant(1.0)
    D.assert_shapes([(x, ("N", "Q")), (y, ("N",)), (s, ())])
    D.assert_shapes([(x, (2, ".")), (y, [None])])
    D.assert_shapes([(ember.ones((4, 2, 3)), ("*", "N", 3)), (y, ("N",))])
    with pytest.raises(ValueError, match=r"Specified by Tensor shape=\(2, 3\) dtype=float32 "
                                         r"dimension 'N'.  Tensor shape=\(3,\) dtype=float32 "
                                         r"dimension 0 must have size 2.  Received size 3"):
        D.assert_shapes([(x, ("N", "Q")), (ember.ones((3,)), ("N",))])
    with pytest.raises(ValueError, match="dimension 1 must have size 4.  Received size 3"):
        D.assert_shapes([(x, (2, 4))])
    with pytest.raises(ValueError, match=r"must have rank 1.  Received rank 2"):
        D.assert_shapes([(x, ("N",))])
