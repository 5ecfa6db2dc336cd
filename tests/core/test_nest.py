"""ember.nest: flatten / pack / map over nested structures, with tf.nest's order and errors
(expected values as TF 2.21's tf.nest gives them)."""
from __future__ import annotations

import collections

import numpy as np
import pytest

import ember
from ember import nest

P = collections.namedtuple("P", "x y")


def test_flatten_orders_dict_keys_and_keeps_leaves_whole():
    assert nest.flatten({"b": 1, "a": [2, 3]}) == [2, 3, 1]
    assert nest.flatten(collections.OrderedDict([("b", 1), ("a", 2)])) == [2, 1]
    assert nest.flatten(P(1, [2, 3])) == [1, 2, 3]
    assert nest.flatten(None) == [None] and nest.flatten(3) == [3]
    assert nest.flatten("abc") == ["abc"] and nest.flatten(b"ab") == [b"ab"]
    assert nest.flatten({1, 2}) == [{1, 2}]
    assert nest.flatten([[], {}, ()]) == []
    assert nest.flatten(collections.ChainMap({"b": 1}, {"a": 2})) == [2, 1]
    arr = np.ones(2)
    assert nest.flatten(arr)[0] is arr
    v = ember.Variable(1.0)
    assert nest.flatten([v])[0] is v


def test_flatten_refuses_unsortable_keys():
    with pytest.raises(TypeError, match="sortable keys"):
        nest.flatten({1: 1, "a": 2})


def test_is_nested():
    got = [nest.is_nested(x) for x in ([], (), {}, 1, "s", np.ones(2), P(1, 2), {1},
                                       None, ember.constant(1.0))]
    assert got == [True, True, True, False, False, False, True, False, False, False]


def test_pack_sequence_as_rebuilds_each_kind():
    assert nest.pack_sequence_as({"b": 0, "a": [0, 0]}, [2, 3, 1]) == {"b": 1, "a": [2, 3]}
    od = nest.pack_sequence_as(collections.OrderedDict([("b", 1), ("a", 2)]), [10, 20])
    assert type(od) is collections.OrderedDict and list(od.items()) == [("b", 20),
                                                                        ("a", 10)]
    dd = nest.pack_sequence_as(collections.defaultdict(list, {"b": 1, "a": 2}), [10, 20])
    assert dd.default_factory is list and dict(dd) == {"b": 20, "a": 10}
    assert nest.pack_sequence_as(P(0, (0, 0)), [1, 2, 3]) == P(1, (2, 3))
    assert nest.pack_sequence_as(1, [5]) == 5
    assert nest.pack_sequence_as([1, 2], (5, 6)) == [5, 6]
    assert nest.pack_sequence_as({"a": {}, "b": [0]}, [5]) == {"a": {}, "b": [5]}
    assert nest.pack_sequence_as([], []) == []


def test_pack_sequence_as_errors():
    with pytest.raises(ValueError, match="Structure had 3 atoms, but flat_sequence had 2"):
        nest.pack_sequence_as([1, [2, 3]], [1, 2])
    with pytest.raises(ValueError, match="Structure had 3 atoms, but flat_sequence had 4"):
        nest.pack_sequence_as([1, [2, 3]], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="single leaf"):
        nest.pack_sequence_as(1, [5, 6])
    for flat in (5, np.array([1, 2])):
        with pytest.raises(TypeError, match="incompatible type"):
            nest.pack_sequence_as([1, 2], flat)


def test_map_structure():
    assert nest.map_structure(lambda a: a * 2, {"b": 1, "a": (2, P(3, 4))}) == \
        {"b": 2, "a": (4, P(6, 8))}
    assert nest.map_structure(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)]) == \
        [11, (22, 33)]
    assert nest.map_structure(lambda a, b, c: a + b + c, [1], [2], [3]) == [6]
    assert nest.map_structure(lambda a: [a, a], (1, 2)) == ([1, 1], [2, 2])
    assert nest.map_structure(lambda a: a, [None, 1]) == [None, 1]
    # dict and OrderedDict match; the result takes the first structure's kind
    assert nest.map_structure(lambda a, b: a + b, {"a": 1},
                              collections.OrderedDict(a=2)) == {"a": 3}
    assert nest.map_structure(lambda a, b: a + b, [1, 2], (1, 2), check_types=False) == \
        [2, 4]
    assert nest.map_structure(lambda a, b: a + b, P(1, 2), (1, 2),
                              check_types=False) == P(2, 4)
    out = nest.map_structure(lambda t: t * 2.0, {"x": ember.constant(1.0)},
                             expand_composites=True)
    assert float(out["x"]) == 2.0


def test_map_structure_errors():
    with pytest.raises(ValueError, match="Must provide at least one structure"):
        nest.map_structure(lambda: 1)
    with pytest.raises(ValueError, match="Only valid keyword arguments are `check_types` "
                                         "and `expand_composites`, not: `foo`"):
        nest.map_structure(lambda a: a, [1], foo=1)
    with pytest.raises(TypeError, match="don't have the same sequence type"):
        nest.map_structure(lambda a, b: a + b, [1, 2], (1, 2))
    with pytest.raises(ValueError, match="same number of elements"):
        nest.map_structure(lambda a, b: a + b, [1, 2], [1, 2, 3])


def test_assert_same_structure():
    nest.assert_same_structure([1, (2, 3)], [4, (5, 6)])
    nest.assert_same_structure("ab", 1)                      # two leaves
    nest.assert_same_structure({"a": 1}, collections.OrderedDict(a=2))
    nest.assert_same_structure(P(1, 2), collections.namedtuple("P", "x y")(1, 2))
    nest.assert_same_structure([1, 2], (3, 4), check_types=False)
    nest.assert_same_structure({"a": 1}, [1], check_types=False)
    with pytest.raises(ValueError) as info:
        nest.assert_same_structure([1, (2, 3)], [4, (5, 6, 7)])
    assert str(info.value) == (
        "The two structures don't have the same nested structure.\n\n"
        "First structure: type=list str=[1, (2, 3)]\n\n"
        "Second structure: type=list str=[4, (5, 6, 7)]\n\n"
        "More specifically: The two structures don't have the same number of elements. "
        "First structure: type=tuple str=(2, 3). Second structure: type=tuple "
        "str=(5, 6, 7)\nEntire first structure:\n[., (., .)]\n"
        "Entire second structure:\n[., (., ., .)]")
    with pytest.raises(TypeError, match="same sequence type"):
        nest.assert_same_structure([1, 2], (1, 2))
    with pytest.raises(TypeError, match="same sequence type"):
        nest.assert_same_structure(P(1, 2), collections.namedtuple("Q", "x y")(1, 2))
    with pytest.raises(ValueError, match=r'Substructure "type=list str=\[2\]" is a '
                                         r'sequence, while substructure "type=int str=2"'):
        nest.assert_same_structure([1, 2], [1, [2]])
    with pytest.raises(ValueError, match="same set of keys"):
        nest.assert_same_structure({"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="is a sequence"):
        nest.assert_same_structure(np.ones(3), [1, 2, 3])


def test_flatten_up_to():
    assert nest.flatten_up_to([1, (2, 3)], [[1, 2], ({"a": 3}, 4)]) == [[1, 2], {"a": 3}, 4]
    assert nest.flatten_up_to({"b": 0, "a": 0}, {"a": [1], "b": (2,)}) == [[1], (2,)]
    assert nest.flatten_up_to(1, [1, 2]) == [[1, 2]]
    od = collections.OrderedDict([("a", 1), ("b", 2)])
    assert nest.flatten_up_to({"b": 0, "a": 0}, od) == [1, 2]
    with pytest.raises(ValueError, match="Input structure has length 1, while shallow "
                                         "structure has length 2"):
        nest.flatten_up_to([1, 2], [1])
    with pytest.raises(TypeError, match="input must also be a sequence"):
        nest.flatten_up_to([1, (2, 3)], [1, 2])
    with pytest.raises(TypeError, match="same sequence type"):
        nest.flatten_up_to([1, 2], (1, 2))
    with pytest.raises(TypeError, match="same sequence type"):
        nest.flatten_up_to(P(0, 0), (1, 2))
    with pytest.raises(ValueError, match=r"keys that are not in the input_tree: \['a'\]"):
        nest.flatten_up_to({"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="same sequence length"):
        nest.flatten_up_to({"a": 1}, {"a": 1, "b": 2})


def test_map_structure_up_to():
    assert nest.map_structure_up_to([0, 0], lambda a, b: (a, b), [[1, 2], 3], [4, [5]]) == \
        [([1, 2], 4), (3, [5])]
    assert nest.map_structure_up_to({"a": 0, "b": 0}, len, {"b": [1, 2], "a": [3]}) == \
        {"a": 1, "b": 2}
    assert nest.map_structure_up_to(P(0, 0), lambda a: a, P([1], [2, 3])) == P([1], [2, 3])
    assert nest.map_structure_up_to([0, 0], lambda a: a, (1, 2), check_types=False) == \
        [1, 2]
    assert nest.map_structure_up_to([0], lambda a, k: a * k, [2], k=3) == [6]
    with pytest.raises(ValueError, match="Cannot map over no sequences"):
        nest.map_structure_up_to([0], lambda a: a)


def test_public_names_match_tf_nest():
    for name in ("assert_same_structure", "flatten", "is_nested", "map_structure",
                 "pack_sequence_as", "flatten_up_to", "map_structure_up_to"):
        assert callable(getattr(ember.nest, name))
