import math

import pytest

from ember.keras.optimizers.schedules import CosineDecayRestarts


def reference(step, initial, first, t_mul, m_mul, alpha):
    fraction = step / first
    if t_mul == 1.0:
        i = math.floor(fraction)
        fraction -= i
    else:
        i = math.floor(math.log(1 - fraction * (1 - t_mul)) / math.log(t_mul))
        total = (1 - t_mul ** i) / (1 - t_mul)
        fraction = (fraction - total) / t_mul ** i
    cosine = 0.5 * m_mul ** i * (1 + math.cos(math.pi * fraction))
    return initial * ((1 - alpha) * cosine + alpha)


@pytest.mark.parametrize("t_mul,m_mul,alpha", [(2.0, 1.0, 0.0), (1.0, 0.5, 0.1),
                                               (1.5, 0.8, 0.05)])
def test_values(t_mul, m_mul, alpha):
    s = CosineDecayRestarts(0.1, first_decay_steps=5, t_mul=t_mul, m_mul=m_mul, alpha=alpha)
    for step in (0, 1, 4, 5, 6, 14, 15, 16, 40):
        want = reference(step, 0.1, 5, t_mul, m_mul, alpha)
        assert float(s(step)) == pytest.approx(want, rel=1e-4, abs=1e-7)


def test_config_and_errors():
    assert CosineDecayRestarts(0.1, 5).get_config() == {
        "initial_learning_rate": 0.1, "first_decay_steps": 5, "t_mul": 2.0, "m_mul": 1.0,
        "alpha": 0.0, "name": "SGDRDecay"}
    with pytest.raises(ValueError, match="first_decay_steps"):
        CosineDecayRestarts(0.1, 0)
