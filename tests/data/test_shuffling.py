"""shuffle: a permutation, TF's buffer semantics, seeds and reshuffling."""
from __future__ import annotations

import numpy as np

import ember
import ember.data

D = ember.data.Dataset


def _order(ds):
    return [int(v) for v in ds.as_numpy_iterator()]


def test_shuffle_is_a_permutation_and_seeded_repeatable():
    a = _order(D.range(50).shuffle(50, seed=1))
    assert sorted(a) == list(range(50)) and a != list(range(50))
    assert _order(D.range(50).shuffle(50, seed=1)) == a        # same seed, new pipeline
    assert _order(D.range(50).shuffle(50, seed=2)) != a


def test_reshuffle_each_iteration():
    ds = D.range(30).shuffle(30, seed=3)
    first, second = _order(ds), _order(ds)
    assert first != second and sorted(second) == list(range(30))
    again = D.range(30).shuffle(30, seed=3)
    assert _order(again) == first and _order(again) == second   # epochs repeat too
    fixed = D.range(30).shuffle(30, seed=3, reshuffle_each_iteration=False)
    assert _order(fixed) == _order(fixed)
    rep = _order(D.range(10).shuffle(10, seed=4).repeat(2))
    assert rep[:10] != rep[10:] and sorted(rep[10:]) == list(range(10))


def test_small_buffer_keeps_locality():
    out = _order(D.range(100).shuffle(3, seed=0))
    # with a buffer of 3, element i cannot come out before position i - 2
    assert all(pos >= v - 2 for pos, v in enumerate(out))
    assert sorted(out) == list(range(100))


def test_global_seed_makes_it_repeatable():
    ember.random.set_seed(7)
    a = _order(D.range(40).map(lambda x: x).shuffle(40))
    ember.random.set_seed(7)
    b = _order(D.range(40).map(lambda x: x).shuffle(40))
    ember.random.set_seed(None)
    assert a == b and sorted(a) == list(range(40))


def test_shuffle_then_batch_fast_path_matches_element_order():
    x = np.arange(40)
    batched = np.concatenate([b.numpy() for b in
                              D.from_tensor_slices(x).shuffle(40, seed=5).batch(8)])
    elements = _order(D.from_tensor_slices(x).shuffle(40, seed=5))
    assert batched.tolist() == elements
    pairs = list(D.from_tensor_slices((x, x * 2)).shuffle(40, seed=5).batch(8))
    np.testing.assert_array_equal(pairs[0][1].numpy(), pairs[0][0].numpy() * 2)
