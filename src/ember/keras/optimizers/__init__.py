"""keras.optimizers: the Keras 3 optimizers, and ``get`` / ``serialize`` / ``deserialize``.

>>> from ember import keras
>>> opt = keras.optimizers.get("adam")
>>> type(opt).__name__, round(float(opt.learning_rate), 6)
('Adam', 0.001)
"""
from __future__ import annotations

from typing import Any

from ..saving.family import ObjectFamily
from . import schedules
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base_optimizer import Optimizer
from .ftrl import Ftrl
from .lamb import Lamb
from .lion import Lion
from .loss_scale_optimizer import LossScaleOptimizer
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

ALL_OBJECTS = (Optimizer, Adam, SGD, RMSprop, Adadelta, AdamW, Adagrad, Adamax, Adafactor,
               Nadam, Ftrl, Lion, Lamb, LossScaleOptimizer)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


_FAMILY = ObjectFamily(
    ALL_OBJECTS_DICT, case_insensitive=True, printable_name="optimizer",
    accepts=lambda obj: isinstance(obj, Optimizer), instantiates=(),
    invalid="Could not interpret optimizer identifier: {}",
    unknown=lambda name: (f"Could not interpret optimizer identifier: {name!r}; known "
                          f"optimizers: {', '.join(sorted(ALL_OBJECTS_DICT))}, or a "
                          "registered custom class name"))


def serialize(optimizer: Optimizer) -> dict:
    """The Keras 3 config envelope of ``optimizer``.

    >>> serialize(SGD(learning_rate=0.5))["config"]["learning_rate"]
    0.5
    """
    return _FAMILY.serialize(optimizer)


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """The optimizer a config envelope describes (built-in class names in any case).

    >>> opt = deserialize({"class_name": "ADAM", "config": {"learning_rate": 0.5}})
    >>> type(opt).__name__, float(opt.learning_rate)
    ('Adam', 0.5)
    """
    return _FAMILY.deserialize(config, custom_objects)


def get(identifier: Any) -> Optimizer | None:
    """An optimizer from a name (``"adam"``, ``"RMSprop"``), a config dict or an instance.

    >>> type(get("SGD")).__name__
    'SGD'
    """
    return _FAMILY.get(identifier)


__all__ = [
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "LossScaleOptimizer",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]
