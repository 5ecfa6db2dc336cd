"""TensorShape, including TensorFlow's unknown-rank shape ``TensorShape(None)``."""
import pytest

import ember


def test_known_shape_basics():
    s = ember.TensorShape([2, None, 3])
    assert s.rank == 3 and s.as_list() == [2, None, 3]
    assert not s.is_fully_defined() and s.num_elements() is None
    assert s.is_compatible_with([2, 5, 3]) and not s.is_compatible_with([2, 5])
    assert ember.TensorShape([]).rank == 0


def test_unknown_rank_is_not_rank_zero():
    u = ember.TensorShape(None)
    assert u.rank is None and u.ndims is None and u.dims is None
    assert u != ember.TensorShape([]) and u == ember.TensorShape(None)
    assert hash(u) == hash(ember.TensorShape(None))
    assert not u.is_fully_defined() and u.num_elements() is None
    assert repr(u) == "TensorShape(None)"


def test_unknown_rank_is_compatible_with_everything():
    u = ember.TensorShape(None)
    for other in ([], [3], [None, 4, 5]):
        assert u.is_compatible_with(other)
        assert ember.TensorShape(other).is_compatible_with(u)
    assert u.is_compatible_with(None)


def test_unknown_rank_refuses_its_dimensions():
    u = ember.TensorShape(None)
    for attempt in (u.as_list, lambda: len(u), lambda: list(u)):
        with pytest.raises(ValueError, match="rank is unknown"):
            attempt()
    assert u[0] is None and u[1:] == u and u + [2] == u


def test_shape_equals_a_list_of_its_dimensions_as_in_tf():
    shape = ember.zeros([2, 3]).shape
    assert shape == [2, 3] and shape == (2, 3) and not shape != [2, 3]
    assert shape != [2, 4] and shape != "x" and shape is not None
    assert ember.TensorShape([None, 3]) == [None, 3]
    assert ember.TensorShape([]) == []
    assert {shape: 1}[(2, 3)] == 1   # still hashes as its tuple
