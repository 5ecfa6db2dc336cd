"""keras.losses: what training minimises — ``Loss`` classes and per-sample functions.

>>> from ember.keras import losses
>>> losses.get("mse") is losses.mean_squared_error
True
>>> float(losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
0.5
"""
from __future__ import annotations

from typing import Any

from ..saving.family import ObjectFamily, object_name
from .hinge_losses import (  # noqa: F401
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    convert_binary_labels_to_hinge,
    hinge,
    squared_hinge,
)
from .loss import (  # noqa: F401
    Loss,
    LossFunctionWrapper,
    apply_mask,
    reduce_values,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
    standardize_reduction,
)
from .overlap_losses import Dice, Tversky, dice, tversky
from .probabilistic_losses import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from .regression_losses import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from .sequence_losses import CTC, Circle, circle, ctc

# short names Keras (and Keras 2) accept for the functions
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
bce = BCE = binary_crossentropy

ALL_OBJECTS = {
    Loss, LossFunctionWrapper, KLDivergence, Poisson, BinaryCrossentropy,
    BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, CosineSimilarity, LogCosh,
    Huber, Hinge, SquaredHinge, CategoricalHinge, Dice, Tversky,
    CategoricalGeneralizedCrossEntropy, CTC, Circle,
    kl_divergence, poisson, binary_crossentropy, binary_focal_crossentropy,
    categorical_crossentropy, categorical_focal_crossentropy,
    sparse_categorical_crossentropy, mean_squared_error, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_logarithmic_error, cosine_similarity,
    log_cosh, huber, hinge, squared_hinge, categorical_hinge, dice, tversky,
    categorical_generalized_cross_entropy, ctc, circle,
}
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "kld": kl_divergence, "KLD": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    # Keras 2 names still found in old configs
    "logcosh": log_cosh, "kullback_leibler_divergence": kl_divergence,
})


_FAMILY = ObjectFamily(ALL_OBJECTS_DICT, printable_name="loss function",
                       invalid="Could not interpret loss identifier: {}")


def serialize(loss: Any) -> Any:
    """The Keras 3 config of a loss (a class instance or a function).

    >>> serialize(mean_squared_error)["config"]
    'mean_squared_error'
    """
    return _FAMILY.serialize(loss)


def deserialize(name: Any, custom_objects: dict | None = None) -> Any:
    """A loss from a name or a config written by ``serialize``.

    >>> deserialize("mse") is mean_squared_error
    True
    """
    return _FAMILY.deserialize(name, custom_objects)


def get(identifier: Any) -> Any:
    """Resolve a loss: snake_case names give the function, class names an instance,
    config dicts are deserialized, callables pass through, None stays None.

    >>> get("mean_squared_error") is mean_squared_error
    True
    >>> type(get("MeanSquaredError")).__name__
    'MeanSquaredError'
    """
    return _FAMILY.get(identifier)


def binary_or_sparse_categorical(y_true: Any, y_pred: Any) -> tuple[bool, bool]:
    """(is_binary, is_sparse_categorical) from the target/prediction shapes, Keras 3's
    rule: binary when ``y_pred``'s last dim is 1; sparse when ``y_true`` has fewer
    dims, or a last dim of 1 against several classes."""
    import numpy as np
    p_shape = tuple(getattr(y_pred, "shape", np.shape(y_pred)))
    t_shape = tuple(getattr(y_true, "shape", np.shape(y_true))) if y_true is not None \
        else p_shape
    p_last = p_shape[-1] if p_shape else None
    t_last = t_shape[-1] if t_shape else None
    is_binary = p_last == 1
    is_sparse = len(t_shape) < len(p_shape) or (t_last == 1 and p_last is not None and
                                                 p_last > 1)
    return is_binary, is_sparse


def get_for_output(identifier: Any, y_true: Any = None, y_pred: Any = None) -> Loss | None:
    """The ``Loss`` compile uses for one output (Keras 3's ``get_loss``):
    ``"crossentropy"``/``"ce"`` pick binary, sparse or categorical cross-entropy from the
    shapes; functions are wrapped in a ``LossFunctionWrapper`` named as written.

    >>> get_for_output("mse").name
    'mse'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            obj = binary_crossentropy
        elif is_sparse:
            obj = sparse_categorical_crossentropy
        else:
            obj = categorical_crossentropy
    else:
        obj = get(identifier)
    if isinstance(obj, Loss):
        return obj
    name = identifier if isinstance(identifier, str) else object_name(obj)
    return LossFunctionWrapper(obj, name=name)
