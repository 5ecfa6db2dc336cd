"""SwapEMAWeights: values observed from Keras 3.15 (TensorFlow backend) on a tiny fit."""
import numpy as np
import pytest

from ember import keras

X = (np.arange(24).reshape(8, 3) % 5 - 2).astype("float32")
Y = X @ np.array([[1.0], [-2.0], [0.5]], "float32")
W = [np.full((3, 1), 0.1, "float32"), np.zeros((1,), "float32")]


def _model(use_ema: bool = True):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.set_weights(W)
    model.compile(keras.optimizers.SGD(0.05, use_ema=use_ema, ema_momentum=0.5), "mse")
    return model


def _flat(model):
    return np.concatenate([w.ravel() for w in model.get_weights()])


def test_validation_uses_the_moving_averages():
    plain = _model().fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0,
                         validation_data=(X, Y))
    np.testing.assert_allclose(plain.history["val_loss"], [3.9357433, 1.9605193], rtol=1e-5)
    model = _model()
    hist = model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0,
                     validation_data=(X, Y), callbacks=[keras.callbacks.SwapEMAWeights()])
    np.testing.assert_allclose(hist.history["loss"], [7.4923816, 3.6088557], rtol=1e-5)
    np.testing.assert_allclose(hist.history["val_loss"], [4.4473977, 2.5788403], rtol=1e-5)
    # fit ends on the averages, which validation saw last
    np.testing.assert_allclose(_flat(model), [0.3183463, -0.8616209, 0.2767125, -0.0789809],
                               rtol=1e-5)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(2.5788403, rel=1e-5)


def test_swap_on_epoch_shows_averages_at_epoch_end():
    model = _model()
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs=None: seen.append(_flat(model)))
    model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0, validation_data=(X, Y),
              callbacks=[keras.callbacks.SwapEMAWeights(swap_on_epoch=True), record])
    np.testing.assert_allclose(seen, [[0.2367813, -0.4863125, 0.2041875, -0.0230937],
                                      [0.3183463, -0.8616209, 0.2767125, -0.0789809]],
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(_flat(model), seen[-1], rtol=1e-6)


def test_predict_puts_the_raw_weights_back():
    model = _model()
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    model.optimizer.apply_gradients(zip([np.ones((3, 1), "float32"), np.ones(1, "float32")],
                                        model.trainable_weights))
    raw = _flat(model)
    averages = np.concatenate([v.numpy().ravel() for v in
                               model.optimizer._model_variables_moving_average])
    assert not np.allclose(raw, averages)
    out = model.predict(X[:2], verbose=0, callbacks=[keras.callbacks.SwapEMAWeights()])
    np.testing.assert_allclose(out.ravel(), X[:2] @ averages[:3] + averages[3], rtol=1e-5)
    np.testing.assert_allclose(_flat(model), raw)


def test_needs_use_ema():
    model = _model(use_ema=False)
    with pytest.raises(ValueError, match="use_ema=True"):
        model.fit(X, Y, epochs=1, verbose=0, validation_data=(X, Y),
                  callbacks=[keras.callbacks.SwapEMAWeights()])
