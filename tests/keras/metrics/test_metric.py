"""The Metric base: variables, tracking, reset, __call__, configs."""
import numpy as np
import pytest

import ember
from ember.keras import metrics


class Count(metrics.Metric):
    def __init__(self, name="count", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.n = self.add_variable(shape=(), initializer="zeros", name="n")
        self.inner = metrics.Mean(name="inner_mean")

    def update_state(self, values):
        values = ember.convert_to_tensor(values)
        self.n.assign_add(ember.cast(ember.size(values), self.n.dtype))
        self.inner.update_state(values)

    def result(self):
        return ember.identity(self.n.read_value())


def test_variables_are_non_trainable_and_named():
    m = Count()
    names = [v.name for v in m.variables]
    assert names == ["n", "total", "count"]
    assert all(not v.trainable for v in m.variables)
    assert m.trainable_variables == []
    assert m.n.path == "count/n"
    assert m.inner.total.path == "inner_mean/total"
    assert m.n.dtype == ember.float32


def test_call_updates_then_returns_result_and_reset():
    m = Count()
    assert float(m([1.0, 2.0, 3.0])) == 3.0
    assert float(m([4.0])) == 4.0
    assert float(m.inner.result()) == 2.5
    m.reset_state()
    assert float(m.result()) == 0.0 and float(m.inner.result()) == 0.0


def test_forgetting_super_init_is_reported():
    class Broken(metrics.Metric):
        def __init__(self):
            pass

        def update_state(self, x):
            pass

        def result(self):
            return 0.0
    with pytest.raises(RuntimeError, match="super"):
        Broken().add_variable((), "zeros", name="x")


def test_base_methods_and_config():
    m = metrics.Metric(name="base")
    with pytest.raises(NotImplementedError):
        m.update_state(1)
    with pytest.raises(NotImplementedError):
        m.result()
    assert m.get_config() == {"name": "base", "dtype": "float32"}
    assert repr(m) == "<Metric name=base>"
    m64 = metrics.Mean(dtype="float64")
    assert m64.dtype == "float64" and m64.total.dtype == ember.float64
    clone = metrics.Mean.from_config(m64.get_config())
    assert clone.dtype == "float64" and clone.name == m64.name


def test_auto_names_are_unique():
    class Thing(metrics.Metric):
        pass
    a, b = Thing(), Thing()
    assert a.name.startswith("thing") and a.name != b.name


def test_metric_is_not_tracked_as_layer_weights():
    from ember.keras.layers import Dense
    layer = Dense(2)
    layer.tracker = metrics.Mean(name="tracker")
    layer.build((None, 3))
    assert all(w.name != "total" for w in layer.weights)
    assert len(layer.trainable_weights) == 2


def test_add_weight_alias():
    m = metrics.Metric(name="w")
    v = m.add_weight(shape=(2,), name="acc")
    np.testing.assert_array_equal(v.numpy(), [0.0, 0.0])
    assert m.variables == [v]
