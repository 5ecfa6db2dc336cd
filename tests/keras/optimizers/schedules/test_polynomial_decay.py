import math

import pytest

from ember.keras.optimizers.schedules import PolynomialDecay


def reference(step, initial, decay_steps, end, power, cycle):
    if cycle:
        decay_steps = decay_steps * (1 if step == 0 else math.ceil(step / decay_steps))
    else:
        step = min(step, decay_steps)
    return (initial - end) * (1 - step / decay_steps) ** power + end


@pytest.mark.parametrize("power,cycle", [(1.0, False), (0.5, False), (2.0, True)])
def test_values(power, cycle):
    s = PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01, power=power,
                        cycle=cycle)
    for step in (0, 1, 5, 10, 11, 25):
        assert float(s(step)) == pytest.approx(reference(step, 0.1, 10, 0.01, power, cycle),
                                               rel=1e-5)


def test_config_and_errors():
    assert PolynomialDecay(0.1, 5).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 5, "end_learning_rate": 0.0001,
        "power": 1.0, "cycle": False, "name": "PolynomialDecay"}
    with pytest.raises(ValueError, match="decay_steps"):
        PolynomialDecay(0.1, 0)
