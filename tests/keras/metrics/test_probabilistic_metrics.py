"""Cross-entropy, KL, Poisson and hinge metrics: running means of the loss functions."""
import numpy as np
import pytest

from ember.keras import losses, metrics

rng = np.random.default_rng(8)
LOGITS = rng.normal(size=(8, 3))
PROBS = np.exp(LOGITS) / np.exp(LOGITS).sum(-1, keepdims=True)
LABELS = rng.integers(0, 3, size=8)
ONE_HOT = np.eye(3)[LABELS]
BIN = rng.integers(0, 2, size=(8, 3)).astype(float)
W = rng.uniform(0, 2, size=8)

CASES = [
    (metrics.BinaryCrossentropy(), losses.binary_crossentropy, {}, BIN, 1 / (1 + np.exp(-LOGITS))),
    (metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
     losses.binary_crossentropy, {"from_logits": True, "label_smoothing": 0.1}, BIN, LOGITS),
    (metrics.CategoricalCrossentropy(), losses.categorical_crossentropy, {}, ONE_HOT, PROBS),
    (metrics.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2),
     losses.categorical_crossentropy, {"from_logits": True, "label_smoothing": 0.2}, ONE_HOT,
     LOGITS),
    (metrics.SparseCategoricalCrossentropy(), losses.sparse_categorical_crossentropy, {},
     LABELS, PROBS),
    (metrics.SparseCategoricalCrossentropy(from_logits=True),
     losses.sparse_categorical_crossentropy, {"from_logits": True}, LABELS, LOGITS),
    (metrics.KLDivergence(), losses.kl_divergence, {}, PROBS[::-1], PROBS),
    (metrics.Poisson(), losses.poisson, {}, BIN, PROBS),
    (metrics.Hinge(), losses.hinge, {}, BIN, LOGITS),
    (metrics.SquaredHinge(), losses.squared_hinge, {}, BIN, LOGITS),
    (metrics.CategoricalHinge(), losses.categorical_hinge, {}, ONE_HOT, LOGITS),
]


@pytest.mark.parametrize("metric,fn,kwargs,yt,yp", CASES,
                         ids=[f"{type(c[0]).__name__}{c[2]}" for c in CASES])
def test_running_mean_of_loss(metric, fn, kwargs, yt, yp):
    values = fn(yt.astype("float32"), yp.astype("float32"), **kwargs).numpy()
    metric.update_state(yt[:5], yp[:5], sample_weight=W[:5])
    metric.update_state(yt[5:], yp[5:], sample_weight=W[5:])
    assert np.isclose(float(metric.result()), (values * W).sum() / W.sum(), rtol=1e-5)
    metric.reset_state()
    metric.update_state(yt, yp)
    assert np.isclose(float(metric.result()), values.mean(), rtol=1e-5)
    assert metric._direction == "down"
    cfg = metric.get_config()
    assert type(metric).from_config(cfg).get_config() == cfg
    for k, v in kwargs.items():
        assert cfg[k] == v


def test_sparse_crossentropy_metric_ignore_class():
    labels = np.array([0, 1, 2, 1, 0, 2, 1, 0])
    m = metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1)
    m.update_state(labels, LOGITS)
    per = losses.sparse_categorical_crossentropy(labels, LOGITS.astype("float32"),
                                                 from_logits=True).numpy()
    keep = labels != 1
    # as in Keras 3: without sample weights the ignored entries count as zeros ...
    assert np.isclose(float(m.result()), per[keep].sum() / len(labels), rtol=1e-5)
    # ... with sample weights the loss mask zeroes their weights
    m.reset_state()
    m.update_state(labels, LOGITS, sample_weight=W)
    assert np.isclose(float(m.result()), (per * W)[keep].sum() / W[keep].sum(), rtol=1e-5)
    assert m.get_config()["ignore_class"] == 1
