"""Seeding: one ``set_random_seed`` call makes a Keras run repeatable."""
from __future__ import annotations

import random as _py_random

import numpy as np

import ember

_rng: np.random.Generator | None = None
_seed: int | None = None


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy, Ember's global generator and Keras's shuffling.

    >>> set_random_seed(1)
    """
    global _rng, _seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError("Expected `seed` argument to be an integer. Received: "
                         f"seed={seed!r} (of type {type(seed)})")
    seed = int(seed)
    _seed = seed
    _py_random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    ember.random.set_seed(seed)
    _rng = np.random.default_rng(seed)


def numpy_rng() -> np.random.Generator:
    """The generator Keras uses for shuffling and seeds (seeded by set_random_seed)."""
    global _rng
    if _rng is None:
        _rng = np.random.default_rng()
    return _rng


def draw_seed() -> int:
    """A fresh integer seed from Keras's generator (for initializers and layers)."""
    return int(numpy_rng().integers(0, 2 ** 31 - 1))
