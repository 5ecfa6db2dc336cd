"""keras.random.SeedGenerator and the seed argument of keras.random ops."""
import numpy as np
import pytest

import ember
from ember import keras
from ember.keras.random.seed_generator import draw_seed


def test_next_hands_out_consecutive_pairs():
    gen = keras.random.SeedGenerator(42)
    assert gen.state.dtype == ember.int64
    assert not gen.state.trainable
    assert [gen.next().numpy().tolist() for _ in range(3)] == [[42, 0], [42, 1], [42, 2]]


def test_unordered_next_scrambles_as_keras():
    gen = keras.random.SeedGenerator(5)
    assert gen.next(ordered=False).numpy().tolist() == [5, 0]
    assert gen.state.numpy().tolist() == [(6 * 5387) % 933199, 5387]


def test_config_round_trip_and_names():
    gen = keras.random.SeedGenerator(3, name="gen")
    assert gen.get_config() == {"seed": 3, "name": "gen"}
    again = keras.random.SeedGenerator.from_config(gen.get_config())
    assert again.next().numpy().tolist() == [3, 0]
    assert keras.random.SeedGenerator().get_config()["seed"] is None
    assert keras.random.SeedGenerator().name.startswith("seed_generator")


@pytest.mark.parametrize("seed", [1.5, "1", True])
def test_bad_seed_is_refused(seed):
    with pytest.raises(ValueError, match="Argument `seed` must be an integer"):
        keras.random.SeedGenerator(seed)


def test_unknown_keyword_is_refused():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        keras.random.SeedGenerator(1, foo=2)


def test_int_seed_repeats_generator_advances():
    same = [keras.random.normal((4,), seed=7).numpy() for _ in range(2)]
    np.testing.assert_array_equal(*same)
    gen = keras.random.SeedGenerator(7)
    a, b = keras.random.normal((4,), seed=gen), keras.random.normal((4,), seed=gen)
    assert not np.array_equal(a.numpy(), b.numpy())
    # the generator's first draw is the int seed's draw
    np.testing.assert_array_equal(a.numpy(), same[0])


def test_no_seed_uses_the_global_generator_reset_by_set_random_seed():
    keras.utils.set_random_seed(11)
    first = [keras.random.uniform((3,)).numpy() for _ in range(2)]
    assert not np.array_equal(*first)
    keras.utils.set_random_seed(11)
    again = [keras.random.uniform((3,)).numpy() for _ in range(2)]
    np.testing.assert_array_equal(np.stack(first), np.stack(again))


@pytest.mark.parametrize("seed", ["x", 1.0, [1, 2]])
def test_draw_seed_refuses_other_types(seed):
    with pytest.raises(ValueError, match="either an integer or an instance of"):
        draw_seed(seed)


class _Noisy(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(5)

    def call(self, x, training=False):
        if training:
            return x + keras.random.normal(tuple(x.shape), stddev=0.1, seed=self.seed_generator)
        return x


def test_a_layer_generator_advances_inside_compiled_training():
    noisy = _Noisy()
    model = keras.Sequential([keras.Input((3,)), noisy, keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 3)), np.ones((8, 1)), batch_size=4, epochs=2, verbose=0)
    assert noisy.seed_generator.state.numpy().tolist() == [5, 4]
    assert noisy.weights == []   # the state stays out of the weights, as in Keras


def test_draws_differ_between_calls_of_a_compiled_function():
    gen = keras.random.SeedGenerator(2)

    @ember.function
    def draw():
        return keras.random.normal((3,), seed=gen)

    a, b = draw().numpy(), draw().numpy()
    assert not np.array_equal(a, b)
    assert gen.state.numpy().tolist() == [2, 2]
