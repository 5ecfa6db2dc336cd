"""Regression losses against NumPy re-statements of Keras's formulas."""
import numpy as np
import pytest

from ember.keras import losses

EPS = 1e-7
rng = np.random.default_rng(1)
Y_TRUE = rng.uniform(-2, 2, size=(5, 4))
Y_PRED = rng.uniform(-2, 2, size=(5, 4))
POS_TRUE = np.abs(Y_TRUE)
POS_PRED = np.abs(Y_PRED)
W = np.array([1.0, 0.5, 0.0, 2.0, 1.5])


def np_mse(t, p):
    return np.mean((t - p) ** 2, axis=-1)


def np_mae(t, p):
    return np.mean(np.abs(t - p), axis=-1)


def np_mape(t, p):
    return 100 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), axis=-1)


def np_msle(t, p):
    return np.mean((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2,
                   axis=-1)


def np_cosine(t, p, axis=-1):
    tn = t / np.sqrt(np.maximum((t ** 2).sum(axis, keepdims=True), EPS ** 2))
    pn = p / np.sqrt(np.maximum((p ** 2).sum(axis, keepdims=True), EPS ** 2))
    return -np.sum(tn * pn, axis=axis)


def np_huber(t, p, delta=1.0):
    e = p - t
    return np.mean(np.where(np.abs(e) <= delta, 0.5 * e ** 2, delta * np.abs(e) - 0.5 * delta ** 2),
                   axis=-1)


def np_log_cosh(t, p):
    return np.mean(np.log(np.cosh(p - t)), axis=-1)


CASES = [
    (losses.MeanSquaredError, losses.mean_squared_error, np_mse, {}, Y_TRUE, Y_PRED),
    (losses.MeanAbsoluteError, losses.mean_absolute_error, np_mae, {}, Y_TRUE, Y_PRED),
    (losses.MeanAbsolutePercentageError, losses.mean_absolute_percentage_error, np_mape, {},
     Y_TRUE, Y_PRED),
    (losses.MeanSquaredLogarithmicError, losses.mean_squared_logarithmic_error, np_msle, {},
     POS_TRUE, POS_PRED),
    (losses.CosineSimilarity, losses.cosine_similarity, np_cosine, {}, Y_TRUE, Y_PRED),
    (losses.CosineSimilarity, losses.cosine_similarity, np_cosine, {"axis": 0}, Y_TRUE, Y_PRED),
    (losses.Huber, losses.huber, np_huber, {}, Y_TRUE, Y_PRED),
    (losses.Huber, losses.huber, np_huber, {"delta": 0.3}, Y_TRUE, Y_PRED),
    (losses.LogCosh, losses.log_cosh, np_log_cosh, {}, Y_TRUE, Y_PRED),
]
IDS = [f"{c[0].__name__}{c[3]}" for c in CASES]


@pytest.mark.parametrize("cls,fn,ref,kwargs,yt,yp", CASES, ids=IDS)
def test_function_per_sample(cls, fn, ref, kwargs, yt, yp):
    out = fn(yt.astype("float32"), yp.astype("float32"), **kwargs).numpy()
    np.testing.assert_allclose(out, ref(yt, yp, **kwargs), rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("cls,fn,ref,kwargs,yt,yp", CASES, ids=IDS)
def test_class_reductions(cls, fn, ref, kwargs, yt, yp):
    values = ref(yt, yp, **kwargs)
    loss = cls(**kwargs)
    np.testing.assert_allclose(loss(yt, yp).numpy(), values.mean(), rtol=2e-5, atol=1e-6)
    if values.shape == W.shape:
        np.testing.assert_allclose(loss(yt, yp, sample_weight=W).numpy(),
                                   (values * W).mean(), rtol=2e-5, atol=1e-6)
        summed = cls(reduction="sum", **kwargs)(yt, yp, sample_weight=W).numpy()
        np.testing.assert_allclose(summed, (values * W).sum(), rtol=2e-5, atol=1e-6)
        by_weight = cls(reduction="mean_with_sample_weight", **kwargs)
        np.testing.assert_allclose(by_weight(yt, yp, sample_weight=W).numpy(),
                                   (values * W).sum() / W.sum(), rtol=2e-5, atol=1e-6)
    none = cls(reduction=None, **kwargs)(yt, yp).numpy()
    np.testing.assert_allclose(none, values, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("cls,fn,ref,kwargs,yt,yp", CASES, ids=IDS)
def test_config_round_trip(cls, fn, ref, kwargs, yt, yp):
    loss = cls(name="my_loss", reduction="sum", **kwargs)
    cfg = loss.get_config()
    assert cfg["name"] == "my_loss" and cfg["reduction"] == "sum"
    assert "fn" not in cfg
    for k, v in kwargs.items():
        assert cfg[k] == v
    clone = cls.from_config(cfg)
    np.testing.assert_allclose(clone(yt, yp).numpy(), loss(yt, yp).numpy())


def test_keras_docstring_values():
    assert np.isclose(float(losses.MeanSquaredError()([1.0, 0.0, 1.0], [0.9, 0.1, 0.8])), 0.02)
    assert np.isclose(float(losses.MeanAbsoluteError()([1.0, 0.3, 1.0], [1.9, 0.3, 1.8])),
                      0.5666667)
    assert np.isclose(float(losses.MeanAbsolutePercentageError()([100.0, 200.0, 300.0],
                                                                 [90.0, 210.0, 310.0])),
                      6.111111)


def test_zero_vector_cosine_is_zero():
    out = losses.cosine_similarity([[0.0, 0.0]], [[1.0, 2.0]]).numpy()
    np.testing.assert_allclose(out, [0.0])


def test_log_cosh_large_errors_are_finite():
    out = losses.log_cosh([[0.0]], [[500.0]]).numpy()
    np.testing.assert_allclose(out, [500.0 - np.log(2.0)], rtol=1e-6)


@pytest.mark.parametrize("fn", [losses.mean_squared_error, losses.mean_absolute_error,
                                losses.huber, losses.log_cosh, losses.hinge,
                                losses.categorical_crossentropy, losses.dice])
def test_integer_predictions_give_float32(fn):
    # Keras's mean_squared_error([[1, 2]], [[1, 4]]) is 2.0 (float32); an integer mean
    # truncated [[1, 0, 2], [0, 1, 1]] vs [[2, 1, 1], [1, 1, 3]] to [1, 1]
    out = fn(np.array([[1, 0, 2], [0, 1, 1]]), np.array([[2, 1, 1], [1, 1, 3]]))
    assert out.dtype.name == "float32"


def test_integer_mse_is_not_truncated():
    out = losses.mean_squared_error(np.array([[1, 0, 2], [0, 1, 1]]),
                                    np.array([[2, 1, 1], [1, 1, 3]]))
    np.testing.assert_allclose(out.numpy(), [1.0, 5.0 / 3.0], rtol=1e-6)
