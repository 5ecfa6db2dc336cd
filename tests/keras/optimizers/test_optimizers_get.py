"""keras.optimizers.get / serialize / deserialize and the public names."""
import numpy as np
import pytest

from ember import keras
from ember.keras import optimizers
from ember.keras.optimizers import schedules

ALL = [optimizers.SGD, optimizers.Adam, optimizers.AdamW, optimizers.RMSprop,
       optimizers.Adagrad, optimizers.Adadelta, optimizers.Adamax, optimizers.Nadam,
       optimizers.Lion, optimizers.Ftrl, optimizers.Lamb, optimizers.Adafactor]


@pytest.mark.parametrize("name,cls", [("sgd", optimizers.SGD), ("SGD", optimizers.SGD),
                                      ("adam", optimizers.Adam), ("Adam", optimizers.Adam),
                                      ("adamw", optimizers.AdamW),
                                      ("rmsprop", optimizers.RMSprop),
                                      ("RMSprop", optimizers.RMSprop),
                                      ("adagrad", optimizers.Adagrad),
                                      ("adadelta", optimizers.Adadelta),
                                      ("adamax", optimizers.Adamax),
                                      ("nadam", optimizers.Nadam), ("lion", optimizers.Lion),
                                      ("ftrl", optimizers.Ftrl), ("Ftrl", optimizers.Ftrl),
                                      ("lamb", optimizers.Lamb),
                                      ("adafactor", optimizers.Adafactor)])
def test_get_by_name(name, cls):
    assert type(optimizers.get(name)) is cls


def test_get_instances_dicts_and_errors():
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    from_dict = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.5,
                                                                "momentum": 0.9}})
    assert type(from_dict) is optimizers.SGD and from_dict.momentum == 0.9
    with pytest.raises(ValueError):
        optimizers.get("not_an_optimizer")
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get(42)


@pytest.mark.parametrize("cls", ALL)
def test_serialize_round_trip(cls):
    opt = cls(learning_rate=0.05, name=f"{cls.__name__.lower()}_rt")
    envelope = optimizers.serialize(opt)
    assert envelope["module"] == "keras.optimizers"
    assert envelope["class_name"] == cls.__name__
    assert envelope["registered_name"] is None
    again = optimizers.deserialize(envelope)
    assert type(again) is cls
    assert again.get_config() == opt.get_config()
    assert np.isclose(float(again.learning_rate), 0.05)


def test_deserialize_with_a_schedule():
    schedule = schedules.PiecewiseConstantDecay([10], [0.1, 0.01])
    envelope = optimizers.serialize(optimizers.SGD(schedule))
    again = optimizers.deserialize(envelope)
    assert isinstance(again._learning_rate, schedules.PiecewiseConstantDecay)
    assert again._learning_rate.get_config() == schedule.get_config()


def test_public_names():
    assert keras.Optimizer is optimizers.Optimizer
    assert keras.optimizers.Adam is optimizers.Adam
    assert keras.optimizers.schedules.CosineDecayRestarts is schedules.CosineDecayRestarts
    for name in ("get", "serialize", "deserialize", "LearningRateSchedule",
                 "ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay",
                 "InverseTimeDecay", "CosineDecay"):
        assert hasattr(optimizers if name in ("get",) else schedules, name)
