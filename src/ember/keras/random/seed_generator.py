"""keras.random.SeedGenerator: the state behind Keras's stateless random draws, and the
rule that turns a ``seed`` argument (None, an int or a generator) into a seed pair."""
from __future__ import annotations

from typing import Any

import numpy as np

import ember

from ..utils import random as random_utils
from ..utils.naming import uniquify


class SeedGenerator:
    """Hands out a new seed pair ``[seed, n]`` on each ``next()`` call, so random ops
    given the generator draw new values every time yet repeat run to run.

    The state is an int64 Variable of shape (2,) that layers keep out of their weights
    (as Keras does); inside a compiled train step its update is part of the graph.

    >>> from ember import keras
    >>> gen = keras.random.SeedGenerator(42)
    >>> gen.next().numpy().tolist(), gen.next().numpy().tolist()
    ([42, 0], [42, 1])
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs):
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        if seed is not None and (not isinstance(seed, (int, np.integer))
                                 or isinstance(seed, bool)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self.name = name or uniquify("seed_generator")
        self._initial_seed = None if seed is None else int(seed)
        start = random_utils.draw_seed() if seed is None else int(seed)
        self.state = ember.Variable(np.array([start, 0], dtype=np.int64), trainable=False,
                                    name="seed_generator_state")

    def next(self, ordered: bool = True) -> ember.Tensor:
        """The current seed pair; advances the state (by one draw when ``ordered``, else
        by Keras's scrambling step, used by the global generator)."""
        seed = self.state.read_value()
        if ordered:
            self.state.assign_add(np.array([0, 1], dtype=np.int64))
        else:
            self.state.assign((seed + 1) * 5387 % 933199)
        return seed

    def get_config(self) -> dict:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "SeedGenerator":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator name={self.name} seed={self._initial_seed}>"


_GLOBAL: dict = {}


def global_seed_generator() -> SeedGenerator:
    """The generator behind ``seed=None``; ``keras.utils.set_random_seed`` replaces it (it
    belongs to one state of Keras's seeding generator)."""
    owner = random_utils.numpy_rng()
    if _GLOBAL.get("owner") is not owner:
        _GLOBAL["generator"] = SeedGenerator(name="global_seed_generator")
        _GLOBAL["owner"] = owner
    return _GLOBAL["generator"]


def draw_seed(seed: Any) -> ember.Tensor:
    """The seed pair for one random op: ``seed.next()`` for a generator, ``[seed, 0]``
    for an int (the same values every call), the global generator's next pair for None.

    >>> draw_seed(7).numpy().tolist()
    [7, 0]
    """
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return ember.constant([int(seed), 0], dtype=ember.int64)
    if seed is None:
        return global_seed_generator().next(ordered=False)
    raise ValueError("Argument `seed` must be either an integer or an instance of "
                     f"`SeedGenerator`. Received: seed={seed!r} (of type {type(seed)})")
