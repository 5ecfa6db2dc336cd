"""Regression metrics (mean errors, RMSE, cosine, log-cosh, R2) against NumPy."""
import warnings

import numpy as np
import pytest

from ember.keras import metrics

EPS = 1e-7
rng = np.random.default_rng(7)
YT = rng.uniform(0.1, 3, size=(9, 3))
YP = rng.uniform(0.1, 3, size=(9, 3))
W = rng.uniform(0, 2, size=9)


def np_cos(t, p):
    return (t * p).sum(-1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1)


PER_SAMPLE = {
    metrics.MeanSquaredError: lambda t, p: ((t - p) ** 2).mean(-1),
    metrics.MeanAbsoluteError: lambda t, p: np.abs(t - p).mean(-1),
    metrics.MeanAbsolutePercentageError: lambda t, p: 100 * np.abs((t - p) / t).mean(-1),
    metrics.MeanSquaredLogarithmicError:
        lambda t, p: ((np.log(p + 1) - np.log(t + 1)) ** 2).mean(-1),
    metrics.CosineSimilarity: np_cos,
    metrics.LogCoshError: lambda t, p: np.log(np.cosh(p - t)).mean(-1),
}


def streamed(metric, yt, yp, w=None):
    for sl in (slice(0, 4), slice(4, 5), slice(5, None)):
        metric.update_state(yt[sl], yp[sl], sample_weight=None if w is None else w[sl])
    return float(metric.result())


@pytest.mark.parametrize("cls", list(PER_SAMPLE), ids=lambda c: c.__name__)
def test_mean_error_metrics(cls):
    values = PER_SAMPLE[cls](YT, YP)
    m = cls()
    assert np.isclose(streamed(m, YT, YP), values.mean(), rtol=1e-5)
    m.reset_state()
    assert float(m.result()) == 0.0
    assert np.isclose(streamed(m, YT, YP, W), (values * W).sum() / W.sum(), rtol=1e-5)
    assert cls.from_config(m.get_config()).name == m.name
    assert m.get_config() == {"name": m.name, "dtype": "float32"}


def test_root_mean_squared_error():
    m = metrics.RootMeanSquaredError()
    assert np.isclose(streamed(m, YT, YP), np.sqrt(((YT - YP) ** 2).mean()), rtol=1e-5)
    m.reset_state()
    sq = ((YT - YP) ** 2).mean(-1)
    assert np.isclose(streamed(m, YT, YP, W), np.sqrt((sq * W).sum() / W.sum()), rtol=1e-5)
    assert m.name == "root_mean_squared_error" and m._direction == "down"


def np_r2(t, p, w=None, aggregation="uniform_average", num_regressors=0):
    w = np.ones(len(t)) if w is None else w
    w = np.broadcast_to(w[:, None], t.shape)
    mean = (w * t).sum(0) / w.sum(0)
    total = (w * (t - mean) ** 2).sum(0)
    raw = 1 - (w * (t - p) ** 2).sum(0) / total
    if aggregation == "uniform_average":
        r2 = raw.mean()
    elif aggregation == "variance_weighted_average":
        r2 = (total * raw).sum() / total.sum()
    else:
        r2 = raw
    n = (w != 0).any(-1).sum()
    if num_regressors and num_regressors < n - 1:
        r2 = 1 - (1 - r2) * (n - 1) / (n - num_regressors - 1)
    return r2


@pytest.mark.parametrize("aggregation", ["uniform_average", "variance_weighted_average", None])
@pytest.mark.parametrize("weighted", [False, True])
def test_r2_score(aggregation, weighted):
    w = W if weighted else None
    m = metrics.R2Score(class_aggregation=aggregation)
    for sl in (slice(0, 4), slice(4, None)):
        m.update_state(YT[sl], YP[sl], sample_weight=None if w is None else w[sl])
    np.testing.assert_allclose(m.result().numpy(), np_r2(YT, YP, w, aggregation), rtol=1e-4)
    m.reset_state()
    m.update_state(YT, YP)
    np.testing.assert_allclose(m.result().numpy(), np_r2(YT, YP, None, aggregation), rtol=1e-4)


def test_r2_score_matches_sklearn():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    m = metrics.R2Score()
    m.update_state(YT, YP, sample_weight=W)
    assert np.isclose(float(m.result()), sklearn_metrics.r2_score(YT, YP, sample_weight=W),
                      rtol=1e-4)


def test_adjusted_r2_and_fallbacks():
    m = metrics.R2Score(num_regressors=2)
    m.update_state(YT, YP)
    assert np.isclose(float(m.result()), np_r2(YT, YP, num_regressors=2), rtol=1e-4)
    few = metrics.R2Score(num_regressors=20)
    few.update_state(YT, YP)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = float(few.result())
    assert np.isclose(value, np_r2(YT, YP), rtol=1e-4)
    assert any("More independent predictors" in str(w.message) for w in caught)


def test_r2_score_validation_and_config():
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="median")
    with pytest.raises(ValueError, match="num_regressors"):
        metrics.R2Score(num_regressors=-1)
    with pytest.raises(ValueError, match="2D"):
        metrics.R2Score().update_state(np.ones((2, 2, 2)), np.ones((2, 2, 2)))
    cfg = metrics.R2Score(class_aggregation=None, num_regressors=1).get_config()
    assert cfg == {"name": "r2_score", "dtype": "float32", "class_aggregation": None,
                   "num_regressors": 1}
    with pytest.raises(ValueError, match="2D"):  # as in Keras, 1-D inputs are rejected
        metrics.R2Score().update_state(YT[:, 0], YP[:, 0])
    # (batch,) targets against (batch, 1) predictions are aligned
    m = metrics.R2Score()
    m.update_state(YT[:, :1], YP[:, 0])
    assert np.isclose(float(m.result()), np_r2(YT[:, :1], YP[:, :1]), rtol=1e-4)
