import os
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember.ops.random import _philox

R = ember.random
N = 100_000


@pytest.fixture(autouse=True)
def _no_global_seed():
    R.set_seed(None)
    yield
    R.set_seed(None)


def _np(t):
    return np.asarray(t.numpy())


# -- the bit generator -----------------------------------------------------------------------
def test_philox_known_answers():
    """Random123's known-answer vectors for Philox4x32-10."""
    def block(key, ctr):
        w = _philox(np, key, (ctr[2], ctr[3]), ctr[0] | (ctr[1] << 32), 1)
        return [int(v) for v in w]
    assert block((0, 0), (0, 0, 0, 0)) == [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
    m = 0xffffffff
    assert block((m, m), (m, m, m, m)) == [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]
    assert block((0xa4093822, 0x299f31d0), (0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344)) \
        == [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]


def test_stateless_golden_values():
    """Stateless numbers are fixed forever: the same on every run and machine."""
    np.testing.assert_allclose(
        _np(R.stateless_uniform([4], seed=[1, 2], dtype="float64")),
        [0.9031374942548805, 0.2462019401731358, 0.7176018644537053, 0.2669086162362916],
        rtol=0, atol=0)
    np.testing.assert_allclose(
        _np(R.stateless_normal([4], seed=[1, 2], dtype="float64")),
        [0.01077112145469642, -0.08638737153630947, 0.4512703508524962, 0.8100728128764916],
        rtol=1e-14)
    np.testing.assert_array_equal(
        _np(R.stateless_uniform([4], seed=[1, 2], minval=0, maxval=100, dtype="int32")),
        [19, 1, 62, 51])


# -- determinism --------------------------------------------------------------------------
def test_stateless_ops_are_pure():
    for fn in (lambda s: R.stateless_normal([5, 3], seed=s),
               lambda s: R.stateless_uniform([7], seed=s, minval=-2., maxval=3.),
               lambda s: R.stateless_uniform([7], seed=s, maxval=10, dtype="int64"),
               lambda s: R.stateless_truncated_normal([50], seed=s),
               lambda s: R.stateless_categorical([[0., 1.], [1., 0.]], 6, seed=s)):
        a, b, c = _np(fn([1, 2])), _np(fn(ember.constant([1, 2]))), _np(fn([2, 1]))
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


def test_set_seed_makes_sequence_repeatable():
    def run():
        R.set_seed(42)
        return [_np(R.normal([3])), _np(R.uniform([2], seed=7)), _np(R.uniform([2], seed=7)),
                _np(R.truncated_normal([4])), _np(R.categorical([[0., 0., 0.]], 5)),
                _np(R.shuffle(ember.range(6))), _np(ember.nn.dropout(ember.ones([6]), 0.5)),
                _np(R.get_global_generator().normal([2]))]
    first, second = run(), run()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    # the same op seed twice in a row gives new numbers (TF's per-seed counter)
    assert not np.array_equal(first[1], first[2])
    R.set_seed(43)
    assert not np.array_equal(_np(R.normal([3])), first[0])


def test_op_seed_without_global_seed_is_deterministic():
    a = _np(R.normal([4], seed=5))
    R.set_seed(None)  # resets the per-seed counters too
    b = _np(R.normal([4], seed=5))
    np.testing.assert_array_equal(a, b)
    # with a global seed, the pair (global, op) decides
    R.set_seed(1)
    c = _np(R.normal([4], seed=5))
    assert not np.array_equal(a, c)


def test_no_seed_is_not_repeatable():
    assert not np.array_equal(_np(R.normal([8])), _np(R.normal([8])))


def test_same_numbers_in_a_fresh_process():
    code = ("import ember, numpy as np; ember.random.set_seed(3);"
            "a = ember.random.normal([3]).numpy(); b = ember.random.uniform([2], seed=9).numpy();"
            "g = ember.random.Generator.from_seed(4).normal([2]).numpy();"
            "print(np.concatenate([a, b, g]).tolist())")
    env = dict(os.environ)
    src = os.path.join(os.path.dirname(__file__), "..", "..", "src")
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout
    R.set_seed(3)
    here = np.concatenate([_np(R.normal([3])), _np(R.uniform([2], seed=9)),
                           _np(R.Generator.from_seed(4).normal([2]))]).tolist()
    assert eval(out) == here


# -- distributions ------------------------------------------------------------------------
def test_normal_moments_and_dtypes():
    for dtype in ("float32", "float64"):
        x = _np(R.normal([N], mean=2.0, stddev=3.0, dtype=dtype, seed=1))
        assert x.dtype == np.dtype(dtype)
        assert abs(x.mean() - 2.0) < 0.05 and abs(x.std() - 3.0) < 0.05
        # roughly normal: the fraction within one stddev
        assert abs(np.mean(np.abs(x - 2.0) < 3.0) - 0.6827) < 0.01
    assert R.normal([2], dtype="float16", seed=1).dtype == ember.float16


def test_normal_tensor_mean_stddev_broadcast_and_gradient():
    mean = ember.constant([0., 10.])
    std = ember.constant([1., 0.5])
    with ember.GradientTape() as tape:
        tape.watch([mean, std])
        x = R.normal([N // 10, 2], mean=mean, stddev=std, seed=2)
        y = ember.reduce_sum(x)
    xs = _np(x)
    assert abs(xs[:, 1].mean() - 10) < 0.05 and abs(xs[:, 1].std() - 0.5) < 0.05
    gm, gs = tape.gradient(y, [mean, std])
    np.testing.assert_allclose(_np(gm), [N // 10] * 2)


def test_uniform_float_range_and_moments():
    x = _np(R.uniform([N], minval=-1.0, maxval=3.0, seed=3))
    assert x.dtype == np.float32 and x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 0.02 and abs(x.var() - 16 / 12) < 0.03
    x = _np(R.uniform([N], dtype="float64", seed=3))
    assert x.min() >= 0.0 and x.max() < 1.0 and abs(x.mean() - 0.5) < 0.01


def test_uniform_int():
    x = _np(R.uniform([N], minval=-3, maxval=4, dtype="int32", seed=4))
    assert x.dtype == np.int32 and x.min() == -3 and x.max() == 3
    counts = np.bincount(x + 3) / N
    np.testing.assert_allclose(counts, 1 / 7, atol=0.01)
    x = _np(R.uniform([10], maxval=2**40, dtype="int64", seed=4))
    assert x.dtype == np.int64 and x.min() >= 0 and x.max() < 2**40
    full = _np(R.stateless_uniform([N], seed=[3, 3], minval=None, maxval=None,
                                   dtype="int32"))
    assert full.min() < -2**30 and full.max() > 2**30


def test_truncated_normal_bounds_and_moments():
    x = _np(R.truncated_normal([N], mean=1.0, stddev=2.0, seed=5))
    assert x.min() >= 1.0 - 4.0 and x.max() <= 1.0 + 4.0
    assert abs(x.mean() - 1.0) < 0.03
    assert abs(x.std() - 2.0 * 0.87962566) < 0.03
    y = _np(R.stateless_truncated_normal([N], seed=[1, 1], dtype="float64"))
    assert np.abs(y).max() <= 2.0


def test_categorical_frequencies():
    with np.errstate(divide="ignore"):
        logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]))
    x = _np(R.categorical(logits, N // 2, seed=6))
    assert x.shape == (2, N // 2) and x.dtype == np.int64
    np.testing.assert_allclose(np.bincount(x[0], minlength=3) / (N // 2), [0.1, 0.2, 0.7],
                               atol=0.01)
    f1 = np.bincount(x[1], minlength=3) / (N // 2)
    np.testing.assert_allclose(f1, [0.5, 0.5, 0.0], atol=0.01)
    assert f1[2] == 0  # zero-probability classes are never drawn
    assert R.categorical(logits, 3, dtype="int32", seed=1).dtype == ember.int32
    assert R.stateless_categorical(logits, 3, seed=[1, 1]).dtype == ember.int64


def test_shuffle_is_a_permutation_of_rows():
    v = np.arange(20).reshape(10, 2)
    out = _np(R.shuffle(v, seed=7))
    assert out.shape == (10, 2)
    assert sorted(out[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(out[:, 1], out[:, 0] + 1)  # rows stay intact
    assert not np.array_equal(out, v)
    firsts = np.array([_np(R.shuffle(np.arange(4), seed=8))[0] for _ in range(400)])
    np.testing.assert_allclose(np.bincount(firsts) / 400, 0.25, atol=0.08)


# -- Generator -------------------------------------------------------------------------------
def test_generator_from_seed_is_deterministic_and_advances():
    g1, g2 = R.Generator.from_seed(11), R.Generator.from_seed(11)
    a1, a2 = _np(g1.normal([4])), _np(g2.normal([4]))
    np.testing.assert_array_equal(a1, a2)
    b1 = _np(g1.normal([4]))
    assert not np.array_equal(a1, b1)
    assert _np(g1.state.read_value()).tolist()[0] == 2  # two draws: counter 2
    # copying keeps the state
    g3 = R.Generator(copy_from=g1)
    np.testing.assert_array_equal(_np(g3.normal([2])), _np(g1.normal([2])))
    assert not np.array_equal(_np(R.Generator.from_seed(12).normal([4])), a1)


def test_generator_distributions():
    g = R.Generator.from_seed(1)
    x = _np(g.normal([N], mean=1.0, stddev=2.0))
    assert abs(x.mean() - 1.0) < 0.05 and abs(x.std() - 2.0) < 0.05
    u = _np(g.uniform([N], minval=2, maxval=5, dtype="int32"))
    assert u.min() == 2 and u.max() == 4
    t = _np(g.truncated_normal([N]))
    assert np.abs(t).max() <= 2.0
    with pytest.raises(ValueError, match="maxval"):
        g.uniform([2], dtype="int32")


def test_generator_make_seeds_and_split():
    g = R.Generator.from_seed(5)
    seeds = g.make_seeds(3)
    assert seeds.shape == (2, 3) and seeds.dtype == ember.int64
    x = R.stateless_normal([2], seed=seeds[:, 0])
    assert x.shape == (2,)
    kids = R.Generator.from_seed(5).split(2)
    kids2 = R.Generator.from_seed(5).split(2)
    a, b = _np(kids[0].normal([3])), _np(kids[1].normal([3]))
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, _np(kids2[0].normal([3])))


def test_global_generator():
    R.set_seed(9)
    a = _np(R.get_global_generator().normal([3]))
    R.set_seed(9)
    np.testing.assert_array_equal(a, _np(R.get_global_generator().normal([3])))
    g = R.Generator.from_seed(1)
    R.set_global_generator(g)
    assert R.get_global_generator() is g
    with pytest.raises(TypeError):
        R.set_global_generator(3)
    assert not np.array_equal(_np(R.Generator.from_non_deterministic_state().normal([4])),
                              _np(R.Generator.from_non_deterministic_state().normal([4])))


# -- dropout --------------------------------------------------------------------------------
def test_dropout_scaling_and_fraction():
    x = ember.ones([N])
    y = _np(ember.nn.dropout(x, rate=0.3, seed=1))
    assert set(np.unique(y).tolist()) <= {0.0, np.float32(1 / 0.7)}
    assert abs(np.mean(y == 0) - 0.3) < 0.01
    assert abs(y.mean() - 1.0) < 0.02  # expectation is kept
    assert ember.nn.dropout(x, 0.0) is x


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("rate", [0.5, 0.25])
def test_dropout_at_a_dyadic_rate_draws_few_bits_and_keeps_dtype(rate, dtype):
    x = ember.ones([N], dtype=dtype)
    y = _np(ember.nn.dropout(x, rate=rate, seed=1))
    assert y.dtype == np.dtype(dtype)
    assert set(np.unique(y).tolist()) <= {0.0, float(np.dtype(dtype).type(1 / (1 - rate)))}
    assert abs(np.mean(y == 0) - rate) < 0.01
    R.set_seed(5)
    first = _np(ember.nn.dropout(x, rate=rate, seed=1))
    R.set_seed(5)                     # the same seeds: the same mask
    np.testing.assert_array_equal(_np(ember.nn.dropout(x, rate=rate, seed=1)), first)


def test_dropout_gradient_is_the_mask_and_second_order():
    x = ember.constant(np.random.default_rng(0).normal(size=(50,)))
    R.set_seed(3)
    with ember.GradientTape() as outer:
        outer.watch(x)
        with ember.GradientTape() as inner:
            inner.watch(x)
            y = ember.nn.dropout(x, rate=0.5)
            loss = ember.reduce_sum(y * y)
        g = inner.gradient(loss, x)
        gsum = ember.reduce_sum(g)
    h = outer.gradient(gsum, x)
    yv, xv = _np(y), _np(x)
    mask = np.where(yv != 0, 2.0, 0.0)
    np.testing.assert_allclose(yv, xv * mask)
    np.testing.assert_allclose(_np(g), 2 * yv * mask)
    np.testing.assert_allclose(_np(h), 2 * mask * mask)


def test_dropout_noise_shape():
    x = ember.ones([200, 4])
    y = _np(ember.nn.dropout(x, 0.5, noise_shape=[200, 1], seed=2))
    assert np.all((y == 0).all(axis=1) | (y != 0).all(axis=1))  # whole rows dropped
    y = _np(ember.nn.dropout(x, 0.5, noise_shape=[None, 1], seed=2))
    assert y.shape == (200, 4)


# -- errors ------------------------------------------------------------------------------
def test_errors():
    with pytest.raises(ValueError, match="maxval"):
        R.uniform([2], dtype="int32")
    with pytest.raises(ValueError, match="both"):
        R.stateless_uniform([2], seed=[1, 2], dtype="int32")
    with pytest.raises(ValueError, match="minval < maxval"):
        R.uniform([2], 5, 3, dtype="int32")
    with pytest.raises(ValueError, match=r"seed must be a shape \[2\].*\(3,\)"):
        R.stateless_normal([2], seed=[1, 2, 3])
    with pytest.raises(ValueError, match="shape.*-1"):
        R.normal([2, -1])
    with pytest.raises(TypeError, match="floating"):
        R.normal([2], dtype="int32")
    with pytest.raises(ValueError, match="categorical.*(3,)"):
        R.categorical([0., 1., 2.], 2)
    with pytest.raises(ValueError, match="dropout.*rate"):
        ember.nn.dropout(ember.ones([2]), 1.0)
    with pytest.raises(TypeError, match="dropout.*int32"):
        ember.nn.dropout(ember.constant([1, 2]), 0.5)
    with pytest.raises(ValueError, match="dropout.*noise_shape"):
        ember.nn.dropout(ember.ones([2, 3]), 0.5, noise_shape=[2, 2])


def test_random_ops_record_no_gradient():
    x = ember.constant([[0.0, 1.0]])
    with ember.GradientTape() as tape:
        tape.watch(x)
        y = R.shuffle(x, seed=1)
    assert tape.gradient(ember.reduce_sum(y), x) is None


def test_philox_for_a_few_blocks_is_the_vectorized_stream_bit_for_bit():
    from ember.ops import random as rnd
    rng = np.random.default_rng(0)
    for n in range(1, rnd._SMALL_BLOCKS + 3):
        key = tuple(int(v) for v in rng.integers(0, 2**32, size=2))
        hi = tuple(int(v) for v in rng.integers(0, 2**32, size=2))
        for start in (0, int(rng.integers(0, 2**63)), 2**64 - 2):   # incl. wrap-around
            small = np.array(rnd._philox_small(key, hi, start, n), dtype=np.uint64)
            np.testing.assert_array_equal(small, rnd._philox_arrays(np, key, hi, start, n))


# -- dropout keep masks ------------------------------------------------------------------------
@pytest.mark.parametrize("rate", [0.5, 0.25, 0.75, 0.125, 0.375, 3 / 16, 2 ** -10, 0.1, 0.3])
def test_keep_mask_keeps_with_probability_one_minus_rate(rate):
    from ember.ops.random import stateless_keep_mask
    m = _np(stateless_keep_mask([400, 1000], seed=[11, 12], rate=rate))
    assert m.shape == (400, 1000) and m.dtype == np.float32
    assert set(np.unique(m).tolist()) <= {0.0, 1.0}
    n, kept = m.size, m.sum()
    z = (kept - n * (1 - rate)) / np.sqrt(n * rate * (1 - rate))
    assert abs(z) < 4.5, (rate, kept / n)
    if rate in (0.5, 0.25):          # neighbours share a Philox word: still independent
        pair = (m[:, :-1] * m[:, 1:]).mean()
        assert abs(pair - (1 - rate) ** 2) < 0.01


def test_keep_mask_is_a_pure_function_of_the_seed():
    from ember.ops.random import stateless_keep_mask
    a = _np(stateless_keep_mask([3, 50], seed=[1, 2], rate=0.5))
    b = _np(stateless_keep_mask([3, 50], seed=[1, 2], rate=0.5))
    c = _np(stateless_keep_mask([3, 50], seed=[1, 3], rate=0.5))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert _np(stateless_keep_mask([7], seed=[1, 2], rate=0.0)).tolist() == [1.0] * 7
    for shape in ([0], [3, 0], []):                 # empty and scalar masks
        for rate in (0.5, 0.1):
            assert stateless_keep_mask(shape, seed=[1, 2], rate=rate).shape == tuple(shape)
    half = stateless_keep_mask([2, 2], seed=[1, 2], rate=0.25, dtype="float16")
    assert half.dtype == ember.float16
    compiled = ember.function(
        lambda s: stateless_keep_mask([3, 50], seed=s, rate=0.5))(ember.constant([1, 2]))
    np.testing.assert_array_equal(_np(compiled), a)


@pytest.mark.parametrize("rate", [0.1, 0.3, 1 / 3, 0.7])
def test_keep_mask_of_other_rates_is_the_uniform_comparison(rate):
    from ember.ops.random import stateless_keep_mask
    u = _np(R.stateless_uniform([100, 37], seed=[5, 6], dtype="float32"))
    m = _np(stateless_keep_mask([100, 37], seed=[5, 6], rate=rate))
    np.testing.assert_array_equal(m, (u >= rate).astype(np.float32))


def test_keep_mask_bit_fields_low_bits_first():
    from ember.ops.random import _bit_fields, _words
    w = _words(np, (1, 2, 3, 4), 64)
    for f in (1, 2, 4, 8, 16):
        want = (w.astype(np.uint32)[:, None] >> np.arange(0, 32, f, dtype=np.uint32)) \
            & np.uint32((1 << f) - 1)
        np.testing.assert_array_equal(_bit_fields(np, w, f), want.reshape(-1))


def test_keep_mask_errors():
    from ember.ops.random import stateless_keep_mask
    with pytest.raises(ValueError, match="stateless_keep_mask: rate must be a number in"):
        stateless_keep_mask([2], seed=[1, 2], rate=1.0)
    with pytest.raises(ValueError, match="rate"):
        stateless_keep_mask([2], seed=[1, 2], rate="0.5")
