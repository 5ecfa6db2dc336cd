import numpy as np
import pytest

from ember.keras.optimizers.schedules import ExponentialDecay


@pytest.mark.parametrize("staircase", [False, True])
def test_values(staircase):
    s = ExponentialDecay(0.2, decay_steps=7, decay_rate=0.6, staircase=staircase)
    for step in (0, 1, 6, 7, 15, 100):
        p = step // 7 if staircase else step / 7
        assert float(s(step)) == pytest.approx(0.2 * 0.6 ** p, rel=1e-5)
    assert s(3).dtype.name == "float32"


def test_config_and_errors():
    s = ExponentialDecay(0.1, 100, 0.96)
    assert s.get_config() == {"initial_learning_rate": 0.1, "decay_steps": 100,
                              "decay_rate": 0.96, "staircase": False,
                              "name": "ExponentialDecay"}
    with pytest.raises(ValueError, match="decay_steps"):
        ExponentialDecay(0.1, 0, 0.9)
    assert np.isfinite(float(s(10 ** 6)))
