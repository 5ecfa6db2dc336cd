"""FBetaScore / F1Score against a NumPy re-statement."""
import numpy as np
import pytest

from ember.keras import metrics

EPS = 1e-7
rng = np.random.default_rng(10)
YT = (rng.uniform(size=(12, 4)) > 0.6).astype(float)
YP = rng.uniform(size=(12, 4))
W = rng.uniform(0, 2, size=12)


def np_fbeta(yt, yp, beta, threshold, average, w=None):
    if threshold is None:
        pred = (yp >= yp.max(-1, keepdims=True)) & (np.abs(yp) > 1e-9)
    else:
        pred = yp > threshold
    pred = pred.astype(float)
    w = np.ones((len(yt), 1)) if w is None else w[:, None]
    axis = None if average == "micro" else 0
    tp = (pred * yt * w).sum(axis)
    fp = (pred * (1 - yt) * w).sum(axis)
    fn = ((1 - pred) * yt * w).sum(axis)
    iw = (yt * w).sum(axis)
    p = tp / (tp + fp + EPS)
    r = tp / (tp + fn + EPS)
    f = p * r / (beta ** 2 * p + r + EPS) * (1 + beta ** 2)
    if average == "weighted":
        return (f * iw / (iw.sum() + EPS)).sum()
    if average is not None:
        return f.mean()
    return f


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.5])
@pytest.mark.parametrize("beta", [1.0, 0.5, 2.0])
def test_fbeta_streaming(average, threshold, beta):
    m = metrics.FBetaScore(average=average, beta=beta, threshold=threshold)
    m.update_state(YT[:5], YP[:5], sample_weight=W[:5])
    m.update_state(YT[5:], YP[5:], sample_weight=W[5:])
    np.testing.assert_allclose(m.result().numpy(),
                               np_fbeta(YT, YP, beta, threshold, average, W), rtol=1e-5)
    m.reset_state()
    m.update_state(YT, YP)
    np.testing.assert_allclose(m.result().numpy(),
                               np_fbeta(YT, YP, beta, threshold, average), rtol=1e-5)


def test_f1_matches_sklearn_macro():
    sk = pytest.importorskip("sklearn.metrics")
    m = metrics.F1Score(average="macro", threshold=0.5)
    m.update_state(YT, YP)
    assert np.isclose(float(m.result()), sk.f1_score(YT, YP > 0.5, average="macro"), atol=1e-5)


def test_configs_and_validation():
    cfg = metrics.F1Score(average="micro", threshold=0.4, name="f1").get_config()
    assert cfg == {"name": "f1", "dtype": "float32", "average": "micro", "threshold": 0.4}
    assert metrics.F1Score.from_config(cfg).get_config() == cfg
    cfg = metrics.FBetaScore(beta=2.0).get_config()
    assert cfg["beta"] == 2.0 and metrics.FBetaScore.from_config(cfg).beta == 2.0
    with pytest.raises(ValueError, match="average"):
        metrics.F1Score(average="samples")
    with pytest.raises(ValueError, match="beta"):
        metrics.FBetaScore(beta=1)
    with pytest.raises(ValueError, match="threshold"):
        metrics.F1Score(threshold=1.5)
    with pytest.raises(ValueError, match="2D"):
        metrics.F1Score().update_state(np.ones(3), np.ones(3))
    m = metrics.F1Score(average="macro")
    m.update_state(YT, YP)
    assert [v.name for v in m.variables] == ["true_positives", "false_positives",
                                             "false_negatives", "intermediate_weights"]
    assert tuple(m.variables[0].shape) == (4,)
