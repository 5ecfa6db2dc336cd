import pytest

from ember.keras.optimizers.schedules import PiecewiseConstantDecay


def test_values_at_and_between_boundaries():
    s = PiecewiseConstantDecay([10, 20, 30], [1.0, 0.5, 0.25, 0.1])
    expected = {0: 1.0, 10: 1.0, 11: 0.5, 20: 0.5, 21: 0.25, 30: 0.25, 31: 0.1, 1000: 0.1}
    for step, value in expected.items():
        assert float(s(step)) == pytest.approx(value)


def test_single_boundary():
    s = PiecewiseConstantDecay([5], [0.1, 0.01])
    assert [round(float(s(k)), 6) for k in (4, 5, 6)] == [0.1, 0.1, 0.01]


def test_config_and_errors():
    s = PiecewiseConstantDecay([100], [0.1, 0.01])
    assert s.get_config() == {"boundaries": [100], "values": [0.1, 0.01],
                              "name": "PiecewiseConstant"}
    with pytest.raises(ValueError, match="1 less than"):
        PiecewiseConstantDecay([1, 2], [0.1, 0.2])
