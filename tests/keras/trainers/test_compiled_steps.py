"""fit / evaluate / predict run compiled steps by default; run_eagerly, jit_compile and
steps_per_execution behave as in Keras 3."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
from ember import keras


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    y = (x[:, :3].sum(axis=1) > 0).astype(np.int64)
    return x, y


def _model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((6,)), keras.layers.Dense(16, activation="relu"),
        keras.layers.Dropout(0.2), keras.layers.BatchNormalization(),
        keras.layers.Dense(2)])


def _fit(run_eagerly, steps_per_execution=1, epochs=3):
    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], run_eagerly=run_eagerly,
                  steps_per_execution=steps_per_execution)
    x, y = _data()
    history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, shuffle=False,
                        validation_data=_data(64, 1))
    return model, history.history


def test_compiled_fit_equals_eager_fit():
    eager_model, eager = _fit(run_eagerly=True)
    model, compiled = _fit(run_eagerly=False)
    assert eager_model.train_function is not None and not hasattr(
        eager_model.train_function, "get_concrete_function")
    assert hasattr(model.train_function, "get_concrete_function")
    for key in eager:
        np.testing.assert_allclose(compiled[key], eager[key], rtol=1e-6, err_msg=key)
    for a, b in zip(model.get_weights(), eager_model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    x, _ = _data(50, 2)
    np.testing.assert_allclose(model.predict(x, verbose=0),
                               eager_model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_the_smaller_last_batch_does_not_retrace_every_epoch():
    model, _ = _fit(run_eagerly=False, epochs=4)
    # 200 samples in batches of 32 (the last one 8): one graph for every batch size
    assert model.train_function.experimental_get_tracing_count() == 1
    assert model.test_function.experimental_get_tracing_count() == 1
    assert "float32[?,6]" in str(model.train_function.get_concrete_function(
        ((np.zeros((5, 6), np.float32), np.zeros(5, np.int64)),)).graph)


def test_steps_per_execution_runs_several_batches_per_call_with_the_same_result():
    base_model, base = _fit(run_eagerly=False)
    model, grouped = _fit(run_eagerly=False, steps_per_execution=3)
    for key in base:
        np.testing.assert_allclose(grouped[key], base[key], rtol=1e-6, err_msg=key)
    seen = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)

    x, y = _data()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[Record()])
    # 7 batches: executions of 3, 3 and 1; Keras 3 numbers each execution's end as its
    # first batch + steps_per_execution - 1, the last one too
    assert seen == [2, 5, 8]


class _Hooks(keras.callbacks.Callback):
    """Records (hook, batch index, sorted log keys) of every batch and epoch hook."""

    def __init__(self):
        super().__init__()
        self.events = []

    def _add(self, hook, index, logs):
        self.events.append((hook, index, list(logs or {})))

    def on_train_batch_begin(self, batch, logs=None):
        self._add("train_begin", batch, None)

    def on_train_batch_end(self, batch, logs=None):
        self._add("train_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._add("test_begin", batch, None)

    def on_test_batch_end(self, batch, logs=None):
        self._add("test_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._add("predict_begin", batch, None)

    def on_predict_batch_end(self, batch, logs=None):
        self.events.append(("predict_end", batch, logs["outputs"].shape[0]))

    def on_epoch_end(self, epoch, logs=None):
        self._add("epoch_end", epoch, logs)


def test_steps_per_execution_hooks_number_and_order_as_keras():
    # what Keras 3.15 (TensorFlow backend) calls for 50 samples in batches of 8 (7
    # batches, the last of 2) with steps_per_execution=3 and 20 validation samples
    x, y = _data(50)
    model = _model()
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True), metrics=["accuracy"], steps_per_execution=3)
    hooks = _Hooks()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False, callbacks=[hooks],
              validation_data=(x[:20], y[:20]))
    keys = ["accuracy", "loss"]
    val = ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert hooks.events == [
        ("train_begin", 0, []), ("train_end", 2, keys), ("train_begin", 3, []),
        ("train_end", 5, keys), ("train_begin", 6, []), ("train_end", 8, keys),
        ("test_begin", 0, []), ("test_end", 2, keys), ("epoch_end", 0, val)]
    hooks.events.clear()
    model.evaluate(x, y, batch_size=8, verbose=0, callbacks=[hooks])
    assert [e[:2] for e in hooks.events] == [
        ("test_begin", 0), ("test_end", 2), ("test_begin", 3), ("test_end", 5),
        ("test_begin", 6), ("test_end", 8)]
    hooks.events.clear()
    out = model.predict(x, batch_size=8, verbose=0, callbacks=[hooks])
    # predict runs steps_per_execution batches per call too, their outputs joined
    assert hooks.events == [("predict_begin", 0, []), ("predict_end", 2, 24),
                            ("predict_begin", 3, []), ("predict_end", 5, 24),
                            ("predict_begin", 6, []), ("predict_end", 8, 2)]
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True))
    np.testing.assert_allclose(out, model.predict(x, batch_size=8, verbose=0), rtol=1e-6)


def test_logs_are_sorted_by_name_as_keras_gives_them():
    # Keras sorts the logs callbacks, History and return_dict=True see; a list of
    # results has the loss, the per-output losses (dict outputs by sorted key), then the
    # prefixed compiled metrics sorted (what Keras 3.15 returns here)
    inp = keras.Input((6,))
    model = keras.Model(inp, {"b": keras.layers.Dense(1, name="b")(inp),
                              "a": keras.layers.Dense(2, name="a")(inp)})
    model.compile("sgd", loss={"a": "mse", "b": "mae"}, metrics={"a": ["mae"], "b": ["mse"]})
    x = _data(40)[0]
    y = {"a": np.zeros((40, 2), np.float32), "b": np.ones((40, 1), np.float32)}
    history = model.fit(x, y, batch_size=8, verbose=0, validation_split=0.25)
    assert list(history.history) == ["a_loss", "a_mae", "b_loss", "b_mse", "loss",
                                     "val_a_loss", "val_a_mae", "val_b_loss",
                                     "val_b_mse", "val_loss"]
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["a_loss", "a_mae", "b_loss", "b_mse", "loss"]
    values = model.evaluate(x, y, verbose=0)
    assert values == [logs[k] for k in ["loss", "a_loss", "b_loss", "a_mae", "b_mse"]]


def test_steps_per_execution_with_batches_of_different_sizes_in_one_execution():
    # a repeated dataset puts the short last batch (2 of 50) next to full ones in one
    # execution: the graph traced for two equal batch sizes must not be reused there
    x, y = _data(50)
    data = ember.data.Dataset.from_tensor_slices((x, y)).batch(8).repeat()
    model = _model()
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True), steps_per_execution=2)
    history = model.fit(data, epochs=2, steps_per_epoch=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_run_eagerly_runs_python_each_step():
    calls = []

    class Counting(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            calls.append(ember.executing_eagerly())
            return self.dense(x)

    x, y = _data(64)
    for run_eagerly in (True, False):
        model = Counting()
        model.compile(optimizer="sgd", loss="mse", run_eagerly=run_eagerly)
        model.build((None, 6))
        calls.clear()
        model.fit(x, y.astype(np.float32), batch_size=32, epochs=1, verbose=0)
        model.fit(x, y.astype(np.float32), batch_size=32, epochs=1, verbose=0)
        # eagerly: the Python call runs for each of the 4 batches; compiled: only while
        # tracing (three times: two batch sizes find the one graph for every batch size,
        # the call's own size checks it)
        assert calls == ([True] * 4 if run_eagerly else [False] * 3)


def test_jit_compile_resolution_follows_keras():
    model = _model()
    model.compile(optimizer="sgd", loss="mse")               # "auto" on a CPU machine
    assert model.jit_compile is bool(ember.config.list_physical_devices("GPU"))
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    assert model.jit_compile is True and model.train_function is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.compile(optimizer="sgd", loss="mse", jit_compile=True, run_eagerly=True)
    assert model.jit_compile is False
    assert any("cannot also be True" in str(w.message) for w in caught)


def test_train_on_batch_and_predict_on_batch_use_the_compiled_functions():
    model = _model()
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=True))
    x, y = _data(32)
    loss = model.train_on_batch(x, y)
    assert isinstance(loss, float)
    assert model.predict_on_batch(x).shape == (32, 2)
    assert model.train_function.experimental_get_tracing_count() == 1


def test_changing_run_eagerly_after_compile_resets_the_functions():
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data(32)
    model.train_on_batch(x, y.astype(np.float32)[:, None].repeat(2, axis=1))
    assert model.train_function is not None
    model.run_eagerly = True
    assert model.train_function is None


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop", "adamw", "nadam",
                                       "adagrad", "adadelta", "adamax", "ftrl", "lion"])
def test_every_optimizer_compiles_to_the_eager_result(optimizer):
    results = []
    for run_eagerly in (True, False):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=optimizer, loss="mse", run_eagerly=run_eagerly)
        x, y = _data(64)
        model.fit(x, y.astype(np.float32), batch_size=16, epochs=2, verbose=0,
                  shuffle=False)
        results.append(model.get_weights() + [v.numpy() for v in model.optimizer.variables])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("make_optimizer", [
    lambda: keras.optimizers.Adam(1e-2, gradient_accumulation_steps=3),
    lambda: keras.optimizers.SGD(1e-2, momentum=0.9, use_ema=True, ema_momentum=0.9,
                                 ema_overwrite_frequency=2),
    lambda: keras.optimizers.AdamW(1e-2, use_ema=True, clipnorm=0.5),
], ids=["accumulation", "ema_overwrite", "ema_clipnorm"])
def test_optimizer_branches_compile_to_the_eager_result(make_optimizer):
    results = []
    for run_eagerly in (True, False):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=make_optimizer(), loss="mse", run_eagerly=run_eagerly)
        x, y = _data(64)
        model.fit(x, y.astype(np.float32), batch_size=8, epochs=2, verbose=0, shuffle=False)
        results.append(model.get_weights() + [v.numpy() for v in model.optimizer.variables])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_one_sample_predict_reuses_the_plan_and_sees_new_weights():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dense(2)])
    x = np.random.default_rng(0).normal(size=(1, 4)).astype(np.float32)
    first = model.predict(x, verbose=0)
    calls = []
    function = model.predict_function
    original = function.python_function
    function.python_function = lambda *a: calls.append(1) or original(*a)
    second = model.predict(x, verbose=0)          # straight to the plan: no call, no trace
    np.testing.assert_array_equal(first, second)
    assert calls == [] and function.experimental_get_tracing_count() == 1
    model.layers[-1].bias.assign([1.0, -1.0])     # variables are read when the plan runs
    np.testing.assert_allclose(model.predict(x, verbose=0), first + [[1.0, -1.0]], rtol=1e-6)
    np.testing.assert_allclose(model.predict(x[:, ::-1].copy(), verbose=0),
                               model(x[:, ::-1].copy()).numpy(), rtol=1e-6)
    ember.config.run_functions_eagerly(True)      # the Python body runs again
    try:
        model.predict(x, verbose=0)
    finally:
        ember.config.run_functions_eagerly(False)
    assert calls == [1]
    model.compile(loss="mse")                     # a new predict function: the old plan goes
    np.testing.assert_allclose(model.predict(x, verbose=0), model(x).numpy(), rtol=1e-6)
    assert model.__dict__["_predict_plans"][0] is model.predict_function
    x4 = np.random.default_rng(1).normal(size=(4, 4)).astype(np.float32)
    np.testing.assert_allclose(model.predict(x4, verbose=0), model(x4).numpy(), rtol=1e-6)
    out = model.predict(x4, batch_size=3, verbose=0)   # a known shape, but two batches
    np.testing.assert_allclose(out, model(x4).numpy(), rtol=1e-6)
    assert out.shape == (4, 2)


class _CountingModel(keras.Model):
    """A custom train_step whose logs hold a key no metric has (the batch size)."""

    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1, kernel_initializer="ones")
        self.tracker = keras.metrics.Mean(name="my_loss")

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        x, y = data
        with ember.GradientTape() as tape:
            loss = ember.reduce_mean((self(x, training=True) - y) ** 2)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.tracker.update_state(loss)
        return {"my_loss": self.tracker.result(), "n": ember.shape(x)[0]}

    @property
    def metrics(self):
        return [self.tracker]


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_epoch_logs_are_the_last_step_logs_when_train_step_returns_other_keys(run_eagerly):
    # Keras: History gets the last step's logs when they are not the metrics' results
    x, _ = _data(50)
    model = _CountingModel()
    model.compile(optimizer=keras.optimizers.SGD(0.1), run_eagerly=run_eagerly,
                  steps_per_execution=3)
    history = model.fit(x[:, :4], x[:, 4:5], batch_size=8, verbose=0, shuffle=False)
    assert sorted(history.history) == ["my_loss", "n"]
    assert history.history["n"] == [2.0]           # 50 samples: the last batch has 2
