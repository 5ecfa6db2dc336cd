"""What fit/evaluate log and the order evaluate's list takes, as Keras 3.15 gives them
(values observed with real Keras on these models)."""
import numpy as np
import pytest

import ember
from ember import keras

X = np.linspace(0, 1, 60, dtype="float32").reshape(20, 3)
Y = np.linspace(1, 2, 40, dtype="float32").reshape(20, 2)


class _Tracked(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.tracker = keras.metrics.Mean(name="a_tracker")

    def call(self, x):
        self.tracker.update_state(keras.ops.mean(x))
        return x


def _two_outputs(loss, metrics=None, tracked=False):
    inp = keras.Input((3,))
    h = _Tracked()(inp) if tracked else inp
    o1 = keras.layers.Dense(2, kernel_initializer="ones", name="o1")(h)
    o2 = keras.layers.Dense(2, kernel_initializer="zeros", name="o2")(h)
    model = keras.Model(inp, [o1, o2])
    model.compile("sgd", loss=loss, metrics=metrics)
    return model


def _order(model, y):
    logs = model.evaluate(X, y, verbose=0, return_dict=True)
    values = model.evaluate(X, y, verbose=0)
    values = values if isinstance(values, list) else [values]
    # keys by position (distinct values in these models)
    return [next(k for k in logs if logs[k] == v) for v in values], logs


def test_multi_output_list_has_losses_then_sorted_prefixed_metrics():
    model = _two_outputs(["mse", "mae"], [["mape"], ["acc"]])
    order, logs = _order(model, [Y, 2 * Y])
    assert order == ["loss", "o1_loss", "o2_loss", "o1_mape", "o2_acc"]
    # the trackers of layers come before the sorted compiled metrics
    model = _two_outputs(["mse", "mae"], [["mape"], ["acc"]], tracked=True)
    order, _ = _order(model, [Y, 2 * Y])
    assert order == ["loss", "o1_loss", "o2_loss", "a_tracker", "o1_mape", "o2_acc"]


def test_single_output_list_keeps_compile_order():
    inp = keras.Input((3,))
    model = keras.Model(inp, keras.layers.Dense(2, kernel_initializer="ones")(inp))
    model.compile("sgd", "mse", metrics=["mape", "mae"], weighted_metrics=["acc"])
    order, _ = _order(model, Y)
    assert order == ["loss", "mape", "mae", "acc"]


@pytest.mark.filterwarnings("ignore:Gradients do not exist")
@pytest.mark.parametrize("loss", [[None, "mse"], ["mse", None]])
def test_one_output_with_a_loss_logs_no_per_output_losses(loss):
    model = _two_outputs(loss)
    history = model.fit(X, [Y, 2 * Y], epochs=1, verbose=0)
    assert list(history.history) == ["loss"]
    assert isinstance(model.evaluate(X, [Y, 2 * Y], verbose=0), float)
    assert [m.name for m in model.metrics] == ["loss"]


def test_class_weight_with_several_outputs_is_refused():
    model = _two_outputs(["mse", "mse"])
    with pytest.raises(ValueError, match="single output"):
        model.fit(X, [Y, Y], class_weight={0: 1.0, 1: 2.0}, verbose=0)
    with pytest.raises(ValueError, match="single output"):
        model.train_on_batch(X, [Y, Y], class_weight={0: 1.0})


def test_model_trackers_are_in_metrics_and_logs():
    class Model(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
            self.loss_tracker = keras.metrics.Mean(name="zloss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="amae")

        def call(self, x):
            return self.dense(x)

    model = Model()
    model.compile("sgd", "mse", metrics=["mse"])
    model.fit(X, Y[:, :1], verbose=0)
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics", "zloss", "amae"]
    logs = model.evaluate(X, Y[:, :1], verbose=0, return_dict=True)
    assert list(logs) == ["amae", "loss", "mse", "zloss"]
    assert logs["amae"] == logs["zloss"] == 0.0


class CustomStep(keras.Model):
    """The "Customizing what happens in fit()" guide's model: only train_step/test_step
    overridden, built as CustomModel(inputs, outputs), updating every metric of
    self.metrics (the compiled ones through the "compile_metrics" object)."""

    def train_step(self, data):
        x, y = data
        with ember.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_model_subclass_built_from_inputs_and_outputs_with_custom_train_step():
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")(
        inputs)
    model = CustomStep(inputs, outputs)
    assert isinstance(model, keras.Model) and type(model).__name__ == "CustomStep"
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Dense"]
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    history = model.fit(X, Y[:, :1], epochs=2, batch_size=20, shuffle=False, verbose=0)
    # Keras 3.15 (same initial weights): the compiled metric's dict result is merged
    assert sorted(history.history) == ["loss", "mae"]
    np.testing.assert_allclose(history.history["loss"], [0.34109834, 0.30727392], rtol=1e-5)
    np.testing.assert_allclose(history.history["mae"], [0.50630158, 0.47920877], rtol=1e-5)
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]
    with pytest.raises(TypeError):      # inputs without outputs, as in Keras
        CustomStep(inputs)


def test_train_step_gets_x_itself_when_fit_has_no_targets():
    # Keras packs an x-only batch as x (a tuple only when x is a tuple or list), so the
    # autoencoder/VAE guides' train_step(self, data) uses `data` as the images
    seen = []

    class AutoEncoder(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(3)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            seen.append(type(data).__name__ if isinstance(data, (tuple, list)) else
                        tuple(data.shape))
            return {}

    model = AutoEncoder()
    model.compile("sgd")
    model.fit(X, epochs=1, batch_size=10, shuffle=False, verbose=0)
    assert seen and all(isinstance(s, tuple) and s[1:] == (3,) for s in seen)
    model.fit((X, X), epochs=1, batch_size=10, shuffle=False, verbose=0)
    assert seen[-1] == "tuple"
    assert keras.utils.pack_x_y_sample_weight(X) is X
    assert keras.utils.pack_x_y_sample_weight([X]) == ([X],)
