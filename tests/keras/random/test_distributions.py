"""keras.random.gamma / beta / binomial: moments against the distributions' own, for
fixed seeds, eagerly and compiled."""
import numpy as np
import pytest

import ember
from ember import keras

N = 40000


@pytest.mark.parametrize("alpha", [0.2, 0.7, 1.0, 3.5, 20.0])
def test_gamma_moments(alpha):
    x = keras.random.gamma((N,), alpha=alpha, seed=1, dtype="float64").numpy()
    assert (x >= 0).all()
    se = np.sqrt(alpha / N)
    assert abs(x.mean() - alpha) < 5 * se
    assert abs(x.var() / alpha - 1) < 0.1


def test_gamma_broadcasts_alpha_and_defaults_to_floatx():
    x = keras.random.gamma((N // 4, 2), alpha=[0.5, 8.0], seed=2)
    assert x.dtype == ember.float32 and x.shape == (N // 4, 2)
    np.testing.assert_allclose(x.numpy().mean(axis=0), [0.5, 8.0], rtol=0.05)


def test_beta_moments():
    a, b = 2.0, 6.0
    x = keras.random.beta((N,), a, b, seed=3, dtype="float64").numpy()
    assert ((x > 0) & (x < 1)).all()
    assert abs(x.mean() - a / (a + b)) < 0.005
    assert abs(x.var() - a * b / ((a + b) ** 2 * (a + b + 1))) < 0.001


def test_binomial_moments_and_broadcasting():
    x = keras.random.binomial((N,), counts=12, probabilities=0.3, seed=4).numpy()
    assert set(np.unique(x).tolist()) <= set(range(13))
    assert abs(x.mean() - 3.6) < 0.05 and abs(x.var() - 12 * 0.3 * 0.7) < 0.1
    y = keras.random.binomial((3, 4), [[1, 2, 3, 4]], [[1.0], [0.0], [0.5]], seed=1).numpy()
    np.testing.assert_array_equal(y[0], [1, 2, 3, 4])
    np.testing.assert_array_equal(y[1], [0, 0, 0, 0])
    assert ((y[2] >= 0) & (y[2] <= [1, 2, 3, 4])).all()


def test_invalid_parameters():
    with pytest.raises(ValueError, match="`alpha` must be positive"):
        keras.random.gamma((2,), alpha=0.0)
    with pytest.raises(ValueError, match="`beta` must be positive"):
        keras.random.beta((2,), 1.0, -1.0)
    with pytest.raises(ValueError, match="probabilities"):
        keras.random.binomial((2,), 3, 1.5)


def test_seeds_repeat_and_generators_advance():
    np.testing.assert_array_equal(keras.random.gamma((5,), 2.0, seed=9).numpy(),
                                  keras.random.gamma((5,), 2.0, seed=9).numpy())
    gen = keras.random.SeedGenerator(9)
    assert not np.array_equal(keras.random.beta((5,), 2.0, 2.0, seed=gen).numpy(),
                              keras.random.beta((5,), 2.0, 2.0, seed=gen).numpy())


def test_compiled_equals_eager():
    @ember.function
    def draw():
        return (keras.random.gamma((50,), 0.5, seed=3), keras.random.beta((50,), 2., 3., seed=3),
                keras.random.binomial((50,), 6, 0.4, seed=3))

    for compiled, eager in zip(draw(), (keras.random.gamma((50,), 0.5, seed=3),
                                        keras.random.beta((50,), 2., 3., seed=3),
                                        keras.random.binomial((50,), 6, 0.4, seed=3))):
        np.testing.assert_allclose(compiled.numpy(), eager.numpy(), rtol=1e-6)
