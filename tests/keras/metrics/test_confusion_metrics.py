"""Threshold metrics (counts, Precision, Recall, AUC, sensitivity family) against NumPy."""
import numpy as np
import pytest

from ember.keras import metrics

EPS = 1e-7
rng = np.random.default_rng(9)
N = 40
Y_TRUE = rng.integers(0, 2, size=N).astype(float)
Y_PRED = np.clip(rng.uniform(size=N) * 0.6 + Y_TRUE * 0.35, 0, 1)
W = rng.uniform(0, 2, size=N)
ML_TRUE = rng.integers(0, 2, size=(N, 3)).astype(float)
ML_PRED = np.clip(rng.uniform(size=(N, 3)) * 0.7 + ML_TRUE * 0.25, 0, 1)
BATCHES = (slice(0, 15), slice(15, 16), slice(16, None))


def np_counts(y_true, y_pred, thresholds, w=None, axis=None):
    """(tp, fp, tn, fn), one entry per threshold: prediction > threshold is positive."""
    y_true = np.asarray(y_true, bool)
    w = np.ones(y_pred.shape) if w is None else np.broadcast_to(
        w.reshape(w.shape + (1,) * (y_pred.ndim - w.ndim)), y_pred.shape)
    out = []
    for t in thresholds:
        pos = y_pred > t
        out.append([(w * (y_true & pos)).sum(axis), (w * (~y_true & pos)).sum(axis),
                    (w * (~y_true & ~pos)).sum(axis), (w * (y_true & ~pos)).sum(axis)])
    return [np.array(c) for c in zip(*out)]


def stream(metric, y_true, y_pred, w=None):
    for sl in BATCHES:
        metric.update_state(y_true[sl], y_pred[sl], sample_weight=None if w is None else w[sl])
    return metric.result().numpy()


COUNT_CLASSES = [(metrics.TruePositives, 0), (metrics.FalsePositives, 1),
                 (metrics.TrueNegatives, 2), (metrics.FalseNegatives, 3)]


@pytest.mark.parametrize("cls,which", COUNT_CLASSES, ids=lambda c: getattr(c, "__name__", ""))
@pytest.mark.parametrize("thresholds", [None, 0.3, [0.15, 0.5, 0.85], [0.0, 0.5, 1.0]])
@pytest.mark.parametrize("weighted", [False, True])
def test_counts(cls, which, thresholds, weighted):
    w = W if weighted else None
    ths = [0.5] if thresholds is None else np.atleast_1d(thresholds)
    expected = np_counts(Y_TRUE, Y_PRED, ths, w)[which]
    m = cls(thresholds=thresholds)
    out = stream(m, Y_TRUE, Y_PRED, w)
    # (the bucketed path computes TN/FN as totals minus counts: float32 round-off)
    np.testing.assert_allclose(out, expected if len(ths) > 1 else expected[0], rtol=1e-5,
                               atol=1e-5)
    m.reset_state()
    assert np.all(m.result().numpy() == 0)
    assert cls.from_config(m.get_config()).get_config() == m.get_config()


def test_prediction_equal_to_threshold_is_negative():
    m = metrics.TruePositives(thresholds=[0.0, 0.5, 1.0])
    m.update_state([1, 1, 1], [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(m.result().numpy(), [2, 1, 0])
    m = metrics.TruePositives(thresholds=0.5)
    m.update_state([1, 1], [0.5, 0.5000001])
    assert float(m.result()) == 1.0


@pytest.mark.parametrize("thresholds", [None, [0.2, 0.6], [0.0, 0.25, 0.5, 0.75, 1.0]])
@pytest.mark.parametrize("weighted", [False, True])
def test_precision_recall(thresholds, weighted):
    w = W if weighted else None
    ths = [0.5] if thresholds is None else thresholds
    tp, fp, _, fn = np_counts(Y_TRUE, Y_PRED, ths, w)
    prec = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1e-30), 0.0)
    rec = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1e-30), 0.0)
    squeeze = (lambda a: a[0]) if thresholds is None else (lambda a: a)
    np.testing.assert_allclose(stream(metrics.Precision(thresholds=thresholds), Y_TRUE,
                                      Y_PRED, w), squeeze(prec), rtol=1e-5)
    np.testing.assert_allclose(stream(metrics.Recall(thresholds=thresholds), Y_TRUE,
                                      Y_PRED, w), squeeze(rec), rtol=1e-5)


def test_precision_recall_class_id_and_top_k():
    scores = rng.uniform(size=(N, 4))
    labels = (rng.uniform(size=(N, 4)) > 0.6).astype(float)
    tp, fp, _, fn = np_counts(labels[:, 2], scores[:, 2], [0.5], W)
    m = metrics.Precision(class_id=2)
    assert np.isclose(stream(m, labels, scores, W), tp[0] / (tp[0] + fp[0]), rtol=1e-5)
    m = metrics.Recall(class_id=2)
    assert np.isclose(stream(m, labels, scores, W), tp[0] / (tp[0] + fn[0]), rtol=1e-5)
    # top_k: only the k best scores of each row can be positive (threshold -inf by default)
    top2 = np.argsort(-scores, axis=1)[:, :2]
    kept = np.zeros_like(scores, dtype=bool)
    np.put_along_axis(kept, top2, True, axis=1)
    hits = (kept & (labels > 0)).sum()
    assert np.isclose(float(metrics.Precision(top_k=2)(labels, scores)), hits / kept.sum())
    assert np.isclose(float(metrics.Recall(top_k=2)(labels, scores)), hits / labels.sum())
    # top_k with class_id: is class 1 in the row's top 2 and labelled?
    in_top = kept[:, 1]
    p = metrics.Precision(top_k=2, class_id=1)(labels, scores)
    assert np.isclose(float(p), (in_top & (labels[:, 1] > 0)).sum() / in_top.sum())


def test_precision_recall_config_and_errors():
    cfg = metrics.Precision(thresholds=[0.3, 0.6], top_k=2, class_id=1, name="p").get_config()
    assert cfg == {"name": "p", "dtype": "float32", "thresholds": [0.3, 0.6], "top_k": 2,
                   "class_id": 1}
    assert metrics.Recall.from_config(cfg).thresholds == [0.3, 0.6]
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.Precision(thresholds=[1.5])
    with pytest.raises(ValueError, match="class_id"):
        metrics.Precision(class_id=0).update_state([1, 0], [0.5, 0.2])


def np_auc(tp, fp, tn, fn, curve, summation):
    def div(a, b):
        return np.where(b != 0, a / np.where(b == 0, 1, b), 0.0)
    if curve == "PR" and summation == "interpolation":
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0), div(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return div(slope * (dtp + intercept * np.log(ratio)),
                   np.maximum(tp[1:] + fn[1:], 0)).sum(0)
    recall = div(tp, tp + fn)
    if curve == "ROC":
        x, y = div(fp, fp + tn), recall
    elif curve == "PR":
        x, y = recall, div(tp, tp + fp)
    else:
        scale = div(tp + fn, tn + fp)
        rg = np.maximum(np.where(tp == 0, 0.0, 1 - scale * div(fn, tp)), 0)
        pg = np.where(tp == 0, 1.0, 1 - scale * div(fp, tp))
        x, y = rg, pg
    if summation == "interpolation":
        h = (y[:-1] + y[1:]) / 2
    elif summation == "minoring":
        h = np.minimum(y[:-1], y[1:])
    else:
        h = np.maximum(y[:-1], y[1:])
    return ((x[:-1] - x[1:]) * h).sum(0)


def auc_thresholds(n):
    return [-EPS] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + EPS]


@pytest.mark.parametrize("curve", ["ROC", "PR", "PRGAIN"])
@pytest.mark.parametrize("summation", ["interpolation", "minoring", "majoring"])
def test_auc_curves_and_summations(curve, summation):
    n = 50
    counts = np_counts(Y_TRUE, Y_PRED, auc_thresholds(n), W)
    m = metrics.AUC(num_thresholds=n, curve=curve, summation_method=summation)
    assert np.isclose(stream(m, Y_TRUE, Y_PRED, W), np_auc(*counts, curve, summation),
                      rtol=1e-4, atol=1e-6)
    m.reset_state()
    assert float(m.result()) == 0.0
    cfg = m.get_config()
    assert cfg["curve"] == curve and cfg["summation_method"] == summation
    assert metrics.AUC.from_config(cfg).get_config() == cfg


def test_auc_default_roc_is_close_to_exact_auc():
    sk = pytest.importorskip("sklearn.metrics")
    m = metrics.AUC(num_thresholds=1000)
    m.update_state(Y_TRUE, Y_PRED)
    assert abs(float(m.result()) - sk.roc_auc_score(Y_TRUE, Y_PRED)) < 2e-3
    assert len(metrics.AUC().thresholds) == 200


def test_auc_explicit_thresholds_and_from_logits():
    ths = [0.1, 0.3, 0.35, 0.9]
    full = [-EPS] + ths + [1 + EPS]
    m = metrics.AUC(thresholds=ths)
    counts = np_counts(Y_TRUE, Y_PRED, full)
    assert np.isclose(stream(m, Y_TRUE, Y_PRED), np_auc(*counts, "ROC", "interpolation"),
                      rtol=1e-5)
    assert m.num_thresholds == 6 and m.get_config()["thresholds"] == ths
    logits = np.log(Y_PRED.clip(1e-3, 1 - 1e-3) / (1 - Y_PRED.clip(1e-3, 1 - 1e-3)))
    a = metrics.AUC(num_thresholds=30, from_logits=True)
    counts = np_counts(Y_TRUE, 1 / (1 + np.exp(-logits)), auc_thresholds(30))
    assert np.isclose(float(a(Y_TRUE, logits)), np_auc(*counts, "ROC", "interpolation"),
                      rtol=1e-4)


@pytest.mark.parametrize("label_weights", [None, [0.5, 1.0, 2.0]])
@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_auc_multi_label(label_weights, curve):
    n = 20
    counts = np_counts(ML_TRUE, ML_PRED, auc_thresholds(n), W, axis=0)
    per_label = np_auc(*counts, curve, "interpolation")
    expected = per_label.mean() if label_weights is None else \
        (per_label * label_weights).sum() / np.sum(label_weights)
    m = metrics.AUC(num_thresholds=n, curve=curve, multi_label=True,
                    label_weights=label_weights)
    assert np.isclose(stream(m, ML_TRUE, ML_PRED, W), expected, rtol=1e-4)
    assert tuple(m.true_positives.shape) == (n, 3)
    built = metrics.AUC(num_thresholds=n, multi_label=True, num_labels=3)
    assert tuple(built.true_positives.shape) == (n, 3)


def test_auc_label_weights_single_label():
    n = 20
    lw = np.array([0.5, 1.0, 2.0])
    counts = np_counts(ML_TRUE, ML_PRED, auc_thresholds(n), np.broadcast_to(lw, ML_PRED.shape))
    m = metrics.AUC(num_thresholds=n, label_weights=lw)
    assert np.isclose(stream(m, ML_TRUE, ML_PRED), np_auc(*counts, "ROC", "interpolation"),
                      rtol=1e-4)
    assert m.get_config()["label_weights"] == [0.5, 1.0, 2.0]
    keras_cfg = {**m.get_config(), "label_weights": {
        "class_name": "__tensor__", "config": {"value": [0.5, 1.0, 2.0], "dtype": "float32"}}}
    assert metrics.AUC.from_config(keras_cfg).get_config() == m.get_config()


def test_auc_validation():
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XYZ")
    with pytest.raises(ValueError, match="summation"):
        metrics.AUC(summation_method="trapezoid")
    with pytest.raises(ValueError, match="num_labels"):
        metrics.AUC(num_labels=3)
    with pytest.raises(ValueError, match="rank 2"):
        metrics.AUC(multi_label=True).update_state(np.ones((2, 2, 2)), np.ones((2, 2, 2)))


def _rates(n, w=None):
    tp, fp, tn, fn = np_counts(Y_TRUE, Y_PRED, [0.0] + [(i + 1) / (n - 1) for i in
                                                        range(n - 2)] + [1.0], w)
    div = lambda a, b: np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)
    return div(tp, tp + fn), div(tn, tn + fp), div(tp, tp + fp)


@pytest.mark.parametrize("cls,value,constrained,dependent", [
    (metrics.SensitivityAtSpecificity, 0.7, 1, 0),
    (metrics.SpecificityAtSensitivity, 0.8, 0, 1),
    (metrics.PrecisionAtRecall, 0.6, 0, 2),
    (metrics.RecallAtPrecision, 0.75, 2, 0),
])
def test_sensitivity_family(cls, value, constrained, dependent):
    n = 60
    rates = _rates(n, W)
    expected = max(0.0, np.where(rates[constrained] >= value, rates[dependent], 0).max())
    m = cls(value, num_thresholds=n)
    assert np.isclose(stream(m, Y_TRUE, Y_PRED, W), expected, rtol=1e-5)
    cfg = m.get_config()
    assert cfg["num_thresholds"] == n and cls.from_config(cfg).get_config() == cfg
    with pytest.raises(ValueError, match="range"):
        cls(1.5)
