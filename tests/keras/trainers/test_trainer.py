import numpy as np
import pytest

import ember
from ember import keras


def _data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5, 1.0]) > 0).astype(np.int64)
    return x, y


def _model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(2, activation="softmax")])


def test_fit_lowers_loss_and_returns_history():
    x, y = _data()
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0, validation_split=0.25)
    h = history.history
    assert set(h) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(h["loss"]) == 5 and h["loss"][-1] < h["loss"][0]
    assert history.epoch == [0, 1, 2, 3, 4]
    assert h["accuracy"][-1] > 0.8


def test_same_seed_same_run():
    x, y = _data()
    runs = []
    for _ in range(2):
        model = _model()
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        runs.append(model.fit(x, y, epochs=2, verbose=0).history["loss"])
    assert runs[0] == runs[1]


def test_evaluate_predict_and_batches():
    x, y = _data()
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    result = model.evaluate(x, y, verbose=0)
    assert isinstance(result, list) and len(result) == 2
    d = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(d) == {"loss", "accuracy"}
    pred = model.predict(x, batch_size=50, verbose=0)
    assert isinstance(pred, np.ndarray) and pred.shape == (256, 2)
    np.testing.assert_allclose(pred, model(x).numpy(), rtol=1e-5, atol=1e-6)
    one = model.predict(x[:1], verbose=0)
    assert one.shape == (1, 2)


def test_predict_with_a_single_value_batch():
    # a last batch of one sample and one output: its (1, 1) outputs reach the callbacks
    # as an array, not a float (this crashed)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    x = np.ones((33, 4), np.float32)
    seen = []
    cb = keras.callbacks.LambdaCallback(
        on_predict_batch_end=lambda batch, logs: seen.append(logs["outputs"].shape))
    pred = model.predict(x, batch_size=32, verbose=0, callbacks=[cb])
    assert pred.shape == (33, 1) and seen == [(32, 1), (1, 1)]
    np.testing.assert_allclose(pred, model(x).numpy(), rtol=1e-6)


def test_on_batch_methods():
    x, y = _data(32)
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    logs = model.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    loss = model.test_on_batch(x, y)
    assert len(loss) == 2
    assert model.predict_on_batch(x).shape == (32, 2)


def test_sample_weight_and_class_weight_change_the_loss():
    x, y = _data(64)
    model = _model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    base = model.test_on_batch(x, y)
    sw = np.where(y == 1, 2.0, 0.5).astype(np.float32)
    weighted = model.test_on_batch(x, y, sample_weight=sw)
    assert not np.isclose(base, weighted)
    model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, epochs=1, verbose=0)


def test_generators_and_pydataset():
    x, y = _data(64)

    def gen():
        while True:
            for i in range(0, 64, 16):
                yield x[i:i + 16], y[i:i + 16]

    class Data(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return x[i * 16:(i + 1) * 16], y[i * 16:(i + 1) * 16]

    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    h1 = model.fit(gen(), steps_per_epoch=4, epochs=2, verbose=0)
    h2 = model.fit(Data(), epochs=2, verbose=0, validation_data=Data())
    assert len(h1.history["loss"]) == 2 and "val_loss" in h2.history
    assert model.predict(Data(), verbose=0).shape == (64, 2)


def test_multi_output_losses_metrics_and_weights():
    x = keras.Input((3,))
    h = keras.layers.Dense(8, activation="relu")(x)
    reg = keras.layers.Dense(1, name="reg")(h)
    cls = keras.layers.Dense(3, activation="softmax", name="cls")(h)
    model = keras.Model(x, {"reg": reg, "cls": cls})
    model.compile(optimizer="adam",
                  loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                  loss_weights={"reg": 0.5, "cls": 1.0},
                  metrics={"cls": ["accuracy"], "reg": ["mae"]})
    xs = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    ys = {"reg": xs.sum(1, keepdims=True), "cls": np.arange(32) % 3}
    logs = model.fit(xs, ys, epochs=2, verbose=0).history
    assert {"loss", "reg_loss", "cls_loss", "cls_accuracy", "reg_mae"} <= set(logs)


def test_custom_train_step_keras3_style():
    class Custom(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
            self.tracker = keras.metrics.Mean(name="my_loss")

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            with ember.GradientTape() as tape:
                loss = ember.reduce_mean(ember.square(self(x, training=True) - y))
            grads = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
            self.tracker.update_state(loss)
            return {"my_loss": self.tracker.result()}

        @property
        def metrics(self):
            return [self.tracker]

    model = Custom()
    model.compile(optimizer="sgd")
    xs = np.ones((8, 2), np.float32)
    h = model.fit(xs, np.ones((8, 1), np.float32) * 3, epochs=3, verbose=0)
    assert list(h.history) == ["my_loss"] and h.history["my_loss"][-1] < \
        h.history["my_loss"][0]


def test_errors_before_compile_and_bad_data():
    model = _model()
    with pytest.raises(ValueError, match="compile"):
        model.fit(np.ones((2, 4)), np.ones(2))
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="cardinality"):
        model.fit(np.ones((4, 4)), np.ones(3), verbose=0)


def test_progress_output_in_a_log_file_has_no_carriage_returns(capsys, monkeypatch):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "0")
    x, y = _data(64)
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=16, verbose=1)
    out = capsys.readouterr().out
    assert "\r" not in out
    lines = [l for l in out.splitlines() if l.strip()]
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith("4/4") and "loss:" in lines[1] and "accuracy:" in lines[1]
    assert len(lines) == 4


def test_progress_bar_in_a_terminal_updates_one_line(capsys, monkeypatch):
    monkeypatch.setenv("EMBER_PROGBAR_TTY", "1")
    x, y = _data(64)
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=16, verbose=1)
    out = capsys.readouterr().out
    assert "\r" in out and out.count("\n") == 1 and "ms/step" in out or "us/step" in out


def test_fit_accepts_tensors_lists_and_dict_inputs():
    a = keras.Input((2,), name="a")
    b = keras.Input((2,), name="b")
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    model = keras.Model({"a": a, "b": b}, out)
    model.compile(optimizer="sgd", loss="mse")
    xa = ember.ones((16, 2))
    xb = np.zeros((16, 2), np.float32)
    y = ember.ones((16, 1))
    h = model.fit({"a": xa, "b": xb}, y, epochs=2, batch_size=4, verbose=0)
    assert len(h.history["loss"]) == 2
    model2 = keras.Model([a, b], out)
    model2.compile(optimizer="sgd", loss="mse")
    assert model2.evaluate([xa, xb], y, verbose=0) >= 0


def test_validation_freq_and_initial_epoch():
    x, y = _data(64)
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    h = model.fit(x, y, epochs=4, initial_epoch=1, validation_data=(x, y), validation_freq=2,
                  verbose=0)
    assert h.epoch == [1, 2, 3] and len(h.history["val_loss"]) == 2


def test_steps_per_execution_calls_batch_hooks_less_often():
    x, y = _data(64)
    seen = []
    model = _model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  steps_per_execution=2)
    cb = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[cb])
    assert seen == [1, 3]
