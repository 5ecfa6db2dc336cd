"""keras.optimizers.schedules: learning rates that change with the optimizer's step.

>>> from ember.keras.optimizers import schedules
>>> s = schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
>>> round(float(s(100)), 4)
0.05
"""
from ...saving.family import ObjectFamily
from .cosine_decay import CosineDecay
from .cosine_decay_restarts import CosineDecayRestarts
from .exponential_decay import ExponentialDecay
from .inverse_time_decay import InverseTimeDecay
from .learning_rate_schedule import LearningRateSchedule, deserialize, serialize
from .piecewise_constant_decay import PiecewiseConstantDecay
from .polynomial_decay import PolynomialDecay

ALL_OBJECTS = {cls.__name__: cls for cls in (
    LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
    InverseTimeDecay, CosineDecay, CosineDecayRestarts)}
_FAMILY = ObjectFamily(ALL_OBJECTS, printable_name="decay")

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]
