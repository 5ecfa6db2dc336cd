"""The Loss base: reductions, sample-weight broadcasting, masks, configs."""
import numpy as np
import pytest

import ember
from ember.keras import losses
from ember.keras.losses import loss as loss_mod


def _np_reduce(values, weights, reduction):
    v = values * weights if weights is not None else values
    if reduction in (None, "none"):
        return v
    if reduction == "sum":
        return v.sum()
    if reduction == "mean_with_sample_weight" and weights is not None:
        return v.sum() / np.sum(weights)  # Keras sums the weights as given
    return v.sum() / v.size


Y_TRUE = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [2.0, 2.0, 2.0], [0.5, 0.1, -0.3]])
Y_PRED = np.array([[0.5, 2.5, 0.0], [1.0, -1.5, 2.0], [2.0, 1.0, 3.0], [0.0, 0.3, 0.3]])
PER_SAMPLE = np.mean((Y_TRUE - Y_PRED) ** 2, axis=-1)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean",
                                       "mean_with_sample_weight", None, "none"])
@pytest.mark.parametrize("weights", [None, [1.0, 0.0, 2.0, 0.5], 3.0])
def test_reductions_and_weights(reduction, weights):
    mse = losses.MeanSquaredError(reduction=reduction)
    out = mse(Y_TRUE, Y_PRED, sample_weight=weights).numpy()
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    np.testing.assert_allclose(out, _np_reduce(PER_SAMPLE, w, reduction), rtol=1e-5)


def test_column_weights_and_step_weights():
    mse = losses.MeanSquaredError()
    col = np.array([[1.0], [0.0], [2.0], [0.5]])
    np.testing.assert_allclose(mse(Y_TRUE, Y_PRED, sample_weight=col).numpy(),
                               (PER_SAMPLE * col[:, 0]).mean(), rtol=1e-5)
    # per-timestep weights on (batch, steps, features) targets
    yt, yp = Y_TRUE.reshape(2, 2, 3), Y_PRED.reshape(2, 2, 3)
    step_w = np.array([[1.0, 0.0], [0.5, 2.0]])
    values = PER_SAMPLE.reshape(2, 2)
    np.testing.assert_allclose(mse(yt, yp, sample_weight=step_w).numpy(),
                               (values * step_w).sum() / 4, rtol=1e-5)
    # per-sample weights on per-step losses weight every step of the sample
    sw = np.array([2.0, 0.0])
    np.testing.assert_allclose(mse(yt, yp, sample_weight=sw).numpy(),
                               (values * sw[:, None]).sum() / 4, rtol=1e-5)


def test_bad_weight_shape_names_the_loss():
    with pytest.raises(ValueError, match="mean_squared_error"):
        losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=np.ones((4, 3, 2)))


def test_invalid_reduction():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight"])
def test_mask_on_predictions(reduction):
    mask = np.array([True, False, True, True])
    y_pred = ember.constant(Y_PRED, dtype="float32")
    y_pred._keras_mask = ember.constant(mask)
    out = losses.MeanSquaredError(reduction=reduction)(Y_TRUE, y_pred).numpy()
    if reduction == "sum_over_batch_size":  # mean over the valid entries
        expected = PER_SAMPLE[mask].mean()
    elif reduction == "sum":
        expected = PER_SAMPLE[mask].sum()
    else:
        expected = PER_SAMPLE[mask].sum() / mask.sum()
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    # mask and weights together
    w = np.array([1.0, 5.0, 2.0, 0.0])
    out = losses.MeanSquaredError(reduction="sum")(Y_TRUE, y_pred, sample_weight=w).numpy()
    np.testing.assert_allclose(out, (PER_SAMPLE * w * mask).sum(), rtol=1e-5)


def test_all_masked_gives_zero_not_nan():
    y_pred = ember.constant(Y_PRED, dtype="float32")
    y_pred._keras_mask = ember.constant([False] * 4)
    assert float(losses.MeanSquaredError()(Y_TRUE, y_pred)) == 0.0


def test_scalar_values_are_not_reduced():
    class Scalar(losses.Loss):
        def call(self, y_true, y_pred):
            return ember.reduce_sum(y_pred - y_true)
    out = Scalar(reduction="sum_over_batch_size")([1.0, 2.0], [2.0, 4.0])
    assert float(out) == 3.0


def test_dtype_and_name():
    loss = losses.MeanSquaredError(dtype="float64")
    assert loss.dtype == "float64"
    assert loss(Y_TRUE, Y_PRED).dtype == ember.float64
    assert losses.MeanSquaredError().dtype == "float32"
    assert losses.MeanSquaredError().name == "mean_squared_error"

    class MyLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return y_pred
    assert MyLoss().name.startswith("my_loss")


def test_base_config_round_trip():
    class Custom(losses.Loss):
        def call(self, y_true, y_pred):
            return ember.abs(y_true - y_pred)
    c = Custom(name="c", reduction="sum")
    assert c.get_config() == {"name": "c", "reduction": "sum"}
    c2 = Custom.from_config(c.get_config())
    assert c2.name == "c" and c2.reduction == "sum"
    with pytest.raises(NotImplementedError):
        losses.Loss()(1.0, 1.0)


def test_function_wrapper_config_round_trip():
    from ember.keras.saving import register_keras_serializable

    @register_keras_serializable(package="test_loss")
    def scaled_abs(y_true, y_pred, scale=1.0):
        return scale * ember.reduce_mean(ember.abs(y_true - y_pred), axis=-1)

    w = losses.LossFunctionWrapper(scaled_abs, name="sa", reduction="sum", scale=2.0)
    cfg = w.get_config()
    assert cfg["scale"] == 2.0 and cfg["fn"]["class_name"] == "function"
    w2 = losses.LossFunctionWrapper.from_config(cfg)
    np.testing.assert_allclose(w2(Y_TRUE, Y_PRED).numpy(), w(Y_TRUE, Y_PRED).numpy())
    np.testing.assert_allclose(w(Y_TRUE, Y_PRED).numpy(),
                               2 * np.abs(Y_TRUE - Y_PRED).mean(-1).sum(), rtol=1e-5)
    assert "LossFunctionWrapper" in repr(w)


def test_squeeze_or_expand_to_same_rank():
    f = loss_mod.squeeze_or_expand_to_same_rank
    a, b = f(ember.ones((4, 1)), ember.ones((4,)))
    assert a.shape == (4, 1) and b.shape == (4, 1)
    a, b = f(ember.ones((4, 3, 1)), ember.ones((4, 3)))
    assert a.shape == (4, 3) and b.shape == (4, 3)
    a, b = f(ember.ones((4,)), ember.ones((4, 1)), expand_rank_1=False)
    assert a.shape == (4,) and b.shape == (4,)
    a, b = f(ember.ones((4, 2)), ember.ones((4,)))
    assert a.shape == (4, 2) and b.shape == (4,)


def test_wrapper_aligns_label_rank():
    # (batch,) labels against (batch, 1) predictions
    out = losses.MeanSquaredError(reduction=None)([1.0, 0.0], [[0.5], [0.5]])
    np.testing.assert_allclose(out.numpy(), [0.25, 0.25])
