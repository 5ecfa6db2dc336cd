"""keras.random: seeded random draws and ``SeedGenerator``.

>>> from ember import keras
>>> gen = keras.random.SeedGenerator(1)
>>> a, b = keras.random.normal((2,), seed=gen), keras.random.normal((2,), seed=gen)
>>> bool(keras.ops.all(a == b))
False
"""
from .distributions import beta, binomial, gamma
from .random_ops import (categorical, dropout, normal, randint, shuffle, truncated_normal,
                         uniform)
from .seed_generator import SeedGenerator

__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "gamma", "dropout", "normal", "randint", "shuffle",
           "truncated_normal", "uniform"]
