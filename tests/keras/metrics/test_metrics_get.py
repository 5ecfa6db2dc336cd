"""keras.metrics.get / serialize / deserialize / get_for_output (compile's resolver)."""
import json

import numpy as np
import pytest

from ember.keras import losses, metrics


@pytest.mark.parametrize("name,cls", [
    ("mse", metrics.MeanSquaredError), ("MSE", metrics.MeanSquaredError),
    ("mae", metrics.MeanAbsoluteError), ("mape", metrics.MeanAbsolutePercentageError),
    ("msle", metrics.MeanSquaredLogarithmicError), ("bce", metrics.BinaryCrossentropy),
    ("accuracy", metrics.Accuracy), ("binary_accuracy", metrics.BinaryAccuracy),
    ("categorical_accuracy", metrics.CategoricalAccuracy),
    ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy),
    ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
    ("mean_squared_error", metrics.MeanSquaredError), ("AUC", metrics.AUC),
    ("auc", metrics.AUC), ("Precision", metrics.Precision), ("recall", metrics.Recall),
    ("root_mean_squared_error", metrics.RootMeanSquaredError), ("r2_score", metrics.R2Score),
    ("binary_crossentropy", metrics.BinaryCrossentropy), ("kl_divergence", metrics.KLDivergence),
    ("log_cosh_error", metrics.LogCoshError), ("f1_score", metrics.F1Score),
])
def test_get_names_give_instances(name, cls):
    obj = metrics.get(name)
    assert type(obj) is cls


def test_get_other_identifiers():
    assert metrics.get(None) is None
    m = metrics.Mean()
    assert metrics.get(m) is m
    assert metrics.get(losses.mean_squared_error) is losses.mean_squared_error
    assert type(metrics.get(metrics.AUC)) is metrics.AUC
    obj = metrics.get({"module": "keras.metrics", "class_name": "BinaryAccuracy",
                       "config": {"name": "ba", "dtype": "float32", "threshold": 0.7},
                       "registered_name": None})
    assert isinstance(obj, metrics.BinaryAccuracy) and obj.threshold == 0.7
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        metrics.get("no_such_metric")


def test_function_exports():
    assert metrics.mean_squared_error is losses.mean_squared_error
    assert metrics.binary_crossentropy is losses.binary_crossentropy
    assert metrics.mse is losses.mean_squared_error
    for fn in (metrics.binary_accuracy, metrics.categorical_accuracy,
               metrics.sparse_categorical_accuracy, metrics.top_k_categorical_accuracy,
               metrics.sparse_top_k_categorical_accuracy, metrics.hinge, metrics.poisson):
        assert callable(fn)


ALL_DEFAULTS = [
    metrics.Mean(), metrics.Sum(), metrics.Accuracy(), metrics.BinaryAccuracy(threshold=0.2),
    metrics.CategoricalAccuracy(), metrics.SparseCategoricalAccuracy(),
    metrics.TopKCategoricalAccuracy(k=3), metrics.SparseTopKCategoricalAccuracy(k=2),
    metrics.AUC(curve="PR", num_thresholds=17), metrics.AUC(thresholds=[0.2, 0.4]),
    metrics.Precision(thresholds=[0.3]), metrics.Recall(top_k=2), metrics.TruePositives(),
    metrics.FalsePositives(), metrics.TrueNegatives(), metrics.FalseNegatives(0.3),
    metrics.SensitivityAtSpecificity(0.5), metrics.SpecificityAtSensitivity(0.5),
    metrics.PrecisionAtRecall(0.4), metrics.RecallAtPrecision(0.6),
    metrics.MeanSquaredError(), metrics.RootMeanSquaredError(), metrics.MeanAbsoluteError(),
    metrics.MeanAbsolutePercentageError(), metrics.MeanSquaredLogarithmicError(),
    metrics.CosineSimilarity(), metrics.LogCoshError(), metrics.R2Score(num_regressors=1),
    metrics.BinaryCrossentropy(from_logits=True), metrics.CategoricalCrossentropy(),
    metrics.SparseCategoricalCrossentropy(ignore_class=0), metrics.KLDivergence(),
    metrics.Poisson(), metrics.Hinge(), metrics.SquaredHinge(), metrics.CategoricalHinge(),
    metrics.F1Score(average="macro"), metrics.FBetaScore(beta=2.0), metrics.MeanIoU(3),
    metrics.IoU(3, [1]), metrics.BinaryIoU(), metrics.OneHotIoU(3, [0]),
    metrics.OneHotMeanIoU(3), metrics.PearsonCorrelation(), metrics.ConcordanceCorrelation(),
    metrics.MeanMetricWrapper(losses.huber, name="hub", delta=2.0),
]


@pytest.mark.parametrize("metric", ALL_DEFAULTS, ids=lambda m: type(m).__name__)
def test_serialize_round_trip(metric):
    cfg = metrics.serialize(metric)
    assert cfg["module"] == "keras.metrics" and cfg["class_name"] == type(metric).__name__
    cfg = json.loads(json.dumps(cfg))
    back = metrics.deserialize(cfg)
    assert type(back) is type(metric)
    assert back.get_config() == metric.get_config()
    assert all(not v.trainable for v in back.variables)


@pytest.mark.parametrize("yt_shape,yp_shape,expected", [
    ((8, 1), (8, 1), metrics.BinaryAccuracy),
    ((8,), (8, 1), metrics.BinaryAccuracy),
    ((8,), (8, 5), metrics.SparseCategoricalAccuracy),
    ((8, 1), (8, 5), metrics.SparseCategoricalAccuracy),
    ((8, 5), (8, 5), metrics.CategoricalAccuracy),
    ((4, 7), (4, 7, 3), metrics.SparseCategoricalAccuracy),
])
@pytest.mark.parametrize("name", ["accuracy", "acc", "Accuracy"])
def test_get_for_output_accuracy(yt_shape, yp_shape, expected, name):
    m = metrics.get_for_output(name, np.zeros(yt_shape), np.zeros(yp_shape),
                               "mse")
    assert type(m) is expected and m.name == name


@pytest.mark.parametrize("yt_shape,yp_shape,expected", [
    ((8, 1), (8, 1), metrics.BinaryCrossentropy),
    ((8,), (8, 5), metrics.SparseCategoricalCrossentropy),
    ((8, 5), (8, 5), metrics.CategoricalCrossentropy),
])
def test_get_for_output_crossentropy(yt_shape, yp_shape, expected):
    for name in ("crossentropy", "ce"):
        m = metrics.get_for_output(name, np.zeros(yt_shape), np.zeros(yp_shape), None)
        assert type(m) is expected and m.name == name


def test_get_for_output_names_and_wrapping():
    m = metrics.get_for_output("mae", np.zeros((2, 1)), np.zeros((2, 1)), "mse")
    assert type(m) is metrics.MeanAbsoluteError and m.name == "mae"
    auc = metrics.AUC(name="my_auc")
    assert metrics.get_for_output(auc, None, np.zeros((2, 1)), None) is auc
    assert auc.name == "my_auc"

    def my_metric(y_true, y_pred):
        return losses.mean_absolute_error(y_true, y_pred)
    wrapped = metrics.get_for_output(my_metric, np.zeros((2, 1)), np.zeros((2, 1)), None)
    assert isinstance(wrapped, metrics.MeanMetricWrapper) and wrapped.name == "my_metric"
    assert float(wrapped([[1.0], [2.0]], [[2.0], [2.0]])) == 0.5
    loss_metric = metrics.get_for_output(losses.Huber(name="hub"), None, np.zeros((2, 1)),
                                         None)
    assert isinstance(loss_metric, metrics.MeanMetricWrapper) and loss_metric.name == "hub"
    with pytest.raises(ValueError, match="None"):
        metrics.get_for_output(None, None, np.zeros((2, 1)), None)


def test_compile_metrics_contract():
    """compile's CompileMetrics resolves and updates metrics through get_for_output."""
    from ember.keras.trainers.compile_utils import CompileMetrics

    class FakeModel:
        outputs = None

    cm = CompileMetrics(["accuracy", "mae"], ["acc"], "binary_crossentropy")
    yt = np.array([[1.0], [0.0], [1.0], [0.0]], dtype="float32")
    yp = np.array([[0.9], [0.2], [0.4], [0.1]], dtype="float32")
    cm.build(FakeModel(), yt, yp)
    # "acc" does not clash with "accuracy", so the weighted one keeps its name (as Keras)
    assert cm.names == ["accuracy", "mae", "acc"]
    cm.update_state(yt, yp, sample_weight=np.array([1.0, 1.0, 2.0, 0.0]))
    results = {k: float(v) for k, v in cm.result().items()}
    assert results["accuracy"] == 0.75
    assert np.isclose(results["mae"], np.mean(np.abs(yt - yp)))
    assert np.isclose(results["acc"], 2.0 / 4.0)
