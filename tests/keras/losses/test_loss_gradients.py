"""Every loss has a gradient, and it matches central finite differences (float64)."""
import numpy as np
import pytest

import ember
from ember.keras import losses

rng = np.random.default_rng(5)
PROBS = rng.uniform(0.1, 0.9, size=(3, 4))
LOGITS = rng.normal(size=(3, 4))
ONE_HOT = np.eye(4)[[0, 3, 1]]
BIN = np.array([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]], dtype=float)
REAL_T = rng.normal(size=(3, 4))
REAL_P = rng.normal(size=(3, 4))
W = np.array([1.0, 0.5, 2.0])

CASES = [
    (losses.MeanSquaredError(), REAL_T, REAL_P),
    (losses.MeanAbsoluteError(), REAL_T, REAL_P),
    (losses.MeanAbsolutePercentageError(), REAL_T, REAL_P),
    (losses.MeanSquaredLogarithmicError(), np.abs(REAL_T), np.abs(REAL_P)),
    (losses.Huber(delta=0.7), REAL_T, REAL_P),
    (losses.LogCosh(), REAL_T, REAL_P),
    (losses.CosineSimilarity(), REAL_T, REAL_P),
    (losses.BinaryCrossentropy(), BIN, PROBS),
    (losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), BIN, LOGITS),
    (losses.CategoricalCrossentropy(), ONE_HOT, PROBS),
    (losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2), ONE_HOT, LOGITS),
    (losses.SparseCategoricalCrossentropy(), np.array([0, 3, 1]), PROBS),
    (losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1),
     np.array([0, 3, 1]), LOGITS),
    (losses.BinaryFocalCrossentropy(apply_class_balancing=True), BIN, PROBS),
    (losses.BinaryFocalCrossentropy(from_logits=True, gamma=1.5), BIN, LOGITS),
    (losses.CategoricalFocalCrossentropy(), ONE_HOT, PROBS),
    (losses.CategoricalFocalCrossentropy(from_logits=True), ONE_HOT, LOGITS),
    (losses.KLDivergence(), PROBS[::-1], PROBS),
    (losses.Poisson(), np.abs(REAL_T), PROBS),
    (losses.Hinge(), BIN, REAL_P),
    (losses.SquaredHinge(), BIN, REAL_P),
    (losses.CategoricalHinge(), ONE_HOT, REAL_P),
    (losses.Dice(), BIN, PROBS),
    (losses.Tversky(alpha=0.3, beta=0.7), BIN, PROBS),
    (losses.CategoricalGeneralizedCrossEntropy(q=0.6), np.array([0, 3, 1]), PROBS),
]


@pytest.mark.parametrize("loss,y_true,y_pred", CASES,
                         ids=[type(c[0]).__name__ for c in CASES])
def test_gradient_matches_finite_differences(loss, y_true, y_pred):
    loss = type(loss).from_config({**loss.get_config(), "dtype": "float64"})
    y_true = ember.constant(np.asarray(y_true, dtype=np.float64))
    var = ember.Variable(np.asarray(y_pred, dtype=np.float64))
    with ember.GradientTape() as tape:
        value = loss(y_true, var, sample_weight=W)
    grad = tape.gradient(value, var)
    assert grad is not None
    grad = grad.numpy()
    h = 1e-6
    numeric = np.zeros_like(y_pred, dtype=np.float64)
    for idx in np.ndindex(*y_pred.shape):
        plus, minus = np.array(y_pred, dtype=np.float64), np.array(y_pred, dtype=np.float64)
        plus[idx] += h
        minus[idx] -= h
        numeric[idx] = (float(loss(y_true, plus, sample_weight=W)) -
                        float(loss(y_true, minus, sample_weight=W))) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-7)
