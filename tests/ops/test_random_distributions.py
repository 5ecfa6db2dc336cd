"""gamma / poisson / binomial / parameterized truncated normal, and the seed utilities
(split, fold_in, Algorithm, experimental.*). Expected behaviour observed in TF 2.21."""
import math

import numpy as np
import pytest

import ember
from ember.core.errors import InvalidArgumentError

R = ember.random


def _np(t):
    return np.asarray(t.numpy())


def test_new_names_exist():
    for n in ["gamma", "poisson", "stateless_gamma", "stateless_poisson", "stateless_binomial",
              "stateless_parameterized_truncated_normal", "split", "fold_in",
              "create_rng_state", "Algorithm", "experimental"]:
        assert n in dir(R) and getattr(R, n) is not None
    for n in ["stateless_split", "stateless_fold_in", "stateless_shuffle", "index_shuffle",
              "Generator", "Algorithm", "create_rng_state"]:
        assert hasattr(R.experimental, n)


def test_gamma_shapes_dtypes_and_moments():
    assert R.gamma([2, 3], alpha=[[1.0], [2.0]], beta=[1.0, 2.0, 3.0, 4.0]).shape == (2, 3, 2, 4)
    assert R.gamma([3], alpha=2).dtype == ember.float32
    assert R.gamma([3], alpha=1.0, dtype="float16").dtype == ember.float16
    g = _np(R.stateless_gamma([100_000], [1, 2], alpha=3.0, beta=2.0))
    assert abs(g.mean() - 1.5) < 0.02 and abs(g.var() - 0.75) < 0.03
    assert np.array_equal(g, _np(R.stateless_gamma([100_000], [1, 2], alpha=3.0, beta=2.0)))
    # stateless: the output shape is `shape`, parameters broadcast to its end
    assert R.stateless_gamma([2, 3], [1, 2], alpha=[1.0, 2.0, 3.0]).shape == (2, 3)
    with pytest.raises(InvalidArgumentError, match="must end with"):
        R.stateless_gamma([2], [1, 2], alpha=[1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="dtype"):
        R.gamma([3], alpha=1.0, dtype="int32")


def test_gamma_edge_values_follow_tf():
    # TF: alpha 0 -> the smallest normal float, alpha < 0 -> NaN, beta < 0 -> smallest float
    g = _np(R.stateless_gamma([3], [1, 2], alpha=[0.0, -1.0, 1.0], beta=[1.0, 1.0, -1.0]))
    tiny = np.finfo(np.float32).tiny
    assert g[0] == tiny and np.isnan(g[1]) and g[2] == tiny


def test_poisson():
    assert R.poisson([4], lam=[1.0, 10.0], seed=1).shape == (4, 2)
    assert R.poisson([4], lam=3.0).dtype == ember.float32          # TF's default
    assert R.stateless_poisson([4], [1, 2], lam=3.0).dtype == ember.int32
    assert R.poisson([2], lam=2.0, dtype="int64").dtype == ember.int64
    p = _np(R.stateless_poisson([100_000], [1, 2], lam=4.5, dtype="float32"))
    assert abs(p.mean() - 4.5) < 0.05 and abs(p.var() - 4.5) < 0.1
    assert _np(R.stateless_poisson([3], [1, 2], lam=[0.0, -1.0, 0.0])).tolist() == [0, 0, 0]
    with pytest.raises(TypeError, match="uint8"):
        R.poisson([3], lam=2.0, dtype="uint8")
    with pytest.raises(InvalidArgumentError, match="must end with"):
        R.stateless_poisson([3], [1, 2], lam=[1.0, 2.0])


def test_binomial():
    b = _np(R.stateless_binomial([100_000], [1, 2], counts=20, probs=0.3))
    assert b.dtype == np.int32 and abs(b.mean() - 6.0) < 0.05 and abs(b.var() - 4.2) < 0.1
    # TF: probs clipped to [0, 1], negative counts give 0
    assert _np(R.stateless_binomial([2], [1, 2], counts=10, probs=[0.0, 1.0])).tolist() == [0, 10]
    assert _np(R.stateless_binomial([3], [1, 2], counts=10, probs=1.5)).tolist() == [10] * 3
    assert _np(R.stateless_binomial([3], [1, 2], counts=-1, probs=0.5)).tolist() == [0] * 3
    out = R.stateless_binomial([2, 3], [1, 2], counts=[[10.0], [20.0]], probs=[0.1, 0.5, 0.9],
                               output_dtype="float64")
    assert out.shape == (2, 3) and out.dtype == ember.float64
    g = R.Generator.from_seed(1)
    assert g.binomial([2, 3], counts=[[10.0], [20.0]], probs=0.5).shape == (2, 3)


def _tn_mean(lo, hi):
    phi = lambda t: math.exp(-t * t / 2) / math.sqrt(2 * math.pi) if math.isfinite(t) else 0.0
    big_phi = lambda t: 0.5 * math.erfc(-t / math.sqrt(2))
    return (phi(lo) - phi(hi)) / (big_phi(hi) - big_phi(lo))


@pytest.mark.parametrize("lo,hi", [(-2.0, 2.0), (0.5, 1.0), (-11.0, -10.0), (3.0, math.inf)])
def test_parameterized_truncated_normal(lo, hi):
    x = _np(R.stateless_parameterized_truncated_normal([50_000], [3, 4], minvals=lo,
                                                       maxvals=hi)).astype(np.float64)
    assert x.min() >= lo and x.max() <= hi and np.isfinite(x).all()
    assert abs(x.mean() - _tn_mean(lo, hi)) < 0.02


def test_parameterized_truncated_normal_far_right_tail_and_errors():
    x = _np(R.stateless_parameterized_truncated_normal([1000], [1, 2], minvals=10.0,
                                                       maxvals=11.0))
    assert x.min() >= 10.0 and x.max() <= 11.0 and abs(x.mean() - 10.098) < 0.02
    two = R.stateless_parameterized_truncated_normal([2, 3], [1, 2], means=[[0.0], [10.0]],
                                                     maxvals=[[1.0], [20.0]], minvals=-1.0)
    assert two.shape == (2, 3) and two.dtype == ember.float32
    f64 = R.stateless_parameterized_truncated_normal([3], [1, 2],
                                                     means=ember.constant(0.0, "float64"))
    assert f64.dtype == ember.float64
    with pytest.raises(InvalidArgumentError, match="minval < maxval"):
        R.stateless_parameterized_truncated_normal([3], [1, 2], minvals=1.0, maxvals=-1.0)
    with pytest.raises(InvalidArgumentError, match="must end with"):
        R.stateless_parameterized_truncated_normal([2, 3], [1, 2], means=[0.0, 1.0])


def test_split_and_fold_in():
    s = R.split([1, 2], 3)
    assert s.shape == (3, 2) and s.dtype == ember.int32           # a Python list: int32
    assert R.split(ember.constant([1, 2], "int64")).dtype == ember.int64
    assert R.split([1, 2], 0).shape == (0, 2)
    assert np.array_equal(_np(R.split([1, 2], 3)), _np(s))
    assert len({tuple(r) for r in _np(s).tolist()}) == 3
    f = R.fold_in([1, 2], 7)
    assert f.dtype == ember.int32 and int(_np(f)[1]) == 7       # TF: [random(seed), data]
    assert R.fold_in([1, 2], 2 ** 40).dtype == ember.int64
    assert not np.array_equal(_np(R.fold_in([1, 2], 7)), _np(R.fold_in([1, 3], 7)))
    with pytest.raises(InvalidArgumentError, match="shape \\[2\\]"):
        R.fold_in([1, 2, 3], 3)
    with pytest.raises(ValueError, match="alg"):
        R.split([1, 2], alg="bad")


def test_algorithm_argument_is_checked():
    assert R.Algorithm.PHILOX.value == 1
    for alg in ["philox", "PHILOX", "threefry", "auto_select", 1, 3, R.Algorithm.THREEFRY, None]:
        assert R.stateless_uniform([2], [1, 2], alg=alg).shape == (2,)
    for fn in (R.stateless_uniform, R.stateless_normal, R.stateless_truncated_normal):
        with pytest.raises(ValueError, match="unsupported value 'nope'"):
            fn([2], [1, 2], alg="nope")
    with pytest.raises(ValueError, match="unsupported value 7"):
        R.stateless_uniform([2], [1, 2], alg=7)
    assert R.Generator.from_seed(1).algorithm == 1                 # TF gives the number
    assert R.Generator.from_seed(1, alg="threefry").algorithm == 2
    with pytest.raises(ValueError, match="alg"):
        R.Generator.from_seed(1, alg="bad")
    st = R.create_rng_state(5, "philox")
    assert st.shape == (3,) and st.dtype == np.int64
    g = R.Generator.from_state(st, "philox")
    assert np.array_equal(_np(g.normal([3])), _np(R.Generator.from_seed(5).normal([3])))


def test_experimental_shuffles():
    E = R.experimental
    a = _np(E.stateless_shuffle(ember.range(10), seed=[1, 2]))
    assert sorted(a.tolist()) == list(range(10))
    assert np.array_equal(a, _np(E.stateless_shuffle(ember.range(10), seed=[1, 2])))
    perm = _np(E.index_shuffle(ember.range(1000), seed=[1, 2, 3], max_index=999))
    assert sorted(perm.tolist()) == list(range(1000)) and perm.dtype == np.int32
    assert not np.array_equal(perm, np.arange(1000))
    one = E.index_shuffle(5, seed=[1, 2, 3], max_index=999)
    assert one.dtype == ember.int32 and int(one) == perm[5]
    with pytest.raises(InvalidArgumentError, match="max_index=9"):
        E.index_shuffle(12, seed=[1, 2, 3], max_index=9)
    with pytest.raises(InvalidArgumentError, match="seed"):
        E.index_shuffle(1, seed=[1, 2, 3, 4], max_index=9)


def test_float_shape_is_refused():
    # TF: "Value for attr 'T' of float is not in the list of allowed values"
    with pytest.raises(TypeError, match="shape must be a list of ints"):
        R.uniform([2.5])


def test_set_seed_error_names_the_op():
    with pytest.raises(TypeError, match="ember.random.set_seed"):
        R.set_seed("a")
