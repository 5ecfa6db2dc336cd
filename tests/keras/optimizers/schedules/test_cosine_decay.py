import math

import pytest

from ember.keras.optimizers.schedules import CosineDecay


def decay(step, decay_steps, start, alpha):
    step = min(step, decay_steps)
    return start * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)


def test_values_without_warmup():
    s = CosineDecay(0.2, decay_steps=12, alpha=0.1)
    for step in (0, 1, 6, 12, 40):
        assert float(s(step)) == pytest.approx(decay(step, 12, 0.2, 0.1), rel=1e-5)


def test_values_with_warmup():
    s = CosineDecay(0.01, decay_steps=10, alpha=0.05, warmup_target=0.1, warmup_steps=4)
    for step in (0, 1, 3):
        assert float(s(step)) == pytest.approx(0.01 + (0.1 - 0.01) * step / 4, rel=1e-5)
    for step in (4, 5, 9, 14, 100):
        want = decay(min(step, 14) - 4, 10, 0.1, 0.05)
        assert float(s(step)) == pytest.approx(want, rel=1e-5)


def test_warmup_target_without_warmup_steps():
    s = CosineDecay(0.5, decay_steps=10, warmup_target=0.2, warmup_steps=0)
    assert float(s(0)) == pytest.approx(0.2)
    assert float(s(5)) == pytest.approx(0.1, rel=1e-5)


def test_config_and_errors():
    assert CosineDecay(0.1, 5).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 5, "alpha": 0.0,
        "name": "CosineDecay", "warmup_target": None, "warmup_steps": 0}
    with pytest.raises(ValueError, match="decay_steps"):
        CosineDecay(0.1, 0)
