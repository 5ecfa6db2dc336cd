import pytest

from ember.keras.optimizers.schedules import InverseTimeDecay


@pytest.mark.parametrize("staircase", [False, True])
def test_values(staircase):
    s = InverseTimeDecay(0.3, decay_steps=4, decay_rate=0.7, staircase=staircase)
    for step in (0, 1, 3, 4, 9, 50):
        p = step // 4 if staircase else step / 4
        assert float(s(step)) == pytest.approx(0.3 / (1 + 0.7 * p), rel=1e-5)


def test_config_and_errors():
    assert InverseTimeDecay(0.1, 1, 0.5).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5,
        "staircase": False, "name": "InverseTimeDecay"}
    with pytest.raises(ValueError, match="decay_steps"):
        InverseTimeDecay(0.1, -1, 0.5)
