"""A single-output model compiled or fitted with one-element lists, as Keras accepts:
loss=["mse"], loss_weights=[2.0], metrics=[["mae"]], fit(x, [y])."""
import numpy as np
import pytest

from ember import keras

X = np.random.default_rng(0).random((16, 3)).astype("float32")
Y = np.random.default_rng(1).random((16, 1)).astype("float32")


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.set_weights([np.full((3, 1), 0.1, np.float32), np.zeros(1, np.float32)])
    return model


def _reference_mse():
    return float(np.mean((X @ np.full((3, 1), 0.1) - Y) ** 2))


@pytest.mark.parametrize("compile_kw, y", [
    (dict(loss=["mse"]), Y),
    (dict(loss="mse"), [Y]),
    (dict(loss=["mse"]), (Y,)),
])
def test_one_element_lists_mean_the_one_output(compile_kw, y):
    model = _model()
    model.compile("sgd", **compile_kw)
    np.testing.assert_allclose(model.evaluate(X, y, verbose=0), _reference_mse(), rtol=1e-5)
    history = model.fit(X, y, epochs=1, verbose=0)
    assert list(history.history) == ["loss"]


def test_loss_weights_list_and_nested_metrics():
    model = _model()
    model.compile("sgd", loss="mse", loss_weights=[2.0], metrics=[["mae"]])
    loss, mae = model.evaluate(X, Y, verbose=0)
    np.testing.assert_allclose(loss, 2 * _reference_mse(), rtol=1e-5)
    np.testing.assert_allclose(mae, np.mean(np.abs(X @ np.full((3, 1), 0.1) - Y)), rtol=1e-5)


def test_a_longer_list_is_refused():
    model = _model()
    model.compile("sgd", loss=["mse", "mae"])
    with pytest.raises(ValueError, match="loss has 2 entries, but the model has 1 output"):
        model.fit(X, Y, epochs=1, verbose=0)
