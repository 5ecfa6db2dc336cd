"""keras.metrics: what training reports — stateful ``Metric`` objects and the functions
behind them.

>>> from ember.keras import metrics
>>> m = metrics.get("mae")
>>> float(m([[0.0, 1.0]], [[1.0, 1.0]]))
0.5
"""
from __future__ import annotations

from typing import Any

from ..losses import (  # noqa: F401 -- the Keras 2 short names of the functions
    KLD,
    MAE,
    MAPE,
    MSE,
    MSLE,
    binary_or_sparse_categorical,
    kld,
    kullback_leibler_divergence,
    logcosh,
    mae,
    mape,
    mse,
    msle,
)
from ..losses.hinge_losses import categorical_hinge, hinge, squared_hinge  # noqa: F401
from ..losses.probabilistic_losses import (  # noqa: F401
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from ..losses.regression_losses import (  # noqa: F401
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from ..saving.family import ObjectFamily, object_name
from .accuracy_metrics import (  # noqa: F401
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from .confusion_metrics import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from .correlation_metrics import (  # noqa: F401
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from .f_score_metrics import F1Score, FBetaScore
from .hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from .iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .metric import Metric
from .probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from .reduction_metrics import Mean, MeanMetricWrapper, Sum
from .regression_metrics import (  # noqa: F401
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
    cosine_similarity,
)

ALL_OBJECTS = {
    Metric, Mean, Sum, MeanMetricWrapper, MeanSquaredError, RootMeanSquaredError,
    MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, LogCoshError, R2Score, AUC, FalseNegatives, FalsePositives, Precision,
    PrecisionAtRecall, Recall, RecallAtPrecision, SensitivityAtSpecificity,
    SpecificityAtSensitivity, TrueNegatives, TruePositives, ConcordanceCorrelation,
    PearsonCorrelation, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Accuracy,
    BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, F1Score, FBetaScore, IoU, BinaryIoU, MeanIoU, OneHotIoU,
    OneHotMeanIoU,
}


def _snake(name: str) -> str:
    from ..utils.naming import to_snake_case
    return to_snake_case(name)


ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({_snake(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
})


_FAMILY = ObjectFamily(ALL_OBJECTS_DICT, printable_name="metric function",
                       invalid="Could not interpret metric identifier: {}")


def serialize(metric: Any) -> Any:
    """The Keras 3 config of a metric.

    >>> serialize(Mean(name="m"))["config"]
    {'name': 'm', 'dtype': 'float32'}
    """
    return _FAMILY.serialize(metric)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """A metric (or metric function) from a name or a config written by ``serialize``."""
    return _FAMILY.deserialize(config, custom_objects)


def get(identifier: Any) -> Any:
    """Resolve a metric: names (``"mae"``, ``"AUC"``, ``"binary_accuracy"`` ...) and classes
    give a new instance, config dicts are deserialized, callables pass through.

    >>> type(get("mse")).__name__
    'MeanSquaredError'
    """
    return _FAMILY.get(identifier)


def get_for_output(identifier: Any, y_true: Any = None, y_pred: Any = None,
                   loss: Any = None) -> Metric:
    """The ``Metric`` compile tracks for one output (Keras 3's ``get_metric``).

    ``"accuracy"``/``"acc"`` become ``BinaryAccuracy`` when ``y_pred``'s last dim is 1,
    ``SparseCategoricalAccuracy`` when ``y_true`` has fewer dims than ``y_pred`` (or a last
    dim of 1 against several classes), else ``CategoricalAccuracy``; ``"crossentropy"``/
    ``"ce"`` pick the matching cross-entropy the same way. A string keeps the name it was
    written with; functions are wrapped in ``MeanMetricWrapper``. ``loss`` is accepted for
    compile's convenience; like Keras 3, the choice is made from the shapes alone.

    >>> import numpy as np
    >>> m = get_for_output("acc", np.zeros((4,)), np.zeros((4, 3)))
    >>> type(m).__name__, m.name
    ('SparseCategoricalAccuracy', 'acc')
    """
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    key = str(identifier).lower() if isinstance(identifier, str) else None
    if key in ("accuracy", "acc", "crossentropy", "ce"):
        is_binary, is_sparse = binary_or_sparse_categorical(y_true, y_pred)
        if key in ("accuracy", "acc"):
            choices = (BinaryAccuracy, SparseCategoricalAccuracy, CategoricalAccuracy)
        else:
            choices = (BinaryCrossentropy, SparseCategoricalCrossentropy,
                       CategoricalCrossentropy)
        cls = choices[0] if is_binary else choices[1] if is_sparse else choices[2]
        metric = cls(name=identifier)
    else:
        metric = get(identifier)
    name = identifier if isinstance(identifier, str) else object_name(metric)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric)
    metric.name = name
    return metric
