"""IoU metrics against a NumPy confusion matrix."""
import numpy as np
import pytest

from ember.keras import metrics

EPS = 1e-7
rng = np.random.default_rng(11)
YT = rng.integers(0, 4, size=(6, 5))
YP = rng.integers(0, 4, size=(6, 5))
W = rng.integers(0, 3, size=(6, 5))


def np_cm(yt, yp, n, w=None, ignore_class=None):
    w = np.ones_like(yt) if w is None else np.broadcast_to(w, yt.shape)
    yt, yp, w = yt.ravel(), yp.ravel(), w.ravel()
    cm = np.zeros((n, n))
    for t, p, ww in zip(yt, yp, w):
        if 0 <= t < n and 0 <= p < n and t != ignore_class:
            cm[t, p] += ww
    return cm


def np_iou(cm, ids):
    tp = np.diag(cm)
    denom = cm.sum(0) + cm.sum(1) - tp
    tp, denom = tp[ids], denom[ids]
    valid = denom > 1e-9
    iou = np.where(valid, tp / (denom + EPS), 0)
    return iou.sum() / (valid.sum() + EPS)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_class", [None, 2])
def test_mean_iou_streaming(weighted, ignore_class):
    w = W if weighted else None
    m = metrics.MeanIoU(num_classes=4, ignore_class=ignore_class)
    m.update_state(YT[:2], YP[:2], sample_weight=None if w is None else w[:2])
    m.update_state(YT[2:], YP[2:], sample_weight=None if w is None else w[2:])
    cm = np_cm(YT, YP, 4, w, ignore_class)
    np.testing.assert_array_equal(m.total_cm.numpy(), cm)
    assert np.isclose(float(m.result()), np_iou(cm, [0, 1, 2, 3]), rtol=1e-5)
    m.reset_state()
    assert float(m.result()) == 0.0


def test_iou_target_classes_and_out_of_range():
    yt = np.array([0, 1, 2, 5, -1, 3])
    yp = np.array([0, 1, 1, 1, 0, 3])
    m = metrics.IoU(num_classes=4, target_class_ids=[1, 3])
    m.update_state(yt, yp)
    assert np.isclose(float(m.result()), np_iou(np_cm(yt, yp, 4), [1, 3]), rtol=1e-5)
    with pytest.raises(ValueError, match="out of range"):
        metrics.IoU(num_classes=2, target_class_ids=[2])


def test_binary_iou():
    yt = np.array([0, 1, 0, 1, 1])
    yp = np.array([0.1, 0.2, 0.4, 0.7, 0.3])
    m = metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    m.update_state(yt, yp)
    cm = np_cm(yt, (yp >= 0.3).astype(int), 2)
    assert np.isclose(float(m.result()), np_iou(cm, [0, 1]), rtol=1e-5)
    assert m.get_config() == {"target_class_ids": [0, 1], "threshold": 0.3,
                              "name": m.name, "dtype": "int64"}


def test_one_hot_variants():
    yt = np.eye(4)[YT.ravel()]
    scores = np.eye(4)[YP.ravel()] * 0.7 + 0.1
    cm = np_cm(YT, YP, 4)
    m = metrics.OneHotMeanIoU(num_classes=4)
    m.update_state(yt, scores)
    assert np.isclose(float(m.result()), np_iou(cm, [0, 1, 2, 3]), rtol=1e-5)
    m = metrics.OneHotIoU(num_classes=4, target_class_ids=[0, 2])
    m.update_state(yt, scores)
    assert np.isclose(float(m.result()), np_iou(cm, [0, 2]), rtol=1e-5)


def test_configs():
    m = metrics.MeanIoU(num_classes=3, name="miou", ignore_class=0)
    cfg = m.get_config()
    assert cfg == {"num_classes": 3, "name": "miou", "dtype": "int64", "ignore_class": 0,
                   "sparse_y_true": True, "sparse_y_pred": True, "axis": -1}
    assert metrics.MeanIoU.from_config(cfg).get_config() == cfg
    cfg = metrics.IoU(num_classes=3, target_class_ids=[1]).get_config()
    assert cfg["target_class_ids"] == [1]
    assert metrics.IoU.from_config(cfg).target_class_ids == [1]
    assert metrics.OneHotIoU.from_config(
        metrics.OneHotIoU(3, [0]).get_config()).target_class_ids == [0]
    assert metrics.MeanIoU(2).total_cm.name == "total_confusion_matrix"
