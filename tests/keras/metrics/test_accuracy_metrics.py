"""Accuracy metrics against NumPy, streamed over several batches."""
import numpy as np
import pytest

from ember.keras import metrics

rng = np.random.default_rng(6)
SCORES = rng.uniform(size=(10, 5))
LABELS = rng.integers(0, 5, size=10)
ONE_HOT = np.eye(5)[LABELS]
BIN_TRUE = rng.integers(0, 2, size=(10, 1)).astype(float)
BIN_PRED = rng.uniform(size=(10, 1))
W = rng.uniform(0, 2, size=10)


def np_topk(labels, scores, k):
    target = scores[np.arange(len(labels)), labels]
    return ((scores > target[:, None]).sum(-1) < k).astype(float)


def streamed(metric, y_true, y_pred, w=None):
    """Feed the data in three uneven batches; return the final result."""
    for sl in (slice(0, 3), slice(3, 4), slice(4, None)):
        metric.update_state(y_true[sl], y_pred[sl],
                            sample_weight=None if w is None else w[sl])
    return float(metric.result())


def weighted_mean(values, w=None):
    return values.mean() if w is None else (values * w).sum() / w.sum()


CASES = [
    (metrics.Accuracy(), LABELS, np.where(rng.uniform(size=10) > 0.5, LABELS, 0),
     lambda t, p: (t == p).astype(float)),
    (metrics.BinaryAccuracy(), BIN_TRUE, BIN_PRED,
     lambda t, p: ((p > 0.5) == t).astype(float)[:, 0]),
    (metrics.BinaryAccuracy(threshold=0.3), BIN_TRUE, BIN_PRED,
     lambda t, p: ((p > 0.3) == t).astype(float)[:, 0]),
    (metrics.CategoricalAccuracy(), ONE_HOT, SCORES,
     lambda t, p: (t.argmax(-1) == p.argmax(-1)).astype(float)),
    (metrics.SparseCategoricalAccuracy(), LABELS, SCORES,
     lambda t, p: (t == p.argmax(-1)).astype(float)),
    (metrics.SparseCategoricalAccuracy(), LABELS[:, None], SCORES,
     lambda t, p: (t[:, 0] == p.argmax(-1)).astype(float)),
    (metrics.TopKCategoricalAccuracy(k=2), ONE_HOT, SCORES,
     lambda t, p: np_topk(t.argmax(-1), p, 2)),
    (metrics.SparseTopKCategoricalAccuracy(k=3), LABELS, SCORES,
     lambda t, p: np_topk(t, p, 3)),
]


@pytest.mark.parametrize("metric,yt,yp,ref", CASES,
                         ids=[f"{type(c[0]).__name__}{i}" for i, c in enumerate(CASES)])
def test_streaming_weighted_and_reset(metric, yt, yp, ref):
    values = ref(yt, yp)
    assert np.isclose(streamed(metric, yt, yp), weighted_mean(values))
    metric.reset_state()
    assert float(metric.result()) == 0.0
    assert np.isclose(streamed(metric, yt, yp, W), weighted_mean(values, W), rtol=1e-5)
    clone = type(metric).from_config(metric.get_config())
    assert clone.get_config() == metric.get_config()
    assert metric._direction == "up"


def test_functions():
    np.testing.assert_array_equal(metrics.accuracy([1, 2, 3], [1, 0, 3]).numpy(), [1, 0, 1])
    np.testing.assert_array_equal(
        metrics.binary_accuracy([[1], [0]], [[0.6], [0.6]], threshold=0.5).numpy().ravel(),
        [1, 0])
    np.testing.assert_array_equal(
        metrics.categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.1, 0.9]]).numpy(), [1, 0])
    np.testing.assert_array_equal(
        metrics.sparse_categorical_accuracy([[1], [0]], [[0.2, 0.8], [0.1, 0.9]]).numpy(),
        [1, 0])
    np.testing.assert_array_equal(
        metrics.top_k_categorical_accuracy([[0, 0, 1]], [[0.1, 0.5, 0.4]], k=2).numpy(), [1])
    np.testing.assert_array_equal(
        metrics.sparse_top_k_categorical_accuracy([0], [[0.1, 0.5, 0.4]], k=2).numpy(), [0])


def test_sequence_shapes():
    yt = np.array([[1, 2], [0, 0]])
    yp = np.eye(3)[[[1, 1], [0, 2]]]
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy(yt, yp).numpy(),
                                  [[1, 0], [1, 0]])
    np.testing.assert_array_equal(
        metrics.sparse_top_k_categorical_accuracy(yt, yp, k=1).numpy(), [[1, 0], [1, 0]])
    np.testing.assert_array_equal(
        metrics.top_k_categorical_accuracy(np.eye(3)[yt], yp, k=1).numpy(), [[1, 0], [1, 0]])


def test_sparse_top_k_from_sorted_ids():
    sorted_ids = np.array([[2, 0, 1], [1, 2, 0]])
    out = metrics.sparse_top_k_categorical_accuracy([0, 0], sorted_ids, k=2,
                                                    from_sorted_ids=True)
    np.testing.assert_array_equal(out.numpy(), [1, 0])
    m = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    assert m.get_config()["from_sorted_ids"] is True
    assert "from_sorted_ids" not in metrics.SparseTopKCategoricalAccuracy().get_config()


def test_default_names_and_configs():
    assert metrics.Accuracy().get_config() == {"name": "accuracy", "dtype": "float32"}
    assert metrics.BinaryAccuracy().get_config() == {"name": "binary_accuracy",
                                                     "dtype": "float32", "threshold": 0.5}
    assert metrics.TopKCategoricalAccuracy().get_config()["k"] == 5
    assert metrics.CategoricalAccuracy().name == "categorical_accuracy"
    assert metrics.SparseCategoricalAccuracy().name == "sparse_categorical_accuracy"


def test_binary_accuracy_of_boolean_predictions():
    # Keras: True / False count as 1 / 0 against the threshold (the threshold cast to
    # bool made every True prediction "not above" True)
    out = metrics.binary_accuracy([1, 0, 1], [True, False, False])
    np.testing.assert_array_equal(out.numpy(), [1.0, 1.0, 0.0])
    m = metrics.BinaryAccuracy()
    m.update_state([1, 0, 1], [True, False, False])
    assert float(m.result()) == pytest.approx(2 / 3)
