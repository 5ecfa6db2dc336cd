"""ember.train.ExponentialMovingAverage: values as TF 2.21 gives them."""
import numpy as np
import pytest

import ember

EMA = ember.train.ExponentialMovingAverage


def test_average_follows_the_variable():
    w = ember.Variable(1.0, name="w")
    ema = EMA(0.9)
    assert ema.apply([w]) is None
    shadow = ema.average(w)
    assert float(shadow) == 1.0 and not shadow.trainable
    assert ema.average_name(w) == "w/ExponentialMovingAverage" == _base(shadow.name)
    w.assign(2.0)
    ema.apply([w])
    np.testing.assert_allclose(float(ema.average(w)), 1.1, rtol=1e-6)
    assert ema.average(ember.Variable(3.0)) is None
    assert ema.name == "ExponentialMovingAverage" and ema.decay == 0.9


def _base(name):
    return name[:-2] if name.endswith(":0") else name


def test_num_updates_caps_the_decay():
    w = ember.Variable(2.0)
    ema = EMA(0.99, num_updates=ember.Variable(0))
    ema.apply([w])
    w.assign(3.0)
    ema.apply([w])    # decay min(0.99, 1/10): 0.1 * 2 + 0.9 * 3
    np.testing.assert_allclose(float(ema.average(w)), 2.9, rtol=1e-6)


def test_several_variables_and_shapes():
    a, b = ember.Variable(np.zeros(3, np.float32)), ember.Variable(np.ones((2, 2)))
    ema = EMA(0.5)
    ema.apply([a, b])
    a.assign(np.full(3, 4.0, np.float32))
    b.assign(np.full((2, 2), 3.0))
    ema.apply([a, b])
    np.testing.assert_allclose(ema.average(a).numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(ema.average(b).numpy(), np.full((2, 2), 2.0))
    assert ema.average(b).dtype == ember.float64


def test_inside_a_compiled_function():
    w = ember.Variable(1.0)
    ema = EMA(0.9)
    ema.apply([w])

    @ember.function
    def step():
        w.assign_add(1.0)
        ema.apply([w])
        return ema.average(w).read_value()

    np.testing.assert_allclose([float(step()), float(step())], [1.1, 1.29], rtol=1e-6)


def test_refusals():
    with pytest.raises(TypeError, match="must be half, float, or double"):
        EMA(0.9).apply([ember.Variable(1)])
    with pytest.raises(TypeError, match="plain tensors are not supported"):
        EMA(0.9).apply([ember.constant(1.0)])
