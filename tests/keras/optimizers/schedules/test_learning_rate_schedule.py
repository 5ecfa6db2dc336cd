import pytest

import ember
from ember.keras.optimizers import schedules

ALL = [schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
       schedules.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1]),
       schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0, cycle=True),
       schedules.InverseTimeDecay(0.1, 2, 0.5),
       schedules.CosineDecay(0.0, 10, alpha=0.1, warmup_target=0.1, warmup_steps=3),
       schedules.CosineDecayRestarts(0.1, 5, t_mul=1.5, m_mul=0.8, alpha=0.05)]


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
def test_serialize_round_trip(schedule):
    envelope = schedules.serialize(schedule)
    assert envelope["module"] == "keras.optimizers.schedules"
    assert envelope["class_name"] == type(schedule).__name__
    again = schedules.deserialize(envelope)
    assert type(again) is type(schedule)
    assert again.get_config() == schedule.get_config()
    for step in (0, 3, 7, 12):
        assert float(again(step)) == pytest.approx(float(schedule(step)))
    assert type(schedule).from_config(schedule.get_config()).get_config() == \
        schedule.get_config()


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
def test_step_may_be_an_int64_variable(schedule):
    step = ember.Variable(7, dtype="int64", trainable=False)
    assert float(schedule(step)) == pytest.approx(float(schedule(7)))


def test_base_class_needs_call_and_config():
    class Bare(schedules.LearningRateSchedule):
        pass
    with pytest.raises(NotImplementedError, match="__call__"):
        Bare()(1)
    with pytest.raises(NotImplementedError, match="get_config"):
        Bare().get_config()


def test_custom_schedule_in_an_optimizer():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.5 ** ember.cast(step, "float32")

        def get_config(self):
            return {}

    from ember.keras import optimizers
    w = ember.Variable([0.0])
    opt = optimizers.SGD(Halving())
    for _ in range(3):
        opt.apply_gradients([(ember.constant([1.0]), w)])
    assert float(w[0]) == pytest.approx(-1.75)
