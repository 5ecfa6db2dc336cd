"""keras.tree: values as Keras 3.15 gives them."""
import collections

import numpy as np
import pytest

from ember import keras

T = keras.tree
NEST = {"b": 1, "a": [2, (3, 4)]}


def test_flatten_pack_map():
    assert T.flatten(NEST) == [2, 3, 4, 1]
    assert T.flatten(None) == [None]
    assert T.is_nested([1]) and not T.is_nested(np.ones(2))
    assert T.map_structure(lambda x: x * 2, NEST) == {"b": 2, "a": [4, (6, 8)]}
    assert T.pack_sequence_as({"b": 0, "a": [0, (0, 0)]}, [9, 8, 7, 6]) == \
        {"b": 6, "a": [9, (8, 7)]}
    point = collections.namedtuple("Point", "x y")
    assert T.map_structure(lambda v: v + 1, point(1, 2)) == point(2, 3)
    assert T.map_structure_up_to([1, [2]], lambda a, b: (a, b), [1, [2]], [3, [4]]) == \
        [(1, 3), [(2, 4)]]


def test_paths():
    assert T.flatten_with_path(NEST) == [(("a", 0), 2), (("a", 1, 0), 3), (("a", 1, 1), 4),
                                         (("b",), 1)]
    T.assert_same_paths({"x": [1]}, {"x": (2,)})
    with pytest.raises(ValueError, match="don't have the same paths"):
        T.assert_same_paths({"x": [1]}, {"y": [1]})


def test_assert_same_structure():
    T.assert_same_structure([1, (2, 3)], [4, (5, 6)])
    with pytest.raises(ValueError, match="^Structures don't have the same nested structure"):
        T.assert_same_structure([1, 2], [1, [2]])


def test_lists_to_tuples_and_shapes():
    assert T.lists_to_tuples([1, [2, {"a": [3]}]]) == (1, (2, {"a": (3,)}))
    assert T.map_shape_structure(len, {"a": (2, 3), "b": [4], "c": [(None, 1)]}) == \
        {"a": 2, "b": 1, "c": [2]}


def test_traverse_top_down_and_bottom_up():
    seen = []
    assert T.traverse(seen.append, [(1, 2), [3], {"a": 4}]) == [(1, 2), [3], {"a": 4}]
    assert seen == [[(1, 2), [3], {"a": 4}], (1, 2), 1, 2, [3], 3, {"a": 4}, 4]
    seen = []
    T.traverse(seen.append, [(1, 2), [3], {"a": 4}], top_down=False)
    assert seen == [1, 2, (1, 2), 3, [3], 4, {"a": 4}, [(1, 2), [3], {"a": 4}]]
    assert T.traverse(lambda x: T.MAP_TO_NONE if x == [3] else None, [(1, 2), [3]]) == \
        [(1, 2), None]
    assert T.traverse(lambda x: x * 10 if isinstance(x, int) else None, [1, (2,)],
                      top_down=False) == [10, (20,)]
