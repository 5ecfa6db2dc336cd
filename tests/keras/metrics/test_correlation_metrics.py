"""Pearson and concordance correlation metrics against NumPy."""
import numpy as np

from ember.keras import metrics

rng = np.random.default_rng(12)
YT = rng.normal(size=(6, 5))
YP = YT * 0.5 + rng.normal(size=(6, 5)) * 0.3
W = rng.uniform(0, 2, size=6)


def np_pearson(t, p):
    return np.array([np.corrcoef(a, b)[0, 1] for a, b in zip(t, p)])


def np_concordance(t, p):
    tm, pm = t.mean(-1, keepdims=True), p.mean(-1, keepdims=True)
    norm = t.var(-1, keepdims=True) + p.var(-1, keepdims=True) + (tm - pm) ** 2
    return (2 * (t - pm) * (p - pm) / (norm + 1e-7)).mean(-1)


def test_pearson():
    np.testing.assert_allclose(metrics.pearson_correlation(YT, YP).numpy(),
                               np_pearson(YT, YP), rtol=1e-6)
    m = metrics.PearsonCorrelation()
    m.update_state(YT[:2], YP[:2], sample_weight=W[:2])
    m.update_state(YT[2:], YP[2:], sample_weight=W[2:])
    assert np.isclose(float(m.result()), (np_pearson(YT, YP) * W).sum() / W.sum(), rtol=1e-5)
    assert m.get_config() == {"name": "pearson_correlation", "dtype": "float32", "axis": -1}


def test_concordance():
    np.testing.assert_allclose(metrics.concordance_correlation(YT, YP).numpy(),
                               np_concordance(YT, YP), rtol=1e-5)
    m = metrics.ConcordanceCorrelation()
    m.update_state(YT, YP)
    assert np.isclose(float(m.result()), np_concordance(YT, YP).mean(), rtol=1e-5)
    m.reset_state()
    assert float(m.result()) == 0.0
