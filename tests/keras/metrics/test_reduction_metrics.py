"""Sum, Mean and MeanMetricWrapper: weighted streaming means against NumPy."""
import numpy as np
import pytest

import ember
from ember.keras import losses, metrics


def test_sum_streaming_weights_and_reset():
    m = metrics.Sum()
    m.update_state([1.0, 2.0, 3.0])
    m.update_state([[1.0, 1.0], [2.0, 2.0]], sample_weight=[0.5, 2.0])
    assert np.isclose(float(m.result()), 6.0 + 0.5 * 2 + 2.0 * 4)
    m.update_state(5.0)
    assert np.isclose(float(m.result()), 20.0)
    m.reset_state()
    assert float(m.result()) == 0.0
    assert [v.name for v in m.variables] == ["total"]


def test_mean_streaming_with_weights():
    m = metrics.Mean()
    m.update_state([1.0, 3.0, 5.0, 7.0])
    assert float(m.result()) == 4.0
    m.update_state([2.0, 10.0], sample_weight=[3.0, 1.0])
    expected = (16.0 + 6.0 + 10.0) / (4 + 4.0)
    assert np.isclose(float(m.result()), expected)
    m.update_state(100.0, sample_weight=0.0)
    assert np.isclose(float(m.result()), expected)
    m.reset_state()
    assert float(m.result()) == 0.0  # no samples: 0, not NaN
    assert [v.name for v in m.variables] == ["total", "count"]


def test_mean_scalar_value_with_batch_size_weight():
    # how the trainer feeds the loss tracker: a scalar loss weighted by the batch size
    m = metrics.Mean(name="loss")
    m.update_state(ember.constant(2.0), sample_weight=32)
    m.update_state(ember.constant(4.0), sample_weight=16)
    assert np.isclose(float(m.result()), (64 + 64) / 48)


def test_mean_reduces_extra_axes_per_sample():
    values = np.array([[1.0, 3.0], [5.0, 9.0], [0.0, 2.0]])
    w = np.array([1.0, 2.0, 0.0])
    m = metrics.Mean()
    m.update_state(values, sample_weight=w)
    assert np.isclose(float(m.result()), (values.mean(1) * w).sum() / w.sum())
    m2 = metrics.Mean()
    m2.update_state(values)
    assert np.isclose(float(m2.result()), values.mean())
    m3 = metrics.Mean()
    w2 = np.array([[1.0, 0.0], [0.5, 0.5], [2.0, 1.0]])
    m3.update_state(values, sample_weight=w2)
    # per-sample: mean over the weight axes of w*v, count: mean of weights per sample
    assert np.isclose(float(m3.result()), (values * w2).mean(1).sum() / w2.mean(1).sum())


def test_mean_respects_values_mask():
    v = ember.constant([1.0, 2.0, 3.0, 4.0])
    v._keras_mask = ember.constant([True, False, True, False])
    m = metrics.Mean()
    m.update_state(v, sample_weight=[1.0, 1.0, 2.0, 1.0])
    # masked entries get weight 0: (1*1 + 3*2) / (1 + 2)
    assert np.isclose(float(m.result()), 7.0 / 3.0)


def test_mean_metric_wrapper_streams_function_values():
    yt = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    yp = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    per_sample = ((yt - yp) ** 2).mean(-1)
    m = metrics.MeanMetricWrapper(losses.mean_squared_error, name="mse_metric")
    m.update_state(yt[:2], yp[:2])
    m.update_state(yt[2:], yp[2:], sample_weight=[3.0])
    expected = (per_sample[0] + per_sample[1] + 3 * per_sample[2]) / 5
    assert np.isclose(float(m.result()), expected)
    assert m._direction == "down"
    m.reset_state()
    assert float(m.result()) == 0.0


def test_mean_metric_wrapper_uses_prediction_mask():
    yt = np.array([[0.0], [1.0], [1.0]])
    yp = ember.constant([[1.0], [1.0], [0.0]])
    yp._keras_mask = ember.constant([True, False, True])
    m = metrics.MeanMetricWrapper(losses.mean_absolute_error)
    m.update_state(yt, yp)
    assert np.isclose(float(m.result()), 1.0)


def test_mean_metric_wrapper_kwargs_and_config():
    m = metrics.MeanMetricWrapper(losses.huber, name="hub", delta=0.5)
    m.update_state([[0.0, 0.0]], [[0.25, 2.0]])
    expected = np.mean([0.5 * 0.25 ** 2, 0.5 * 2.0 - 0.5 * 0.25])
    assert np.isclose(float(m.result()), expected)
    cfg = m.get_config()
    assert cfg["delta"] == 0.5 and cfg["name"] == "hub" and cfg["fn"]["config"] == "huber"
    clone = metrics.MeanMetricWrapper.from_config(cfg)
    clone.update_state([[0.0, 0.0]], [[0.25, 2.0]])
    assert np.isclose(float(clone.result()), expected)


def test_config_round_trip():
    for cls in (metrics.Sum, metrics.Mean):
        m = cls(name="x", dtype="float64")
        assert m.get_config() == {"name": "x", "dtype": "float64"}
        assert cls.from_config(m.get_config()).dtype == "float64"


@pytest.mark.parametrize("cls", [metrics.Sum, metrics.Mean])
def test_integer_values_are_cast(cls):
    m = cls()
    m.update_state(np.array([1, 2, 3]))
    assert m.result().dtype == ember.float32
