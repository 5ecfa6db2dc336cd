"""CTC and Circle losses: values observed from Keras 3.15 (TensorFlow backend)."""
import numpy as np
import pytest

import ember
from ember.keras import losses

LOGITS = (np.arange(2 * 4 * 3).reshape(2, 4, 3) % 5 - 2).astype("float32") * 0.5
LABELS = np.array([[1, 2, 0], [2, 0, 0]])
EMB = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 0.6, 0.8], [0.0, 0.0, 1.0]],
               "float32")
EMB_LABELS = np.array([0, 0, 1, 2])


def test_ctc_per_example_and_weighted():
    out = losses.CTC(reduction="none")(LABELS, LOGITS)
    np.testing.assert_allclose(out.numpy(), [1.5066283, 2.886568], rtol=1e-5)
    weighted = losses.CTC()(LABELS, LOGITS, sample_weight=np.array([1.0, 3.0]))
    assert float(weighted) == pytest.approx(5.083166, rel=1e-5)
    np.testing.assert_allclose(losses.ctc(LABELS, LOGITS).numpy(), out.numpy(), rtol=1e-6)


def test_ctc_checks_ranks_and_config():
    with pytest.raises(ValueError, match=r"y_true.shape=\(3,\)"):
        losses.ctc(LABELS[0], LOGITS)
    with pytest.raises(ValueError, match=r"y_pred.shape=\(2, 4\)"):
        losses.ctc(LABELS, LOGITS[:, :, 0])
    assert losses.CTC().get_config() == {"name": "ctc", "reduction": "sum_over_batch_size"}
    assert isinstance(losses.get("CTC"), losses.CTC)


def test_circle_masks_examples_without_loss():
    none = losses.Circle(gamma=4.0, reduction="none")(EMB_LABELS, EMB)
    np.testing.assert_allclose(none.numpy(), [0.7200738, 1.0482101, 0.0, 0.0], rtol=1e-5)
    # the mean runs over the two examples whose loss is positive (Keras's mask)
    assert float(losses.Circle(gamma=4.0)(EMB_LABELS, EMB)) == pytest.approx(0.884142, rel=1e-5)
    assert float(losses.Circle(gamma=4.0, reduction="sum")(EMB_LABELS, EMB)) == \
        pytest.approx(1.768284, rel=1e-5)


def test_circle_reference_set():
    out = losses.circle(EMB_LABELS, EMB, ref_labels=np.array([1, 2]), ref_embeddings=EMB[2:],
                        remove_diagonal=False, gamma=3, margin=0.3)
    np.testing.assert_allclose(out.numpy(), [0.0, 0.0, 1.6044055, 1.6044055], rtol=1e-5)


def test_circle_gradient_finite_with_rows_without_positives():
    v = ember.Variable(EMB)
    with ember.GradientTape() as tape:
        loss = losses.Circle(gamma=4.0)(EMB_LABELS, v)
    grad = tape.gradient(loss, v).numpy()
    np.testing.assert_allclose(grad, [[-1.1162102, -1.4882803, 0.0],
                                      [-1.8603503, 0.5352023, 0.713603],
                                      [0.5352023, 0.713603, 0.0], [0.0, 0.0, 0.0]],
                               rtol=1e-5, atol=1e-6)


def test_circle_config_round_trip():
    loss = losses.Circle(gamma=10.0, margin=0.25, remove_diagonal=False)
    config = loss.get_config()
    assert config == {"name": "circle", "reduction": "sum_over_batch_size", "gamma": 10.0,
                      "margin": 0.25, "remove_diagonal": False}
    again = losses.deserialize(losses.serialize(loss))
    assert isinstance(again, losses.Circle) and again.get_config() == config
